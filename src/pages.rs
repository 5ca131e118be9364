//! Render pages stage: the templates over the views, for every content page, the
//! generated pages (home, a list per kind, tags, the RACI matrix, search, 404) and
//! the print book; and, beside each charter, its Markdown template. It runs once the
//! bodies are rendered and their links checked, and hands every file to the write
//! stage's queue as it is made.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::bodies::Body;
use crate::book;
use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::markdown;
use crate::model::Kind;
use crate::output::{cannot_write, Queue};
use crate::templates;
use crate::urls;
use crate::views::{Pagination, Views};

/// Renders every page of the library with `tera` (only the charters' Markdown
/// templates when the templates did not load) and queues them in `out`. Returns
/// the problems: a template that fails, a file that cannot be written.
pub fn render(
    views: &Views,
    bodies: &[Body],
    file_urls: &BTreeMap<String, String>,
    tera: Option<&Tera>,
    today: NaiveDate,
    out: &Queue,
) -> Vec<Diagnostic> {
    out.send_all(charter_templates(views.library));
    let Some(tera) = tera else {
        return Vec::new();
    };
    let renderer = Renderer {
        views,
        library: views.library,
        bodies,
        tera,
        today,
        base: base_context(views, file_urls),
        frames: Mutex::default(),
    };
    let ((mut problems, book), generated) = rayon::join(
        || rayon::join(|| renderer.content_pages(out), || renderer.print_book(out)),
        || renderer.generated_pages(out),
    );
    problems.extend(book);
    problems.extend(generated);
    problems.extend(renderer.frame_failures());
    problems
}

