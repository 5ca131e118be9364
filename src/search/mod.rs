//! The search index: built here from the rendered pages, queried in the browser by
//! `theme/search.js`, from a web server or straight from disk (file://).
//!
//! Pages are split into sections (the lead, then one per heading or playbook step)
//! so that a result opens the right `#anchor`. Words go through `text` (French or
//! English: elisions, stemming, accent folding, stop words); `postings` scores each
//! term in each section (BM25F: title and headings above body text) and encodes the
//! postings compactly. The index is written as classic scripts (`search/*.js`, each
//! calling a function of the global `gouvernailSearch`), sharded so that a query
//! loads only what it needs: term shards (ranges of dictionary words and terms, with
//! their postings), head shards (page titles, URLs, section headings) and snippet
//! shards (the start of each section's text). docs/search.md describes the format
//! and the query algorithm.

mod postings;
pub mod synonyms;
pub use postings::SectionCache;
pub mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::bodies::Body;
use crate::edition::Language;
use crate::library::{step_roles, Library};
use crate::markdown::Section;
use crate::model::{Kind, Member, SectorSet, SizeSet};
use crate::urls;
use text::fold;

/// The folder of the index files in the built site.
pub const FOLDER: &str = "search";

/// The version of the index format, in meta.js. The query script reads one version
/// (`INDEX_VERSION` in theme/search.js) and shows a message for any other: bump both
/// when the files change in a way an older script would misread.
/// 3: meta.js carries the encoding's constants (`varint`, `elisions`, `scores`).
pub const VERSION: u32 = 3;

/// The characters of a section's text kept for its snippet, at most, and per page.
const SNIPPET_CHARS: usize = 280;
const SNIPPET_CHARS_PER_PAGE: usize = 1600;

/// What the index needs of a page.
pub struct SearchPage<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub kind: Kind,
    pub sizes: SizeSet,
    pub sectors: SectorSet,
    /// Ids of the roles the page concerns (a role's own page, a playbook's audience
    /// and RACI roles).
    pub roles: Vec<&'a str>,
    pub tags: &'a [String],
    /// The body's sections (the first without anchor when text comes before the
    /// first heading), then any the templates add (playbook steps).
    pub sections: Vec<Cow<'a, Section>>,
}

/// The edition-wide part of the index: language, facet labels, UI labels.
pub struct Settings<'a> {
    pub language: Language,
    /// A label by key (`kinds_playbook`, `size_micro`, `search_no_results`…).
    pub label: &'a dyn Fn(&str) -> String,
    /// A role's name by id.
    pub role_title: &'a dyn Fn(&str) -> String,
    /// The edition's synonyms and the headings' aliases.
    pub synonyms: &'a synonyms::Synonyms,
}

/// The labels the query script shows (keys of src/i18n/*.yaml).
const UI_LABELS: &[&str] = &[
    "search_no_results",
    "search_results_count",
    "search_result_count",
    "search_loading",
    "search_kind",
    "search_size",
    "search_sector",
    "search_role",
    "search_tag",
    "search_more",
    "search_partial",
    "search_corrected",
    "search_synonym",
    "quote_open",
    "quote_close",
    "search_index_mismatch",
];

/// Target share of the page count per kind of shard, so that the index stays under
/// 5 % of the page count in files: heads are the most (a query's first results need
/// one per result shown), then terms, then snippets (loaded after the first results).
const HEAD_FILES_PER_PAGE: f64 = 0.032;
const TERM_FILES_PER_PAGE: f64 = 0.01;
/// The words again, by tail, for typos in a first letter: a share of the terms'.
const TAIL_FILES_PER_PAGE: f64 = 0.002;
const SNIPPET_FILES_PER_PAGE: f64 = 0.006;

