//! Load stage: an edition folder into its merged settings and its ordered layers.
//!
//! An edition is a folder with `handbook.yaml`. `extends:` names a parent edition;
//! the chain resolves to layers, base first. For every relative path under
//! `content/`, `templates/`, `theme/` and `data/`, the nearest layer's file wins, and a
//! layer's `exclude:` hides files of the layers below it. Settings merge key by key,
//! the child winning. Nothing after this stage needs to know that layers exist: it
//! asks `Edition::files` for a folder and gets one file per relative path.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use serde_yaml_ng::{Mapping, Value};

use crate::diagnostics::Diagnostic;
use crate::model::{Sector, Size, SourceFile};
use crate::parse::{decode, yaml_error, yaml_value};
use crate::sanitise::RawHtml;
use crate::session::Session;
use crate::spans::{Index, Key, YamlSpans};

pub const EDITION_FILE: &str = "handbook.yaml";

/// The folders of a layer that hold the edition's sources.
pub const SOURCE_FOLDERS: [&str; 4] = ["content", "templates", "theme", "data"];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }
}

/// `handbook.yaml`, as one layer writes it (every key optional, so that a child
/// edition can say only what differs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionFile {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub extends: Option<String>,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default, alias = "organisation")]
    pub org: Option<Org>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    #[serde(default)]
    pub branding: Option<Branding>,
    #[serde(default)]
    pub search: Option<SearchSettings>,
    #[serde(default)]
    pub lists: Option<ListSettings>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// What the authors' raw HTML may do (see `sanitise`).
    #[serde(default)]
    pub raw_html: Option<RawHtml>,
    #[serde(default)]
    pub exports: Option<Exports>,
}

/// The files the build writes beside the pages, for people to pass around.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exports {
    /// Each charter as a Word document beside its page.
    #[serde(default = "yes")]
    pub docx: bool,
    /// The RACI as a workbook, `raci.xlsx`.
    #[serde(default = "yes")]
    pub xlsx: bool,
    /// The RACI matrix as `raci.csv`.
    #[serde(default = "yes")]
    pub csv: bool,
    /// The whole site as one zip inside it, linked from every page's footer (off
    /// by default; a live preview never writes it).
    #[serde(default)]
    pub zip: bool,
    /// The handbook as data, `handbook.json` (off by default).
    #[serde(default)]
    pub json: bool,
}

impl Default for Exports {
    fn default() -> Exports {
        Exports {
            docx: true,
            xlsx: true,
            csv: true,
            zip: false,
            json: false,
        }
    }
}

/// The organisation the edition is for.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub size: Option<Size>,
    #[serde(default)]
    pub headcount: Option<u32>,
    #[serde(default)]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub contacts: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// A file under `theme/`.
    #[serde(default)]
    pub logo: Option<String>,
    /// A file under `theme/`, the browser tab's icon [default: gouvernail's].
    #[serde(default)]
    pub favicon: Option<String>,
    #[serde(default)]
    pub colors: Colours,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colours {
    #[serde(default)]
    pub primary: Option<String>,
    #[serde(default)]
    pub accent: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// The generated lists of pages: a kind's index, a tag's page.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ListSettings {
    /// The most cards on one page of a list; a longer list goes on to further pages.
    #[serde(default = "per_page")]
    pub per_page: std::num::NonZeroUsize,
}

/// Far above any real handbook's list (the default one's longest has about 30
/// pages), so that only a generated or imported corpus is split.
pub const DEFAULT_PER_PAGE: usize = 500;

fn per_page() -> std::num::NonZeroUsize {
    std::num::NonZeroUsize::new(DEFAULT_PER_PAGE).expect("not zero")
}

/// The merged settings of an edition.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub title: String,
    pub language: Language,
    pub base_url: String,
    pub org: Org,
    pub variables: BTreeMap<String, String>,
    pub branding: Branding,
    pub search_enabled: bool,
    /// The most cards on one page of a generated list.
    pub per_page: usize,
    pub labels: BTreeMap<String, String>,
    pub raw_html: RawHtml,
    pub exports: Exports,
}

