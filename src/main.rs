//! The `gouvernail` command line: `build` and `check`, over the library's pipeline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use gouvernail::diagnostics::{self, Colour, Diagnostic};
use gouvernail::model::{parse_member, Member, Sector, Size};
use gouvernail::output::{DirSink, MemorySink};
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
    /// Build the site into public/ (or --out). The previous output is replaced only
    /// when the build succeeds.
    Build {
        #[command(flatten)]
        edition: EditionArgs,
        /// Where to write the site [default: EDITION_DIR/public].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check the edition as a build would, without writing anything. Exits 1 on any
    /// error.
    Check {
        #[command(flatten)]
        edition: EditionArgs,
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// For people: the file, the line, the source and a hint.
    Text,
    /// A JSON array on standard output, for editors and CI.
    Json,
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
        Command::Build { edition, out } => {
            let out = out.unwrap_or_else(|| edition.dir.join("public"));
            run(&edition, Some(&out), cli.quiet, colour)
        }
        Command::Check { edition } => run(&edition, None, cli.quiet, colour),
    }
}

fn run(args: &EditionArgs, out: Option<&Path>, quiet: bool, colour: Colour) -> ExitCode {
    let started = Instant::now();
    let options = BuildOptions {
        size: args.size,
        sector: args.sector,
        drafts: args.drafts,
        today: chrono::Local::now().date_naive(),
    };
    let result = match out {
        Some(out) => match DirSink::new(out) {
            Ok(sink) => site::build(&args.dir, &options, &sink).and_then(|summary| {
                sink.commit().map(|()| summary).map_err(|err| {
                    vec![Diagnostic::error(format!("cannot move the new site into {}: {err}", out.display()))
                        .hint("check that nothing holds the output folder open and that you may write beside it")]
                })
            }),
            Err(err) => Err(vec![Diagnostic::error(format!(
                "cannot prepare the output folder {}: {err}",
                out.display()
            ))
            .hint("choose another folder with --out, or check the permissions of its parent")]),
        },
        None => site::build(&args.dir, &options, &MemorySink::default()),
    };
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

/// mimalloc: many small allocations from several threads (rendering, templates)
/// cost noticeably less than with the system allocator. Built without transparent
/// huge pages (Cargo.toml, `no_thp`): with them, each 2 MB page the heap touches is
/// zeroed whole, for 15-20 % more peak memory and more system time, no faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
