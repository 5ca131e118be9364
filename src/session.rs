//! A session: what one build leaves for the next build of the same edition, or of
//! another edition that shares its layers. A live preview keeps one across its
//! rebuilds; a batch build of client editions shares one, so that the base's pages
//! and templates parse once for all of them.
//!
//! It keeps the parsed templates, and each parsed page by its file and text. What
//! a build takes from it is what parsing the same text again would give: a page is
//! reused only when its text is equal to the one it was parsed from, and the
//! templates only when every template's text is. The code colours' syntaxes are
//! loaded once per process (see `markdown`), so they need no place here. Rendered
//! bodies are not kept: a body's links depend on the other pages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::edition::Edition;
use crate::model::{Document, SourceFile};
use crate::output::Sink;
use crate::site::{self, BuildOptions, Summary};
use crate::templates::{self, Sources};

/// What builds share. `Session::default()` starts empty.
#[derive(Default)]
pub struct Session {
    templates: Mutex<Option<(Sources, Arc<Tera>)>>,
    documents: Mutex<HashMap<(PathBuf, String), Arc<Document>>>,
    reused: std::sync::atomic::AtomicUsize,
}

impl Session {
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
