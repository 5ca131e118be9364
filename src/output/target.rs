//! Which folder a build may replace with the site it built.
//!
//! The output folder is replaced whole, so it may be replaced only when it is
//! missing, empty, or gouvernail's own output: it holds the marker file
//! `.gouvernail-output` (written at each build), or, for sites built before the
//! marker existed, the layout gouvernail writes (an `index.html` that names
//! gouvernail as its generator; at the default place `EDITION/public`, an
//! `index.html` beside `assets/`). `--force` lets a build replace any other folder.
//! Nothing lets it replace the edition, a folder that holds one of its layers, a
//! layer's source folder or anything inside one, or a file.
//!
//! Paths are compared once resolved: absolute, with every symbolic link followed, so
//! `--out` given as a link to a deploy folder names that folder (which is replaced;
//! the link stays), and no spelling of a protected folder slips through.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::edition::{Edition, SOURCE_FOLDERS};

/// The file that marks a folder as gouvernail's output. It is written only to disk:
/// the files of a build (in memory, in an archive, in a comparison) never hold it.
pub const MARKER: &str = ".gouvernail-output";

const MARKER_TEXT: &str =
    "This folder is a site built by gouvernail. The next build replaces it whole:\n\
     keep no other files here.\n";

/// The marker's contents.
pub fn marker_text() -> &'static str {
    MARKER_TEXT
}

/// `out` made absolute with every symbolic link resolved, including `out` itself.
/// Components that do not exist yet are appended as written (`..` among them
/// removes the one before).
pub fn resolve(out: &Path) -> Result<PathBuf, Diagnostic> {
    let absolute = std::path::absolute(out).map_err(|err| cannot_resolve(out, &err))?;
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if !exists {
                    continue;
                }
                match fs::symlink_metadata(&resolved) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        match fs::canonicalize(&resolved) {
                            Ok(real) => resolved = real,
                            Err(err) => {
                                let to = fs::read_link(&resolved)
                                    .map(|t| t.display().to_string())
                                    .unwrap_or_else(|_| "?".into());
                                return Err(Diagnostic::error(format!(
                                "the output folder {} goes through the symbolic link {} → {to}, which leads nowhere ({err})",
                                out.display(),
                                resolved.display()
                            ))
                            .hint("create the folder the link points at, or give --out a path without the broken link"));
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(err) if err.kind() == io::ErrorKind::NotFound => exists = false,
                    Err(err) => return Err(cannot_resolve(out, &err)),
                }
            }
        }
    }
    Ok(resolved)
}

fn cannot_resolve(out: &Path, err: &io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot find where the output folder {} is: {err}",
        out.display()
    ))
    .hint("check that you may read the folders on the way to it, or choose another --out")
}

/// Refuses an output folder that no build may ever replace, `--force` or not: the
/// edition, a folder above one of its layers, a layer's source folder or anything
/// in one, or a file. `target` is resolved; `out` is as the user wrote it.
pub fn check_place(target: &Path, out: &Path, edition: &Edition) -> Result<(), Diagnostic> {
    Protected::of(edition).check(target, out)
}

/// The places of an edition that no output may be: each layer's folder, resolved,
/// and its source folders. Resolved once, for a batch that checks every output
/// against every edition.
pub struct Protected {
    layers: Vec<ProtectedLayer>,
    /// Where the edition's site goes by default, for the hint.
    default_out: PathBuf,
}

/// A layer's folder, resolved, what to call it, and its source folders.
struct ProtectedLayer {
    root: PathBuf,
    whose: String,
    sources: Vec<(&'static str, PathBuf)>,
}

impl Protected {
    pub fn of(edition: &Edition) -> Protected {
        let count = edition.layers.len();
        let layers = edition
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| {
                let root = fs::canonicalize(&layer.root).unwrap_or_else(|_| layer.root.clone());
                let whose = if i + 1 == count {
                    "the edition".to_string()
                } else {
                    format!("the edition {} (which this one extends)", root.display())
                };
                let sources = SOURCE_FOLDERS
                    .iter()
                    .map(|folder| {
                        let source = root.join(folder);
                        (*folder, fs::canonicalize(&source).unwrap_or(source))
                    })
                    .collect();
                ProtectedLayer {
                    root,
                    whose,
                    sources,
                }
            })
            .collect();
        Protected {
            layers,
            default_out: edition.root.join("public"),
        }
    }

