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

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::text::{fold, words, Analyzer};
use super::SearchPage;

/// Digits that end a number (64 of them) and digits that say more follow (27).
/// meta.js ships both: the query script decodes with what it is given.
pub const LAST: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const MORE: &[u8; 27] = b"!#$%&()*+,./:;<=>?@[]^`{|}~";

/// The score levels a posting holds, 1 to `LEVELS`.
pub const LEVELS: usize = 16;

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

/// A term's best section in a page, as the pages are read: (page, section, score
/// without the idf, which is known only once every page is read and which scales
/// every section of a term alike).
type PagePosting = (u32, u16, f32);

/// Sections as the index reads them, before any score: for each section, the
/// body's length and each term's frequencies in the four fields; their terms; and
/// the folded words that lead to them, in the order they first occur. Scores
/// depend on the whole corpus (the mean body length, the idf), so this is what a
/// section gives whatever the others: the editions of a batch, which mostly show
/// the same sections (a page that names the organisation differs from one edition
/// to the next in that section only), read each section's text once
/// (`SectionCache`). Outside a batch, a page's sections are read together and their
/// terms and words are not spelled out (the reader that made it has their ids).
pub struct PageTerms {
    terms: Vec<String>,
    /// Folded word → the page's term.
    words: Vec<(String, u32)>,
    /// Per section: the body's length in bytes, and (term, frequencies).
    sections: Vec<(usize, Vec<(u32, Tf)>)>,
}

/// Sections already read, one each, by the fingerprint of their text and language.
#[derive(Default)]
pub struct SectionCache(std::sync::RwLock<FxHashMap<u64, std::sync::Arc<PageTerms>>>);

impl SectionCache {
    fn get(&self, key: u64) -> Option<std::sync::Arc<PageTerms>> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned()
    }

    fn keep(&self, key: u64, terms: std::sync::Arc<PageTerms>) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, terms);
    }
}

/// What a section's reading depends on: its fields' text and the language.
fn section_key(fields: &[&str; 3], body: &str, analyzer: &Analyzer) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for text in [
        analyzer.language_id(),
        fields[0],
        fields[1],
        fields[2],
        body,
    ] {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.digest()
}

/// Reads pages or sections into `PageTerms`, remembering each word it stems (one
/// reader per thread's pages). Its scratch tables are arrays indexed by the
/// reader's own ids, reset after each read: the index reads every word of every
/// page through here, and an array costs less than a hash map per word.
struct Reader<'a> {
    analyzer: &'a Analyzer,
    /// Word as written → its entry in `lexicon`, or None for a stop word. Words are
    /// remembered as they are written: most come back with the same case.
    cache: FxHashMap<String, Option<u32>>,
    /// Entry → (the term's id in `partial`, folded word, whether `partial` has
    /// the word).
    lexicon: Vec<(u32, String, bool)>,
    /// What the reader's pages add up to; its term ids are the reader's.
    partial: Partial,
    /// Scratch, per page: the page's term for each lexicon entry, and for each of
    /// the partial's terms (`UNSEEN` where the page has none yet).
    entry_on_page: Vec<u32>,
    term_on_page: Vec<u32>,
    /// Scratch, per section: where each page term's frequencies are in the
    /// section's list.
    slot_in_section: Vec<u32>,
    /// The last sections read: the partial's id of each of its terms, and the
    /// lexicon entries of its words that the partial has not met.
    page_ids: Vec<u32>,
    page_new_words: Vec<u32>,
    /// Whether `read` spells out the terms and words in its `PageTerms`, for the
    /// other editions of a batch; a single build needs only the ids.
    keep_text: bool,
}

const UNSEEN: u32 = u32::MAX;

