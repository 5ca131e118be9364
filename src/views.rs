//! Views: the typed data each template receives, serialised apart from the library
//! (`library`) they are built from: a content page of each kind, a card in a list,
//! the site's frame, the home page's "where to start", the RACI matrix.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::bodies::Body;
use crate::library::{step_roles, Library};
use crate::links;
use crate::markdown::{self, Heading};
use crate::model::*;
use crate::urls;

/// A reference to a page as templates show it.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub id: String,
    pub title: String,
    /// None when the page is not part of this edition.
    pub url: Option<String>,
    pub kind: Option<Kind>,
    /// For a role that another holds at some sizes: who, and at which sizes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holdings: Vec<Holding>,
    /// With holdings, in the generic edition: the sizes where the role is its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub own_sizes: Vec<&'static str>,
}

/// A role held by another at some sizes (« Direction générale (rôle de sponsor
/// exécutif) »): the holder, and the role's name as the phrase puts it.
#[derive(Clone, Debug, Serialize)]
pub struct Holding {
    /// The sizes it applies to; empty in an edition tailored to one size.
    pub sizes: Vec<&'static str>,
    pub holder_id: String,
    pub holder_title: String,
    pub holder_url: Option<String>,
    /// « rôle de », or « rôles de » when one holder holds several roles of a list.
    pub joiner: String,
    pub roles: Vec<HeldRole>,
}

/// A role as a holding names it: « sponsor exécutif », linked to its card if built.
#[derive(Clone, Debug, Serialize)]
pub struct HeldRole {
    pub name: String,
    pub url: Option<String>,
}

/// A cited source, marked with the audiences it is cited for.
#[derive(Serialize)]
pub struct SourceView<'a> {
    pub title: &'a str,
    pub reference: &'a str,
    pub locator: Option<&'a str>,
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
}

/// A page as a card in a list.
#[derive(Clone, Debug, Serialize)]
pub struct Card {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub summary: String,
    pub url: String,
    /// Empty when the page applies to every size (or sector).
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
    pub tags: Vec<String>,
    pub claim: Option<String>,
    pub verdict: Option<Verdict>,
    pub fact: Option<String>,
}

/// What every template receives about the site.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    /// What tells this edition from others in a reader's browser, where the
    /// reader's choices are kept: two editions on one intranet, or opened from one
    /// disk, share the browser's storage. A hash of the language, the title and the
    /// organisation's name, so that it stays the same from build to build.
    pub edition_id: String,
    pub language: &'static str,
    pub org: OrgView<'a>,
    /// The size and sector the edition is tailored to; none means every variant is in
    /// the pages, marked, for the reader to choose.
    pub size: Option<&'static str>,
    pub sector: Option<&'static str>,
    pub sizes: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub nav: Vec<NavItem>,
    pub search_enabled: bool,
    pub logo: Option<String>,
    pub favicon: Option<String>,
    pub raci_url: &'static str,
    /// The RACI's workbook and CSV, when the edition's `exports:` writes them.
    pub raci_xlsx_url: Option<&'static str>,
    pub raci_csv_url: Option<&'static str>,
    /// The whole site as one zip, when the edition's `exports:` writes it.
    pub archive_url: Option<String>,
    pub print_url: &'static str,
    pub tags_url: String,
    /// The full search page (the search box's form goes there).
    pub search_url: String,
    pub base_url: &'a str,
    pub version: &'static str,
    /// The Content-Security-Policy every page states in a meta tag; none under
    /// `raw_html: allow`.
    pub csp: Option<&'static str>,
}

#[derive(Serialize)]
pub struct OrgView<'a> {
    pub name: Option<&'a str>,
    pub contacts: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
pub struct Choice {
    pub id: &'static str,
    pub label: String,
}

#[derive(Serialize)]
pub struct NavItem {
    pub kind: Kind,
    pub label: String,
    pub url: String,
    pub count: usize,
}

/// A content page, as its template receives it.
#[derive(Serialize)]
pub struct PageView<'a> {
    pub id: &'a str,
    pub kind: Kind,
    pub kind_label: String,
    pub section_url: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub url: &'a str,
    pub content: &'a str,
    /// Whether the content holds highlighted code (and so needs the code colours).
    pub has_code: bool,
    pub toc: &'a [Heading],
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
    pub tags: Vec<TagLink>,
    pub phases: &'a [String],
    /// The figures the handbook proposes (`duration`, `phases`, `time`).
    pub suggested: &'a [String],
    pub owner: Option<Link>,
    pub reviewed: Option<String>,
    pub next_review: Option<String>,
    pub overdue: bool,
    pub sources: Vec<SourceView<'a>>,
    pub related: Vec<Link>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub playbook: Option<PlaybookView<'a>>,
    pub charter: Option<CharterView<'a>>,
    pub role: Option<RoleView<'a>>,
    pub myth: Option<&'a Myth>,
    pub comms: Option<CommsView<'a>>,
    pub case: Option<&'a Case>,
    pub assessment: Option<AssessmentView<'a>>,
}

