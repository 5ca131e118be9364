//! Hostile and accidental input: a build costs time and memory in proportion to its
//! input, refuses what no real handbook holds with a clear limit, never prints
//! control characters from a source to the terminal, and reads no file from outside
//! the edition through a symbolic link (docs/security.md).
//!
//! Time bounds here are generous (seconds, for a debug build on a loaded machine):
//! they catch the quadratic or worse, not a slow day.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{build_in_memory, child_of_base, options};
use gouvernail::diagnostics::Diagnostic;

fn page(front_matter: &str, body: &str) -> String {
    format!("---\ntitle: Page hostile\nsummary: Pour les tests.\n{front_matter}---\n{body}")
}

/// Builds an edition into memory within `limit`: its result.
fn build_within(
    dir: &Path,
    limit: Duration,
) -> Result<std::collections::BTreeMap<String, String>, Vec<Diagnostic>> {
    let started = Instant::now();
    let result = build_in_memory(dir, &options(None, None));
    let took = started.elapsed();
    assert!(took < limit, "the build took {took:?} (limit {limit:?})");
    result.map(|(_, files)| files)
}

fn only_error(result: Result<impl std::fmt::Debug, Vec<Diagnostic>>, needle: &str) -> Diagnostic {
    let diagnostics = result.expect_err("the build succeeded");
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.message.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error containing {needle:?}: {:#?}",
        diagnostics
            .iter()
            .map(Diagnostic::short)
            .collect::<Vec<_>>()
    );
    assert!(found[0].hint.is_some(), "no hint: {}", found[0].short());
    found[0].clone()
}

#[test]
fn many_identical_headings_take_linear_time_and_get_unique_ids() {
    let body = "## Même titre\n\nTexte.\n\n".repeat(40_000);
    let ed = child_of_base("", &[("content/pages/titres.md", &page("", &body))]);
    let files = build_within(ed.path(), Duration::from_secs(60)).expect("builds");
    let html = &files["pages/titres.html"];
    assert!(html.contains("id=\"meme-titre\""));
    assert!(html.contains("id=\"meme-titre-39999\""));
    assert!(!html.contains("id=\"meme-titre-40000\""));
}

#[test]
fn ids_and_tags_too_long_for_a_file_name_are_refused_where_they_are_written() {
    let long_id = "a".repeat(300);
    let long_tag = "gouvernance ".repeat(25);
    let front = format!("id: {long_id}\ntags: [court, {long_tag}]\n");
    let ed = child_of_base("", &[("content/pages/long.md", &page(&front, "Texte.\n"))]);
    let diagnostics = build_within(ed.path(), Duration::from_secs(20)).unwrap_err();
    let id = diagnostics
        .iter()
        .find(|d| d.message.contains("has 300 characters; the limit is 100"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(id.line_column().map(|p| p.0), Some(4));
    let tag = diagnostics
        .iter()
        .find(|d| d.message.contains("makes a file name of"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(tag.line_column().map(|p| p.0), Some(5));
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.message.contains("File name too long")),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_page_with_thousands_of_tags_is_refused_quickly() {
    let tags: Vec<String> = (0..20_000).map(|i| format!("t{i}")).collect();
    let front = format!("tags: [{}]\n", tags.join(", "));
    let ed = child_of_base("", &[("content/pages/tags.md", &page(&front, "Texte.\n"))]);
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(30)),
        "the page has 20000 tags; the limit is 100",
    );
    assert!(d.file().unwrap().ends_with("content/pages/tags.md"));
    assert_eq!(d.line_column().map(|p| p.0), Some(4));
}

#[test]
fn a_playbook_with_thousands_of_steps_naming_missing_roles_is_refused_quickly() {
    // Each step's unknown role became a column of the RACI matrix: 10,000 steps
    // took 38 s and 7 GB before the limit.
    let steps: String = (0..10_000)
        .map(|i| format!("  - id: s{i}\n    title: Étape {i}\n    accountable: personne{i}\n"))
        .collect();
    let ed = child_of_base(
        "",
        &[(
            "content/playbooks/gros.md",
            &page(&format!("steps:\n{steps}"), ""),
        )],
    );
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(30)),
        "the page has 10000 steps; the limit is 200",
    );
    assert_eq!(d.line_column().map(|p| p.0), Some(4));
}

