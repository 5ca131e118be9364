//! The `gouvernail` command line: `new`, `fork`, `drift`, `update`, `build`, `check` and
//! `serve`, over the library's pipeline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use gouvernail::diagnostics::{self, Colour, Diagnostic};
use gouvernail::edition::Edition;
use gouvernail::model::{parse_member, Member, Sector, Size};
use gouvernail::output::{DirSink, MemorySink};
use gouvernail::site::{self, BuildOptions, Summary};

/// Builds an AI-governance handbook, tailored to the size and sector of the
/// organisation that reads it, from Markdown pages with YAML front matter.
#[derive(Parser)]
#[command(name = "gouvernail", version, propagate_version = true)]
struct Cli {
    /// Print nothing but errors and warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start an edition in a new or empty folder: handbook.yaml with the
    /// organisation's settings (and every other one as a commented example), a
    /// README, and content/, empty when it extends another edition, else one sample
    /// page of each kind. It then checks that the edition builds.
    New {
        /// The folder to create; it must be new or empty.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The edition to extend: `builtin` for the default handbook embedded in
        /// gouvernail, else the folder holding its handbook.yaml (written as the way
        /// from the new folder when given as a relative path; `./builtin` for a
        /// folder of that name).
        #[arg(long, value_name = "PATH")]
        extends: Option<PathBuf>,
        /// The organisation's name (in handbook.yaml's `org.name` and the title).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// The organisation's size: micro, small, medium, eti or ge.
        #[arg(long, value_name = "ID", value_parser = parse_size)]
        size: Option<Size>,
        /// The organisation's sector: private or public.
        #[arg(long, value_name = "ID", value_parser = parse_sector)]
        sector: Option<Sector>,
    },
    /// Copy a file this edition inherits (a page by its id, or a path such as
    /// content/charters/charte.md or templates/page.html) into the edition's own
    /// folders to adapt it, and record in editions.lock where it came from.
    Fork {
        /// The page's id, or the file's path under content/, templates/, theme/ or
        /// data/.
        #[arg(value_name = "PAGE")]
        page: String,
        /// The edition folder, holding handbook.yaml.
        #[arg(long, value_name = "DIR", default_value = ".")]
        edition: PathBuf,
    },
    /// For each file the edition overrides, say whether its parent's version
    /// changed since it was forked (with the change as a unified diff), is gone, or
    /// was never recorded (copied by hand). Exits 1 when anything drifted, 2 when
    /// the edition cannot be read.
    Drift {
        /// The edition folder, holding handbook.yaml.
        #[arg(value_name = "EDITION_DIR", default_value = ".")]
        dir: PathBuf,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Merge what the parent changed since a fork into the edition's copy: a
    /// three-way merge of the text at fork time (kept in editions.lock), the
    /// edition's copy and the parent's file now. Where both changed the same lines
    /// the copy gets conflict markers, which `check` and `build` refuse until they
    /// are resolved. Exits 1 when any file needs a hand.
    Update {
        /// The page's id, or the file's path, as for `fork`.
        #[arg(value_name = "PAGE", required_unless_present = "all")]
        page: Option<String>,
        /// Every file editions.lock records.
        #[arg(long, conflicts_with = "page")]
        all: bool,
        /// The edition folder, holding handbook.yaml.
        #[arg(long, value_name = "DIR", default_value = ".")]
        edition: PathBuf,
    },
    /// Build the site into public/ (or --out). The previous output is replaced only
    /// when the build succeeds, and only if it is a site gouvernail built.
    Build {
        #[command(flatten)]
        edition: EditionArgs,
        /// Where to write the site [default: EDITION_DIR/public]. The folder is
        /// replaced whole: it must be new, empty, or a site gouvernail built; a
        /// symbolic link is followed and the folder it names replaced.
        #[arg(long, value_name = "DIR", value_parser = parse_out)]
        out: Option<PathBuf>,
        /// Replace the --out folder even if it holds files gouvernail did not write
        /// (they are deleted). Never allowed for the edition, a folder that holds
        /// it, its content/, templates/, theme/ or data/, or a file.
        #[arg(long)]
        force: bool,
    },
    /// Check the edition as a build would, without writing anything. Exits 1 on any
    /// error.
    Check {
        #[command(flatten)]
        edition: EditionArgs,
    },
    /// Preview the edition: build it into memory, serve it on this machine, and
    /// rebuild and reload the open pages at each change to its files or its
    /// parents'. Nothing is written to disk. Ctrl-C stops it.
    Serve {
        #[command(flatten)]
        edition: EditionArgs,
        /// The port to serve on; it must be free [default: 7070, or the next free
        /// port after it].
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// The address to serve on. Anything but a loopback address makes the
        /// preview reachable from the network.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in the desktop's browser.
        #[arg(long)]
        open: bool,
    },
}

#[derive(Args)]
struct EditionArgs {
    /// The edition folder, holding handbook.yaml.
    #[arg(value_name = "EDITION_DIR", default_value = ".")]
    dir: PathBuf,
    /// Tailor to this organisation size, overriding handbook.yaml: micro, small,
    /// medium, eti or ge.
    #[arg(long, value_name = "ID", value_parser = parse_size)]
    size: Option<Size>,
    /// Tailor to this sector, overriding handbook.yaml: private or public.
    #[arg(long, value_name = "ID", value_parser = parse_sector)]
    sector: Option<Sector>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The build's date, YYYY-MM-DD: review deadlines are compared with it, and
    /// the same sources with the same date give the same site, byte for byte.
    /// [default: the SOURCE_DATE_EPOCH variable if set (seconds since 1970), else
    /// today]
    #[arg(long, value_name = "DATE")]
    today: Option<chrono::NaiveDate>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// For people: the file, the line, the source and a hint.
    Text,
    /// A JSON array on standard output, for editors and CI.
    Json,
}

fn parse_out(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    if path.file_name().is_none() {
        return Err(format!(
            "`{text}` does not name a folder of its own; a build replaces its output folder \
             whole, so give a new folder, such as public or ../site"
        ));
    }
    Ok(path)
}

fn parse_size(text: &str) -> Result<Size, String> {
    parse_member(text).ok_or_else(|| ids_message::<Size>(text))
}

fn parse_sector(text: &str) -> Result<Sector, String> {
    parse_member(text).ok_or_else(|| ids_message::<Sector>(text))
}

fn ids_message<T: Member>(text: &str) -> String {
    let ids: Vec<&str> = T::ALL.iter().map(|m| m.id()).collect();
    format!(
        "unknown {} `{text}`: expected one of {}",
        T::WHAT,
        ids.join(", ")
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Colour::Never
    } else {
        Colour::Auto
    };
    match cli.command {
        Command::Build {
            edition,
            out,
            force,
        } => {
            let out = out.unwrap_or_else(|| edition.dir.join("public"));
            run(&edition, Some((&out, force)), cli.quiet, colour)
        }
        Command::Check { edition } => run(&edition, None, cli.quiet, colour),
        Command::Fork { page, edition } => fork(&edition, &page, cli.quiet, colour),
        Command::Drift { dir, format } => drift(&dir, format, cli.quiet, colour),
        Command::Update { page, edition, .. } => {
            update(&edition, page.as_deref(), cli.quiet, colour)
        }
        Command::New {
            dir,
            extends,
            name,
            size,
            sector,
        } => {
            let new = gouvernail::scaffold::NewEdition {
                dir: &dir,
                extends: extends.as_deref(),
                name: name.as_deref(),
                size,
                sector,
            };
            new_edition(&new, cli.quiet, colour)
        }
        Command::Serve {
            edition,
            port,
            bind,
            open,
        } => serve(edition, port, bind, open, cli.quiet, colour),
    }
}

fn fork(dir: &Path, page: &str, quiet: bool, colour: Colour) -> ExitCode {
    let edition = match Edition::load(dir) {
        Ok(edition) => edition,
        Err(problems) => {
            diagnostics::print_text(&problems, colour);
            return ExitCode::FAILURE;
        }
    };
    match gouvernail::forks::fork(&edition, page) {
        Ok(forked) => {
            if !quiet {
                eprintln!(
                    "forked {} from {} into {} (recorded in {})",
                    forked.rel,
                    forked.from,
                    forked.written.display(),
                    gouvernail::forks::LOCK_FILE
                );
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn drift(dir: &Path, format: Format, quiet: bool, colour: Colour) -> ExitCode {
    use gouvernail::forks::State;
    let report = Edition::load(dir)
        .map_err(|problems| {
            diagnostics::print_text(&problems, colour);
        })
        .and_then(|edition| {
            gouvernail::forks::drift(&edition).map_err(|message| eprintln!("error: {message}"))
        });
    let Ok(report) = report else {
        return ExitCode::from(2);
    };
    let drifted = report.iter().filter(|d| d.drifted()).count();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a report serialises")
        ),
        Format::Text => {
            for file in report.iter().filter(|d| d.drifted()) {
                let what = match file.state {
                    State::ChangedUpstream => {
                        let version = env!("CARGO_PKG_VERSION");
                        match &file.forked_with {
                            // A built-in file changes with gouvernail itself.
                            Some(then) if then != version && (file.from == "builtin" || file.from == "gouvernail") => format!(
                                "changed in {} since it was forked with gouvernail {then} (this is {version})",
                                file.from
                            ),
                            _ => format!("changed in {} since it was forked", file.from),
                        }
                    }
                    State::RemovedUpstream => format!("no longer in {}", file.from),
                    State::Unrecorded => format!("replaces the file of {}, with no record of a fork (`gouvernail fork` records one)", file.from),
                    State::CopyGone => "recorded in editions.lock, but the edition no longer has its copy: remove the entry".to_string(),
                    State::UpToDate => unreachable!("only what drifted"),
                };
                println!("{}: {what}", file.path);
                match &file.diff {
                    Some(diff) => print!("{diff}"),
                    None if file.state == State::ChangedUpstream => {
                        println!("(a binary file: no diff)")
                    }
                    None => {}
                }
            }
            if !quiet {
                eprintln!(
                    "{} files overridden: {} up to date, {drifted} to look at",
                    report.len(),
                    report.len() - drifted
                );
            }
        }
    }
    if drifted > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn update(dir: &Path, page: Option<&str>, quiet: bool, colour: Colour) -> ExitCode {
    use gouvernail::forks::Outcome;
    let edition = match Edition::load(dir) {
        Ok(edition) => edition,
        Err(problems) => {
            diagnostics::print_text(&problems, colour);
            return ExitCode::from(2);
        }
    };
    let updated = match gouvernail::forks::update(&edition, page) {
        Ok(updated) => updated,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    for file in &updated {
        let what = match &file.outcome {
            Outcome::UpToDate if quiet => continue,
            Outcome::UpToDate => "up to date".to_string(),
            Outcome::Merged => "merged the parent's change".to_string(),
            Outcome::Replaced => "replaced by the parent's new version".to_string(),
            Outcome::Conflicts(n) => format!(
                "{n} conflict{s} left as <<<<<<< / ||||||| / ======= / >>>>>>> lines: keep the right text of each and delete the markers",
                s = if *n == 1 { "" } else { "s" }
            ),
            Outcome::Refused(why) => format!("not updated: {why}"),
        };
        println!("{}: {what}", file.path);
    }
    let needs = updated.iter().filter(|u| u.needs_a_hand()).count();
    if !quiet {
        if updated.is_empty() {
            eprintln!("editions.lock records no fork: nothing to update");
        } else if needs > 0 {
            eprintln!(
                "{needs} of {} files need a hand; then `gouvernail check` the edition",
                updated.len()
            );
        }
    }
    if needs > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Creates an edition, then checks it as `check` would.
fn new_edition(new: &gouvernail::scaffold::NewEdition, quiet: bool, colour: Colour) -> ExitCode {
    let files = match gouvernail::scaffold::create(new) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    if !quiet {
        eprintln!("created {} ({} files)", new.dir.display(), files.len());
    }
    let check = EditionArgs {
        dir: new.dir.to_path_buf(),
        size: None,
        sector: None,
        drafts: false,
        format: Format::Text,
        today: None,
    };
    let code = run(&check, None, quiet, colour);
    if !quiet && code == ExitCode::SUCCESS {
        let dir = new.dir.display();
        eprintln!("next: `gouvernail serve {dir}` to see it as you write, `gouvernail build {dir}` to publish it");
    }
    code
}

fn serve(
    args: EditionArgs,
    port: Option<u16>,
    bind: std::net::IpAddr,
    open: bool,
    quiet: bool,
    colour: Colour,
) -> ExitCode {
    let today = match build_date(args.today) {
        Ok(today) => today,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = gouvernail::serve::ServeOptions {
        dir: args.dir,
        build: BuildOptions {
            size: args.size,
            sector: args.sector,
            drafts: args.drafts,
            today,
        },
        bind,
        port,
        open,
        quiet,
        colour,
        json: matches!(args.format, Format::Json),
    };
    keep_freed_memory();
    match gouvernail::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &EditionArgs, out: Option<(&Path, bool)>, quiet: bool, colour: Colour) -> ExitCode {
    let started = Instant::now();
    let today = match build_date(args.today) {
        Ok(today) => today,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        size: args.size,
        sector: args.sector,
        drafts: args.drafts,
        today,
    };
    let result = Edition::load(&args.dir).and_then(|edition| match out {
        Some((out, force)) => write_site(&edition, &options, out, force),
        None => site::build_edition(&edition, &options, &MemorySink::default()),
    });
    let out = out.map(|(out, _)| out);
    let (diagnostics, ok) = match result {
        Ok(summary) => {
            if !quiet && matches!(args.format, Format::Text) {
                let verb = if out.is_some() { "built" } else { "checked" };
                let place = out
                    .map(|o| format!(" into {}", o.display()))
                    .unwrap_or_default();
                eprintln!(
                    "{verb} {} pages ({} files){place} in {:.2} s",
                    summary.pages,
                    summary.files,
                    started.elapsed().as_secs_f64()
                );
            }
            (summary.warnings, true)
        }
        Err(diagnostics) => (diagnostics, false),
    };
    match args.format {
        Format::Text => diagnostics::print_text(&diagnostics, colour),
        Format::Json => println!("{}", diagnostics::to_json(&diagnostics)),
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        if matches!(args.format, Format::Text) && out.is_some() {
            eprintln!("the build failed: the previous output, if any, is unchanged");
        }
        ExitCode::FAILURE
    }
}

/// The build's one date: `--today`, else `SOURCE_DATE_EPOCH` (the convention of
/// reproducible builds), else the local date.
fn build_date(option: Option<chrono::NaiveDate>) -> Result<chrono::NaiveDate, String> {
    if let Some(date) = option {
        return Ok(date);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map(|moment| moment.date_naive())
            .ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH is `{value}`, not a number of seconds since 1970-01-01")
            }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// Builds into `out`, staged and swapped in only when the build succeeded.
fn write_site(
    edition: &Edition,
    options: &BuildOptions,
    out: &Path,
    force: bool,
) -> Result<Summary, Vec<Diagnostic>> {
    let sink = DirSink::new(out, edition, force).map_err(|d| vec![d])?;
    let repaired = sink.warnings().to_vec();
    let with_repairs = |mut diagnostics: Vec<Diagnostic>| {
        diagnostics.extend(repaired.iter().cloned());
        diagnostics
    };
    let mut summary = site::build_edition(edition, options, &sink).map_err(with_repairs)?;
    summary.warnings = with_repairs(summary.warnings);
    sink.commit().map_err(|err| {
        vec![Diagnostic::error(format!(
            "cannot move the new site into {}: {err}",
            out.display()
        ))
        .hint("check that nothing holds the output folder open and that you may write beside it")]
    })?;
    Ok(summary)
}

/// mimalloc: many small allocations from several threads (rendering, templates)
/// cost noticeably less than with the system allocator. Built without transparent
/// huge pages (Cargo.toml, `no_thp`): with them, each 2 MB page the heap touches is
/// zeroed whole, for 15-20 % more peak memory and more system time, no faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps the memory a build frees for the next one, rather than giving it back to
/// the system a second later (mimalloc's `purge_delay`), for a preview that builds
/// again after each edit: otherwise each rebuild after a pause faults its pages in
/// again, which made a rebuild of 10,000 pages a fifth slower. The peak is the
/// same; the process holds it until it stops.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3); the binding names no
    // constant for it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of the allocator's options, which any thread may do at
    // any time; a negative delay means never.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}
