//! The library: the tailored pages of one edition, each with its URL, indexed by id,
//! by path and by kind. It is what the render stages read; it holds no HTML and no
//! view (those are `views`), and asks `urls` for every URL and anchor.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::edition::{Language, Settings};
use crate::i18n::Labels;
use crate::model::*;
use crate::tailor::{Audience, Tailored, TailoredBody};
use crate::urls;

/// A page of the edition after tailoring, with its place in the site.
pub struct Page {
    pub doc: Arc<Document>,
    pub body: Arc<TailoredBody>,
    /// Relative to the site's root.
    pub url: String,
    /// The anchors the templates draw (steps, clauses, questions); heading ids are
    /// known once the body is rendered.
    pub anchors: HashSet<String>,
}

/// What is known of every page that was read, built or not: a link to a page that
/// this edition leaves out, or that failed to parse, is not a broken link.
#[derive(Default)]
pub struct Catalogue {
    /// Every parsed page by id: its title and kind.
    pub known: HashMap<String, (String, Kind)>,
    /// Every parsed page's id by its path under content/.
    pub by_path: HashMap<String, String>,
    /// The ids (file stems) of the pages that are not built: they did not parse, or
    /// the edition's `exclude:` hides them.
    pub unparsed: HashSet<String>,
    /// The paths under content/ of the files the edition's `exclude:` hides.
    pub excluded: std::collections::BTreeSet<String>,
    /// The files under content/ that are not pages (images, attachments), by path
    /// under content/: the site copies them, and links may name them.
    pub files: HashSet<String>,
    /// For each role that another holds at some sizes (`by_size.<size>.held_by`),
    /// the holder's id by size.
    pub held_by: HashMap<String, BTreeMap<Size, String>>,
}

impl Catalogue {
    pub fn new(
        documents: &[Arc<Document>],
        unparsed: HashSet<String>,
        excluded: std::collections::BTreeSet<String>,
        files: HashSet<String>,
    ) -> Catalogue {
        Catalogue {
            known: documents
                .iter()
                .map(|d| (d.id.clone(), (d.common.title.clone(), d.kind)))
                .collect(),
            by_path: documents
                .iter()
                .map(|d| (d.rel_path.clone(), d.id.clone()))
                .collect(),
            unparsed,
            excluded,
            files,
            held_by: documents
                .iter()
                .filter_map(|d| match &d.data {
                    KindData::Role(role) => Some((d.id.clone(), holders(role))),
                    _ => None,
                })
                .filter(|(_, holders)| !holders.is_empty())
                .collect(),
        }
    }
}

/// The roles that hold `role` at some sizes, by size.
pub fn holders(role: &Role) -> BTreeMap<Size, String> {
    role.by_size
        .iter()
        .filter_map(|(size, h)| Some((*size, h.held_by.clone()?)))
        .collect()
}

/// The corpus of one edition, indexed.
pub struct Library<'a> {
    pub settings: &'a Settings,
    pub labels: &'a Labels,
    pub audience: Audience,
    pub pages: Vec<Page>,
    pub catalogue: Catalogue,
    /// Built pages by id.
    pub by_id: HashMap<String, usize>,
    /// Built pages of each kind, in display order (weight, then title).
    pub by_kind: BTreeMap<Kind, Vec<usize>>,
    /// Each built page's place in its kind's list (for previous / next).
    pub place_in_kind: Vec<usize>,
    /// The build's date (the files beside the pages carry it).
    pub date: chrono::NaiveDate,
}

