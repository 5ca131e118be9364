//! The settings of handbook.yaml, each built end to end: the language, search on and
//! off, the logo and the colours of `branding`, `exclude`, the headcount that picks
//! a size, `labels:` overrides, and data files named `.yml` as well as `.yaml`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{build_in_memory, child_of_base, errors_of, fixture, options};
use gouvernail::diagnostics::Diagnostic;
use gouvernail::edition::{Edition, Language};
use gouvernail::i18n::Labels;
use gouvernail::model::{Sector, Size};

/// The built files of an edition that must build.
fn built(dir: &Path) -> BTreeMap<String, String> {
    match build_in_memory(dir, &options(None, None)) {
        Ok((_, files)) => files,
        Err(d) => panic!(
            "{} must build: {:#?}",
            dir.display(),
            d.iter().map(Diagnostic::short).collect::<Vec<_>>()
        ),
    }
}

fn page<'a>(files: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    files.get(path).unwrap_or_else(|| {
        panic!(
            "{path} was not built; built: {:?}",
            files.keys().collect::<Vec<_>>()
        )
    })
}

fn html_pages(files: &BTreeMap<String, String>) -> impl Iterator<Item = (&String, &String)> {
    files.iter().filter(|(path, _)| path.ends_with(".html"))
}

/// The one error whose message contains `message`, with a hint, in a file ending
/// with `file`.
fn one_error(diagnostics: &[Diagnostic], message: &str, file: &str) -> Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error() && d.message.contains(message))
        .collect();
    let all: Vec<String> = diagnostics.iter().map(Diagnostic::short).collect();
    assert_eq!(found.len(), 1, "one error with {message:?} in {all:#?}");
    let d = found[0];
    let path = d.file().expect("the error names its file");
    assert!(path.ends_with(file), "{} is not {file}", path.display());
    assert!(
        d.hint.as_deref().is_some_and(|h| !h.is_empty()),
        "{message:?} has a hint"
    );
    d.clone()
}

fn line_of(d: &Diagnostic) -> Option<usize> {
    d.line_column().map(|(line, _)| line)
}

// --- language: en -------------------------------------------------------------

