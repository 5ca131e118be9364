//! A session: what one build leaves for the next build of the same edition, or of
//! another edition that shares its layers. A live preview keeps one across its
//! rebuilds; a batch build of client editions shares one, so that the base's pages
//! and templates parse once for all of them.
//!
//! It keeps the parsed templates, and each parsed page by its file. What a build
//! takes from it is what reading and parsing the file again would give: a page is
//! not read again while its file's stamp is the one it was read with
//! (`FileStamp`), not parsed again while its text is equal, and the templates are
//! reused only when every template's text is. A watcher that saw which files
//! changed since the last build began may say so (`expect_changes`): the other
//! pages are then taken without a look at their files, whose stamps cost more, on a
//! large edition, than the rest of reading it. The code colours' syntaxes are loaded
//! once per process (see `markdown`), so they need no place here.
//!
//! A session made with `keeping_bodies` (the live preview's) also keeps, each with
//! what it was made from, and gives back only when that is the same:
//! - each tailored page, by the parsed source and the audience and values;
//! - each page's rendered body, with the page's source, its tailored text and
//!   fields, its URL and anchors, the edition's labels and policy, and what each
//!   of its links resolved to (checked again when a page was added, removed or
//!   renamed; see `bodies`); the rendered part is shared, not copied;
//! - each rendered page, by the fingerprint of everything its template read (see
//!   `pages`);
//! - the URLs of the last search index, which the next build's pages name until
//!   its own index is made (`site::build_staged`).
//!
//! A batch's session (`for_batch`) keeps what the search index read of each
//! section of a page, by the section's text (see `search::SectionCache`).
//!
//! Every session keeps the data files (`data/*.yaml`, the references, the
//! synonyms) as parsed, by file and by the text they were parsed from: the base's
//! parse once for all the editions of a batch, and once for all the rebuilds of a
//! preview that leaves them alone.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::bodies::Rendered;
use crate::diagnostics::Diagnostic;
use crate::edition::Edition;
use crate::i18n::Labels;
use crate::links::AnchorLink;
use crate::markdown::LinkTarget;
use crate::model::{Document, SourceFile};
use crate::output::Bytes;
use crate::output::Sink;
use crate::sanitise::RawHtml;
use crate::search::SectionCache;
use crate::site::{self, BuildOptions, Summary};
use crate::tailor::{Tailored, TailoredBody};
use crate::templates::{self, Sources, Templates};

/// A page by its file and its path under content/.
pub type PageKey = (PathBuf, String);

/// What a file's metadata says of its contents: a page whose file has the same
/// stamp as when it was read is not read again. The change time moves with every
/// write, whatever the modification time was set to, and the inode with a file
/// replaced by a rename (as editors save). File systems keep times to a clock tick
/// of a few milliseconds, so two writes may share one: a file written in the last
/// [`FileStamp::SETTLING`] gets no stamp and is read again (git's "racy clean").
#[derive(Clone, Debug, PartialEq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
    inode: u64,
}

impl FileStamp {
    /// How long after its last write a file's stamp is trusted.
    pub const SETTLING: std::time::Duration = std::time::Duration::from_secs(2);

    /// The stamp of the file at `path`, if its metadata can be read and it was
    /// not written in the last `SETTLING`.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let metadata = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((metadata.ctime(), metadata.ctime_nsec()), metadata.ino())
        };
        // Elsewhere the length and the modification time say it alone.
        #[cfg(not(unix))]
        let (changed, inode) = ((0, 0), 0);
        // The later of the two times, since the modification time can be set back.
        let written = metadata.modified().ok()?.max(
            std::time::UNIX_EPOCH
                + std::time::Duration::new(
                    changed.0.max(0) as u64,
                    changed.1.clamp(0, 999_999_999) as u32,
                ),
        );
        if written.elapsed().map_or(true, |age| age < Self::SETTLING) {
            return None;
        }
        Some(FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            changed,
            inode,
        })
    }
}

