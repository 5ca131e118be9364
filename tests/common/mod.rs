//! Helpers shared by the integration tests: build a fixture edition into memory or
//! into a folder, and read what came out.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gouvernail::diagnostics::Diagnostic;
use gouvernail::edition::Edition;
use gouvernail::model::{Sector, Size};
use gouvernail::output::{DirSink, MemorySink};
use gouvernail::site::{build, build_edition, BuildOptions, Summary};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn options(size: Option<Size>, sector: Option<Sector>) -> BuildOptions {
    BuildOptions {
        size,
        sector,
        drafts: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    }
}

/// Builds an edition into memory: its files, or its diagnostics.
pub fn build_in_memory(
    dir: &Path,
    options: &BuildOptions,
) -> Result<(Summary, BTreeMap<String, String>), Vec<Diagnostic>> {
    let sink = MemorySink::default();
    let summary = build(dir, options, &sink)?;
    let files = sink
        .into_files()
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();
    Ok((summary, files))
}

/// Builds an edition into `out` the way the command line does: staged, then swapped in.
pub fn build_to_dir(
    dir: &Path,
    out: &Path,
    options: &BuildOptions,
) -> Result<Summary, Vec<Diagnostic>> {
    let edition = Edition::load(dir)?;
    let sink = DirSink::new(out, &edition, false).map_err(|d| vec![d])?;
    let summary = build_edition(&edition, options, &sink)?;
    sink.commit().expect("swap in the new site");
    Ok(summary)
}

/// The diagnostics of a build that must fail.
pub fn errors_of(dir: &Path) -> Vec<Diagnostic> {
    match build_in_memory(dir, &options(None, None)) {
        Ok(_) => panic!("{} built, but it has an error", dir.display()),
        Err(diagnostics) => diagnostics,
    }
}

/// A temporary edition that extends the base fixture, with `settings` added to its
/// handbook.yaml and `files` (path under the edition, text) written into it.
pub fn child_of_base(settings: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let yaml = format!("extends: {}\n{settings}", fixture("base").display());
    std::fs::write(tmp.path().join("handbook.yaml"), yaml).unwrap();
    for (path, text) in files {
        let full = tmp.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    tmp
}

/// Copies the folder `from` into `to`, which may exist.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A copy of the fixture edition `name`, where the test may change it.
pub fn copy_of_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), tmp.path());
    tmp
}

/// Every file under `dir` (hidden ones included), by path relative to it.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}
