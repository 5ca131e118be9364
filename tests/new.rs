//! `gouvernail new`: the edition it starts builds at once, with or without a parent,
//! holds the organisation's settings, names every other setting, and nothing is
//! written into a folder that holds anything.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, options};
use gouvernail::edition::Edition;
use gouvernail::model::{Kind, Member, Sector, Size};
use gouvernail::output::MemorySink;
use gouvernail::scaffold::{create, NewEdition};
use gouvernail::site::build_edition;

fn new_at<'a>(dir: &'a Path, extends: Option<&'a Path>) -> NewEdition<'a> {
    NewEdition {
        dir,
        extends,
        name: None,
        size: None,
        sector: None,
    }
}

fn built_files(dir: &Path) -> std::collections::BTreeMap<String, gouvernail::output::Bytes> {
    let edition = Edition::load(dir).expect("the new edition loads");
    let sink = MemorySink::default();
    build_edition(&edition, &options(None, None), &sink).expect("the new edition builds");
    sink.into_files()
}

#[test]
fn a_standalone_handbook_builds_with_a_page_of_each_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("guide");
    let written = create(&new_at(&dir, None)).unwrap();
    assert!(written.iter().any(|p| p.ends_with("handbook.yaml")));
    let edition = Edition::load(&dir).unwrap();
    for kind in Kind::ALL {
        let pages = edition
            .files("content")
            .filter(|(rel, _)| rel.starts_with(&format!("{}/", kind.folder())))
            .count();
        assert!(pages > 0, "no sample page of kind {}", kind.id());
    }
    let files = built_files(&dir);
    let pages = written.iter().filter(|p| p.starts_with("content")).count();
    let html_pages = files
        .keys()
        .filter(|p| p.ends_with(".html") && !p.ends_with("index.html"))
        .count();
    assert!(
        html_pages >= pages,
        "{html_pages} pages for {pages} samples"
    );
}

#[test]
fn a_child_edition_is_empty_and_builds_with_its_parents_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    create(&new_at(&dir, Some(&fixture("base")))).unwrap();
    let own: Vec<_> = walkdir::WalkDir::new(dir.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    assert!(own.is_empty(), "content/ holds {own:?}");
    let files = built_files(&dir);
    assert!(
        files.contains_key("pages/introduction.html"),
        "the base's page"
    );
}

#[test]
fn a_relative_parent_is_written_as_the_way_from_the_new_folder() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture("base"), &tmp.path().join("base"));
    let status = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .current_dir(tmp.path())
        .args(["new", "clients/dupont", "--extends", "base", "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    let yaml = std::fs::read_to_string(tmp.path().join("clients/dupont/handbook.yaml")).unwrap();
    assert!(yaml.contains("\nextends: ../../base\n"), "{yaml}");
    // The two folders move together.
    std::fs::rename(tmp.path(), tmp.path().with_extension("moved")).unwrap();
    let moved = tmp.path().with_extension("moved");
    built_files(&moved.join("clients/dupont"));
    std::fs::rename(&moved, tmp.path()).unwrap();
}

#[test]
fn the_options_fill_the_organisation_and_odd_names_stay_text() {
    let tmp = tempfile::tempdir().unwrap();
    let names = [
        "Mairie de Sainte-Foy",
        "Client : X",
        "oui",
        "12",
        "L'atelier \"Bleu\" # 2",
    ];
    for (i, name) in names.into_iter().enumerate() {
        let dir = tmp.path().join(format!("e{i}"));
        create(&NewEdition {
            name: Some(name),
            size: Some(Size::ALL[1]),
            sector: Some(Sector::ALL[1]),
            ..new_at(&dir, None)
        })
        .unwrap();
        let edition = Edition::load(&dir).unwrap();
        assert_eq!(edition.settings.org.name.as_deref(), Some(name));
        assert!(
            edition.settings.title.ends_with(name),
            "{}",
            edition.settings.title
        );
        assert_eq!(edition.size, Some(Size::ALL[1]));
        assert_eq!(edition.sector, Some(Sector::ALL[1]));
        built_files(&dir);
    }
}

#[test]
fn every_setting_is_named_in_the_new_handbook_yaml() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("guide");
    create(&new_at(&dir, None)).unwrap();
    let yaml = std::fs::read_to_string(dir.join("handbook.yaml")).unwrap();
    // The keys `handbook.yaml` accepts, as its reference lists them.
    let reference =
        std::fs::read_to_string(common::repo_root().join("docs/content-model.md")).unwrap();
    for key in [
        "title",
        "language",
        "extends",
        "base_url",
        "org",
        "variables",
        "branding",
        "search",
        "lists",
        "labels",
        "exclude",
        "raw_html",
    ] {
        assert!(
            reference.contains(&format!("{key}:")),
            "the reference names {key}"
        );
        let named = yaml.lines().any(|line| {
            line.trim_start_matches("# ")
                .starts_with(&format!("{key}:"))
        });
        assert!(named, "handbook.yaml does not name `{key}`:\n{yaml}");
    }
    // Uncommented, the examples are settings the edition accepts (but for the
    // parent, which does not exist).
    let uncommented: String = yaml
        .lines()
        .filter(|line| !line.contains("extends: ../guide-de-base"))
        .map(|line| uncomment(line) + "\n")
        .collect();
    assert_ne!(uncommented, yaml);
    std::fs::write(dir.join("handbook.yaml"), &uncommented).unwrap();
    if let Err(problems) = Edition::load(&dir) {
        panic!("{problems:?}\n{uncommented}");
    }
}

