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

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use crate::assets;
use crate::bodies;
use crate::branding;
use crate::diagnostics::Diagnostic;
use crate::edition::{load_data, Edition};
use crate::i18n::Labels;
use crate::library::{Catalogue, Library};
use crate::links;
use crate::model::*;
use crate::output::{Queue, Sink};
use crate::pages;
use crate::parse;
use crate::references::References;
use crate::search;
use crate::session::Session;
use crate::tailor::{self, Audience, Values};
use crate::templates;
use crate::urls;
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
    build_staged(session, edition, options, sink, None)
}

/// Builds into the folder `out` through `session`: staged beside it and swapped in
/// only when the build succeeded (see `output::DirSink`, which also refuses a
/// folder gouvernail did not write unless `force`).
pub fn build_into_folder(
    session: &Session,
    edition: &Edition,
    options: &BuildOptions,
    out: &Path,
    force: bool,
) -> Result<Summary, Vec<Diagnostic>> {
    let sink = crate::output::DirSink::new(out, edition, force).map_err(|d| vec![d])?;
    let repaired = sink.warnings().to_vec();
    let with_repairs = |mut diagnostics: Vec<Diagnostic>| {
        diagnostics.extend(repaired.iter().cloned());
        diagnostics
    };
    let mut summary = build_in(session, edition, options, &sink).map_err(with_repairs)?;
    summary.warnings = with_repairs(summary.warnings);
    if edition.settings.exports.zip {
        // Made of the whole site, so written last, into the site before it is
        // swapped in.
        let name = crate::archive::name(&edition.settings, options.today);
        let file = format!("{name}.zip");
        crate::archive::zip_folder(sink.staging(), &name, options.today, None)
            .and_then(|bytes| std::fs::write(sink.staging().join(&file), bytes))
            .map_err(|err| {
                with_repairs(vec![Diagnostic::error(format!(
                    "cannot write {file}: {err}"
                ))
                .hint(
                    "check the free space and the permissions beside the output folder",
                )])
            })?;
    }
    sink.commit().map_err(|err| {
        vec![Diagnostic::error(format!(
            "cannot move the new site into {}: {err}",
            out.display()
        ))
        .hint("check that nothing holds the output folder open and that you may write beside it")]
    })?;
    Ok(summary)
}

/// Told, during a live preview's build, that the pages are in the sink and can be
/// served; given the paths the build makes next, whose last version is to be
/// served until then (the search index and the print book).
pub type PagesReady<'a> = &'a (dyn Fn(&[String]) + Sync);