impl<'a> Reader<'a> {
    fn new(analyzer: &'a Analyzer, keep_text: bool) -> Reader<'a> {
        Reader {
            analyzer,
            cache: FxHashMap::default(),
            lexicon: Vec::new(),
            partial: Partial::default(),
            entry_on_page: Vec::new(),
            term_on_page: Vec::new(),
            slot_in_section: Vec::new(),
            page_ids: Vec::new(),
            page_new_words: Vec::new(),
            keep_text,
        }
    }

    fn lookup(&mut self, word: &str) -> Option<u32> {
        if let Some(&found) = self.cache.get(word) {
            return found;
        }
        let lower = word.to_lowercase();
        let folded = fold(&lower);
        let found = if self.analyzer.is_stop(&folded) {
            None
        } else {
            let id = self.partial.term_id(&self.analyzer.term(&lower));
            self.lexicon.push((id, folded, false));
            self.entry_on_page.push(UNSEEN);
            Some(self.lexicon.len() as u32 - 1)
        };
        self.cache.insert(word.to_string(), found);
        found
    }

    /// Reads `sections` (a page's, or one of them) as one unit: a term's
    /// frequencies are counted per section, its words listed once.
    fn read<'t>(&mut self, sections: impl Iterator<Item = ([&'t str; 3], &'t str)>) -> PageTerms {
        let mut terms = PageTerms {
            terms: Vec::new(),
            words: Vec::new(),
            sections: Vec::new(),
        };
        self.page_ids.clear();
        self.page_new_words.clear();
        self.term_on_page.resize(self.partial.terms.len(), UNSEEN);
        let mut entries: Vec<u32> = Vec::new();
        for (fields, body) in sections {
            let mut tfs: Vec<(u32, Tf)> = Vec::new();
            for (f, text) in fields.iter().chain(std::iter::once(&body)).enumerate() {
                for word in words(text) {
                    let Some(entry) = self.lookup(&text[word.start..word.end]) else {
                        continue;
                    };
                    let mut term = self.entry_on_page[entry as usize];
                    if term == UNSEEN {
                        let (id, folded, listed) = &mut self.lexicon[entry as usize];
                        let id = *id as usize;
                        if id >= self.term_on_page.len() {
                            self.term_on_page.resize(id + 1, UNSEEN);
                        }
                        term = self.term_on_page[id];
                        if term == UNSEEN {
                            term = self.page_ids.len() as u32;
                            if self.keep_text {
                                terms.terms.push(self.partial.terms[id].clone());
                            }
                            self.term_on_page[id] = term;
                            self.slot_in_section.push(UNSEEN);
                            self.page_ids.push(id as u32);
                        }
                        if !*listed {
                            *listed = true;
                            self.page_new_words.push(entry);
                        }
                        if self.keep_text {
                            terms.words.push((folded.clone(), term));
                        }
                        self.entry_on_page[entry as usize] = term;
                        entries.push(entry);
                    }
                    let slot = &mut self.slot_in_section[term as usize];
                    if *slot == UNSEEN {
                        *slot = tfs.len() as u32;
                        tfs.push((term, [0; 4]));
                    }
                    let tf = &mut tfs[*slot as usize].1;
                    tf[f] = tf[f].saturating_add(1);
                }
            }
            for &(term, _) in &tfs {
                self.slot_in_section[term as usize] = UNSEEN;
            }
            terms.sections.push((body.len(), tfs));
        }
        for entry in entries {
            self.entry_on_page[entry as usize] = UNSEEN;
        }
        for &id in &self.page_ids {
            self.term_on_page[id as usize] = UNSEEN;
        }
        self.slot_in_section.clear();
        terms
    }

    /// Adds what this reader has just read to page number `page_index`, its
    /// sections numbered from `first_section`.
    fn add_read(&mut self, page_index: u32, first_section: usize, page: &PageTerms, average: f64) {
        let lexicon = &self.lexicon;
        let words = self.page_new_words.iter().map(|&entry| {
            let (id, folded, _) = &lexicon[entry as usize];
            (folded.as_str(), *id)
        });
        self.partial.add_page(
            (page_index, first_section),
            page,
            &self.page_ids,
            words,
            average,
        );
    }

    /// Adds what another reader read to page number `page_index`, its sections
    /// numbered from `first_section`.
    fn add_cached(
        &mut self,
        page_index: u32,
        first_section: usize,
        page: &PageTerms,
        average: f64,
    ) {
        let ids: Vec<u32> = page
            .terms
            .iter()
            .map(|term| self.partial.term_id(term))
            .collect();
        let words = page
            .words
            .iter()
            .map(|(folded, term)| (folded.as_str(), ids[*term as usize]));
        self.partial
            .add_page((page_index, first_section), page, &ids, words, average);
    }
}

