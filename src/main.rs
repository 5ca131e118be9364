//! The `gouvernail` command line: `new`, `fork`, `drift`, `update`, `build`, `check` and
//! `serve`, over the library's pipeline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use gouvernail::diagnostics::{self, Colour, Diagnostic};
use gouvernail::edition::Edition;
use gouvernail::model::{parse_member, Member, Sector, Size};
use gouvernail::output::MemorySink;
use gouvernail::session::Session;
use gouvernail::site::{self, BuildOptions};

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
    /// content/charters/charte-utilisation-ia.md, templates/page.html or
    /// theme/style.css) into the edition's own
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
    /// when the build succeeds, and only if it is a site gouvernail built. Given
    /// several editions (folders, or a pattern such as 'clients/*'), builds them
    /// all in one process, in parallel, each into its own public/ (or
    /// OUT_ROOT/<folder name>), and ends with a table; one edition's errors do not
    /// stop the others, and the exit is 1 when any failed.
    Build {
        /// The edition folders, each holding handbook.yaml.
        #[arg(value_name = "EDITION_DIR", default_value = ".", num_args = 1..)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        how: HowArgs,
        /// Where to write the site of one edition [default: EDITION_DIR/public].
        /// The folder is replaced whole: it must be new, empty, or a site
        /// gouvernail built; a symbolic link is followed and the folder it names
        /// replaced.
        #[arg(long, value_name = "DIR", value_parser = parse_out, conflicts_with = "out_root")]
        out: Option<PathBuf>,
        /// Build each edition into DIR/<its folder name>, under the same rules as
        /// --out; two editions whose folders have one name are refused.
        #[arg(long, value_name = "DIR")]
        out_root: Option<PathBuf>,
        /// Replace the --out folder even if it holds files gouvernail did not write
        /// (they are deleted). Never allowed for the edition, a folder that holds
        /// it, its content/, templates/, theme/ or data/, or a file.
        #[arg(long)]
        force: bool,
        /// After the site, write all of it as one zip to FILE (or, when FILE is a
        /// folder, to <title>-<organisation>-<date>.zip in it), to hand out for
        /// reading from disk: extracted anywhere, its index.html works. One
        /// edition only; never inside the site folder.
        #[arg(long, value_name = "FILE", conflicts_with = "out_root")]
        zip: Option<PathBuf>,
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
    #[command(flatten)]
    how: HowArgs,
}

/// How to build, whatever the edition.
#[derive(Args)]
struct HowArgs {
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

impl HowArgs {
    fn options(&self) -> Result<BuildOptions, String> {
        Ok(BuildOptions {
            size: self.size,
            sector: self.sector,
            drafts: self.drafts,
            today: build_date(self.today)?,
        })
    }

