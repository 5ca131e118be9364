//! Builds the default handbook (the repository's own edition) to a folder and walks
//! every page: each `href` and `src` must name a file that exists on disk, and each
//! `#fragment` exactly one id in that file, as a browser opening the site from
//! file:// needs. The print book, where every page's body meets the others, must
//! have no id twice.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{build_to_dir, options, repo_root};
use regex::Regex;

/// How many times each id appears in `html`.
fn ids_of(html: &str, id_pattern: &Regex) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    for capture in id_pattern.captures_iter(html) {
        *ids.entry(capture[1].to_string()).or_insert(0) += 1;
    }
    ids
}

fn decode(url: &str) -> String {
    url.replace("&amp;", "&").replace("%20", " ")
}

#[test]
fn every_link_of_the_default_handbook_resolves_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    for (size, sector) in [
        (None, None),
        (
            Some(gouvernail::model::Size::Micro),
            Some(gouvernail::model::Sector::Private),
        ),
    ] {
        if let Err(d) = build_to_dir(&repo_root(), &out, &options(size, sector)) {
            panic!(
                "the default handbook must build: {:#?}",
                d.iter().map(|d| d.short()).collect::<Vec<_>>()
            );
        }
        check_links(&out);
        check_book_ids(&out.join("impression.html"));
    }
}

/// Every id of the print book is unique, and its pages' bodies keep theirs.
fn check_book_ids(book: &Path) {
    let id_pattern = Regex::new(r#"\sid="([^"]+)""#).unwrap();
    let ids = ids_of(&std::fs::read_to_string(book).unwrap(), &id_pattern);
    let mut twice: Vec<String> = ids
        .iter()
        .filter(|(_, &n)| n > 1)
        .map(|(id, n)| format!("{id} ({n} times)"))
        .collect();
    twice.sort();
    assert!(
        twice.is_empty(),
        "{} ids appear more than once in {}:\n{}",
        twice.len(),
        book.display(),
        twice.join("\n")
    );
    // The check means something only if the bodies' headings are there.
    assert!(ids.len() > 300, "only {} ids in the book", ids.len());
}

fn check_links(out: &Path) {
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let id_pattern = Regex::new(r#"\sid="([^"]+)""#).unwrap();
    let mut ids: HashMap<PathBuf, HashMap<String, usize>> = HashMap::new();
    let mut pages = 0;
    let mut links = 0;
    let mut broken = Vec::new();
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for capture in attr.captures_iter(&html) {
            let url = decode(&capture[1]);
            if url.starts_with("http:") || url.starts_with("https:") || url.starts_with("mailto:") {
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{}: root-relative link {url} breaks from file://",
                entry.path().display()
            );
            links += 1;
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url.as_str(), None),
            };
            // A query (`style.css?v=…`, the content hash) names the same file.
            let path = path.split_once('?').map_or(path, |(file, _)| file);
            let target = if path.is_empty() {
                entry.path().to_path_buf()
            } else {
                entry.path().parent().unwrap().join(path)
            };
            let Ok(target) = target.canonicalize() else {
                broken.push(format!("{} → {url}", entry.path().display()));
                continue;
            };
            assert!(
                target.starts_with(out.canonicalize().unwrap()),
                "{url} leaves the site"
            );
            assert!(
                target.is_file(),
                "{} → {url} is a folder: links must name their file",
                entry.path().display()
            );
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids.entry(target.clone()).or_insert_with(|| {
                    ids_of(
                        &std::fs::read_to_string(&target).unwrap_or_default(),
                        &id_pattern,
                    )
                });
                match known.get(fragment).copied().unwrap_or(0) {
                    1 => {}
                    0 => broken.push(format!(
                        "{} → {url} (no id `{fragment}`)",
                        entry.path().display()
                    )),
                    n => broken.push(format!(
                        "{} → {url} ({n} ids `{fragment}`: the link may land on the wrong one)",
                        entry.path().display()
                    )),
                }
            }
        }
    }
    assert!(pages > 50, "only {pages} pages");
    assert!(links > 1000, "only {links} links");
    assert!(
        broken.is_empty(),
        "{} broken links of {links}:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
