//! Watching an edition for `serve`: every layer's `handbook.yaml` and source
//! folders (`content/`, `templates/`, `theme/`, `data/`), so that a client
//! edition's preview sees a change to its base too, through notify's debouncer
//! (which waits until an editor's save is complete). Editors' temporary and swap
//! files are ignored. After each build the watched folders follow the layers, which
//! an edit of `extends:` may have changed. Each batch of changes says whether only
//! the contents of files changed: the edition's list of files then still holds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{Event, EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::edition::{Edition, EDITION_FILE, SOURCE_FOLDERS};

/// How long the debouncer waits for a burst of events (an editor's save writes a
/// temporary file, renames it, changes attributes) to end.
const DEBOUNCE: Duration = Duration::from_millis(20);

type NotifyDebouncer =
    Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>;

pub struct Watcher {
    debouncer: NotifyDebouncer,
    events: Receiver<DebounceEventResult>,
    /// The folders watched, with their mode.
    watched: BTreeSet<(PathBuf, bool)>,
    /// The layers' roots, nearest last.
    roots: Vec<PathBuf>,
}

/// Starts watching `edition`'s layers.
pub fn start(edition: &Edition) -> Result<Watcher, String> {
    let (sender, events) = std::sync::mpsc::channel();
    let debouncer = new_debouncer(DEBOUNCE, None, sender)
        .map_err(|err| format!("cannot watch the edition's files: {err}"))?;
    let mut watcher = Watcher {
        debouncer,
        events,
        watched: BTreeSet::new(),
        roots: Vec::new(),
    };
    watcher.follow(edition);
    Ok(watcher)
}

impl Watcher {
    /// Watches what `edition`'s layers hold now, and no longer what they do not.
    fn follow(&mut self, edition: &Edition) {
        self.roots = edition.layers.iter().map(|l| l.root.clone()).collect();
        let mut wanted = BTreeSet::new();
        for root in &self.roots {
            // The root itself, not recursively: handbook.yaml, and a source folder
            // created later.
            wanted.insert((root.clone(), false));
            for folder in SOURCE_FOLDERS {
                let path = root.join(folder);
                if path.is_dir() {
                    wanted.insert((path, true));
                }
            }
        }
        for (path, _) in self.watched.difference(&wanted) {
            let _ = self.debouncer.unwatch(path);
        }
        for (path, recursive) in wanted.difference(&self.watched) {
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            if let Err(err) = self.debouncer.watch(path, mode) {
                eprintln!("warning: cannot watch {}: {err}", path.display());
            }
        }
        self.watched = wanted;
    }

    /// Whether a change to `path` can change the site.
    fn matters(&self, path: &Path) -> bool {
        if is_scratch(path) {
            return false;
        }
        self.roots.iter().any(|root| {
            let Ok(rel) = path.strip_prefix(root) else {
                return false;
            };
            let mut parts = rel.components();
            match parts.next().and_then(|c| c.as_os_str().to_str()) {
                Some(EDITION_FILE) => parts.next().is_none(),
                Some(folder) => SOURCE_FOLDERS.contains(&folder),
                None => false,
            }
        })
    }
}

/// An editor's temporary, backup or swap file, or a hidden one (which the build
/// never reads).
fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".crswap", ".part"]
            .iter()
            .any(|end| name.ends_with(end))
}

/// What changed since the last build.
#[derive(Debug, Default)]
pub struct Changes {
    /// The files changed, created, removed or renamed.
    pub paths: Vec<PathBuf>,
    /// Whether only the contents of files that were already there changed: no
    /// file appeared, went or moved, and the watcher lost no event.
    pub contents_only: bool,
}

/// Whether `event` changed only a file's contents. Anything else, or an event of
/// a kind the platform does not name, may have changed the list of files.
fn changes_contents_only(event: &Event) -> bool {
    matches!(event.kind, EventKind::Modify(ModifyKind::Data(_))) && !event.need_rescan()
}

/// Waits for changes that matter and calls `rebuild` with them, for ever (until
/// the process ends). `rebuild` gives the edition it built, whose layers are then
/// watched, or none when the edition did not load.
pub fn rebuild_on_change<E: std::ops::Deref<Target = Edition>>(
    mut watcher: Watcher,
    mut rebuild: impl FnMut(&Changes) -> Option<E>,
) {
    loop {
        let Ok(first) = watcher.events.recv() else {
            return;
        };
        let mut changed: BTreeSet<PathBuf> = BTreeSet::new();
        let mut contents_only = true;
        let mut take = |result: DebounceEventResult, watcher: &Watcher| match result {
            Ok(events) => {
                // Reading a file (as the build does) is no change, nor is a new
                // access time.
                for event in events.iter().filter(|e| {
                    !matches!(
                        e.kind,
                        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
                    )
                }) {
                    let mut matters = event.need_rescan();
                    for path in event.paths.iter().filter(|p| watcher.matters(p)) {
                        changed.insert(path.clone());
                        matters = true;
                    }
                    contents_only &= !matters || changes_contents_only(event);
                }
            }
            Err(errors) => {
                contents_only = false;
                for err in errors {
                    eprintln!("warning: watching the edition: {err}");
                }
            }
        };
        take(first, &watcher);
        // A save of several files comes in a few batches: take them all at once.
        loop {
            match watcher.events.recv_timeout(Duration::from_millis(5)) {
                Ok(more) => take(more, &watcher),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // A lost event names no file, but may hide any change.
        if changed.is_empty() && contents_only {
            continue;
        }
        let changes = Changes {
            paths: changed.into_iter().collect(),
            contents_only,
        };
        if let Some(edition) = rebuild(&changes) {
            watcher.follow(&edition);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_write_to_a_file_leaves_the_list_of_files_as_it_was() {
        use notify_debouncer_full::notify::event::{
            CreateKind, DataChange, Flag, ModifyKind, RemoveKind, RenameMode,
        };
        let event = |kind| Event::new(kind).add_path("content/pages/a.md".into());
        assert!(changes_contents_only(&event(EventKind::Modify(
            ModifyKind::Data(DataChange::Content)
        ))));
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Any,
        ] {
            assert!(!changes_contents_only(&event(kind)), "{kind:?}");
        }
        let lost =
            event(EventKind::Modify(ModifyKind::Data(DataChange::Any))).set_flag(Flag::Rescan);
        assert!(!changes_contents_only(&lost), "events were lost");
    }

    #[test]
    fn editors_scratch_files_are_ignored() {
        for scratch in [
            "content/pages/.a.md.swp",
            "content/pages/a.md~",
            "content/pages/#a.md#",
            "content/pages/4913",
            "content/pages/a.md.tmp",
            "content/.DS_Store",
        ] {
            assert!(is_scratch(Path::new(scratch)), "{scratch}");
        }
        for page in [
            "content/pages/a.md",
            "templates/page.html",
            "theme/logo.svg",
        ] {
            assert!(!is_scratch(Path::new(page)), "{page}");
        }
    }
}
