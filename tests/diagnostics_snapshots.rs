//! Snapshots of the diagnostics as a user reads them: `gouvernail check` on a
//! fixture, its standard error whole (the message, the file:line:column, the quoted
//! source line and its marker, the hint, the closing count), so that the wording and
//! the layout of a message cannot change without a reviewed snapshot
//! (tests/snapshots/). The fixtures' folder is written `[fixtures]`, so the
//! snapshots hold no path of this machine.
//!
//! On a mismatch the test fails; locally, insta writes the new text beside the old
//! one (`.snap.new`) for `cargo insta review`. Under CI (`CI=true`) insta writes
//! nothing and fails on a new snapshot as on a changed one.

mod common;

use std::path::Path;
use std::process::Command;

use common::fixture;

/// `gouvernail check <edition> --today <today> --quiet`, run from tests/fixtures
/// with a relative path, as a user in that folder would: (exit code, standard
/// error with the fixtures' folder written `[fixtures]`).
fn check(edition: &str, today: &str) -> (Option<i32>, String) {
    let fixtures = fixture("");
    let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .current_dir(&fixtures)
        .args(["check", edition, "--today", today, "--quiet"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run gouvernail");
    assert!(
        output.stdout.is_empty(),
        "text diagnostics go to standard error"
    );
    let text = String::from_utf8(output.stderr).expect("UTF-8 on standard error");
    (output.status.code(), normalise(&text, &fixtures))
}

/// `text` with every spelling of the `fixtures` folder written `[fixtures]`.
fn normalise(text: &str, fixtures: &Path) -> String {
    let mut text = text.to_string();
    let canonical = fixtures.canonicalize().unwrap();
    for spelling in [canonical.as_path(), fixtures] {
        let shown = spelling.display().to_string();
        text = text.replace(shown.trim_end_matches('/'), "[fixtures]");
    }
    let root = env!("CARGO_MANIFEST_DIR");
    assert!(
        !text.contains(root),
        "a path of this machine is left: {text}"
    );
    text
}

fn error_snapshot(name: &str, edition: &str) {
    let (code, text) = check(edition, "2026-11-21");
    assert_eq!(code, Some(1), "{name}: exit code\n{text}");
    assert!(text.starts_with("error: "), "{text}");
    insta::assert_snapshot!(name, text);
}

#[test]
fn malformed_yaml() {
    error_snapshot("malformed_yaml", "invalid/malformed-yaml");
}

#[test]
fn unknown_field_with_did_you_mean() {
    error_snapshot("unknown_field", "invalid/unknown-field");
}

#[test]
fn unknown_key_of_handbook_yaml_with_did_you_mean() {
    error_snapshot("unknown_edition_key", "invalid/unknown-edition-key");
}

#[test]
fn dangling_role_reference() {
    error_snapshot("dangling_role", "invalid/dangling-role");
}

#[test]
fn unclosed_block() {
    error_snapshot("unclosed_block", "invalid/unclosed-block");
}

#[test]
fn non_utf8_file() {
    error_snapshot("non_utf8", "invalid/non-utf8");
}

#[test]
fn several_errors_at_once_sorted_by_file_with_the_count() {
    error_snapshot("many_errors", "invalid/many-errors");
}

#[test]
fn overdue_review_warning() {
    // The base fixture's playbook was reviewed on 2099-01-01, every 12 months.
    let (code, text) = check("base", "2100-06-01");
    assert_eq!(code, Some(0), "a warning does not fail the check\n{text}");
    assert!(text.starts_with("warning: "), "{text}");
    insta::assert_snapshot!("overdue_review_warning", text);
}
