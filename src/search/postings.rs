//! Postings: which pages hold each term, how well (BM25F), and in which section,
//! encoded compactly.
//!
//! A page is split into sections: its lead (the page title, tags, summary and the
//! text before the first heading), then its headings' sections. Each (term, section)
//! gets a BM25F score (fields weighted heading or tag 5, summary 2, body 1, body
//! length normalised, saturated; a word of the title adds 2.5 × idf on top, so the
//! lead is a title match's best section). A term's posting for a page is its best
//! section there: the score quantised to a level 1–16 on a log scale, and the
//! section's place in the page. That is one number,
//! `((gap - 1) * 16 + (level - 1)) * 8 + min(section, 7)`, followed by `section - 7`
//! when the section is the eighth or later, written as varints (see `varint`): a
//! posting in the next page with a level up to 8 in one of its first seven sections
//! takes one character. Pages rather than sections keep the postings of a common
//! word to one per page, which is what a query loads and scans.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::text::{fold, words, Analyzer};
use super::SearchPage;

/// Digits that end a number (64 of them) and digits that say more follow (27).
const LAST: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const MORE: &[u8; 27] = b"!#$%&()*+,./:;<=>?@[]^`{|}~";

/// Field weights: title (unused: see `TITLE`), heading (or tags, for the lead),
/// summary, body.
const WEIGHTS: [f64; 4] = [0.0, 5.0, 2.0, 1.0];
/// What a word of the page title adds, in units of the term's idf.
const TITLE: f64 = 2.5;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Appends `v` as a varint: base-27 digits from `MORE`, low first, then one base-64
/// digit from `LAST`. Values under 64 take one character.
pub fn varint(mut v: usize, out: &mut String) {
    while v >= 64 {
        out.push(MORE[v % 27] as char);
        v /= 27;
    }
    out.push(LAST[v] as char);
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
    /// The size of words and postings, to size the shards.
    pub bytes: usize,
}

/// Term frequencies of one term in one section, per field.
type Tf = [u16; 4];

/// What one thread gathers from its pages. Terms get ids local to the thread, so
/// that counting a word costs one hash lookup; threads' results merge by term.
#[derive(Default)]
struct Partial {
    /// Word as written → local term id, or None for a stop word.
    cache: FxHashMap<String, Option<u32>>,
    /// Local term id → term, and back.
    terms: Vec<String>,
    ids: FxHashMap<String, u32>,
    /// Local term id → its postings: (section, frequencies).
    postings: Vec<Vec<(u32, Tf)>>,
    /// Folded surface word → term.
    words: FxHashMap<String, String>,
    body_lengths: Vec<(u32, u32)>,
    /// Scratch: frequencies in the current section by local term id, and which
    /// ids are set.
    tfs: Vec<Tf>,
    touched: Vec<u32>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        for (term, list) in other.terms.into_iter().zip(other.postings) {
            let id = self.term_id(term);
            self.postings[id as usize].extend(list);
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
        self
    }

