//! Render bodies stage: every page's Markdown to HTML, in parallel and before any
//! template runs, with its links resolved (`links`) and, for the search index, its
//! text by section. A body is rendered once; the page, the print book and the
//! index all take it from here.

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::links::{self, AnchorLink};
use crate::markdown::{self, Heading, Section};

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
}

/// Renders the body of every page of the library, by index; a body that has
/// problems is empty, and its problems are returned.
pub fn render(library: &Library) -> (Vec<Body>, Vec<Diagnostic>) {
    let results: Vec<Result<Body, Vec<Diagnostic>>> = (0..library.pages.len())
        .into_par_iter()
        .map(|i| render_one(library, i))
        .collect();
    let mut bodies = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(body) => bodies.push(body),
            Err(found) => {
                problems.extend(found);
                bodies.push(Body::default());
            }
        }
    }
    (bodies, problems)
}

fn render_one(library: &Library, i: usize) -> Result<Body, Vec<Diagnostic>> {
    let page = &library.pages[i];
    let anchor_links = std::cell::RefCell::new(Vec::new());
    let resolve = |dest: &str, line: usize| {
        links::resolve(library, i, dest, line, &mut anchor_links.borrow_mut())
    };
    let label = |key: &str| library.labels.get(key).to_string();
    let rendered = markdown::render(
        &page.body,
        &resolve,
        library.settings.search_enabled,
        &label,
    );
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
    Ok(Body {
        html: {
            let mut html = rendered.html;
            html.shrink_to_fit();
            html
        },
        highlighted: rendered.highlighted,
        headings: rendered.headings,
        sections: rendered.sections,
        anchor_links: anchor_links.into_inner(),
    })
}
