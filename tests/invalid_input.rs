//! One fixture per bad input (tests/fixtures/invalid/): each build fails with a
//! message that names the problem, the file and the line, and a hint.

mod common;

use common::{errors_of, fixture};
use gouvernail::diagnostics::Diagnostic;

/// Asserts that exactly one error matches: its message contains `message`, it is in
/// a file ending with `file`, at `line` when given, and it has a hint.
fn expect_error(fixture_name: &str, message: &str, file: &str, line: Option<usize>) -> Diagnostic {
    let diagnostics = errors_of(&fixture(&format!("invalid/{fixture_name}")));
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let all: Vec<String> = errors.iter().map(|d| d.short()).collect();
    let found: Vec<&&Diagnostic> = errors
        .iter()
        .filter(|d| d.message.contains(message))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one error containing {message:?}, got: {all:#?}"
    );
    let d = found[0];
    let path = d
        .file()
        .unwrap_or_else(|| panic!("{message:?} names no file"));
    assert!(
        path.ends_with(file),
        "{message:?} is in {}, expected {file}",
        path.display()
    );
    if let Some(line) = line {
        assert_eq!(
            d.line_column().map(|p| p.0),
            Some(line),
            "line of {message:?}"
        );
    }
    assert!(
        d.hint.as_deref().is_some_and(|h| !h.is_empty()),
        "{message:?} has no hint"
    );
    (*d).clone()
}

#[test]
fn malformed_yaml_names_its_line() {
    let d = expect_error(
        "malformed-yaml",
        "found unexpected end of stream",
        "content/pages/bad.md",
        None,
    );
    // The unclosed quote opens on line 3; YAML notices it further down, still in the front matter.
    let line = d.line_column().unwrap().0;
    assert!((3..=5).contains(&line), "line {line}");
}

#[test]
fn missing_title() {
    expect_error(
        "missing-title",
        "missing field `title`",
        "content/pages/bad.md",
        Some(2),
    );
}

