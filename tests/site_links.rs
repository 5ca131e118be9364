//! Builds the default handbook (the repository's own edition) to a folder and walks
//! every page: each `href` and `src` must name a file that exists on disk, and each
//! `#fragment` an id in that file, as a browser opening the site from file:// needs.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use common::{build_to_dir, options, repo_root};
use regex::Regex;

fn ids_of(html: &str, id_pattern: &Regex) -> HashSet<String> {
    id_pattern
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
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
    }
}

fn check_links(out: &Path) {
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let id_pattern = Regex::new(r#"\sid="([^"]+)""#).unwrap();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
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
                if !known.contains(fragment) {
                    broken.push(format!(
                        "{} → {url} (no id `{fragment}`)",
                        entry.path().display()
                    ));
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