/// What one thread gathers from its pages. Terms get ids local to the thread, so
/// that counting a word costs one hash lookup; threads' results merge by term.
#[derive(Default)]
struct Partial {
    /// Local term id → term, and back.
    terms: Vec<String>,
    ids: FxHashMap<String, u32>,
    /// Local term id → its postings, pages in order.
    postings: Vec<Vec<PagePosting>>,
    /// Local term id → the number of sections holding it.
    sections: Vec<u32>,
    /// Folded surface word → term.
    words: FxHashMap<String, String>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        // `other` read the pages after this one's: its postings follow.
        for ((term, list), sections) in other
            .terms
            .into_iter()
            .zip(other.postings)
            .zip(other.sections)
        {
            let id = self.term_id(&term) as usize;
            self.postings[id].extend(list);
            self.sections[id] += sections;
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
        self
    }

    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.ids.insert(term.to_string(), id);
        self.terms.push(term.to_string());
        self.postings.push(Vec::new());
        self.sections.push(0);
        id
    }

    /// Adds sections of page number `page_index`, as read, numbered there from
    /// `first_section`: for each of their terms, the section where it scores best
    /// so far (BM25F without the idf; `average` is the corpus's mean body length,
    /// in bytes). A page's sections come in order, in one call or several.
    /// `ids` are the partial's ids of the sections' terms; `words`, their words
    /// that the partial may not have, with the partial's id of their term.
    fn add_page<'p>(
        &mut self,
        (page_index, first_section): (u32, usize),
        page: &PageTerms,
        ids: &[u32],
        words: impl Iterator<Item = (&'p str, u32)>,
        average: f64,
    ) {
        for (folded, id) in words {
            // Two spellings that fold alike (connaît, connait) may stem apart: the
            // smaller term is kept, here as in `merge`, so that the index does not
            // depend on how the pages were shared between threads.
            let term = &self.terms[id as usize];
            match self.words.get_mut(folded) {
                Some(kept) if *kept <= *term => {}
                Some(kept) => *kept = term.clone(),
                None => {
                    self.words.insert(folded.to_string(), term.clone());
                }
            }
        }
        for (section, (body_len, tfs)) in page.sections.iter().enumerate() {
            let section = first_section + section;
            let norm = 1.0 - B + B * *body_len as f64 / average;
            for &(term, tf) in tfs {
                let id = ids[term as usize] as usize;
                let score = score(tf, norm) as f32;
                self.sections[id] += 1;
                let list = &mut self.postings[id];
                match list.last_mut() {
                    Some(last) if last.0 == page_index => {
                        if score > last.2 {
                            *last = (page_index, section as u16, score);
                        }
                    }
                    _ => list.push((page_index, section as u16, score)),
                }
            }
        }
    }
}

/// A page's sections as the index reads them, lead first (always there, even when
/// empty): the fields (title, heading or tags, summary) and the body text. The lead
/// has the page's title, tags and summary; the others their heading.
pub fn section_fields<'a>(
    page: &'a SearchPage,
    tags: &'a str,
) -> impl Iterator<Item = ([&'a str; 3], &'a str)> + 'a {
    let lead_text = page
        .sections
        .iter()
        .find(|s| s.anchor.is_none())
        .map_or("", |s| s.text.as_str());
    std::iter::once(([page.title, tags, page.summary], lead_text)).chain(
        page.sections
            .iter()
            .filter(|s| s.anchor.is_some())
            .map(|s| (["", s.heading.as_str(), ""], s.text.as_str())),
    )
}

/// A section's BM25F score for a term, before the idf: fields weighted, the body's
/// frequency normalised by its length (`norm`), saturated; a word of the title
/// adds `TITLE` on top.
fn score(tf: Tf, norm: f64) -> f64 {
    let weighted =
        WEIGHTS[1] * tf[1] as f64 + WEIGHTS[2] * tf[2] as f64 + WEIGHTS[3] * tf[3] as f64 / norm;
    // The title is not saturated with the rest: a word of the title outweighs any
    // number of mentions in the text.
    let title = if tf[0] > 0 { TITLE } else { 0.0 };
    title + weighted * (K1 + 1.0) / (K1 + weighted)
}

