//! Property tests of the hand-written parsers: the front matter split, the `:::`
//! container blocks, the `{{ … }}` values and the print book's reading of a body's
//! tags. proptest generates inputs from pieces that matter to them (fences, markers,
//! braces, backticks, CRLF, accents, quotes, angle brackets), and arbitrary text,
//! which none of them may panic on.
//!
//! The tests run 4,000 cases each; `PROPTEST_CASES=N` sets another number, which is
//! how `scripts/fuzz` runs them for longer outside CI.

use std::collections::{BTreeMap, HashMap, HashSet};

use gouvernail::book::Links;
use gouvernail::edition::Org;
use gouvernail::model::Kind;
use gouvernail::model::Size;
use gouvernail::parse::{decode, parse_document, split_front_matter, SplitError};
use gouvernail::tailor::{tailor_body, Audience, Values};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4000);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Text of any characters, weighted towards the ones the parsers treat specially.
fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => body_piece().prop_map(|l| format!("{l}\n")),
            2 => Just("---\n".to_string()),
            1 => "[-:{}`~\\[\\]#*\r\n\t]{1,6}",
            1 => any::<String>(),
            1 => "title: [a-z]{0,8}\nsummary: [a-z ]{0,8}\n",
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

/// A line without `---`, as front matter or body text.
fn plain_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zé: ]{0,20}",
        Just("title: Sécurité".to_string()),
        Just("--".to_string()),
        Just("----x".to_string()),
        Just(" ---".to_string()),
    ]
    .prop_filter("not a fence", |l| l.trim_end() != "---")
}

/// Lines made of the pieces the body parser cares about.
fn body_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":::".to_string()),
        Just("::: sizes micro small".to_string()),
        Just("::: sizes medium+".to_string()),
        Just("::: sectors public".to_string()),
        Just("::: note Titre".to_string()),
        Just("::: warning".to_string()),
        Just("::: inconnu".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("    indented code {{ org.name }}".to_string()),
        Just("Texte {{ org.name }} et `{{ org.name }}`.".to_string()),
        Just("{{ org.inconnu }}".to_string()),
        Just("{{ pas fermé".to_string()),
        Just("".to_string()),
        "[a-zA-Zéè' `{}]{0,30}",
    ]
}

/// Pieces of rendered HTML as the print book reads them: tags and their attributes
/// in every quoting, comments, and text with quotes and angle brackets.
fn html_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<h2 id=\"x\">".to_string()),
        Just("<a href=\"#x\">".to_string()),
        Just("<a href=\"../roles/dpo.html#y\">".to_string()),
        Just("<img src='../é.png' alt=été>".to_string()),
        Just("<input id=a for = \"b c\" disabled/>".to_string()),
        Just("<p title=\"a > b\">".to_string()),
        Just("<!-- <a id=\"z\"> -->".to_string()),
        Just("</p>".to_string()),
        Just("<".to_string()),
        Just("<a".to_string()),
        Just("<a href=\"".to_string()),
        Just("=\"".to_string()),
        Just("id=\"x\"".to_string()),
        "[a-zé \"'=<>/#.-]{0,12}",
        any::<String>(),
    ]
}

fn org() -> Org {
    Org {
        name: Some("ACME".into()),
        ..Org::default()
    }
}