/// Where a page of a generated list sits among the list's pages. A list that fits
/// on one page has `count` 1 and templates show no navigation.
#[derive(Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub number: usize,
    pub count: usize,
    /// The cards of the whole list, over every page.
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Every page of the list: its number and URL.
    pub pages: Vec<(usize, String)>,
}

impl Pagination {
    /// Page `number` of `count` of the list whose first page is `first`.
    pub fn new(first: &str, number: usize, count: usize, total: usize) -> Pagination {
        let url = |n: usize| urls::list_page(first, n);
        Pagination {
            number,
            count,
            total,
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < count).then(|| url(number + 1)),
            pages: (1..=count).map(|n| (n, url(n))).collect(),
        }
    }
}

#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct PlaybookView<'a> {
    pub audience: Vec<Link>,
    pub duration: Option<&'a str>,
    pub prerequisites: Vec<Link>,
    pub steps: Vec<StepView<'a>>,
    /// Roles of the playbook, in RACI order of first appearance, with their letters per step.
    pub raci_roles: Vec<Link>,
    pub raci_rows: Vec<RaciRow>,
}

#[derive(Serialize)]
pub struct StepView<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub duration: Option<&'a str>,
    pub actions: &'a [Action],
    pub responsible: Vec<Link>,
    pub accountable: Vec<Link>,
    pub consulted: Vec<Link>,
    pub informed: Vec<Link>,
    pub deliverables: Vec<Link>,
    pub gate: Option<&'a str>,
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct RaciRow {
    /// As HTML.
    pub label: String,
    pub anchor: Option<String>,
    pub link: Option<Link>,
    /// One cell per role column: its letters ("R", "A C"…), empty when none.
    pub cells: Vec<String>,
}

#[derive(Serialize)]
pub struct CharterView<'a> {
    pub clauses: Vec<ClauseView<'a>>,
    pub variables: Vec<VariableView<'a>>,
    pub signatories: Vec<Link>,
    pub approved_by: Vec<Link>,
    pub consulted: Vec<Link>,
    pub download_url: String,
    /// The Word document, when the edition's `exports:` writes it.
    pub word_url: Option<String>,
}

#[derive(Serialize)]
pub struct ClauseView<'a> {
    pub anchor: Option<String>,
    pub rule: Rule,
    pub text: &'a str,
    pub condition: Option<&'a str>,
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct VariableView<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub example: Option<&'a str>,
    pub value: Option<String>,
}

#[derive(Serialize)]
pub struct RoleView<'a> {
    pub short: Option<&'a str>,
    pub mission: &'a str,
    pub responsibilities: &'a [String],
    pub skills: &'a [String],
    pub reports_to: Option<Link>,
    pub by_size: Vec<SizeHolder<'a>>,
    pub legal_basis: Vec<BasisView<'a>>,
    pub involvement: Vec<Involvement>,
}

#[derive(Serialize)]
pub struct SizeHolder<'a> {
    pub size: &'static str,
    pub label: &'a str,
    pub holder: &'a str,
    pub time: Option<&'a str>,
    /// The role that holds this one at this size.
    pub held_by: Option<Link>,
}

/// A legal basis of a role, marked with the audiences it applies to.
#[derive(Serialize)]
pub struct BasisView<'a> {
    pub text: &'a str,
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
}

/// A step where a role is R, A, C or I.
#[derive(Clone, Serialize)]
pub struct Involvement {
    pub playbook: Link,
    pub step_title: String,
    pub step_url: String,
    pub letters: String,
}

#[derive(Serialize)]
pub struct CommsView<'a> {
    pub objective: &'a str,
    pub trigger: Option<&'a str>,
    pub audiences: Vec<Link>,
    pub phases: Vec<CommsPhaseView<'a>>,
    pub kpis: &'a [String],
    pub holding_statement: Option<&'a str>,
    /// The audience × phase matrix: one row per audience, one cell per phase.
    pub matrix: Vec<MatrixRow>,
    /// The timeline's drawing, in SVG user units.
    pub timeline: Timeline,
}

/// The geometry of a communication plan's timeline, drawn as SVG at build time: the
/// phases along horizontal axes of at most `PER_ROW` phases each, so that a long plan
/// wraps instead of shrinking its text. Phase `i` sits at `points[i]`.
#[derive(Serialize)]
pub struct Timeline {
    pub width: u32,
    pub height: u32,
    /// Each axis: (x1, x2, y).
    pub axes: Vec<(u32, u32, u32)>,
    pub points: Vec<(u32, u32)>,
}

impl Timeline {
    const PER_ROW: u32 = 4;
    const STEP: u32 = 170;
    const ROW: u32 = 140;
    const MARGIN: u32 = 20;

    pub fn new(phases: usize) -> Timeline {
        let n = phases as u32;
        let columns = n.clamp(1, Self::PER_ROW);
        let rows = n.div_ceil(Self::PER_ROW).max(1);
        let width = columns * Self::STEP + 2 * Self::MARGIN;
        let points = (0..n)
            .map(|i| {
                let x = Self::MARGIN + (i % Self::PER_ROW) * Self::STEP + Self::STEP / 2;
                let y = (i / Self::PER_ROW) * Self::ROW + 50;
                (x, y)
            })
            .collect();
        let axes = (0..rows)
            .map(|r| {
                let in_row = (n - r * Self::PER_ROW).min(Self::PER_ROW);
                let end = if r + 1 < rows {
                    width - Self::MARGIN / 2
                } else {
                    Self::MARGIN + in_row * Self::STEP
                };
                (Self::MARGIN / 2, end, r * Self::ROW + 50)
            })
            .collect();
        Timeline {
            width,
            height: rows * Self::ROW,
            axes,
            points,
        }
    }
}