#[test]
fn wrong_type_names_the_field() {
    let d = expect_error(
        "wrong-type",
        "weight: invalid type",
        "content/pages/bad.md",
        Some(4),
    );
    assert!(d.message.contains("expected i64"), "{}", d.message);
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let d = expect_error(
        "unknown-field",
        "unknown field `titel`",
        "content/pages/bad.md",
        Some(4),
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
}

#[test]
fn duplicate_id_names_both_files() {
    // content/pages/bad.md comes first in path order, so the playbook is the duplicate.
    let d = expect_error(
        "duplicate-id",
        "the id `pilote` is already used by",
        "content/playbooks/pilote.md",
        Some(2),
    );
    assert!(
        d.message
            .contains("invalid/duplicate-id/content/pages/bad.md"),
        "{}",
        d.message
    );
}

#[test]
fn dangling_role_suggests_a_known_role() {
    let d = expect_error(
        "dangling-role",
        "names the role `referent-ai`",
        "content/playbooks/bad.md",
        Some(8),
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `referent-ia`?"));
}

#[test]
fn two_accountables() {
    expect_error(
        "two-accountables",
        "has 2 accountable roles",
        "content/playbooks/bad.md",
        Some(7),
    );
}

#[test]
fn unknown_size_lists_the_sizes() {
    let d = expect_error(
        "unknown-size",
        "unknown size `xl`",
        "content/pages/bad.md",
        Some(4),
    );
    assert!(
        d.message.contains("micro, small, medium, eti, ge"),
        "{}",
        d.message
    );
}

#[test]
fn unclosed_block_points_at_its_opening() {
    expect_error(
        "unclosed-block",
        "block is never closed",
        "content/pages/bad.md",
        Some(7),
    );
}

#[test]
fn unknown_value_suggests_a_defined_one() {
    let d = expect_error(
        "unknown-variable",
        "`org.nom` is not defined",
        "content/pages/bad.md",
        Some(5),
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `org.name`?"));
}

#[test]
fn non_utf8_file() {
    let d = expect_error("non-utf8", "not valid UTF-8", "content/pages/bad.md", None);
    assert!(d.message.contains("line 5"), "{}", d.message);
}

#[test]
fn empty_file() {
    expect_error(
        "empty-file",
        "the file is empty",
        "content/pages/bad.md",
        Some(1),
    );
}

#[test]
fn front_matter_never_closed() {
    expect_error(
        "unclosed-front-matter",
        "front matter is never closed",
        "content/pages/bad.md",
        Some(1),
    );
}

#[test]
fn broken_link() {
    let d = expect_error(
        "broken-link",
        "points to content/playbooks/absent.md",
        "content/pages/bad.md",
        Some(7),
    );
    assert!(d.message.contains("../playbooks/absent.md"));
}

#[test]
fn broken_anchor_suggests_the_heading() {
    let d = expect_error(
        "broken-anchor",
        "has no anchor `#securite-des-donnes`",
        "content/pages/bad.md",
        Some(7),
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("did you mean `#securite-des-donnees`?")
    );
}

#[test]
fn missing_extends() {
    expect_error(
        "missing-extends",
        "`extends` names",
        "missing-extends/handbook.yaml",
        Some(1),
    );
}

#[test]
fn cyclic_extends() {
    let diagnostics = errors_of(&fixture("invalid/cyclic-extends/a"));
    let cycle = diagnostics
        .iter()
        .find(|d| d.message.contains("`extends` makes a cycle"));
    let cycle = cycle.unwrap_or_else(|| panic!("no cycle error in {diagnostics:?}"));
    assert!(
        cycle.message.contains("cyclic-extends/a") && cycle.message.contains("cyclic-extends/b")
    );
    assert!(cycle.hint.is_some());
}

#[test]
fn unknown_edition_key_suggests_the_right_one() {
    let d = expect_error(
        "unknown-edition-key",
        "unknown field `langage`",
        "handbook.yaml",
        Some(2),
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `language`?"));
}

#[test]
fn missing_edition_file_says_how_to_start() {
    let diagnostics = errors_of(&fixture("invalid/no-edition"));
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].message.contains("no handbook.yaml"));
    assert!(diagnostics[0]
        .hint
        .as_deref()
        .unwrap()
        .contains("gouvernail new DIR"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let diagnostics = errors_of(&fixture("invalid/many-errors"));
    let messages: Vec<String> = diagnostics.iter().map(|d| d.short()).collect();
    for expected in [
        "unknown field `titel`",
        "names the page `nulle`",
        "block is never closed",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "{expected:?} missing from {messages:#?}"
        );
    }
}

#[test]
fn json_output_carries_file_and_line() {
    let diagnostics = errors_of(&fixture("invalid/unknown-field"));
    let json: serde_json::Value =
        serde_json::from_str(&gouvernail::diagnostics::to_json(&diagnostics)).unwrap();
    let first = &json[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 4);
    assert!(first["file"].as_str().unwrap().ends_with("bad.md"));
    assert_eq!(first["hint"], "did you mean `title`?");
}

/// The errors of a fixture's build, one line each.
fn error_lines(fixture_name: &str) -> Vec<String> {
    errors_of(&fixture(fixture_name))
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.short())
        .collect()
}

#[test]
fn a_broken_data_file_is_reported_once_not_at_each_use() {
    let errors = error_lines("invalid/broken-data");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("data/regles.yaml"), "{errors:#?}");
}

#[test]
fn a_broken_frame_template_is_reported_once_not_on_every_page() {
    let errors = error_lines("invalid/broken-frame-template");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("footer.html"), "{errors:#?}");
    assert!(errors[0].contains("no_such_field"), "{errors:#?}");
}

// Positions come from the spanned YAML reader, not from searching the text: each
// of these used to point at the wrong line.

#[test]
fn a_bad_top_level_id_after_the_steps_is_reported_at_itself() {
    expect_error(
        "id-after-steps",
        "`Mauvais_Id` is not a valid id",
        "content/playbooks/bad.md",
        Some(8),
    );
}

#[test]
fn a_step_without_accountable_is_reported_at_its_id_not_at_a_summary_naming_it() {
    expect_error(
        "summary-holds-step-id",
        "the step `revue` has no accountable role",
        "content/playbooks/bad.md",
        Some(8),
    );
}

#[test]
fn a_step_id_written_with_extra_spaces_gets_its_own_errors() {
    expect_error(
        "spaced-step-id",
        "`responsible` names the role `absent`",
        "content/playbooks/bad.md",
        Some(11),
    );
}