    fn json(&self) -> bool {
        matches!(self.format, Format::Json)
    }
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
            dirs,
            how,
            out,
            out_root,
            force,
            zip,
        } => {
            let dirs = match gouvernail::batch::edition_dirs(&dirs) {
                Ok(dirs) => dirs,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            };
            match (&dirs[..], out_root) {
                ([dir], None) => {
                    let out = out.unwrap_or_else(|| dir.join("public"));
                    let folder = Some(Output {
                        out: &out,
                        force,
                        zip: zip.as_deref(),
                    });
                    run(dir, &how, folder, cli.quiet, colour)
                }
                (_, _) if zip.is_some() => {
                    eprintln!("error: --zip archives the site of one edition; build the others without it");
                    ExitCode::from(2)
                }
                (_, out_root) if out.is_none() => {
                    batch(&dirs, out_root.as_deref(), &how, force, cli.quiet, colour)
                }
                _ => {
                    eprintln!("error: --out names the folder of one edition; for several, give --out-root DIR (each is built into DIR/<its folder name>)");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { edition } => run(&edition.dir, &edition.how, None, cli.quiet, colour),
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
    let report = Edition::load(dir).and_then(|edition| {
        gouvernail::forks::drift(&edition).map_err(|message| vec![Diagnostic::error(message)])
    });
    let report = match report {
        Ok(report) => report,
        // A script that asked for JSON gets its errors as JSON too, as `check`'s.
        Err(problems) => {
            match format {
                Format::Text => diagnostics::print_text(&problems, colour),
                Format::Json => println!("{}", diagnostics::to_json(&problems)),
            }
            return ExitCode::from(2);
        }
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
                    State::UnrecordedSame => format!("is a copy of the file of {}, unchanged and with no record of a fork: delete it to inherit the file, or move it aside and `gouvernail fork` it", file.from),
                    State::CopyGone => "recorded in editions.lock, but the edition no longer has its copy: remove the entry".to_string(),
                    State::Conflicted => "still holds the conflict markers of an update: keep the right text of each conflict and delete the marker lines".to_string(),
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
            Outcome::Merged => "merged the base's change".to_string(),
            Outcome::Replaced => "replaced by the base's new version".to_string(),
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
    let check = HowArgs {
        size: None,
        sector: None,
        drafts: false,
        format: Format::Text,
        today: None,
    };
    let code = run(new.dir, &check, None, quiet, colour);
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
    let build = match args.how.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = gouvernail::serve::ServeOptions {
        json: args.how.json(),
        dir: args.dir,
        build,
        bind,
        port,
        open,
        quiet,
        colour,
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

fn run(
    dir: &Path,
    args: &HowArgs,
    folder: Option<Output>,
    quiet: bool,
    colour: Colour,
) -> ExitCode {
    let started = Instant::now();
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut archive = None;
    let result = Edition::load(dir).and_then(|edition| match &folder {
        Some(folder) => {
            let summary = site::build_into_folder(
                &Session::default(),
                &edition,
                &options,
                folder.out,
                folder.force,
            )?;
            // The site is in place: an archive that fails is its own error.
            archive = folder.zip.map(|file| {
                gouvernail::archive::write_archive(
                    &edition.settings,
                    folder.out,
                    file,
                    options.today,
                )
            });
            Ok(summary)
        }
        None => site::build_edition(&edition, &options, &MemorySink::default()),
    });
    let out = folder.as_ref().map(|f| f.out);
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
                if let Some(Ok(archive)) = &archive {
                    eprintln!("archived the site into {}", archive.display());
                }
            }
            let mut diagnostics = summary.warnings;
            match &archive {
                Some(Err(problem)) => {
                    diagnostics.push(problem.clone());
                    (diagnostics, false)
                }
                _ => (diagnostics, true),
            }
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
        if matches!(args.format, Format::Text) && out.is_some() && archive.is_none() {
            eprintln!("the build failed: the previous output, if any, is unchanged");
        }
        ExitCode::FAILURE
    }
}

/// Where a build writes: its folder, whether it may replace other files there,
/// and where it archives the site, if it does.
struct Output<'a> {
    out: &'a Path,
    force: bool,
    zip: Option<&'a Path>,
}

/// Builds several editions in one process (see `gouvernail::batch`): a progress
/// bar on a terminal, a line per edition otherwise, each edition's problems as it
/// ends, and a table at the end.
fn batch(
    dirs: &[PathBuf],
    out_root: Option<&Path>,
    how: &HowArgs,
    force: bool,
    quiet: bool,
    colour: Colour,
) -> ExitCode {
    use gouvernail::batch::{build_all, targets, Built};
    let started = Instant::now();
    let (targets, options) = match targets(dirs, out_root).and_then(|t| Ok((t, how.options()?))) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let text = !how.json();
    let bar = (text && !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new(targets.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} editions {msg}")
                .expect("a valid template"),
        );
        bar
    });
    // Editions end on several threads: one at a time prints its lines.
    let printing = std::sync::Mutex::new(());
    let done = |built: &Built| {
        if !text {
            return;
        }
        let _turn = printing.lock().unwrap_or_else(|e| e.into_inner());
        let diagnostics = built.diagnostics();
        let tell = || {
            if !quiet || !diagnostics.is_empty() {
                eprintln!(
                    "{} {}: {}",
                    if built.result.is_ok() {
                        "built"
                    } else {
                        "FAILED"
                    },
                    built.target.name,
                    match &built.result {
                        Ok(summary) => format!(
                            "{} pages into {} in {:.2} s",
                            summary.pages,
                            built.target.out.display(),
                            built.time.as_secs_f64()
                        ),
                        Err(_) => "the previous output, if any, is unchanged".to_string(),
                    }
                );
            }
            diagnostics::print_text(diagnostics, colour);
        };
        match &bar {
            Some(bar) => {
                bar.suspend(tell);
                bar.set_message(built.target.name.clone());
                bar.inc(1);
            }
            None => tell(),
        }
    };
    let built = build_all(&targets, &options, force, &done);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let failed = built.iter().filter(|b| b.result.is_err()).count();
    if text {
        if !quiet || failed > 0 {
            eprint!("{}", summary_table(&built));
            eprintln!(
                "{} of {} editions built in {:.2} s{}",
                built.len() - failed,
                built.len(),
                started.elapsed().as_secs_f64(),
                if failed > 0 {
                    "; the failed ones keep their previous output"
                } else {
                    ""
                }
            );
        }
    } else {
        let report: Vec<serde_json::Value> = built
            .iter()
            .map(|b| {
                let summary = b.result.as_ref().ok();
                serde_json::json!({
                    "edition": b.target.name,
                    "dir": b.target.dir.display().to_string(),
                    "out": b.target.out.display().to_string(),
                    "ok": summary.is_some(),
                    "pages": summary.map(|s| s.pages),
                    "seconds": b.time.as_secs_f64(),
                    "diagnostics": diagnostics::to_json_value(b.diagnostics()),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a report serialises")
        );
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The table that ends a batch build: edition, pages, warnings, errors, time.
fn summary_table(built: &[gouvernail::batch::Built]) -> String {
    // Two editions of one folder name (each in its own public/) are told by path.
    let shared_name = |name: &str| built.iter().filter(|b| b.target.name == name).count() > 1;
    let rows: Vec<[String; 5]> = built
        .iter()
        .map(|b| {
            let diagnostics = b.diagnostics();
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            [
                if shared_name(&b.target.name) {
                    b.target.dir.display().to_string()
                } else {
                    b.target.name.clone()
                },
                b.result
                    .as_ref()
                    .map_or("-".to_string(), |s| s.pages.to_string()),
                (diagnostics.len() - errors).to_string(),
                errors.to_string(),
                format!("{:.2} s", b.time.as_secs_f64()),
            ]
        })
        .collect();
    let header = ["edition", "pages", "warnings", "errors", "time"].map(String::from);
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut table = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let (name, numbers) = row.split_first().expect("five cells");
        table.push_str(&format!("{name:<w$}", w = widths[0]));
        for (cell, width) in numbers.iter().zip(&widths[1..]) {
            table.push_str(&format!("  {cell:>width$}"));
        }
        table.push('\n');
    }
    table
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