/// What builds share. `Session::default()` starts empty.
#[derive(Default)]
pub struct Session {
    templates: Mutex<Option<(Sources, Arc<Templates>)>>,
    documents: Kept<HashMap<PageKey, KeptDocument>>,
    reused: std::sync::atomic::AtomicUsize,
    /// The rendered bodies, by the page's file and path under content/; none
    /// unless the session keeps them.
    bodies: Option<Kept<KeptBodies>>,
    reused_bodies: std::sync::atomic::AtomicUsize,
    /// The tailored pages, by page; none unless the session keeps bodies.
    tailored: Option<Kept<KeptTailored>>,
    /// The rendered pages, by path; none unless the session keeps bodies.
    pages: Option<Kept<KeptPages>>,
    reused_pages: std::sync::atomic::AtomicUsize,
    /// The URLs (with their versions) of the last build's search index files.
    index_urls: Mutex<Option<BTreeMap<String, String>>>,
    /// The names of the files a watcher saw change since the last build began,
    /// for the next.
    watched_changes: Mutex<Option<HashSet<OsString>>>,
    /// The sections the search index read, by their text; none unless the session
    /// is a batch's (see `for_batch`).
    search_pages: Option<SectionCache>,
    /// The data files as parsed, by file and by what they were parsed into.
    data_files: Kept<HashMap<(PathBuf, TypeId), KeptDataFile>>,
    reused_data_files: std::sync::atomic::AtomicUsize,
}

/// A data file as parsed: the source it was parsed from, and what came of it.
type KeptDataFile = (Arc<SourceFile>, Arc<dyn Any + Send + Sync>);

/// The pages earlier builds tailored, each with the source it was parsed from, and
/// the fingerprint of the audience and values they were all tailored with.
#[derive(Default)]
struct KeptTailored {
    settings: u64,
    by_page: HashMap<PageKey, KeptPage>,
}

/// A page as it was tailored, with the source it was parsed from.
type KeptPage = (Arc<SourceFile>, Tailored);

/// The pages earlier builds rendered: by path, the fingerprint of everything the
/// template read, the bytes, and the last build that made or took the page.
#[derive(Default)]
struct KeptPages {
    build: u64,
    by_path: HashMap<String, (u64, std::sync::atomic::AtomicU64, Bytes)>,
}

/// A page as parsed, with the stamp of its file when it was read.
type KeptDocument = (Arc<Document>, Option<FileStamp>);

/// What a session keeps, read by many threads at once and written by few.
#[derive(Default)]
struct Kept<T>(RwLock<T>);

impl<T> Kept<T> {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The bodies an earlier build rendered, and the settings they all share.
#[derive(Default)]
struct KeptBodies {
    settings: Option<BodySettings>,
    by_page: HashMap<PageKey, Arc<KeptBody>>,
}

/// What every body of a build is rendered with.
#[derive(PartialEq)]
pub struct BodySettings {
    pub labels: Labels,
    pub policy: RawHtml,
    pub with_sections: bool,
}

/// A body as an earlier build rendered it, with what it was rendered from.
pub struct KeptBody {
    /// The tailored page.
    pub doc: Arc<Document>,
    pub tailored: Arc<TailoredBody>,
    pub url: String,
    pub anchors: HashSet<String>,
    /// Each link the body and its fields named: destination, line, what it became.
    pub links: Vec<(String, usize, LinkTarget)>,
    /// What the links read when they were resolved (`Library::links_fingerprint`),
    /// and the anchor links they gave.
    pub links_fingerprint: u64,
    pub anchor_links: Vec<AnchorLink>,
    pub rendered: Arc<Rendered>,
    pub problems: Vec<Diagnostic>,
}

impl Session {
    /// A session for the builds of a batch of editions, which also keeps what the
    /// search index read of each section: editions of one base mostly show the
    /// same sections, which are then read once. (A single build has nothing to share, and a
    /// preview of 10,000 pages would hold 100 MB more.)
    pub fn for_batch() -> Session {
        Session {
            search_pages: Some(SectionCache::default()),
            ..Session::default()
        }
    }

    /// What `parse` makes of `source`, a data file: taken from an earlier build
    /// while the file's text is the one it was parsed from.
    pub fn parsed<T: Clone + Send + Sync + 'static>(
        &self,
        source: &Arc<SourceFile>,
        parse: impl FnOnce() -> T,
    ) -> T {
        let key = (source.path.clone(), TypeId::of::<T>());
        if let Some((kept, value)) = self.data_files.read().get(&key) {
            if kept.text == source.text {
                if let Some(value) = value.downcast_ref::<T>() {
                    self.reused_data_files
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return value.clone();
                }
            }
        }
        let value = parse();
        self.data_files
            .write()
            .insert(key, (source.clone(), Arc::new(value.clone())));
        value
    }

