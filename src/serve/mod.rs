//! `gouvernail serve`: a live preview for authors. The edition is built into memory
//! (nothing is written to `public/`) and served on loopback; every layer of the
//! edition is watched, and each change rebuilds the site through one `Session`
//! (so that what did not change is neither parsed nor rendered again) and tells the
//! open pages, which reload. A build that fails keeps the last good site served and shows its problems
//! over every open page, with the terminal's text.
//!
//! The served site is the built one, byte for byte, but for one `<script>` that
//! `http` adds to each HTML page as it goes out.

pub mod http;
mod watch;

pub use watch::Changes;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;

use crate::diagnostics::{self, Colour, Diagnostic};
use crate::edition::{Edition, EDITION_FILE};
use crate::output::{Bytes, MemorySink};
use crate::session::Session;
use crate::site::BuildOptions;

/// The port a preview takes when none is asked for: the next free one when it is
/// taken, so that a second preview still starts, and an open tab keeps its address
/// across restarts.
pub const DEFAULT_PORT: u16 = 7070;

/// How many ports above the default a preview tries.
const PORT_TRIES: u16 = 20;

/// What `serve` is asked to do.
pub struct ServeOptions {
    pub dir: PathBuf,
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// An explicit port, which must be free; none for the default or the next free.
    pub port: Option<u16>,
    pub open: bool,
    pub quiet: bool,
    pub colour: Colour,
    /// Print each build's problems as one line of JSON on standard output (an
    /// empty array when there are none), instead of text on standard error.
    pub json: bool,
}

/// The site as it is served: the files of the last good build, and the problems
/// of the last build if it failed.
#[derive(Default)]
pub struct Site {
    pub files: HashMap<String, Bytes>,
    /// Counts successful builds; a page knows the one it came from.
    pub version: u64,
    /// The last build's problems as text, when it failed.
    pub errors: Option<String>,
    /// Whether the build is complete: false while the pages are the new build's
    /// and the search index and the print book still the last one's.
    pub complete: bool,
}

/// What the builder tells the open pages.
#[derive(Clone, Debug)]
pub enum Change {
    /// A new site is served: reload.
    Rebuilt(u64),
    /// The build failed: show its problems.
    Failed(String),
}

/// What the server and the builder share.
pub struct Shared {
    pub site: RwLock<Arc<Site>>,
    pub changes: broadcast::Sender<Change>,
}

impl Shared {
    pub fn new() -> Arc<Shared> {
        Arc::new(Shared {
            site: RwLock::new(Arc::new(Site::default())),
            changes: broadcast::channel(16).0,
        })
    }

    pub fn current(&self) -> Arc<Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Serves the pages of a build whose search index and print book are still to
    /// come (`deferred`: their last versions are served meanwhile), and tells the
    /// open pages, which reload.
    pub fn publish_pages(&self, pages: BTreeMap<String, Bytes>, deferred: &[String]) {
        let mut site = self.site.write().unwrap_or_else(|e| e.into_inner());
        let mut files: HashMap<String, Bytes> = pages.into_iter().collect();
        for path in deferred {
            if let Some(bytes) = site.files.get(path) {
                files.insert(path.clone(), bytes.clone());
            }
        }
        let version = site.version + 1;
        *site = Arc::new(Site {
            files,
            version,
            errors: None,
            complete: false,
        });
        drop(site);
        // No page open is no error.
        let _ = self.changes.send(Change::Rebuilt(version));
    }

    /// Serves the files of a successful build, or keeps the last good ones and
    /// records the problems of a failed one; then tells the open pages. A build
    /// whose pages were published first completes its version, silently: the
    /// pages already show its changes.
    pub fn publish(&self, result: Result<BTreeMap<String, Bytes>, String>) {
        let mut site = self.site.write().unwrap_or_else(|e| e.into_inner());
        let change = match result {
            Ok(files) if !site.complete && site.errors.is_none() && site.version > 0 => {
                *site = Arc::new(Site {
                    files: files.into_iter().collect(),
                    version: site.version,
                    errors: None,
                    complete: true,
                });
                None
            }
            Ok(files) => {
                let version = site.version + 1;
                *site = Arc::new(Site {
                    files: files.into_iter().collect(),
                    version,
                    errors: None,
                    complete: true,
                });
                Some(Change::Rebuilt(version))
            }
            Err(errors) => {
                let kept = Site {
                    files: site.files.clone(),
                    version: site.version,
                    errors: Some(errors.clone()),
                    complete: true,
                };
                *site = Arc::new(kept);
                Some(Change::Failed(errors))
            }
        };
        drop(site);
        if let Some(change) = change {
            // No page open is no error.
            let _ = self.changes.send(change);
        }
    }
}

