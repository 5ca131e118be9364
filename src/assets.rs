//! The site's assets, under `assets/`: the theme's files (the edition's own over
//! the built-in ones), the code colours, and the edition's branding as CSS; and the
//! URLs by which pages name them, which change when their content does. And the
//! files of content/ that are not pages (images, attachments), copied under
//! `media/` at their place, the nearest layer's winning.

use std::collections::BTreeMap;
use std::hash::Hasher;

use crate::edition::Settings;
use crate::markdown;
use crate::urls;

/// The theme files only the search uses.
const SEARCH_FILES: [&str; 3] = ["search.js", "stem.js", "search.css"];

/// The asset files of a site, by path from its root.
pub fn files(settings: &Settings, theme: BTreeMap<String, Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let (code_light, code_dark) = markdown::highlight_css();
    // The search's script and style serve nothing when the search is off.
    let unused = |path: &str| !settings.search_enabled && SEARCH_FILES.contains(&path);
    let mut files: Vec<(String, Vec<u8>)> = theme
        .into_iter()
        .filter(|(path, _)| !unused(path))
        .map(|(path, bytes)| (urls::asset(&path), bytes))
        .collect();
    files.push((urls::asset("highlight.css"), code_light.as_bytes().to_vec()));
    files.push((
        urls::asset("highlight-dark.css"),
        code_dark.as_bytes().to_vec(),
    ));
    files.push((
        urls::asset("edition.css"),
        edition_css(settings).into_bytes(),
    ));
    files
}

fn edition_css(settings: &Settings) -> String {
    let colours = &settings.branding.colors;
    let mut css = String::from("/* Generated from the edition's branding. */\n:root {\n");
    if let Some(primary) = &colours.primary {
        css.push_str(&format!("  --brand-primary: {primary};\n"));
    }
    if let Some(accent) = &colours.accent {
        css.push_str(&format!("  --brand-accent: {accent};\n"));
    }
    css.push_str("}\n");
    css
}

/// Each file's URL with its content's hash (`assets/app.js?v=1f2e3d4c`), by path:
/// after a redeploy, a browser that cached the old file fetches the new one rather
/// than pair it with new pages. The query leaves the file's name alone, so it works
/// from file:// as from a server, and a template that names a file without it still
/// finds it.
pub fn versioned_urls<'f>(
    files: impl IntoIterator<Item = &'f (String, Vec<u8>)>,
) -> BTreeMap<String, String> {
    files
        .into_iter()
        .map(|(path, bytes)| (path.clone(), format!("{path}?v={}", content_hash(bytes))))
        .collect()
}

/// A short hash of `bytes`, the same from build to build.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    format!("{:08x}", hasher.finish() as u32)
}

/// The files of content/ that are not pages, by path under content/, with the file
/// each comes from (through the layers, so that a client edition can replace one).
pub fn attachments(edition: &crate::edition::Edition) -> BTreeMap<String, std::path::PathBuf> {
    edition
        .files("content")
        .filter(|(rel, _)| !rel.ends_with(".md"))
        .map(|(rel, path)| (rel.clone(), path.clone()))
        .collect()
}

/// Copies the attachments into the site, under `media/`.
pub fn copy_attachments(
    attachments: &BTreeMap<String, std::path::PathBuf>,
    out: &crate::output::Queue,
) -> Vec<crate::diagnostics::Diagnostic> {
    let mut problems = Vec::new();
    for (rel, path) in attachments {
        match std::fs::read(path) {
            Ok(bytes) => out.send(urls::attachment_file(rel), bytes),
            Err(err) => problems.push(
                crate::diagnostics::Diagnostic::error(format!("cannot read the file: {err}"))
                    .in_file(path)
                    .hint("check that the file is readable by you"),
            ),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_changes_with_its_file_and_only_then() {
        let a = ("assets/app.js".to_string(), b"un".to_vec());
        let b = ("assets/app.js".to_string(), b"deux".to_vec());
        let (one, two) = (versioned_urls([&a]), versioned_urls([&b]));
        assert!(one["assets/app.js"].starts_with("assets/app.js?v="));
        assert_ne!(one, two);
        assert_eq!(one, versioned_urls([&a.clone()]));
    }
}