#[derive(Serialize)]
pub struct CommsPhaseView<'a> {
    pub when: &'a str,
    pub title: Option<&'a str>,
    /// The title cut into short lines for the timeline drawn in SVG (SVG text does
    /// not wrap by itself).
    pub title_lines: Vec<String>,
    pub owner: Option<Link>,
    pub audiences: Vec<Link>,
    pub channels: &'a [String],
    pub messages: &'a [String],
}

#[derive(Serialize)]
pub struct MatrixRow {
    pub audience: Link,
    pub cells: Vec<bool>,
}

#[derive(Serialize)]
pub struct AssessmentView<'a> {
    pub questions: &'a [Question],
    pub bands: Vec<BandView<'a>>,
    pub max_score: i64,
    /// A routed assessment: where each option leads, by question then option.
    pub routed: bool,
    pub routes: Vec<Vec<Route<'a>>>,
    pub outcomes: Vec<OutcomeView<'a>>,
}

/// Where an option of a routed assessment leads: a question's or an outcome's
/// anchor, and what the page says of it (« question 3 », the outcome's verdict).
#[derive(Serialize)]
pub struct Route<'a> {
    pub anchor: String,
    pub to_outcome: bool,
    pub label: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
pub struct OutcomeView<'a> {
    pub id: &'a str,
    pub anchor: String,
    pub verdict: &'a str,
    pub advice: Option<&'a str>,
    pub recommended: Vec<Link>,
}

#[derive(Serialize)]
pub struct BandView<'a> {
    pub min: i64,
    pub max: i64,
    pub verdict: &'a str,
    pub advice: Option<&'a str>,
    pub recommended: Vec<Link>,
}

/// The home page's "where to start": the pages a reader picks by size, sector and
/// role, each marked with what it applies to.
#[derive(Serialize)]
pub struct StartView {
    /// Roles to choose from.
    pub roles: Vec<Link>,
    /// Playbooks, charters and role cards, in that order, each group in display order.
    pub groups: Vec<StartGroup>,
    /// The pages to point every reader to first: the first self-diagnostic and the
    /// first general page (the introduction).
    pub highlights: Vec<Link>,
}

#[derive(Serialize)]
pub struct StartGroup {
    pub kind: Kind,
    pub label: String,
    pub url: String,
    pub pages: Vec<StartItem>,
}

#[derive(Serialize)]
pub struct StartItem {
    pub title: String,
    pub url: String,
    pub sizes: Vec<&'static str>,
    pub sectors: Vec<&'static str>,
    /// The roles the page concerns: a playbook's audience and RACI roles, a
    /// charter's signatories and adoption roles, a role card's own role.
    pub roles: Vec<String>,
}

/// The views of one edition's library, as templates receive them.
pub struct Views<'a> {
    pub library: &'a Library<'a>,
    /// Each page's body, by index, with its rendered fields.
    bodies: &'a [Body],
    /// For each role, the playbook steps where it is R, A, C or I.
    involvement: HashMap<String, Vec<Involvement>>,
}

impl<'a> Views<'a> {
    pub fn new(library: &'a Library<'a>, bodies: &'a [Body]) -> Self {
        let mut views = Views {
            library,
            bodies,
            involvement: HashMap::new(),
        };
        views.involvement = views.compute_involvement();
        views
    }

    /// A link to page `id`; a role that another holds at some sizes names its
    /// holder there.
    pub fn link(&self, id: &str) -> Link {
        let mut link = self.plain_link(id);
        let Some(held) = self.library.catalogue.held_by.get(id) else {
            return link;
        };
        let joiner = self.library.labels.get("in_role_of").to_string();
        let role = HeldRole {
            name: lower_first(&link.title),
            url: link.url.clone(),
        };
        let holding = |sizes: Vec<&'static str>, holder: &str| {
            let holder = self.plain_link(holder);
            Holding {
                sizes,
                holder_id: holder.id,
                holder_title: holder.title,
                holder_url: holder.url,
                joiner: joiner.clone(),
                roles: vec![role.clone()],
            }
        };
        match self.library.audience.size {
            Some(size) => link
                .holdings
                .extend(held.get(&size).map(|h| holding(Vec::new(), h))),
            None => {
                // One holding per holder, with the sizes where it holds the role.
                let mut by_holder: Vec<(&str, Vec<&'static str>)> = Vec::new();
                for (size, holder) in held {
                    match by_holder.iter_mut().find(|(h, _)| h == holder) {
                        Some((_, sizes)) => sizes.push(size.id()),
                        None => by_holder.push((holder, vec![size.id()])),
                    }
                }
                link.own_sizes = Size::ALL
                    .iter()
                    .filter(|s| !held.contains_key(s))
                    .map(|s| s.id())
                    .collect();
                link.holdings = by_holder
                    .into_iter()
                    .map(|(holder, sizes)| holding(sizes, holder))
                    .collect();
            }
        }
        link
    }

