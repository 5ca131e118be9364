//! Forks: an edition's own copies of files it inherits, to adapt them, and the lock
//! file beside `handbook.yaml` (`editions.lock`, meant to be committed) that says
//! where each copy was taken from: the layer, the gouvernail version, the content's
//! hash and, for a text file, the text itself, so that a later comparison with the
//! parent's current file always has the fork-time version to start from: `drift`
//! shows what changed upstream since, and `update` merges it in, three-way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::did_you_mean;
use crate::edition::{Edition, SOURCE_FOLDERS};

/// The lock file's name, beside `handbook.yaml`.
pub const LOCK_FILE: &str = "editions.lock";

/// What the lock file holds.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Each forked file, by its path in the edition (`content/charters/charte.md`).
    #[serde(default)]
    pub files: BTreeMap<String, Fork>,
}

/// Where a forked file was taken from.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fork {
    /// The layer: the parent's file, as a path from the edition's folder; or
    /// `builtin` (the embedded handbook) or `gouvernail` (a built-in template or
    /// theme file).
    pub from: String,
    /// The gouvernail version that made the copy.
    pub gouvernail: String,
    /// `xxh3:` and the 64-bit XXH3 of the bytes taken.
    pub hash: String,
    /// The text taken, for a text file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The hash the lock records for `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    format!("xxh3:{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Reads the lock of the edition in `dir`; none yet is an empty one.