fn tailor(body: &str, size: Option<Size>) -> (String, Vec<usize>, usize) {
    let org = org();
    let variables = BTreeMap::new();
    let data = HashMap::new();
    let values = Values {
        org: &org,
        org_size_label: None,
        org_sector_label: None,
        variables: &variables,
        data: &data,
        references: &gouvernail::references::References::default(),
        language: gouvernail::edition::Language::Fr,
    };
    let audience = Audience { size, sector: None };
    let (out, problems) = tailor_body(body, 10, audience, &values, &[]);
    (out.text().to_string(), out.line_map(), problems.len())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn split_returns_exactly_the_front_matter_and_the_body(
        fm in prop::collection::vec(plain_line(), 0..8),
        body in prop::collection::vec(prop_oneof![plain_line(), Just("---".to_string())], 0..8),
    ) {
        let fm_text: String = fm.iter().map(|l| format!("{l}\n")).collect();
        let body_text = body.join("\n");
        let text = format!("---\n{fm_text}---\n{body_text}");
        let split = split_front_matter(&text).unwrap();
        prop_assert_eq!(&text[split.front_matter.clone()], fm_text.as_str());
        prop_assert_eq!(&text[split.body_start..], body_text.as_str());
    }

    #[test]
    fn split_never_panics_and_errors_are_accurate(text in "(---\n|[a-z: ]{0,10}\n|\r\n){0,10}") {
        match split_front_matter(&text) {
            Ok(split) => {
                prop_assert!(text.starts_with("---"));
                prop_assert!(split.front_matter.end <= split.body_start && split.body_start <= text.len());
            }
            Err(SplitError::Empty) => prop_assert!(text.trim().is_empty()),
            Err(SplitError::NoFrontMatter) => prop_assert!(!text.lines().next().unwrap_or("").trim_end().eq("---")),
            Err(SplitError::NeverClosed) => prop_assert!(text.lines().skip(1).all(|l| l.trim_end() != "---")),
        }
    }

    #[test]
    fn tailoring_never_panics_and_maps_every_line(pieces in prop::collection::vec(body_piece(), 0..25), sized in any::<bool>()) {
        let body = pieces.join("\n");
        let source_lines = body.split_inclusive('\n').count().max(1);
        let (text, line_map, _) = tailor(&body, sized.then_some(Size::Small));
        prop_assert_eq!(line_map.len(), text.split_inclusive('\n').count().max(1));
        for line in line_map {
            prop_assert!((10..10 + source_lines).contains(&line), "line {} outside the body", line);
        }
    }

    #[test]
    fn text_without_markers_is_left_as_written(text in "[a-zA-Zéè'`\n .,-]{0,200}") {
        let (out, _, problems) = tailor(&text, Some(Size::Micro));
        prop_assert_eq!(problems, 0);
        prop_assert_eq!(out, text);
    }

    #[test]
    fn a_size_block_is_kept_exactly_when_it_applies(words in "[a-z]{1,12}", pick in 0usize..5, spec in 0usize..4) {
        let sizes = [Size::Micro, Size::Small, Size::Medium, Size::Eti, Size::Ge];
        let specs = ["micro", "..small", "medium+", "small..eti"];
        let body = format!("Avant.\n\n::: sizes {}\nInside-{words}.\n:::\n\nAprès.\n", specs[spec]);
        let (out, _, problems) = tailor(&body, Some(sizes[pick]));
        prop_assert_eq!(problems, 0);
        let set = gouvernail::model::SizeSet::parse_spec(specs[spec]).unwrap();
        prop_assert_eq!(out.contains(&format!("Inside-{words}.")), set.contains(sizes[pick]));
        prop_assert!(out.contains("Avant.") && out.contains("Après.") && !out.contains(":::"));
    }

    #[test]
    fn values_are_filled_outside_code_and_kept_inside(prefix in "([a-z][a-z ]{0,9})?", suffix in "[a-z ]{0,10}") {
        let body = format!("{prefix}{{{{ org.name }}}}{suffix} `{{{{ org.name }}}}`\n\n```\n{{{{ org.name }}}}\n```\n");
        let (out, _, problems) = tailor(&body, None);
        prop_assert_eq!(problems, 0);
        let expected = format!("{prefix}ACME{suffix} `{{{{ org.name }}}}`");
        prop_assert!(out.starts_with(&expected), "{:?}", out);
        prop_assert!(out.contains("```\n{{ org.name }}\n```"));
    }

    #[test]
    fn any_text_is_decoded_split_parsed_and_tailored_without_panic(text in any_text(), sized in any::<bool>()) {
        let Ok(source) = decode("content/pages/x.md".into(), text.into_bytes()) else {
            return Ok(()); // a NUL: refused with its line, tested elsewhere
        };
        let lines = source.text.split('\n').count();
        for kind in [Kind::Page, Kind::Playbook, Kind::Charter] {
            if let Err(problems) = parse_document(kind, "pages/x.md", source.clone()) {
                prop_assert!(!problems.is_empty());
                for problem in problems {
                    if let Some((line, _)) = problem.line_column() {
                        prop_assert!(line <= lines, "line {} of {}: {}", line, lines, problem.short());
                    }
                }
            }
        }
        let body = match split_front_matter(&source.text) {
            Ok(split) => &source.text[split.body_start..],
            Err(_) => source.text.as_str(),
        };
        let (out, line_map, _) = tailor(body, sized.then_some(Size::Medium));
        prop_assert_eq!(line_map.len(), out.split_inclusive('\n').count().max(1));
    }

    #[test]
    fn the_book_reads_any_body_and_changes_only_attribute_values(pieces in prop::collection::vec(html_piece(), 0..20)) {
        let body = pieces.concat();
        let none = HashSet::new();
        let links = Links::new([("roles/dpo.html", "dpo", &none)]);
        let out = links.body("roles/dpo.html", &body).expect("the page is in the book");
        // Values change, never the markup around them.
        for c in ['<', '>', '"', '\'', '='] {
            prop_assert_eq!(out.matches(c).count(), body.matches(c).count(), "{:?} → {:?}", body, out);
        }
        if !body.contains('<') {
            prop_assert_eq!(out, body);
        }
    }
}