#[test]
fn an_action_of_the_wrong_shape_says_what_an_action_is() {
    let d = expect_error(
        "bad-action-shape",
        "unknown field `texte`",
        "content/playbooks/bad.md",
        Some(10),
    );
    assert!(
        d.message.contains("expected `id` or `text`"),
        "{}",
        d.message
    );
}

#[test]
fn action_ids_are_valid_and_unique_and_two_actions_of_a_step_never_share_one() {
    expect_error(
        "bad-action-id",
        "`Mauvais_Id` is not a valid action id",
        "content/playbooks/bad.md",
        Some(9),
    );
    // Unique within the playbook, like step ids: reported at the second.
    expect_error(
        "bad-action-id",
        "two actions have the id `meme`",
        "content/playbooks/bad.md",
        Some(16),
    );
    // The same text in two steps is fine; twice in one step (punctuation aside),
    // the ticks would be one.
    let d = expect_error(
        "bad-action-id",
        "actions 2 and 3 of the step `b` have the same id `verifier-le-budget`",
        "content/playbooks/bad.md",
        Some(18),
    );
    assert!(d.hint.unwrap().contains("`id:`"));
}

#[test]
fn synonyms_that_cannot_work_are_errors_at_their_line() {
    expect_error(
        "bad-synonyms",
        "a synonym group needs two entries or more",
        "data/synonyms.yaml",
        Some(3),
    );
    expect_error(
        "bad-synonyms",
        "`de la` has no word the search keeps",
        "data/synonyms.yaml",
        Some(4),
    );
    expect_error(
        "bad-synonyms",
        "`ChatGPT` expands to nothing",
        "data/synonyms.yaml",
        Some(6),
    );
    // A heading's aliases name it by its anchor.
    let d = expect_error(
        "bad-synonyms",
        "`search_aliases:` names `aipd`",
        "content/pages/lexique.md",
        Some(6),
    );
    assert!(
        d.hint.unwrap().contains("rgpd"),
        "the hint names the page's anchor"
    );
    let d = expect_error(
        "unknown-synonyms-key",
        "unknown field `synonymes`",
        "data/synonyms.yaml",
        Some(3),
    );
    assert!(d.hint.unwrap().contains("groups"));
}

#[test]
fn suggested_names_a_figure_of_the_page_kind() {
    let d = expect_error(
        "bad-suggested",
        "`suggested` names `time`",
        "content/pages/note.md",
        Some(4),
    );
    assert!(d.hint.unwrap().contains("remove `suggested`"));
    let d = expect_error(
        "bad-suggested",
        "`suggested` names `duration`",
        "content/roles/veilleur.md",
        Some(5),
    );
    assert!(
        d.hint.unwrap().contains("`time`"),
        "the hint names what a role can mark"
    );
    let d = expect_error(
        "bad-suggested",
        "unknown block `::: suggestoin`",
        "content/pages/note.md",
        Some(8),
    );
    assert!(d.hint.unwrap().contains("`::: suggestion`"));
}

#[test]
fn a_former_address_outside_the_site_is_an_error_at_its_line() {
    for (alias, problem) in [
        ("/procedures/ancien.html", "is not relative"),
        ("../ailleurs.html", "segment"),
        ("procedures/ancien", "does not end in `.html`"),
        ("procedures//ancien.html", "segment"),
    ] {
        let page = format!(
            "---\ntitle: Renommée\nsummary: Une page.\naliases:\n  - \"{alias}\"\n---\nCorps.\n"
        );
        let edition = common::child_of_base("", &[("content/pages/renommee.md", &page)]);
        let errors = errors_of(edition.path());
        let d = errors
            .iter()
            .find(|d| d.message.contains(&format!("the former address `{alias}`")))
            .unwrap_or_else(|| panic!("{alias}: {errors:#?}"));
        assert!(d.message.contains(problem), "{alias}: {}", d.message);
        assert_eq!(d.line_column().map(|(line, _)| line), Some(5), "{alias}");
    }
}

/// The line of the error whose message contains `message`, among `errors`.
fn line_of(errors: &[Diagnostic], message: &str) -> usize {
    let found: Vec<_> = errors
        .iter()
        .filter(|d| d.message.contains(message))
        .collect();
    assert_eq!(found.len(), 1, "{message:?} in {errors:#?}");
    assert!(found[0].hint.is_some(), "{message:?} has a hint");
    found[0].line_column().map(|(line, _)| line).unwrap()
}

