//! The site written to disk: staged beside the output folder, then swapped in.
//!
//! `DirSink::new` resolves the output folder, refuses one it may not replace (see
//! `target`), takes the lock beside it (see `lock`), puts back or removes what an
//! interrupted build left, and creates the staging folder `.NAME.gouvernail-staging`
//! with the marker file in it. The build writes there. `commit` then swaps the
//! staging folder and the output folder so that a crash at any point leaves one
//! whole site at the output's path:
//!
//! - on Linux, with one atomic exchange of the two folders (`renameat2` with
//!   `RENAME_EXCHANGE`), then the removal of the old site, now in the staging path;
//! - elsewhere, or where the file system has no exchange, in two renames: the old
//!   site to `.NAME.gouvernail-retired`, the new one into place, then the removal of
//!   the old one. A crash between the two renames leaves no site at the output's
//!   path, and the next build of that folder, failed or not, first puts the retired
//!   site back.
//!
//! A staging folder left by a crash is never the only copy of a site, so it is
//! removed; a retired folder is removed only when the output folder is in place.
//! A `DirSink` dropped without a commit removes its staging folder.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::lock::{LockError, OutputLock};
use super::target::{self, MARKER};
use super::Sink;
use crate::diagnostics::Diagnostic;
use crate::edition::Edition;

/// A point of `commit`, for the tests that stop there as a crash would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitStep {
    /// The new site is staged; nothing has moved yet.
    Staged,
    /// The two folders were exchanged; the old site is in the staging path.
    Exchanged,
    /// Two-rename commit: the old site is retired, the new one not yet in place.
    Retired,
    /// Two-rename commit: the new site is in place, the old one still retired.
    Placed,
}

/// A site being written beside its output folder, swapped in by `commit`.
#[derive(Debug)]
pub struct DirSink {
    target: PathBuf,
    staging: PathBuf,
    retired: PathBuf,
    lock: Option<OutputLock>,
    warnings: Vec<Diagnostic>,
}

impl DirSink {
    /// Prepares to write `edition`'s site to `out`. Refuses, with a diagnostic that
    /// says what to do, an `out` that this build may not replace (`force` allows a
    /// folder of other files, never the edition's own folders) or that another build
    /// is writing.
    pub fn new(out: &Path, edition: &Edition, force: bool) -> Result<DirSink, Diagnostic> {
        let target = target::resolve(out)?;
        target::check_place(&target, out, edition)?;
        let parent = target.parent().map(Path::to_path_buf).ok_or_else(|| {
            Diagnostic::error(format!("the output folder {} is the root", out.display()))
                .hint("name a folder of its own, such as public or ../site")
        })?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent).map_err(|err| cannot_write(&parent, out, &err))?;

        let lock_path = parent.join(format!(".{name}.gouvernail-lock"));
        let lock = OutputLock::acquire(&lock_path).map_err(|err| match err {
            LockError::Busy(pid) => Diagnostic::error(format!(
                "another build is writing to {} ({}): two builds into one folder would mix their files",
                out.display(),
                pid.map_or_else(|| "its pid is not known yet".to_string(), |pid| format!("pid {pid}"))
            ))
            .hint("wait for that build to finish, or stop it, then build again"),
            LockError::Io(err) => cannot_write(&parent, out, &err),
        })?;

