//! Render pages stage: the templates over the views, for every content page, the
//! generated pages (home, a list per kind, tags, the RACI matrix, search, 404) and
//! the print book; and, beside each charter, its Markdown template. It runs once the
//! bodies are rendered and their links checked, and hands every file to the write
//! stage's queue as it is made.
//!
//! A session that keeps pages (the live preview's) gives back a page an earlier
//! build rendered when the fingerprint of everything its template reads is the
//! same: the templates' sources, the site, labels and file URLs, the frame's
//! pieces, the page's own data (a content page's body by its fingerprint). Only
//! the pages an edit changed are rendered again.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::bodies::Body;
use crate::book;
use crate::diagnostics::Diagnostic;
use crate::fingerprint::Fingerprint;
use crate::library::Library;
use crate::model::Kind;
use crate::output::{cannot_write, Bytes, Queue};
use crate::session::Session;
use crate::templates::{self, Templates};
use crate::urls;
use crate::views::{Card, Link, Pagination, RaciRow, StartView, Views};
use serde::Serialize;

/// Which of the rendered files a call makes: a live preview makes the pages first,
/// and the print book once the new pages are served.
#[derive(Clone, Copy, PartialEq)]
pub enum Part {
    Everything,
    /// The content and generated pages, and the charters' Markdown templates.
    Pages,
    PrintBook,
}

/// What the pages are rendered with.
pub struct Inputs<'a> {
    pub views: &'a Views<'a>,
    pub bodies: &'a [Body],
    /// The site's files' URLs, with their versions.
    pub file_urls: &'a BTreeMap<String, String>,
    /// The templates; none when they did not load.
    pub templates: Option<&'a Templates>,
    pub today: NaiveDate,
    pub session: &'a Session,
}

/// Renders `part` of the library's pages (none when the templates did not load)
/// and queues them in `out`. Returns the problems:
/// a template that fails, a file that cannot be written.
pub fn render(inputs: &Inputs, part: Part, out: &Queue) -> Vec<Diagnostic> {
    let (views, session) = (inputs.views, inputs.session);
    let pages = part != Part::PrintBook;
    let Some(templates) = inputs.templates else {
        return Vec::new();
    };
    let base = base_context(views, inputs.file_urls);
    let base_fingerprint = if session.keeps_pages() {
        Fingerprint::new()
            .with_json(&base.clone().into_json())
            .finish()
    } else {
        0
    };
    let renderer = Renderer {
        views,
        library: views.library,
        bodies: inputs.bodies,
        tera: &templates.tera,
        templates_fingerprint: templates.fingerprint,
        today: inputs.today,
        base,
        base_fingerprint,
        session,
        frames: Mutex::default(),
    };
    let book = || {
        if part == Part::Pages {
            Vec::new()
        } else {
            renderer.print_book(out)
        }
    };
    let content = || {
        if pages {
            renderer.content_pages(out)
        } else {
            Vec::new()
        }
    };
    let generated = || {
        if pages {
            renderer.generated_pages(out)
        } else {
            Vec::new()
        }
    };
    let ((mut problems, book), generated) = rayon::join(|| rayon::join(content, book), generated);
    problems.extend(book);
    problems.extend(generated);
    problems.extend(renderer.frame_failures());
    problems
}