pub fn read_lock(dir: &Path) -> Result<Lock, String> {
    let path = dir.join(LOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let lock: Lock = serde_yaml_ng::from_str(&text).map_err(|err| {
                format!(
                    "{} cannot be read: {err}; it is written by `gouvernail fork`, fix it or remove the entry",
                    path.display()
                )
            })?;
            // The text is the merge base and the hash what drift compares: an entry
            // where they disagree was edited by hand, and would report changes that
            // are not there.
            for (file, fork) in &lock.files {
                if fork
                    .text
                    .as_ref()
                    .is_some_and(|text| hash(text.as_bytes()) != fork.hash)
                {
                    return Err(format!(
                        "{}: the entry of {file} has a hash that is not its text's; it was edited by hand: \
                         remove the entry and `gouvernail fork` the file again (move the copy aside first)",
                        path.display()
                    ));
                }
            }
            Ok(lock)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}

fn write_lock(dir: &Path, lock: &Lock) -> Result<(), String> {
    let path = dir.join(LOCK_FILE);
    let text = format!(
        "# Written by `gouvernail fork`: where each file this edition overrides was taken\n\
         # from, with the text taken. Commit it with the edition.\n{}",
        serde_yaml_ng::to_string(lock).expect("a lock serialises")
    );
    std::fs::write(&path, text).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// What `fork` did: the file written, and where it came from.
#[derive(Debug)]
pub struct Forked {
    /// The file's path in the edition (`content/charters/charte.md`).
    pub rel: String,
    pub written: PathBuf,
    pub from: String,
}

/// Copies the file `page` names (a page's id, or a path under one of the source
/// folders, `content/` being the default) from where `edition` inherits it into
/// its own layer, and records it in the lock.
pub fn fork(edition: &Edition, page: &str) -> Result<Forked, String> {
    let (folder, rel) = resolve(edition, page)?;
    let key = format!("{folder}/{rel}");
    let own = edition.layers.len() - 1;
    let (bytes, from) = match edition.origin(folder, &rel) {
        Some(origin) if origin.layer == own => {
            return Err(format!(
                "{key} is already this edition's own file ({}); nothing to fork",
                origin.path.display()
            ))
        }
        Some(origin) => {
            let bytes = std::fs::read(&origin.path)
                .map_err(|err| format!("cannot read {}: {err}", origin.path.display()))?;
            (bytes, layer_name(edition, origin.layer))
        }
        None => match crate::templates::builtin(folder, &rel) {
            Some(bytes) => (bytes.to_vec(), "gouvernail".to_string()),
            None => {
                let mut known: Vec<String> =
                    edition.files(folder).map(|(r, _)| r.clone()).collect();
                known.extend(crate::templates::builtin_names(folder));
                let hint = crate::diagnostics::did_you_mean(&rel, known.iter().map(String::as_str))
                    .map(|near| format!("; did you mean `{folder}/{near}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "no file {key} in this edition, its parents or gouvernail's built-in templates and theme{hint}"
                ));
            }
        },
    };
    let written = edition.root.join(folder).join(&rel);
    if let Some(parent) = written.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    let mut lock = read_lock(&edition.root)?;
    std::fs::write(&written, &bytes)
        .map_err(|err| format!("cannot write {}: {err}", written.display()))?;
    lock.files.insert(
        key.clone(),
        Fork {
            from: from.clone(),
            gouvernail: env!("CARGO_PKG_VERSION").to_string(),
            hash: hash(&bytes),
            text: String::from_utf8(bytes).ok(),
        },
    );
    write_lock(&edition.root, &lock)?;
    Ok(Forked {
        rel: key,
        written,
        from,
    })
}

/// The folder and the path under it that `page` names.
fn resolve(edition: &Edition, page: &str) -> Result<(&'static str, String), String> {
    let page = page.trim_start_matches("./");
    let path = Path::new(page);
    if path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{page}` leaves the edition's folders; name a page by its id, or a file by its path under content/, templates/, theme/ or data/"
        ));
    }
    if page.contains('/') {
        let (first, rest) = page.split_once('/').unwrap_or_default();
        return Ok(match SOURCE_FOLDERS.iter().find(|f| **f == first) {
            Some(folder) => (folder, rest.to_string()),
            None => ("content", page.to_string()),
        });
    }
    let by_id = |(rel, _): (&String, _)| {
        let stem = rel.rsplit('/').next()?.strip_suffix(".md")?;
        (stem == page).then(|| rel.clone())
    };
    if let Some(rel) = edition.origins("content").find_map(by_id) {
        return Ok(("content", rel));
    }
    let ids: Vec<&str> = edition
        .files("content")
        .filter_map(|(rel, _)| rel.rsplit('/').next()?.strip_suffix(".md"))
        .collect();
    // A template or theme file named without its folder.
    let file = ["templates", "theme"].into_iter().find_map(|folder| {
        let mut names: Vec<String> = edition.files(folder).map(|(r, _)| r.clone()).collect();
        names.extend(crate::templates::builtin_names(folder));
        names
            .contains(&page.to_string())
            .then(|| format!("{folder}/{page}"))
    });
    let hint = match (file, did_you_mean(page, ids)) {
        (Some(file), _) => format!("did you mean `{file}`?"),
        (None, Some(id)) => format!("did you mean `{id}`?"),
        (None, None) => "name a page by its id (its file's name without .md) or a file by its path, such as templates/page.html".to_string(),
    };
    Err(format!(
        "no page `{page}` in this edition or its parents; {hint}"
    ))
}

/// How the lock names layer `i` of `edition`: `builtin`, or its folder as a path
/// from the edition's.
fn layer_name(edition: &Edition, i: usize) -> String {
    let layer = &edition.layers[i];
    if layer.builtin {
        return crate::builtin::NAME.to_string();
    }
    let root = &layer.root;
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    pathdiff::diff_paths(absolute(root), absolute(&edition.root))
        .unwrap_or_else(|| root.clone())
        .display()
        .to_string()
        .replace('\\', "/")
}

/// How an overridden file stands against its parent.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The parent's file is the one forked.
    UpToDate,
    /// The parent's file changed since the fork.
    ChangedUpstream,
    /// The parent no longer has the file.
    RemovedUpstream,
    /// The edition's file replaces a parent's, with no record of a fork (copied by
    /// hand).
    Unrecorded,
    /// The edition's file is the parent's, byte for byte, with no record of a fork:
    /// a copy that adapts nothing, which would hide the parent's later changes.
    UnrecordedSame,
    /// The lock records a fork whose copy the edition no longer has.
    CopyGone,
    /// The copy still holds the conflict markers an `update` left.
    Conflicted,
}

/// One overridden file's report.
#[derive(Debug, Serialize)]
pub struct Drift {
    /// The file's path in the edition (`content/charters/charte.md`).
    pub path: String,
    pub state: State,
    /// Where the parent's file is now, as the lock names layers (or where it was).
    pub from: String,
    /// The gouvernail version that made the fork, as the lock records it: after an
    /// upgrade, a built-in page or template that changed says since which version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forked_with: Option<String>,
    /// The upstream change since the fork (or, unrecorded, from the parent's file
    /// to the edition's), as a unified diff; none for binary files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

impl Drift {
    /// Whether the file needs a look.
    pub fn drifted(&self) -> bool {
        self.state != State::UpToDate
    }
}

/// Every file the edition overrides or the lock records, with how it stands.
pub fn drift(edition: &Edition) -> Result<Vec<Drift>, String> {
    let lock = read_lock(&edition.root)?;
    let own = edition.layers.len() - 1;
    let mut reports = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for folder in SOURCE_FOLDERS {
        for (rel, origin) in edition.origins(folder) {
            if origin.layer != own {
                continue;
            }
            let path = format!("{folder}/{rel}");
            // What the edition would inherit without its copy.
            let parent = match origin.shadows.first() {
                Some(file) => {
                    let bytes = std::fs::read(file)
                        .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
                    let layer = parent_layer(edition, file);
                    Some((bytes, layer))
                }
                None => crate::templates::builtin(folder, rel)
                    .map(|bytes| (bytes.to_vec(), "gouvernail".to_string())),
            };
            let recorded = lock.files.get(&path);
            if recorded.is_none() && parent.is_none() {
                // The edition's own file, not an override.
                continue;
            }
            seen.insert(path.clone());
            reports.push(match (recorded, parent) {
                (Some(fork), Some((bytes, from))) => {
                    let state = if has_conflict(&origin.path) {
                        State::Conflicted
                    } else if hash(&bytes) == fork.hash {
                        State::UpToDate
                    } else {
                        State::ChangedUpstream
                    };
                    let diff = (state == State::ChangedUpstream)
                        .then(|| diff(fork.text.as_deref(), &bytes, "forked", &from))
                        .flatten();
                    Drift {
                        path,
                        state,
                        from,
                        forked_with: Some(fork.gouvernail.clone()),
                        diff,
                    }
                }
                (Some(fork), None) => Drift {
                    path,
                    state: State::RemovedUpstream,
                    from: fork.from.clone(),
                    forked_with: Some(fork.gouvernail.clone()),
                    diff: None,
                },
                (None, Some((bytes, from))) => {
                    let own_bytes = std::fs::read(&origin.path)
                        .map_err(|err| format!("cannot read {}: {err}", origin.path.display()))?;
                    let same = own_bytes == bytes;
                    let parent_text = String::from_utf8(bytes).ok();
                    let diff = (!same)
                        .then(|| diff(parent_text.as_deref(), &own_bytes, &from, "this edition"))
                        .flatten();
                    Drift {
                        path,
                        state: if same {
                            State::UnrecordedSame
                        } else {
                            State::Unrecorded
                        },
                        from,
                        forked_with: None,
                        diff,
                    }
                }
                (None, None) => unreachable!("skipped above"),
            });
        }
    }
    for (path, fork) in &lock.files {
        if !seen.contains(path) {
            reports.push(Drift {
                path: path.clone(),
                state: State::CopyGone,
                from: fork.from.clone(),
                forked_with: Some(fork.gouvernail.clone()),
                diff: None,
            });
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(reports)
}

/// Whether the text file at `path` holds a merge's conflict markers.
fn has_conflict(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| crate::parse::conflict_markers(&text).is_some())
}

/// The layer that holds `file`, as the lock names layers.
fn parent_layer(edition: &Edition, file: &Path) -> String {
    edition
        .layers
        .iter()
        .position(|layer| file.starts_with(&layer.root))
        .map(|i| layer_name(edition, i))
        .unwrap_or_else(|| file.display().to_string())
}

/// A unified diff from `old` to `new`, when both are text.
fn diff(old: Option<&str>, new: &[u8], old_name: &str, new_name: &str) -> Option<String> {
    let (old, new) = (old?, std::str::from_utf8(new).ok()?);
    Some(
        diffy::DiffOptions::new()
            .set_context_len(3)
            .set_original_filename(old_name.to_string())
            .set_modified_filename(new_name.to_string())
            .create_patch(old, new)
            .to_string(),
    )
}

/// What `update` did to one file.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The parent's file is the one forked: nothing to do.
    UpToDate,
    /// The base's change merged into the edition's copy without conflict.
    Merged,
    /// The edition's copy had not changed since the fork: it is now the parent's
    /// file (the only way a binary file is updated).
    Replaced,
    /// The merge left conflict markers in the copy, to be resolved by hand;
    /// `check` and `build` refuse the file until then.
    Conflicts(usize),
    /// Nothing was written, for the reason given.
    Refused(String),
}

/// One file's update.
#[derive(Debug, Serialize)]
pub struct Updated {
    /// The file's path in the edition (`content/charters/charte.md`).
    pub path: String,
    pub outcome: Outcome,
}

impl Updated {
    /// Whether the file needs a hand before the edition is whole again.
    pub fn needs_a_hand(&self) -> bool {
        matches!(self.outcome, Outcome::Conflicts(_) | Outcome::Refused(_))
    }
}

/// Merges the changes the parent made since the fork into the edition's copies: of
/// the file `page` names, or of every file the lock records. The merge is three-way
/// (the text at fork time, the edition's copy, the parent's file now); where both
/// sides changed the same lines, the copy gets conflict markers. The lock then
/// records the parent's current file, so the next update starts from it.
pub fn update(edition: &Edition, page: Option<&str>) -> Result<Vec<Updated>, String> {
    let mut lock = read_lock(&edition.root)?;
    let paths: Vec<String> = match page {
        Some(page) => {
            let (folder, rel) = resolve(edition, page)?;
            let path = format!("{folder}/{rel}");
            let own = edition.layers.len() - 1;
            let overridden = edition
                .origin(folder, &rel)
                .is_some_and(|origin| origin.layer == own);
            if !overridden && !lock.files.contains_key(&path) {
                return Err(format!(
                    "this edition does not override {path}: there is nothing to update; \
                     `gouvernail fork {page}` copies it to adapt it"
                ));
            }
            if !lock.files.contains_key(&path) {
                return Err(format!(
                    "{path} has no record in {LOCK_FILE}, so there is no fork-time text to merge from; \
                     `gouvernail drift` shows how it differs from its parent, and `gouvernail fork` \
                     (after moving the copy aside) records a fresh one"
                ));
            }
            vec![path]
        }
        None => lock.files.keys().cloned().collect(),
    };
    let mut updated = Vec::new();
    for path in paths {
        let fork = lock.files.get_mut(&path).expect("listed from the lock");
        let outcome = update_one(edition, &path, fork)?;
        updated.push(Updated { path, outcome });
    }
    if updated.iter().any(|u| {
        matches!(
            u.outcome,
            Outcome::Merged | Outcome::Replaced | Outcome::Conflicts(_)
        )
    }) {
        write_lock(&edition.root, &lock)?;
    }
    Ok(updated)
}

/// Updates one recorded file, and its record when anything was written.
fn update_one(edition: &Edition, path: &str, fork: &mut Fork) -> Result<Outcome, String> {
    let (folder, rel) = path.split_once('/').expect("a lock path names its folder");
    let own = edition.layers.len() - 1;
    let copy = match edition.origin(folder, rel) {
        Some(origin) if origin.layer == own => origin,
        _ => {
            return Ok(Outcome::Refused(
                "the edition no longer has its copy; remove the entry from editions.lock".into(),
            ))
        }
    };
    let upstream = match copy.shadows.first() {
        Some(file) => std::fs::read(file)
            .map_err(|err| format!("cannot read {}: {err}", file.display()))
            .map(|bytes| (bytes, parent_layer(edition, file)))?,
        None => match crate::templates::builtin(folder, rel) {
            Some(bytes) => (bytes.to_vec(), "gouvernail".to_string()),
            None => {
                return Ok(Outcome::Refused(format!(
                    "{} no longer has the file: keep the copy as the edition's own and remove \
                     its entry from editions.lock, or delete the copy",
                    fork.from
                )))
            }
        },
    };
    let (theirs, from) = upstream;
    if has_conflict(&copy.path) {
        return Ok(Outcome::Refused(
            "the copy still holds the conflict markers of an earlier update: keep the right \
             text of each conflict, delete the marker lines, then update again"
                .into(),
        ));
    }
    if hash(&theirs) == fork.hash {
        return Ok(Outcome::UpToDate);
    }
    let ours = std::fs::read(&copy.path)
        .map_err(|err| format!("cannot read {}: {err}", copy.path.display()))?;
    let write = |bytes: &[u8]| {
        std::fs::write(&copy.path, bytes)
            .map_err(|err| format!("cannot write {}: {err}", copy.path.display()))
    };
    let texts = (
        fork.text.as_deref(),
        std::str::from_utf8(&ours).ok(),
        std::str::from_utf8(&theirs).ok(),
    );
    let outcome = match texts {
        (Some(base), Some(ours_text), Some(theirs_text)) => {
            match diffy::MergeOptions::new()
                .set_conflict_style(diffy::ConflictStyle::Diff3)
                .merge(base, ours_text, theirs_text)
            {
                Ok(merged) => {
                    write(merged.as_bytes())?;
                    Outcome::Merged
                }
                Err(conflicted) => {
                    write(conflicted.as_bytes())?;
                    let count = conflicted
                        .lines()
                        .filter(|line| line.starts_with("<<<<<<<"))
                        .count();
                    Outcome::Conflicts(count)
                }
            }
        }
        // A binary file, or one that stopped being text: never merged.
        _ if hash(&ours) == fork.hash => {
            write(&theirs)?;
            Outcome::Replaced
        }
        _ => {
            return Ok(Outcome::Refused(format!(
                "a binary file changed both here and in {from}; it cannot be merged: keep \
                 this edition's or take the parent's (delete the copy, then `gouvernail fork` it)"
            )))
        }
    };
    *fork = Fork {
        from,
        gouvernail: env!("CARGO_PKG_VERSION").to_string(),
        hash: hash(&theirs),
        text: String::from_utf8(theirs).ok(),
    };
    Ok(outcome)
}
