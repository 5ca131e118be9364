//! The output folder: a build replaces only what it wrote itself, never two at once,
//! and a crash at any point leaves one whole site (docs/security.md).
//!
//! Each test runs the real binary the way a user would, and checks the exit code,
//! that the message names the folder, and that no byte of the user's files or of the
//! previous site changed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{build_to_dir, copy_dir, fixture, options, repo_root, snapshot};
use gouvernail::edition::Edition;
use gouvernail::output::{CommitStep, DirSink, MARKER};
use gouvernail::site::build_edition;

fn gouvernail(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        // The date of `options()`, which the in-memory builds compared with use:
        // the RACI workbook carries the build date.
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .output()
        .expect("run gouvernail")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A folder holding a copy of the base fixture edition as `ed`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ed = tmp.path().join("ed");
    copy_dir(&fixture("base"), &ed);
    (tmp, ed)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_refused(output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(1), "not refused: {err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` missing from: {err}");
    }
}

#[test]
fn out_at_the_edition_is_refused_even_with_force() {
    let (tmp, ed) = workspace();
    let before = snapshot(&ed);
    for force in [false, true] {
        let mut args = vec!["build", "ed", "--out", "ed"];
        if force {
            args.push("--force");
        }
        let output = gouvernail(tmp.path(), &args);
        assert_refused(&output, &["the output folder ed is the edition itself"]);
    }
    assert_eq!(snapshot(&ed), before, "the edition changed");
    assert_eq!(entries(tmp.path()), ["ed"], "leftovers beside the edition");
}

#[test]
fn out_at_a_folder_holding_the_edition_and_its_git_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    copy_dir(&fixture("base"), &work.join("ed"));
    std::fs::create_dir_all(work.join(".git/objects")).unwrap();
    std::fs::write(work.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(work.join("notes.txt"), "mes notes\n").unwrap();
    let before = snapshot(&work);
    let out = work.display().to_string();
    for force in [false, true] {
        let mut args = vec!["build", "ed", "--out", &out];
        if force {
            args.push("--force");
        }
        let output = gouvernail(&work, &args);
        assert_refused(&output, &[&out, "a folder that holds the edition"]);
    }
    assert_eq!(snapshot(&work), before, "the user's files changed");
    assert_eq!(entries(tmp.path()), ["work"], "leftovers beside the folder");
}

