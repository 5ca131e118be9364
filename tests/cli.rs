//! The `gouvernail` binary as a user runs it: help, version, exit codes, output
//! formats and colour.

mod common;

use std::process::Command;

use common::fixture;

fn gouvernail(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run gouvernail")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_and_version() {
    let help = gouvernail(&["--help"]);
    assert!(help.status.success());
    let out = text(&help.stdout);
    assert!(out.contains("build") && out.contains("check"), "{out}");
    let build_help = text(&gouvernail(&["build", "--help"]).stdout);
    for flag in [
        "--out", "--size", "--sector", "--drafts", "--format", "--quiet",
    ] {
        assert!(
            build_help.contains(flag),
            "{flag} missing from build --help"
        );
    }
    let version = text(&gouvernail(&["--version"]).stdout);
    assert_eq!(
        version.trim(),
        format!("gouvernail {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn check_exits_1_on_error_and_prints_file_line_and_hint() {
    let out = gouvernail(&["check", fixture("invalid/unknown-field").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("unknown field `titel`"), "{err}");
    assert!(err.contains("bad.md:4:1"), "file:line:column in {err}");
    assert!(
        err.contains("titel: faute"),
        "the offending line is quoted: {err}"
    );
    assert!(err.contains("did you mean `title`?"));
    assert!(
        !err.contains('\u{1b}'),
        "no colour when standard error is not a terminal"
    );
}

#[test]
fn check_succeeds_on_a_valid_edition_and_writes_nothing() {
    let out = gouvernail(&["check", fixture("base").to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!fixture("base/public").exists());
    assert!(text(&out.stderr).contains("checked"));
}

#[test]
fn json_format_is_machine_readable() {
    let out = gouvernail(&[
        "check",
        fixture("invalid/dangling-role").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("JSON on standard output");
    assert_eq!(json[0]["line"], 8);
    assert!(json[0]["message"].as_str().unwrap().contains("referent-ai"));
}

#[test]
fn bad_arguments_say_what_is_expected() {
    let out = gouvernail(&["build", "--size", "xl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expected one of micro, small, medium, eti, ge"));
}

#[test]
fn build_writes_the_site_and_quiet_silences_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("site");
    let out = gouvernail(&[
        "build",
        fixture("base").to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty() && out.stdout.is_empty());
    assert!(out_dir.join("index.html").is_file());
    let failed = gouvernail(&[
        "build",
        fixture("invalid/broken-link").to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stderr).contains("the previous output, if any, is unchanged"));
}

fn check_warnings(args: &[&str], epoch: Option<&str>) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gouvernail"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    let output = command.output().expect("run gouvernail");
    (output.status.code(), text(&output.stderr))
}

#[test]
fn the_build_date_comes_from_today_or_source_date_epoch() {
    let tmp = common::child_of_base(
        "",
        &[(
            "content/pages/revue.md",
            "---\ntitle: Revue\nsummary: Une page à revoir.\nreviewed: 2026-01-15\nreview_every: 6\n---\nTexte.\n",
        )],
    );
    let dir = tmp.path().display().to_string();
    let due = "the review of this page was due on 2026-07-15";
    let (code, err) = check_warnings(&["check", &dir, "--today", "2026-07-01"], None);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains(due), "{err}");
    let (_, err) = check_warnings(&["check", &dir, "--today", "2026-07-16"], None);
    assert!(err.contains(due), "{err}");
    // 2026-07-16 00:00 UTC, then 2026-07-01; --today wins over the variable.
    let (_, err) = check_warnings(&["check", &dir], Some("1784160000"));
    assert!(err.contains(due), "{err}");
    let (_, err) = check_warnings(&["check", &dir], Some("1782864000"));
    assert!(!err.contains(due), "{err}");
    let (_, err) = check_warnings(
        &["check", &dir, "--today", "2026-07-01"],
        Some("1784160000"),
    );
    assert!(!err.contains(due), "{err}");
    let (code, err) = check_warnings(&["check", &dir], Some("demain"));
    assert_eq!(code, Some(2));
    assert!(err.contains("SOURCE_DATE_EPOCH is `demain`"), "{err}");
}

#[test]
fn the_same_sources_and_date_give_a_byte_identical_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = common::repo_root().display().to_string();
    let mut sites = Vec::new();
    for name in ["one", "two"] {
        let out = tmp.path().join(name);
        let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .args([
                "build",
                &root,
                "--out",
                &out.display().to_string(),
                "--quiet",
            ])
            .env("SOURCE_DATE_EPOCH", "1798761600")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        sites.push(common::snapshot(&out));
    }
    assert!(sites[0].len() > 200);
    let differ: Vec<&String> = sites[0]
        .iter()
        .filter(|(path, bytes)| sites[1].get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        differ.is_empty(),
        "files differ between two builds: {differ:?}"
    );
    assert_eq!(sites[0].len(), sites[1].len());
}