/// Builds as `build_in` does; with `pages_ready`, and when the session knows the
/// last build's index, the pages go first, `pages_ready` is told, and the search
/// index and the print book follow. The sink's files at the end are the same.
pub fn build_staged(
    session: &Session,
    edition: &Edition,
    options: &BuildOptions,
    sink: &dyn Sink,
    pages_ready: Option<PagesReady>,
) -> Result<Summary, Vec<Diagnostic>> {
    let mut problems = Problems::default();
    session.start_pages();
    let mut clock = Stopwatch::from_env();
    // The templates parse on one thread while the pages parse on the others.
    let (corpus, templates) = rayon::join(
        || parse::corpus(edition, session),
        || session.templates(edition),
    );
    let corpus = problems.take(corpus);
    clock.lap("parse");
    let templates = problems.ok(templates);
    let theme = problems
        .ok(templates::theme_files(edition))
        .unwrap_or_default();
    problems.extend(branding::check_images(edition, &theme));
    problems.extend(branding::contrast_warnings(edition, &theme));
    let data = problems.take(load_data(edition, session));
    let synonyms = problems.take(search::synonyms::Synonyms::load(
        edition,
        &search::text::Analyzer::new(edition.settings.language),
        session,
    ));
    let references = problems.take(References::load(edition, options.today, session));
    // A half-merged file stops the build here: the later stages would miss what it
    // holds (a theme file, a data file, the references), and their errors would
    // bury the conflict under one for every page.
    if problems.0.iter().any(parse::is_conflict) {
        return Err(problems.0);
    }
    let labels = Labels::new(edition.settings.language, &edition.settings.labels);
    let mut corpus = corpus;
    corpus
        .documents
        .extend(references.page(edition.settings.language, &labels, |id| {
            corpus.documents.iter().any(|d| d.id == id)
        }));
    // Pages that exist but are not built: links to them are not broken ones.
    let mut withheld = corpus.unparsed;
    withheld.extend(edition.excluded.iter().filter_map(|rel| {
        let stem = rel.strip_suffix(".md")?;
        Some(stem.rsplit('/').next().unwrap_or(stem).to_string())
    }));
    let audience = Audience {
        size: options.size.or(edition.size),
        sector: options.sector.or(edition.sector),
    };
    problems.extend(validate(
        &corpus.documents,
        &withheld,
        audience,
        options.today,
    ));
    clock.lap("validate");

    let values = Values::of_edition(&edition.settings, audience, &labels, &data, &references);
    clock.lap("data");
    let attachments = assets::attachments(edition);
    let catalogue = Catalogue::new(
        &corpus.documents,
        withheld,
        edition.excluded.clone(),
        attachments.keys().cloned().collect(),
    );
    problems.extend(allow_warning(edition));
    let tailored = problems.take(tailor::pages(
        corpus.documents,
        audience,
        &values,
        options.drafts,
        session,
    ));
    clock.lap("tailor");
    let library = Library::new(
        &edition.settings,
        &labels,
        audience,
        tailored,
        catalogue,
        options.today,
    );
    clock.lap("library");
    let bodies = problems.take(bodies::render(&library, session));
    clock.lap("bodies");
    problems.extend(links::check_anchors(&library, &bodies));
    problems.extend(links::check_search_aliases(&library, &bodies));
    clock.lap("anchors");
    let views = Views::new(&library, &bodies);
    clock.lap("views");
    let mut assets = assets::files(&edition.settings, theme);
    let asset_urls = assets::versioned_urls(&assets);
    // The exports go with the assets, in the first part written (a preview has
    // them with its first pages).
    assets.extend(problems.take(exports(&views, &bodies, &edition.settings, options.today)));
    clock.lap("exports");
    // Each part names its own file URLs.
    let inputs = pages::Inputs {
        views: &views,
        bodies: &bodies,
        file_urls: &asset_urls,
        templates: templates.as_deref(),
        today: options.today,
        session,
    };
    let make_index = || {
        if edition.settings.search_enabled {
            search::index(&library, &bodies, &synonyms, session.search_pages())
        } else {
            Vec::new()
        }
    };
    // A preview serves the pages before the index and the book: rendered with the
    // last index's URLs, which it still serves.
    let staged = pages_ready
        .zip(session.index_urls())
        // The pages name the index's files: a last build without the search (or
        // with it, when it is now off) has none to lend them.
        .filter(|(_, last_index)| last_index.is_empty() != edition.settings.search_enabled)
        .filter(|_| !problems.has_errors());
    let mut written = HashSet::new();
    // The assets and the attachments go with the first part written.
    let mut assets = Some(assets);
    let early_urls = staged.map(|(pages_ready, last_index)| {
        let mut early_urls = asset_urls.clone();
        early_urls.extend(last_index.clone());
        write_part(sink, &mut written, &mut problems, |out| {
            let mut found = send_firsts(assets.take(), &attachments, out);
            found.extend(pages::render(
                &pages::Inputs {
                    file_urls: &early_urls,
                    ..inputs
                },
                pages::Part::Pages,
                out,
            ));
            found
        });
        clock.lap("pages");
        if !problems.has_errors() {
            let mut deferred: Vec<String> = last_index.into_keys().collect();
            deferred.push(urls::print(library.language()).to_string());
            pages_ready(&deferred);
        }
        early_urls
    });
    let index = make_index();
    clock.lap("search index");
    let index_urls = assets::versioned_urls(&index);
    let mut file_urls = asset_urls.clone();
    file_urls.extend(index_urls.clone());
    // The pages name the index's files with their versions: when these changed
    // since the pages went first, they are rendered again (those a session kept,
    // taken).
    let part = match &early_urls {
        Some(early_urls) if *early_urls == file_urls => pages::Part::PrintBook,
        _ => pages::Part::Everything,
    };
    write_part(sink, &mut written, &mut problems, |out| {
        out.send_all(index);
        let mut found = send_firsts(assets.take(), &attachments, out);
        found.extend(pages::render(
            &pages::Inputs {
                file_urls: &file_urls,
                ..inputs
            },
            part,
            out,
        ));
        found
    });
    // The former addresses last, where they can be checked against every file.
    let (redirects, clashes) = pages::redirects(&library, &written);
    problems.extend(clashes);
    write_part(sink, &mut written, &mut problems, |out| {
        out.send_all(redirects);
        Vec::new()
    });
    clock.lap(if early_urls.is_some() {
        "print book"
    } else {
        "pages"
    });
    session.end_pages();
    if !problems.has_errors() {
        session.keep_index_urls(index_urls);
    }
    problems.into_result(Summary {
        pages: library.pages.len(),
        files: written.len(),
        warnings: Vec::new(),
    })
}

