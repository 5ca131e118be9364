//! What content may put in a page (docs/security.md, « Raw HTML »): the raw-HTML
//! policy on bodies and on the fields shown as Markdown, values filled as text,
//! heading attributes, unsafe URL schemes, the meta CSP, the templates' own ids,
//! and links to files: checked, copied, kept inside the site.

mod common;

use std::collections::BTreeMap;

use common::{build_in_memory, child_of_base, options};
use gouvernail::diagnostics::Diagnostic;

/// Every vector of the issue, in a body.
const HOSTILE_BODY: &str = r#"Avant.

<script>alert("body-script")</script>

<img src="x" onerror="alert('img-onerror')">

<iframe src="https://example.org/"></iframe>

<style>body { display: none }</style>

<p style="color: red">Rouge</p>

<base href="https://example.org/">

<meta http-equiv="refresh" content="0; url=https://example.org/">

<form action="https://example.org/"><button>Envoyer</button></form>

<object data="https://example.org/x.swf"></object>

[lien-js](javascript:alert('link-js')) [lien-js-casse](JaVaScRiPt:alert(1))
[lien-entite](&#106;avascript:alert(2)) [lien-vb](vbscript:msgbox(1))
![image-data](data:image/svg+xml,<svg/onload=alert(3)>)
<javascript:alert(4)>

## Titre piégé {tabindex=0 autofocus onfocus="alert('heading')"}

<details><summary>Plus</summary>

Le détail, avec <abbr title="intelligence artificielle">IA</abbr>, H<sub>2</sub>O, <kbd>Ctrl</kbd> et <mark>ceci</mark>.

</details>
"#;

fn page(front_matter: &str, body: &str) -> String {
    format!("---\ntitle: Page piégée\nsummary: Pour les tests.\n{front_matter}---\n{body}")
}

fn myth(claim: &str, fact: &str) -> String {
    format!(
        "---\ntitle: Mythe piégé\nsummary: Pour les tests.\nclaim: \"{claim}\"\nverdict: false\nfact: \"{fact}\"\n---\nCorps.\n"
    )
}

fn built(settings: &str, files: &[(&str, &str)]) -> (BTreeMap<String, String>, Vec<Diagnostic>) {
    let ed = child_of_base(settings, files);
    match build_in_memory(ed.path(), &options(None, None)) {
        Ok((summary, files)) => (files, summary.warnings),
        Err(found) => panic!(
            "the build failed: {:#?}",
            found.iter().map(Diagnostic::short).collect::<Vec<_>>()
        ),
    }
}

fn failed(settings: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let ed = child_of_base(settings, files);
    match build_in_memory(ed.path(), &options(None, None)) {
        Ok(_) => panic!("the build succeeded"),
        Err(found) => found,
    }
}

fn shorts(found: &[Diagnostic]) -> Vec<String> {
    found.iter().map(Diagnostic::short).collect()
}

/// The page's `<main>`, where content goes (the templates' own scripts are outside).
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a main");
    let end = html.find("</main>").expect("a main's end");
    &html[start..end]
}

#[test]
fn sanitise_is_the_default_and_keeps_only_what_handbooks_need() {
    let (files, warnings) = built("", &[("content/pages/piege.md", &page("", HOSTILE_BODY))]);
    let main = main_of(&files["pages/piege.html"]);
    for gone in [
        "<script",
        "onerror",
        "<iframe",
        "<style",
        "style=",
        "<base",
        "<meta",
        "<form",
        "<object",
        "href=\"javascript:",
        "href=\"JaVaScRiPt",
        "href=\"vbscript:",
        "src=\"data:",
        "onfocus",
        "autofocus",
        "tabindex=\"0\"",
    ] {
        assert!(!main.contains(gone), "{gone} is gone from {main}");
    }
    for kept in [
        "<details><summary>Plus</summary>",
        "<abbr title=\"intelligence artificielle\">IA</abbr>",
        "<sub>2</sub>",
        "<kbd>Ctrl</kbd>",
        "<mark>ceci</mark>",
        "<p>Rouge</p>",
        "lien-js",
        "image-data",
        "<h2 id=\"titre-piege\">Titre piégé</h2>",
    ] {
        assert!(main.contains(kept), "{kept} is kept in {main}");
    }
    let warned: Vec<String> = shorts(&warnings);
    for element in [
        "script", "iframe", "style", "base", "meta", "form", "object",
    ] {
        assert!(
            warned
                .iter()
                .any(|w| w.contains(&format!("`<{element}>` is not allowed"))
                    && w.contains("content/pages/piege.md:")),
            "a warning names <{element}> with its file and line: {warned:#?}"
        );
    }
    assert!(
        warned
            .iter()
            .any(|w| w.contains("piege.md:25:") && w.contains("`javascript:`")),
        "the javascript: link is reported at its line: {warned:#?}"
    );
    assert!(
        warned
            .iter()
            .any(|w| w.contains("piege.md:30:") && w.contains("tabindex")),
        "the heading's attributes are reported at its line: {warned:#?}"
    );
}