#[test]
fn an_english_edition_builds_end_to_end_with_english_labels_and_urls() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(["build", fixture("english").to_str().unwrap(), "--out"])
        .arg(&site)
        .args(["--today", "2026-11-21"])
        .output()
        .expect("run gouvernail");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files: BTreeMap<String, String> = common::snapshot(&site)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect();

    // The URL segments of src/i18n.rs, in English, and none of the French ones.
    for path in [
        "index.html",
        "playbooks/index.html",
        "playbooks/run-a-pilot.html",
        "charters/usage-charter.html",
        "charters/usage-charter.md",
        "myths/only-big-firms.html",
        "roles/ai-lead.html",
        "tags/index.html",
        "tags/pilot.html",
        "print.html",
        "search.html",
        "raci.html",
        "404.html",
    ] {
        page(&files, path);
    }
    for french in ["procedures/", "chartes/", "idees-recues/", "etiquettes/"] {
        assert!(
            !files.keys().any(|p| p.starts_with(french)),
            "a French folder {french} in an English site"
        );
    }
    for french in ["impression.html", "recherche.html"] {
        assert!(!files.contains_key(french), "{french} in an English site");
    }
    let home = page(&files, "index.html");
    for link in [
        "href=\"playbooks/run-a-pilot.html\"",
        "href=\"print.html\"",
        "href=\"tags/index.html\"",
        "action=\"search.html\"",
    ] {
        assert!(home.contains(link), "the home links {link}");
    }

    // Every page is in English: the language attribute and the interface's words.
    let en = Labels::new(Language::En, &BTreeMap::new());
    let fr = Labels::new(Language::Fr, &BTreeMap::new());
    for (path, html) in html_pages(&files) {
        assert!(html.contains("<html lang=\"en\""), "{path}: lang=\"en\"");
        assert!(
            html.contains(en.get("skip_to_content")),
            "{path}: the skip link is in English"
        );
    }
    let playbook = page(&files, "playbooks/run-a-pilot.html");
    for key in ["kinds_playbook", "steps", "owner", "reviewed", "raci_a"] {
        assert!(
            playbook.contains(en.get(key)),
            "the playbook shows the English {key} ({:?})",
            en.get(key)
        );
    }
    assert!(page(&files, "myths/only-big-firms.html").contains(en.get("verdict_false")));
    assert!(page(&files, "print.html").contains(en.get("print_handbook")));
    // No French label anywhere: a label that differs between the languages must not
    // show in French, as a word of its own, in any page of the English edition.
    for (key, french) in fr.map() {
        if en.get(key) == french {
            continue;
        }
        let word = regex::Regex::new(&format!(r"(^|\W){}($|\W)", regex::escape(french))).unwrap();
        for (path, html) in html_pages(&files) {
            assert!(
                !word.is_match(html),
                "{path} shows the French label {key} ({french:?})"
            );
        }
    }
    // French typography stays out of English pages: no space before a colon.
    for (path, html) in html_pages(&files) {
        for english in [en.get("verdict"), en.get("tag"), en.get("reports_to")] {
            assert!(
                !html.contains(&format!("{english} :")),
                "{path}: `{english} :` with a French space"
            );
        }
    }
    assert!(page(&files, "myths/only-big-firms.html")
        .contains(&format!("{}: <span", en.get("verdict"))));

    // The search index is English: its labels, its language, its stop words.
    let meta = page(&files, "search/meta.js");
    assert!(meta.contains("\"language\":\"en\""), "{meta}");
    assert!(meta.contains(en.get("search_no_results")), "{meta}");
    assert!(!meta.contains(fr.get("search_no_results")), "{meta}");
}

// --- search.enabled -----------------------------------------------------------

#[test]
fn search_disabled_builds_no_index_no_search_page_and_no_search_box() {
    // The same edition with search on shows what "off" must take away.
    let on = built(&fixture("base"));
    assert!(on.keys().any(|p| p.starts_with("search/")));
    assert!(on.contains_key("recherche.html"));
    assert!(page(&on, "index.html").contains("role=\"search\""));

    let edition = child_of_base("search:\n  enabled: false\n", &[]);
    let off = built(edition.path());
    let index: Vec<&String> = off.keys().filter(|p| p.starts_with("search/")).collect();
    assert!(index.is_empty(), "search index files: {index:?}");
    assert!(!off.contains_key("recherche.html"), "a search page");
    assert!(on.contains_key("assets/search.js") && on.contains_key("assets/search.css"));
    for unused in ["assets/search.js", "assets/search.css"] {
        assert!(!off.contains_key(unused), "{unused} is copied for nothing");
    }
    for (path, html) in html_pages(&off) {
        for mark in [
            "role=\"search\"",
            "gv_search-input",
            "assets/search.js",
            "assets/search.css",
            "search/meta.js",
            "recherche.html",
        ] {
            assert!(!html.contains(mark), "{path} still has {mark}");
        }
    }
    // Everything else is still there.
    assert_eq!(
        on.keys().filter(|p| p.ends_with(".html")).count(),
        off.keys().filter(|p| p.ends_with(".html")).count() + 1,
        "only the search page is gone"
    );
}

// --- branding.logo ------------------------------------------------------------

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"/>\n";