/// A small page at each former address of a page (`aliases:`) that leads to where
/// it is now, by a relative link (so from disk too): at once where the browser
/// follows `<meta http-equiv="refresh">`, by its link where it does not. An address
/// the site already uses (`taken`), or that two pages claim, is an error at its
/// line and gets no page.
pub fn redirects(
    library: &Library,
    taken: &std::collections::HashSet<String>,
) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    let mut claimed: HashMap<&str, &str> = HashMap::new();
    let lang = library.language().code();
    let moved = crate::tailor::html_escape(library.labels.get("moved_to"));
    // The site's icon, else a browser asks the server for /favicon.ico.
    let icon = crate::tailor::html_escape(&match &library.settings.branding.favicon {
        Some(favicon) => urls::asset(favicon),
        None => urls::asset("favicon.svg"),
    });
    for page in &library.pages {
        let doc = &page.doc;
        for (i, alias) in doc.common.aliases.iter().enumerate() {
            // The validate stage reported it.
            if crate::validate::alias_problem(alias).is_some() {
                continue;
            }
            let clash = if taken.contains(alias) {
                Some("is a file of the site".to_string())
            } else {
                claimed
                    .insert(alias, &doc.id)
                    .map(|other| format!("is also a former address of `{other}`"))
            };
            if let Some(clash) = clash {
                let yaml = &doc.source.text[doc.front_matter.clone()];
                let at = crate::spans::YamlSpans::new(yaml, doc.front_matter.start)
                    .value_or_key(&[crate::spans::Key("aliases"), crate::spans::Index(i)]);
                problems.push(
                    Diagnostic::error(format!("the former address `{alias}` {clash}"))
                        .at(&doc.source, at)
                        .hint("a former address must be free: remove it, or rename the page that has it now"),
                );
                continue;
            }
            let root = urls::root_of(alias);
            let target = crate::tailor::html_escape(&format!("{root}{}", page.url));
            let title = crate::tailor::html_escape(&doc.common.title);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"{root}{icon}\">\n<link rel=\"canonical\" href=\"{target}\">\n</head>\n<body>\n<p>{moved} <a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n"
            );
            files.push((alias.clone(), html.into_bytes()));
        }
    }
    (files, problems)
}

/// What every template receives: the site, the labels, and the URLs of the site's
/// files that change with their content (`files["assets/style.css"]`).
fn base_context(views: &Views, file_urls: &BTreeMap<String, String>) -> Context {
    let mut context = Context::new();
    context.insert("files", file_urls);
    context.insert("site", &views.site_view());
    context.insert("labels", views.library.labels.map());
    context
}

/// What the shared pieces of a page's frame depend on: the way back to the root,
/// the navigation entry that is the page itself, and the one whose section holds it.
type FrameKey = (String, String, String);

/// A frame's pieces (an object of HTML strings, for the templates), their
/// fingerprint, and the failure of their templates if any (the pieces are then
/// empty).
type Frame = (Arc<serde_json::Value>, u64, Option<Diagnostic>);

/// The templates of the frame's shared pieces, rendered once per [`FrameKey`] rather
/// than once per page (as Hugo's `partialCached` does): on a large handbook the
/// navigation's and the size switcher's loops cost more than a page's own content.
const FRAME_PARTS: [(&str, &str); 4] = [
    ("nav", "nav.html"),
    ("audience", "audience.html"),
    ("footer", "footer.html"),
    ("search_box", "search-box.html"),
];

/// Puts in `context` what says where a page is: its URL, the way back to the
/// root, and its frame's pieces.
fn place(context: &mut Context, url: &str, root: &str, frame: &serde_json::Value) {
    context.insert("root", root);
    context.insert("current_url", url);
    context.insert("frame", frame);
}

/// A generated page's own part of its context, and the keys it holds.
fn own_context(own: &Own) -> tera::Result<(Context, Vec<String>)> {
    let own = serde_json::to_value(own).map_err(tera::Error::json)?;
    let keys = own
        .as_object()
        .map_or_else(Vec::new, |map| map.keys().cloned().collect());
    Ok((Context::from_value(own)?, keys))
}