#[test]
fn deny_makes_any_raw_html_an_error_at_its_line() {
    let found = failed(
        "raw_html: deny\n",
        &[(
            "content/pages/piege.md",
            &page(
                "",
                "Texte.\n\n<!-- une note -->\n\nUn <b>gras</b>.\n\n<div>bloc</div>\n",
            ),
        )],
    );
    let errors: Vec<String> = shorts(&found)
        .into_iter()
        .filter(|s| s.contains("raw HTML is not allowed"))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].contains("piege.md:9:") && errors[0].contains("<b>"),
        "{errors:#?}"
    );
    assert!(
        errors[2].contains("piege.md:11:") && errors[2].contains("<div>"),
        "{errors:#?}"
    );
    assert!(found.iter().all(|d| d.hint.is_some()));
}

#[test]
fn allow_keeps_raw_html_warns_at_each_build_and_drops_the_meta_csp() {
    let (files, warnings) = built(
        "raw_html: allow\n",
        &[(
            "content/pages/piege.md",
            &page("", "<script>alert(1)</script>\n"),
        )],
    );
    let html = &files["pages/piege.html"];
    assert!(html.contains("<script>alert(1)</script>"));
    assert!(!html.contains("Content-Security-Policy"));
    assert!(
        shorts(&warnings)
            .iter()
            .any(|w| w.contains("raw_html: allow") && w.contains("handbook.yaml")),
        "{warnings:#?}"
    );
}

#[test]
fn every_page_states_the_policy_in_a_meta_tag() {
    let (files, _) = built("", &[]);
    let pages: Vec<&String> = files.keys().filter(|p| p.ends_with(".html")).collect();
    assert!(pages.len() > 10);
    for path in pages {
        let html = &files[path];
        let head = &html[..html.find("</head>").expect("a head")];
        let meta = head
            .find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;;")
            .unwrap_or_else(|| panic!("{path} states its policy"));
        assert!(
            head.find("<script").is_none_or(|script| script > meta),
            "{path}: the policy comes before any script"
        );
    }
}

#[test]
fn fields_shown_as_markdown_follow_the_same_policy_and_link_like_bodies() {
    let (files, warnings) = built(
        "",
        &[(
            "content/myths/piege.md",
            &myth(
                "<img src=x onerror=alert(1)> voir [la charte](@charte)",
                "Faux <script>alert(2)</script>, voir [le pilote](@pilote#step-cadrer) et [x](javascript:alert(3))",
            ),
        )],
    );
    let main = main_of(&files["idees-recues/piege.html"]);
    assert!(
        !main.contains("onerror") && !main.contains("<script") && !main.contains("javascript:"),
        "{main}"
    );
    assert!(
        main.contains("<a href=\"../chartes/charte.html\">la charte</a>"),
        "{main}"
    );
    assert!(
        main.contains("<a href=\"../procedures/pilote.html#step-cadrer\">le pilote</a>"),
        "{main}"
    );
    // The card on the home page, at the root, links from there.
    let home = main_of(&files["index.html"]);
    assert!(
        home.contains("<a href=\"chartes/charte.html\">la charte</a>"),
        "{home}"
    );
    assert!(
        shorts(&warnings)
            .iter()
            .any(|w| w.contains("content/myths/piege.md:6:") && w.contains("`<script>`")),
        "{warnings:#?}"
    );
}