    /// Refuses `target` (the resolved `out`) when it is one of these places, holds
    /// one, or is a file.
    pub fn check(&self, target: &Path, out: &Path) -> Result<(), Diagnostic> {
        let refuse = |what: String| {
            Diagnostic::error(format!(
                "the output folder {} is {what}: a build replaces its output folder whole, so it cannot write there",
                out.display()
            ))
            .hint(format!(
                "write the site into a folder of its own: leave out --out for {}, or name a new folder such as ../site",
                self.default_out.display()
            ))
        };
        for ProtectedLayer {
            root,
            whose,
            sources,
        } in &self.layers
        {
            if target == root {
                return Err(refuse(format!("{whose} itself")));
            }
            if root.starts_with(target) {
                return Err(refuse(format!(
                    "a folder that holds {whose}, in {}",
                    root.display()
                )));
            }
            for (folder, source) in sources {
                if target.starts_with(source) {
                    return Err(refuse(format!("inside the {folder}/ folder of {whose}")));
                }
            }
        }
        if fs::symlink_metadata(target).is_ok_and(|m| !m.is_dir()) {
            return Err(Diagnostic::error(format!(
                "the output folder {} is a file",
                out.display()
            ))
            .hint("give --out the path of a folder (new, empty, or a site gouvernail built)"));
        }
        Ok(())
    }
}

/// Refuses to replace a folder that holds files gouvernail did not write, unless
/// `force`. `default_place` is where the edition's site goes by default.
pub fn check_contents(
    target: &Path,
    out: &Path,
    default_place: &Path,
    force: bool,
) -> Result<(), Diagnostic> {
    let entries = match fs::read_dir(target) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => {
            return Err(Diagnostic::error(format!(
                "cannot read the output folder {}: {err}",
                out.display()
            ))
            .hint("check its permissions, or choose another --out"))
        }
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    if is_gouvernail_output(target, target == default_place) {
        return Ok(());
    }
    // An edition's folder is never replaced, --force or not: it is someone's work,
    // not a site (another edition than the one built, say a base beside it).
    if names
        .iter()
        .any(|name| name == crate::edition::EDITION_FILE)
    {
        return Err(Diagnostic::error(format!(
            "the output folder {} holds a {}: it is an edition, and a build replaces its output folder whole",
            out.display(),
            crate::edition::EDITION_FILE
        ))
        .hint("write the site into a folder of its own, such as ../site; --force never replaces an edition"));
    }
    if names.is_empty() || force {
        return Ok(());
    }
    names.sort();
    let count = names.len();
    let shown = if count > 5 {
        format!("{}, …", names[..5].join(", "))
    } else {
        names.join(", ")
    };
    Err(Diagnostic::error(format!(
        "the output folder {} is not a site gouvernail built: it holds {count} entr{} ({shown}) and no {MARKER} file",
        out.display(),
        if count == 1 { "y" } else { "ies" }
    ))
    .hint(
        "a build replaces its output folder whole: choose a new or empty folder for --out, \
         or add --force to replace this one and delete everything in it",
    ))
}

/// Whether `folder` is a site gouvernail built: its marker, or the layout of a site
/// built before the marker existed.
fn is_gouvernail_output(folder: &Path, default_place: bool) -> bool {
    if folder.join(MARKER).is_file() {
        return true;
    }
    let index = folder.join("index.html");
    let mut head = [0u8; 4096];
    let read = fs::File::open(&index)
        .and_then(|mut file| file.read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    head.contains("<meta name=\"generator\" content=\"gouvernail")
        || (default_place && read > 0 && folder.join("assets").is_dir())
}
