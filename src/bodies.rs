//! Render bodies stage: every page's Markdown to HTML, in parallel and before any
//! template runs, with its links resolved (`links`) and, for the search index, its
//! text by section. A body is rendered once; the page, the print book and the
//! index all take it from here. A session that keeps bodies (the live preview's)
//! gives back a body rendered by an earlier build when everything it was rendered
//! from is equal and each of its links still resolves as it did.

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::links::{self, AnchorLink};
use crate::markdown::{self, Heading, LinkTarget, Section};
use crate::model::KindData;
use crate::session::{BodySettings, KeptBody, Session};
use std::sync::Arc;

/// A page's body, rendered: what a later build can take as it is (see `Session`).
#[derive(Default)]
pub struct Rendered {
    pub html: String,
    /// The fingerprint of `html`, `headings` and `highlighted`, which stands for
    /// them where pages are compared.
    pub fingerprint: u64,
    /// Whether a code block was highlighted: the page then needs the code colours.
    pub highlighted: bool,
    pub headings: Vec<Heading>,
    /// The body's text by section; empty when the search is off.
    pub sections: Vec<Section>,
    /// The page's kind-specific fields, the inline ones rendered as HTML for the
    /// page's own place (`KindData::inline_fields`).
    pub data: KindData,
}

/// A page's body in this build: the rendered part, shared with the session, and
/// the links that name an anchor, by this build's page indices.
#[derive(Clone, Default)]
pub struct Body {
    rendered: Arc<Rendered>,
    /// The links that name an anchor, checked once every body is rendered.
    pub anchor_links: Vec<AnchorLink>,
}

impl std::ops::Deref for Body {
    type Target = Rendered;

    fn deref(&self) -> &Rendered {
        &self.rendered
    }
}

/// Renders the body of every page of the library, by index; a body that has
/// errors is empty. Its problems, warnings included, are returned.
pub fn render(library: &Library, session: &Session) -> (Vec<Body>, Vec<Diagnostic>) {
    session.keep_bodies_for(BodySettings {
        labels: library.labels.clone(),
        policy: library.settings.raw_html,
        with_sections: library.settings.search_enabled,
    });
    let links_fingerprint = if session.keeps_bodies() {
        library.links_fingerprint()
    } else {
        0
    };
    let results: Vec<(Body, Vec<Diagnostic>)> = (0..library.pages.len())
        .into_par_iter()
        .map(|i| {
            if !session.keeps_bodies() {
                return render_one(library, i, &mut |_, _, _| {});
            }
            let page = &library.pages[i];
            let key = (page.doc.source.path.clone(), page.doc.rel_path.clone());
            if let Some(earlier) = session.body(&key) {
                if let Some(reused) = reuse(library, i, &earlier, links_fingerprint) {
                    session.reused_body();
                    return reused;
                }
            }
            let mut links = Vec::new();
            let (body, problems) = render_one(library, i, &mut |dest, line, target| {
                links.push((dest.to_string(), line, target.clone()))
            });
            session.keep_body(
                key,
                KeptBody {
                    doc: page.doc.clone(),
                    tailored: page.body.clone(),
                    url: page.url.clone(),
                    anchors: page.anchors.clone(),
                    links,
                    links_fingerprint,
                    anchor_links: body.anchor_links.clone(),
                    rendered: body.rendered.clone(),
                    problems: problems.clone(),
                },
            );
            (body, problems)
        })
        .collect();
    let mut bodies = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (body, found) in results {
        bodies.push(body);
        problems.extend(found);
    }
    (bodies, problems)
}

/// Page `i`'s body as `earlier` rendered it, when it was rendered from the same
/// things and each of its links resolves as it did; its anchor links are those of
/// this build (pages have new indices). The settings all bodies share were
/// compared once, by `Session::keep_bodies_for`; when nothing a link reads changed
/// (`links_fingerprint`), the links are as they were.
fn reuse(
    library: &Library,
    i: usize,
    earlier: &KeptBody,
    links_fingerprint: u64,
) -> Option<(Body, Vec<Diagnostic>)> {
    let page = &library.pages[i];
    // A page the session kept tailored is the same allocation.
    let (was, is) = (&earlier.doc, &page.doc);
    let same_doc = Arc::ptr_eq(was, is)
        || was.source.text == is.source.text
            && was.source.path == is.source.path
            && was.data == is.data;
    if !same_doc
        || !Arc::ptr_eq(&earlier.tailored, &page.body) && earlier.tailored != page.body
        || earlier.url != page.url
        || earlier.anchors != page.anchors
    {
        return None;
    }
    let anchor_links = if earlier.links_fingerprint == links_fingerprint {
        earlier.anchor_links.clone()
    } else {
        let mut anchor_links = Vec::new();
        for (dest, line, target) in &earlier.links {
            if links::resolve(library, i, dest, *line, &mut anchor_links) != *target {
                return None;
            }
        }
        anchor_links
    };
    let body = Body {
        rendered: earlier.rendered.clone(),
        anchor_links,
    };
    Some((body, earlier.problems.clone()))
}

