//! The lock that keeps two builds from writing one output folder at once.
//!
//! It is an advisory lock (`flock` on Unix) on a small file beside the output,
//! `.NAME.gouvernail-lock`, holding the pid of the build that has it. The operating
//! system releases it when that process ends, however it ends, so a killed build
//! never leaves the output locked. The file is removed when the lock is released;
//! a build that locked a file just removed by another sees that the path no longer
//! names its file and tries again, so two builds can never both hold the lock.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it; its pid, when it had written it yet.
    Busy(Option<u32>),
    Io(io::Error),
}

/// A held lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: Option<File>,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock at `path` without waiting.
    pub fn acquire(path: &Path) -> Result<OutputLock, LockError> {
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(LockError::Io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(LockError::Busy(text.trim().parse().ok()));
                }
                Err(TryLockError::Error(err)) => return Err(LockError::Io(err)),
            }
            if !still_named_by(&file, path) {
                continue; // the holder before us removed it as we opened it
            }
            file.set_len(0).map_err(LockError::Io)?;
            file.rewind().map_err(LockError::Io)?;
            write!(file, "{}", std::process::id()).map_err(LockError::Io)?;
            return Ok(OutputLock {
                file: Some(file),
                path: path.to_path_buf(),
            });
        }
    }

    /// Lets the lock go the way a crash would: the file stays, the lock is released.
    pub fn abandon(mut self) {
        self.file.take();
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Remove while still holding the lock, then release it.
            let _ = fs::remove_file(&self.path);
            drop(file);
        }
    }
}

#[cfg(unix)]
fn still_named_by(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_named_by(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid_and_free_again_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.gouvernail-lock");
        let held = OutputLock::acquire(&path).unwrap();
        match OutputLock::acquire(&path) {
            Err(LockError::Busy(pid)) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("a second lock was not refused: {other:?}"),
        }
        drop(held);
        assert!(!path.exists(), "the lock file stays after release");
        let again = OutputLock::acquire(&path).expect("free after release");
        again.abandon();
        assert!(
            path.exists(),
            "an abandoned lock keeps its file, as a crash would"
        );
        OutputLock::acquire(&path).expect("an abandoned lock is free");
    }
}