        let mut sink = DirSink {
            staging: parent.join(format!(".{name}.gouvernail-staging")),
            retired: parent.join(format!(".{name}.gouvernail-retired")),
            target,
            lock: Some(lock),
            warnings: Vec::new(),
        };
        if let Some(restored) = sink
            .recover(&parent, &name)
            .map_err(|err| cannot_write(&parent, out, &err))?
        {
            sink.warnings.push(Diagnostic::warning(format!(
                "an interrupted build had left {} without its site: the previous site was put back from {}",
                out.display(),
                restored.display()
            )));
        }
        let default_place = fs::canonicalize(&edition.root)
            .unwrap_or_else(|_| edition.root.clone())
            .join("public");
        target::check_contents(&sink.target, out, &default_place, force)?;
        fs::create_dir(&sink.staging)
            .and_then(|()| fs::write(sink.staging.join(MARKER), target::marker_text()))
            .map_err(|err| cannot_write(&parent, out, &err))?;
        Ok(sink)
    }

    /// Where the site goes, resolved (a symbolic link followed).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where the site is written until the commit.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// What preparing the folder had to repair, to show the user.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Replaces the output folder with what was written.
    pub fn commit(self) -> io::Result<()> {
        self.commit_until(None)
    }

    /// Commits as far as `step` and stops there as a crash would: nothing cleaned
    /// up, the lock file left behind. For the tests of crash recovery only.
    #[doc(hidden)]
    pub fn commit_stopping_at(self, step: CommitStep) -> io::Result<()> {
        self.commit_until(Some(step))
    }

    fn commit_until(self, stop: Option<CommitStep>) -> io::Result<()> {
        let crash = |mut sink: DirSink| {
            if let Some(lock) = sink.lock.take() {
                lock.abandon();
            }
            std::mem::forget(sink);
            Ok(())
        };
        if stop == Some(CommitStep::Staged) {
            return crash(self);
        }
        if fs::symlink_metadata(&self.target).is_err() {
            return fs::rename(&self.staging, &self.target);
        }
        let two_renames = matches!(stop, Some(CommitStep::Retired | CommitStep::Placed));
        if !two_renames {
            match exchange(&self.staging, &self.target) {
                Ok(()) => {
                    if stop == Some(CommitStep::Exchanged) {
                        return crash(self);
                    }
                    // The staging path now holds the old site; Drop removes it.
                    return Ok(());
                }
                Err(err) if exchange_unsupported(&err) => {}
                Err(err) => return Err(err),
            }
        }
        fs::rename(&self.target, &self.retired)?;
        if stop == Some(CommitStep::Retired) {
            return crash(self);
        }
        if let Err(err) = fs::rename(&self.staging, &self.target) {
            fs::rename(&self.retired, &self.target)?;
            return Err(err);
        }
        if stop == Some(CommitStep::Placed) {
            return crash(self);
        }
        let _ = fs::remove_dir_all(&self.retired);
        Ok(())
    }

    /// Puts back a retired site when the output folder is missing, and removes the
    /// other leftovers of interrupted builds of this folder (also those of versions
    /// before 0.2, whose leftovers had a random suffix and held the old site in
    /// `site/`). Returns the folder a site was put back from.
    fn recover(&self, parent: &Path, name: &str) -> io::Result<Option<PathBuf>> {
        let staging_prefix = format!(".{name}.gouvernail-staging");
        let retired_prefix = format!(".{name}.gouvernail-retired");
        let mut restored = None;
        let mut leftovers: Vec<PathBuf> = fs::read_dir(parent)?
            .flatten()
            .filter(|entry| {
                let file = entry.file_name().to_string_lossy().into_owned();
                (file.starts_with(&staging_prefix) || file.starts_with(&retired_prefix))
                    && entry.file_type().is_ok_and(|t| t.is_dir())
            })
            .map(|entry| entry.path())
            .collect();
        // The fixed-name retired folder is the newest; try it first.
        leftovers.sort_by_key(|path| *path != self.retired);
        for leftover in leftovers {
            let is_retired = leftover
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&retired_prefix));
            if is_retired && restored.is_none() && fs::symlink_metadata(&self.target).is_err() {
                let site = if leftover == self.retired {
                    leftover.clone()
                } else {
                    leftover.join("site")
                };
                if site.is_dir() {
                    fs::rename(&site, &self.target)?;
                    restored = Some(leftover.clone());
                }
            }
            if leftover.exists() {
                fs::remove_dir_all(&leftover)?;
            }
        }
        Ok(restored)
    }

    fn create(&self, path: &str) -> io::Result<fs::File> {
        // Whatever asks, nothing is written outside the staging folder: a path
        // is relative and goes down only.
        let inside = std::path::Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{path}` is not a path inside the site"),
            ));
        }
        let full = self.staging.join(path);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::File::create(full)
    }
}

impl Drop for DirSink {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
        // The lock goes last, so that no other build sees our staging folder.
        self.lock.take();
    }
}

impl Sink for DirSink {
    fn write(&self, path: &str, bytes: super::Bytes) -> io::Result<()> {
        self.create(path)?.write_all(&bytes)
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn Write + Send + '_>> {
        Ok(Box::new(io::BufWriter::with_capacity(
            256 * 1024,
            self.create(path)?,
        )))
    }
}

fn cannot_write(parent: &Path, out: &Path, err: &io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot prepare the output folder {}: {err} (in {})",
        out.display(),
        parent.display()
    ))
    .hint("a build writes beside its output folder: check that you may write in that folder, or choose another --out")
}

/// Swaps two paths in one step.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Whether `exchange` failed only because the system or file system lacks it.
fn exchange_unsupported(err: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let raw = err.raw_os_error();
        [
            rustix::io::Errno::INVAL,
            rustix::io::Errno::NOSYS,
            rustix::io::Errno::OPNOTSUPP,
        ]
        .iter()
        .any(|e| raw == Some(e.raw_os_error()))
            || err.kind() == io::ErrorKind::Unsupported
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        err.kind() == io::ErrorKind::Unsupported
    }
}
