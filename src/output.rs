//! Write stage: where the built files go.
//!
//! A `Sink` takes files by relative path from many threads at once. `DirSink` writes
//! into a fresh directory beside the target and swaps it in only when the build
//! succeeded, so a failed or interrupted build leaves the previous site whole and a
//! successful one leaves nothing stale. `MemorySink` keeps the files in memory, for a
//! server or for tests.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Receives the files of a built site.
pub trait Sink: Sync {
    /// Writes one file; `path` is relative, with `/` separators.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Opens one file to be written in pieces (the print book of a large handbook,
    /// tens of megabytes, is written as its pages render). The file is complete
    /// when the writer is dropped; flush it first to see any error.
    fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + '_>>;
}

/// Files in memory, by relative path.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(MemoryFile {
            sink: self,
            path: path.to_string(),
            bytes: Vec::new(),
        }))
    }
}

/// A file of a `MemorySink` being written; it joins the sink when dropped.
struct MemoryFile<'s> {
    sink: &'s MemorySink,
    path: String,
    bytes: Vec<u8>,
}

impl Write for MemoryFile<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for MemoryFile<'_> {
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.bytes);
        self.sink
            .files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(std::mem::take(&mut self.path), bytes);
    }
}

const STAGING_MARK: &str = ".gouvernail-staging-";
const RETIRED_MARK: &str = ".gouvernail-retired-";

/// A directory being built beside `target`, swapped in by `commit`. Dropped without
/// a commit, it is removed and `target` is untouched.
pub struct DirSink {
    staging: tempfile::TempDir,
    target: PathBuf,
}

impl DirSink {
    pub fn new(target: &Path) -> io::Result<DirSink> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = file_name(target);
        remove_leftovers(&parent, &name);
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}{STAGING_MARK}"))
            .tempdir_in(&parent)?;
        Ok(DirSink {
            staging,
            target: target.to_path_buf(),
        })
    }

    /// Replaces `target` with what was written.
    pub fn commit(self) -> io::Result<()> {
        let staging = self.staging.keep();
        if self.target.exists() {
            let parent = staging
                .parent()
                .expect("staging has a parent")
                .to_path_buf();
            let retired = tempfile::Builder::new()
                .prefix(&format!(".{}{RETIRED_MARK}", file_name(&self.target)))
                .tempdir_in(&parent)?
                .keep();
            // rename() onto a directory needs it empty: move the old site inside the
            // retired folder, then the new one into place.
            let old = retired.join("site");
            fs::rename(&self.target, &old)?;
            if let Err(err) = fs::rename(&staging, &self.target) {
                let _ = fs::rename(&old, &self.target);
                let _ = fs::remove_dir_all(&staging);
                return Err(err);
            }
            let _ = fs::remove_dir_all(&retired);
        } else {
            fs::rename(&staging, &self.target)?;
        }
        Ok(())
    }

    pub fn staging_path(&self) -> &Path {
        self.staging.path()
    }
}

impl DirSink {
    fn create(&self, path: &str) -> io::Result<fs::File> {
        let full = self.staging.path().join(path);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::File::create(full)
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.create(path)?.write_all(bytes)
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(io::BufWriter::with_capacity(
            256 * 1024,
            self.create(path)?,
        )))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned())
}

/// Removes what an interrupted build left beside the target.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let ours = file.starts_with(&format!(".{name}{STAGING_MARK}"))
            || file.starts_with(&format!(".{name}{RETIRED_MARK}"));
        if ours && entry.path().is_dir() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
