//! Postings: which sections hold each term, and how well (BM25F), encoded compactly.
//!
//! Sections are numbered page after page. A page's first section is its lead: the
//! page title, tags, summary and the text before the first heading; the others are
//! its headings' sections. Each (term, section) gets a BM25F score (fields weighted
//! heading or tag 5, summary 2, body 1, body length normalised, saturated; a word
//! of the title adds 2.5 × idf on top), quantised
//! to a level 1–16 on a log scale. A posting is then one number,
//! `(gap - 1) << 5 | in_title << 4 | (level - 1)`, written as a base-64 varint: five
//! bits per character, the sixth saying another character follows. Most postings
//! take one character.

use std::borrow::Cow;
use std::collections::HashMap;

use rayon::prelude::*;

use super::text::{fold, words, Analyzer};
use super::SearchPage;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Field weights: title (unused: see `TITLE`), heading (or tags, for the lead),
/// summary, body.
const WEIGHTS: [f64; 4] = [0.0, 5.0, 2.0, 1.0];
/// What a word of the page title adds, in units of the term's idf.
const TITLE: f64 = 2.5;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Appends `v` as a base-64 varint (low bits first).
pub fn varint(mut v: usize, out: &mut String) {
    while v >= 32 {
        out.push(ALPHABET[32 | (v & 31)] as char);
        v >>= 5;
    }
    out.push(ALPHABET[v] as char);
}

/// A section as the index sees it: heading, and text for the snippet.
pub struct View<'a> {
    pub heading: &'a str,
    pub text: Cow<'a, str>,
}

/// A page's sections, lead first (always there, even when empty).
pub fn sections_of<'a>(page: &'a SearchPage) -> impl Iterator<Item = View<'a>> + 'a {
    let lead_text = page
        .sections
        .iter()
        .find(|s| s.anchor.is_none())
        .map_or("", |s| s.text.as_str());
    let lead = View {
        heading: "",
        text: if lead_text.is_empty() {
            Cow::Borrowed(page.summary)
        } else {
            Cow::Owned(format!("{} {lead_text}", page.summary))
        },
    };
    std::iter::once(lead).chain(
        page.sections
            .iter()
            .filter(|s| s.anchor.is_some())
            .map(|s| View {
                heading: &s.heading,
                text: Cow::Borrowed(&s.text),
            }),
    )
}

/// The index, before it is split into files.
pub struct Built {
    /// Folded surface word → term, sorted by word.
    pub words: Vec<(String, String)>,
    /// Term → encoded postings, sorted by term.
    pub terms: Vec<(String, String)>,
    pub sections: usize,
    /// The size of words and postings, to size the shards.
    pub bytes: usize,
}

/// Term frequencies of one term in one section, per field.
type Tf = [u16; 4];

#[derive(Default)]
struct Partial {
    /// Lowercased word → (folded word, term), or None for a stop word.
    cache: HashMap<String, Option<(String, String)>>,
    postings: HashMap<String, Vec<(u32, Tf)>>,
    words: HashMap<String, String>,
    body_lengths: Vec<(u32, u32)>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        for (term, list) in other.postings {
            self.postings.entry(term).or_default().extend(list);
        }
        for (word, term) in other.words {
            match self.words.get_mut(&word) {
                // Two accented spellings fold alike: keep the smaller term, so the
                // result does not depend on the threads' order.
                Some(t) if *t <= term => {}
                _ => {
                    self.words.insert(word, term);
                }
            }
        }
        self.body_lengths.extend(other.body_lengths);
        self.cache = HashMap::new();
        self
    }

    fn add_page(&mut self, analyzer: &Analyzer, first: u32, page: &SearchPage) {
        let tags = page.tags.join(" ");
        for (j, view) in sections_of(page).enumerate() {
            let id = first + j as u32;
            let (fields, body): ([&str; 3], &str) = if j == 0 {
                let lead_body = view.text.get(page.summary.len()..).unwrap_or("");
                ([page.title, &tags, page.summary], lead_body)
            } else {
                (["", view.heading, ""], &view.text)
            };
            let mut tfs: HashMap<String, Tf> = HashMap::new();
            let mut body_length = 0;
            for (f, text) in fields.iter().chain(std::iter::once(&body)).enumerate() {
                for word in words(text) {
                    let entry = self.cache.entry(word.lower).or_insert_with_key(|lower| {
                        let folded = fold(lower);
                        if analyzer.is_stop(&folded) {
                            None
                        } else {
                            Some((folded, analyzer.term(lower)))
                        }
                    });
                    let Some((folded, term)) = entry else {
                        continue;
                    };
                    if !self.words.contains_key(folded.as_str()) {
                        self.words.insert(folded.clone(), term.clone());
                    }
                    match tfs.get_mut(term.as_str()) {
                        Some(tf) => tf[f] = tf[f].saturating_add(1),
                        None => {
                            let mut tf = [0; 4];
                            tf[f] = 1;
                            tfs.insert(term.clone(), tf);
                        }
                    }
                    if f == 3 {
                        body_length += 1;
                    }
                }
            }
            self.body_lengths.push((id, body_length));
            for (term, tf) in tfs {
                self.postings.entry(term).or_default().push((id, tf));
            }
        }
    }
}