/// One folder of the `extends` chain.
#[derive(Debug)]
pub struct Layer {
    pub root: PathBuf,
    /// Hides files of the layers below this one (paths under `content/`).
    pub exclude: GlobSet,
    /// Whether this is the handbook embedded in gouvernail (`extends: builtin`).
    pub builtin: bool,
}

#[derive(Debug)]
pub struct Edition {
    /// The folder the edition was loaded from (the nearest layer).
    pub root: PathBuf,
    pub settings: Settings,
    /// Base first.
    pub layers: Vec<Layer>,
    pub size: Option<Size>,
    pub sector: Option<Sector>,
    /// The files of each source folder, by relative path (see `files`).
    files: FileIndex,
    /// The files under content/ that a parent has and this edition's `exclude:`
    /// hides, by relative path: a parent's link to one of its pages is no broken
    /// link here, and shows as its text.
    pub excluded: std::collections::BTreeSet<String>,
}

impl Edition {
    /// Loads the edition in `dir` and the editions it extends.
    pub fn load(dir: &Path) -> Result<Edition, Vec<Diagnostic>> {
        let mut chain: Vec<(PathBuf, EditionFile, Value, Arc<SourceFile>)> = Vec::new();
        let mut problems = Vec::new();
        // The edition a folder is the parent of, whose `extends:` line a problem with
        // the parent names (found only then: see `spans`).
        let mut next = Some((dir.to_path_buf(), None::<Arc<SourceFile>>));
        let extends_line = |source: &SourceFile| {
            let at = YamlSpans::new(&source.text, 0).value_or_key(&[Key("extends")]);
            crate::model::line_of(&source.text, at.start)
        };
        while let Some((folder, extended_from)) = next.take() {
            let file = folder.join(EDITION_FILE);
            let canonical = folder.canonicalize().ok();
            if let Some(canonical) = &canonical {
                if let Some(i) = chain.iter().position(|(root, ..)| root == canonical) {
                    let cycle: Vec<String> = chain[i..]
                        .iter()
                        .map(|(root, ..)| root.display().to_string())
                        .chain([canonical.display().to_string()])
                        .collect();
                    let mut d = Diagnostic::error(format!("`extends` makes a cycle: {}", cycle.join(" → ")))
                        .hint("an edition cannot extend itself or one of the editions that extend it; remove one `extends:`");
                    if let Some(source) = &extended_from {
                        d = d.at_line(source, extends_line(source));
                    }
                    problems.push(d);
                    break;
                }
            }
            let bytes = match crate::parse::read_source(&file) {
                Ok(bytes) => bytes,
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    problems.push(
                        Diagnostic::error(format!("cannot read {}: {err}", file.display()))
                            .in_file(&file)
                            .hint("check that the file is readable by you (its permissions) and is a text file"),
                    );
                    break;
                }
                Err(_) => {
                    let d = match &extended_from {
                        None => Diagnostic::error(format!("no {EDITION_FILE} in {}", display_dir(&folder)))
                            .in_file(&file)
                            .hint(
                                "run gouvernail in an edition folder, or name one (`gouvernail build path/to/edition`); \
                                 to start one, `gouvernail new DIR` (add `--extends builtin` for a client edition of the default handbook)",
                            ),
                        Some(source) => Diagnostic::error(format!(
                            "`extends` names {}, which has no {EDITION_FILE}",
                            display_dir(&folder)
                        ))
                        .at_line(source, extends_line(source))
                        .hint("the path is relative to the folder of this handbook.yaml; check it names the parent edition's folder"),
                    };
                    problems.push(d);
                    break;
                }
            };
            let source = match decode(file.clone(), bytes) {
                Ok(source) => source,
                Err(d) => {
                    problems.push(d);
                    break;
                }
            };
            let (parsed, value) = match parse_edition_file(&source) {
                Ok(parsed) => parsed,
                Err(d) => {
                    problems.push(d);
                    break;
                }
            };
            if let Some(parent) = &parsed.extends {
                // `builtin`: the handbook embedded in the binary.
                let parent_folder = if parent == crate::builtin::NAME {
                    match crate::builtin::folder() {
                        Ok(builtin) => builtin,
                        Err(d) => {
                            problems.push(d.at_line(&source, extends_line(&source)));
                            break;
                        }
                    }
                } else {
                    folder.join(parent)
                };
                next = Some((parent_folder, Some(source.clone())));
            }
            chain.push((
                canonical.unwrap_or_else(|| folder.clone()),
                parsed,
                value,
                source,
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        chain.reverse(); // base first
        let mut merged = Value::Mapping(Mapping::new());
        for (_, _, value, _) in &chain {
            merge(&mut merged, value.clone());
        }
        let merged: EditionFile = match serde_yaml_ng::from_value(merged) {
            Ok(merged) => merged,
            Err(err) => {
                let files: Vec<String> = chain
                    .iter()
                    .map(|(root, ..)| root.join(EDITION_FILE).display().to_string())
                    .collect();
                return Err(vec![Diagnostic::error(format!(
                    "the settings of {}, merged, are invalid: {err}",
                    files.join(" and ")
                ))
                .in_file(dir.join(EDITION_FILE))
                .hint("a child edition's setting replaces the parent's whole unless both are maps: give it the same type as in the parent")]);
            }
        };
        let Some(title) = merged.title.clone() else {
            return Err(vec![Diagnostic::error("the edition has no title")
                .in_file(dir.join(EDITION_FILE))
                .hint(
                    "add `title: …` to handbook.yaml (or to the edition it extends)",
                )]);
        };
        // The nearest layer that sets `base_url` is the one to fix.
        if let Some((_, file, _, source)) =
            chain.iter().rev().find(|(_, f, ..)| f.base_url.is_some())
        {
            problems.extend(check_base_url(
                file.base_url.as_deref().unwrap_or_default(),
                source,
            ));
        }
        // A layer is the embedded handbook when the one above it says so.
        let builtin: Vec<bool> = (0..chain.len())
            .map(|i| {
                chain.get(i + 1).is_some_and(|(_, above, ..)| {
                    above.extends.as_deref() == Some(crate::builtin::NAME)
                })
            })
            .collect();
        let layers: Vec<Layer> = chain
            .into_iter()
            .zip(builtin)
            .map(|((root, file, _, source), builtin)| {
                let mut globs = GlobSetBuilder::new();
                let spans = YamlSpans::new(&source.text, 0);
                for (i, pattern) in file.exclude.iter().enumerate() {
                    match Glob::new(pattern) {
                        Ok(glob) => {
                            globs.add(glob);
                        }
                        Err(err) => problems.push(
                            Diagnostic::error(format!(
                                "`exclude` has an invalid pattern `{pattern}`: {err}"
                            ))
                            .at(&source, spans.value_or_key(&[Key("exclude"), Index(i)]))
                            .hint("patterns are paths under content/, with * and ** wildcards"),
                        ),
                    }
                }
                Layer {
                    root,
                    exclude: globs.build().unwrap_or_else(|_| GlobSet::empty()),
                    builtin,
                }
            })
            .collect();
        let (files, excluded, walk_problems) = index_files(&layers);
        problems.extend(walk_problems);
        if !problems.is_empty() {
            return Err(problems);
        }

        let org = merged.org.clone().unwrap_or_default();
        let size = org.size.or(org.headcount.map(Size::from_headcount));
        let sector = org.sector;
        let settings = Settings {
            title,
            language: merged.language.unwrap_or_default(),
            base_url: merged.base_url.unwrap_or_default(),
            org,
            variables: merged.variables,
            branding: merged.branding.unwrap_or_default(),
            search_enabled: merged.search.is_none_or(|s| s.enabled),
            per_page: merged.lists.map_or(DEFAULT_PER_PAGE, |l| l.per_page.get()),
            labels: merged.labels,
            raw_html: merged.raw_html.unwrap_or_default(),
            exports: merged.exports.unwrap_or_default(),
        };
        Ok(Edition {
            root: dir.to_path_buf(),
            settings,
            layers,
            size,
            sector,
            files,
            excluded,
        })
    }

    /// Every file under `folder` (one of `SOURCE_FOLDERS`) of any layer, by path
    /// relative to `folder` (with `/` separators): the nearest layer's file wins, and
    /// files that a nearer layer's `exclude` names are left out.
    pub fn files(&self, folder: &str) -> impl Iterator<Item = (&String, &PathBuf)> {
        self.origins(folder)
            .map(|(rel, origin)| (rel, &origin.path))
    }

    /// The same files, each with where it comes from.
    pub fn origins(&self, folder: &str) -> impl Iterator<Item = (&String, &Origin)> {
        self.files.get(folder).into_iter().flatten()
    }

    /// Where the file `rel` of `folder` comes from, and what it shadows (for a
    /// drift report, or a server that watches every layer).
    pub fn origin(&self, folder: &str, rel: &str) -> Option<&Origin> {
        self.files.get(folder)?.get(rel)
    }
}

/// `base_url` is empty or an absolute http(s) URL: it goes into every page's
/// canonical link, so anything else would be a broken or hostile link.
fn check_base_url(base_url: &str, source: &Arc<SourceFile>) -> Option<Diagnostic> {
    if base_url.is_empty() {
        return None;
    }
    let problem = match url::Url::parse(base_url) {
        Ok(url) if !matches!(url.scheme(), "http" | "https") => {
            format!("its scheme is `{}`", url.scheme())
        }
        Ok(url) if url.host_str().is_none_or(str::is_empty) => "it has no host".to_string(),
        Ok(url) if url.query().is_some() || url.fragment().is_some() => {
            "it has a query or a fragment".to_string()
        }
        Ok(_) => return None,
        Err(err) => err.to_string(),
    };
    let at = YamlSpans::new(&source.text, 0).value_or_key(&[Key("base_url")]);
    Some(
        Diagnostic::error(format!("`base_url` `{base_url}` is not a web address: {problem}"))
            .at(source, at)
            .hint("write the address the site is published at, `https://intranet.example.org/guide-ia/`, or leave it empty"),
    )
}

/// Where a file of the edition comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file that is used.
    pub path: PathBuf,
    /// Its layer, as an index into `Edition::layers` (0 is the base).
    pub layer: usize,
    /// The files of the same path in lower layers that it shadows, nearest first.
    pub shadows: Vec<PathBuf>,
    /// Whether `path` is a symbolic link: a change to the file it leads to is seen
    /// at the target's path, not at `path`.
    pub linked: bool,
}

/// Each source folder's files, by relative path.
type FileIndex = HashMap<&'static str, BTreeMap<String, Origin>>;

/// Walks the source folders of every layer, base first, into one file per relative
/// path. Symbolic links are followed when they lead to a file or folder inside one
/// of the edition's layers, and are an error otherwise (or when they lead nowhere),
/// so that no file from elsewhere on the disk ends up in the site.
fn index_files(
    layers: &[Layer],
) -> (
    FileIndex,
    std::collections::BTreeSet<String>,
    Vec<Diagnostic>,
) {
    let mut excluded = std::collections::BTreeSet::new();
    let roots: Vec<PathBuf> = layers
        .iter()
        .map(|l| l.root.canonicalize().unwrap_or_else(|_| l.root.clone()))
        .collect();
    let mut index = HashMap::new();
    let mut problems = Vec::new();
    for folder in SOURCE_FOLDERS {
        let mut files = BTreeMap::new();
        for (i, layer) in layers.iter().enumerate() {
            let base = layer.root.join(folder);
            if std::fs::symlink_metadata(&base).is_err() {
                continue;
            }
            let mut walk = walkdir::WalkDir::new(&base)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter();
            while let Some(entry) = walk.next() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(err) => {
                        problems.push(walk_error(&err));
                        continue;
                    }
                };
                let Ok(rel) = entry.path().strip_prefix(&base) else {
                    continue;
                };
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel.split('/').any(|part| part.starts_with('.')) {
                    if entry.file_type().is_dir() {
                        walk.skip_current_dir();
                    }
                    continue;
                }
                if entry.path_is_symlink() && entry.depth() > 0 && entry.file_type().is_dir() {
                    // Followed, links between folders of a layer could name the same
                    // folder by 2^n paths; a linked source folder is enough.
                    problems.push(
                        Diagnostic::error(format!(
                            "{} is a symbolic link to a folder",
                            entry.path().display()
                        ))
                        .in_file(entry.path())
                        .hint(format!("links to folders are followed only for {folder}/ itself; link the files one by one, or move the folder here")),
                    );
                    walk.skip_current_dir();
                    continue;
                }
                if entry.path_is_symlink() {
                    let target = entry.path().canonicalize().unwrap_or_default();
                    if !roots.iter().any(|root| target.starts_with(root)) {
                        problems.push(
                            Diagnostic::error(format!(
                                "{} is a symbolic link to {}, outside the edition's folders",
                                entry.path().display(),
                                target.display()
                            ))
                            .in_file(entry.path())
                            .hint("copy the file or folder into the edition instead; links are followed only within the edition and the editions it extends"),
                        );
                        if entry.file_type().is_dir() {
                            walk.skip_current_dir();
                        }
                        continue;
                    }
                }
                if !entry.file_type().is_file() {
                    continue;
                }
                let hidden = folder == "content"
                    && layers[i + 1..]
                        .iter()
                        .any(|nearer| nearer.exclude.is_match(&rel));
                if hidden {
                    files.remove(&rel);
                    excluded.insert(rel);
                } else {
                    if folder == "content" {
                        excluded.remove(&rel);
                    }
                    let below = files.remove(&rel).map(|o: Origin| {
                        let mut shadows = vec![o.path];
                        shadows.extend(o.shadows);
                        shadows
                    });
                    let origin = Origin {
                        linked: entry.path_is_symlink(),
                        path: entry.path().to_path_buf(),
                        layer: i,
                        shadows: below.unwrap_or_default(),
                    };
                    files.insert(rel, origin);
                }
            }
        }
        index.insert(folder, files);
    }
    (index, excluded, problems)
}

