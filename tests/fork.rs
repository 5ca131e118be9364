//! `gouvernail fork`: the inherited file is copied into the edition's own layer,
//! byte for byte, and the lock records where it came from and what it was.

mod common;

use std::path::Path;

use common::{child_of_base, fixture, options};
use gouvernail::edition::Edition;
use gouvernail::forks::{fork, hash, read_lock, LOCK_FILE};
use gouvernail::output::MemorySink;
use gouvernail::site::build_edition;

fn load(dir: &Path) -> Edition {
    Edition::load(dir).expect("the edition loads")
}

#[test]
fn a_page_forked_by_id_is_the_parents_copy_and_the_lock_records_it() {
    let child = child_of_base("", &[]);
    let forked = fork(&load(child.path()), "charte").unwrap();
    assert_eq!(forked.rel, "content/charters/charte.md");
    let parent = std::fs::read(fixture("base").join("content/charters/charte.md")).unwrap();
    let copy = std::fs::read(child.path().join("content/charters/charte.md")).unwrap();
    assert_eq!(copy, parent);
    let lock = read_lock(child.path()).unwrap();
    let entry = &lock.files["content/charters/charte.md"];
    assert_eq!(entry.hash, hash(&parent));
    assert_eq!(entry.text.as_deref().map(str::as_bytes), Some(&parent[..]));
    assert_eq!(entry.gouvernail, env!("CARGO_PKG_VERSION"));
    // The lock names the parent as a way from the edition to it.
    let from = child.path().join(&entry.from);
    assert_eq!(
        from.canonicalize().unwrap(),
        fixture("base").canonicalize().unwrap()
    );
    // The edition now builds from its own copy.
    let edition = load(child.path());
    let origin = edition.origin("content", "charters/charte.md").unwrap();
    assert_eq!(origin.layer, edition.layers.len() - 1);
    build_edition(&edition, &options(None, None), &MemorySink::default()).expect("builds");
}

#[test]
fn built_in_templates_are_forked_and_each_fork_keeps_the_others() {
    let child = child_of_base("", &[]);
    fork(&load(child.path()), "templates/page.html").unwrap();
    fork(&load(child.path()), "pages/introduction.md").unwrap();
    let lock = read_lock(child.path()).unwrap();
    let keys: Vec<&String> = lock.files.keys().collect();
    assert_eq!(
        keys,
        ["content/pages/introduction.md", "templates/page.html"]
    );
    assert_eq!(lock.files["templates/page.html"].from, "gouvernail");
    let copy = std::fs::read_to_string(child.path().join("templates/page.html")).unwrap();
    assert_eq!(
        lock.files["templates/page.html"].text.as_deref(),
        Some(&copy[..])
    );
    assert!(copy.contains("{%"), "a template");
}

#[test]
fn an_own_file_or_an_unknown_one_is_refused_and_nothing_is_written() {
    let child = child_of_base(
        "",
        &[(
            "content/pages/propre.md",
            "---\ntitle: Propre\nsummary: À moi.\n---\nTexte.\n",
        )],
    );
    let err = fork(&load(child.path()), "propre").unwrap_err();
    assert!(err.contains("already this edition's own file"), "{err}");
    let err = fork(&load(child.path()), "chart").unwrap_err();
    assert!(err.contains("did you mean `charte`?"), "{err}");
    let err = fork(&load(child.path()), "templates/absent.html").unwrap_err();
    assert!(err.contains("no file templates/absent.html"), "{err}");
    for outside in [
        "../../etc/passwd",
        "content/../../secret.txt",
        "/etc/passwd",
    ] {
        let err = fork(&load(child.path()), outside).unwrap_err();
        assert!(
            err.contains("leaves the edition's folders"),
            "{outside}: {err}"
        );
    }
    assert!(!child.path().join(LOCK_FILE).exists());
    assert!(!child.path().join("templates").exists());
}

/// A copy of the base fixture that the test may change, and a child of it.
fn family() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (base, child) = (tmp.path().join("base"), tmp.path().join("client"));
    common::copy_dir(&fixture("base"), &base);
    std::fs::create_dir_all(child.join("content")).unwrap();
    std::fs::write(child.join("handbook.yaml"), "extends: ../base\n").unwrap();
    (tmp, base, child)
}

