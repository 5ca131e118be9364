//! The example client editions (examples/editions/) and the batch build: each
//! example builds, shows what it is there to show, and a batch of the three with a
//! broken fourth builds the three and reports the fourth.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::{build_in_memory, options, repo_root};

fn example(name: &str) -> PathBuf {
    repo_root().join("examples/editions").join(name)
}

/// The built page whose path contains `part`.
fn page_with<'f>(files: &'f std::collections::BTreeMap<String, String>, part: &str) -> &'f str {
    files
        .iter()
        .find(|(path, _)| path.contains(part))
        .unwrap_or_else(|| panic!("no page {part}"))
        .1
}

fn gouvernail(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_small_company_has_its_name_contacts_logo_colours_and_favicon() {
    let (summary, files) = build_in_memory(&example("small"), &options(None, None)).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let home = &files["index.html"];
    assert!(home.contains("Atelier Lambert"), "the organisation's name");
    assert!(home.contains(r#"class="logo""#) && files.contains_key("assets/logo.svg"));
    assert!(
        home.contains(r#"<link rel="icon" href="assets/favicon.svg">"#),
        "its favicon"
    );
    assert!(files["assets/edition.css"].contains("--brand-primary: #5a3e1b"));
    let own = page_with(&files, "mot-de-la-gerante");
    assert!(
        own.contains("Claire Lambert, gérante"),
        "a contact filled in"
    );
    // Tailored to its size: the page says it is for a small organisation.
    assert!(home.contains(r#"data-size="small""#));
    assert!(
        files["impression.html"].contains(r#"class="book-logo""#),
        "the print cover has the logo"
    );
}

#[test]
fn the_mid_size_company_adapts_two_forked_pages_and_hides_the_cases() {
    let dir = example("eti");
    let (summary, files) = build_in_memory(&dir, &options(None, None)).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert!(
        !files.keys().any(|path| path.starts_with("cas/")),
        "no case study is published"
    );
    let charter = page_with(&files, "charte-utilisation-ia.html");
    assert!(
        charter.contains("rubrique « Verdier IA »"),
        "the adapted charter"
    );
    let playbook = page_with(&files, "encadrer-shadow-ai.html");
    assert!(playbook.contains("Chez Verdier"), "the adapted playbook");
    // The base's link to a hidden case shows as its text, not as a broken link.
    assert!(
        playbook.contains("le cas québécois")
            && !playbook.contains("cas-quebec-reprise-en-main.html")
    );
    // Both forks are recorded, from the base.
    let lock = gouvernail::forks::read_lock(&dir).unwrap();
    let forked: Vec<&str> = lock.files.keys().map(String::as_str).collect();
    assert_eq!(
        forked,
        [
            "content/charters/charte-utilisation-ia.md",
            "content/playbooks/encadrer-shadow-ai.md"
        ]
    );
    assert!(lock.files.values().all(|fork| fork.from == "../../.."));
}

#[test]
fn the_municipality_has_its_elected_officials_and_its_own_page() {
    let (summary, files) = build_in_memory(&example("public"), &options(None, None)).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    assert!(
        files.keys().any(|path| path.ends_with("roles/elus.html")),
        "the elected officials' card"
    );
    assert!(files
        .keys()
        .any(|path| path.contains("deliberation-conseil")));
    assert!(files["index.html"].contains(r#"data-sector="public""#));
}

#[test]
fn a_batch_builds_every_good_edition_and_reports_the_broken_one() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("cassee");
    std::fs::create_dir_all(broken.join("content/pages")).unwrap();
    std::fs::write(
        broken.join("handbook.yaml"),
        format!("extends: {}\n", repo_root().display()),
    )
    .unwrap();
    std::fs::write(
        broken.join("content/pages/page.md"),
        "---\ntitle: Page\nsummary: [pas fermé\n---\nTexte.\n",
    )
    .unwrap();
    let out_root = tmp.path().join("sites");
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref()];
    let dirs = [
        example("small"),
        example("eti"),
        example("public"),
        broken.clone(),
    ];
    args.extend(dirs.iter().map(|d| d.as_os_str()));
    args.extend(["--out-root".as_ref(), out_root.as_os_str()]);
    let output = gouvernail(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for name in ["small", "eti", "public"] {
        assert!(
            out_root.join(name).join("index.html").is_file(),
            "{name}: {stderr}"
        );
    }
    assert!(!out_root.join("cassee").exists(), "{stderr}");
    // Its error, with its file, and the table's row for each edition.
    assert!(stderr.contains("cassee/content/pages/page.md:"), "{stderr}");
    let row = |name: &str| {
        stderr
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}: {stderr}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("cassee")[1], "-", "no pages for the broken one");
    assert_ne!(row("cassee")[3], "0", "its errors are counted");
    assert_eq!(row("eti")[3], "0");
    assert!(stderr.contains("3 of 4 editions built"), "{stderr}");
}

#[test]
fn a_batch_refuses_two_editions_of_one_name_and_out_for_several() {
    let tmp = tempfile::tempdir().unwrap();
    for parent in ["a", "b"] {
        let dir = tmp.path().join(parent).join("client");
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("handbook.yaml"), "title: Client\n").unwrap();
    }
    let (a, b) = (tmp.path().join("a/client"), tmp.path().join("b/client"));
    let root = tmp.path().join("sites");
    let output = gouvernail(&[
        "build".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "--out-root".as_ref(),
        root.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("are both named `client`"), "{stderr}");
    assert!(!root.exists(), "nothing is built");
    let output = gouvernail(&[
        "build".as_ref(),
        a.as_os_str(),
        b.as_os_str(),
        "--out".as_ref(),
        root.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--out-root"));
    // Without --out-root each goes into its own public/, and a pattern finds them.
    let pattern = tmp.path().join("*/client");
    let output = gouvernail(&["build".as_ref(), pattern.as_os_str(), "--quiet".as_ref()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(a.join("public/index.html").is_file() && b.join("public/index.html").is_file());
    // A folder the pattern matches that lost its handbook.yaml fails, as it does
    // when the shell expands the pattern: a client never silently drops out.
    std::fs::create_dir_all(tmp.path().join("c/client/content")).unwrap();
    let output = gouvernail(&["build".as_ref(), pattern.as_os_str(), "--quiet".as_ref()]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("no handbook.yaml"), "{text}");
}

#[test]
fn a_client_colour_with_poor_contrast_warns_with_both_colours_and_the_ratio() {
    let child = common::child_of_base(
        "branding:\n  colors:\n    primary: \"#7fb2e5\"\n    accent: \"#b4540a\"\n",
        &[],
    );
    let (summary, _) = build_in_memory(child.path(), &options(None, None)).unwrap();
    let warnings: Vec<String> = summary.warnings.iter().map(|w| w.message.clone()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("#7fb2e5") && warnings[0].contains("#fff"),
        "{warnings:?}"
    );
    assert!(
        warnings[0].contains("2.2:1") && warnings[0].contains("4.5:1"),
        "{warnings:?}"
    );
    let text = gouvernail::diagnostics::to_text(&summary.warnings);
    assert!(
        text.contains("handbook.yaml:4:"),
        "at the colour's line: {text}"
    );
    // A colour dark enough passes, in both schemes.
    let child = common::child_of_base(
        "branding:\n  colors:\n    primary: \"#1f4e79\"\n    accent: \"#b4540a\"\n",
        &[],
    );
    let (summary, _) = build_in_memory(child.path(), &options(None, None)).unwrap();
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

#[test]
fn no_build_replaces_another_edition_even_forced_nor_writes_into_its_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let make = |name: &str| {
        let dir = tmp.path().join(name);
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("handbook.yaml"), format!("title: {name}\n")).unwrap();
        dir
    };
    let (base, client) = (make("base"), make("clients/base"));
    // `--out-root .` would make clients/base's output the folder `base`, an edition.
    let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .current_dir(tmp.path())
        .args(["build", "clients/base", "--out-root", ".", "--force"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("holds a handbook.yaml: it is an edition"),
        "{stderr}"
    );
    assert!(base.join("handbook.yaml").is_file() && base.join("content").is_dir());
    // An output root inside one edition's sources is refused for the others, named.
    let inside = client.join("content/sites");
    let other = make("autre");
    let output = gouvernail(&[
        "build".as_ref(),
        client.as_os_str(),
        other.as_os_str(),
        "--out-root".as_ref(),
        inside.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "inside the folders of {}, another edition of this build",
            client.display()
        )),
        "{stderr}"
    );
    assert!(!inside.join("autre").exists());
    // A file among the folders a shell's pattern gave is left out.
    std::fs::write(tmp.path().join("NOTES.md"), "notes").unwrap();
    let output = gouvernail(&[
        "build".as_ref(),
        other.as_os_str(),
        tmp.path().join("NOTES.md").as_os_str(),
        "--out-root".as_ref(),
        tmp.path().join("sites").as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(tmp.path().join("sites/autre/index.html").is_file());
}

#[test]
fn a_batch_writes_the_same_bytes_as_one_build_per_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    let dirs = [example("small"), example("eti"), example("public")];
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref()];
    args.extend(dirs.iter().map(|d| d.as_os_str()));
    args.extend([
        "--out-root".as_ref(),
        batch.as_os_str(),
        "--today".as_ref(),
        "2026-12-02".as_ref(),
        "--quiet".as_ref(),
    ]);
    let output = gouvernail(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for dir in &dirs {
        let name = dir.file_name().unwrap();
        let single = tmp.path().join("single").join(name);
        let output = gouvernail(&[
            "build".as_ref(),
            dir.as_os_str(),
            "--out".as_ref(),
            single.as_os_str(),
            "--today".as_ref(),
            "2026-12-02".as_ref(),
            "--quiet".as_ref(),
        ]);
        assert!(output.status.success());
        let (a, b) = (
            common::snapshot(&batch.join(name)),
            common::snapshot(&single),
        );
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (path, bytes) in &a {
            assert!(bytes == &b[path], "{name:?}: {path} differs");
        }
    }
}