    /// A link to page `id` as it is, holder or not.
    fn plain_link(&self, id: &str) -> Link {
        match self.library.by_id.get(id) {
            Some(&i) => {
                let page = &self.library.pages[i];
                Link {
                    id: id.to_string(),
                    title: page.doc.common.title.clone(),
                    url: Some(page.url.clone()),
                    kind: Some(page.doc.kind),
                    holdings: Vec::new(),
                    own_sizes: Vec::new(),
                }
            }
            None => {
                let (title, kind) = self
                    .library
                    .catalogue
                    .known
                    .get(id)
                    .cloned()
                    .map_or((id.to_string(), None), |(t, k)| (t, Some(k)));
                Link {
                    id: id.to_string(),
                    title,
                    url: None,
                    kind,
                    holdings: Vec::new(),
                    own_sizes: Vec::new(),
                }
            }
        }
    }

    /// An inline field of page `i` as HTML on a page whose way back to the site's
    /// root is `root` (its problems were reported when the bodies rendered).
    fn inline_at(&self, i: usize, text: &str, root: &str) -> String {
        let library = self.library;
        let resolve = |dest: &str, _: usize| links::resolve_at(library, i, root, dest);
        markdown::render_inline(text, &resolve, library.settings.raw_html).html
    }

    /// An inline field as HTML with its links' text only (inside another link).
    fn inline_unlinked(&self, text: &str) -> String {
        let unlinked = |_: &str, _: usize| markdown::LinkTarget::Unlinked;
        markdown::render_inline(text, &unlinked, self.library.settings.raw_html).html
    }

    /// Links to pages `ids`. In an edition of one size, a holder is named once for
    /// all the roles of the list it holds, and for itself if the list names it too:
    /// « Direction générale (rôles de délégué à la protection des données, DSI) ».
    pub fn links(&self, ids: &[String]) -> Vec<Link> {
        let mut links: Vec<Link> = Vec::new();
        for id in ids {
            let link = self.link(id);
            let holder_of = |l: &Link| match l.holdings.as_slice() {
                [h] if h.sizes.is_empty() => Some(h.holder_id.clone()),
                _ => None,
            };
            if let Some(holder) = holder_of(&link) {
                let same = links.iter_mut().find(|l| {
                    holder_of(l).as_ref() == Some(&holder)
                        || (l.holdings.is_empty() && l.id == holder)
                });
                if let Some(same) = same {
                    if same.holdings.is_empty() {
                        // The holder, named plainly before: it now names the role too.
                        *same = link;
                    } else {
                        same.holdings[0]
                            .roles
                            .extend(link.holdings[0].roles.clone());
                        same.holdings[0].joiner =
                            self.library.labels.get("in_roles_of").to_string();
                    }
                    continue;
                }
            } else if links.iter().any(|l| holder_of(l).as_deref() == Some(id)) {
                continue; // the holder, already named with the role it holds
            }
            links.push(link);
        }
        links
    }

    /// A role id or a free label (« médias ») as a link when it names a page.
    fn label_link(&self, text: &str) -> Link {
        if self.library.catalogue.known.contains_key(text) {
            self.link(text)
        } else {
            Link {
                id: String::new(),
                title: text.to_string(),
                url: None,
                kind: None,
                holdings: Vec::new(),
                own_sizes: Vec::new(),
            }
        }
    }

    /// The plural label of a kind ("Procédures").
    pub fn kinds_label(&self, kind: Kind) -> String {
        self.library
            .labels
            .get(&format!("kinds_{}", kind.id()))
            .to_string()
    }