fn drift_of(dir: &Path) -> Vec<gouvernail::forks::Drift> {
    gouvernail::forks::drift(&load(dir)).unwrap()
}

#[test]
fn a_fork_whose_parent_changed_drifts_with_the_upstream_change_as_a_diff() {
    use gouvernail::forks::State;
    let (_tmp, base, child) = family();
    fork(&load(&child), "charte").unwrap();
    fork(&load(&child), "templates/page.html").unwrap();
    assert!(drift_of(&child).iter().all(|d| d.state == State::UpToDate));
    let status = |dir: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .args(["drift", "--quiet"])
            .arg(dir)
            .output()
            .unwrap()
    };
    assert!(status(&child).status.success());
    let page = base.join("content/charters/charte.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("summary: Les règles.", "summary: Les règles communes."),
    )
    .unwrap();
    let report = drift_of(&child);
    let charte = report
        .iter()
        .find(|d| d.path == "content/charters/charte.md")
        .unwrap();
    assert_eq!(charte.state, State::ChangedUpstream);
    assert_eq!(charte.from, "../base");
    let diff = charte.diff.as_deref().unwrap();
    assert!(diff.contains("\n-summary: Les règles.\n"), "{diff}");
    assert!(
        diff.contains("\n+summary: Les règles communes.\n"),
        "{diff}"
    );
    let template = report
        .iter()
        .find(|d| d.path == "templates/page.html")
        .unwrap();
    assert_eq!(template.state, State::UpToDate);
    let output = status(&child);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("content/charters/charte.md: changed in ../base"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+summary: Les règles communes."),
        "{stdout}"
    );
}

#[test]
fn a_hand_copy_a_vanished_parent_a_binary_change_and_a_lost_copy_are_each_told() {
    use gouvernail::forks::State;
    let (_tmp, base, child) = family();
    // A binary file of the parent, forked, then changed upstream.
    std::fs::write(
        base.join("content/pages/schema.png"),
        [0x89, b'P', b'N', b'G', 0, 1],
    )
    .unwrap();
    fork(&load(&child), "content/pages/schema.png").unwrap();
    std::fs::write(
        base.join("content/pages/schema.png"),
        [0x89, b'P', b'N', b'G', 0, 2],
    )
    .unwrap();
    // A page copied by hand, and changed.
    let intro = std::fs::read_to_string(base.join("content/pages/introduction.md")).unwrap();
    std::fs::create_dir_all(child.join("content/pages")).unwrap();
    std::fs::write(
        child.join("content/pages/introduction.md"),
        intro.replace("Bienvenue", "Bonjour"),
    )
    .unwrap();
    // A fork whose parent file goes, and one whose copy goes.
    fork(&load(&child), "mythe-grands-groupes").unwrap();
    std::fs::remove_file(base.join("content/myths/mythe-grands-groupes.md")).unwrap();
    fork(&load(&child), "annonce").unwrap();
    std::fs::remove_file(child.join("content/comms/annonce.md")).unwrap();
    let report = drift_of(&child);
    let state = |path: &str| {
        let found = report
            .iter()
            .find(|d| d.path == path)
            .unwrap_or_else(|| panic!("{path}: {report:?}"));
        (&found.state, found.diff.as_deref())
    };
    assert_eq!(
        state("content/pages/schema.png"),
        (&State::ChangedUpstream, None)
    );
    let (hand, diff) = state("content/pages/introduction.md");
    assert_eq!(hand, &State::Unrecorded);
    assert!(diff.unwrap().contains("+Bonjour"), "{diff:?}");
    assert_eq!(
        state("content/myths/mythe-grands-groupes.md").0,
        &State::RemovedUpstream
    );
    assert_eq!(state("content/comms/annonce.md").0, &State::CopyGone);
    assert_eq!(report.len(), 4, "{report:?}");
}