/// Scores and encodes every term's postings.
pub fn index(pages: &[SearchPage], analyzer: &Analyzer) -> Built {
    let mut firsts = Vec::with_capacity(pages.len());
    let mut sections = 0u32;
    for page in pages {
        firsts.push(sections);
        sections += sections_of(page).count() as u32;
    }
    let partial = pages
        .par_iter()
        .zip(firsts.par_iter())
        .fold(Partial::default, |mut acc, (page, &first)| {
            acc.add_page(analyzer, first, page);
            acc
        })
        .reduce(Partial::default, Partial::merge);
    let mut lengths = vec![0u32; sections as usize];
    for (id, len) in &partial.body_lengths {
        lengths[*id as usize] = *len;
    }
    let average =
        (lengths.iter().map(|&l| l as f64).sum::<f64>() / sections.max(1) as f64).max(1.0);
    let n = sections as f64;
    let mut terms: Vec<(String, String)> = partial
        .postings
        .into_par_iter()
        .map(|(term, mut list)| {
            list.sort_unstable_by_key(|(id, _)| *id);
            let df = list.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut code = String::with_capacity(list.len() + list.len() / 2);
            let mut previous: i64 = -1;
            for (id, tf) in list {
                let norm = 1.0 - B + B * lengths[id as usize] as f64 / average;
                let weighted = WEIGHTS[1] * tf[1] as f64
                    + WEIGHTS[2] * tf[2] as f64
                    + WEIGHTS[3] * tf[3] as f64 / norm;
                // The title is not saturated with the rest: a word of the title
                // outweighs any number of mentions in the text.
                let title = if tf[0] > 0 { TITLE } else { 0.0 };
                let score = idf * (title + weighted * (K1 + 1.0) / (K1 + weighted));
                let level = level(score);
                let gap = (id as i64 - previous) as usize;
                previous = id as i64;
                let in_title = usize::from(tf[0] > 0);
                varint((gap - 1) << 5 | in_title << 4 | (level - 1), &mut code);
            }
            (term, code)
        })
        .collect();
    terms.par_sort_unstable();
    let mut words: Vec<(String, String)> = partial.words.into_iter().collect();
    words.par_sort_unstable();
    let bytes = terms
        .iter()
        .map(|(t, p)| t.len() + p.len() + 6)
        .sum::<usize>()
        + words
            .iter()
            .map(|(w, t)| w.len() + t.len() + 6)
            .sum::<usize>();
    Built {
        words,
        terms,
        sections: sections as usize,
        bytes,
    }
}

/// A score's level, 1–16: `round(2 log2(1 + 8 score))`. The query script takes
/// a level back to `(2^(level / 2) - 1) / 8`.
fn level(score: f64) -> usize {
    ((2.0 * (1.0 + 8.0 * score).log2()).round() as usize).clamp(1, 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(code: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let (mut v, mut shift) = (0, 0);
        for c in code.bytes() {
            let d = ALPHABET.iter().position(|&a| a == c).unwrap();
            v |= (d & 31) << shift;
            shift += 5;
            if d < 32 {
                out.push(v);
                v = 0;
                shift = 0;
            }
        }
        out
    }

    #[test]
    fn varints_round_trip() {
        for values in [vec![0, 1, 31], vec![32, 1000, 123_456_789]] {
            let mut code = String::new();
            for &v in &values {
                varint(v, &mut code);
            }
            assert_eq!(decode(&code), values);
        }
        let mut one = String::new();
        varint(31, &mut one);
        assert_eq!(one.len(), 1, "small values take one character");
    }

    #[test]
    fn levels_grow_with_the_score() {
        assert_eq!(level(0.0), 1);
        assert!(level(0.5) < level(2.0));
        assert_eq!(level(1000.0), 16);
    }
}