    /// The sizes to mark a variant with, for the reader's switcher: none when the
    /// edition is tailored to one size or the variant applies to all.
    fn size_marks(&self, set: SizeSet) -> Vec<&'static str> {
        marks(set, self.library.audience.size.is_some())
    }

    fn sector_marks(&self, set: SectorSet) -> Vec<&'static str> {
        marks(set, self.library.audience.sector.is_some())
    }

    /// Page `i` as a card of a list whose way back to the site's root is `root`.
    pub fn card(&self, i: usize, root: &str) -> Card {
        let page = &self.library.pages[i];
        let common = &page.doc.common;
        let myth = match &page.doc.data {
            KindData::Myth(m) => Some(m),
            _ => None,
        };
        Card {
            id: page.doc.id.clone(),
            kind: page.doc.kind,
            title: common.title.clone(),
            summary: common.summary.clone(),
            url: page.url.clone(),
            sizes: self.size_marks(common.sizes),
            sectors: self.sector_marks(common.sectors),
            tags: common.tags.clone(),
            claim: myth.map(|m| self.inline_at(i, &m.claim, root)),
            verdict: myth.map(|m| m.verdict),
            fact: myth.map(|m| self.inline_at(i, &m.fact, root)),
        }
    }

    pub fn site_view(&self) -> SiteView<'_> {
        let settings = self.library.settings;
        let language = self.library.language();
        SiteView {
            title: &settings.title,
            language: language.code(),
            org: OrgView {
                name: settings.org.name.as_deref(),
                contacts: &settings.org.contacts,
            },
            size: self.library.audience.size.map(Member::id),
            sector: self.library.audience.sector.map(Member::id),
            sizes: Size::ALL
                .iter()
                .map(|s| Choice {
                    id: s.id(),
                    label: self
                        .library
                        .labels
                        .get(&format!("size_{}", s.id()))
                        .to_string(),
                })
                .collect(),
            sectors: Sector::ALL
                .iter()
                .map(|s| Choice {
                    id: s.id(),
                    label: self
                        .library
                        .labels
                        .get(&format!("sector_{}", s.id()))
                        .to_string(),
                })
                .collect(),
            nav: self
                .library
                .by_kind
                .iter()
                .map(|(kind, pages)| NavItem {
                    kind: *kind,
                    label: self.kinds_label(*kind),
                    url: urls::section(self.library.language(), *kind),
                    count: pages.len(),
                })
                .collect(),
            search_enabled: settings.search_enabled,
            logo: settings.branding.logo.as_ref().map(|l| urls::asset(l)),
            favicon: settings.branding.favicon.as_ref().map(|f| urls::asset(f)),
            edition_id: crate::assets::content_hash(
                format!(
                    "{}\n{}\n{}",
                    language.code(),
                    settings.title,
                    settings.org.name.as_deref().unwrap_or("")
                )
                .as_bytes(),
            ),
            raci_url: urls::raci(language),
            raci_xlsx_url: settings.exports.xlsx.then_some(crate::spreadsheet::XLSX),
            raci_csv_url: settings.exports.csv.then_some(crate::spreadsheet::CSV),
            archive_url: settings
                .exports
                .zip
                .then(|| format!("{}.zip", crate::archive::name(settings, self.library.date))),
            print_url: urls::print(language),
            tags_url: urls::tags_index(language),
            search_url: urls::search(language).to_string(),
            base_url: &settings.base_url,
            version: env!("CARGO_PKG_VERSION"),
            csp: (settings.raw_html != crate::sanitise::RawHtml::Allow)
                .then_some(crate::sanitise::CONTENT_SECURITY_POLICY),
        }
    }

    /// The view of page `i`, with its rendered body.
    pub fn page_view<'v>(
        &'v self,
        i: usize,
        body: &'v Body,
        today: chrono::NaiveDate,
    ) -> PageView<'v> {
        let page = &self.library.pages[i];
        let doc = &page.doc;
        let common = &doc.common;
        let siblings = &self.library.by_kind[&doc.kind];
        let position = self.library.place_in_kind[i];
        let neighbour = |j: Option<&usize>| j.map(|&j| self.link(&self.library.pages[j].doc.id));
        let next_review = common
            .reviewed
            .zip(common.review_every)
            .and_then(|(date, months)| date.checked_add_months(chrono::Months::new(months)));
        PageView {
            id: &doc.id,
            kind: doc.kind,
            kind_label: self
                .library
                .labels
                .get(&format!("kind_{}", doc.kind.id()))
                .to_string(),
            section_url: urls::section(self.library.language(), doc.kind),
            title: &common.title,
            summary: &common.summary,
            url: &page.url,
            content: &body.html,
            has_code: body.highlighted,
            toc: &body.headings,
            sizes: self.size_marks(common.sizes),
            sectors: self.sector_marks(common.sectors),
            tags: common
                .tags
                .iter()
                .map(|t| TagLink {
                    name: t.clone(),
                    url: urls::tag(self.library.language(), t),
                })
                .collect(),
            phases: &common.phases,
            suggested: &common.suggested,
            owner: common.owner.as_deref().map(|o| self.link(o)),
            reviewed: common.reviewed.map(|d| d.to_string()),
            next_review: next_review.map(|d| d.to_string()),
            overdue: next_review.is_some_and(|d| d < today),
            sources: common
                .sources
                .iter()
                .map(|s| SourceView {
                    title: &s.title,
                    reference: &s.reference,
                    locator: s.locator.as_deref(),
                    sizes: self.size_marks(s.sizes),
                    sectors: self.sector_marks(s.sectors),
                })
                .collect(),
            related: common
                .related
                .iter()
                .map(|id| self.link(id))
                .filter(|l| l.url.is_some())
                .collect(),
            previous: neighbour(position.checked_sub(1).and_then(|p| siblings.get(p))),
            next: neighbour(siblings.get(position + 1)),
            playbook: match &body.data {
                KindData::Playbook(p) => Some(self.playbook_view(i, p)),
                _ => None,
            },
            charter: match &body.data {
                KindData::Charter(c) => Some(self.charter_view(c, &page.url)),
                _ => None,
            },
            role: match &body.data {
                KindData::Role(r) => Some(self.role_view(&doc.id, r)),
                _ => None,
            },
            myth: match &body.data {
                KindData::Myth(m) => Some(m),
                _ => None,
            },
            comms: match &body.data {
                KindData::Comms(c) => Some(self.comms_view(c)),
                _ => None,
            },
            case: match &body.data {
                KindData::Case(c) => Some(c),
                _ => None,
            },
            assessment: match &body.data {
                KindData::Assessment(a) => Some(self.assessment_view(a)),
                _ => None,
            },
        }
    }

    /// A playbook's view, from its fields as rendered (`rendered`); the RACI rows
    /// name the steps from their source, since a row's label is itself a link.
    fn playbook_view<'p>(&self, i: usize, rendered: &'p Playbook) -> PlaybookView<'p> {
        let playbook = rendered;
        let steps: Vec<StepView> = playbook
            .steps
            .iter()
            .map(|s| StepView {
                id: &s.id,
                anchor: urls::step_anchor(&s.id),
                title: &s.title,
                description: s.description.as_deref(),
                duration: s.duration.as_deref(),
                actions: &s.actions,
                responsible: self.links(&s.responsible),
                accountable: self.links(&s.accountable),
                consulted: self.links(&s.consulted),
                informed: self.links(&s.informed),
                deliverables: self.links(&s.deliverables),
                gate: s.gate.as_deref(),
                sizes: self.size_marks(s.sizes),
                sectors: self.sector_marks(s.sectors),
            })
            .collect();
        let (role_ids, cells) = playbook_raci(playbook);
        let source_titles: Vec<&str> = match &self.library.pages[i].doc.data {
            KindData::Playbook(p) => p.steps.iter().map(|s| s.title.as_str()).collect(),
            _ => Vec::new(),
        };
        let raci_rows = playbook
            .steps
            .iter()
            .zip(source_titles)
            .zip(cells)
            .map(|((step, title), cells)| RaciRow {
                label: self.inline_unlinked(title),
                anchor: Some(urls::step_anchor(&step.id)),
                link: None,
                cells,
            })
            .collect();
        PlaybookView {
            audience: self.links(&playbook.audience),
            duration: playbook.duration.as_deref(),
            prerequisites: self.links(&playbook.prerequisites),
            steps,
            raci_roles: role_ids.iter().map(|id| self.link(id)).collect(),
            raci_rows,
        }
    }

    fn charter_view<'c>(&self, charter: &'c Charter, url: &str) -> CharterView<'c> {
        CharterView {
            clauses: charter
                .clauses
                .iter()
                .map(|c| ClauseView {
                    anchor: c.id.as_deref().map(urls::clause_anchor),
                    rule: c.rule,
                    text: &c.text,
                    condition: c.condition.as_deref(),
                    sizes: self.size_marks(c.sizes),
                    sectors: self.sector_marks(c.sectors),
                })
                .collect(),
            variables: charter
                .variables
                .iter()
                .map(|v| VariableView {
                    name: &v.name,
                    label: &v.label,
                    example: v.example.as_deref(),
                    value: self.library.settings.variables.get(&v.name).cloned(),
                })
                .collect(),
            signatories: self.links(&charter.signatories),
            approved_by: self.links(&charter.adoption.approved_by),
            consulted: self.links(&charter.adoption.consulted),
            download_url: urls::download(url),
            word_url: self
                .library
                .settings
                .exports
                .docx
                .then(|| urls::word_download(url)),
        }
    }

    fn role_view<'r>(&'r self, id: &str, role: &'r Role) -> RoleView<'r> {
        RoleView {
            short: role.short.as_deref(),
            mission: &role.mission,
            responsibilities: &role.responsibilities,
            skills: &role.skills,
            reports_to: role.reports_to.as_deref().map(|r| self.link(r)),
            by_size: role
                .by_size
                .iter()
                .filter(|(size, _)| self.library.audience.size.is_none_or(|s| s == **size))
                .map(|(size, holder)| SizeHolder {
                    size: size.id(),
                    label: self.library.labels.get(match size {
                        Size::Micro => "size_micro",
                        Size::Small => "size_small",
                        Size::Medium => "size_medium",
                        Size::Eti => "size_eti",
                        Size::Ge => "size_ge",
                    }),
                    holder: &holder.holder,
                    time: holder.time.as_deref(),
                    held_by: holder.held_by.as_deref().map(|h| self.plain_link(h)),
                })
                .collect(),
            legal_basis: role
                .legal_basis
                .iter()
                .map(|b| BasisView {
                    text: &b.text,
                    sizes: self.size_marks(b.sizes),
                    sectors: self.sector_marks(b.sectors),
                })
                .collect(),
            involvement: self.involvement.get(id).cloned().unwrap_or_default(),
        }
    }

    fn comms_view<'c>(&self, comms: &'c Comms) -> CommsView<'c> {
        let mut audiences: Vec<String> = comms.audiences.clone();
        for phase in &comms.phases {
            for a in &phase.audiences {
                if !audiences.contains(a) {
                    audiences.push(a.clone());
                }
            }
        }
        let matrix = audiences
            .iter()
            .map(|a| MatrixRow {
                audience: self.label_link(a),
                cells: comms
                    .phases
                    .iter()
                    .map(|p| p.audiences.contains(a))
                    .collect(),
            })
            .collect();
        CommsView {
            objective: &comms.objective,
            trigger: comms.trigger.as_deref(),
            audiences: comms.audiences.iter().map(|a| self.label_link(a)).collect(),
            phases: comms
                .phases
                .iter()
                .map(|p| CommsPhaseView {
                    when: &p.when,
                    title: p.title.as_deref(),
                    title_lines: wrap_words(p.title.as_deref().unwrap_or_default(), 20, 3),
                    owner: p.owner.as_deref().map(|o| self.link(o)),
                    audiences: p.audiences.iter().map(|a| self.label_link(a)).collect(),
                    channels: &p.channels,
                    messages: &p.messages,
                })
                .collect(),
            kpis: &comms.kpis,
            holding_statement: comms.holding_statement.as_deref(),
            matrix,
            timeline: Timeline::new(comms.phases.len()),
        }
    }

    fn assessment_view<'x>(&self, assessment: &'x Assessment) -> AssessmentView<'x> {
        AssessmentView {
            questions: &assessment.questions,
            bands: assessment
                .bands
                .iter()
                .map(|b| BandView {
                    min: b.min,
                    max: b.max,
                    verdict: &b.verdict,
                    advice: b.advice.as_deref(),
                    recommended: self.links(&b.recommended),
                })
                .collect(),
            max_score: assessment
                .questions
                .iter()
                .map(|q| q.options.iter().filter_map(|o| o.score).max().unwrap_or(0))
                .sum(),
            routed: assessment.is_routed(),
            routes: assessment
                .questions
                .iter()
                .map(|q| {
                    q.options
                        .iter()
                        .map(|o| self.route(assessment, o))
                        .collect()
                })
                .collect(),
            outcomes: assessment
                .outcomes
                .iter()
                .map(|o| OutcomeView {
                    id: &o.id,
                    anchor: urls::outcome_anchor(&o.id),
                    verdict: &o.verdict,
                    advice: o.advice.as_deref(),
                    recommended: self.links(&o.recommended),
                })
                .collect(),
        }
    }

    /// Where an option of a routed assessment leads (an empty route in a scored one).
    fn route<'x>(&self, assessment: &'x Assessment, option: &AnswerOption) -> Route<'x> {
        let next = option.next.as_deref().unwrap_or_default();
        if let Some(n) = assessment.questions.iter().position(|q| q.id == next) {
            let label = format!("{} {}", self.library.labels.get("question"), n + 1);
            return Route {
                anchor: urls::question_anchor(next),
                to_outcome: false,
                label: label.into(),
            };
        }
        let outcome = assessment.outcomes.iter().find(|o| o.id == next);
        Route {
            anchor: outcome.map_or_else(String::new, |o| urls::outcome_anchor(&o.id)),
            to_outcome: outcome.is_some(),
            label: outcome.map_or("".into(), |o| o.verdict.as_str().into()),
        }
    }

    /// For each role, the playbook steps where it is R, A, C or I.
    fn compute_involvement(&self) -> HashMap<String, Vec<Involvement>> {
        let mut map: HashMap<String, Vec<Involvement>> = HashMap::new();
        for &i in self
            .library
            .by_kind
            .get(&Kind::Playbook)
            .into_iter()
            .flatten()
        {
            let page = &self.library.pages[i];
            // Role cards sit where playbooks do, so the rendered titles' links hold.
            let KindData::Playbook(playbook) = &self.bodies[i].data else {
                continue;
            };
            let playbook_link = self.link(&page.doc.id);
            for step in &playbook.steps {
                let letters = step_roles(step);
                let mut seen: Vec<&str> = Vec::new();
                for (_, role) in &letters {
                    if seen.contains(role) {
                        continue;
                    }
                    seen.push(role);
                    map.entry(role.to_string()).or_default().push(Involvement {
                        playbook: playbook_link.clone(),
                        step_title: step.title.clone(),
                        step_url: format!("{}#{}", page.url, urls::step_anchor(&step.id)),
                        letters: letters_of(&letters, role),
                    });
                }
            }
        }
        map
    }

    /// The RACI matrix of every playbook × role.
    pub fn raci_matrix(&self) -> (Vec<Link>, Vec<RaciRow>) {
        let role_links: Vec<Link> = self
            .library
            .of_kind(Kind::Role)
            .map(|page| self.link(&page.doc.id))
            .collect();
        let mut rows = Vec::new();
        for page in self.library.of_kind(Kind::Playbook) {
            let KindData::Playbook(playbook) = &page.doc.data else {
                continue;
            };
            let letters: Vec<(char, &str)> = playbook.steps.iter().flat_map(step_roles).collect();
            rows.push(RaciRow {
                label: crate::tailor::html_escape(&page.doc.common.title),
                anchor: None,
                link: Some(self.link(&page.doc.id)),
                cells: role_links
                    .iter()
                    .map(|role| letters_of(&letters, &role.id))
                    .collect(),
            });
        }
        (role_links, rows)
    }

    /// The home page's "where to start".
    pub fn start_view(&self) -> StartView {
        let group = |kind: Kind| {
            let pages = self
                .library
                .of_kind(kind)
                .map(|page| {
                    let common = &page.doc.common;
                    let mut roles: Vec<String> = match &page.doc.data {
                        KindData::Playbook(p) => p
                            .audience
                            .iter()
                            .cloned()
                            .chain(
                                p.steps
                                    .iter()
                                    .flat_map(step_roles)
                                    .map(|(_, r)| r.to_string()),
                            )
                            .collect(),
                        KindData::Charter(c) => c
                            .signatories
                            .iter()
                            .chain(&c.adoption.approved_by)
                            .chain(&c.adoption.consulted)
                            .cloned()
                            .collect(),
                        _ => vec![page.doc.id.clone()],
                    };
                    roles.sort();
                    roles.dedup();
                    StartItem {
                        title: common.title.clone(),
                        url: page.url.clone(),
                        sizes: self.size_marks(common.sizes),
                        sectors: self.sector_marks(common.sectors),
                        roles,
                    }
                })
                .collect();
            StartGroup {
                kind,
                label: self.kinds_label(kind),
                url: urls::section(self.library.language(), kind),
                pages,
            }
        };
        let first_of = |kind: Kind| {
            self.library
                .of_kind(kind)
                .next()
                .map(|page| self.link(&page.doc.id))
        };
        StartView {
            roles: self
                .library
                .of_kind(Kind::Role)
                .map(|page| self.link(&page.doc.id))
                .collect(),
            groups: [Kind::Playbook, Kind::Charter, Kind::Role]
                .into_iter()
                .filter(|k| self.library.by_kind.contains_key(k))
                .map(group)
                .collect(),
            highlights: [Kind::Page, Kind::Assessment]
                .into_iter()
                .filter_map(first_of)
                .collect(),
        }
    }
}