#[test]
fn a_routed_assessment_whose_routes_loop_or_lead_nowhere_is_an_error_at_each_line() {
    let page = "---
title: Orientation
summary: Un questionnaire routé.
questions:
  - id: a
    text: A ?
    options:
      - { label: Oui, next: b }
      - { label: Non, next: fin }
  - id: b
    text: B ?
    options:
      - { label: Retour, next: a }
      - { label: Ailleurs, next: fim }
  - id: c
    text: C ?
    options:
      - { label: Oui, next: fin }
      - { label: Compté, score: 1 }
outcomes:
  - id: fin
    verdict: Fin
  - id: jamais
    verdict: Jamais
---
Corps.
";
    let edition = common::child_of_base("", &[("content/assessments/orientation.md", page)]);
    let errors: Vec<Diagnostic> = errors_of(edition.path())
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(line_of(&errors, "leads back to `a`"), 13);
    assert_eq!(line_of(&errors, "`next` names `fim`"), 14);
    assert_eq!(line_of(&errors, "no answer leads to the question `c`"), 15);
    assert_eq!(line_of(&errors, "« Compté » has a `score` in a routed"), 19);
    assert_eq!(line_of(&errors, "« Compté » leads nowhere"), 19);
    assert_eq!(
        line_of(&errors, "no answer leads to the outcome `jamais`"),
        23
    );
    let typo = errors.iter().find(|d| d.message.contains("fim")).unwrap();
    assert!(typo.hint.as_deref().unwrap().contains("`fin`"), "{typo:?}");
}

#[test]
fn a_holder_that_is_the_role_itself_unknown_or_held_in_turn_is_an_error_at_its_line() {
    let card = "---
title: Fonction test
summary: Un rôle.
mission: Tenir un rôle.
by_size:
  micro:
    holder: Personne
    held_by: fonction-test
  small:
    holder: Le dirigeant
    held_by: directoin
  medium:
    holder: Un autre rôle
    held_by: fonction-relais
---
Corps.
";
    // A role that the direction holds at medium: naming it as a holder there is a chain.
    let relay = "---
title: Fonction relais
summary: Un rôle.
mission: Relayer.
by_size:
  medium:
    holder: La direction
    held_by: direction
---
Corps.
";
    let edition = common::child_of_base(
        "",
        &[
            ("content/roles/fonction-test.md", card),
            ("content/roles/fonction-relais.md", relay),
        ],
    );
    let errors = errors_of(edition.path());
    assert_eq!(line_of(&errors, "cannot be held by itself"), 8);
    assert_eq!(line_of(&errors, "names the role `directoin`"), 11);
    assert_eq!(
        line_of(
            &errors,
            "`fonction-relais`, which is itself held by `direction`"
        ),
        14
    );
    let d = errors
        .iter()
        .find(|d| d.message.contains("itself held by"))
        .unwrap();
    assert!(d.hint.as_deref().unwrap().contains("held_by: direction"));
    // The same holder at a size where it is its own role is fine.
    let fine = card.replace(
        "  medium:\n    holder: Un autre rôle",
        "  eti:\n    holder: Un autre rôle",
    );
    let edition = common::child_of_base(
        "",
        &[
            ("content/roles/fonction-test.md", &fine),
            ("content/roles/fonction-relais.md", relay),
        ],
    );
    let errors = errors_of(edition.path());
    assert!(
        !errors.iter().any(|d| d.message.contains("itself held by")),
        "{errors:#?}"
    );
}

