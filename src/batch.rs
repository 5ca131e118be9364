//! Batch: many editions built in one process, for a consultant who rebuilds every
//! client after the base changed. Each edition goes into its own folder (its
//! `public/`, or `OUT_ROOT/<edition folder name>`), swapped in whole as a single
//! build's is; one edition's errors do not stop the others. The builds share one
//! `Session`, so the pages and templates of a base they extend parse once (the
//! first edition is built alone, and the others, in parallel, take its parse), and
//! the search index reads each section they share once (`search::SectionCache`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::edition::{Edition, EDITION_FILE};
use crate::output::target;
use crate::session::Session;
use crate::site::{self, BuildOptions, Summary};

/// One edition to build, and where.
#[derive(Clone, Debug)]
pub struct Target {
    /// The edition's folder name, which names it in reports and under `--out-root`.
    pub name: String,
    pub dir: PathBuf,
    pub out: PathBuf,
}

/// What became of one target.
#[derive(Debug)]
pub struct Built {
    pub target: Target,
    pub result: Result<Summary, Vec<Diagnostic>>,
    pub time: Duration,
}

impl Built {
    /// The build's warnings and errors.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.result {
            Ok(summary) => &summary.warnings,
            Err(diagnostics) => diagnostics,
        }
    }
}

/// The edition folders `args` name: folders, or glob patterns such as `clients/*`
/// for a shell that does not expand them, matching folders as the shell would (a
/// folder without `handbook.yaml` is then an edition that fails, not one silently
/// left out). The same folder named twice is given once; among several, a file
/// (which a shell's `clients/*` catches beside the folders) is left out.
pub fn edition_dirs(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for arg in args {
        let text = arg.to_string_lossy();
        if arg.is_file() && args.len() > 1 {
            // A file a shell's pattern caught (`clients/*` and a README beside them).
            continue;
        }
        if arg.exists() || !text.contains(['*', '?', '[']) {
            dirs.push(arg.clone());
            continue;
        }
        let matches = glob::glob(&text)
            .map_err(|err| format!("`{text}` is not a pattern gouvernail can read: {err}"))?;
        let before = dirs.len();
        dirs.extend(matches.flatten().filter(|path| path.is_dir()));
        if dirs.len() == before {
            return Err(format!(
                "no folder matches `{text}`; name the edition folders (each holds a {EDITION_FILE}), or a pattern such as clients/*"
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|dir| seen.insert(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())));
    Ok(dirs)
}

/// Each edition of `dirs` with its output folder: its `public/`, or
/// `out_root/<its folder name>`, where two editions whose folders have one name
/// would write one place, and are refused.
pub fn targets(dirs: &[PathBuf], out_root: Option<&Path>) -> Result<Vec<Target>, String> {
    let mut targets: Vec<Target> = Vec::new();
    for dir in dirs {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        let name = real
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "edition".to_string());
        let out = match out_root {
            Some(root) => root.join(&name),
            None => dir.join("public"),
        };
        if let Some(other) = targets
            .iter()
            .find(|t| out_root.is_some() && t.name == name)
        {
            return Err(format!(
                "{} and {} are both named `{name}`, so both would be built into {}; \
                 rename one folder, or build them with two commands",
                other.dir.display(),
                dir.display(),
                out.display()
            ));
        }
        targets.push(Target {
            name,
            dir: dir.clone(),
            out,
        });
    }
    Ok(targets)
}

/// Builds every target, the first alone and the others in parallel, telling `done`
/// of each as it ends; gives them back in the targets' order.
pub fn build_all(
    targets: &[Target],
    options: &BuildOptions,
    force: bool,
    done: &(dyn Fn(&Built) + Sync),
) -> Vec<Built> {
    let session = Session::for_batch();
    // Loaded first, so that each output folder is checked against every edition's
    // sources, not only its own.
    let editions: Vec<Result<Edition, Vec<Diagnostic>>> = targets
        .par_iter()
        .map(|target| Edition::load(&target.dir))
        .collect();
    let protected: Vec<(Option<PathBuf>, target::Protected)> = editions
        .iter()
        .flatten()
        .map(|edition| {
            (
                std::fs::canonicalize(&edition.root).ok(),
                target::Protected::of(edition),
            )
        })
        .collect();
    let build = |(target, edition): (&Target, &Result<Edition, Vec<Diagnostic>>)| {
        let started = Instant::now();
        let result = match edition {
            Ok(edition) => check_against_others(target, &protected).and_then(|()| {
                site::build_into_folder(&session, edition, options, &target.out, force)
            }),
            Err(problems) => Err(problems.clone()),
        };
        let built = Built {
            target: target.clone(),
            result,
            time: started.elapsed(),
        };
        done(&built);
        built
    };
    let mut pairs = targets.iter().zip(&editions);
    let Some(first) = pairs.next() else {
        return Vec::new();
    };
    let first = build(first);
    let rest: Vec<_> = pairs
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(build)
        .collect();
    std::iter::once(first).chain(rest).collect()
}

/// Refuses an output folder that is one of another edition's places (its own are
/// `DirSink`'s to refuse).
fn check_against_others(
    target: &Target,
    protected: &[(Option<PathBuf>, target::Protected)],
) -> Result<(), Vec<Diagnostic>> {
    let resolved = target::resolve(&target.out).map_err(|d| vec![d])?;
    let own = std::fs::canonicalize(&target.dir).ok();
    for (root, places) in protected {
        if *root == own {
            continue;
        }
        places.check(&resolved, &target.out).map_err(|_| {
            vec![Diagnostic::error(format!(
                "the output folder {} is inside the folders of {}, another edition of this build",
                target.out.display(),
                root.as_deref().unwrap_or(Path::new("?")).display()
            ))
            .hint("give an --out-root outside every edition's folders, such as ../sites")]
        })?;
    }
    Ok(())
}