/// Builds the index files: (path in the site, bytes).
pub fn build(
    pages: &[SearchPage],
    settings: &Settings,
    cache: Option<&SectionCache>,
) -> Vec<(String, Vec<u8>)> {
    let analyzer = text::Analyzer::new(settings.language);
    let built = postings::index(pages, &analyzer, cache);
    let n = pages.len().max(1) as f64;
    let mut files = Vec::new();

    // Term shards: the dictionary (folded word → term) and the postings, by key.
    let term_starts = write_term_shards(
        &built,
        target(built.bytes, (n * TERM_FILES_PER_PAGE).max(8.0), 12_000),
        &mut files,
    );

    // The words again, sorted after their first letter, for typos in it.
    let tail_starts = write_tail_shards(&built, (n * TAIL_FILES_PER_PAGE).max(2.0), &mut files);

    // Head and snippet shards, by page ranges.
    let heads: Vec<String> = pages.par_iter().map(head).collect();
    let head_starts = write_page_shards(
        "h",
        "heads",
        heads,
        (n * HEAD_FILES_PER_PAGE).max(4.0),
        8_000,
        &mut files,
    );
    let snippets: Vec<String> = pages.par_iter().map(snippets).collect();
    let snippet_starts = write_page_shards(
        "s",
        "snippets",
        snippets,
        (n * SNIPPET_FILES_PER_PAGE).max(4.0),
        16_000,
        &mut files,
    );

    let meta = meta(
        pages,
        settings,
        &analyzer,
        term_starts,
        tail_starts,
        head_starts,
        snippet_starts,
    );
    let (mut meta, facets) = meta;
    // Only the results page needs the facets: the search box loads no more than it needs.
    files.push((
        format!("{FOLDER}/facets.js"),
        call("facets", &[facets]).into_bytes(),
    ));
    // The script asks for the other files with this hash of them all (`t0.js?v=…`),
    // so that a browser never pairs a cached old shard with a new meta.js.
    meta["files"] = json!(files_hash(&files));
    files.push((
        format!("{FOLDER}/meta.js"),
        call("meta", &[meta]).into_bytes(),
    ));
    files
}