#[test]
fn out_at_an_unrelated_folder_is_refused_unless_forced() {
    let (tmp, _) = workspace();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(docs.join("img")).unwrap();
    std::fs::write(docs.join("notes.md"), "# À garder\n").unwrap();
    let before = snapshot(&docs);
    let output = gouvernail(tmp.path(), &["build", "ed", "--out", "docs"]);
    assert_refused(
        &output,
        &[
            "the output folder docs",
            "2 entries (img/, notes.md)",
            "--force",
        ],
    );
    assert_eq!(snapshot(&docs), before);

    let forced = gouvernail(tmp.path(), &["build", "ed", "--out", "docs", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(docs.join("index.html").is_file() && docs.join(MARKER).is_file());
    assert!(
        !docs.join("notes.md").exists(),
        "--force keeps the old files"
    );
}

#[test]
fn out_at_a_file_is_refused_even_with_force() {
    let (tmp, _) = workspace();
    let report = tmp.path().join("report.docx");
    std::fs::write(&report, b"PK\x03\x04 a report").unwrap();
    for force in [false, true] {
        let mut args = vec!["build", "ed", "--out", "report.docx"];
        if force {
            args.push("--force");
        }
        let output = gouvernail(tmp.path(), &args);
        assert_refused(&output, &["the output folder report.docx is a file"]);
    }
    assert_eq!(std::fs::read(&report).unwrap(), b"PK\x03\x04 a report");
}

#[test]
fn out_inside_a_source_folder_of_the_edition_or_its_parent_is_refused() {
    let (tmp, ed) = workspace();
    std::fs::create_dir_all(ed.join("theme")).unwrap();
    std::fs::write(ed.join("theme/logo.svg"), "<svg/>").unwrap();
    let child = tmp.path().join("client");
    std::fs::create_dir_all(&child).unwrap();
    std::fs::write(
        child.join("handbook.yaml"),
        "extends: ../ed\ntitle: Client\n",
    )
    .unwrap();
    let before = snapshot(tmp.path());
    for (edition, out, folder) in [
        ("ed", "ed/content", "content/"),
        ("ed", "ed/theme/site", "theme/"),
        ("ed", "ed/data", "data/"),
        ("client", "ed/content/pages", "content/"),
    ] {
        let output = gouvernail(tmp.path(), &["build", edition, "--out", out, "--force"]);
        assert_refused(&output, &[out, &format!("inside the {folder} folder")]);
    }
    let output = gouvernail(tmp.path(), &["build", "client", "--out", "ed"]);
    assert_refused(&output, &["(which this one extends) itself"]);
    assert_eq!(snapshot(tmp.path()), before, "a source file changed");
}

#[test]
fn out_at_the_root_or_dot_or_dotdot_is_refused_up_front() {
    let (tmp, ed) = workspace();
    for out in ["/", ".", "..", "ed/.."] {
        let output = gouvernail(&ed, &["build", ".", "--out", out]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{out}: {err}");
        assert!(err.contains("does not name a folder of its own"), "{err}");
    }
    assert_eq!(entries(tmp.path()), ["ed"]);
    assert_eq!(entries(&ed), ["content", "data", "handbook.yaml"]);
}

#[test]
fn sites_built_before_the_marker_existed_are_replaced_without_complaint() {
    let (tmp, ed) = workspace();
    // At the default place, and elsewhere: recognised by the generator in index.html.
    for out in ["ed/public", "site"] {
        let built = gouvernail(tmp.path(), &["build", "ed", "--out", out]);
        assert!(built.status.success(), "{}", stderr(&built));
        std::fs::remove_file(tmp.path().join(out).join(MARKER)).unwrap();
        let rebuilt = gouvernail(tmp.path(), &["build", "ed", "--out", out]);
        assert!(rebuilt.status.success(), "{out}: {}", stderr(&rebuilt));
        assert!(tmp.path().join(out).join(MARKER).is_file());
    }
    // An overridden index.html that dropped the generator: only at the default place.
    for out in ["ed/public", "site"] {
        let folder = tmp.path().join(out);
        std::fs::remove_dir_all(&folder).unwrap();
        std::fs::create_dir_all(folder.join("assets")).unwrap();
        std::fs::write(folder.join("index.html"), "<!doctype html><title>x</title>").unwrap();
    }
    let default = gouvernail(tmp.path(), &["build", "ed"]);
    assert!(default.status.success(), "{}", stderr(&default));
    let elsewhere = gouvernail(tmp.path(), &["build", "ed", "--out", "site"]);
    assert_refused(&elsewhere, &["not a site gouvernail built"]);
    let _ = ed;
}

#[cfg(unix)]
#[test]
fn out_through_a_symlink_replaces_the_folder_it_names_and_keeps_the_link() {
    let (tmp, _) = workspace();
    let deploy = tmp.path().join("srv/handbook");
    std::fs::create_dir_all(&deploy).unwrap();
    std::os::unix::fs::symlink(&deploy, tmp.path().join("deploy")).unwrap();
    for _ in 0..2 {
        let output = gouvernail(tmp.path(), &["build", "ed", "--out", "deploy"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let link = std::fs::symlink_metadata(tmp.path().join("deploy")).unwrap();
        assert!(link.file_type().is_symlink(), "the link was replaced");
        assert!(deploy.join("index.html").is_file() && deploy.join(MARKER).is_file());
    }
    assert_eq!(entries(tmp.path()), ["deploy", "ed", "srv"]);
    assert_eq!(entries(&tmp.path().join("srv")), ["handbook"], "leftovers");

    std::os::unix::fs::symlink(tmp.path().join("nowhere"), tmp.path().join("broken")).unwrap();
    let output = gouvernail(tmp.path(), &["build", "ed", "--out", "broken"]);
    assert_refused(&output, &["symbolic link", "leads nowhere"]);
    assert!(!tmp.path().join("nowhere").exists());
}

#[test]
fn a_build_into_a_folder_another_build_is_writing_is_refused_with_its_pid() {
    let (tmp, ed) = workspace();
    let out = tmp.path().join("public");
    build_to_dir(&ed, &out, &options(None, None)).expect("first build");
    let before = snapshot(&out);
    let edition = Edition::load(&ed).unwrap();
    let busy = DirSink::new(&out, &edition, false).expect("the lock");
    let output = gouvernail(tmp.path(), &["build", "ed", "--out", "public"]);
    assert_refused(
        &output,
        &[
            "another build is writing to public",
            &format!("pid {}", std::process::id()),
        ],
    );
    drop(busy);
    assert_eq!(snapshot(&out), before, "the refused build changed the site");
    let output = gouvernail(tmp.path(), &["build", "ed", "--out", "public"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        entries(tmp.path()),
        ["ed", "public"],
        "leftovers or a lock file"
    );
}

#[test]
fn two_builds_at_once_into_one_folder_never_mix_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    build_to_dir(&repo_root(), &reference, &options(None, None)).expect("handbook builds");
    let reference = snapshot(&reference);
    let out = tmp.path().join("public");
    let root = repo_root().display().to_string();
    let out_arg = out.display().to_string();
    for round in 0..3 {
        let builds: Vec<_> = (0..2)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_gouvernail"))
                    .args(["build", &root, "--out", &out_arg, "--quiet"])
                    .env("SOURCE_DATE_EPOCH", "1795219200")
                    .env("NO_COLOR", "1")
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<Output> = builds
            .into_iter()
            .map(|b| b.wait_with_output().unwrap())
            .collect();
        assert!(
            outputs.iter().any(|o| o.status.success()),
            "round {round}: neither build succeeded"
        );
        for output in outputs.iter().filter(|o| !o.status.success()) {
            assert_refused(output, &["another build is writing to"]);
        }
        let built = snapshot(&out);
        assert_eq!(built.len(), reference.len(), "round {round}: files lost");
        assert!(built == reference, "round {round}: the site differs");
    }
    assert_eq!(entries(tmp.path()), ["public", "reference"]);
}

/// Rewrites one page of the edition, so that the old and new sites differ.
fn edit_page(ed: &Path, text: &str) {
    let path = ed.join("content/pages/introduction.md");
    let page = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{page}\n\n{text}\n")).unwrap();
}

#[test]
fn a_crash_at_any_step_of_the_commit_leaves_a_whole_site_that_the_next_builds_keep() {
    for step in [
        CommitStep::Staged,
        CommitStep::Exchanged,
        CommitStep::Retired,
        CommitStep::Placed,
    ] {
        let (tmp, ed) = workspace();
        let out = tmp.path().join("public");
        build_to_dir(&ed, &out, &options(None, None)).expect("old site");
        let old = snapshot(&out);
        edit_page(&ed, "Une phrase nouvelle.");
        let edition = Edition::load(&ed).unwrap();
        let sink = DirSink::new(&out, &edition, false).unwrap();
        build_edition(&edition, &options(None, None), &sink).expect("new site");
        sink.commit_stopping_at(step).unwrap();
        let new_site_in_place = matches!(step, CommitStep::Exchanged | CommitStep::Placed);
        match step {
            CommitStep::Retired => assert!(!out.exists(), "{step:?}: the site is in place"),
            _ if new_site_in_place => assert_ne!(snapshot(&out), old, "{step:?}"),
            _ => assert_eq!(snapshot(&out), old, "{step:?}"),
        }
        let after_crash = if out.exists() {
            snapshot(&out)
        } else {
            old.clone()
        };

        // A failing build first: it must keep (or put back) the site, not delete it.
        std::fs::write(
            ed.join("content/pages/casse.md"),
            "---\ntitle: Casse\nsummary: Un lien mort.\n---\nVoir [ceci](nulle-part.md).\n",
        )
        .unwrap();
        let failed = gouvernail(tmp.path(), &["build", "ed", "--out", "public"]);
        assert_eq!(
            failed.status.code(),
            Some(1),
            "{step:?}: {}",
            stderr(&failed)
        );
        assert_eq!(
            snapshot(&out),
            after_crash,
            "{step:?}: the failed build lost the site"
        );
        if step == CommitStep::Retired {
            assert!(stderr(&failed).contains("the previous site was put back"));
        }

        std::fs::remove_file(ed.join("content/pages/casse.md")).unwrap();
        let good = gouvernail(tmp.path(), &["build", "ed", "--out", "public"]);
        assert!(good.status.success(), "{step:?}: {}", stderr(&good));
        let fresh = tmp.path().join("fresh");
        build_to_dir(&ed, &fresh, &options(None, None)).unwrap();
        assert!(
            snapshot(&out) == snapshot(&fresh),
            "{step:?}: not the new site"
        );
        std::fs::remove_dir_all(&fresh).unwrap();
        assert_eq!(entries(tmp.path()), ["ed", "public"], "{step:?}: leftovers");
    }
}

#[cfg(unix)]
#[test]
fn kill_9_of_a_real_build_never_loses_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let root = repo_root().display().to_string();
    let out_arg = out.display().to_string();
    let build = || {
        Command::new(env!("CARGO_BIN_EXE_gouvernail"))
            .args(["build", &root, "--out", &out_arg, "--quiet"])
            .env("SOURCE_DATE_EPOCH", "1795219200")
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut first = build();
    assert!(first.wait().unwrap().success());
    let reference = snapshot(&out);
    // Kill builds at spread-out moments: while they read, render, write, commit.
    let started = std::time::Instant::now();
    let mut full = build();
    full.wait().unwrap();
    let span = started.elapsed();
    for i in 0..8u32 {
        let mut child = build();
        std::thread::sleep(span * i / 7 + Duration::from_millis(5));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        assert!(
            snapshot(&out) == reference,
            "kill {i} at {:?} left a different site",
            span * i / 7
        );
    }
    let mut last = build();
    assert!(last.wait().unwrap().success());
    assert!(snapshot(&out) == reference);
    assert_eq!(entries(tmp.path()), ["public"], "leftovers after kills");
}

/// Nothing a build writes lands outside its site: a former address that climbs out
/// of it is an error and is not written, and the folder sink refuses any path that
/// is not inside the site, whoever asks.
#[test]
fn no_path_leaves_the_site() {
    let (tmp, ed) = workspace();
    std::fs::write(
        ed.join("content/pages/renommee.md"),
        "---\ntitle: Renommée\nsummary: Une page.\naliases: [\"../../hors.html\", \"/racine.html\"]\n---\nCorps.\n",
    )
    .unwrap();
    let out = tmp.path().join("sites").join("public");
    let output = gouvernail(tmp.path(), &["build", "ed", "--out", out.to_str().unwrap()]);
    assert_refused(
        &output,
        &[
            "the former address `../../hors.html`",
            "the former address `/racine.html`",
        ],
    );
    let stray: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .flatten()
        .filter(|e| matches!(e.file_name().to_str(), Some("hors.html" | "racine.html")))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(stray.is_empty(), "written outside the site: {stray:?}");

    use gouvernail::output::Sink;
    let edition = Edition::load(&ed).unwrap();
    let sink = DirSink::new(&out, &edition, false).unwrap();
    for path in ["../dehors.html", "/etc/dehors.html", "a/../../dehors.html"] {
        let refused = sink.write(path, b"x".to_vec().into());
        assert!(refused.is_err(), "{path} was written");
    }
    assert!(!tmp.path().join("sites").join("dehors.html").exists());
}