/// Renders page `i`'s body and fields; `record` sees each link resolved.
fn render_one(
    library: &Library,
    i: usize,
    record: &mut dyn FnMut(&str, usize, &LinkTarget),
) -> (Body, Vec<Diagnostic>) {
    let page = &library.pages[i];
    let anchor_links = std::cell::RefCell::new(Vec::new());
    let record = std::cell::RefCell::new(record);
    let resolve = |dest: &str, line: usize| {
        let target = links::resolve(library, i, dest, line, &mut anchor_links.borrow_mut());
        (record.borrow_mut())(dest, line, &target);
        target
    };
    let label = |key: &str| library.labels.get(key).to_string();
    let reserved_ids: Vec<String> = page.anchors.iter().cloned().collect();
    let rendered = markdown::render(
        &page.body,
        &markdown::Context {
            resolve: &resolve,
            label: &label,
            policy: library.settings.raw_html,
            with_sections: library.settings.search_enabled,
            reserved_ids: &reserved_ids,
        },
    );
    let source = &page.doc.source;
    let mut problems: Vec<Diagnostic> = rendered
        .problems
        .into_iter()
        .map(|p| {
            let line = p.line;
            diagnostic(p).at_line(source, line)
        })
        .collect();
    let data = render_fields(library, i, &resolve, &mut problems);
    if problems.iter().any(Diagnostic::is_error) {
        // The page still renders, so that its template's problems show too.
        let body = Body {
            rendered: Arc::new(Rendered {
                data,
                ..Rendered::default()
            }),
            anchor_links: Vec::new(),
        };
        return (body, problems);
    }
    let mut html = rendered.html;
    html.shrink_to_fit();
    let body = Body {
        rendered: Arc::new(Rendered {
            fingerprint: crate::fingerprint::Fingerprint::new()
                .with(&html)
                .with_json(&rendered.headings)
                .with(&rendered.highlighted)
                .finish(),
            html,
            highlighted: rendered.highlighted,
            headings: rendered.headings,
            sections: rendered.sections,
            data,
        }),
        anchor_links: anchor_links.into_inner(),
    };
    (body, problems)
}

/// What to look for in the front matter to place a field's problem: what the
/// message quotes (`<svg>`, a link), else the start of the field's text, up to
/// the first character YAML may have escaped.
fn needle<'t>(front_matter: &str, message: &'t str, field: &'t str) -> &'t str {
    let quoted = message.split('`').nth(1).unwrap_or_default();
    let opening = quoted.trim_end_matches('>');
    let start = field
        .split(['"', '\\', '\'', '\n'])
        .next()
        .unwrap_or_default();
    let start = &start[..start.floor_char_boundary(40)];
    [quoted, opening, start]
        .into_iter()
        .find(|n| !n.is_empty() && front_matter.contains(*n))
        .unwrap_or_default()
}

fn diagnostic(problem: markdown::Problem) -> Diagnostic {
    let d = if problem.warning {
        Diagnostic::warning(problem.message)
    } else {
        Diagnostic::error(problem.message)
    };
    d.hint(problem.hint)
}

/// The page's kind-specific fields with the inline ones rendered as its body is:
/// their links resolved (and recorded for the anchor check), their raw HTML under
/// the edition's policy. A problem is placed at the first line of the front matter
/// that holds what it is about.
fn render_fields(
    library: &Library,
    i: usize,
    resolve: &dyn Fn(&str, usize) -> markdown::LinkTarget,
    problems: &mut Vec<Diagnostic>,
) -> KindData {
    let doc = &library.pages[i].doc;
    let mut data = doc.data.clone();
    let front_matter = &doc.source.text[doc.front_matter.clone()];
    let line_of = |needle: &str| {
        let at = front_matter.find(needle).unwrap_or(0);
        crate::model::line_of(&doc.source.text, doc.front_matter.start + at)
    };
    for text in data.inline_fields_mut() {
        let located = |dest: &str, _: usize| resolve(dest, line_of(dest));
        let inline = markdown::render_inline(text, &located, library.settings.raw_html);
        for problem in inline.problems {
            let line = line_of(needle(front_matter, &problem.message, text));
            problems.push(diagnostic(problem).at_line(&doc.source, line));
        }
        *text = inline.html;
    }
    data
}