    /// What the search index read of pages, when the session keeps it.
    pub fn search_pages(&self) -> Option<&SectionCache> {
        self.search_pages.as_ref()
    }

    /// A session that also keeps rendered bodies, for a server that rebuilds one
    /// edition after each change.
    pub fn keeping_bodies() -> Session {
        Session {
            bodies: Some(Kept::default()),
            tailored: Some(Kept::default()),
            pages: Some(Kept::default()),
            ..Session::default()
        }
    }

    /// Starts a build's tailoring, with the fingerprint of its audience and values:
    /// the pages kept from a build with others are forgotten.
    pub fn tailor_with(&self, settings: u64) {
        if let Some(tailored) = &self.tailored {
            let mut tailored = tailored.write();
            if tailored.settings != settings {
                tailored.by_page.clear();
                tailored.settings = settings;
            }
        }
    }

    /// The page at `key` as an earlier build tailored it from `source` (the same
    /// parsed source: a page parsed again is tailored again).
    pub fn tailored(&self, key: &PageKey, source: &Arc<SourceFile>) -> Option<Tailored> {
        let tailored = self.tailored.as_ref()?.read();
        let (kept_source, page) = tailored.by_page.get(key)?;
        // The kept source holds its allocation: no other source can take its place.
        Arc::ptr_eq(kept_source, source).then(|| page.clone())
    }

    /// Keeps a page this build tailored, when the session keeps bodies.
    pub fn keep_tailored(&self, key: PageKey, source: Arc<SourceFile>, page: &Tailored) {
        if let Some(tailored) = &self.tailored {
            tailored.write().by_page.insert(key, (source, page.clone()));
        }
    }

    /// Whether this session keeps rendered pages.
    pub fn keeps_pages(&self) -> bool {
        self.pages.is_some()
    }

    /// Starts a build's pages.
    pub fn start_pages(&self) {
        if let Some(pages) = &self.pages {
            pages.write().build += 1;
        }
    }

    /// The page an earlier build rendered at `path` from what has `fingerprint`.
    pub fn page(&self, path: &str, fingerprint: u64) -> Option<Bytes> {
        let pages = self.pages.as_ref()?.read();
        let (kept, used, bytes) = pages.by_path.get(path)?;
        if *kept != fingerprint {
            return None;
        }
        used.store(pages.build, std::sync::atomic::Ordering::Relaxed);
        self.reused_pages
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(bytes.clone())
    }

    /// Keeps a page this build rendered, when the session keeps pages.
    pub fn keep_page(&self, path: &str, fingerprint: u64, bytes: Bytes) {
        if let Some(pages) = &self.pages {
            let mut pages = pages.write();
            let build = pages.build.into();
            pages
                .by_path
                .insert(path.to_string(), (fingerprint, build, bytes));
        }
    }

    /// Ends a build's pages: those it neither made nor took are forgotten.
    pub fn end_pages(&self) {
        if let Some(pages) = &self.pages {
            let mut pages = pages.write();
            let build = pages.build;
            pages
                .by_path
                .retain(|_, (_, used, _)| *used.get_mut() == build);
        }
    }