#[test]
fn yaml_nested_200000_deep_is_refused_quickly_with_its_line() {
    let front = format!("tags: {}\n", "[".repeat(200_000));
    let ed = child_of_base("", &[("content/pages/profond.md", &page(&front, ""))]);
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "nests lists or maps more than 64 levels deep",
    );
    assert_eq!(d.line_column().map(|p| p.0), Some(4));
    // The same limit guards handbook.yaml and the data files.
    let deep = format!("x: {}\n", "{a: ".repeat(1_000));
    let ed = child_of_base(&deep, &[]);
    only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "levels deep",
    );
    let ed = child_of_base("", &[("data/profond.yaml", &deep)]);
    only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "levels deep",
    );
}

#[test]
fn a_source_file_over_the_size_limit_is_refused_without_being_parsed() {
    let body = "Un paragraphe ordinaire.\n".repeat(400_000); // about 10 MB
    let ed = child_of_base("", &[("content/pages/enorme.md", &page("", &body))]);
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "larger than 8 MiB",
    );
    assert!(d.file().unwrap().ends_with("content/pages/enorme.md"));
}

#[test]
fn a_nul_in_a_body_is_refused_with_its_line() {
    let ed = child_of_base(
        "",
        &[(
            "content/pages/nul.md",
            &page("", "Ligne un.\nLigne \0 deux.\n"),
        )],
    );
    let d = only_error(build_within(ed.path(), Duration::from_secs(20)), "NUL");
    assert_eq!(d.line_column(), Some((6, 7)));
}

#[test]
fn the_noncharacters_tailoring_uses_as_marks_are_refused_in_a_source() {
    // An author cannot forge a blank or a container: U+FDD0 to U+FDEF are refused.
    let ed = child_of_base(
        "",
        &[(
            "content/pages/marque.md",
            &page("", "Texte.\n\n\u{FDD3}0\n"),
        )],
    );
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "noncharacter",
    );
    assert_eq!(d.line_column().map(|p| p.0), Some(7));
}

#[test]
fn control_characters_of_a_source_are_shown_escaped_not_sent_to_the_terminal() {
    let ed = child_of_base(
        "",
        &[(
            "content/pages/esc.md",
            &page("", "::: sizes absent\x1b[2J\x1b]0;pwned\x07\nTexte.\n:::\n"),
        )],
    );
    let output = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(["check", &ed.path().display().to_string()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("absent"), "{err}");
    assert!(
        !err.bytes().any(|b| b == 0x1b || b == 0x07),
        "raw control characters reached the terminal: {err:?}"
    );
    assert!(err.contains("\u{241b}[2J\u{241b}]0;pwned\u{2407}"), "{err}");
    assert!(err.contains("esc.md:5:"), "the location moved: {err}");
    // In front matter, YAML itself refuses the character: at its own line.
    let ed = child_of_base(
        "",
        &[("content/pages/esc.md", &page("tags: [a\x1b[2J]\n", ""))],
    );
    let d = only_error(
        build_within(ed.path(), Duration::from_secs(20)),
        "control characters are not allowed",
    );
    assert_eq!(d.line_column().map(|p| p.0), Some(4));
}

#[cfg(unix)]
mod symlinks {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_source_folder_linked_to_outside_the_edition_is_an_error_that_names_it() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.css"), "body{}").unwrap();
        let ed = child_of_base("", &[]);
        symlink(outside.path(), ed.path().join("theme")).unwrap();
        let d = only_error(
            build_within(ed.path(), Duration::from_secs(20)),
            "outside the edition's folders",
        );
        assert!(d
            .message
            .contains(&ed.path().join("theme").display().to_string()));
    }

    #[test]
    fn links_between_folders_are_refused_once_each_instead_of_multiplying_paths() {
        // Level n holds two links to level n + 1: followed, 20 levels would name the
        // last folder's page by 2^20 paths.
        let levels = 20;
        let ed = child_of_base("", &[]);
        let pages = ed.path().join("content/pages");
        for n in 0..levels {
            let level = pages.join(format!("l{n}"));
            std::fs::create_dir_all(&level).unwrap();
            if n + 1 < levels {
                for link in ["x", "y"] {
                    symlink(format!("../l{}", n + 1), level.join(link)).unwrap();
                }
            }
        }
        std::fs::write(
            pages.join(format!("l{}/fond.md", levels - 1)),
            page("", "Au fond.\n"),
        )
        .unwrap();
        let diagnostics = build_within(ed.path(), Duration::from_secs(20)).unwrap_err();
        let refused = diagnostics
            .iter()
            .filter(|d| d.message.ends_with("is a symbolic link to a folder"))
            .count();
        assert_eq!(refused, 2 * (levels - 1), "{diagnostics:#?}");
    }

    #[test]
    fn a_linked_file_outside_the_edition_is_an_error_and_one_inside_is_followed() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("ailleurs.md"), page("", "Ailleurs.\n")).unwrap();
        let ed = child_of_base(
            "",
            &[("drafts/interne.md", &page("", "Un texte interne lié.\n"))],
        );
        let pages = ed.path().join("content/pages");
        std::fs::create_dir_all(&pages).unwrap();
        symlink(
            ed.path().join("drafts/interne.md"),
            pages.join("interne.md"),
        )
        .unwrap();
        let files = build_within(ed.path(), Duration::from_secs(20)).expect("builds");
        assert!(files["pages/interne.html"].contains("Un texte interne lié."));

        symlink(
            outside.path().join("ailleurs.md"),
            pages.join("ailleurs.md"),
        )
        .unwrap();
        symlink(outside.path().join("absent.md"), pages.join("absent.md")).unwrap();
        let diagnostics = build_within(ed.path(), Duration::from_secs(20)).unwrap_err();
        let errors: Vec<String> = diagnostics.iter().map(Diagnostic::short).collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("ailleurs.md is a symbolic link to")
                    && e.contains("outside the edition's folders")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("absent.md is a symbolic link that leads nowhere")),
            "{errors:#?}"
        );
    }
}