/// A build into memory: the site's files and the warnings, or every problem.
pub type BuildResult = Result<(BTreeMap<String, Bytes>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Told that a build's pages are ready: the files so far, and the paths whose last
/// version is to be served until the build completes (see `site::build_staged`).
pub type PagesReady<'a> = &'a (dyn Fn(BTreeMap<String, Bytes>, &[String]) + Sync);

/// What a preview keeps from one build to the next: the session, and the edition
/// the last build loaded.
pub struct Preview {
    pub session: Session,
    dir: PathBuf,
    options: BuildOptions,
    edition: Mutex<Option<Arc<Edition>>>,
}

impl Preview {
    pub fn new(dir: &Path, options: &BuildOptions) -> Preview {
        Preview {
            session: Session::keeping_bodies(),
            dir: dir.to_path_buf(),
            options: options.clone(),
            edition: Mutex::default(),
        }
    }

    /// Builds the edition after `changes` into memory, the pages first to
    /// `pages_ready`: the edition, when it loaded, and the outcome.
    ///
    /// When only the contents of files that were there changed, the last edition
    /// is built again, unless a layer's `handbook.yaml` is one of them (an edition
    /// holds its settings and the list of its files, not what they say), and the
    /// session is told which files changed: the others are not looked at. At
    /// 10,000 pages, walking the folders and reading the files' stamps was a third
    /// of a rebuild.
    pub fn build(
        &self,
        changes: &Changes,
        pages_ready: Option<PagesReady>,
    ) -> (Option<Arc<Edition>>, BuildResult) {
        let mut last = self.edition.lock().unwrap_or_else(|e| e.into_inner());
        let settings_changed = changes
            .paths
            .iter()
            .any(|path| path.file_name() == Some(std::ffi::OsStr::new(EDITION_FILE)));
        let edition = match last.as_ref() {
            Some(last) if changes.contents_only && !settings_changed => {
                self.session.expect_changes(&changes.paths);
                Ok(last.clone())
            }
            // A preview writes no archive of the site (nor links one).
            _ => Edition::load(&self.dir).map(|mut edition| {
                edition.settings.exports.zip = false;
                Arc::new(edition)
            }),
        };
        *last = edition.as_ref().ok().cloned();
        drop(last);
        match edition {
            Ok(edition) => {
                let result = build_into_memory(&self.session, &edition, &self.options, pages_ready);
                (Some(edition), result)
            }
            Err(problems) => (None, Err(problems)),
        }
    }
}

/// Builds `edition` into memory through `session`: its files, or every
/// diagnostic. With `pages_ready`, the pages are handed over first.
pub fn build_into_memory(
    session: &Session,
    edition: &Edition,
    options: &BuildOptions,
    pages_ready: Option<PagesReady>,
) -> BuildResult {
    let sink = MemorySink::default();
    let ready = |deferred: &[String]| {
        if let Some(pages_ready) = pages_ready {
            pages_ready(sink.snapshot(), deferred);
        }
    };
    crate::site::build_staged(
        session,
        edition,
        options,
        &sink,
        pages_ready.map(|_| &ready as crate::site::PagesReady),
    )
    .map(|summary| (sink.into_files(), summary.warnings))
}

/// Takes the port to serve on: the one asked for, which must be free, or the
/// first free one from `DEFAULT_PORT`.
pub fn bind(address: IpAddr, port: Option<u16>) -> Result<TcpListener, String> {
    match port {
        Some(port) => TcpListener::bind(SocketAddr::new(address, port)).map_err(|err| {
            format!(
                "cannot serve on {address} port {port}: {err}; choose another with --port, or leave --port out to take the next free one from {DEFAULT_PORT}"
            )
        }),
        None => (DEFAULT_PORT..DEFAULT_PORT + PORT_TRIES)
            .find_map(|port| TcpListener::bind(SocketAddr::new(address, port)).ok())
            .ok_or_else(|| {
                format!(
                    "ports {DEFAULT_PORT} to {} on {address} are all in use; choose one with --port",
                    DEFAULT_PORT + PORT_TRIES - 1
                )
            }),
    }
}

/// Builds the edition again and again through one session, and publishes each
/// outcome.
struct Builder {
    preview: Preview,
    quiet: bool,
    colour: Colour,
    json: bool,
    shared: Arc<Shared>,
}

impl Builder {
    /// Prints a build's problems as asked.
    fn print(&self, problems: &[Diagnostic]) {
        if self.json {
            println!("{}", diagnostics::to_json_line(problems));
        } else {
            diagnostics::print_text(problems, self.colour);
        }
    }

    /// Builds, prints the outcome, and publishes it: the edition it loaded, if it
    /// did.
    fn rebuild(&self, changes: &Changes) -> Option<Arc<Edition>> {
        let started = Instant::now();
        let served = std::sync::OnceLock::new();
        let pages_ready = |pages: BTreeMap<String, Bytes>, deferred: &[String]| {
            self.shared.publish_pages(pages, deferred);
            let _ = served.set(started.elapsed().as_millis());
        };
        let (edition, result) = self.preview.build(changes, Some(&pages_ready));
        match result {
            Ok((files, warnings)) => {
                self.print(&warnings);
                if !self.quiet {
                    let after = match changes.paths.as_slice() {
                        [] => String::new(),
                        [one] => format!(" after a change to {}", one.display()),
                        many => format!(" after changes to {} files", many.len()),
                    };
                    let pages = served
                        .get()
                        .map(|ms| format!(" (the pages served after {ms} ms)"))
                        .unwrap_or_default();
                    eprintln!(
                        "built {} files in {} ms{pages}{after}",
                        files.len(),
                        started.elapsed().as_millis()
                    );
                }
                self.shared.publish(Ok(files));
            }
            Err(problems) => {
                self.print(&problems);
                eprintln!("the build failed: the last good site is still served");
                self.shared.publish(Err(diagnostics::to_text(&problems)));
            }
        }
        edition
    }
}

/// Runs the preview until Ctrl-C.
pub fn run(options: ServeOptions) -> Result<(), String> {
    let listener = bind(options.bind, options.port)?;
    listener
        .set_nonblocking(true)
        .map_err(|err| format!("cannot serve: {err}"))?;
    let address = listener
        .local_addr()
        .map_err(|err| format!("cannot serve: {err}"))?;
    let shared = Shared::new();
    let builder = Builder {
        preview: Preview::new(&options.dir, &options.build),
        quiet: options.quiet,
        colour: options.colour,
        json: options.json,
        shared: shared.clone(),
    };
    // The first build, before the server answers, so that the first page is there.
    let Some(edition) = builder.rebuild(&Changes::default()) else {
        return Err("the edition cannot be loaded: fix handbook.yaml and start again".into());
    };
    let watcher = watch::start(&edition)?;
    std::thread::spawn(move || {
        watch::rebuild_on_change(watcher, |changed| builder.rebuild(changed))
    });

    let url = match address {
        SocketAddr::V6(v6) => format!("http://[{}]:{}/", v6.ip(), v6.port()),
        v4 => format!("http://{v4}/"),
    };
    eprintln!(
        "serving « {} » at {url} (Ctrl-C to stop); nothing is written to disk",
        edition.settings.title
    );
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: bound to {}: the preview is reachable from the network, by anyone who can reach this machine",
            options.bind
        );
    }
    if options.open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the server: {err}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|err| format!("cannot serve: {err}"))?;
        axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|err| format!("the server stopped: {err}"))
    })?;
    eprintln!("stopped");
    Ok(())
}

/// Opens `url` in the desktop's browser, if there is one.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(err) = std::process::Command::new(command)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("cannot open a browser ({command}: {err}); open {url} yourself");
    }
}
