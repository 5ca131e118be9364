//! Legal references: the articles a handbook relies on, each with its text, its
//! number, a one-line summary and the date it was last checked, kept under
//! `texts:` and `articles:` in data/reglementation.yaml (the nearest layer's
//! file, as for the `{{ data.reglementation… }}` values).
//!
//! The build makes of them a page of the site (« Textes de référence »), with an
//! anchor per article, so that the texts are at hand offline; a page cites an
//! article as `{{ article.<id> }}`, which reads « l'article 26 du règlement sur
//! l'IA (AI Act) » and links to its entry. A text limited to a sector (the Code du
//! travail, the CRPA) is listed in that sector's editions only, so a page of the
//! other sector that cites it has a broken anchor, reported at its line.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::edition::Edition;
use crate::edition::Language;
use crate::i18n::Labels;
use crate::model::{Document, Kind, SectorSet, SourceFile};
use crate::parse::{decode, is_valid_id, parse_document, read_source, yaml_error};
use crate::session::Session;
use crate::spans::{Key, YamlSpans};
use crate::tailor::markdown_escape;

/// The data file's stem and names.
pub const STEM: &str = "reglementation";
const NAMES: [&str; 2] = ["reglementation.yaml", "reglementation.yml"];

/// An article not checked for this many months is reported by `check`.
const CHECK_EVERY_MONTHS: u32 = 12;

/// A legal text: a regulation, a code.
#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Its full name, as the references page titles it.
    pub name: String,
    /// How a citation names it after « l'article 26 »: « du règlement sur l'IA
    /// (AI Act) », « du Code du travail ».
    pub of: String,
    /// The sectors whose editions it applies to (all by default).
    #[serde(default)]
    pub sectors: SectorSet,
}

/// An article of a text.
#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Article {
    /// The id of its text under `texts:`.
    pub text: String,
    /// What it is, as cited: `article 26, paragraphe 7`, `article L2312-8`,
    /// `annexe III`.
    pub article: String,
    /// What it says, in one line.
    pub summary: String,
    /// When the summary was last checked against the published text.
    pub checked: NaiveDate,
    /// What is proposed or uncertain about it, when something is.
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ReferencesFile {
    #[serde(default)]
    texts: BTreeMap<String, Text>,
    #[serde(default)]
    articles: BTreeMap<String, Article>,
}

/// The keys of the file's two maps, in the order written (the page's order).
#[derive(Debug, Default, Deserialize)]
struct Order {
    #[serde(default)]
    texts: serde_yaml_ng::Mapping,
    #[serde(default)]
    articles: serde_yaml_ng::Mapping,
}

/// An edition's legal references.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct References {
    /// The texts, in the file's order.
    pub texts: Vec<TextEntry>,
    /// The file could not be read: its error is reported once, and citations read
    /// as empty rather than each as an error.
    pub unreadable: bool,
}

/// A text, by id, with its articles in the file's order.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct TextEntry {
    pub id: String,
    pub text: Text,
    pub articles: Vec<(String, Article)>,
}

