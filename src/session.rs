//! A session: what one build leaves for the next build of the same edition, or of
//! another edition that shares its layers. A live preview keeps one across its
//! rebuilds; a batch build of client editions shares one, so that the base's pages
//! and templates parse once for all of them.
//!
//! It keeps the parsed templates, and each parsed page by its file and text. What
//! a build takes from it is what parsing the same text again would give: a page is
//! reused only when its text is equal to the one it was parsed from, and the
//! templates only when every template's text is. The code colours' syntaxes are
//! loaded once per process (see `markdown`), so they need no place here.
//!
//! A session made with `keeping_bodies` (the live preview's) also keeps each page's
//! rendered body, with everything it was rendered from: the page's source, its
//! tailored text and fields, its URL and anchors, the edition's labels and policy,
//! and what each of its links resolved to. A body is reused only when all of these
//! are equal, its links checked again against the new build's pages (see `bodies`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tera::Tera;

use crate::bodies::Body;
use crate::diagnostics::Diagnostic;
use crate::edition::Edition;
use crate::i18n::Labels;
use crate::markdown::LinkTarget;
use crate::model::{Document, KindData, SourceFile};
use crate::output::Sink;
use crate::sanitise::RawHtml;
use crate::site::{self, BuildOptions, Summary};
use crate::tailor::TailoredBody;
use crate::templates::{self, Sources};

/// A page by its file and its path under content/.
pub type PageKey = (PathBuf, String);

/// What builds share. `Session::default()` starts empty.
#[derive(Default)]
pub struct Session {
    templates: Mutex<Option<(Sources, Arc<Tera>)>>,
    documents: Mutex<HashMap<PageKey, Arc<Document>>>,
    reused: std::sync::atomic::AtomicUsize,
    /// The rendered bodies, by the page's file and path under content/; none
    /// unless the session keeps them.
    bodies: Option<Mutex<HashMap<PageKey, Arc<RenderedBody>>>>,
    reused_bodies: std::sync::atomic::AtomicUsize,
}

/// A body as an earlier build rendered it, with what it was rendered from.
pub struct RenderedBody {
    pub source: Arc<SourceFile>,
    pub tailored: TailoredBody,
    pub data: KindData,
    pub url: String,
    pub anchors: Vec<String>,
    pub labels: Labels,
    pub policy: RawHtml,
    pub with_sections: bool,
    /// Each link the body and its fields named: destination, line, what it became.
    pub links: Vec<(String, usize, LinkTarget)>,
    pub body: Body,
    pub problems: Vec<Diagnostic>,
}

impl Session {
    /// A session that also keeps rendered bodies, for a server that rebuilds one
    /// edition after each change.
    pub fn keeping_bodies() -> Session {
        Session {
            bodies: Some(Mutex::default()),
            ..Session::default()
        }
    }

    /// The body an earlier build rendered for the page at `key`, if kept.
    pub fn body(&self, key: &PageKey) -> Option<Arc<RenderedBody>> {
        let bodies = self.bodies.as_ref()?;
        bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Keeps a body this build rendered, when the session keeps bodies.
    pub fn keep_body(&self, key: PageKey, body: RenderedBody) {
        if let Some(bodies) = &self.bodies {
            bodies
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, Arc::new(body));
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
    pub fn templates(&self, edition: &Edition) -> Result<Arc<Tera>, Vec<Diagnostic>> {
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

    /// The page at `path` (`rel` under content/), whose text is `source`: the one an
    /// earlier build parsed from the same text, else `parse`'s, kept when it parsed.
    pub fn document(
        &self,
        path: &Path,
        rel: &str,
        source: Arc<SourceFile>,
        parse: impl FnOnce(Arc<SourceFile>) -> Result<Document, Vec<Diagnostic>>,
    ) -> Result<Document, Vec<Diagnostic>> {
        let key = (path.to_path_buf(), rel.to_string());
        let documents = || self.documents.lock().unwrap_or_else(|e| e.into_inner());
        let earlier = documents().get(&key).cloned();
        if let Some(doc) = earlier.filter(|doc| doc.source.text == source.text) {
            self.reused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(Document::clone(&doc));
        }
        let doc = parse(source)?;
        documents().insert(key, Arc::new(doc.clone()));
        Ok(doc)
    }

    /// How many pages builds of this session took from an earlier one.
    pub fn reused_documents(&self) -> usize {
        self.reused.load(std::sync::atomic::Ordering::Relaxed)
    }
}
