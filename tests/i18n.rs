//! The labels of every language (src/i18n/*.yaml): the same keys in each, none
//! empty, and every key the templates and the code ask for defined in each.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::repo_root;
use gouvernail::edition::Language;
use gouvernail::i18n::Labels;
use gouvernail::model::{Kind, Member, Rule, Sector, Size, Verdict};

const LANGUAGES: [Language; 2] = [Language::Fr, Language::En];

fn labels(language: Language) -> Labels {
    Labels::new(language, &BTreeMap::new())
}

fn keys(language: Language) -> BTreeSet<String> {
    labels(language).keys().map(str::to_string).collect()
}

#[test]
fn every_language_has_the_same_label_keys_and_no_empty_label() {
    let french = keys(Language::Fr);
    assert!(french.len() > 100, "{} labels", french.len());
    for language in LANGUAGES {
        let these = keys(language);
        let missing: Vec<&String> = french.difference(&these).collect();
        let extra: Vec<&String> = these.difference(&french).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{}: missing {missing:?}, not in French {extra:?}",
            language.code()
        );
        for (key, text) in labels(language).map() {
            assert!(
                !text.trim().is_empty(),
                "{}: `{key}` is empty",
                language.code()
            );
        }
    }
}

/// The keys the built-in templates name: `labels.key` and, for the keys they
/// build (`{% set k = "size_" ~ s %}{{ labels[k] }}`), the prefixes.
fn template_keys() -> (BTreeSet<String>, BTreeSet<String>) {
    let direct = regex::Regex::new(r"labels\.([a-z0-9_]+)").unwrap();
    let built = regex::Regex::new(r#"set [a-z]+ = "([a-z0-9_]+)" ~"#).unwrap();
    let (mut keys, mut prefixes) = (BTreeSet::new(), BTreeSet::new());
    for entry in std::fs::read_dir(repo_root().join("templates")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(direct.captures_iter(&text).map(|c| c[1].to_string()));
        prefixes.extend(built.captures_iter(&text).map(|c| c[1].to_string()));
    }
    (keys, prefixes)
}

/// Every key a prefix can make, from the vocabularies it is followed by.
fn keys_of_prefix(prefix: &str) -> Vec<String> {
    let ids: Vec<String> = match prefix {
        "size_" | "size_short_" => Size::ALL.iter().map(|s| s.id().to_string()).collect(),
        "sector_" => Sector::ALL.iter().map(|s| s.id().to_string()).collect(),
        "intro_" | "kinds_" | "kind_" => Kind::ALL.iter().map(|k| k.id().to_string()).collect(),
        "rule_" => RULES.iter().map(serde_id).collect(),
        "verdict_" => VERDICTS.iter().map(serde_id).collect(),
        other => panic!("a template builds label keys from `{other}`: teach this test its ids"),
    };
    ids.into_iter().map(|id| format!("{prefix}{id}")).collect()
}

const RULES: [Rule; 3] = [Rule::Allowed, Rule::Forbidden, Rule::Conditional];
const VERDICTS: [Verdict; 3] = [Verdict::False, Verdict::Nuanced, Verdict::True];

/// Fails to compile when a rule or a verdict is added and the lists above are not.
#[allow(dead_code)]
fn lists_are_complete(rule: Rule, verdict: Verdict) {
    match rule {
        Rule::Allowed | Rule::Forbidden | Rule::Conditional => {}
    }
    match verdict {
        Verdict::False | Verdict::Nuanced | Verdict::True => {}
    }
}

/// The id a value is written with (its serde name).
fn serde_id<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn every_label_the_templates_and_the_code_use_exists_in_every_language() {
    let (mut used, prefixes) = template_keys();
    assert!(
        used.len() > 50 && used.contains("skip_to_content"),
        "{used:?}"
    );
    assert!(prefixes.contains("size_") && prefixes.contains("verdict_"));
    for prefix in &prefixes {
        used.extend(keys_of_prefix(prefix));
    }
    // Asked for by the code: kind names, sizes and sectors, admonitions.
    for prefix in ["kinds_", "size_", "sector_"] {
        used.extend(keys_of_prefix(prefix));
    }
    used.extend(["only_for", "note", "tip", "warning"].map(String::from));
    for language in LANGUAGES {
        let defined = keys(language);
        let missing: Vec<&String> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{}: {missing:?}", language.code());
    }
}

#[test]
fn an_override_replaces_one_label_and_an_unknown_key_is_itself() {
    let overrides = BTreeMap::from([("home".to_string(), "Start".to_string())]);
    let labels = Labels::new(Language::En, &overrides);
    assert_eq!(labels.get("home"), "Start");
    assert_eq!(labels.get("menu"), "Menu");
    assert_eq!(labels.get("no_such_label"), "no_such_label");
    assert_ne!(
        Labels::new(Language::Fr, &BTreeMap::new()).get("home"),
        Labels::new(Language::En, &BTreeMap::new()).get("home"),
        "the languages differ"
    );
}
