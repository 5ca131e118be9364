//! Write stage: where the built files go.
//!
//! The render stages hand their files to a `Queue`, written on one thread.
//! A `Sink` takes files by relative path from many threads at once. `MemorySink`
//! keeps them in memory, for `check`, a server or tests. `DirSink` (in `dir`) writes
//! into a staging folder beside the output and swaps it in only when the build
//! succeeded, under a lock, and only over a folder that `target` says it may
//! replace: the rules that keep a user's files safe from `--out` live there, and in
//! docs/security.md.

mod dir;
mod lock;
mod queue;
pub mod target;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Mutex;

pub use bytes::Bytes;

pub use dir::{CommitStep, DirSink};
pub use queue::{cannot_write, Queue};
pub use target::MARKER;

/// Receives the files of a built site.
pub trait Sink: Sync {
    /// Writes one file; `path` is relative, with `/` separators. The bytes are
    /// shared, so that a sink in memory keeps them without a copy.
    fn write(&self, path: &str, bytes: Bytes) -> io::Result<()>;

    /// Opens one file to be written in pieces (the print book of a large handbook,
    /// tens of megabytes, is written as its pages render). The file is complete
    /// when the writer is dropped; flush it first to see any error.
    fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + '_>>;

    /// Whether a write costs less than handing it to another thread (a sink in
    /// memory): the render stages then write from their own threads.
    fn writes_at_once(&self) -> bool {
        false
    }
}

/// Files in memory, by relative path.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Bytes>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Bytes> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// The files written so far (their bytes shared, not copied).
    pub fn snapshot(&self) -> BTreeMap<String, Bytes> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Sink for MemorySink {
    fn writes_at_once(&self) -> bool {
        true
    }

    fn write(&self, path: &str, bytes: Bytes) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), bytes);
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
            .insert(std::mem::take(&mut self.path), bytes.into());
    }
}
