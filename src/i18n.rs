//! The site's labels, per language.
//!
//! Labels live in `src/i18n/<language>.yaml`, embedded in the binary; an edition
//! overrides any of them with `labels:`. The URL folders follow the language too:
//! they are in `urls`.

use std::collections::BTreeMap;

use crate::edition::Language;

const FR: &str = include_str!("i18n/fr.yaml");
const EN: &str = include_str!("i18n/en.yaml");

/// The labels of one edition: the language's, with the edition's overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// « 21 novembre 2026 »: a date as the labels' language writes it in a sentence.
    pub fn long_date(&self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        format!(
            "{} {} {}",
            date.day(),
            self.get(&format!("month_{}", date.month())),
            date.year()
        )
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}