#[test]
fn the_logo_is_copied_and_shown_on_every_page_from_its_own_depth() {
    let edition = child_of_base(
        "branding:\n  logo: img/logo.svg\n",
        &[("theme/img/logo.svg", LOGO)],
    );
    let files = built(edition.path());
    assert_eq!(page(&files, "assets/img/logo.svg"), LOGO, "copied as it is");
    let pages: Vec<(&String, &String)> = html_pages(&files).collect();
    assert!(pages.len() > 10);
    for (path, html) in pages {
        let root = "../".repeat(path.matches('/').count());
        let img = format!("<img src=\"{root}assets/img/logo.svg\"");
        assert!(html.contains(&img), "{path} shows the logo as {img}");
    }
    // Without the setting, no page has a logo.
    let plain = built(&fixture("base"));
    assert!(!page(&plain, "index.html").contains("class=\"logo\""));
}

#[test]
fn a_logo_that_is_not_in_theme_is_an_error() {
    for logo in ["logo.svg", "../handbook.yaml", "/etc/hostname"] {
        let edition = child_of_base(
            &format!("branding:\n  logo: {logo}\n"),
            &[("images/logo.svg", LOGO)],
        );
        let d = one_error(
            &errors_of(edition.path()),
            &format!("the logo `{logo}` is not in theme/"),
            "handbook.yaml",
        );
        assert!(d.hint.unwrap().contains("theme/"));
    }
}

// --- branding.colors ----------------------------------------------------------

#[test]
fn valid_colours_reach_the_edition_stylesheet() {
    let edition = child_of_base(
        "branding:\n  colors:\n    primary: \"#1F4E79\"\n    accent: \"#c50\"\n",
        &[],
    );
    let css = built(edition.path())["assets/edition.css"].clone();
    assert!(css.contains("--brand-primary: #1F4E79;"), "{css}");
    assert!(css.contains("--brand-accent: #c50;"), "{css}");
    let plain = built(&fixture("base"))["assets/edition.css"].clone();
    assert!(!plain.contains("--brand-"), "{plain}");
}

#[test]
fn a_bad_colour_is_an_error_at_its_line() {
    for (colour, shown) in [
        ("red", "red"),
        ("\"#12345\"", "#12345"),
        ("\"1f4e79\"", "1f4e79"),
        ("\"#ggg\"", "#ggg"),
        // What would break out of the generated stylesheet.
        (
            "\"#fff; } body { display: none\"",
            "#fff; } body { display: none",
        ),
    ] {
        let edition = child_of_base(
            &format!("branding:\n  colors:\n    accent: \"#b4540a\"\n    primary: {colour}\n"),
            &[],
        );
        let d = one_error(
            &errors_of(edition.path()),
            &format!("`{shown}` is not a colour"),
            "handbook.yaml",
        );
        // extends (1), branding (2), colors (3), accent (4), primary (5)
        assert_eq!(line_of(&d), Some(5), "{colour}");
        assert!(d.hint.unwrap().contains("hexadecimal"));
    }
}

#[test]
fn an_unquoted_colour_is_a_comment_and_an_error_not_silently_no_colour() {
    // `#` outside quotes starts a YAML comment: the value is empty.
    let edition = child_of_base("branding:\n  colors:\n    primary: #1f4e79\n", &[]);
    let d = one_error(
        &errors_of(edition.path()),
        "`branding.colors.primary` has no value",
        "handbook.yaml",
    );
    assert_eq!(line_of(&d), Some(4));
    assert!(d.hint.unwrap().contains("quotes"));
}

// --- exclude ------------------------------------------------------------------

#[test]
fn a_bad_exclude_glob_is_an_error_at_its_line() {
    let edition = child_of_base("exclude:\n  - cases/*.md\n  - \"pages/[intro.md\"\n", &[]);
    let d = one_error(
        &errors_of(edition.path()),
        "`exclude` has an invalid pattern `pages/[intro.md`",
        "handbook.yaml",
    );
    assert_eq!(line_of(&d), Some(4), "the pattern's own line");
    assert!(d.hint.unwrap().contains("content/"));
}

#[test]
fn a_good_exclude_glob_hides_the_parent_s_pages() {
    let edition = child_of_base("exclude: [\"cases/*.md\", \"pages/gran*.md\"]\n", &[]);
    let files = built(edition.path());
    assert!(!files.keys().any(|p| p.starts_with("cas/")), "cases hidden");
    assert!(!files.contains_key("pages/grandes.html"));
    page(&files, "pages/introduction.html");
}