/// Scores and encodes every term's postings; with a `cache`, a section whose text
/// an earlier build read is not read again.
pub fn index(pages: &[SearchPage], analyzer: &Analyzer, cache: Option<&SectionCache>) -> Built {
    // The mean body length (in bytes) normalises each section's body frequencies.
    let (mut sections, mut body_bytes) = (0usize, 0usize);
    for page in pages {
        for (_, body) in section_fields(page, "") {
            sections += 1;
            body_bytes += body.len();
        }
    }
    let average = (body_bytes as f64 / sections.max(1) as f64).max(1.0);
    // A few large chunks rather than rayon's fine splits: each chunk stems every
    // word it meets once, in its own cache. Chunks are ranges of pages, merged in
    // order, so that each term's postings stay in page order.
    let chunk = pages
        .len()
        .div_ceil(2 * rayon::current_num_threads())
        .max(1);
    let partial = pages
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, pages)| {
            let mut reader = Reader::new(analyzer, cache.is_some());
            for (i, page) in pages.iter().enumerate() {
                let index = (c * chunk + i) as u32;
                let tags = page.tags.join(" ");
                let sections = section_fields(page, &tags);
                let Some(cache) = cache else {
                    let terms = reader.read(sections);
                    reader.add_read(index, 0, &terms, average);
                    continue;
                };
                for (number, (fields, body)) in sections.enumerate() {
                    let key = section_key(&fields, body, analyzer);
                    match cache.get(key) {
                        Some(terms) => reader.add_cached(index, number, &terms, average),
                        None => {
                            let terms = reader.read(std::iter::once((fields, body)));
                            let terms = std::sync::Arc::new(terms);
                            reader.add_read(index, number, &terms, average);
                            cache.keep(key, terms);
                        }
                    }
                }
            }
            reader.partial
        })
        .reduce(Partial::default, Partial::merge);
    let n = sections as f64;
    let mut terms: Vec<(String, String)> = partial
        .terms
        .into_par_iter()
        .zip(partial.postings)
        .zip(partial.sections)
        .map(|((term, list), df)| {
            let df = df as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut code = String::with_capacity(list.len() + list.len() / 2);
            let mut previous: i64 = -1;
            for (page, section, score) in list {
                let gap = (page as i64 - previous) as usize;
                previous = page as i64;
                let section = section as usize;
                varint(
                    ((gap - 1) * 16 + (level(idf * score as f64) - 1)) * 8 + section.min(7),
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
/// a level back to its score with the table `level_scores`, from meta.js.
pub(super) fn level(score: f64) -> usize {
    ((2.0 * (1.0 + 8.0 * score).log2()).round() as usize).clamp(1, LEVELS)
}

/// The score each level stands for, by level (index 0, no level, is 0): the
/// inverse of `level`, `(2^(level / 2) - 1) / 8`. Written into meta.js.
pub fn level_scores() -> Vec<f64> {
    (0..=LEVELS)
        .map(|l| match l {
            0 => 0.0,
            l => (2f64.powf(l as f64 / 2.0) - 1.0) / 8.0,
        })
        .collect()
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
                .map(|(heading, text)| {
                    std::borrow::Cow::Owned(crate::markdown::Section {
                        anchor: (!heading.is_empty()).then(|| heading.to_string()),
                        heading: heading.to_string(),
                        text: text.to_string(),
                    })
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
        let analyzer = super::super::text::Analyzer::new(crate::edition::Language::Fr);
        let built = index(&pages, &analyzer, None);
        // Read through a cache, first filled then used, the index is the same.
        let cache = SectionCache::default();
        for _ in 0..2 {
            let cached = index(&pages, &analyzer, Some(&cache));
            assert_eq!((&cached.words, &cached.terms), (&built.words, &built.terms));
        }
        // One entry per distinct section: the filler, in every page, is read once.
        let distinct: std::collections::HashSet<_> = pages
            .iter()
            .flat_map(|p| section_fields(p, "").collect::<Vec<_>>())
            .collect();
        assert!(distinct.len() < pages.iter().map(|p| p.sections.len() + 1).sum());
        assert_eq!(cache.0.read().unwrap().len(), distinct.len());
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
    fn the_index_does_not_depend_on_how_many_threads_read_it() {
        // « connaît » and « connait » fold alike but need not stem alike.
        let pages = [
            page("Un", &[("", "elle connaît")]),
            page("Deux", &[("", "il connait")]),
            page("Trois", &[("", "rien")]),
            page("Quatre", &[("", "rien")]),
        ];
        let analyzer = super::super::text::Analyzer::new(crate::edition::Language::Fr);
        let with_threads = |n| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap();
            pool.install(|| index(&pages, &analyzer, None))
        };
        let (one, three) = (with_threads(1), with_threads(3));
        assert_eq!((&one.words, &one.terms), (&three.words, &three.terms));
        let smaller = ["connaît", "connait"]
            .map(|w| analyzer.term(w))
            .into_iter()
            .min()
            .unwrap();
        let kept = one.words.iter().find(|(w, _)| w == "connait").unwrap();
        assert_eq!(kept.1, smaller);
    }

    #[test]
    fn levels_grow_with_the_score() {
        assert_eq!(level(0.0), 1);
        assert!(level(0.5) < level(2.0));
        assert_eq!(level(1000.0), 16);
    }

    #[test]
    fn each_level_score_is_the_inverse_of_level() {
        let scores = level_scores();
        assert_eq!(scores.len(), LEVELS + 1);
        for (l, &score) in scores.iter().enumerate().skip(1) {
            assert_eq!(
                level(score),
                l,
                "the score of level {l} encodes as level {l}"
            );
        }
        assert!(
            scores.windows(2).all(|w| w[0] < w[1]),
            "scores grow with the level"
        );
    }
}