#[test]
fn a_broken_link_in_a_field_is_an_error_at_its_line() {
    let found = failed(
        "",
        &[
            (
                "content/myths/piege.md",
                &myth("Voir [rien](@absente).", "Non."),
            ),
            (
                "content/myths/ancre.md",
                &myth("Oui.", "Voir [l'ancre](@pilote#nulle-part)."),
            ),
        ],
    );
    let all = shorts(&found);
    assert!(
        all.iter()
            .any(|s| s.contains("piege.md:4:") && s.contains("`absente`")),
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|s| s.contains("ancre.md:6:") && s.contains("no anchor `#nulle-part`")),
        "{all:#?}"
    );
}

#[test]
fn values_from_the_edition_and_data_are_text() {
    let (files, _) = built(
        "org:\n  name: \"<img src=x onerror=alert(1)> R&D *Labo*\"\nlabels:\n  only_for: \"<img src=y onerror=alert(2)>\"\n",
        &[
            (
                "content/pages/valeurs.md",
                &page(
                    "",
                    "Nous sommes {{ org.name }}.\n\nDonnée : {{ data.piege.valeur }}.\n\n::: sizes micro\nPour les TPE.\n:::\n",
                ),
            ),
            ("data/piege.yaml", "valeur: \"<script>alert(3)</script>[x](javascript:alert(4))\"\n"),
            (
                "content/myths/valeurs-mythe.md",
                &myth("{{ org.name }} est trop petite", "Non."),
            ),
        ],
    );
    for (path, text) in [
        (
            "pages/valeurs.html",
            "Nous sommes &lt;img src=x onerror=alert(1)&gt; R&amp;D *Labo*.",
        ),
        (
            "idees-recues/valeurs-mythe.html",
            "&lt;img src=x onerror=alert(1)&gt; R&amp;D *Labo* est trop petite",
        ),
    ] {
        let main = main_of(&files[path]);
        assert!(main.contains(text), "{path}: {main}");
        assert!(!main.contains("<img"), "{path}: {main}");
    }
    let main = main_of(&files["pages/valeurs.html"]);
    assert!(
        main.contains("Donnée : &lt;script&gt;alert(3)&lt;/script&gt;[x](javascript:alert(4))."),
        "{main}"
    );
    assert!(
        main.contains("&lt;img src=y onerror=alert(2)&gt;"),
        "the label is text: {main}"
    );
    assert!(
        !main.contains("<script") && !main.contains("href=\"javascript"),
        "{main}"
    );
}

