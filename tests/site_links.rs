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
    check_links_but(out, &[]);
}

/// As `check_links`, where the files named `absent` may be missing (an extracted
/// archive's footer names the archive, which it does not hold).
fn check_links_but(out: &Path, absent: &[&str]) {
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
                if absent.iter().any(|name| path.ends_with(name)) {
                    continue;
                }
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

/// `exports: { zip: true }` puts the whole site, as one zip, inside it and links
/// it from every footer; `--zip FILE` writes the same archive beside the site.
/// Each, extracted by another reader than the one that wrote it (Python's
/// zipfile), is a site whose every link resolves from disk.
#[test]
fn the_site_archived_in_a_zip_works_once_extracted() {
    let tmp = tempfile::tempdir().unwrap();
    let edition = tmp.path().join("edition");
    std::fs::create_dir(&edition).unwrap();
    std::fs::write(
        edition.join("handbook.yaml"),
        format!(
            "extends: {}\norg: {{ name: Coopérative Test }}\nexports: {{ zip: true }}\n",
            repo_root().display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("public");
    // Builds the edition into `out`, archived into the folder `zip`.
    let build_archived_into = |zip: &Path| {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .args(["build", "--quiet", "--today", "2026-12-02", "--out"])
            .arg(&out)
            .arg("--zip")
            .arg(zip)
            .arg(&edition)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    build_archived_into(tmp.path());
    let name = "guide-de-gouvernance-de-l-ia-cooperative-test-2026-12-02";
    let inside = out.join(format!("{name}.zip"));
    let beside = tmp.path().join(format!("{name}.zip"));
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains(&format!(r#"href="{name}.zip" download"#)),
        "the footer links it"
    );
    // The same inputs, the same bytes: built again, the archive does not change.
    let again = tmp.path().join("again");
    std::fs::create_dir(&again).unwrap();
    build_archived_into(&again);
    assert!(
        std::fs::read(&beside).unwrap()
            == std::fs::read(again.join(format!("{name}.zip"))).unwrap(),
        "two builds of the same edition, two different archives"
    );
    for (archive, folder) in [(&inside, "from-inside"), (&beside, "from-beside")] {
        let dest = tmp.path().join(folder);
        let extracted = std::process::Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(archive)
            .arg(&dest)
            .output()
            .expect("python3 extracts the archive");
        assert!(
            extracted.status.success(),
            "{}",
            String::from_utf8_lossy(&extracted.stderr)
        );
        let site = dest.join(name);
        assert!(
            site.join("index.html").is_file(),
            "one folder named after the edition and the date"
        );
        assert!(
            !site.join(format!("{name}.zip")).exists(),
            "the archive does not hold itself"
        );
        assert!(!site.join(gouvernail::output::MARKER).exists());
        check_links_but(&site, &[&format!("{name}.zip")]);
    }
}