/// A generated page: its URL and template; its context is made when it renders.
enum Generated<'l> {
    Home,
    /// Page `number` (from 1) of a kind's list.
    Section(Kind, usize),
    /// The index of tags: each tag's name, URL and number of pages.
    Tags(Arc<Vec<(&'l str, usize)>>),
    /// Page `number` of a tag's list.
    Tag(&'l str, std::sync::Arc<Vec<usize>>, usize),
    Raci,
    Search,
    NotFound,
}

struct Renderer<'a> {
    views: &'a Views<'a>,
    library: &'a Library<'a>,
    bodies: &'a [Body],
    tera: &'a Tera,
    templates_fingerprint: u64,
    today: NaiveDate,
    /// What every template receives: the site and the labels.
    base: Context,
    /// Its fingerprint, when the session keeps pages.
    base_fingerprint: u64,
    session: &'a Session,
    /// The frame's pieces by key.
    frames: Mutex<HashMap<FrameKey, Frame>>,
}

impl Renderer<'_> {
    /// Every content page, in parallel.
    fn content_pages(&self, out: &Queue) -> Vec<Diagnostic> {
        (0..self.library.pages.len())
            .into_par_iter()
            // Each thread gets its own copy of the shared context and replaces only
            // the page's own keys, instead of a copy per page.
            .map_with(self.base.clone(), |context, i| {
                let page = &self.library.pages[i];
                match self.content_page(i, context) {
                    Ok(html) => {
                        out.send(page.url.clone(), html);
                        None
                    }
                    Err(problem) => Some(problem),
                }
            })
            .flatten()
            .collect()
    }

    /// Renders content page `i`, or takes it from the session. `context` holds the
    /// shared data; the page's own keys (`page`, `root`, `current_url`, `frame`) are
    /// replaced in it.
    fn content_page(&self, i: usize, context: &mut Context) -> Result<Bytes, Diagnostic> {
        let page = &self.library.pages[i];
        let body = &self.bodies[i];
        let mut view = self.views.page_view(i, body, self.today);
        let root = urls::root_of(&page.url);
        // A content page is never a navigation entry itself.
        let (frame, frame_fingerprint) = self.frame(&root, "", &view.section_url);
        let template = format!("{}.html", page.doc.kind.id());
        let fingerprint = self.session.keeps_pages().then(|| {
            // The body stands in by its fingerprint, cheaper than its text.
            let content = std::mem::take(&mut view.content);
            let toc = std::mem::take(&mut view.toc);
            let fingerprint = self
                .fingerprint(&template, &page.url)
                .with(&frame_fingerprint)
                .with(&body.fingerprint)
                .with_json(&view)
                .finish();
            (view.content, view.toc) = (content, toc);
            fingerprint
        });
        if let Some(kept) = fingerprint.and_then(|f| self.session.page(&page.url, f)) {
            return Ok(kept);
        }
        place(context, &page.url, &root, &frame);
        context.insert("page", &view);
        // Rendered to bytes: they go to a file as they are, with no UTF-8 check.
        let mut html = Vec::with_capacity(body.html.len() + 16 * 1024);
        self.tera
            .render_to(&template, context, &mut html)
            .map_err(|err| template_error(&template, &page.url, &err))?;
        let html = Bytes::from(html);
        if let Some(fingerprint) = fingerprint {
            self.session.keep_page(&page.url, fingerprint, html.clone());
        }
        Ok(html)
    }

    /// The start of a page's fingerprint: the templates, the data every page
    /// shares, the template and the page's path.
    fn fingerprint(&self, template: &str, path: &str) -> Fingerprint {
        Fingerprint::new()
            .with(&self.templates_fingerprint)
            .with(&self.base_fingerprint)
            .with(template)
            .with(path)
    }

    /// The print book: its template rendered with a marker in place of each page's
    /// body (see `book`), then the bodies written into it, in order, a few dozen
    /// made ready in parallel at a time.
    fn print_book(&self, out: &Queue) -> Vec<Diagnostic> {
        let path = urls::print(self.library.language());
        let frame = match self.book_frame(path) {
            Ok(frame) => frame,
            Err(problem) => return vec![problem],
        };
        let pages = &self.library.pages;
        let order: Vec<usize> = frame.order().collect();
        let links = book::Links::new(order.iter().map(|&i| {
            let page = &pages[i];
            (page.url.as_str(), page.doc.id.as_str(), &page.anchors)
        }));
        let write = || -> std::io::Result<()> {
            let mut writer = book::BookWriter::start(frame, out.open(path)?)?;
            for chunk in order.chunks(64) {
                let ready: Vec<(usize, Option<String>)> = chunk
                    .par_iter()
                    .map(|&i| (i, links.body(&pages[i].url, &self.bodies[i].html)))
                    .collect();
                for (i, body) in ready {
                    if let Some(body) = body {
                        writer.body(i, body)?;
                    }
                }
            }
            writer.finish()
        };
        match write() {
            Ok(()) => Vec::new(),
            Err(err) => vec![cannot_write(path, &err)],
        }
    }

    fn book_frame(&self, path: &str) -> Result<book::Frame, Diagnostic> {
        let library = self.library;
        let book: Vec<serde_json::Value> = library
            .by_kind
            .iter()
            .map(|(kind, list)| {
                serde_json::json!({
                    "kind": kind,
                    "label": self.views.kinds_label(*kind),
                    "pages": list.iter().map(|&i| {
                        let page = &library.pages[i];
                        serde_json::json!({
                            "id": page.doc.id,
                            "anchor": urls::book_article(&page.doc.id),
                            "title": page.doc.common.title,
                            "summary": page.doc.common.summary,
                            "url": page.url,
                            "content": book::marker(i),
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut context = self.context_at(path);
        context.insert("book", &book);
        let text = self
            .tera
            .render("print.html", &context)
            .map_err(|err| template_error("print.html", path, &err))?;
        Ok(book::Frame::new(text))
    }

    /// Home, kind lists, tags, RACI, search and 404, in parallel; each context is
    /// made as its page renders.
    fn generated_pages(&self, out: &Queue) -> Vec<Diagnostic> {
        let library = self.library;
        let per_page = library.settings.per_page;
        let numbers = |total: usize| 1..=list_page_count(total, per_page);
        let mut which = vec![Generated::Home];
        for (&kind, list) in &library.by_kind {
            which.extend(numbers(list.len()).map(|n| Generated::Section(kind, n)));
        }
        let tags = library.tags();
        let counts = tags.values().map(|(name, list)| (*name, list.len()));
        which.push(Generated::Tags(Arc::new(counts.collect())));
        for (name, list) in tags.into_values() {
            let list = Arc::new(list);
            which.extend(numbers(list.len()).map(|n| Generated::Tag(name, list.clone(), n)));
        }
        which.push(Generated::Raci);
        if library.settings.search_enabled {
            which.push(Generated::Search);
        }
        which.push(Generated::NotFound);
        which
            .into_par_iter()
            // As for the content pages, each thread fills its own copy of the shared
            // context with a page's own keys, and takes them out after.
            .map_with(self.base.clone(), |context, page| {
                let (path, template, root, own) = self.generated(page);
                let (frame, frame_fingerprint) = self.generated_frame(&path, &root);
                let fingerprint = self.session.keeps_pages().then(|| {
                    self.fingerprint(template, &path)
                        .with(&root)
                        .with(&frame_fingerprint)
                        .with_json(&own)
                        .finish()
                });
                if let Some(kept) = fingerprint.and_then(|f| self.session.page(&path, f)) {
                    out.send(path, kept);
                    return None;
                }
                let (own, keys) = match own_context(&own) {
                    Ok(own) => own,
                    Err(err) => return Some(template_error(template, &path, &err)),
                };
                context.extend(own);
                place(context, &path, &root, &frame);
                let rendered = self.tera.render(template, context);
                for key in &keys {
                    context.remove(key);
                }
                match rendered {
                    Ok(html) => {
                        let html = Bytes::from(html);
                        if let Some(fingerprint) = fingerprint {
                            self.session.keep_page(&path, fingerprint, html.clone());
                        }
                        out.send(path, html);
                        None
                    }
                    Err(err) => Some(template_error(template, &path, &err)),
                }
            })
            .flatten()
            .collect()
    }

    /// A generated page's path, template, way back to the root, and what its
    /// context holds beyond what every generated page's does.
    fn generated<'s>(&'s self, page: Generated<'s>) -> (String, &'static str, String, Own<'s>) {
        let (library, views) = (self.library, self.views);
        let language = library.language();
        // The cards of a list page at `url`, whose way back to the root their
        // fields' links take.
        let cards = |list: &[usize], url: &str| {
            let root = urls::root_of(url);
            list.iter()
                .map(|&i| views.card(i, &root))
                .collect::<Vec<_>>()
        };
        // Page `number` of a list whose first page is `first`: its URL, its share of
        // `list`, and where it sits among the list's pages.
        let per_page = library.settings.per_page;
        let paged = |first: &str, list: &'_ [usize], number: usize| {
            let count = list_page_count(list.len(), per_page);
            let from = ((number - 1) * per_page).min(list.len());
            let share = &list[from..(from + per_page).min(list.len())];
            let pagination = Pagination::new(first, number, count, list.len());
            let url = urls::list_page(first, number);
            let cards = cards(share, &url);
            (url, cards, pagination)
        };
        match page {
            Generated::Home => {
                let sections = library
                    .by_kind
                    .iter()
                    .map(|(&kind, list)| HomeSection {
                        kind,
                        label: views.kinds_label(kind),
                        url: urls::section(language, kind),
                        count: list.len(),
                        pages: cards(&list[..list.len().min(6)], urls::HOME),
                    })
                    .collect();
                let own = Own::Home {
                    sections,
                    start: views.start_view(),
                };
                (
                    urls::HOME.into(),
                    "index.html",
                    urls::root_of(urls::HOME),
                    own,
                )
            }
            Generated::Section(kind, number) => {
                let first = urls::section(language, kind);
                let (url, pages, pagination) = paged(&first, &library.by_kind[&kind], number);
                let section = SectionList {
                    kind,
                    label: views.kinds_label(kind),
                    url: first,
                    pages,
                    pagination,
                };
                let root = urls::root_of(&url);
                (url, "section.html", root, Own::Section { section })
            }
            Generated::Tags(counts) => {
                let url = urls::tags_index(language);
                let tags = counts
                    .iter()
                    .map(|&(name, count)| TagCount {
                        name,
                        url: urls::tag(language, name),
                        count,
                    })
                    .collect();
                let root = urls::root_of(&url);
                (url, "tags.html", root, Own::Tags { tags })
            }
            Generated::Tag(name, list, number) => {
                let first = urls::tag(language, name);
                let (url, pages, pagination) = paged(&first, &list, number);
                let tag = TagList {
                    name,
                    pages,
                    pagination,
                };
                let root = urls::root_of(&url);
                (url, "tag.html", root, Own::Tag { tag })
            }
            Generated::Raci => {
                let (roles, rows) = views.raci_matrix();
                let url = urls::raci(language).to_string();
                let own = Own::Raci { roles, rows };
                let root = urls::root_of(&url);
                (url, "raci.html", root, own)
            }
            Generated::Search => {
                let url = urls::search(language).to_string();
                let root = urls::root_of(&url);
                (url, "search.html", root, Own::Nothing {})
            }
            Generated::NotFound => {
                // A server shows the 404 page at any depth, where relative links
                // break: with a base URL, its links start from there instead.
                let base_url = &library.settings.base_url;
                let root = if base_url.is_empty() {
                    urls::root_of(urls::NOT_FOUND)
                } else {
                    format!("{}/", base_url.trim_end_matches('/'))
                };
                (urls::NOT_FOUND.into(), "404.html", root, Own::Nothing {})
            }
        }
    }

    /// The context of a generated page at `url`.
    fn context_at(&self, url: &str) -> Context {
        let root = urls::root_of(url);
        let (frame, _) = self.generated_frame(url, &root);
        self.context_with(Context::new(), url, &root, &frame)
    }

    /// `own` with what every generated page's context holds.
    fn context_with(
        &self,
        own: Context,
        url: &str,
        root: &str,
        frame: &serde_json::Value,
    ) -> Context {
        let mut context = own;
        context.extend(self.base.clone());
        place(&mut context, url, root, frame);
        context
    }

    /// The frame of a generated page at `url`: the navigation names it when it is
    /// one of its entries.
    fn generated_frame(&self, url: &str, root: &str) -> (Arc<serde_json::Value>, u64) {
        let language = self.library.language();
        let in_nav = url == urls::raci(language)
            || self
                .library
                .by_kind
                .keys()
                .any(|&kind| urls::section(language, kind) == url);
        self.frame(root, if in_nav { url } else { "" }, "")
    }

    /// The frame's shared pieces for a page (see [`FRAME_PARTS`]): `nav_current` is
    /// the page's URL when the navigation links to it, `nav_section` the URL of the
    /// entry whose section holds the page. Rendered on first use; a failure is
    /// reported once, and the pages get empty pieces.
    fn frame(
        &self,
        root: &str,
        nav_current: &str,
        nav_section: &str,
    ) -> (Arc<serde_json::Value>, u64) {
        let key = (
            root.to_string(),
            nav_current.to_string(),
            nav_section.to_string(),
        );
        if let Some((frame, fingerprint, _)) = self
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return (frame.clone(), *fingerprint);
        }
        let mut context = self.base.clone();
        context.insert("root", root);
        context.insert("nav_current", nav_current);
        context.insert("nav_section", nav_section);
        let mut parts = serde_json::Map::new();
        let mut failure = None;
        for (name, template) in FRAME_PARTS {
            if name == "search_box" && !self.library.settings.search_enabled {
                parts.insert(name.to_string(), "".into());
                continue;
            }
            let html = match self.tera.render(template, &context) {
                // Trimmed: the template places the piece on its own line.
                Ok(html) => html.trim().to_string(),
                Err(err) => {
                    failure = Some(template_error(template, "the page frame", &err));
                    String::new()
                }
            };
            parts.insert(name.to_string(), html.into());
        }
        let frame = serde_json::Value::Object(parts);
        let fingerprint = Fingerprint::new().with_json(&frame).finish();
        let mut frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        let (frame, fingerprint, _) =
            frames
                .entry(key)
                .or_insert((Arc::new(frame), fingerprint, failure));
        (frame.clone(), *fingerprint)
    }

    /// A frame's template fails the same way on every page: said once.
    fn frame_failures(&self) -> Vec<Diagnostic> {
        let frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        let mut failures: Vec<Diagnostic> = frames
            .values()
            .filter_map(|(_, _, failure)| failure.clone())
            .collect();
        failures.sort_by(|a, b| a.message.cmp(&b.message));
        failures.dedup_by(|a, b| a.message == b.message);
        failures
    }
}

/// What a generated page's context holds of its own: a key per field. Typed, so
/// that a kept page's fingerprint serialises it once, without building its JSON.
#[derive(Serialize)]
#[serde(untagged)]
enum Own<'a> {
    Home {
        sections: Vec<HomeSection>,
        start: StartView,
    },
    Section {
        section: SectionList,
    },
    Tags {
        tags: Vec<TagCount<'a>>,
    },
    Tag {
        tag: TagList<'a>,
    },
    Raci {
        roles: Vec<Link>,
        rows: Vec<RaciRow>,
    },
    Nothing {},
}

/// A kind on the home page: its first cards.
#[derive(Serialize)]
struct HomeSection {
    kind: Kind,
    label: String,
    url: String,
    count: usize,
    pages: Vec<Card>,
}

/// A page of a kind's list.
#[derive(Serialize)]
struct SectionList {
    kind: Kind,
    label: String,
    url: String,
    pages: Vec<Card>,
    pagination: Pagination,
}

#[derive(Serialize)]
struct TagCount<'a> {
    name: &'a str,
    url: String,
    count: usize,
}

/// A page of a tag's list.
#[derive(Serialize)]
struct TagList<'a> {
    name: &'a str,
    pages: Vec<Card>,
    pagination: Pagination,
}

/// The number of pages a generated list of `total` cards takes: one at least, so an
/// empty kind or tag still has its page.
fn list_page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page).max(1)
}

fn template_error(template: &str, page: &str, err: &tera::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "the template {template} failed on {page}: {}",
        templates::error_chain(err)
    ))
    .hint("fix the template (or the override in the edition's templates/ folder)")
}
