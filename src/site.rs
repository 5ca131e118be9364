//! The pipeline, readable as a sentence:
//! load edition → parse → validate → tailor → render → write.
//!
//! `build` runs it for one edition into any `Sink` (a directory swapped in on
//! success, or memory), so a server and a multi-edition build use the same path. It
//! gathers every diagnostic of every stage; a stage that cannot go on without
//! correct input (render needs valid references) runs only when the stages before it
//! found no error.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::book;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::edition::{load_data, Edition};
use crate::i18n::{self, Labels};
use crate::markdown::{self, LinkTarget};
use crate::model::*;
use crate::output::Sink;
use crate::parse::{decode, parse_document};
use crate::render::{self, root_of, Page, Site};
use crate::tailor::{self, Audience, TailoredBody, Values};
use crate::templates;
use crate::validate::validate;

/// What a build is asked to do beyond what the edition says.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Overrides the edition's size.
    pub size: Option<Size>,
    /// Overrides the edition's sector.
    pub sector: Option<Sector>,
    /// Builds pages marked `draft: true`.
    pub drafts: bool,
    /// The date review deadlines are compared with.
    pub today: NaiveDate,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the edition in `dir` into `sink`. On error, returns every diagnostic
/// (warnings included); what was written to the sink is then incomplete.
pub fn build(
    dir: &Path,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<Summary, Vec<Diagnostic>> {
    build_edition(&Edition::load(dir)?, options, sink)
}

/// Builds a loaded edition into `sink` (the command line loads it first, to know
/// which folders the output must not replace).
pub fn build_edition(
    edition: &Edition,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<Summary, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    // The templates parse on one thread while the pages parse on the others.
    let ((docs, unparsed, problems), templates) =
        rayon::join(|| load_documents(edition), || templates::load(edition));
    diagnostics.extend(problems);
    let (data, problems) = load_data(edition);
    diagnostics.extend(problems);
    diagnostics.extend(validate(&docs, &unparsed, options.today));
    let tera = match templates {
        Ok(tera) => Some(tera),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    let theme = match templates::theme_files(edition) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    if let (Some(theme), Some(logo)) = (&theme, &edition.settings.branding.logo) {
        if !theme.contains_key(logo) {
            diagnostics.push(
                Diagnostic::error(format!("the logo `{logo}` is not in theme/"))
                    .in_file(edition.root.join(crate::edition::EDITION_FILE))
                    .hint("put the image in the edition's theme/ folder and name it relative to theme/"),
            );
        }
    }
    // The later stages run even when earlier ones found errors, so that one run
    // reports everything; only the result depends on whether there were errors.
    let theme = theme.unwrap_or_default();

    let audience = Audience {
        size: options.size.or(edition.size),
        sector: options.sector.or(edition.sector),
    };
    let labels = Labels::new(edition.settings.language, &edition.settings.labels);
    let known: HashMap<String, (String, Kind)> = docs
        .iter()
        .map(|d| (d.id.clone(), (d.common.title.clone(), d.kind)))
        .collect();
    let by_path: HashMap<String, String> = docs
        .iter()
        .map(|d| (d.rel_path.clone(), d.id.clone()))
        .collect();
    let values = Values {
        org: &edition.settings.org,
        org_size_label: audience
            .size
            .map(|s| labels.get(&format!("size_{}", s.id())).to_string()),
        org_sector_label: audience
            .sector
            .map(|s| labels.get(&format!("sector_{}", s.id())).to_string()),
        variables: &edition.settings.variables,
        data: &data,
    };

    // Tailor: keep what applies, fill the values.
    let tailored: Vec<Result<Tailored, Vec<Diagnostic>>> = docs
        .into_par_iter()
        .filter(|d| options.drafts || !d.common.draft)
        .filter(|d| audience.admits(d.common.sizes, d.common.sectors))
        .map(|doc| tailor_page(doc, audience, &values, &labels, edition.settings.language))
        .collect();
    let mut pages = Vec::new();
    let mut downloads = Vec::new();
    for result in tailored {
        match result {
            Ok((page, download)) => {
                if let Some(markdown) = download {
                    downloads.push((render::download_url(&page.url), markdown));
                }
                pages.push(page);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }

    let site = Site::new(&edition.settings, &labels, audience, pages, known);
    let writer = Writer {
        site: &site,
        tera: tera.as_ref(),
        sink,
        by_path: &by_path,
        unparsed: &unparsed,
        today: options.today,
        frames: Mutex::default(),
    };
    let (files, problems) = writer.write_all(&theme, &downloads);
    diagnostics.extend(problems);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok(Summary {
        pages: site.pages.len(),
        files,
        warnings: diagnostics,
    })
}

/// Reads and parses every content file, in parallel. Also returns the ids (file
/// stems) of the files that did not parse, so that references to them are not
/// reported as dangling on top of their own errors.
fn load_documents(edition: &Edition) -> (Vec<Document>, HashSet<String>, Vec<Diagnostic>) {
    let files: Vec<(&String, &std::path::PathBuf)> = edition
        .files("content")
        .filter(|(rel, _)| rel.ends_with(".md"))
        .collect();
    let results: Vec<(String, Result<Document, Vec<Diagnostic>>)> = files
        .into_par_iter()
        .map(|(rel, path)| {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".md")
                .to_string();
            (stem, load_document(rel, path.clone()))
        })
        .collect();
    let mut docs = Vec::new();
    let mut unparsed = HashSet::new();
    let mut problems = Vec::new();
    for (stem, result) in results {
        match result {
            Ok(doc) => docs.push(doc),
            Err(p) => {
                unparsed.insert(stem);
                problems.extend(p);
            }
        }
    }
    (docs, unparsed, problems)
}

fn load_document(rel: &str, path: std::path::PathBuf) -> Result<Document, Vec<Diagnostic>> {
    let folder = rel.split('/').next().unwrap_or_default();
    let Some(kind) = Kind::from_folder(folder).filter(|_| rel.contains('/')) else {
        let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
        return Err(vec![Diagnostic::error(format!(
            "content/{rel} is not in a folder of a kind"
        ))
        .in_file(&path)
        .hint(format!(
            "move it into one of content/{{{}}}/",
            folders.join(", ")
        ))]);
    };
    let bytes = crate::parse::read_source(&path).map_err(|err| {
        vec![Diagnostic::error(format!("cannot read the file: {err}"))
            .in_file(&path)
            .hint("check that the file is readable by you and is a text file")]
    })?;
    let source = decode(path, bytes).map_err(|d| vec![d])?;
    parse_document(kind, rel, source)
}

/// A tailored page, and for a charter its Markdown template.
type Tailored = (Page, Option<String>);

/// Tailors one document into a page; a charter also gets its Markdown template.
fn tailor_page(
    mut doc: Document,
    audience: Audience,
    values: &Values,
    labels: &Labels,
    language: crate::edition::Language,
) -> Result<Tailored, Vec<Diagnostic>> {
    let declared: Vec<Variable> = match &doc.data {
        KindData::Charter(c) => c.variables.clone(),
        _ => Vec::new(),
    };
    let mut problems = Vec::new();
    match tailor::fill_fields(&doc.common, values, &declared) {
        Ok(common) => doc.common = common,
        Err(found) => problems.extend(placeholder_errors(&doc, found)),
    }
    tailor::filter_parts(&mut doc.data, audience);
    match tailor::fill_kind(&doc.data, values, &declared) {
        Ok(data) => doc.data = data,
        Err(found) => problems.extend(placeholder_errors(&doc, found)),
    }
    let (body, found) = if tailor::needs_tailoring(doc.body()) {
        tailor::tailor_body(doc.body(), doc.body_line(), audience, values, &declared)
    } else {
        (
            TailoredBody::unchanged(&doc.source, doc.body_start),
            Vec::new(),
        )
    };
    for (at, message, hint) in found {
        problems.push(
            Diagnostic::error(message)
                .at(&doc.source, doc.body_start + at..doc.body_start + at)
                .hint(hint),
        );
    }
    let download = match &doc.data {
        KindData::Charter(_) => Some(render::charter_markdown(&doc.common.title, &body, labels)),
        _ => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut anchors: HashSet<String> = HashSet::new();
    match &doc.data {
        KindData::Playbook(p) => anchors.extend(p.steps.iter().map(|s| format!("step-{}", s.id))),
        KindData::Charter(c) => anchors.extend(
            c.clauses
                .iter()
                .filter_map(|c| c.id.as_ref())
                .map(|id| format!("clause-{id}")),
        ),
        KindData::Assessment(a) => {
            anchors.extend(a.questions.iter().map(|q| format!("q-{}", q.id)))
        }
        _ => {}
    }
    let url = format!("{}/{}.html", i18n::segment(language, doc.kind), doc.id);
    Ok((
        Page {
            doc,
            body,
            url,
            anchors,
        },
        download,
    ))
}

/// Problems in front matter values name their placeholder: point at it.
fn placeholder_errors(doc: &Document, found: Vec<(String, String, String)>) -> Vec<Diagnostic> {
    let yaml = &doc.source.text[doc.front_matter.clone()];
    found
        .into_iter()
        .map(|(placeholder, message, hint)| {
            let at = yaml.find(&placeholder).unwrap_or(0) + doc.front_matter.start;
            let span = at..at + placeholder.len().min(doc.source.text.len() - at);
            Diagnostic::error(message).at(&doc.source, span).hint(hint)
        })
        .collect()
}

/// What the render threads send the writer thread.
enum Output {
    /// A file of the site, by path.
    File(String, Vec<u8>),
    /// Page `i`'s body, for the print book.
    BookBody(usize, String),
}

/// A content page, rendered.
struct PageOutput {
    /// The whole page; none when the templates did not load.
    html: Option<Vec<u8>>,
    /// The body's HTML, for the print book.
    body: String,
    kept: RenderedPage,
}

/// What the build keeps of a rendered page.
#[derive(Default)]
struct RenderedPage {
    heading_ids: Vec<String>,
    anchor_links: Vec<AnchorLink>,
    /// The body's text by section, for the search index.
    sections: Vec<markdown::Section>,
}

/// A link to an anchor, checked after rendering.
struct AnchorLink {
    from: usize,
    to: usize,
    anchor: String,
    line: usize,
}

/// Renders and writes the pages of a site.
struct Writer<'a> {
    site: &'a Site<'a>,
    /// None when the templates did not load: pages are then only checked.
    tera: Option<&'a Tera>,
    sink: &'a dyn Sink,
    by_path: &'a HashMap<String, String>,
    /// Pages that failed to parse: links to them are not reported again.
    unparsed: &'a HashSet<String>,
    today: NaiveDate,
    /// The frame's pieces by key.
    frames: Mutex<HashMap<FrameKey, Frame>>,
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

impl Writer<'_> {
    /// Writes everything; returns the number of files and the problems.
    fn write_all(
        &self,
        theme: &std::collections::BTreeMap<String, Vec<u8>>,
        downloads: &[(String, String)],
    ) -> (usize, Vec<Diagnostic>) {
        let base = self.base_context();
        let mut problems = Vec::new();
        let book_path = i18n::print_page(self.site.language());
        let book = self
            .tera
            .and_then(|tera| match self.book_frame(tera, &base, book_path) {
                Ok(frame) => Some(frame),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            });
        // Pages render in the book's order, each thread taking the next page, so
        // that their bodies come to the book nearly in turn.
        let mut order: Vec<usize> = book.iter().flat_map(book::Frame::order).collect();
        let mut in_book = vec![false; self.site.pages.len()];
        for &i in &order {
            in_book[i] = true;
        }
        order.extend((0..self.site.pages.len()).filter(|&i| !in_book[i]));
        let pages = &self.site.pages;
        let links = book.as_ref().map(|frame| {
            book::Links::new(frame.order().map(|i| {
                let page = &pages[i];
                (page.url.as_str(), page.doc.id.as_str(), &page.anchors)
            }))
        });
        let links = links.as_ref();
        // Pages render in parallel; one thread writes them, in the order they come.
        // Creating thousands of files in one folder from several threads makes the
        // file system contend on the folder's lock, which costs more than it gains.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Output>(256);
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || self.write_files(receiver, book, book_path));
            let mut rendered: Vec<(usize, Result<RenderedPage, Vec<Diagnostic>>)> = order
                .into_iter()
                .par_bridge()
                // Each thread gets its own copy of the shared context and replaces
                // only the page's own keys, instead of a copy per page.
                .map_with((sender.clone(), base.clone()), |(sender, context), i| {
                    let result = self.render_page(i, context, &base).map(|output| {
                        if let Some(html) = output.html {
                            let url = &self.site.pages[i].url;
                            // Made the book's here, in parallel, not by the writer.
                            let body = links.and_then(|links| links.body(url, &output.body));
                            let _ = sender.send(Output::File(url.clone(), html));
                            if let Some(body) = body {
                                let _ = sender.send(Output::BookBody(i, body));
                            }
                        }
                        output.kept
                    });
                    (i, result)
                })
                .collect();
            rendered.sort_unstable_by_key(|(i, _)| *i);
            let mut pages = Vec::with_capacity(rendered.len());
            for (_, result) in rendered {
                match result {
                    Ok(page) => pages.push(page),
                    Err(p) => {
                        problems.extend(p);
                        pages.push(RenderedPage::default());
                    }
                }
            }
            problems.extend(self.check_anchors(&pages));
            let send = |path: String, bytes: Vec<u8>| {
                let _ = sender.send(Output::File(path, bytes));
            };
            let sections: Vec<_> = pages.into_iter().map(|p| p.sections).collect();
            for (path, markdown) in downloads {
                send(path.clone(), markdown.clone().into_bytes());
            }
            for (path, bytes) in theme {
                send(format!("assets/{path}"), bytes.clone());
            }
            let (code_light, code_dark) = markdown::highlight_css();
            send("assets/highlight.css".into(), code_light.into_bytes());
            send("assets/highlight-dark.css".into(), code_dark.into_bytes());
            send("assets/edition.css".into(), self.edition_css().into_bytes());
            if let Some(tera) = self.tera {
                let (generated, index) = rayon::join(
                    || {
                        self.generated_pages(&base)
                            .into_par_iter()
                            .map(|(path, template, context)| {
                                match tera.render(template, &context) {
                                    Ok(html) => Ok((path, html)),
                                    Err(err) => Err(template_error(template, &path, &err)),
                                }
                            })
                            .collect::<Vec<_>>()
                    },
                    // The search index, built while the generated pages render.
                    || {
                        let enabled = self.site.settings.search_enabled;
                        enabled.then(|| crate::search::build_site(self.site, sections))
                    },
                );
                for (path, bytes) in index.into_iter().flatten() {
                    send(path, bytes);
                }
                for result in generated {
                    match result {
                        Ok((path, html)) => send(path, html.into_bytes()),
                        Err(d) => problems.push(d),
                    }
                }
            }
            drop(sender);
            // A frame's template fails the same way on every page: said once.
            let frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
            let mut frame_errors: Vec<&Diagnostic> = frames
                .values()
                .filter_map(|(_, failure)| failure.as_ref())
                .collect();
            frame_errors.sort_by(|a, b| a.message.cmp(&b.message));
            frame_errors.dedup_by(|a, b| a.message == b.message);
            problems.extend(frame_errors.into_iter().cloned());
            let (count, failures) = writer.join().expect("the writer thread does not panic");
            problems.extend(failures);
            (count, problems)
        })
    }

    /// The writer thread: writes the files it receives, and the print book's bodies
    /// into the book as they come. Returns the number of files and the failures.
    fn write_files(
        &self,
        receiver: std::sync::mpsc::Receiver<Output>,
        book: Option<book::Frame>,
        book_path: &str,
    ) -> (usize, Vec<Diagnostic>) {
        let cannot_write = |path: &str, err: std::io::Error| {
            Diagnostic::error(format!("cannot write {path}: {err}"))
                .hint("check the output folder's permissions and free space")
        };
        let mut count = 0;
        let mut failures = Vec::new();
        let mut book = match book.map(|frame| {
            self.sink
                .open(book_path)
                .and_then(|file| book::BookWriter::start(frame, file))
        }) {
            Some(Ok(writer)) => Some(writer),
            Some(Err(err)) => {
                failures.push(cannot_write(book_path, err));
                None
            }
            None => None,
        };
        for output in receiver {
            match output {
                Output::File(path, bytes) => {
                    count += 1;
                    if let Err(err) = self.sink.write(&path, &bytes) {
                        failures.push(cannot_write(&path, err));
                    }
                }
                Output::BookBody(page, body) => {
                    if let Some(writer) = &mut book {
                        if let Err(err) = writer.body(page, body) {
                            failures.push(cannot_write(book_path, err));
                            book = None;
                        }
                    }
                }
            }
        }
        if let Some(writer) = book {
            match writer.finish() {
                Ok(()) => count += 1,
                Err(err) => failures.push(cannot_write(book_path, err)),
            }
        }
        (count, failures)
    }

    /// The print book's frame: its template rendered with a marker in place of each
    /// page's body (see `book`).
    fn book_frame(
        &self,
        tera: &Tera,
        base: &Context,
        path: &str,
    ) -> Result<book::Frame, Diagnostic> {
        let site = self.site;
        let book: Vec<serde_json::Value> = site
            .by_kind
            .iter()
            .map(|(kind, list)| {
                serde_json::json!({
                    "kind": kind,
                    "label": site.kinds_label(*kind),
                    "pages": list.iter().map(|&i| serde_json::json!({
                        "id": site.pages[i].doc.id,
                        "anchor": book::page_anchor(&site.pages[i].doc.id),
                        "title": site.pages[i].doc.common.title,
                        "summary": site.pages[i].doc.common.summary,
                        "url": site.pages[i].url,
                        "content": book::marker(i),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut context = self.context_at(base, path);
        context.insert("book", &book);
        let text = tera
            .render("print.html", &context)
            .map_err(|err| template_error("print.html", path, &err))?;
        Ok(book::Frame::new(text))
    }

    fn base_context(&self) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.site.site_view());
        context.insert("labels", self.site.labels.map());
        context
    }

    /// The context of a generated page at `url`.
    fn context_at(&self, base: &Context, url: &str) -> Context {
        self.context_with_root(base, url, &root_of(url))
    }

    fn context_with_root(&self, base: &Context, url: &str, root: &str) -> Context {
        let mut context = base.clone();
        context.insert("root", root);
        context.insert("current_url", url);
        let site = self.site;
        let in_nav = url == i18n::raci_page(site.language())
            || site
                .by_kind
                .keys()
                .any(|&kind| site.section_url(kind) == url);
        let frame = self.frame(base, root, if in_nav { url } else { "" }, "");
        context.insert("frame", &*frame);
        context
    }

    /// The frame's shared pieces for a page (see [`FRAME_PARTS`]): `nav_current` is
    /// the page's URL when the navigation links to it, `nav_section` the URL of the
    /// entry whose section holds the page. Rendered on first use; a failure is
    /// reported once, and the pages get empty pieces.
    fn frame(
        &self,
        base: &Context,
        root: &str,
        nav_current: &str,
        nav_section: &str,
    ) -> Arc<serde_json::Value> {
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
        let mut context = base.clone();
        context.insert("root", root);
        context.insert("nav_current", nav_current);
        context.insert("nav_section", nav_section);
        let mut parts = serde_json::Map::new();
        let mut failure = None;
        for (name, template) in FRAME_PARTS {
            let html = match self.tera.map(|tera| tera.render(template, &context)) {
                // Trimmed: the template places the piece on its own line.
                Some(Ok(html)) => html.trim().to_string(),
                Some(Err(err)) => {
                    failure = Some(template_error(template, "the page frame", &err));
                    String::new()
                }
                None => String::new(),
            };
            parts.insert(name.to_string(), html.into());
        }
        let frame = Arc::new(serde_json::Value::Object(parts));
        let mut frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        frames.entry(key).or_insert((frame, failure)).0.clone()
    }

    /// Renders one content page: its full HTML (none when the templates did not
    /// load), and what the rest of the build needs of it.
    /// `context` holds the shared data; the page's own keys (`page`, `root`,
    /// `current_url`, `frame`) are replaced in it. `base` is the shared data alone.
    fn render_page(
        &self,
        i: usize,
        context: &mut Context,
        base: &Context,
    ) -> Result<PageOutput, Vec<Diagnostic>> {
        let page = &self.site.pages[i];
        let anchor_links = std::cell::RefCell::new(Vec::new());
        let resolve = |dest: &str, line: usize| {
            self.resolve_link(i, dest, line, &mut anchor_links.borrow_mut())
        };
        let label = |key: &str| self.site.labels.get(key).to_string();
        let rendered = markdown::render(
            &page.body,
            &resolve,
            self.site.settings.search_enabled,
            &label,
        );
        let heading_ids: Vec<String> = rendered.headings.iter().map(|h| h.id.clone()).collect();
        if !rendered.problems.is_empty() {
            return Err(rendered
                .problems
                .into_iter()
                .map(|p| {
                    Diagnostic::error(p.message)
                        .at_line(&page.doc.source, p.line)
                        .hint(p.hint)
                })
                .collect());
        }
        let Some(tera) = self.tera else {
            let result = RenderedPage {
                heading_ids,
                anchor_links: anchor_links.into_inner(),
                sections: rendered.sections,
            };
            return Ok(PageOutput {
                html: None,
                body: rendered.html,
                kept: result,
            });
        };
        let view = self.site.page_view(
            i,
            &rendered.html,
            rendered.highlighted,
            rendered.headings,
            self.today,
        );
        let root = root_of(&page.url);
        // A content page is never a navigation entry itself.
        let frame = self.frame(base, &root, "", &view.section_url);
        context.insert("root", &root);
        context.insert("current_url", &page.url);
        context.insert("frame", &*frame);
        context.insert("page", &view);
        let template = format!("{}.html", page.doc.kind.id());
        // Rendered to bytes: they go to a file as they are, with no UTF-8 check.
        let mut html = Vec::with_capacity(rendered.html.len() + 16 * 1024);
        tera.render_to(&template, context, &mut html)
            .map_err(|err| vec![template_error(&template, &page.url, &err)])?;
        let result = RenderedPage {
            heading_ids,
            anchor_links: anchor_links.into_inner(),
            sections: rendered.sections,
        };
        Ok(PageOutput {
            html: Some(html),
            body: rendered.html,
            kept: result,
        })
    }

    /// What a link in page `from`'s body points to. Links with an anchor are
    /// recorded in `anchor_links`, checked once every page's headings are known.
    fn resolve_link(
        &self,
        from: usize,
        dest: &str,
        line: usize,
        anchor_links: &mut Vec<AnchorLink>,
    ) -> LinkTarget {
        let page = &self.site.pages[from];
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let id = if let Some(id) = path.strip_prefix('@') {
            id.to_string()
        } else if path.is_empty() {
            // A link within the page.
            if let Some(anchor) = anchor {
                anchor_links.push(AnchorLink {
                    from,
                    to: from,
                    anchor: anchor.to_string(),
                    line,
                });
            }
            return LinkTarget::Keep;
        } else if path.ends_with(".md") && !has_scheme(path) {
            let joined = join_relative(&page.doc.rel_path, path);
            match self.by_path.get(&joined) {
                Some(id) => id.clone(),
                None => {
                    return LinkTarget::Broken(
                        format!("the link `{dest}` points to content/{joined}, which does not exist"),
                        "link by path relative to this file (`../playbooks/mener-pilote.md`) or by id (`@mener-pilote`)".into(),
                    )
                }
            }
        } else {
            return LinkTarget::Keep;
        };
        let Some(&target) = self.site.by_id.get(&id) else {
            if self.site.known.contains_key(&id) || self.unparsed.contains(&id) {
                return LinkTarget::Unlinked;
            }
            let hint = match did_you_mean(&id, self.site.known.keys().map(String::as_str)) {
                Some(known) => format!("did you mean `@{known}`?"),
                None => "a page's id is its file name without `.md`, or its `id:`".into(),
            };
            return LinkTarget::Broken(
                format!("the link `{dest}` names the page `{id}`, which does not exist"),
                hint,
            );
        };
        let url = format!("{}{}", root_of(&page.url), self.site.pages[target].url);
        LinkTarget::Rewrite(match anchor {
            Some(a) => {
                anchor_links.push(AnchorLink {
                    from,
                    to: target,
                    anchor: a.to_string(),
                    line,
                });
                format!("{url}#{a}")
            }
            None => url,
        })
    }

    /// Checks the anchors links name, now that every page's headings are known.
    fn check_anchors(&self, rendered: &[RenderedPage]) -> Vec<Diagnostic> {
        let anchors_of = |i: usize| -> HashSet<&str> {
            self.site.pages[i]
                .anchors
                .iter()
                .map(String::as_str)
                .chain(rendered[i].heading_ids.iter().map(String::as_str))
                .collect()
        };
        let mut problems = Vec::new();
        for link in rendered.iter().flat_map(|r| &r.anchor_links) {
            let anchors = anchors_of(link.to);
            if anchors.contains(link.anchor.as_str()) {
                continue;
            }
            let hint = match did_you_mean(&link.anchor, anchors.iter().copied()) {
                Some(known) => format!("did you mean `#{known}`?"),
                None => "anchors are heading ids (« Sécurité des données » → `#securite-des-donnees`) or `#step-<id>` for a playbook's steps".into(),
            };
            let source = &self.site.pages[link.from].doc.source;
            problems.push(
                Diagnostic::error(format!(
                    "the page `{}` has no anchor `#{}`",
                    self.site.pages[link.to].doc.id, link.anchor
                ))
                .at_line(source, link.line)
                .hint(hint),
            );
        }
        problems
    }

    fn edition_css(&self) -> String {
        let colours = &self.site.settings.branding.colors;
        let mut css = String::from("/* Generated from the edition's branding. */\n:root {\n");
        if let Some(primary) = &colours.primary {
            css.push_str(&format!("  --brand-primary: {primary};\n"));
        }
        if let Some(accent) = &colours.accent {
            css.push_str(&format!("  --brand-accent: {accent};\n"));
        }
        css.push_str("}\n");
        css
    }

    /// Home, kind indexes, tags, RACI and 404: (path, template, context).
    fn generated_pages(&self, base: &Context) -> Vec<(String, &'static str, Context)> {
        let site = self.site;
        let language = site.language();
        let mut pages = Vec::new();
        let sections: Vec<serde_json::Value> = site
            .by_kind
            .iter()
            .map(|(kind, list)| {
                serde_json::json!({
                    "kind": kind,
                    "label": site.kinds_label(*kind),
                    "url": site.section_url(*kind),
                    "count": list.len(),
                    "pages": list.iter().take(6).map(|&i| site.card(i)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut home = self.context_at(base, "index.html");
        home.insert("sections", &sections);
        home.insert("start", &site.start_view());
        pages.push(("index.html".to_string(), "index.html", home));

        for (kind, list) in &site.by_kind {
            let url = site.section_url(*kind);
            let mut context = self.context_at(base, &url);
            context.insert(
                "section",
                &serde_json::json!({
                    "kind": kind,
                    "label": site.kinds_label(*kind),
                    "url": url,
                    "pages": list.iter().map(|&i| site.card(i)).collect::<Vec<_>>(),
                }),
            );
            pages.push((url, "section.html", context));
        }

        let tags = site.tags();
        let tags_url = format!("{}/index.html", i18n::tags_segment(language));
        let mut context = self.context_at(base, &tags_url);
        let tag_list: Vec<serde_json::Value> = tags
            .iter()
            .map(|(name, list)| serde_json::json!({ "name": name, "url": site.tag_url(name), "count": list.len() }))
            .collect();
        context.insert("tags", &tag_list);
        pages.push((tags_url, "tags.html", context));
        for (name, list) in &tags {
            let url = site.tag_url(name);
            let mut context = self.context_at(base, &url);
            context.insert(
                "tag",
                &serde_json::json!({ "name": name, "pages": list.iter().map(|&i| site.card(i)).collect::<Vec<_>>() }),
            );
            pages.push((url, "tag.html", context));
        }

        let (roles, rows) = site.raci_matrix();
        let raci_url = i18n::raci_page(language).to_string();
        let mut context = self.context_at(base, &raci_url);
        context.insert("roles", &roles);
        context.insert("rows", &rows);
        pages.push((raci_url, "raci.html", context));

        if site.settings.search_enabled {
            let url = i18n::search_page(language).to_string();
            let context = self.context_at(base, &url);
            pages.push((url, "search.html", context));
        }

        // A server shows the 404 page at any depth, where relative links break: with a
        // base URL, its links start from there instead.
        let base_url = &site.settings.base_url;
        let not_found = if base_url.is_empty() {
            self.context_at(base, "404.html")
        } else {
            let root = format!("{}/", base_url.trim_end_matches('/'));
            self.context_with_root(base, "404.html", &root)
        };
        pages.push(("404.html".to_string(), "404.html", not_found));
        pages
    }
}

fn template_error(template: &str, page: &str, err: &tera::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "the template {template} failed on {page}: {}",
        templates::error_chain(err)
    ))
    .hint("fix the template (or the override in the edition's templates/ folder)")
}

fn has_scheme(path: &str) -> bool {
    path.starts_with("//")
        || path
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// `path` relative to the folder of `from` (both under content/), normalised.
fn join_relative(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_linking_file() {
        assert_eq!(
            join_relative("playbooks/a.md", "../roles/dpo.md"),
            "roles/dpo.md"
        );
        assert_eq!(join_relative("playbooks/a.md", "b.md"), "playbooks/b.md");
        assert_eq!(
            join_relative("playbooks/sub/a.md", "../../pages/x.md"),
            "pages/x.md"
        );
    }

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://example.org/a.md"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../roles/dpo.md"));
    }
}