#[test]
fn a_half_merged_file_of_any_kind_fails_the_check_at_its_conflict_alone() {
    let conflicted = "avant\n<<<<<<< client\nla version du client\n=======\nla version de la base\n>>>>>>> base\naprès\n";
    for (path, text) in [
        (
            "content/pages/fusion.md",
            format!("---\ntitle: Fusion\nsummary: Une page.\n---\n{conflicted}"),
        ),
        ("templates/footer.html", conflicted.to_string()),
        ("theme/edition.css", format!("/* */\n{conflicted}")),
        // The stylesheet every page links, and a data file pages read: what the
        // later stages would miss is not reported page after page.
        ("theme/style.css", format!("body {{}}\n{conflicted}")),
        ("data/regles.yaml", format!("version: 3\n{conflicted}")),
    ] {
        let child = child_of_base("", &[(path, &text)]);
        let errors = common::errors_of(child.path());
        let conflict = errors
            .iter()
            .find(|e| e.message.contains("unresolved merge conflict"))
            .unwrap_or_else(|| panic!("{path}: {errors:?}"));
        let rendered = gouvernail::diagnostics::to_text(std::slice::from_ref(conflict));
        let line = text.lines().position(|l| l.starts_with("<<<<<<<")).unwrap() + 1;
        assert!(rendered.contains(path), "{path}: {rendered}");
        assert!(
            rendered.contains(&format!(":{line}:")),
            "{path}, line {line}: {rendered}"
        );
        assert_eq!(errors.len(), 1, "{path}: {errors:?}");
    }
}

#[test]
fn a_heading_underline_or_a_lone_marker_is_no_conflict() {
    use gouvernail::parse::conflict_markers;
    assert_eq!(conflict_markers("Titre\n=======\n\nTexte.\n"), None);
    assert_eq!(conflict_markers("<<<<<<< a\nseul\n"), None);
    assert_eq!(
        conflict_markers("<<<<<<< a\nx\n>>>>>>> b\n"),
        None,
        "no middle"
    );
    let text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> base\n";
    let at = conflict_markers(text).unwrap();
    assert_eq!(&text[at], "<<<<<<< HEAD");
}

fn gouvernail(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(args)
        .arg("--edition")
        .arg(dir)
        .output()
        .unwrap()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn update_merges_a_separate_upstream_change_into_the_adapted_copy() {
    let (_tmp, base, child) = family();
    fork(&load(&child), "charte").unwrap();
    let copy = child.join("content/charters/charte.md");
    let original = std::fs::read_to_string(&copy).unwrap();
    // The client adapts the summary; the base later changes a variable's label,
    // a few lines below (adjacent lines changed on both sides conflict, as in git).
    edit(
        &copy,
        "summary: Les règles.",
        "summary: Nos règles, chez le client.",
    );
    edit(
        &base.join("content/charters/charte.md"),
        "label: Outils autorisés",
        "label: Outils autorisés par la direction",
    );
    let output = gouvernail(&["update", "charte"], &child);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("content/charters/charte.md: merged"),
        "{stdout}"
    );
    let merged = std::fs::read_to_string(&copy).unwrap();
    assert!(
        merged.contains("summary: Nos règles, chez le client."),
        "{merged}"
    );
    assert!(
        merged.contains("label: Outils autorisés par la direction"),
        "{merged}"
    );
    assert_eq!(
        merged.lines().count(),
        original.lines().count(),
        "no line lost or doubled:\n{merged}"
    );
    // The lock now starts from the parent's new file: nothing has drifted.
    let upstream = std::fs::read(base.join("content/charters/charte.md")).unwrap();
    let lock = read_lock(&child).unwrap();
    assert_eq!(
        lock.files["content/charters/charte.md"].hash,
        hash(&upstream)
    );
    assert!(drift_of(&child).iter().all(|d| !d.drifted()));
    build_edition(&load(&child), &options(None, None), &MemorySink::default())
        .expect("the merged edition builds");
}

