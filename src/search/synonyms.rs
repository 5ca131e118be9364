//! Synonyms: words and phrases the search treats as one (`RGPD` and `GDPR`, `IA
//! fantôme` and `shadow AI`), from `data/synonyms.yaml` of every layer of the
//! edition, base first (a client edition's list adds to its parent's), and from the
//! `search_aliases:` of pages' headings (a glossary entry's other names).
//!
//! They go into meta.js as written; the query script reduces them to terms with
//! the same text pipeline as a query (its stemmer agrees with the index's), so the
//! index itself does not grow.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::edition::Edition;
use crate::model::SourceFile;
use crate::parse::{decode, read_source, yaml_error};
use crate::session::Session;
use crate::spans::{Index, Key, YamlSpans};

use super::text::{fold, words, Analyzer};

/// The file's name under data/.
pub const FILE: &str = "synonyms.yaml";

/// What `data/synonyms.yaml` holds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    /// Groups of equivalent words or phrases: a search for one finds the others.
    #[serde(default)]
    groups: Vec<Vec<String>>,
    /// One way: a search for the key also finds the listed words or phrases, not
    /// the other way round (`ChatGPT` → `IA générative`).
    #[serde(default)]
    expansions: BTreeMap<String, Vec<String>>,
}

/// Every synonym of an edition, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synonyms {
    pub groups: Vec<Vec<String>>,
    pub expansions: Vec<(String, Vec<String>)>,
}

impl Synonyms {
    /// The synonyms of every layer of `edition` (its `data/synonyms.yaml`, base
    /// first), with every problem found in them.
    pub fn load(
        edition: &Edition,
        analyzer: &Analyzer,
        session: &Session,
    ) -> (Synonyms, Vec<Diagnostic>) {
        let mut synonyms = Synonyms::default();
        let mut problems = Vec::new();
        let Some(origin) = edition.origin("data", FILE) else {
            return (synonyms, problems);
        };
        // `shadows` lists the lower layers' copies nearest first.
        for path in origin.shadows.iter().rev().chain([&origin.path]) {
            match read(path, session) {
                Ok((source, file)) => {
                    problems.extend(check(&source, &file, analyzer));
                    synonyms.groups.extend(file.groups.iter().cloned());
                    synonyms
                        .expansions
                        .extend(file.expansions.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                Err(problem) => problems.push(problem),
            }
        }
        (synonyms, problems)
    }

    /// Joins the aliases of a heading (`search_aliases:` of a page): the heading's text
    /// and its other names are one group.
    pub fn add_aliases(&mut self, heading: &str, aliases: &[String]) {
        let mut group = vec![heading.to_string()];
        group.extend(aliases.iter().cloned());
        self.groups.push(group);
    }
}

/// The file at `path`, read, and parsed unless `session` parsed its text before.
fn read(
    path: &Path,
    session: &Session,
) -> Result<(Arc<SourceFile>, Arc<SynonymsFile>), Diagnostic> {
    let bytes = read_source(path).map_err(|err| {
        Diagnostic::error(format!("cannot read the synonyms file: {err}")).in_file(path)
    })?;
    let source = decode(path.to_path_buf(), bytes)?;
    let file = session.parsed(&source, || parse(&source))?;
    Ok((source, file))
}

fn parse(source: &Arc<SourceFile>) -> Result<Arc<SynonymsFile>, Diagnostic> {
    if source.text.trim().is_empty() {
        return Ok(Arc::default());
    }
    let file: SynonymsFile = serde_yaml_ng::from_str(&source.text).map_err(|err| {
        yaml_error(source, 0, &err, "")
            .hint("data/synonyms.yaml holds `groups:` (lists of equivalent words or phrases) and `expansions:` (a word: the words it also finds)")
    })?;
    Ok(Arc::new(file))
}

/// A group of fewer than two entries, and an entry with no word the search keeps
/// (only stop words, or punctuation), are errors at their line.
fn check(source: &Arc<SourceFile>, file: &SynonymsFile, analyzer: &Analyzer) -> Vec<Diagnostic> {
    let spans = YamlSpans::new(&source.text, 0);
    let mut problems = Vec::new();
    let searchable =
        |text: &str| words(text).any(|w| !analyzer.is_stop(&fold(&text[w.start..w.end])));
    for (g, group) in file.groups.iter().enumerate() {
        if group.len() < 2 {
            problems.push(
                Diagnostic::error("a synonym group needs two entries or more")
                    .at(source, spans.value_or_key(&[Key("groups"), Index(g)]))
                    .hint("list the words that mean the same, as `[RGPD, GDPR]`; for a word that finds others one way, use `expansions:`"),
            );
        }
        for (e, entry) in group.iter().enumerate() {
            if !searchable(entry) {
                problems.push(unsearchable(
                    source,
                    spans.value_or_key(&[Key("groups"), Index(g), Index(e)]),
                    entry,
                ));
            }
        }
    }
    for (from, to) in &file.expansions {
        if !searchable(from) {
            problems.push(unsearchable(
                source,
                spans.key_or_start(&[Key("expansions"), Key(from)]),
                from,
            ));
        }
        if to.is_empty() {
            problems.push(
                Diagnostic::error(format!("`{from}` expands to nothing"))
                    .at(source, spans.value_or_key(&[Key("expansions"), Key(from)]))
                    .hint(
                        "list what a search for it should also find, as `ChatGPT: [IA générative]`",
                    ),
            );
        }
        for (e, entry) in to.iter().enumerate() {
            if !searchable(entry) {
                problems.push(unsearchable(
                    source,
                    spans.value_or_key(&[Key("expansions"), Key(from), Index(e)]),
                    entry,
                ));
            }
        }
    }
    problems
}

fn unsearchable(source: &Arc<SourceFile>, at: std::ops::Range<usize>, entry: &str) -> Diagnostic {
    Diagnostic::error(format!("`{entry}` has no word the search keeps"))
        .at(source, at)
        .hint("stop words (le, de, et…) and punctuation are not indexed: give a word or a phrase with at least one other word")
}