/// `line` without its comment mark when what it comments out is a setting: a key,
/// an item, or the indented lines under them; prose is left as it is.
fn uncomment(line: &str) -> String {
    let indent = &line[..line.len() - line.trim_start().len()];
    let Some(rest) = line.trim_start().strip_prefix("# ") else {
        return line.to_string();
    };
    let key = |text: &str| {
        text.split_once(':').is_some_and(|(key, _)| {
            !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        })
    };
    if rest.starts_with(' ') || rest.starts_with("- ") || key(rest) {
        format!("{indent}{rest}")
    } else {
        line.to_string()
    }
}

#[test]
fn a_folder_that_holds_anything_is_refused_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mes notes").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .arg("new")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not empty"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert_eq!(left.len(), 1);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mes notes"
    );
}

#[test]
fn a_parent_without_handbook_yaml_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    let err = create(&new_at(&dir, Some(tmp.path()))).unwrap_err();
    assert!(err.contains("no handbook.yaml"), "{err}");
    assert!(!dir.exists());
}

#[test]
fn a_client_of_the_embedded_handbook_builds_with_nothing_but_the_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .current_dir(tmp.path())
            .env("XDG_CACHE_HOME", &cache)
            .env("HOME", tmp.path())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{args:?}: {stderr}");
    };
    run(&[
        "new",
        "client",
        "--extends",
        "builtin",
        "--name",
        "Dupont SA",
        "--quiet",
    ]);
    let yaml = std::fs::read_to_string(tmp.path().join("client/handbook.yaml")).unwrap();
    assert!(yaml.contains("\nextends: builtin\n"), "{yaml}");
    run(&["build", "client", "--quiet"]);
    // Every page of the default handbook, from the copy the binary holds.
    let pages = walkdir::WalkDir::new(common::repo_root().join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count();
    let built = walkdir::WalkDir::new(tmp.path().join("client/public"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(built > pages, "{built} HTML files for {pages} pages");
    let home = std::fs::read_to_string(tmp.path().join("client/public/index.html")).unwrap();
    assert!(home.contains("Dupont SA"));
}

#[test]
fn the_org_example_block_uncommented_line_by_line_is_a_valid_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("client");
    let base = fixture("base");
    create(&new_at(&dir, Some(&base))).unwrap();
    let yaml = std::fs::read_to_string(dir.join("handbook.yaml")).unwrap();
    // What the file says to do: take away the `# ` at the start of each line of the
    // block.
    let mut in_block = false;
    let uncommented: String = yaml
        .lines()
        .map(|line| {
            in_block = line == "# org:" || (in_block && !line.is_empty());
            let line = if in_block {
                line.strip_prefix("# ").unwrap_or(line)
            } else {
                line
            };
            format!("{line}\n")
        })
        .collect();
    assert!(uncommented.contains("\norg:\n"), "{uncommented}");
    std::fs::write(dir.join("handbook.yaml"), &uncommented).unwrap();
    let edition = Edition::load(&dir).unwrap_or_else(|p| panic!("{p:?}\n{uncommented}"));
    assert_eq!(
        edition.settings.org.name.as_deref(),
        Some("Mon organisation")
    );
}