/// Each charter's tailored body as a Markdown file beside its page.
fn charter_templates(library: &Library) -> Vec<(String, Vec<u8>)> {
    let label = |key: &str| library.labels.get(key).to_string();
    library
        .of_kind(Kind::Charter)
        .map(|page| {
            let text = markdown::plain(&page.doc.common.title, &page.body, &label);
            (urls::download(&page.url), text.into_bytes())
        })
        .collect()
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

/// A frame's pieces (an object of HTML strings, for the templates), and the failure
/// of their templates if any (the pieces are then empty).
type Frame = (Arc<serde_json::Value>, Option<Diagnostic>);

/// The templates of the frame's shared pieces, rendered once per [`FrameKey`] rather
/// than once per page (as Hugo's `partialCached` does): on a large handbook the
/// navigation's and the size switcher's loops cost more than a page's own content.
const FRAME_PARTS: [(&str, &str); 4] = [
    ("nav", "nav.html"),
    ("audience", "audience.html"),
    ("footer", "footer.html"),
    ("search_box", "search-box.html"),
];

/// A generated page: its URL and template; its context is made when it renders.
enum Generated<'l> {
    Home,
    /// Page `number` (from 1) of a kind's list.
    Section(Kind, usize),
    Tags,
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
    today: NaiveDate,
    /// What every template receives: the site and the labels.
    base: Context,
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

    /// Renders content page `i`. `context` holds the shared data; the page's own
    /// keys (`page`, `root`, `current_url`, `frame`) are replaced in it.
    fn content_page(&self, i: usize, context: &mut Context) -> Result<Vec<u8>, Diagnostic> {
        let page = &self.library.pages[i];
        let view = self.views.page_view(i, &self.bodies[i], self.today);
        let root = urls::root_of(&page.url);
        // A content page is never a navigation entry itself.
        let frame = self.frame(&root, "", &view.section_url);
        context.insert("root", &root);
        context.insert("current_url", &page.url);
        context.insert("frame", &*frame);
        context.insert("page", &view);
        let template = format!("{}.html", page.doc.kind.id());
        // Rendered to bytes: they go to a file as they are, with no UTF-8 check.
        let mut html = Vec::with_capacity(self.bodies[i].html.len() + 16 * 1024);
        self.tera
            .render_to(&template, context, &mut html)
            .map_err(|err| template_error(&template, &page.url, &err))?;
        Ok(html)
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
        which.push(Generated::Tags);
        for (name, list) in library.tags().into_values() {
            let list = std::sync::Arc::new(list);
            which.extend(numbers(list.len()).map(|n| Generated::Tag(name, list.clone(), n)));
        }
        which.push(Generated::Raci);
        if library.settings.search_enabled {
            which.push(Generated::Search);
        }
        which.push(Generated::NotFound);
        which
            .into_par_iter()
            .filter_map(|page| {
                let (path, template, context) = self.generated(page);
                match self.tera.render(template, &context) {
                    Ok(html) => {
                        out.send(path, html.into_bytes());
                        None
                    }
                    Err(err) => Some(template_error(template, &path, &err)),
                }
            })
            .collect()
    }

    /// A generated page's path, template and context.
    fn generated(&self, page: Generated) -> (String, &'static str, Context) {
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
                let sections: Vec<serde_json::Value> = library
                    .by_kind
                    .iter()
                    .map(|(kind, list)| {
                        serde_json::json!({
                            "kind": kind,
                            "label": views.kinds_label(*kind),
                            "url": urls::section(language, *kind),
                            "count": list.len(),
                            "pages": cards(&list[..list.len().min(6)], urls::HOME),
                        })
                    })
                    .collect();
                let mut context = self.context_at(urls::HOME);
                context.insert("sections", &sections);
                context.insert("start", &views.start_view());
                (urls::HOME.into(), "index.html", context)
            }
            Generated::Section(kind, number) => {
                let first = urls::section(language, kind);
                let (url, pages, pagination) = paged(&first, &library.by_kind[&kind], number);
                let mut context = self.context_at(&url);
                context.insert(
                    "section",
                    &serde_json::json!({
                        "kind": kind,
                        "label": views.kinds_label(kind),
                        "url": first,
                        "pages": pages,
                        "pagination": pagination,
                    }),
                );
                (url, "section.html", context)
            }
            Generated::Tags => {
                let url = urls::tags_index(language);
                let mut context = self.context_at(&url);
                let tags: Vec<serde_json::Value> = library
                    .tags()
                    .into_values()
                    .map(|(name, list)| serde_json::json!({ "name": name, "url": urls::tag(language, name), "count": list.len() }))
                    .collect();
                context.insert("tags", &tags);
                (url, "tags.html", context)
            }
            Generated::Tag(name, list, number) => {
                let first = urls::tag(language, name);
                let (url, pages, pagination) = paged(&first, &list, number);
                let mut context = self.context_at(&url);
                context.insert(
                    "tag",
                    &serde_json::json!({ "name": name, "pages": pages, "pagination": pagination }),
                );
                (url, "tag.html", context)
            }
            Generated::Raci => {
                let (roles, rows) = views.raci_matrix();
                let url = urls::raci(language).to_string();
                let mut context = self.context_at(&url);
                context.insert("roles", &roles);
                context.insert("rows", &rows);
                (url, "raci.html", context)
            }
            Generated::Search => {
                let url = urls::search(language).to_string();
                let context = self.context_at(&url);
                (url, "search.html", context)
            }
            Generated::NotFound => {
                // A server shows the 404 page at any depth, where relative links
                // break: with a base URL, its links start from there instead.
                let base_url = &library.settings.base_url;
                let context = if base_url.is_empty() {
                    self.context_at(urls::NOT_FOUND)
                } else {
                    let root = format!("{}/", base_url.trim_end_matches('/'));
                    self.context_with_root(urls::NOT_FOUND, &root)
                };
                (urls::NOT_FOUND.into(), "404.html", context)
            }
        }
    }

    /// The context of a generated page at `url`.
    fn context_at(&self, url: &str) -> Context {
        self.context_with_root(url, &urls::root_of(url))
    }

    fn context_with_root(&self, url: &str, root: &str) -> Context {
        let mut context = self.base.clone();
        context.insert("root", root);
        context.insert("current_url", url);
        let language = self.library.language();
        let in_nav = url == urls::raci(language)
            || self
                .library
                .by_kind
                .keys()
                .any(|&kind| urls::section(language, kind) == url);
        let frame = self.frame(root, if in_nav { url } else { "" }, "");
        context.insert("frame", &*frame);
        context
    }

    /// The frame's shared pieces for a page (see [`FRAME_PARTS`]): `nav_current` is
    /// the page's URL when the navigation links to it, `nav_section` the URL of the
    /// entry whose section holds the page. Rendered on first use; a failure is
    /// reported once, and the pages get empty pieces.
    fn frame(&self, root: &str, nav_current: &str, nav_section: &str) -> Arc<serde_json::Value> {
        let key = (
            root.to_string(),
            nav_current.to_string(),
            nav_section.to_string(),
        );
        if let Some((frame, _)) = self
            .frames
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return frame.clone();
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
        let frame = Arc::new(serde_json::Value::Object(parts));
        let mut frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        frames.entry(key).or_insert((frame, failure)).0.clone()
    }

    /// A frame's template fails the same way on every page: said once.
    fn frame_failures(&self) -> Vec<Diagnostic> {
        let frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        let mut failures: Vec<Diagnostic> = frames
            .values()
            .filter_map(|(_, failure)| failure.clone())
            .collect();
        failures.sort_by(|a, b| a.message.cmp(&b.message));
        failures.dedup_by(|a, b| a.message == b.message);
        failures
    }
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