#[test]
fn a_step_that_names_a_role_missing_at_a_size_is_a_warning_at_its_line() {
    let card = "---
title: Comité de groupe
summary: Un comité des grands groupes.
sizes: eti+
mission: Arbitrer.
by_size:
  medium:
    holder: Le comité de direction
    held_by: direction
---
Corps.
";
    let playbook = "---
title: Procédure test
summary: Une procédure.
steps:
  - id: decider
    title: Décider
    accountable: comite-groupe
  - id: decider-grand
    title: Décider en grand
    sizes: eti+
    accountable: comite-groupe
---
Corps.
";
    let edition = common::child_of_base(
        "",
        &[
            ("content/roles/comite-groupe.md", card),
            ("content/playbooks/procedure-test.md", playbook),
        ],
    );
    let (summary, _) = common::build_in_memory(edition.path(), &common::options(None, None))
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let found: Vec<_> = summary
        .warnings
        .iter()
        .filter(|d| d.message.contains("comite-groupe"))
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", summary.warnings);
    let d = found[0];
    assert!(
        d.message.contains("`decider`") && d.message.contains("micro, small"),
        "held at medium, missing at micro and small: {}",
        d.message
    );
    assert_eq!(d.line_column().map(|(line, _)| line), Some(7));
    assert!(d.hint.as_deref().unwrap().contains("held_by"));
    // An edition for the size where the role exists has nothing to say.
    let (summary, _) = common::build_in_memory(
        edition.path(),
        &common::options(Some(gouvernail::model::Size::Ge), None),
    )
    .unwrap();
    assert!(
        !summary
            .warnings
            .iter()
            .any(|d| d.message.contains("comite-groupe")),
        "{:#?}",
        summary.warnings
    );
}

#[test]
fn legal_references_report_every_problem_at_its_line() {
    let references = "texts:
  reglement:
    name: Règlement test
    of: du règlement test
articles:
  Mauvais_Id:
    text: reglement
    article: article 1
    summary: Un article.
    checked: 2026-11-21
  sans-texte:
    text: reglemnt
    article: article 2
    summary: Un autre.
    checked: 2026-11-21
  ancien:
    text: reglement
    article: article 3
    summary: Vérifié il y a longtemps.
    checked: 2024-01-15
";
    let cites = "---
title: Citer
summary: Une page qui cite.
---
Selon {{ article.ancienne }}.
";
    let edition = common::child_of_base(
        "",
        &[
            ("data/reglementation.yaml", references),
            ("content/pages/citer.md", cites),
        ],
    );
    let errors = errors_of(edition.path());
    let line_of = |needle: &str| {
        let d = errors
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no error about {needle}: {errors:#?}"));
        (
            d.line_column().map(|(line, _)| line),
            d.hint.clone().unwrap_or_default(),
        )
    };
    assert_eq!(line_of("`Mauvais_Id` cannot be an anchor").0, Some(6));
    let (line, hint) = line_of("`reglemnt` is not a text");
    assert_eq!(line, Some(12));
    assert!(hint.contains("`reglement`"), "{hint}");
    let (line, hint) = line_of("`ancienne` is not an article");
    assert_eq!(line, Some(5));
    assert!(hint.contains("article.ancien"), "{hint}");

    // Fixed, the file only warns of the article checked long ago.
    let fixed = references
        .replace("Mauvais_Id", "bon-id")
        .replace("reglemnt", "reglement");
    let cites = cites.replace("ancienne", "ancien");
    let edition = common::child_of_base(
        "",
        &[
            ("data/reglementation.yaml", &fixed),
            ("content/pages/citer.md", &cites),
        ],
    );
    let (summary, _) = common::build_in_memory(edition.path(), &common::options(None, None))
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let stale: Vec<_> = summary
        .warnings
        .iter()
        .filter(|d| d.message.contains("last checked"))
        .collect();
    assert_eq!(stale.len(), 1, "{:#?}", summary.warnings);
    assert!(stale[0].message.contains("`ancien`"));
    assert_eq!(stale[0].line_column().map(|(line, _)| line), Some(20));

    // A wrong field is a typed error at its line, and a YAML error is reported
    // once: neither makes every citation an error too.
    let typo = fixed.replace("    summary: Un autre.", "    summery: Un autre.");
    let broken = fixed.replace("    summary: Un autre.", "    summary: Un autre : [");
    for (file, needle, line) in [(&typo, "summery", 14), (&broken, "", 14)] {
        let edition = common::child_of_base(
            "",
            &[
                ("data/reglementation.yaml", file),
                ("content/pages/citer.md", &cites),
            ],
        );
        let errors = errors_of(edition.path());
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].message.contains(needle), "{errors:#?}");
        assert_eq!(
            errors[0].line_column().map(|(line, _)| line),
            Some(line),
            "{errors:?}"
        );
    }
}