    /// How many pages builds of this session took from an earlier one.
    pub fn reused_pages(&self) -> usize {
        self.reused_pages.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The versioned URLs of the search index files of the last build that made them.
    pub fn index_urls(&self) -> Option<BTreeMap<String, String>> {
        self.index_urls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Keeps the versioned URLs of this build's search index files.
    pub fn keep_index_urls(&self, urls: BTreeMap<String, String>) {
        *self.index_urls.lock().unwrap_or_else(|e| e.into_inner()) = Some(urls);
    }

    /// Starts a build's bodies: those kept from builds with other settings are
    /// forgotten.
    pub fn keep_bodies_for(&self, settings: BodySettings) {
        if let Some(bodies) = &self.bodies {
            let mut bodies = bodies.write();
            if bodies.settings.as_ref() != Some(&settings) {
                bodies.by_page.clear();
                bodies.settings = Some(settings);
            }
        }
    }

    /// The body an earlier build rendered for the page at `key`, if kept.
    pub fn body(&self, key: &PageKey) -> Option<Arc<KeptBody>> {
        let bodies = self.bodies.as_ref()?;
        bodies.read().by_page.get(key).cloned()
    }

    /// Keeps a body this build rendered, when the session keeps bodies.
    pub fn keep_body(&self, key: PageKey, body: KeptBody) {
        if let Some(bodies) = &self.bodies {
            bodies.write().by_page.insert(key, Arc::new(body));
        }
    }

    /// Whether this session keeps bodies.
    pub fn keeps_bodies(&self) -> bool {
        self.bodies.is_some()
    }

    /// Counts a body taken from an earlier build.
    pub fn reused_body(&self) {
        self.reused_bodies
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many bodies builds of this session took from an earlier one.
    pub fn reused_bodies(&self) -> usize {
        self.reused_bodies
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Builds `edition` into `sink`, reusing what earlier builds of this session
    /// parsed (see `site::build_edition`).
    pub fn build(
        &self,
        edition: &Edition,
        options: &BuildOptions,
        sink: &dyn Sink,
    ) -> Result<Summary, Vec<Diagnostic>> {
        site::build_in(self, edition, options, sink)
    }

    /// The edition's templates, parsed, or the ones of an earlier build when every
    /// template's text is the same.
    pub fn templates(&self, edition: &Edition) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        let sources = templates::sources(edition)?;
        let mut cached = self.templates.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((known, tera)) = cached.as_ref() {
            if *known == sources {
                return Ok(tera.clone());
            }
        }
        let tera = Arc::new(templates::compile(&sources)?);
        *cached = Some((sources, tera.clone()));
        Ok(tera)
    }

    /// The page an earlier build parsed at `path` (`rel` under content/), when the
    /// file's stamp is still `stamp`: the file need not be read.
    pub fn unchanged_document(
        &self,
        path: &Path,
        rel: &str,
        stamp: &FileStamp,
    ) -> Option<Arc<Document>> {
        self.kept_document_if(path, rel, |kept| kept.as_ref() == Some(stamp))
    }

    /// The page an earlier build parsed at `path` (`rel` under content/), for a
    /// file known not to have changed since.
    pub fn kept_document(&self, path: &Path, rel: &str) -> Option<Arc<Document>> {
        self.kept_document_if(path, rel, |_| true)
    }

    fn kept_document_if(
        &self,
        path: &Path,
        rel: &str,
        stamp_is_right: impl FnOnce(&Option<FileStamp>) -> bool,
    ) -> Option<Arc<Document>> {
        let key = (path.to_path_buf(), rel.to_string());
        let documents = self.documents.read();
        let (doc, stamp) = documents.get(&key)?;
        if !stamp_is_right(stamp) {
            return None;
        }
        self.reused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(doc.clone())
    }

    /// Tells the session which files changed since its last build began, as a
    /// watcher saw them (one that lost no event): the next build takes the pages
    /// whose files have none of their names as it kept them. Names, not paths: a
    /// watcher may name a file by another path than the edition does (macOS's
    /// gives the real path, without the links of the one it watches).
    pub fn expect_changes(&self, changed: &[PathBuf]) {
        let names = changed
            .iter()
            .filter_map(|path| path.file_name())
            .map(OsString::from)
            .collect();
        *self
            .watched_changes
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(names);
    }

    /// The names of the files that changed since the last build began, when a
    /// watcher said.
    pub fn take_watched_changes(&self) -> Option<HashSet<OsString>> {
        self.watched_changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// The page at `path` (`rel` under content/), whose text is `source`: the one an
    /// earlier build parsed from the same text, else `parse`'s, kept when it parsed,
    /// with the file's `stamp` when read.
    pub fn document(
        &self,
        path: &Path,
        rel: &str,
        source: Arc<SourceFile>,
        stamp: Option<FileStamp>,
        parse: impl FnOnce(Arc<SourceFile>) -> Result<Document, Vec<Diagnostic>>,
    ) -> Result<Arc<Document>, Vec<Diagnostic>> {
        let key = (path.to_path_buf(), rel.to_string());
        let earlier = self.documents.read().get(&key).map(|(doc, _)| doc.clone());
        if let Some(doc) = earlier.filter(|doc| doc.source.text == source.text) {
            self.reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.documents.write().insert(key, (doc.clone(), stamp));
            return Ok(doc);
        }
        let doc = Arc::new(parse(source)?);
        self.documents.write().insert(key, (doc.clone(), stamp));
        Ok(doc)
    }

    /// How many pages builds of this session took from an earlier one.
    pub fn reused_documents(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many parsed data files builds of this session took from an earlier one.
    pub fn reused_data_files(&self) -> usize {
        self.reused_data_files
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}