impl<'a> Library<'a> {
    pub fn new(
        settings: &'a Settings,
        labels: &'a Labels,
        audience: Audience,
        tailored: Vec<Tailored>,
        catalogue: Catalogue,
        date: chrono::NaiveDate,
    ) -> Self {
        let pages: Vec<Page> = tailored
            .into_iter()
            .map(|(doc, body)| Page {
                url: urls::page(settings.language, doc.kind, &doc.id),
                anchors: drawn_anchors(&doc),
                doc,
                body,
            })
            .collect();
        let by_id = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.doc.id.clone(), i))
            .collect();
        let mut by_kind: BTreeMap<Kind, Vec<usize>> = BTreeMap::new();
        for (i, page) in pages.iter().enumerate() {
            by_kind.entry(page.doc.kind).or_default().push(i);
        }
        for list in by_kind.values_mut() {
            list.sort_by(|a, b| {
                let (a, b) = (&pages[*a].doc.common, &pages[*b].doc.common);
                a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title))
            });
        }
        let mut place_in_kind = vec![0; pages.len()];
        for list in by_kind.values() {
            for (place, &i) in list.iter().enumerate() {
                place_in_kind[i] = place;
            }
        }
        Library {
            settings,
            labels,
            audience,
            pages,
            catalogue,
            by_id,
            by_kind,
            place_in_kind,
            date,
        }
    }

    pub fn language(&self) -> Language {
        self.settings.language
    }

    /// The built pages of `kind`, in display order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Page> {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.pages[i])
    }

    /// The fingerprint of all a link's resolution reads (see `links::resolve`)
    /// beyond its own page: every built page's id and URL, in order (so that equal
    /// fingerprints give the same indices), and every page, file and unparsed page
    /// known. A body kept from a build with the same one has its links as they
    /// were.
    pub fn links_fingerprint(&self) -> u64 {
        fn sorted<'s>(items: impl Iterator<Item = &'s String>) -> Vec<&'s String> {
            let mut items: Vec<&String> = items.collect();
            items.sort_unstable();
            items
        }
        let catalogue = &self.catalogue;
        let mut by_path: Vec<(&String, &String)> = catalogue.by_path.iter().collect();
        by_path.sort_unstable();
        let mut fingerprint = crate::fingerprint::Fingerprint::new();
        for page in &self.pages {
            fingerprint = fingerprint.with(&page.doc.id).with(&page.url);
        }
        fingerprint
            .with(&by_path)
            .with(&sorted(catalogue.known.keys()))
            .with(&sorted(catalogue.unparsed.iter()))
            .with(&sorted(catalogue.files.iter()))
            .finish()
    }

    /// Every tag with the built pages that carry it, by its page's file name:
    /// spellings that differ only where the file name does not (« cas d'usage »,
    /// « cas d’usage ») are one tag, shown as first written in display order.
    pub fn tags(&self) -> BTreeMap<String, (&str, Vec<usize>)> {
        let mut tags: BTreeMap<String, (&str, Vec<usize>)> = BTreeMap::new();
        for list in self.by_kind.values() {
            for &i in list {
                for tag in &self.pages[i].doc.common.tags {
                    let (_, pages) = tags.entry(urls::tag_slug(tag)).or_insert((tag, Vec::new()));
                    if pages.last() != Some(&i) {
                        pages.push(i);
                    }
                }
            }
        }
        tags
    }

    /// Whether `id` names a built role card.
    pub fn is_role(&self, id: &str) -> bool {
        self.by_id
            .get(id)
            .is_some_and(|&i| self.pages[i].doc.kind == Kind::Role)
    }
}

/// The anchors a page's template draws: its steps, clauses with an id, questions.
fn drawn_anchors(doc: &Document) -> HashSet<String> {
    match &doc.data {
        KindData::Playbook(p) => p.steps.iter().map(|s| urls::step_anchor(&s.id)).collect(),
        KindData::Charter(c) => c
            .clauses
            .iter()
            .filter_map(|c| c.id.as_deref())
            .map(urls::clause_anchor)
            .collect(),
        KindData::Assessment(a) => a
            .questions
            .iter()
            .map(|q| urls::question_anchor(&q.id))
            .chain(a.outcomes.iter().map(|o| urls::outcome_anchor(&o.id)))
            .collect(),
        _ => HashSet::new(),
    }
}

/// The (letter, role) pairs of a step, in RACI order.
pub fn step_roles(step: &Step) -> Vec<(char, &str)> {
    let mut pairs = Vec::new();
    for (letter, ids) in [
        ('R', &step.responsible),
        ('A', &step.accountable),
        ('C', &step.consulted),
        ('I', &step.informed),
    ] {
        pairs.extend(ids.iter().map(|id| (letter, id.as_str())));
    }
    pairs
}