/// One short hash of index files, names and contents (streamed: the index of a
/// large handbook is megabytes, and this runs before the pages can be written).
fn files_hash(files: &[(String, Vec<u8>)]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (path, bytes) in files {
        hasher.update(path.as_bytes());
        hasher.update(&[0]);
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    format!("{:08x}", hasher.digest() as u32)
}

/// Bytes per shard: the total over the wanted file count, at least `floor`.
fn target(total: usize, files: f64, floor: usize) -> usize {
    ((total as f64 / files.max(1.0)) as usize).max(floor)
}

/// `gouvernailSearch.name(args…);` — one index file.
fn call(name: &str, args: &[serde_json::Value]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    format!("gouvernailSearch.{name}({});\n", args.join(","))
}

fn write_term_shards(
    built: &postings::Built,
    target: usize,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<String> {
    // Words and terms sorted together, so that a word and its term (nearly always a
    // prefix of it) usually land in the same shard.
    enum Key<'a> {
        Word(&'a str, &'a str),
        Term(&'a str, &'a str),
    }
    let mut keys: Vec<(&str, Key)> = built
        .words
        .iter()
        .map(|(w, t)| (w.as_str(), Key::Word(w, t)))
        .chain(
            built
                .terms
                .iter()
                .map(|(t, p)| (t.as_str(), Key::Term(t, p))),
        )
        .collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let mut starts = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let mut terms: Vec<&str> = Vec::new();
    let mut size = 0;
    let flush = |words: &mut Vec<&str>,
                 terms: &mut Vec<&str>,
                 files: &mut Vec<(String, Vec<u8>)>,
                 starts: &Vec<String>| {
        let i = starts.len() - 1;
        let text = call("terms", &[json!(i), json!(words), json!(terms)]);
        files.push((format!("{FOLDER}/t{i}.js"), text.into_bytes()));
        words.clear();
        terms.clear();
    };
    for (key, entry) in &keys {
        // Shards start at a term, before it would overflow the target: a large
        // postings list gets a shard of its own, with the words that follow it
        // (which mostly have it as their term).
        let cut = match entry {
            Key::Term(t, p) => size > 0 && size + t.len() + p.len() + 6 > target,
            Key::Word(..) => false,
        };
        if starts.is_empty() || cut {
            if !starts.is_empty() {
                flush(&mut words, &mut terms, files, &starts);
            }
            starts.push(key.to_string());
            size = 0;
        }
        match entry {
            Key::Word(w, t) => {
                size += w.len() + t.len() + 6;
                words.push(w);
                // A word that is its own term is written with an empty term.
                words.push(if w == t { "" } else { t });
            }
            Key::Term(t, p) => {
                size += t.len() + p.len() + 6;
                terms.extend([t, p]);
            }
        }
    }
    if !starts.is_empty() {
        flush(&mut words, &mut terms, files, &starts);
    }
    starts
}

/// A word after its first character: what the words with a typo in their first
/// letter have in common.
fn tail(word: &str) -> &str {
    word.char_indices().nth(1).map_or("", |(i, _)| &word[i..])
}

/// Writes the dictionary's words of 5 letters or more again, sorted by their
/// `tail`, in about `files_wanted` shards (`k<i>.js`,
/// `gouvernailSearch.tails(i, "word word…")`); returns
/// each shard's first tail. The query script reads them only for a word with a
/// typo that the shards of its own first letter cannot correct.
fn write_tail_shards(
    built: &postings::Built,
    files_wanted: f64,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<String> {
    // Typos are looked for in words of 5 letters or more, and not in numbers.
    let mut words: Vec<&str> = built
        .words
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| w.chars().count() >= 5 && !w.bytes().any(|b| b.is_ascii_digit()))
        .collect();
    let total: usize = words.iter().map(|w| w.len() + 1).sum();
    let target = target(total, files_wanted, 12_000);
    words.sort_by(|a, b| tail(a).cmp(tail(b)).then(a.cmp(b)));
    let mut starts: Vec<String> = Vec::new();
    let mut shard: Vec<&str> = Vec::new();
    let mut size = 0;
    let mut write = |starts: &Vec<String>, shard: &mut Vec<&str>| {
        let i = starts.len() - 1;
        // One string of words separated by spaces: no quotes and commas per word.
        let text = call("tails", &[json!(i), json!(shard.join(" "))]);
        files.push((format!("{FOLDER}/k{i}.js"), text.into_bytes()));
        shard.clear();
    };
    for word in words {
        // A shard starts at a new tail, so that the words of one tail are in one.
        let new_tail = shard.last().is_none_or(|last| tail(last) != tail(word));
        if starts.is_empty() || (size + word.len() + 1 > target && new_tail) {
            if !starts.is_empty() {
                write(&starts, &mut shard);
            }
            starts.push(tail(word).to_string());
            size = 0;
        }
        size += word.len() + 1;
        shard.push(word);
    }
    if !starts.is_empty() {
        write(&starts, &mut shard);
    }
    starts
}

/// Writes page-ordered shards of about `total / files` bytes; returns each shard's
/// first page.
fn write_page_shards(
    prefix: &str,
    function: &str,
    texts: Vec<String>,
    files_wanted: f64,
    floor: usize,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<usize> {
    let total: usize = texts.iter().map(|t| t.len() + 1).sum();
    let target = target(total, files_wanted, floor);
    let mut starts = Vec::new();
    let mut shard: Vec<&str> = Vec::new();
    let mut size = 0;
    let mut write = |starts: &Vec<usize>, shard: &mut Vec<&str>| {
        let i = starts.len() - 1;
        let text = format!(
            "gouvernailSearch.{function}({i},{},[{}]);\n",
            starts[i],
            shard.join(",")
        );
        files.push((format!("{FOLDER}/{prefix}{i}.js"), text.into_bytes()));
        shard.clear();
    };
    for (page, text) in texts.iter().enumerate() {
        if starts.is_empty() || size >= target {
            if !starts.is_empty() {
                write(&starts, &mut shard);
            }
            starts.push(page);
            size = 0;
        }
        size += text.len() + 1;
        shard.push(text);
    }
    if !starts.is_empty() {
        write(&starts, &mut shard);
    }
    starts
}

/// A page's head: [title, url, anchor, heading, anchor, heading…] for the sections
/// after the lead. An anchor the query script can derive from its heading
/// (`slug`) is written empty.
fn head(page: &SearchPage) -> String {
    let mut out = vec![page.title.to_string(), page.url.to_string()];
    for section in page.sections.iter().filter(|s| s.anchor.is_some()) {
        let anchor = section.anchor.as_deref().unwrap_or_default();
        out.push(if anchor == slug(&section.heading) {
            String::new()
        } else {
            anchor.to_string()
        });
        out.push(section.heading.clone());
    }
    json_array(&out)
}

/// The anchor the query script derives from a heading: folded, runs of anything but
/// ASCII letters and digits as one `-`.
pub fn slug(heading: &str) -> String {
    let folded = fold(heading);
    let mut out = String::with_capacity(folded.len());
    for part in folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out
}

/// A page's snippet texts, one per section (lead first): each section's start, cut
/// at a word.
fn snippets(page: &SearchPage) -> String {
    let mut budget = SNIPPET_CHARS_PER_PAGE;
    // The lead's snippet starts with the summary.
    let texts: Vec<String> = postings::section_fields(page, "")
        .enumerate()
        .map(|(i, ([_, _, summary], body))| {
            let lead;
            let text = match (i, body.is_empty()) {
                (0, true) => summary,
                (0, false) => {
                    lead = format!("{summary} {body}");
                    &lead
                }
                _ => body,
            };
            let text = cut(text, SNIPPET_CHARS.min(budget));
            budget = budget.saturating_sub(text.chars().count());
            text
        })
        .collect();
    json_array(&texts)
}

/// A JSON array of strings, written straight from them (no `serde_json::Value`).
fn json_array(texts: &[String]) -> String {
    serde_json::to_string(texts).expect("strings always serialise")
}

/// The first `max` characters of `text`, cut after a whole word.
fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    // By bytes (a character starts at each byte but UTF-8's continuation bytes),
    // and not at all when the text has fewer bytes than `max`: every section of
    // every page comes through here.
    let end = (text.len() > max)
        .then(|| {
            let starts = text.bytes().enumerate().filter(|(_, b)| b & 0xC0 != 0x80);
            starts.map(|(at, _)| at).nth(max)
        })
        .flatten();
    match end {
        None => text.to_string(),
        Some(end) => {
            let head = &text[..end];
            let at = head.rfind(char::is_whitespace).unwrap_or(end);
            format!("{}…", head[..at].trim_end())
        }
    }
}

/// A facet: the values pages have, with their labels, in a stable order.
#[derive(Default, Serialize)]
struct Facet {
    ids: Vec<String>,
    labels: Vec<String>,
}

impl Facet {
    fn index(&mut self, id: &str, label: impl FnOnce() -> String) -> usize {
        match self.ids.iter().position(|i| i == id) {
            Some(i) => i,
            None => {
                self.ids.push(id.to_string());
                self.labels.push(label());
                self.ids.len() - 1
            }
        }
    }
}

fn meta(
    pages: &[SearchPage],
    settings: &Settings,
    analyzer: &text::Analyzer,
    term_starts: Vec<String>,
    tail_starts: Vec<String>,
    head_starts: Vec<usize>,
    snippet_starts: Vec<usize>,
) -> (serde_json::Value, serde_json::Value) {
    let label = settings.label;
    let mut kinds = Facet::default();
    for kind in Kind::ALL {
        kinds.index(kind.id(), || label(&format!("kinds_{}", kind.id())));
    }
    let mut sizes = Facet::default();
    for size in crate::model::Size::ALL {
        sizes.index(size.id(), || label(&format!("size_{}", size.id())));
    }
    let mut sectors = Facet::default();
    for sector in crate::model::Sector::ALL {
        sectors.index(sector.id(), || label(&format!("sector_{}", sector.id())));
    }
    let mut roles = Facet::default();
    let mut tags = Facet::default();
    // Pages share few combinations of facet values: each is written once.
    let mut combos: Vec<serde_json::Value> = Vec::new();
    let mut combo_of = BTreeMap::new();
    let mut page_combos = Vec::with_capacity(pages.len());
    for page in pages {
        let mut role_ids: Vec<usize> = page
            .roles
            .iter()
            .map(|r| roles.index(r, || (settings.role_title)(r)))
            .collect();
        role_ids.sort_unstable();
        role_ids.dedup();
        let tag_ids: Vec<usize> = page
            .tags
            .iter()
            .map(|t| tags.index(t, || t.clone()))
            .collect();
        let combo = json!([
            kinds.index(page.kind.id(), String::new),
            bits(page.sizes.members().map(|m| m.index())),
            bits(page.sectors.members().map(|m| m.index())),
            role_ids,
            tag_ids,
        ]);
        let key = combo.to_string();
        let next = combos.len();
        let index = *combo_of.entry(key).or_insert_with(|| {
            combos.push(combo);
            next
        });
        page_combos.push(index);
    }
    let mut combo_code = String::new();
    for c in page_combos {
        postings::varint(c, &mut combo_code);
    }
    let labels: BTreeMap<&str, String> = UI_LABELS.iter().map(|k| (*k, label(k))).collect();
    let meta = json!({
        "version": VERSION,
        "language": settings.language.code(),
        // The constants the encoder used, so that the query script does not write
        // them again: varint digits, elided words, the score of each level.
        "varint": {
            "last": std::str::from_utf8(postings::LAST).expect("ASCII digits"),
            "more": std::str::from_utf8(postings::MORE).expect("ASCII digits"),
        },
        "elisions": text::ELISIONS,
        "scores": postings::level_scores(),
        "stop": analyzer.stop_words(),
        // Derivations the stemmer leaves apart (`from` term → `to` term), and the
        // synonyms as written: the query script reduces them to terms itself.
        "derive": analyzer.derivations(),
        "synonyms": settings.synonyms.groups,
        "expansions": settings.synonyms.expansions,
        "pages": pages.len(),
        "terms": term_starts,
        "tails": tail_starts,
        "heads": head_starts,
        "snippets": snippet_starts,
        "labels": labels,
    });
    let facets = json!({
        "facets": { "kind": kinds, "size": sizes, "sector": sectors, "role": roles, "tag": tags },
        "combos": combos,
        "pageCombos": combo_code,
    });
    (meta, facets)
}

fn bits(indexes: impl Iterator<Item = usize>) -> u32 {
    indexes.fold(0, |b, i| b | 1 << i)
}

/// The search index stage: the index of a library's pages, with their rendered
/// bodies' sections (by index in the library) and each playbook step as a section
/// of its own. The files it returns go under `search/`.
pub fn index(
    library: &Library,
    bodies: &[Body],
    synonyms: &synonyms::Synonyms,
    cache: Option<&SectionCache>,
) -> Vec<(String, Vec<u8>)> {
    use crate::model::KindData;
    let pages: Vec<SearchPage> = library
        .pages
        .iter()
        .zip(bodies)
        .map(|(page, body)| {
            let doc = &page.doc;
            let mut sections: Vec<Cow<Section>> = body.sections.iter().map(Cow::Borrowed).collect();
            let mut roles: Vec<&str> = Vec::new();
            match &doc.data {
                KindData::Playbook(p) => {
                    roles.extend(p.audience.iter().map(String::as_str));
                    for step in &p.steps {
                        roles.extend(step_roles(step).into_iter().map(|(_, role)| role));
                        let mut text = step.description.clone().unwrap_or_default();
                        let actions = step.actions.iter().map(|a| &a.text);
                        for line in actions.chain(&step.deliverables) {
                            text.push(' ');
                            text.push_str(line);
                        }
                        sections.push(Cow::Owned(Section {
                            anchor: Some(urls::step_anchor(&step.id)),
                            heading: step.title.clone(),
                            text,
                        }));
                    }
                }
                KindData::Role(_) => roles.push(&doc.id),
                _ => {}
            }
            if let Some(owner) = &doc.common.owner {
                roles.push(owner);
            }
            roles.retain(|r| library.is_role(r));
            SearchPage {
                url: &page.url,
                title: &doc.common.title,
                summary: &doc.common.summary,
                kind: doc.kind,
                sizes: doc.common.sizes,
                sectors: doc.common.sectors,
                roles,
                tags: &doc.common.tags,
                sections,
            }
        })
        .collect();
    let label = |key: &str| library.labels.get(key).to_string();
    let role_title = |id: &str| {
        library
            .catalogue
            .known
            .get(id)
            .map_or_else(|| id.to_string(), |(title, _)| title.clone())
    };
    // A heading's aliases join its text as a group of synonyms.
    let mut synonyms = synonyms.clone();
    for (page, body) in library.pages.iter().zip(bodies) {
        for (anchor, aliases) in &page.doc.common.search_aliases {
            if let Some(heading) = body.headings.iter().find(|h| &h.id == anchor) {
                synonyms.add_aliases(&heading.text, aliases);
            }
        }
    }
    build(
        &pages,
        &Settings {
            language: library.language(),
            label: &label,
            role_title: &role_title,
            synonyms: &synonyms,
        },
        cache,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_heading_ids_of_plain_headings() {
        assert_eq!(slug("Sécurité des données"), "securite-des-donnees");
        assert_eq!(slug("  Étape 2 : l’œuvre "), "etape-2-l-oeuvre");
    }

    /// The JSON argument of `gouvernailSearch.<name>(…);` in the built file `name`.
    fn file_json(files: &[(String, Vec<u8>)], name: &str) -> serde_json::Value {
        let (_, bytes) = files
            .iter()
            .find(|(path, _)| path == &format!("{FOLDER}/{name}"))
            .unwrap_or_else(|| panic!("no {name}"));
        let text = std::str::from_utf8(bytes).unwrap();
        let start = text.find('(').unwrap() + 1;
        let end = text.rfind(");").unwrap();
        serde_json::from_str(&format!("[{}]", &text[start..end])).unwrap()
    }

    fn one_page_index() -> Vec<(String, Vec<u8>)> {
        index_of_text("l'équipe budgète le budget")
    }

    fn index_of_text(text: &str) -> Vec<(String, Vec<u8>)> {
        let sections = vec![Cow::Owned(Section {
            anchor: None,
            heading: String::new(),
            text: text.into(),
        })];
        let pages = [SearchPage {
            url: "a.html",
            title: "Budget",
            summary: "",
            kind: Kind::Page,
            sizes: Default::default(),
            sectors: Default::default(),
            roles: Vec::new(),
            tags: &[],
            sections,
        }];
        let label = |key: &str| key.to_string();
        let role_title = |id: &str| id.to_string();
        build(
            &pages,
            &Settings {
                language: Language::Fr,
                label: &label,
                role_title: &role_title,
                synonyms: &synonyms::Synonyms::default(),
            },
            None,
        )
    }

    #[test]
    fn meta_names_the_other_files_by_a_hash_that_changes_with_them() {
        let hash = |files: &[(String, Vec<u8>)]| file_json(files, "meta.js")[0]["files"].clone();
        let (one, same) = (one_page_index(), one_page_index());
        let other = index_of_text("l'équipe budgète le budget de l'année");
        assert!(
            hash(&one).as_str().is_some_and(|h| h.len() == 8),
            "{}",
            hash(&one)
        );
        assert_eq!(hash(&one), hash(&same));
        assert_ne!(hash(&one), hash(&other));
    }

    #[test]
    fn meta_carries_the_constants_the_encoder_used() {
        let files = one_page_index();
        let meta = &file_json(&files, "meta.js")[0];
        assert_eq!(meta["version"], json!(VERSION));
        assert_eq!(meta["elisions"], json!(text::ELISIONS));
        let last = meta["varint"]["last"].as_str().unwrap();
        let more = meta["varint"]["more"].as_str().unwrap();
        assert_eq!(last.as_bytes(), postings::LAST);
        assert_eq!(more.as_bytes(), postings::MORE);
        let scores: Vec<f64> = serde_json::from_value(meta["scores"].clone()).unwrap();
        let encoder = postings::level_scores();
        assert_eq!(scores.len(), encoder.len());
        for (l, (&shipped, &own)) in scores.iter().zip(&encoder).enumerate().skip(1) {
            assert!(
                (shipped - own).abs() < 1e-12,
                "level {l}: {shipped} for {own}"
            );
            assert_eq!(
                postings::level(shipped),
                l,
                "meta's score of level {l} encodes as {l}"
            );
        }
        // The postings decode with meta's digits alone: the one page (0, a gap of
        // 1), a level meta has a score for, in the lead (section 0).
        let shard = file_json(&files, "t0.js");
        let terms = shard[2].as_array().unwrap();
        let at = terms.iter().position(|t| t == "budget").unwrap();
        let code = terms[at + 1].as_str().unwrap();
        let (mut values, mut v, mut scale) = (Vec::new(), 0, 1);
        for c in code.chars() {
            match (more.find(c), last.find(c)) {
                (Some(d), _) => {
                    v += d * scale;
                    scale *= more.len();
                }
                (None, Some(d)) => {
                    values.push(v + d * scale);
                    (v, scale) = (0, 1);
                }
                (None, None) => panic!("{c:?} is not one of meta's digits"),
            }
        }
        assert_eq!(values.len(), 1, "{code:?}");
        let (gap, level, section) = (values[0] / 128 + 1, (values[0] / 8) % 16 + 1, values[0] % 8);
        assert_eq!((gap, section), (1, 0));
        assert!(scores[level] > 0.0);
    }

    #[test]
    fn the_query_script_reads_this_version() {
        let script = include_str!("../../theme/search.js");
        let wanted = format!("const INDEX_VERSION = {VERSION};");
        assert!(
            script.contains(&wanted),
            "theme/search.js must declare `{wanted}`: bump both sides together"
        );
    }

    #[test]
    fn cut_keeps_whole_words() {
        assert_eq!(cut("un deux trois", 7), "un…");
        assert_eq!(cut("court", 20), "court");
        // Counted in characters, not bytes: five accented letters are ten bytes.
        assert_eq!(cut("éééé é", 5), "éééé…");
        assert_eq!(cut("ééééé", 5), "ééééé");
        assert_eq!(cut("  élan  ", 4), "élan");
    }
}