// --- org.headcount ------------------------------------------------------------

fn size_of(settings: &str) -> Option<Size> {
    let edition = child_of_base(settings, &[]);
    match Edition::load(edition.path()) {
        Ok(edition) => edition.size,
        Err(d) => panic!(
            "{settings}: {:?}",
            d.iter().map(Diagnostic::short).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn the_headcount_picks_the_size_at_each_boundary() {
    for (headcount, size) in [
        (0, Size::Micro),
        (9, Size::Micro),
        (10, Size::Small),
        (49, Size::Small),
        (50, Size::Medium),
        (249, Size::Medium),
        (250, Size::Eti),
        (4999, Size::Eti),
        (5000, Size::Ge),
        (120_000, Size::Ge),
    ] {
        assert_eq!(
            size_of(&format!("org:\n  headcount: {headcount}\n")),
            Some(size),
            "{headcount} staff"
        );
    }
    assert_eq!(size_of(""), None, "no headcount, no size: every variant");
    assert_eq!(
        size_of("org:\n  size: ge\n  headcount: 12\n"),
        Some(Size::Ge),
        "an explicit size wins over the headcount"
    );
}

#[test]
fn the_headcount_tailors_the_site_and_the_command_line_size_wins() {
    let edition = child_of_base("org:\n  headcount: 12\n  sector: public\n", &[]);
    let small = built(edition.path());
    let playbook = page(&small, "procedures/pilote.html");
    assert!(playbook.contains("Étape-petites-structures"));
    assert!(!playbook.contains("Étape-grandes-structures"));
    assert!(!small.contains_key("pages/grandes.html"), "an eti+ page");
    assert!(page(&small, "index.html").contains("data-size=\"small\""));

    let edition = child_of_base("org:\n  headcount: 300\n  sector: public\n", &[]);
    let large = built(edition.path());
    let playbook = page(&large, "procedures/pilote.html");
    assert!(playbook.contains("Étape-grandes-structures"));
    assert!(!playbook.contains("Étape-petites-structures"));
    page(&large, "pages/grandes.html");

    let (_, micro) = build_in_memory(
        edition.path(),
        &options(Some(Size::Micro), Some(Sector::Public)),
    )
    .unwrap();
    assert!(page(&micro, "index.html").contains("data-size=\"micro\""));
    assert!(!micro.contains_key("pages/grandes.html"));
}

// --- labels -------------------------------------------------------------------

#[test]
fn labels_overrides_replace_the_built_in_words_everywhere() {
    let fr = Labels::new(Language::Fr, &BTreeMap::new());
    let edition = child_of_base(
        "labels:\n  kinds_playbook: Modes opératoires\n  skip_to_content: Sauter la navigation\n  search_no_results: Rien trouvé ici.\n",
        &[],
    );
    let files = built(edition.path());
    for (path, html) in html_pages(&files) {
        assert!(html.contains("Sauter la navigation"), "{path}");
        assert!(!html.contains(fr.get("skip_to_content")), "{path}");
    }
    let nav = page(&files, "index.html");
    assert!(nav.contains("Modes opératoires"));
    assert!(page(&files, "procedures/index.html").contains("<h1>Modes opératoires"));
    // The search script's words come from the same labels.
    let meta = page(&files, "search/meta.js");
    assert!(meta.contains("Rien trouvé ici."), "{meta}");
    assert!(page(&files, "search/facets.js").contains("Modes opératoires"));
    // The labels not overridden keep the language's.
    assert!(nav.contains(fr.get("kinds_charter")));
}

#[test]
fn a_child_s_labels_merge_with_its_parent_s_key_by_key() {
    let parent = child_of_base(
        "labels:\n  home: Accueil parent\n  menu: Menu parent\n",
        &[],
    );
    let child = tempfile::tempdir().unwrap();
    std::fs::write(
        child.path().join("handbook.yaml"),
        format!(
            "extends: {}\nlabels:\n  menu: Menu enfant\n",
            parent.path().display()
        ),
    )
    .unwrap();
    let home = built(child.path())["index.html"].clone();
    assert!(home.contains("Accueil parent"), "the parent's label stays");
    assert!(home.contains("Menu enfant") && !home.contains("Menu parent"));
}

// --- data/*.yml ---------------------------------------------------------------

const USES_DATA: &str = "---\ntitle: Données\nsummary: Valeurs.\n---\nLoi : {{ data.regles.ai_act.nom }} ; contact : {{ data.equipe.contact }}.\n";

#[test]
fn yml_data_files_are_read_like_yaml_ones() {
    let edition = child_of_base(
        "",
        &[
            ("data/equipe.yml", "contact: Service juridique\n"),
            ("content/pages/donnees.md", USES_DATA),
        ],
    );
    let files = built(edition.path());
    let html = page(&files, "pages/donnees.html");
    assert!(
        html.contains("Loi : AI Act"),
        "from data/regles.yaml: {html}"
    );
    assert!(
        html.contains("contact : Service juridique"),
        "from data/equipe.yml: {html}"
    );
}

#[test]
fn a_broken_yml_data_file_is_reported() {
    let edition = child_of_base("", &[("data/equipe.yml", "contact: [unclosed\n")]);
    let diagnostics = errors_of(edition.path());
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.file().is_some_and(|f| f.ends_with("data/equipe.yml"))),
        "{:#?}",
        diagnostics
            .iter()
            .map(Diagnostic::short)
            .collect::<Vec<_>>()
    );
}

/// A parent edition whose data file is `regles.<parent_ext>`, and a child that
/// overrides it as `regles.<child_ext>`.
fn data_override(parent_ext: &str, child_ext: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let parent = tempfile::tempdir().unwrap();
    std::fs::write(parent.path().join("handbook.yaml"), "title: Parent\n").unwrap();
    for (path, text) in [
        (format!("data/regles.{parent_ext}"), "nom: du parent\n"),
        (
            "content/pages/loi.md".to_string(),
            "---\ntitle: Loi\nsummary: La loi.\n---\nLoi {{ data.regles.nom }}.\n",
        ),
    ] {
        let full = parent.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let child = tempfile::tempdir().unwrap();
    std::fs::write(
        child.path().join("handbook.yaml"),
        format!("extends: {}\n", parent.path().display()),
    )
    .unwrap();
    std::fs::create_dir_all(child.path().join("data")).unwrap();
    std::fs::write(
        child.path().join(format!("data/regles.{child_ext}")),
        "nom: de l'enfant\n",
    )
    .unwrap();
    (parent, child)
}

#[test]
fn a_child_s_data_file_overrides_the_parent_s_whatever_their_extensions() {
    for (parent_ext, child_ext) in [
        ("yaml", "yaml"),
        ("yml", "yml"),
        ("yaml", "yml"),
        ("yml", "yaml"),
    ] {
        let (_parent, child) = data_override(parent_ext, child_ext);
        let files = built(child.path());
        let html = page(&files, "pages/loi.html");
        assert!(
            html.contains("Loi de l'enfant."),
            "parent regles.{parent_ext}, child regles.{child_ext}: {html}"
        );
    }
}

#[test]
fn two_data_files_of_one_name_in_one_edition_are_an_error() {
    let edition = child_of_base(
        "",
        &[
            ("data/equipe.yaml", "contact: A\n"),
            ("data/equipe.yml", "contact: B\n"),
        ],
    );
    let d = one_error(
        &errors_of(edition.path()),
        "two data files define `data.equipe`",
        "data/equipe.yml",
    );
    assert!(d.message.contains("equipe.yaml"), "{}", d.message);
}