/// A folder walk's error: a link that leads nowhere or in a loop, or an unreadable folder.
fn walk_error(err: &walkdir::Error) -> Diagnostic {
    let path = err.path().map(Path::to_path_buf).unwrap_or_default();
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    let (message, hint) = if err.loop_ancestor().is_some() {
        (
            format!(
                "{} is a symbolic link to a folder that holds it",
                path.display()
            ),
            "remove the link: it makes the folder endless",
        )
    } else if is_link {
        (
            format!("{} is a symbolic link that leads nowhere", path.display()),
            "remove the link or restore the file it points at",
        )
    } else {
        (
            format!("cannot read {}: {err}", path.display()),
            "check the permissions of the folder",
        )
    };
    Diagnostic::error(message).in_file(path).hint(hint)
}

fn display_dir(dir: &Path) -> String {
    let shown = dir.display().to_string();
    if shown.is_empty() {
        ".".into()
    } else {
        shown
    }
}

/// Parses one layer's `handbook.yaml`, typed (for errors with their lines) and as a
/// YAML value (for merging).
fn parse_edition_file(source: &Arc<SourceFile>) -> Result<(EditionFile, Value), Diagnostic> {
    let text = if source.text.trim().is_empty() {
        "{}"
    } else {
        source.text.as_str()
    };
    let value = yaml_value(source, 0..source.text.len())?;
    let parsed: EditionFile =
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(source, 0, &e, ""))?;
    let check_colour = |colour: &Option<String>, key: &str| -> Result<(), Diagnostic> {
        match colour {
            Some(c) if !is_hex_colour(c) => {
                Err(Diagnostic::error(format!("`{c}` is not a colour"))
                    .at(
                        source,
                        YamlSpans::new(&source.text, 0).value_or_key(&[
                            Key("branding"),
                            Key("colors"),
                            Key(key),
                        ]),
                    )
                    .hint("write colours as hexadecimal, such as \"#1f4e79\" (with the quotes)"))
            }
            _ => Ok(()),
        }
    };
    for key in ["primary", "accent"] {
        // `primary: #1f4e79` without quotes is a key followed by a comment.
        let given = value
            .get("branding")
            .and_then(|b| b.get("colors"))
            .and_then(|c| c.get(key));
        if given.is_some_and(Value::is_null) {
            return Err(Diagnostic::error(format!(
                "`branding.colors.{key}` has no value"
            ))
            .at(
                source,
                YamlSpans::new(&source.text, 0).key_or_start(&[
                    Key("branding"),
                    Key("colors"),
                    Key(key),
                ]),
            )
            .hint("a # outside quotes starts a comment in YAML: write the colour in quotes, such as \"#1f4e79\""));
        }
    }
    if let Some(branding) = &parsed.branding {
        check_colour(&branding.colors.primary, "primary")?;
        check_colour(&branding.colors.accent, "accent")?;
    }
    let mut value = value;
    if let Value::Mapping(map) = &mut value {
        // Per-layer keys: they do not pass to the editions that extend this one.
        map.remove("extends");
        map.remove("exclude");
    }
    Ok((parsed, value))
}