#[test]
fn update_leaves_markers_on_a_conflict_and_check_refuses_the_file_at_them() {
    let (_tmp, base, child) = family();
    fork(&load(&child), "charte").unwrap();
    let copy = child.join("content/charters/charte.md");
    edit(
        &copy,
        "summary: Les règles.",
        "summary: Les règles du client.",
    );
    edit(
        &base.join("content/charters/charte.md"),
        "summary: Les règles.",
        "summary: Les règles communes.",
    );
    let output = gouvernail(&["update", "--all"], &child);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 conflict left"), "{stdout}");
    let text = std::fs::read_to_string(&copy).unwrap();
    let line = |prefix: &str| text.lines().position(|l| l.starts_with(prefix));
    let (start, middle, end) = (line("<<<<<<<"), line("======="), line(">>>>>>>"));
    assert!(start < middle && middle < end, "{text}");
    assert!(text.contains("summary: Les règles du client."), "{text}");
    assert!(text.contains("summary: Les règles communes."), "{text}");
    let errors = common::errors_of(&child);
    let conflict = errors
        .iter()
        .find(|e| e.message.contains("unresolved merge conflict"))
        .unwrap_or_else(|| panic!("{errors:?}"));
    let rendered = gouvernail::diagnostics::to_text(std::slice::from_ref(conflict));
    assert!(
        rendered.contains(&format!("charte.md:{}:", start.unwrap() + 1)),
        "{rendered}"
    );
    // Until resolved, drift says so and update refuses: nothing is merged twice.
    let conflicted = drift_of(&child);
    assert_eq!(conflicted[0].state, gouvernail::forks::State::Conflicted);
    let again = gouvernail(&["update", "--all"], &child);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stdout).contains("still holds the conflict markers"));
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    // Resolved by hand, the copy is up to date: the lock moved to the base's file.
    let resolved: String = text
        .lines()
        .scan(None::<bool>, |keep, line| {
            Some(match line {
                l if l.starts_with("<<<<<<<") => {
                    *keep = Some(true);
                    None
                }
                l if l.starts_with("|||||||") || l.starts_with("=======") => {
                    *keep = Some(false);
                    None
                }
                l if l.starts_with(">>>>>>>") => {
                    *keep = None;
                    None
                }
                _ if *keep == Some(false) => None,
                l => Some(format!("{l}\n")),
            })
        })
        .flatten()
        .collect();
    std::fs::write(&copy, resolved).unwrap();
    assert!(
        drift_of(&child).iter().all(|d| !d.drifted()),
        "{:?}",
        drift_of(&child)
    );
    assert!(gouvernail(&["update", "--all"], &child).status.success());
}

#[test]
fn update_replaces_an_untouched_binary_and_refuses_one_changed_on_both_sides() {
    use gouvernail::forks::{update, Outcome};
    let (_tmp, base, child) = family();
    let (schema, logo) = ("content/pages/schema.png", "content/pages/logo.png");
    for name in [schema, logo] {
        std::fs::write(base.join(name), [0x89, b'P', b'N', b'G', 0, 1]).unwrap();
        fork(&load(&child), name).unwrap();
        std::fs::write(base.join(name), [0x89, b'P', b'N', b'G', 0, 2]).unwrap();
    }
    std::fs::write(child.join(logo), [0x89, b'P', b'N', b'G', 0, 3]).unwrap();
    let updated = update(&load(&child), None).unwrap();
    let outcome = |path: &str| &updated.iter().find(|u| u.path == path).unwrap().outcome;
    assert_eq!(outcome(schema), &Outcome::Replaced);
    assert_eq!(
        std::fs::read(child.join(schema)).unwrap(),
        [0x89, b'P', b'N', b'G', 0, 2]
    );
    assert!(matches!(outcome(logo), Outcome::Refused(why) if why.contains("binary")));
    assert_eq!(
        std::fs::read(child.join(logo)).unwrap(),
        [0x89, b'P', b'N', b'G', 0, 3]
    );
    // The refused file keeps its old record, so drift still tells it.
    let report = drift_of(&child);
    let logo_drift = report.iter().find(|d| d.path == logo).unwrap();
    assert!(logo_drift.drifted());
}

#[test]
fn a_hand_copy_identical_to_the_parent_is_told_apart_with_no_diff() {
    use gouvernail::forks::State;
    let (_tmp, base, child) = family();
    std::fs::create_dir_all(child.join("content/pages")).unwrap();
    std::fs::copy(
        base.join("content/pages/introduction.md"),
        child.join("content/pages/introduction.md"),
    )
    .unwrap();
    let report = drift_of(&child);
    assert_eq!(report.len(), 1, "{report:?}");
    assert_eq!(report[0].state, State::UnrecordedSame);
    assert!(report[0].diff.is_none() && report[0].drifted());
}

