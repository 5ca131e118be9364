//! The default handbook, embedded in the binary, so that an edition can say
//! `extends: builtin` with nothing but gouvernail installed. The build reads
//! layers from disk, so the handbook is written once per gouvernail version into
//! the user's cache (`~/.cache/gouvernail/builtin-<version>-<hash>` on Linux), and
//! checked against the embedded copy at each load: a file changed or added there
//! by hand is not built, the folder is written again.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::diagnostics::Diagnostic;
use crate::edition::EDITION_FILE;
use crate::fingerprint::Fingerprint;

/// What `extends:` says to build on the embedded handbook.
pub const NAME: &str = "builtin";

static CONTENT: Dir = include_dir!("$CARGO_MANIFEST_DIR/content");
static DATA: Dir = include_dir!("$CARGO_MANIFEST_DIR/data");
static HANDBOOK_YAML: &str = include_str!("../handbook.yaml");

/// Every embedded file: its path in the edition, and its bytes.
fn files() -> Vec<(PathBuf, &'static [u8])> {
    let mut files = vec![(PathBuf::from(EDITION_FILE), HANDBOOK_YAML.as_bytes())];
    for (dir, under) in [(&CONTENT, "content"), (&DATA, "data")] {
        for file in crate::templates::builtin_files(dir) {
            files.push((Path::new(under).join(file.path()), file.contents()));
        }
    }
    files.sort();
    files
}

/// The folder of the embedded handbook, written if it is missing or differs from
/// the embedded copy.
pub fn folder() -> Result<PathBuf, Diagnostic> {
    let cache = dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("gouvernail");
    folder_in(&cache)
}

/// The folder of the embedded handbook under `cache`.
pub fn folder_in(cache: &Path) -> Result<PathBuf, Diagnostic> {
    let files = files();
    let mut fingerprint = Fingerprint::new();
    for (path, bytes) in &files {
        fingerprint = fingerprint.with(path).with(bytes);
    }
    let name = format!(
        "{NAME}-{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        fingerprint.finish()
    );
    let target = cache.join(&name);
    if holds_exactly(&target, &files) {
        return Ok(target);
    }
    let failed = |err: std::io::Error| {
        Diagnostic::error(format!(
            "cannot write the built-in handbook into {}: {err}",
            cache.display()
        ))
        .hint("`extends: builtin` needs a cache folder gouvernail may write to; set XDG_CACHE_HOME to one, or extend a copy of the handbook by its path")
    };
    // Written beside, then moved in whole: a build running at the same time never
    // reads half a handbook.
    let fresh = cache.join(format!("{name}.new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    for (path, bytes) in &files {
        let path = fresh.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).map_err(failed)?;
        std::fs::write(&path, bytes).map_err(failed)?;
    }
    if target.exists() {
        // Changed by hand: set aside, then removed (gouvernail wrote it).
        let old = cache.join(format!("{name}.old-{}", std::process::id()));
        std::fs::rename(&target, &old).map_err(failed)?;
        let _ = std::fs::remove_dir_all(&old);
    }
    match std::fs::rename(&fresh, &target) {
        Ok(()) => Ok(target),
        // Another process moved its copy in first.
        Err(_) if holds_exactly(&target, &files) => {
            let _ = std::fs::remove_dir_all(&fresh);
            Ok(target)
        }
        Err(err) => Err(failed(err)),
    }
}

/// Whether `dir` holds `files` and nothing else.
fn holds_exactly(dir: &Path, files: &[(PathBuf, &[u8])]) -> bool {
    let on_disk: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect();
    let mut expected: Vec<&PathBuf> = files.iter().map(|(path, _)| path).collect();
    expected.sort();
    on_disk.iter().eq(expected.iter().copied())
        && files
            .iter()
            .all(|(path, bytes)| std::fs::read(dir.join(path)).is_ok_and(|b| b == *bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handbook_is_written_once_and_again_when_changed_by_hand() {
        let cache = tempfile::tempdir().unwrap();
        let folder = folder_in(cache.path()).unwrap();
        assert!(folder.join(EDITION_FILE).is_file());
        assert!(folder.join("content/pages").is_dir());
        let page = walkdir::WalkDir::new(folder.join("content"))
            .into_iter()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "md"))
            .unwrap()
            .into_path();
        let original = std::fs::read(&page).unwrap();
        std::fs::write(&page, "changed by hand").unwrap();
        std::fs::write(folder.join("content/pages/extra.md"), "---\n").unwrap();
        assert_eq!(folder_in(cache.path()).unwrap(), folder);
        assert_eq!(std::fs::read(&page).unwrap(), original);
        assert!(!folder.join("content/pages/extra.md").exists());
        // Nothing is left beside it.
        let entries = std::fs::read_dir(cache.path()).unwrap().count();
        assert_eq!(entries, 1);
    }
}
