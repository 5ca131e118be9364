//! Templates and theme files, looked up through the edition's layers and then in the
//! built-in defaults embedded in the binary (the repository's `templates/` and
//! `theme/`), so a bare content folder builds.
//!
//! An edition overrides a whole template by writing a file of the same name, or one
//! block of it with `{% extends "gouvernail/page.html" %}`: a built-in template is
//! also registered under `gouvernail/` when an override names it so.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::edition::Edition;
use crate::markdown::{render_inline, LinkTarget};
use crate::sanitise::RawHtml;

static BUILTIN_TEMPLATES: Dir = include_dir!("$CARGO_MANIFEST_DIR/templates");
static BUILTIN_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// The templates of an edition: each by name, its text, and its file when it is the
/// edition's (none for a built-in). Two equal `Sources` compile to the same templates.
pub type Sources = BTreeMap<String, (String, Option<PathBuf>)>;

/// Reads the templates of an edition, through its layers and the built-ins.
pub fn sources(edition: &Edition) -> Result<Sources, Vec<Diagnostic>> {
    let mut sources: Sources = BTreeMap::new();
    let mut problems = Vec::new();
    let builtins: Vec<(String, String)> = builtin_files(&BUILTIN_TEMPLATES)
        .into_iter()
        .map(|file| {
            let name = file.path().to_string_lossy().replace('\\', "/");
            (name, String::from_utf8_lossy(file.contents()).into_owned())
        })
        .collect();
    for (name, text) in &builtins {
        sources.insert(name.clone(), (text.clone(), None));
    }
    let mut overrides = Vec::new();
    for (name, path) in edition.files("templates") {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Some(problem) = conflict_in(path, &text) {
                    problems.push(problem);
                    continue;
                }
                // The repository's own edition holds the built-in templates themselves:
                // an override identical to its built-in is not parsed twice. It is
                // still the edition's file (`Edition::origin` says where it is from).
                if sources
                    .get(name)
                    .is_some_and(|(builtin, _)| *builtin == text)
                {
                    continue;
                }
                overrides.push(text.clone());
                sources.insert(name.clone(), (text, Some(path.clone())));
            }
            Err(err) => problems.push(
                Diagnostic::error(format!("cannot read the template: {err}"))
                    .in_file(path)
                    .hint("templates are UTF-8 text files"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // The built-ins an override names as `gouvernail/…` (to extend one block of
    // it); parsing every template twice would cost a fifth of a small build.
    for (name, text) in builtins {
        let qualified = format!("gouvernail/{name}");
        if overrides.iter().any(|o| o.contains(&qualified)) {
            sources.insert(qualified, (text, None));
        }
    }
    Ok(sources)
}

/// Compiled templates, and the fingerprint of their sources: a page rendered by
/// templates of the same fingerprint from the same data is the same page.
pub struct Templates {
    pub tera: Tera,
    pub fingerprint: u64,
}

/// Parses templates into one Tera instance.
pub fn compile(sources: &Sources) -> Result<Templates, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".svg", ".xml"]);
    // Tera's default also escapes `/`, which is safe but bloats every URL.
    tera.set_escape_fn(escape_html);
    tera.register_filter("inline", InlineFilter);
    let raw: Vec<(String, String)> = sources
        .iter()
        .map(|(name, (text, _))| (name.clone(), text.clone()))
        .collect();
    if let Err(err) = tera.add_raw_templates(raw) {
        let message = error_chain(&err);
        let file = sources
            .iter()
            .find(|(name, _)| message.contains(name.as_str()))
            .and_then(|(_, (_, path))| path.clone());
        let mut d = Diagnostic::error(format!("a template does not parse: {message}"))
            .hint("fix the template's Tera syntax; the message gives the line and column");
        if let Some(path) = file {
            d = d.in_file(path);
        }
        return Err(vec![d]);
    }
    Ok(Templates {
        tera,
        fingerprint: crate::fingerprint::Fingerprint::new()
            .with(sources)
            .finish(),
    })
}

/// The error for a template or theme file that holds a merge's conflict markers.
fn conflict_in(path: &std::path::Path, text: &str) -> Option<Diagnostic> {
    crate::parse::conflict_markers(text)?;
    let source = Arc::new(crate::model::SourceFile::new(
        path.to_path_buf(),
        text.to_string(),
    ));
    crate::parse::conflict_error(&source)
}

/// The paths of the built-in files of `folder` (`templates` or `theme`).
pub fn builtin_names(folder: &str) -> Vec<String> {
    let dir = match folder {
        "templates" => &BUILTIN_TEMPLATES,
        "theme" => &BUILTIN_THEME,
        _ => return Vec::new(),
    };
    builtin_files(dir)
        .into_iter()
        .map(|f| f.path().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// The built-in file `rel` of `folder` (`templates` or `theme`), if there is one.
pub fn builtin(folder: &str, rel: &str) -> Option<&'static [u8]> {
    let dir = match folder {
        "templates" => &BUILTIN_TEMPLATES,
        "theme" => &BUILTIN_THEME,
        _ => return None,
    };
    dir.get_file(rel).map(|file| file.contents())
}

/// Every file of an embedded folder, recursively (each file's path is from the
/// embedded folder's root).
pub fn builtin_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(builtin_files(sub));
    }
    files
}

/// The theme files of an edition: relative path → bytes, the nearest layer winning
/// over the built-in theme.
pub fn theme_files(edition: &Edition) -> Result<BTreeMap<String, Vec<u8>>, Vec<Diagnostic>> {
    let mut files: BTreeMap<String, Vec<u8>> = builtin_files(&BUILTIN_THEME)
        .into_iter()
        .map(|f| {
            (
                f.path().to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for (name, path) in edition.files("theme") {
        match std::fs::read(path) {
            Ok(bytes) => {
                // A text file of the theme (CSS, scripts, SVG) a merge left half done.
                let text = std::str::from_utf8(&bytes).ok();
                if let Some(problem) = text.and_then(|text| conflict_in(path, text)) {
                    problems.push(problem);
                    continue;
                }
                files.insert(name.clone(), bytes);
            }
            Err(err) => problems.push(
                Diagnostic::error(format!("cannot read the theme file: {err}")).in_file(path),
            ),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn escape_html(text: &str) -> String {
    crate::tailor::html_escape(text)
}

/// The message of a Tera error with its causes, which hold the useful part.
pub fn error_chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// `{{ text | inline }}`: a template's own text as inline HTML (emphasis, code,
/// links kept as written), always sanitised. The pages' fields come already
/// rendered, their links resolved, under the edition's policy (see `views`). Its
/// output is HTML, so it is not escaped again.
struct InlineFilter;

fn inline(text: &str) -> String {
    render_inline(text, &|_, _| LinkTarget::Keep, RawHtml::Sanitise).html
}

impl tera::Filter for InlineFilter {
    fn filter(
        &self,
        value: &tera::Value,
        _: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        Ok(tera::Value::String(match value {
            tera::Value::String(text) => inline(text),
            tera::Value::Null => String::new(),
            other => inline(&other.to_string()),
        }))
    }

    fn is_safe(&self) -> bool {
        true
    }
}