#[test]
fn template_ids_cannot_collide_with_headings() {
    let (files, _) = built(
        "",
        &[(
            "content/pages/titres.md",
            &page(
                "",
                "## Main\n\nA.\n\n## Steps\n\nB.\n\n## RACI\n\nC.\n\n## Step cadrer\n\nD.\n",
            ),
        )],
    );
    let html = &files["pages/titres.html"];
    for id in ["main", "steps", "raci", "step-cadrer"] {
        assert_eq!(
            html.matches(&format!("id=\"{id}\"")).count(),
            1,
            "the heading keeps `{id}`, and only it"
        );
        assert!(html.contains(&format!("<h2 id=\"{id}\">")), "{id}");
    }
    assert!(html.contains("<main id=\"gv_main\""));
    // On a playbook, a heading that would take a step's anchor gets the next one.
    let (files, _) = built(
        "",
        &[(
            "content/playbooks/pilote.md",
            &std::fs::read_to_string(common::fixture("base/content/playbooks/pilote.md"))
                .unwrap()
                .replace("## Sécurité des données", "## Step cadrer"),
        )],
    );
    let html = &files["procedures/pilote.html"];
    assert_eq!(html.matches("id=\"step-cadrer\"").count(), 1);
    assert!(html.contains("<h2 id=\"step-cadrer-1\">"));
    // The search index records the anchor the heading got, which its text no
    // longer gives.
    let heads: String = files
        .iter()
        .filter(|(path, _)| path.starts_with("search/h"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(
        heads.contains("\"step-cadrer-1\",\"Step cadrer\""),
        "{heads}"
    );
}

#[test]
fn an_explicit_heading_id_cannot_take_the_templates_prefix() {
    let found = failed(
        "",
        &[(
            "content/pages/titres.md",
            &page("", "## Titre {#gv_main}\n"),
        )],
    );
    assert!(
        shorts(&found)
            .iter()
            .any(|s| s.contains("titres.md:5:") && s.contains("`gv_main`")),
        "{:#?}",
        shorts(&found)
    );
}

#[test]
fn files_beside_pages_are_copied_and_their_links_checked() {
    let ed = child_of_base(
        "",
        &[
            (
                "content/pages/organisation.md",
                &page(
                    "",
                    "![Organigramme](images/organigramme.png)\n\n[Le formulaire](../formulaire%20rh.pdf?v=2#page=3)\n",
                ),
            ),
            ("content/pages/images/organigramme.png", "PNG"),
            ("content/formulaire rh.pdf", "PDF"),
        ],
    );
    let (_, files) = build_in_memory(ed.path(), &options(None, None)).expect("builds");
    let html = main_of(&files["pages/organisation.html"]);
    assert!(
        html.contains("<img src=\"../media/pages/images/organigramme.png\" alt=\"Organigramme\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"../media/formulaire%20rh.pdf?v=2#page=3\""),
        "{html}"
    );
    assert_eq!(files["media/pages/images/organigramme.png"], "PNG");
    assert_eq!(files["media/formulaire rh.pdf"], "PDF");
}

#[test]
fn a_client_edition_replaces_an_image_of_its_base() {
    let base = tempfile::tempdir().unwrap();
    std::fs::write(base.path().join("handbook.yaml"), "title: Base\n").unwrap();
    std::fs::create_dir_all(base.path().join("content/pages")).unwrap();
    std::fs::write(
        base.path().join("content/pages/a.md"),
        page("", "![Logo](logo.svg)\n"),
    )
    .unwrap();
    std::fs::write(base.path().join("content/pages/logo.svg"), "base").unwrap();
    let client = tempfile::tempdir().unwrap();
    std::fs::write(
        client.path().join("handbook.yaml"),
        format!("extends: {}\n", base.path().display()),
    )
    .unwrap();
    std::fs::create_dir_all(client.path().join("content/pages")).unwrap();
    std::fs::write(client.path().join("content/pages/logo.svg"), "client").unwrap();
    let (_, files) = build_in_memory(client.path(), &options(None, None)).expect("builds");
    assert_eq!(files["media/pages/logo.svg"], "client");
}

#[test]
fn broken_escaping_and_root_absolute_file_links_are_errors_at_their_line() {
    let found = failed(
        "",
        &[(
            "content/pages/liens.md",
            &page(
                "",
                "![absente](../img/absent.png)\n\n[secret](../../../../etc/passwd)\n\n[racine](/index.html)\n",
            ),
        )],
    );
    let all = shorts(&found);
    for (line, needle) in [
        (5, "points to content/img/absent.png, which does not exist"),
        (7, "leaves the content folder"),
        (9, "starts with `/`"),
    ] {
        assert!(
            all.iter()
                .any(|s| s.contains(&format!("liens.md:{line}:")) && s.contains(needle)),
            "line {line}: {needle}: {all:#?}"
        );
    }
}

#[test]
fn base_url_must_be_a_web_address() {
    for bad in [
        "javascript:alert(1)",
        "intranet/guide",
        "https://",
        "file:///srv/guide",
    ] {
        let found = failed(&format!("base_url: \"{bad}\"\n"), &[]);
        assert!(
            shorts(&found)
                .iter()
                .any(|s| s.contains("handbook.yaml:") && s.contains("`base_url`")),
            "{bad}: {:#?}",
            shorts(&found)
        );
    }
    let (files, _) = built("base_url: https://intranet.example.org/guide/\n", &[]);
    assert!(files["404.html"].contains("https://intranet.example.org/guide/"));
}

#[test]
fn aligned_table_cells_use_classes_not_style() {
    let (files, _) = built(
        "",
        &[(
            "content/pages/table.md",
            &page("", "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n"),
        )],
    );
    let main = main_of(&files["pages/table.html"]);
    assert!(!main.contains("style="), "{main}");
    for class in ["align-left", "align-center", "align-right"] {
        assert!(
            main.contains(&format!("class=\"{class}\"")),
            "{class}: {main}"
        );
    }
}