fn marks<T: Member>(set: Set<T>, tailored: bool) -> Vec<&'static str> {
    if tailored || set.is_all() {
        Vec::new()
    } else {
        set.members().map(Member::id).collect()
    }
}

/// A name as it reads inside a sentence: « Sponsor exécutif » becomes « sponsor
/// exécutif », while an acronym (« DSI », « DPO ») stays as it is.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second) if second.is_none_or(|c| !c.is_uppercase()) => first
            .to_lowercase()
            .chain(name[first.len_utf8()..].chars())
            .collect(),
        _ => name.to_string(),
    }
}

/// The distinct letters of one role among (letter, role) pairs, in RACI order.
/// The roles a playbook's steps name, in order of first appearance, and each
/// step's letters for each of them ("R", "A C"…, empty when none).
pub fn playbook_raci(playbook: &Playbook) -> (Vec<&str>, Vec<Vec<String>>) {
    let mut role_ids: Vec<&str> = Vec::new();
    for step in &playbook.steps {
        for (_, id) in step_roles(step) {
            if !role_ids.contains(&id) {
                role_ids.push(id);
            }
        }
    }
    let cells = playbook
        .steps
        .iter()
        .map(|step| {
            let letters = step_roles(step);
            role_ids
                .iter()
                .map(|role| letters_of(&letters, role))
                .collect()
        })
        .collect();
    (role_ids, cells)
}

