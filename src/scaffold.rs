//! The `new` command's stage: a working edition in a new folder. It writes
//! `handbook.yaml`, with the organisation's settings filled in from the options and
//! every other setting as a commented example, a README saying what goes where,
//! and `content/`: empty for an edition that extends another, one sample page of
//! each kind for a standalone handbook (`scaffold/` in the repository, embedded).
//! It writes into a new or empty folder only, so that nothing already there is at
//! risk.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::edition::EDITION_FILE;
use crate::model::{Member, Sector, Size};

static SCAFFOLD: Dir = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// What `new` is asked for.
pub struct NewEdition<'a> {
    pub dir: &'a Path,
    /// The edition this one extends, as the user named it (`builtin`: the
    /// embedded handbook).
    pub extends: Option<&'a Path>,
    pub name: Option<&'a str>,
    pub size: Option<Size>,
    pub sector: Option<Sector>,
}

/// The title of a new handbook, followed by the organisation's name when given.
const TITLE: &str = "Guide de gouvernance de l'IA";

/// Creates the edition: the files written, relative to its folder, or what stops it.
pub fn create(new: &NewEdition) -> Result<Vec<PathBuf>, String> {
    let dir = new.dir;
    check_empty(dir)?;
    let extends = match new.extends {
        Some(parent) => Some(extends_value(dir, parent)?),
        None => None,
    };
    let title = match new.name {
        Some(name) => format!("{TITLE} — {name}"),
        None => TITLE.to_string(),
    };
    let standalone = extends.is_none();
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            EDITION_FILE.into(),
            handbook_yaml(&title, extends.as_deref(), new),
        ),
        ("README.md".into(), readme(&title, standalone)),
    ];
    if standalone {
        let content = SCAFFOLD.get_dir("content").expect("scaffold/content");
        let mut samples = crate::templates::builtin_files(content);
        samples.sort_by_key(|f| f.path());
        for file in samples {
            let text = file.contents_utf8().expect("the samples are UTF-8");
            files.push((Path::new(file.path()).to_path_buf(), text.to_string()));
        }
    }
    std::fs::create_dir_all(dir.join("content"))
        .map_err(|err| format!("cannot create {}: {err}", dir.join("content").display()))?;
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// `dir` must be new, or an empty folder.
fn check_empty(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(format!(
                "{} is not empty: `new` writes only into a new or empty folder, so that nothing there is replaced; name a new folder",
                dir.display()
            )),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.exists() => Err(format!(
            "{} is not a folder: `new` writes only into a new or empty folder",
            dir.display()
        )),
        Err(err) => Err(format!("cannot read {}: {err}", dir.display())),
    }
}

/// The `extends:` value that names `parent` from the new edition in `dir`:
/// `builtin` for the embedded handbook, the path from one to the other when `parent` was given as a relative path (so that
/// the two folders can move together, or live in one repository), else `parent`
/// as it is.
fn extends_value(dir: &Path, parent: &Path) -> Result<String, String> {
    if parent == Path::new(crate::builtin::NAME) {
        return Ok(crate::builtin::NAME.to_string());
    }
    if !parent.join(EDITION_FILE).is_file() {
        return Err(format!(
            "--extends {}: no {EDITION_FILE} there; name the folder of the edition to extend (the one that holds its {EDITION_FILE})",
            parent.display()
        ));
    }
    if parent.is_absolute() {
        return Ok(parent.display().to_string());
    }
    let absolute = |path: &Path| {
        std::path::absolute(path).map_err(|err| format!("cannot resolve {}: {err}", path.display()))
    };
    let relative = pathdiff::diff_paths(absolute(parent)?, absolute(dir)?)
        .unwrap_or_else(|| parent.to_path_buf());
    Ok(relative.display().to_string().replace('\\', "/"))
}

/// A YAML scalar holding `text`, quoted when it must be.
fn scalar(text: &str) -> String {
    serde_yaml_ng::to_string(text)
        .expect("a string serialises")
        .trim_end()
        .to_string()
}

fn handbook_yaml(title: &str, extends: Option<&str>, new: &NewEdition) -> String {
    let template = SCAFFOLD
        .get_file(EDITION_FILE)
        .and_then(|f| f.contents_utf8())
        .expect("scaffold/handbook.yaml");
    let extends = match extends {
        Some(parent) => format!("# L'édition dont celle-ci reprend les pages et les réglages.\nextends: {}\n", scalar(parent)),
        None => "# L'édition dont celle-ci reprendrait les pages et les réglages.\n# extends: ../guide-de-base\n".to_string(),
    };
    let standalone = new.extends.is_none();
    let sizes: Vec<&str> = Size::ALL.iter().map(|s| s.id()).collect();
    let sectors: Vec<&str> = Sector::ALL.iter().map(|s| s.id()).collect();
    // A standalone handbook names its organisation and a contact; a child takes
    // its parent's unless told.
    let name = new.name.or(standalone.then_some("votre organisation"));
    let contact = standalone.then_some("le référent IA");
    let settings = [
        ("name", name.map(scalar), "Mon organisation".to_string()),
        (
            "size",
            new.size.map(|s| s.id().to_string()),
            format!("small      # {}", sizes.join(", ")),
        ),
        (
            "sector",
            new.sector.map(|s| s.id().to_string()),
            format!("private    # {}", sectors.join(", ")),
        ),
        ("headcount", None, "120".to_string()),
    ];
    // A key set to nothing would hide the parent's whole `org:`: with nothing to
    // say, the block is an example too.
    let any = settings.iter().any(|(_, value, _)| value.is_some()) || contact.is_some();
    let example = |text: &str| {
        if any {
            format!("  # {text}\n")
        } else {
            format!("#   {text}\n")
        }
    };
    let mut org = if any { "org:\n" } else { "# org:\n" }.to_string();
    for (key, value, sample) in &settings {
        match value {
            Some(value) => org += &format!("  {key}: {value}\n"),
            None => org += &example(&format!("{key}: {sample}")),
        }
    }
    // A comment, not a setting: still one once the block's `#` are taken away.
    let note = "Les contacts que les pages citent avec {{ org.contacts.referent_ia }}…";
    org += &if any {
        example(note)
    } else {
        example(&format!("# {note}"))
    };
    match contact {
        Some(contact) => {
            org += &format!("  contacts:\n    referent_ia: {contact}\n");
            org += "    # dpo: le délégué à la protection des données\n";
        }
        None => {
            org += &example("contacts:");
            org += &example("  referent_ia: Jeanne Martin");
            org += &example("  dpo: le délégué à la protection des données");
        }
    }
    org += "\n";
    template
        .replace("@@TITLE@@", &scalar(title))
        .replace("@@EXTENDS@@\n", &extends)
        .replace("@@ORG@@\n", &org)
}

fn readme(title: &str, standalone: bool) -> String {
    let template = SCAFFOLD
        .get_file("README.md")
        .and_then(|f| f.contents_utf8())
        .expect("scaffold/README.md");
    let layer = if standalone {
        ""
    } else {
        " Une page de même chemin qu'une page de l'édition parente la remplace ;\n  les autres pages viennent de la parente."
    };
    template
        .replace("@@TITLE@@", title)
        .replace("@@LAYER@@", layer)
}