fn is_hex_colour(text: &str) -> bool {
    let digits = text.strip_prefix('#').unwrap_or("");
    matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit())
}

/// Merges `child` into `base`: maps key by key, anything else replaced.
fn merge(base: &mut Value, child: Value) {
    match (base, child) {
        (Value::Mapping(base), Value::Mapping(child)) => {
            for (key, value) in child {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, child) => *base = child,
    }
}

/// Reads the data files (`data/*.yaml` or `data/*.yml`) of an edition, by stem: a
/// nearer layer's file wins whatever its extension, and two files of one stem in
/// one layer are an error. A file that does not parse maps to `None`: its error is
/// reported here, once, and not again at each use of its values. A file `session`
/// parsed before, with the same text, is not parsed again.
pub fn load_data(
    edition: &Edition,
    session: &Session,
) -> (HashMap<String, Option<Value>>, Vec<Diagnostic>) {
    let mut data = HashMap::new();
    let mut problems = Vec::new();
    let mut chosen: BTreeMap<&str, (usize, &PathBuf)> = BTreeMap::new();
    for (rel, path) in edition.files("data") {
        let Some(stem) = rel
            .strip_suffix(".yaml")
            .or_else(|| rel.strip_suffix(".yml"))
        else {
            continue;
        };
        let layer = edition.origin("data", rel).map_or(0, |o| o.layer);
        match chosen.get(stem) {
            Some((other, _)) if *other > layer => {}
            Some((other, first)) if *other == layer => problems.push(
                Diagnostic::error(format!(
                    "two data files define `data.{stem}`: {} and {}",
                    first.display(),
                    path.display()
                ))
                .in_file(path)
                .hint("keep one of the two files (a data file is named .yaml or .yml, not both)"),
            ),
            _ => {
                chosen.insert(stem, (layer, path));
            }
        }
    }
    for (stem, (_, path)) in chosen {
        let value = crate::parse::read_source(path)
            .map_err(|err| {
                Diagnostic::error(format!("cannot read the data file: {err}")).in_file(path)
            })
            .and_then(|bytes| decode(path.clone(), bytes))
            .and_then(|source| {
                session.parsed(&source, || yaml_value(&source, 0..source.text.len()))
            });
        match value {
            Ok(value) => data.insert(stem.to_string(), Some(value)),
            Err(d) => {
                problems.push(d);
                data.insert(stem.to_string(), None)
            }
        };
    }
    (data, problems)
}
