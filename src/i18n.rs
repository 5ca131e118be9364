//! The site's labels and URL segments, per language.
//!
//! Labels live in `src/i18n/<language>.yaml`, embedded in the binary; an edition
//! overrides any of them with `labels:`. URL segments follow the language too, so a
//! French handbook's playbooks are under `procedures/`.

use std::collections::BTreeMap;

use crate::edition::Language;
use crate::model::Kind;

const FR: &str = include_str!("i18n/fr.yaml");
const EN: &str = include_str!("i18n/en.yaml");

/// The labels of one edition: the language's, with the edition's overrides.
#[derive(Clone, Debug)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    pub fn new(language: Language, overrides: &BTreeMap<String, String>) -> Labels {
        let text = match language {
            Language::Fr => FR,
            Language::En => EN,
        };
        let mut labels: BTreeMap<String, String> =
            serde_yaml_ng::from_str(text).expect("embedded labels are valid YAML");
        labels.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        Labels(labels)
    }

    /// The label for `key`, or the key itself when no language defines it.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

/// The URL folder of a kind's pages.
pub fn segment(language: Language, kind: Kind) -> &'static str {
    match (language, kind) {
        (Language::Fr, Kind::Playbook) => "procedures",
        (Language::Fr, Kind::Charter) => "chartes",
        (Language::Fr, Kind::Myth) => "idees-recues",
        (Language::Fr, Kind::Comms) => "communication",
        (Language::Fr, Kind::Case) => "cas",
        (Language::Fr, Kind::Assessment) => "autodiagnostic",
        (Language::En, Kind::Playbook) => "playbooks",
        (Language::En, Kind::Charter) => "charters",
        (Language::En, Kind::Myth) => "myths",
        (Language::En, Kind::Comms) => "comms",
        (Language::En, Kind::Case) => "cases",
        (Language::En, Kind::Assessment) => "assessments",
        (_, Kind::Role) => "roles",
        (_, Kind::Page) => "pages",
    }
}

/// The URL folder of tag pages, and the names of the single generated pages.
pub fn tags_segment(language: Language) -> &'static str {
    match language {
        Language::Fr => "etiquettes",
        Language::En => "tags",
    }
}

pub fn print_page(language: Language) -> &'static str {
    match language {
        Language::Fr => "impression.html",
        Language::En => "print.html",
    }
}

pub fn search_page(language: Language) -> &'static str {
    match language {
        Language::Fr => "recherche.html",
        Language::En => "search.html",
    }
}

pub fn raci_page(_language: Language) -> &'static str {
    "raci.html"
}