impl Link {
    /// The page's name as text, as the edition names it: in an edition tailored
    /// to a size where another role holds this one, « Direction générale (rôle de
    /// sponsor exécutif) ».
    pub fn name(&self) -> String {
        match self.holdings.iter().find(|h| h.sizes.is_empty()) {
            Some(h) => {
                let roles: Vec<&str> = h.roles.iter().map(|r| r.name.as_str()).collect();
                format!("{} ({} {})", h.holder_title, h.joiner, roles.join(", "))
            }
            None => self.title.clone(),
        }
    }
}

fn letters_of(pairs: &[(char, &str)], role: &str) -> String {
    let mut letters: Vec<char> = Vec::new();
    for letter in ['R', 'A', 'C', 'I'] {
        if pairs.iter().any(|(l, r)| *l == letter && *r == role) {
            letters.push(letter);
        }
    }
    letters
        .iter()
        .map(char::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` cut at spaces into at most `max_lines` lines of about `width` characters;
/// the last line ends with an ellipsis when text is left over.
pub fn wrap_words(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            if lines.len() + 1 == max_lines {
                current.push('…');
                lines.push(current);
                return lines;
            }
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        if words.peek().is_none() {
            lines.push(std::mem::take(&mut current));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_into_short_lines_with_an_ellipsis_when_cut() {
        assert_eq!(
            wrap_words("Informer les représentants du personnel", 20, 3),
            ["Informer les", "représentants du", "personnel"]
        );
        assert_eq!(
            wrap_words("un deux trois quatre cinq six", 9, 2),
            ["un deux", "trois…"]
        );
        assert!(wrap_words("", 20, 3).is_empty());
    }

    #[test]
    fn a_long_timeline_wraps_into_rows() {
        let t = Timeline::new(7);
        assert_eq!(t.points.len(), 7);
        assert_eq!(t.axes.len(), 2);
        assert_eq!(
            t.points[4].0, t.points[0].0,
            "the fifth phase starts the second row"
        );
        assert!(t.points[4].1 > t.points[0].1);
        assert!(t.points.iter().all(|&(x, y)| x < t.width && y < t.height));
        assert_eq!(Timeline::new(0).axes.len(), 1);
    }
}