impl References {
    /// The references of `edition`, with every problem found in them; an article
    /// last checked more than a year before `today` is a warning. A file `session`
    /// parsed before, with the same text, is not parsed again.
    pub fn load(
        edition: &Edition,
        today: NaiveDate,
        session: &Session,
    ) -> (References, Vec<Diagnostic>) {
        let Some(origin) = NAMES.iter().find_map(|name| edition.origin("data", name)) else {
            return (References::default(), Vec::new());
        };
        let parsed = read_source(&origin.path)
            .map_err(|err| {
                Diagnostic::error(format!("cannot read the data file: {err}")).in_file(&origin.path)
            })
            .and_then(|bytes| decode(origin.path.clone(), bytes))
            .and_then(|source| {
                let parsed = session.parsed(&source, || parse(&source));
                parsed.map(|(file, references)| (source, file, references))
            });
        match parsed {
            Ok((source, file, references)) => {
                let problems = check(&source, &file, today);
                (references, problems)
            }
            Err(problem) => {
                let unreadable = References {
                    unreadable: true,
                    ..References::default()
                };
                // A file that is not YAML at all was reported by the data stage.
                let reported = std::fs::read_to_string(&origin.path).is_ok_and(|text| {
                    serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text).is_err()
                });
                (
                    unreadable,
                    if reported { Vec::new() } else { vec![problem] },
                )
            }
        }
    }

    fn ordered(mut file: ReferencesFile, order: Order) -> References {
        let keys = |map: &serde_yaml_ng::Mapping| -> Vec<String> {
            map.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        };
        let article_order = keys(&order.articles);
        let texts = keys(&order.texts)
            .into_iter()
            .filter_map(|id| {
                let text = file.texts.remove(&id)?;
                let articles = article_order
                    .iter()
                    .filter(|a| file.articles.get(*a).is_some_and(|a| a.text == id))
                    .filter_map(|a| Some((a.clone(), file.articles.get(a)?.clone())))
                    .collect();
                Some(TextEntry { id, text, articles })
            })
            .collect();
        References {
            texts,
            unreadable: false,
        }
    }

    /// The article `id` and its text.
    pub fn article(&self, id: &str) -> Option<(&Text, &Article)> {
        self.texts.iter().find_map(|entry| {
            entry
                .articles
                .iter()
                .find(|(a, _)| a == id)
                .map(|(_, article)| (&entry.text, article))
        })
    }

    /// The ids of every article.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.texts
            .iter()
            .flat_map(|entry| entry.articles.iter().map(|(id, _)| id.as_str()))
    }

    /// How a page's text cites article `id`: in Markdown, a link to its entry on
    /// the references page; elsewhere, the words alone.
    pub fn citation(&self, id: &str, language: Language, markdown: bool) -> Option<String> {
        let (text, article) = self.article(id)?;
        let the = match language {
            Language::Fr if article.article.starts_with("articles ") => "les ",
            Language::Fr if article.article.starts_with(['a', 'e', 'i', 'o', 'u', 'h']) => "l'",
            Language::Fr => "le ",
            Language::En => "",
        };
        // « l'article 26, paragraphe 7, du règlement » closes the apposition.
        let comma = if article.article.contains(',') {
            ","
        } else {
            ""
        };
        let words = format!("{the}{}{comma} {}", article.article, text.of);
        Some(if markdown {
            format!("[{}](@{}#{id})", markdown_escape(&words), page_id(language))
        } else {
            words
        })
    }

    /// The references page, as a document of the `page` kind (its body generated
    /// from the file), unless the edition has no article or has a page of that id
    /// of its own (which then takes its place).
    pub fn page(
        &self,
        language: Language,
        labels: &Labels,
        taken: impl Fn(&str) -> bool,
    ) -> Option<Arc<Document>> {
        let id = page_id(language);
        if self.ids().next().is_none() || taken(id) {
            return None;
        }
        let yaml = |text: &str| serde_json::to_string(text).expect("a string serialises");
        let mut text = format!(
            "---\ntitle: {}\nsummary: {}\nweight: 4\n---\n\n{}\n",
            yaml(labels.get("references_title")),
            yaml(labels.get("references_summary")),
            markdown_escape(labels.get("references_intro")),
        );
        for TextEntry {
            id: text_id,
            text: legal_text,
            articles,
        } in &self.texts
        {
            if articles.is_empty() {
                continue;
            }
            let limited = !legal_text.sectors.is_all();
            if limited {
                text.push_str(&format!("\n::: sectors {}\n", legal_text.sectors.ids()));
            }
            text.push_str(&format!(
                "\n## {} {{#{text_id}}}\n",
                markdown_escape(&legal_text.name)
            ));
            for (article_id, article) in articles {
                text.push_str(&format!(
                    "\n### {} {{#{article_id}}}\n\n{}\n\n*{} {}.*\n",
                    markdown_escape(&capitalised(&article.article)),
                    markdown_escape(&article.summary),
                    labels.get("references_checked"),
                    labels.long_date(article.checked),
                ));
                if let Some(status) = &article.status {
                    text.push_str(&format!(
                        "\n::: warning {}\n{}\n:::\n",
                        labels.get("references_status"),
                        markdown_escape(status)
                    ));
                }
            }
            if limited {
                text.push_str("\n:::\n");
            }
        }
        let rel_path = format!("{}/{id}.md", Kind::Page.folder());
        let source = Arc::new(SourceFile::new(
            Path::new("data").join(NAMES[0]).join(&rel_path),
            text,
        ));
        // Generated from values the file's own check accepted, and escaped: a
        // problem here is the generator's, not the author's.
        parse_document(Kind::Page, &rel_path, source)
            .ok()
            .map(Arc::new)
    }
}

