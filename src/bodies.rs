//! Render bodies stage: every page's Markdown to HTML, in parallel and before any
//! template runs, with its links resolved (`links`) and, for the search index, its
//! text by section. A body is rendered once; the page, the print book and the
//! index all take it from here.

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::links::{self, AnchorLink};
use crate::markdown::{self, Heading, Section};
use crate::model::KindData;

/// A page's body, rendered.
#[derive(Default)]
pub struct Body {
    pub html: String,
    /// Whether a code block was highlighted: the page then needs the code colours.
    pub highlighted: bool,
    pub headings: Vec<Heading>,
    /// The body's text by section; empty when the search is off.
    pub sections: Vec<Section>,
    /// The links that name an anchor, checked once every body is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// The page's kind-specific fields, the inline ones rendered as HTML for the
    /// page's own place (`KindData::inline_fields`).
    pub data: KindData,
}

/// Renders the body of every page of the library, by index; a body that has
/// errors is empty. Its problems, warnings included, are returned.
pub fn render(library: &Library) -> (Vec<Body>, Vec<Diagnostic>) {
    let results: Vec<(Body, Vec<Diagnostic>)> = (0..library.pages.len())
        .into_par_iter()
        .map(|i| render_one(library, i))
        .collect();
    let mut bodies = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (body, found) in results {
        bodies.push(body);
        problems.extend(found);
    }
    (bodies, problems)
}

fn render_one(library: &Library, i: usize) -> (Body, Vec<Diagnostic>) {
    let page = &library.pages[i];
    let anchor_links = std::cell::RefCell::new(Vec::new());
    let resolve = |dest: &str, line: usize| {
        links::resolve(library, i, dest, line, &mut anchor_links.borrow_mut())
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
            data,
            ..Body::default()
        };
        return (body, problems);
    }
    let mut html = rendered.html;
    html.shrink_to_fit();
    let body = Body {
        html,
        highlighted: rendered.highlighted,
        headings: rendered.headings,
        sections: rendered.sections,
        anchor_links: anchor_links.into_inner(),
        data,
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