/// The time of each stage, printed to stderr when `GOUVERNAIL_TIMINGS` is set (for
/// the benchmarks; see docs/benchmarks.md).
struct Stopwatch(Option<std::time::Instant>);

impl Stopwatch {
    fn from_env() -> Stopwatch {
        Stopwatch(std::env::var_os("GOUVERNAIL_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, stage: &str) {
        if let Some(started) = self.0.as_mut() {
            eprintln!(
                "timing: {stage} {:.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
            *started = std::time::Instant::now();
        }
    }
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

    fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// A stage's product, or none when it failed.
    fn ok<T>(&mut self, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
        result.map_err(|found| self.0.extend(found)).ok()
    }

    /// The build's result: the summary with the warnings, or every problem.
    fn into_result(self, summary: Summary) -> Result<Summary, Vec<Diagnostic>> {
        if self.has_errors() {
            Err(self.0)
        } else {
            Ok(Summary {
                warnings: self.0,
                ..summary
            })
        }
    }
}

/// Writes what `make` queues into `sink` from a writing thread, and adds the paths
/// written and every problem.
fn write_part(
    sink: &dyn Sink,
    written: &mut HashSet<String>,
    problems: &mut Problems,
    make: impl FnOnce(&Queue) -> Vec<Diagnostic>,
) {
    let (found, (paths, failures)) = std::thread::scope(|scope| {
        let out = Queue::start(scope, sink);
        let found = make(&out);
        (found, out.finish_with_paths())
    });
    problems.extend(found);
    problems.extend(failures);
    written.extend(paths);
}

/// Queues the assets and copies the attachments, once: `assets` is then none.
fn send_firsts(
    assets: Option<Vec<(String, Vec<u8>)>>,
    attachments: &BTreeMap<String, std::path::PathBuf>,
    out: &Queue,
) -> Vec<Diagnostic> {
    let Some(assets) = assets else {
        return Vec::new();
    };
    out.send_all(assets);
    assets::copy_attachments(attachments, out)
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

/// The files beside the pages: each charter's Markdown, and what the edition's
/// `exports:` asks for.
fn exports(
    views: &Views,
    bodies: &[crate::bodies::Body],
    settings: &crate::edition::Settings,
    date: NaiveDate,
) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    use crate::spreadsheet;
    let (mut files, mut problems) = crate::charter_files::files(views, date, settings.exports.docx);
    let mut send = |path: &str, made: Result<Vec<u8>, Diagnostic>| match made {
        Ok(bytes) => files.push((path.to_string(), bytes)),
        Err(problem) => problems.push(problem),
    };
    if settings.exports.xlsx {
        send(
            spreadsheet::XLSX,
            spreadsheet::xlsx(views, &settings.title, date),
        );
    }
    if settings.exports.csv {
        send(spreadsheet::CSV, spreadsheet::csv(views));
    }
    if settings.exports.json {
        send(
            crate::handbook_json::FILE,
            Ok(crate::handbook_json::json(views, bodies)),
        );
    }
    (files, problems)
}