/// The id of the references page.
pub fn page_id(language: Language) -> &'static str {
    match language {
        Language::Fr => "textes-de-reference",
        Language::En => "legal-references",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The references file's text parsed: the file's maps, and the references in its
/// order.
fn parse(source: &Arc<SourceFile>) -> Result<(Arc<ReferencesFile>, References), Diagnostic> {
    if source.text.trim().is_empty() {
        return Ok((Arc::default(), References::default()));
    }
    let hint = "an article is `id: { text: <a key of texts:>, article: article 26, summary: …, checked: 2026-11-21 }`, a text `id: { name: …, of: « du Code du travail », sectors: private }`";
    let file: ReferencesFile = serde_yaml_ng::from_str(&source.text)
        .map_err(|err| yaml_error(source, 0, &err, "").hint(hint))?;
    let order: Order = serde_yaml_ng::from_str(&source.text)
        .map_err(|err| yaml_error(source, 0, &err, "").hint(hint))?;
    let references = References::ordered(file.clone(), order);
    Ok((Arc::new(file), references))
}

/// Ids that cannot be anchors, articles of no declared text, empty summaries,
/// and summaries checked too long ago.
fn check(source: &Arc<SourceFile>, file: &ReferencesFile, today: NaiveDate) -> Vec<Diagnostic> {
    let spans = YamlSpans::new(&source.text, 0);
    let mut problems = Vec::new();
    let bad_id = |id: &str, at| {
        Diagnostic::error(format!("`{id}` cannot be an anchor"))
            .at(source, at)
            .hint("write ids in lowercase letters, digits and dashes: `ai-act-26`, `l2312-8`")
    };
    for id in file.texts.keys() {
        if !is_valid_id(id) {
            problems.push(bad_id(id, spans.key_or_start(&[Key("texts"), Key(id)])));
        }
    }
    for (id, article) in &file.articles {
        let at = |field| spans.value_or_key(&[Key("articles"), Key(id), Key(field)]);
        if !is_valid_id(id) {
            problems.push(bad_id(id, spans.key_or_start(&[Key("articles"), Key(id)])));
        }
        if !file.texts.contains_key(&article.text) {
            let hint = match did_you_mean(&article.text, file.texts.keys().map(String::as_str)) {
                Some(known) => format!("did you mean `{known}`?"),
                None => "declare the text under `texts:` (name, of), or name one that is".into(),
            };
            problems.push(
                Diagnostic::error(format!("`{}` is not a text of `texts:`", article.text))
                    .at(source, at("text"))
                    .hint(hint),
            );
        }
        if article.summary.trim().is_empty() {
            problems.push(
                Diagnostic::error(format!("the article `{id}` has no summary"))
                    .at(source, at("summary"))
                    .hint("say in one line what the article provides"),
            );
        }
        let due = article
            .checked
            .checked_add_months(chrono::Months::new(CHECK_EVERY_MONTHS));
        if due.is_some_and(|due| due < today) {
            problems.push(
                Diagnostic::warning(format!(
                    "the article `{id}` was last checked on {}, more than {CHECK_EVERY_MONTHS} months ago",
                    article.checked
                ))
                .at(source, at("checked"))
                .hint("read the published text again (Légifrance, EUR-Lex), correct the summary if it changed, and update `checked`"),
            );
        }
    }
    problems
}