#[test]
fn update_of_a_hand_copy_says_there_is_no_base_to_merge_from() {
    use gouvernail::forks::update;
    let (_tmp, base, child) = family();
    let intro = std::fs::read_to_string(base.join("content/pages/introduction.md")).unwrap();
    std::fs::create_dir_all(child.join("content/pages")).unwrap();
    std::fs::write(child.join("content/pages/introduction.md"), &intro).unwrap();
    let err = update(&load(&child), Some("introduction")).unwrap_err();
    assert!(err.contains("no record in editions.lock"), "{err}");
    // A page the edition does not override at all.
    let err = update(&load(&child), Some("charte")).unwrap_err();
    assert!(
        err.contains("does not override content/charters/charte.md"),
        "{err}"
    );
}

#[test]
fn after_an_upgrade_drift_names_the_built_in_pages_and_templates_that_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .current_dir(tmp.path())
            .env("XDG_CACHE_HOME", &cache)
            .env("HOME", tmp.path())
            .args(args)
            .output()
            .unwrap()
    };
    let new = run(&["new", "client", "--extends", "builtin", "--quiet"]);
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let client = tmp.path().join("client");
    for page in ["charte-utilisation-ia", "templates/page.html"] {
        let output = run(&["fork", page, "--edition", "client", "--quiet"]);
        assert!(
            output.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = run(&["drift", "client"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // What an older gouvernail would have recorded: the same files, one line apart.
    let mut lock = read_lock(&client).unwrap();
    assert_eq!(lock.files.len(), 2, "{:?}", lock.files.keys());
    for fork in lock.files.values_mut() {
        let text = fork.text.take().unwrap();
        let older = text.replacen('\n', "\nune ligne d'une version passée\n", 1);
        fork.hash = hash(older.as_bytes());
        fork.text = Some(older);
        fork.gouvernail = "0.0.1".to_string();
    }
    std::fs::write(
        client.join(LOCK_FILE),
        serde_yaml_ng::to_string(&lock).unwrap(),
    )
    .unwrap();
    let output = run(&["drift", "client", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = report.as_array().unwrap();
    assert_eq!(report.len(), 2, "{report:?}");
    for (file, from) in report.iter().zip(["builtin", "gouvernail"]) {
        assert_eq!(file["state"], "changed_upstream", "{file}");
        assert_eq!(file["from"], from, "{file}");
        assert_eq!(file["forked_with"], "0.0.1", "{file}");
        let diff = file["diff"].as_str().unwrap();
        assert!(
            diff.contains("\n-une ligne d'une version passée\n"),
            "{diff}"
        );
    }
    let text = String::from_utf8(run(&["drift", "client"]).stdout).unwrap();
    assert!(
        text.contains("changed in builtin since it was forked with gouvernail 0.0.1"),
        "{text}"
    );
}

#[test]
fn a_lock_entry_edited_by_hand_is_refused_rather_than_reported_as_drift() {
    let (_tmp, _base, child) = family();
    fork(&load(&child), "charte").unwrap();
    let lock = std::fs::read_to_string(child.join(LOCK_FILE)).unwrap();
    let entry = &read_lock(&child).unwrap().files["content/charters/charte.md"];
    std::fs::write(
        child.join(LOCK_FILE),
        lock.replace(&entry.hash, "xxh3:0000000000000000"),
    )
    .unwrap();
    let err = gouvernail::forks::drift(&load(&child)).unwrap_err();
    assert!(err.contains("edited by hand"), "{err}");
    let err = gouvernail::forks::update(&load(&child), None).unwrap_err();
    assert!(err.contains("edited by hand"), "{err}");
}

#[test]
fn drift_in_json_reports_an_edition_that_does_not_load_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(["drift", "--format", "json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let problems: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    let problem = &problems.as_array().unwrap()[0];
    assert_eq!(problem["severity"], "error");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("no handbook.yaml"),
        "{problem}"
    );
}

#[test]
fn a_mistyped_or_folderless_file_name_gets_the_file_it_meant() {
    let child = child_of_base("", &[]);
    let edition = load(child.path());
    for (asked, meant) in [
        ("templates/pag.html", "templates/page.html"),
        ("theme/styles.css", "theme/style.css"),
        ("page.html", "templates/page.html"),
        ("style.css", "theme/style.css"),
    ] {
        let error = fork(&edition, asked).unwrap_err();
        assert!(
            error.contains(&format!("did you mean `{meant}`")),
            "{asked}: {error}"
        );
        assert!(
            !child.path().join(meant).exists(),
            "{asked}: nothing written"
        );
    }
}
