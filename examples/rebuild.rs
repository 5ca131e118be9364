//! Benchmark of a session's second build: builds an edition into memory with a
//! fresh session, again with nothing changed, and again after one page changed
//! (as a live preview would after an edit), and prints the median time of each
//! over RUNS rounds, beside a fresh build of the changed files. The session keeps
//! rendered bodies, as `serve`'s does.
//!
//!     cargo run --release --example rebuild -- /tmp/synth-10000 [RUNS]

use std::path::Path;
use std::time::Instant;

use gouvernail::edition::Edition;
use gouvernail::output::MemorySink;
use gouvernail::session::Session;
use gouvernail::site::{build_edition, build_staged, BuildOptions};

// The allocator of the binary, whose builds this measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A build of an edition into a sink, which calls its last argument once the pages
/// are ready.
type Build<'a> = dyn Fn(&Edition, &MemorySink, &(dyn Fn() + Sync)) + 'a;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).expect("usage: rebuild EDITION_DIR [RUNS]"));
    let runs: usize = args
        .get(2)
        .map_or(3, |r| r.parse().expect("RUNS is a number"));
    let options = BuildOptions {
        size: None,
        sector: None,
        drafts: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    };
    let page = walkdir::WalkDir::new(dir.join("content"))
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("the edition has a page")
        .into_path();
    let original = std::fs::read_to_string(&page).unwrap();
    let timed = |build: &Build| {
        // The edition is loaded again each time, as a rebuild after an edit must.
        let started = Instant::now();
        let edition = Edition::load(dir).expect("the edition loads");
        if std::env::var_os("GOUVERNAIL_TIMINGS").is_some() {
            eprintln!(
                "timing: load edition {:.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        let sink = MemorySink::default();
        let pages_ready = std::sync::OnceLock::new();
        build(&edition, &sink, &|| {
            let _ = pages_ready.set(started.elapsed().as_secs_f64());
        });
        let seconds = started.elapsed().as_secs_f64();
        let files = sink.into_files().len();
        (seconds, pages_ready.get().copied(), files)
    };
    let mut figures: [Vec<f64>; 5] = Default::default();
    let mut pages = 0;
    for round in 0..runs {
        std::fs::write(&page, &original).unwrap();
        let session = Session::keeping_bodies();
        // As the preview builds: the pages first, then the index and the book.
        let with_session = |edition: &Edition, sink: &MemorySink, ready: &(dyn Fn() + Sync)| {
            let ready = |_: &[String]| ready();
            build_staged(&session, edition, &options, sink, Some(&ready)).expect("builds");
        };
        let (first, _, files) = timed(&with_session);
        pages = files;
        let (unchanged, _, _) = timed(&with_session);
        std::fs::write(
            &page,
            format!("{original}\nUne modification, tour {round}.\n"),
        )
        .unwrap();
        let (touched, touched_pages, _) = timed(&with_session);
        let (fresh, _, _) = timed(&|edition, sink, _| {
            build_edition(edition, &options, sink).expect("builds");
        });
        let touched_pages = touched_pages.expect("the pages came first");
        for (list, value) in
            figures
                .iter_mut()
                .zip([first, unchanged, touched_pages, touched, fresh])
        {
            list.push(value);
        }
    }
    std::fs::write(&page, &original).unwrap();
    let median = |list: &mut Vec<f64>| {
        list.sort_by(f64::total_cmp);
        list[list.len() / 2]
    };
    println!(
        "{} ({pages} files), median of {runs} rounds, into memory:",
        dir.display()
    );
    for (name, list) in [
        "first build, new session",
        "second build, nothing changed",
        "one page changed: pages ready",
        "one page changed: whole build",
        "fresh build of the changed files",
    ]
    .iter()
    .zip(figures.iter_mut())
    {
        println!("  {name:34} {:6.3} s", median(list));
    }
}