#[test]
fn pages_and_tags_that_would_replace_a_generated_page_are_errors_at_their_line() {
    let ed = child_of_base(
        "",
        &[
            (
                "content/pages/index.md",
                &page("", "Remplacerait la liste.\n"),
            ),
            (
                "content/pages/etiquetee.md",
                &page("tags:\n  - ok\n  - \"!!!\"\n  - Index\n", "Texte.\n"),
            ),
        ],
    );
    let diagnostics = build_within(ed.path(), Duration::from_secs(20)).unwrap_err();
    let find = |needle: &str| {
        diagnostics
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {diagnostics:#?}"))
    };
    assert!(find("the id `index`")
        .file()
        .unwrap()
        .ends_with("content/pages/index.md"));
    assert_eq!(
        find("the tag `!!!` has no letter")
            .line_column()
            .map(|p| p.0),
        Some(6)
    );
    assert_eq!(
        find("the tag `Index` would name")
            .line_column()
            .map(|p| p.0),
        Some(7)
    );
    assert!(!diagnostics
        .iter()
        .any(|d| d.message.contains("two files of the site")));
}

#[test]
fn step_clause_and_question_ids_must_make_anchors() {
    let ed = child_of_base("", &[]);
    // Copy a playbook, a charter and an assessment of the base, with bad ids.
    let base = common::fixture("base").join("content");
    let mut edited = Vec::new();
    for (folder, needle, bad) in [
        ("playbooks", "- id: ", "- id: cadrer le besoin/"),
        ("charters", "- id: ", "- id: \"..\""),
        ("assessments", "- id: ", "- id: \"q#1\""),
    ] {
        let file = std::fs::read_dir(base.join(folder))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| std::fs::read_to_string(p).unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no {folder} page with an id"));
        // The first id line of the file, its value replaced.
        let text = std::fs::read_to_string(&file).unwrap();
        let at = text.find(needle).unwrap();
        let end = at + text[at..].find('\n').unwrap();
        let text = format!("{}{bad}{}", &text[..at], &text[end..]);
        let to = ed
            .path()
            .join("content")
            .join(folder)
            .join(file.file_name().unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, &text).unwrap();
        edited.push((folder, to));
    }
    let diagnostics = build_within(ed.path(), Duration::from_secs(20)).unwrap_err();
    for (what, (_, file)) in ["step", "clause", "question"].iter().zip(&edited) {
        let d = diagnostics
            .iter()
            .find(|d| d.message.contains(&format!("is not a valid {what} id")))
            .unwrap_or_else(|| panic!("no bad {what} id in {diagnostics:#?}"));
        let name = file.strip_prefix(ed.path()).unwrap();
        assert!(d.file().is_some_and(|f| f.ends_with(name)), "{d:#?}");
    }
}