    fn term_id(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.clone(), id);
        self.terms.push(term);
        self.postings.push(Vec::new());
        self.tfs.push([0; 4]);
        id
    }

    /// The local term id of a word (None for a stop word); a word seen for the
    /// first time is stemmed and goes into the dictionary. Words are remembered as
    /// they are written: most come back with the same case.
    fn lookup(&mut self, analyzer: &Analyzer, word: &str) -> Option<u32> {
        if let Some(&found) = self.cache.get(word) {
            return found;
        }
        let lower = word.to_lowercase();
        let folded = fold(&lower);
        let found = if analyzer.is_stop(&folded) {
            None
        } else {
            let term = analyzer.term(&lower);
            let id = self.term_id(term.clone());
            self.words.entry(folded).or_insert(term);
            Some(id)
        };
        self.cache.insert(word.to_string(), found);
        found
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
            let mut body_length = 0;
            for (f, text) in fields.iter().chain(std::iter::once(&body)).enumerate() {
                for word in words(text) {
                    let Some(term) = self.lookup(analyzer, &text[word.start..word.end]) else {
                        continue;
                    };
                    let tf = &mut self.tfs[term as usize];
                    if *tf == [0; 4] {
                        self.touched.push(term);
                    }
                    tf[f] = tf[f].saturating_add(1);
                    if f == 3 {
                        body_length += 1;
                    }
                }
            }
            self.body_lengths.push((id, body_length));
            for term in self.touched.drain(..) {
                let tf = std::mem::take(&mut self.tfs[term as usize]);
                self.postings[term as usize].push((id, tf));
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
    // A few large chunks rather than rayon's fine splits: each chunk stems every
    // word it meets once, in its own cache.
    let chunk = pages
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(1);
    let partial = pages
        .par_chunks(chunk)
        .zip(firsts.par_chunks(chunk))
        .map(|(pages, firsts)| {
            let mut acc = Partial::default();
            for (page, &first) in pages.iter().zip(firsts) {
                acc.add_page(analyzer, first, page);
            }
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
        .terms
        .into_par_iter()
        .zip(partial.postings)
        .map(|(term, mut list)| {
            list.sort_unstable_by_key(|(id, _)| *id);
            let df = list.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let score = |id: u32, tf: Tf| {
                let norm = 1.0 - B + B * lengths[id as usize] as f64 / average;
                let weighted = WEIGHTS[1] * tf[1] as f64
                    + WEIGHTS[2] * tf[2] as f64
                    + WEIGHTS[3] * tf[3] as f64 / norm;
                // The title is not saturated with the rest: a word of the title
                // outweighs any number of mentions in the text.
                let title = if tf[0] > 0 { TITLE } else { 0.0 };
                idf * (title + weighted * (K1 + 1.0) / (K1 + weighted))
            };
            // Each page's best section, pages in order (sections are numbered page
            // after page).
            let mut best: Vec<(usize, f64, usize)> = Vec::new();
            let mut page = 0;
            for (id, tf) in list {
                while page + 1 < firsts.len() && firsts[page + 1] <= id {
                    page += 1;
                }
                let (score, section) = (score(id, tf), (id - firsts[page]) as usize);
                match best.last_mut() {
                    Some(last) if last.0 == page => {
                        if score > last.1 {
                            *last = (page, score, section);
                        }
                    }
                    _ => best.push((page, score, section)),
                }
            }
            let mut code = String::with_capacity(best.len() + best.len() / 2);
            let mut previous: i64 = -1;
            for (page, score, section) in best {
                let gap = (page as i64 - previous) as usize;
                previous = page as i64;
                varint(
                    ((gap - 1) * 16 + (level(score) - 1)) * 8 + section.min(7),
                    &mut code,
                );
                if section >= 7 {
                    varint(section - 7, &mut code);
                }
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
        let (mut v, mut scale) = (0, 1);
        for c in code.bytes() {
            if let Some(d) = MORE.iter().position(|&a| a == c) {
                v += d * scale;
                scale *= 27;
            } else {
                v += LAST.iter().position(|&a| a == c).unwrap() * scale;
                out.push(v);
                (v, scale) = (0, 1);
            }
        }
        out
    }

    #[test]
    fn varints_round_trip() {
        for values in [vec![0, 1, 63], vec![64, 1000, 123_456_789]] {
            let mut code = String::new();
            for &v in &values {
                varint(v, &mut code);
            }
            assert_eq!(decode(&code), values);
        }
        let mut one = String::new();
        varint(63, &mut one);
        assert_eq!(one.len(), 1, "small values take one character");
    }

    /// Pages of sections, each section a heading and its text.
    fn page<'a>(title: &'a str, sections: &[(&str, &str)]) -> SearchPage<'a> {
        SearchPage {
            url: "x.html",
            title,
            summary: "",
            kind: crate::model::Kind::Page,
            sizes: Default::default(),
            sectors: Default::default(),
            roles: Vec::new(),
            tags: &[],
            sections: sections
                .iter()
                .map(|(heading, text)| crate::markdown::Section {
                    anchor: (!heading.is_empty()).then(|| heading.to_string()),
                    heading: heading.to_string(),
                    text: text.to_string(),
                })
                .collect(),
        }
    }

    /// A term's postings as (page, level, section).
    fn postings_of(built: &Built, term: &str) -> Vec<(usize, usize, usize)> {
        let (_, code) = built.terms.iter().find(|(t, _)| t == term).unwrap();
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        let mut page: i64 = -1;
        let mut rest = false;
        for v in decode(code) {
            if rest {
                out.last_mut().unwrap().2 = 7 + v;
                rest = false;
                continue;
            }
            page += (v / 128) as i64 + 1;
            out.push((page as usize, (v / 8) % 16 + 1, v % 8));
            rest = v % 8 == 7;
        }
        out
    }

    #[test]
    fn a_posting_is_a_pages_best_section_and_late_sections_take_a_second_number() {
        let filler = ("Autre", "rien de particulier ici");
        let late: Vec<(&str, &str)> = std::iter::repeat_n(filler, 9)
            .chain([("Budget", "le budget du budget")])
            .collect();
        let pages = [
            page(
                "Gouvernance",
                &[
                    ("Budget", "un budget"),
                    filler,
                    ("Suivi", "budget budget budget"),
                ],
            ),
            page("Autre page", &[filler]),
            page("Troisième", &late),
        ];
        let built = index(
            &pages,
            &super::super::text::Analyzer::new(crate::edition::Language::Fr),
        );
        let budget = postings_of(&built, "budget");
        // Page 0: the section headed « Budget » (1, after the lead) outweighs the
        // one that says it three times; page 1 has none; page 2: its eleventh
        // section (10), written as 7 then 3.
        assert_eq!(
            budget.iter().map(|p| (p.0, p.2)).collect::<Vec<_>>(),
            [(0, 1), (2, 10)]
        );
        // A word of the title makes the lead the best section, above the body.
        let gouvernance = postings_of(&built, "gouvern");
        assert_eq!(gouvernance.len(), 1);
        assert_eq!((gouvernance[0].0, gouvernance[0].2), (0, 0));
        assert!(gouvernance[0].1 > budget[0].1);
    }

    #[test]
    fn levels_grow_with_the_score() {
        assert_eq!(level(0.0), 1);
        assert!(level(0.5) < level(2.0));
        assert_eq!(level(1000.0), 16);
    }
}
