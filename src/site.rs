//! The pipeline, readable as a sentence, one line per stage:
//! load edition → parse → validate → tailor → render bodies → check links and
//! anchors → index → render pages → write.
//!
//! Each stage has its module and a named product (see docs/architecture.md):
//! `parse::corpus` gives a `Corpus`, `tailor::pages` the tailored pages, which
//! `Library` indexes; `bodies::render` gives each page's `Body`; `links` checks
//! them; `search::index` and `pages::render` read the library and the bodies, never
//! an earlier stage's data; `output` writes. `build` runs it for one edition into
//! any `Sink` (a directory swapped in on success, or memory), so a server and a
//! multi-edition build use the same path. Every stage runs even when an earlier
//! one found errors, so that one run reports every problem; only the result
//! depends on whether there were any.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::assets;
use crate::bodies;
use crate::diagnostics::Diagnostic;
use crate::edition::{load_data, Edition};
use crate::i18n::Labels;
use crate::library::{Catalogue, Library};
use crate::links;
use crate::model::*;
use crate::output::{Queue, Sink};
use crate::pages;
use crate::parse;
use crate::search;
use crate::session::Session;
use crate::tailor::{self, Audience, Values};
use crate::templates;
use crate::validate::validate;
use crate::views::Views;
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
    build_in(&Session::default(), edition, options, sink)
}

/// Builds a loaded edition into `sink`, reusing what earlier builds of `session`
/// parsed.
pub fn build_in(
    session: &Session,
    edition: &Edition,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<Summary, Vec<Diagnostic>> {
    let mut problems = Problems::default();
    // The templates parse on one thread while the pages parse on the others.
    let (corpus, templates) = rayon::join(
        || parse::corpus(edition, session),
        || session.templates(edition),
    );
    let corpus = problems.take(corpus);
    let templates = problems.ok(templates);
    let theme = problems
        .ok(templates::theme_files(edition))
        .unwrap_or_default();
    problems.extend(check_logo(edition, &theme));
    let data = problems.take(load_data(edition));
    problems.extend(validate(&corpus.documents, &corpus.unparsed, options.today));

    let audience = Audience {
        size: options.size.or(edition.size),
        sector: options.sector.or(edition.sector),
    };
    let labels = Labels::new(edition.settings.language, &edition.settings.labels);
    let values = Values::of_edition(&edition.settings, audience, &labels, &data);
    let attachments = assets::attachments(edition);
    let catalogue = Catalogue::new(
        &corpus.documents,
        corpus.unparsed,
        attachments.keys().cloned().collect(),
    );
    problems.extend(allow_warning(edition));
    let tailored = problems.take(tailor::pages(
        corpus.documents,
        audience,
        &values,
        options.drafts,
    ));
    let library = Library::new(&edition.settings, &labels, audience, tailored, catalogue);
    let bodies = problems.take(bodies::render(&library, session));
    problems.extend(links::check_anchors(&library, &bodies));
    let index = if edition.settings.search_enabled {
        search::index(&library, &bodies)
    } else {
        Vec::new()
    };
    let assets = assets::files(&edition.settings, theme);
    let file_urls = assets::versioned_urls(assets.iter().chain(&index));
    let views = Views::new(&library, &bodies);
    let files = std::thread::scope(|scope| {
        let out = Queue::start(scope, sink);
        out.send_all(index);
        out.send_all(assets);
        problems.extend(assets::copy_attachments(&attachments, &out));
        problems.extend(pages::render(
            &views,
            &bodies,
            &file_urls,
            templates.as_deref(),
            options.today,
            &out,
        ));
        problems.take(out.finish())
    });
    problems.into_result(Summary {
        pages: library.pages.len(),
        files,
        warnings: Vec::new(),
    })
}

/// Every problem of every stage, in the order found.
#[derive(Default)]
struct Problems(Vec<Diagnostic>);

impl Problems {
    fn extend(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(found);
    }

    /// A stage's product, its problems kept.
    fn take<T>(&mut self, (product, found): (T, Vec<Diagnostic>)) -> T {
        self.0.extend(found);
        product
    }

    /// A stage's product, or none when it failed.
    fn ok<T>(&mut self, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
        result.map_err(|found| self.0.extend(found)).ok()
    }

    /// The build's result: the summary with the warnings, or every problem.
    fn into_result(self, summary: Summary) -> Result<Summary, Vec<Diagnostic>> {
        if self.0.iter().any(Diagnostic::is_error) {
            Err(self.0)
        } else {
            Ok(Summary {
                warnings: self.0,
                ..summary
            })
        }
    }
}

/// `raw_html: allow` gives up the promise that content runs no script: say so at
/// every build, so that it is never forgotten.
fn allow_warning(edition: &Edition) -> Option<Diagnostic> {
    (edition.settings.raw_html == crate::sanitise::RawHtml::Allow).then(|| {
        Diagnostic::warning(
            "`raw_html: allow`: the authors' HTML and scripts go into the pages as written, and the pages carry no Content-Security-Policy",
        )
        .in_file(edition.root.join(crate::edition::EDITION_FILE))
        .hint("keep it only if you trust everyone who writes in this edition and its parents; `raw_html: sanitise` keeps the safe part of their HTML")
    })
}

/// The logo the settings name must be a theme file.
fn check_logo(edition: &Edition, theme: &BTreeMap<String, Vec<u8>>) -> Option<Diagnostic> {
    let logo = edition.settings.branding.logo.as_ref()?;
    (!theme.is_empty() && !theme.contains_key(logo)).then(|| {
        Diagnostic::error(format!("the logo `{logo}` is not in theme/"))
            .in_file(edition.root.join(crate::edition::EDITION_FILE))
            .hint("put the image in the edition's theme/ folder and name it relative to theme/")
    })
}
