//! Builds of the valid fixtures (tests/fixtures/base and child): each kind renders,
//! tailoring keeps what applies, links are rewritten and values filled.

mod common;

use std::collections::BTreeMap;

use common::{build_in_memory, child_of_base, fixture, options};
use gouvernail::model::{Sector, Size};

fn base(size: Option<Size>, sector: Option<Sector>) -> BTreeMap<String, String> {
    match build_in_memory(&fixture("base"), &options(size, sector)) {
        Ok((_, files)) => files,
        Err(d) => panic!(
            "the base fixture must build: {:#?}",
            d.iter().map(|d| d.short()).collect::<Vec<_>>()
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

#[test]
fn every_kind_renders_its_own_fields() {
    let files = base(None, None);
    let playbook = page(&files, "procedures/pilote.html");
    assert!(playbook.contains("id=\"step-cadrer\""), "step anchor");
    // A tick is saved under its action's id: the slug of its text, or its `id:`.
    assert!(
        playbook.contains("data-check=\"pilote/cadrer/fixer-les-indicateurs\""),
        "checklist item keyed by the slug of its text"
    );
    assert!(
        playbook.contains("data-check=\"pilote/cadrer/fiche\""),
        "checklist item keyed by its `id:`"
    );
    assert!(
        playbook.contains("Écrire la <em>fiche</em>"),
        "inline Markdown in actions"
    );
    let charter = page(&files, "chartes/charte.html");
    assert!(
        charter.contains("rule-forbidden") && charter.contains("Interdit"),
        "clause with its rule label"
    );
    assert!(charter.contains("id=\"clause-donnees\""));
    let role = page(&files, "roles/referent-ia.html");
    assert!(
        role.contains("CAIO") && role.contains("Le dirigeant") && role.contains("2 jours par mois"),
        "by_size table"
    );
    let myth = page(&files, "idees-recues/mythe-grands-groupes.html");
    assert!(
        myth.contains("verdict-false") && myth.contains("Faux"),
        "bare `false` reads as the verdict"
    );
    let comms = page(&files, "communication/annonce.html");
    assert!(comms.contains("<svg") && comms.contains("J-30"), "timeline");
    assert!(comms.contains("médias"), "free audience label");
    let case = page(&files, "cas/cas-quebec.html");
    assert!(
        case.contains("Pression médiatique") && case.contains("ETI (250"),
        "case fields and size label"
    );
    let assessment = page(&files, "autodiagnostic/diagnostic.html");
    assert!(assessment.contains("data-max=\"2\"") && assessment.contains("name=\"donnees\""));
    let intro = page(&files, "pages/introduction.html");
    assert!(
        intro.contains("Bienvenue chez Société Exemple."),
        "a BOM + CRLF file builds"
    );
    assert!(intro.contains("id=\"par-ou-commencer\""));
}

#[test]
fn generated_pages_exist() {
    let files = base(None, None);
    for path in [
        "index.html",
        "procedures/index.html",
        "raci.html",
        "impression.html",
        "404.html",
        "etiquettes/index.html",
        "etiquettes/mesure-des-effets.html",
        "assets/style.css",
        "assets/highlight.css",
        "assets/edition.css",
        "chartes/charte.md",
    ] {
        assert!(files.contains_key(path), "{path} missing");
    }
}

#[test]
fn role_cards_list_their_involvement_and_the_matrix_has_every_cell() {
    let files = base(None, None);
    let role = page(&files, "roles/direction.html");
    // Direction is accountable for three steps and responsible for one.
    assert!(
        role.contains("href=\"../procedures/pilote.html#step-comite\""),
        "{role}"
    );
    assert!(role.contains("<td>R A</td>"), "letters of the comite step");
    let raci = page(&files, "raci.html");
    assert!(
        raci.contains("<td>R A</td>") && raci.contains("<td>R C</td>"),
        "{raci}"
    );
}

#[test]
fn the_print_book_renames_each_body_s_ids_and_keeps_its_links_in_the_book() {
    let files = base(None, None);
    let book = page(&files, "impression.html");
    // Ids: a body's are prefixed by its page's article, the article's own kept.
    for id in [
        "page-pilote",
        "page-pilote_securite-des-donnees",
        "page-referent-ia_mission-detaillee",
        "page-introduction_par-ou-commencer",
    ] {
        assert_eq!(
            book.matches(&format!(" id=\"{id}\"")).count(),
            1,
            "one id {id}"
        );
    }
    assert!(!book.contains(" id=\"securite-des-donnees\""), "{book}");
    // Links: to a page of the book and to one of its headings, they jump within
    // the book; to a step, which only the playbook's own page shows, to that page.
    assert!(book.contains("href=\"#page-charte\""), "link by path");
    assert!(
        book.contains("href=\"#page-referent-ia_mission-detaillee\""),
        "link to another page's heading"
    );
    assert!(
        book.contains("href=\"procedures/pilote.html#step-cadrer\""),
        "link to a step"
    );
    assert!(
        book.contains("href=\"https://example.org/x.md\""),
        "external link untouched"
    );
    assert!(!book.contains("=\"../"), "no link climbs out of the root");
}

#[test]
fn links_are_rewritten_relative_and_external_ones_kept() {
    let files = base(None, None);
    let playbook = page(&files, "procedures/pilote.html");
    assert!(
        playbook.contains("href=\"../chartes/charte.html\""),
        "link by path"
    );
    assert!(
        playbook.contains("href=\"../roles/referent-ia.html#mission-detaillee\""),
        "link by id with an accent-folded anchor"
    );
    assert!(playbook.contains("href=\"#step-cadrer\""), "in-page anchor");
    assert!(
        playbook.contains("href=\"https://example.org/x.md\""),
        "external link untouched"
    );
    assert_eq!(
        playbook.matches(".md\"").count(),
        1,
        "no .md link left but the external one"
    );
}

#[test]
fn values_are_filled_outside_code() {
    let files = base(None, None);
    let playbook = page(&files, "procedures/pilote.html");
    assert!(playbook.contains("Contact : Jeanne Martin, loi : AI Act."));
    assert!(
        playbook.contains("<code>{{ pas.une.valeur }}</code>"),
        "code span untouched"
    );
    assert!(
        playbook.contains("{{ org.inconnu }}"),
        "code block untouched"
    );
    assert!(
        playbook.contains("Attention Société Exemple"),
        "admonition title filled"
    );
    let charter = page(&files, "chartes/charte.html");
    assert!(
        charter.contains("Outils : l&#39;assistant de la DSI.")
            || charter.contains("Outils : l'assistant de la DSI."),
        "edition value"
    );
    assert!(
        charter.contains("<span class=\"blank\" data-var=\"date_adoption\">Date d'adoption</span>"),
        "unfilled blank as a field: {charter}"
    );
    let download = page(&files, "chartes/charte.md");
    assert!(download.starts_with("# Charte d'utilisation"));
    assert!(
        download.contains("Adoptée le [Date d'adoption] par Société Exemple."),
        "{download}"
    );
}

#[test]
fn generic_edition_keeps_and_marks_every_variant() {
    let files = base(None, None);
    let playbook = page(&files, "procedures/pilote.html");
    assert!(
        playbook.contains("Étape-grandes-structures")
            && playbook.contains("Étape-petites-structures")
    );
    assert!(playbook.contains("data-sizes=\"eti ge\""), "step marked");
    assert!(
        playbook.contains("<div class=\"variant\" data-sectors=\"public\">"),
        "block marked"
    );
    let role = page(&files, "roles/referent-ia.html");
    assert!(role.contains("<div class=\"variant\" data-sizes=\"micro small\">"));
    assert!(
        role.contains("Passage-petites-structures") && role.contains("Passage-grandes-structures")
    );
    let charter = page(&files, "chartes/charte.html");
    assert!(charter.contains("Clause-publique"));
}

#[test]
fn sized_edition_gets_only_what_applies() {
    let micro = base(Some(Size::Micro), Some(Sector::Private));
    let playbook = page(&micro, "procedures/pilote.html");
    assert!(playbook.contains("Étape-petites-structures"));
    assert!(
        !playbook.contains("Étape-grandes-structures"),
        "eti+ step dropped"
    );
    assert!(
        !playbook.contains("Passage-secteur-public"),
        "public block dropped"
    );
    assert!(!playbook.contains("data-sizes"), "nothing left to switch");
    let role = page(&micro, "roles/referent-ia.html");
    assert!(
        role.contains("Passage-petites-structures") && !role.contains("Passage-grandes-structures")
    );
    assert!(!page(&micro, "chartes/charte.html").contains("Clause-publique"));
    assert!(
        !micro.contains_key("pages/grandes.html"),
        "an eti+ / public page is not in a micro / private edition"
    );

    let ge = base(Some(Size::Ge), Some(Sector::Public));
    let playbook = page(&ge, "procedures/pilote.html");
    assert!(
        playbook.contains("Étape-grandes-structures")
            && !playbook.contains("Étape-petites-structures")
    );
    assert!(playbook.contains("Passage-secteur-public"));
    assert!(page(&ge, "chartes/charte.html").contains("Clause-publique"));
    assert!(ge.contains_key("pages/grandes.html"));
    let generic = base(None, None);
    assert!(page(&generic, "pages/grandes.html")
        .contains("data-sizes=\"eti ge\" data-sectors=\"public\""));
}

#[test]
fn child_edition_overrides_hides_and_extends_templates() {
    let (summary, files) =
        build_in_memory(&fixture("child"), &options(None, None)).expect("child builds");
    let myth = page(&files, "idees-recues/mythe-grands-groupes.html");
    assert!(
        myth.contains("<title>Client — Remplacé par l&#39;édition enfant</title>"),
        "child template block: {myth}"
    );
    assert!(myth.contains("Texte du client."), "child page wins");
    assert!(
        !files.contains_key("cas/cas-quebec.html"),
        "excluded by the child"
    );
    assert!(page(&files, "index.html").contains("Client Alpha"));
    // The child is tailored to micro/private by its own handbook.yaml.
    assert!(!page(&files, "procedures/pilote.html").contains("Étape-grandes-structures"));
    assert!(summary.pages >= 8);
}

#[test]
fn an_override_of_a_shared_frame_piece_shows_on_every_page_with_its_own_marks() {
    let (_, files) =
        build_in_memory(&fixture("child"), &options(None, None)).expect("child builds");
    let pages: Vec<&String> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(_, html)| html)
        .collect();
    assert!(pages.len() > 10);
    assert!(pages.iter().all(|html| html.contains("client-nav")));
    // The pieces are rendered once per place in the site, and each page gets its own:
    // the index of a kind is the current entry, a page of that kind is in its section.
    let index = page(&files, "procedures/index.html");
    assert!(index.contains(r#"<a href="../procedures/index.html" aria-current="page">"#));
    let playbook = page(&files, "procedures/pilote.html");
    assert!(playbook.contains(r#"<a href="../procedures/index.html" class="current">"#));
    assert!(!playbook.contains(r#"index.html" aria-current="page">"#));
    let home = page(&files, "index.html");
    assert!(home.contains(r#"<a href="procedures/index.html">"#));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let tmp = child_of_base(
        "",
        &[(
            "content/pages/brouillon.md",
            "---\ntitle: Brouillon\nsummary: Pas prêt.\ndraft: true\n---\n",
        )],
    );
    let edition = tmp.path();
    let (_, files) = build_in_memory(edition, &options(None, None)).unwrap();
    assert!(!files.contains_key("pages/brouillon.html"));
    let mut with_drafts = options(None, None);
    with_drafts.drafts = true;
    let (_, files) = build_in_memory(edition, &with_drafts).unwrap();
    assert!(files.contains_key("pages/brouillon.html"));
}

#[test]
fn overdue_review_is_a_warning_not_an_error() {
    let tmp = child_of_base(
        "",
        &[("content/pages/vieille.md", "---\ntitle: Vieille\nsummary: À revoir.\nreviewed: 2020-01-15\nreview_every: 12\n---\n")],
    );
    let edition = tmp.path();
    let (summary, files) =
        build_in_memory(edition, &options(None, None)).expect("a warning does not fail the build");
    assert_eq!(summary.warnings.len(), 1);
    assert!(summary.warnings[0].message.contains("due on 2021-01-15"));
    assert!(page(&files, "pages/vieille.html").contains("review-overdue"));
}

#[test]
fn the_404_page_links_from_the_base_url_when_there_is_one() {
    let relative = base(None, None);
    assert!(page(&relative, "404.html").contains("href=\"index.html\""));
    let tmp = child_of_base("base_url: https://intranet.example/guide\n", &[]);
    let edition = tmp.path();
    let (_, files) = build_in_memory(edition, &options(None, None)).unwrap();
    let not_found = page(&files, "404.html");
    assert!(
        not_found.contains("href=\"https://intranet.example/guide/index.html\""),
        "{not_found}"
    );
    assert!(
        page(&files, "procedures/pilote.html").contains("href=\"../index.html\""),
        "other pages stay relative"
    );
}

#[test]
fn the_code_colours_load_only_where_there_is_highlighted_code() {
    let files = base(None, None);
    let playbook = page(&files, "procedures/pilote.html");
    assert!(
        playbook.contains("<pre class=\"code hl\""),
        "the fixture has code"
    );
    assert!(playbook.contains("assets/highlight.css"));
    for path in ["index.html", "chartes/charte.html", "raci.html"] {
        assert!(
            !page(&files, path).contains("assets/highlight.css"),
            "{path} has no code"
        );
    }
}

#[test]
fn the_edition_knows_where_each_file_comes_from_and_what_it_shadows() {
    let intro = "---\ntitle: Intro du client\nsummary: Remplace celle de la base.\n---\nTexte.\n";
    let tmp = child_of_base(
        "",
        &[
            ("content/pages/introduction.md", intro),
            ("templates/footer.html", "<footer>client</footer>\n"),
        ],
    );
    let edition = gouvernail::edition::Edition::load(tmp.path()).unwrap();
    let ours = edition.origin("content", "pages/introduction.md").unwrap();
    assert_eq!(ours.layer, 1);
    assert_eq!(ours.path, tmp.path().join("content/pages/introduction.md"));
    let base_intro = fixture("base")
        .canonicalize()
        .unwrap()
        .join("content/pages/introduction.md");
    assert_eq!(ours.shadows, [base_intro]);
    let inherited = edition.origin("content", "pages/grandes.md").unwrap();
    assert_eq!((inherited.layer, inherited.shadows.len()), (0, 0));
    let footer = edition.origin("templates", "footer.html").unwrap();
    assert_eq!(footer.layer, 1);
    assert!(edition.origin("content", "pages/absente.md").is_none());
}

#[test]
fn tags_spelt_two_ways_with_one_file_name_are_one_tag_page_listing_both_pages() {
    let source = |title: &str, tag: &str| {
        format!("---\ntitle: {title}\nsummary: Pour les tests.\ntags: [\"{tag}\"]\n---\nTexte.\n")
    };
    let tmp = child_of_base(
        "",
        &[
            (
                "content/pages/droit.md",
                &source("Apostrophe droite", "cas d'usage"),
            ),
            (
                "content/pages/courbe.md",
                &source("Apostrophe courbe", "cas d’usage"),
            ),
        ],
    );
    let (_, files) = build_in_memory(tmp.path(), &options(None, None)).expect("builds");
    let tag = page(&files, "etiquettes/cas-d-usage.html");
    assert!(
        tag.contains("Apostrophe droite") && tag.contains("Apostrophe courbe"),
        "{tag}"
    );
    let index = page(&files, "etiquettes/index.html");
    assert_eq!(index.matches("cas-d-usage.html").count(), 1, "{index}");
}

#[test]
fn long_lists_go_on_to_further_pages_that_link_each_other_and_list_every_page_once() {
    let source = |n: usize| {
        format!("---\ntitle: Page {n}\nsummary: Pour les tests.\ntags: [liste]\n---\nTexte.\n")
    };
    let added: Vec<(String, String)> = (1..=3)
        .map(|n| (format!("content/pages/p{n}.md"), source(n)))
        .collect();
    let files_to_write: Vec<(&str, &str)> = added
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let tmp = child_of_base("lists:\n  per_page: 2\n", &files_to_write);
    let (_, files) = build_in_memory(tmp.path(), &options(None, None)).expect("builds");
    let all_pages: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("pages/") && !p.starts_with("pages/index"))
        .collect();
    assert_eq!(all_pages.len(), 5, "{all_pages:?}");

    let lists = [
        "pages/index.html",
        "pages/index/2.html",
        "pages/index/3.html",
    ];
    assert!(!files.contains_key("pages/index/4.html"));
    let mut listed = Vec::new();
    for (n, path) in lists.iter().enumerate() {
        let html = page(&files, path);
        let root = "../".repeat(path.matches('/').count());
        let cards: Vec<&str> = html
            .split("<a class=\"card-title\" href=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        assert!(!cards.is_empty() && cards.len() <= 2, "{path}: {cards:?}");
        listed.extend(
            cards
                .iter()
                .map(|href| href.strip_prefix(root.as_str()).unwrap().to_string()),
        );
        assert!(
            html.contains("<span class=\"count\">5</span>"),
            "{path} gives the whole list's count"
        );
        if n > 0 {
            assert!(
                html.contains(&format!("href=\"{root}{}\" rel=\"prev\"", lists[n - 1])),
                "{path}"
            );
        }
        if n + 1 < lists.len() {
            assert!(
                html.contains(&format!("href=\"{root}{}\" rel=\"next\"", lists[n + 1])),
                "{path}"
            );
        }
    }
    listed.sort();
    let mut expected: Vec<String> = all_pages.iter().map(|p| p.to_string()).collect();
    expected.sort();
    assert_eq!(
        listed, expected,
        "each page listed once, over the list's pages"
    );

    // The tag of the three pages: two pages of its list; the print book has all.
    assert!(files.contains_key("etiquettes/liste/2.html"));
    assert!(!files.contains_key("etiquettes/liste/3.html"));
    let book = page(&files, "impression.html");
    assert!((1..=3).all(|n| book.contains(&format!("Page {n}"))));
}

#[test]
fn a_list_of_zero_cards_per_page_is_an_error_at_its_line() {
    let tmp = child_of_base("lists:\n  per_page: 0\n", &[]);
    let errors = common::errors_of(tmp.path());
    let error = errors
        .iter()
        .find(|d| d.message.contains("per_page") || d.message.contains("nonzero"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(error.line_column().map(|p| p.0), Some(3), "{error:#?}");
}

/// A page's former addresses (`aliases:`) each get a page that leads to it by a
/// relative link, from disk too; a former address the site uses, or that two pages
/// claim, is an error at its line and loses nothing.
#[test]
fn former_addresses_lead_to_the_page_and_may_not_take_a_file() {
    let page = "---\ntitle: Nouveau nom\nsummary: Une page renommée.\naliases:\n  - procedures/ancien-nom.html\n  - vieux/dossier/page.html\n---\nCorps.\n";
    let edition = common::child_of_base("", &[("content/pages/nouveau-nom.md", page)]);
    let (_, files) = common::build_in_memory(edition.path(), &options(None, None)).expect("builds");
    let url = files
        .keys()
        .find(|k| k.ends_with("/nouveau-nom.html"))
        .expect("the page is built")
        .clone();
    for (alias, root) in [
        ("procedures/ancien-nom.html", "../"),
        ("vieux/dossier/page.html", "../../"),
    ] {
        let html = &files[alias];
        let target = format!("{root}{url}");
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!("<a href=\"{target}\">Nouveau nom</a>")),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
    }

    // A former address that is a page of the site, and one two pages claim.
    let taken = format!("---\ntitle: Autre\nsummary: Elle prend une adresse utilisée.\naliases: [{url}, procedures/ancien-nom.html]\n---\nCorps.\n");
    let edition = common::child_of_base(
        "",
        &[
            ("content/pages/nouveau-nom.md", page),
            ("content/pages/autre.md", &taken),
        ],
    );
    let errors = common::errors_of(edition.path());
    let at = |needle: &str| {
        errors
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("no error about {needle}: {errors:#?}"))
    };
    assert_eq!(
        at("is a file of the site")
            .line_column()
            .map(|(line, _)| line),
        Some(4)
    );
    assert!(at("is also a former address of")
        .message
        .contains("procedures/ancien-nom.html"));
}

#[test]
fn a_source_or_legal_basis_for_one_sector_is_kept_there_only_and_marked_in_the_generic_edition() {
    let card = "---
title: Instance test
summary: Un rôle.
mission: Représenter.
legal_basis:
  - Règle commune
  - { text: Règle du secteur privé, sectors: private }
  - { text: Règle du secteur public, sectors: public }
sources:
  - { title: Texte du privé, reference: privé.txt, sectors: private }
  - { title: Texte commun, reference: commun.txt }
---
Corps.
";
    let edition = child_of_base("", &[("content/roles/instance-test.md", card)]);
    let built = |sector| {
        build_in_memory(edition.path(), &options(None, sector))
            .unwrap_or_else(|d| panic!("{d:#?}"))
            .1
    };
    let public = built(Some(Sector::Public));
    let html = page(&public, "roles/instance-test.html");
    assert!(html.contains("Règle commune") && html.contains("Règle du secteur public"));
    assert!(
        !html.contains("secteur privé") && !html.contains("Texte du privé"),
        "{html}"
    );
    assert!(html.contains("Texte commun"));
    let generic = built(None);
    let html = page(&generic, "roles/instance-test.html");
    assert!(
        html.contains(r#"<li data-sectors="private">Règle du secteur privé"#),
        "{html}"
    );
    assert!(html.contains(r#"<li data-sectors="private">Texte du privé"#));
    let bad = card.replace(
        "{ text: Règle du secteur public",
        "{ texte: Règle du secteur public",
    );
    let edition = child_of_base("", &[("content/roles/instance-test.md", &bad)]);
    let errors = common::errors_of(edition.path());
    let d = errors
        .iter()
        .find(|d| d.message.contains("texte"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(d.line_column().map(|(line, _)| line), Some(8), "{d:?}");
}

/// A small references file: a text for every sector, one for the private sector.
const REFERENCES: &str = "texts:
  reglement:
    name: Règlement test
    of: du règlement test
  code:
    name: Code test
    of: du code test
    sectors: private
articles:
  art-2:
    text: reglement
    article: article 2
    summary: Le deuxième article prévoit ceci.
    checked: 2026-11-21
    status: Une proposition le modifierait.
  art-l1:
    text: code
    article: article L1
    summary: Le premier article du code.
    checked: 2026-11-21
";

#[test]
fn articles_make_a_references_page_that_citations_link_to() {
    let cites = "---
title: Citer
summary: Une page qui cite.
---
Selon {{ article.art-2 }}, et {{ article.art-l1 }} en entreprise.
";
    let edition = child_of_base(
        "",
        &[
            ("data/reglementation.yaml", REFERENCES),
            ("content/pages/citer.md", cites),
        ],
    );
    let generic = build_in_memory(edition.path(), &options(None, None))
        .unwrap_or_else(|d| panic!("{d:#?}"))
        .1;
    let references = page(&generic, "pages/textes-de-reference.html");
    for expected in [
        r#"<h2 id="reglement">Règlement test</h2>"#,
        r#"<h3 id="art-2">Article 2</h3>"#,
        "Le deuxième article prévoit ceci.",
        "21 novembre 2026",
        "Une proposition le modifierait.",
        r#"<h3 id="art-l1">Article L1</h3>"#,
    ] {
        assert!(references.contains(expected), "{expected} in {references}");
    }
    let html = page(&generic, "pages/citer.html");
    assert!(
        html.contains(
            r#"<a href="../pages/textes-de-reference.html#art-2">l'article 2 du règlement test</a>"#
        ),
        "{html}"
    );
    // The print book links the citation inside the book, as every link.
    let book = page(&generic, "impression.html");
    assert!(book.contains("l'article 2 du règlement test</a>"), "{book}");
    assert!(!book.contains("@textes-de-reference"), "{book}");

    // A public edition lists no private-sector text, and a page of it that cites
    // one has a broken anchor, at its line.
    let errors = match build_in_memory(edition.path(), &options(None, Some(Sector::Public))) {
        Ok(_) => panic!("a public page cites a private-sector article"),
        Err(errors) => errors,
    };
    let d = errors
        .iter()
        .find(|d| d.message.contains("art-l1"))
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(d.line_column().map(|(line, _)| line), Some(5), "{d:?}");
    let only_common = cites.replace(", et {{ article.art-l1 }} en entreprise", "");
    let edition = child_of_base(
        "",
        &[
            ("data/reglementation.yaml", REFERENCES),
            ("content/pages/citer.md", &only_common),
        ],
    );
    let public = build_in_memory(edition.path(), &options(None, Some(Sector::Public)))
        .unwrap_or_else(|d| panic!("{d:#?}"))
        .1;
    let references = page(&public, "pages/textes-de-reference.html");
    assert!(
        references.contains("Article 2") && !references.contains("Code test"),
        "{references}"
    );
}

#[test]
fn the_exports_are_the_same_bytes_for_the_same_inputs_and_each_can_be_turned_off() {
    use gouvernail::output::MemorySink;
    let built = |dir: &std::path::Path, today: (i32, u32, u32)| {
        let sink = MemorySink::default();
        let mut options = options(None, None);
        options.today = chrono::NaiveDate::from_ymd_opt(today.0, today.1, today.2).unwrap();
        gouvernail::site::build(dir, &options, &sink).unwrap_or_else(|d| panic!("{d:#?}"));
        sink.into_files()
    };
    let text = |files: &BTreeMap<String, gouvernail::output::Bytes>, path: &str| {
        String::from_utf8(files[path].to_vec()).unwrap()
    };
    let base = fixture("base");
    let first = built(&base, (2026, 11, 21));
    let again = built(&base, (2026, 11, 21));
    let later = built(&base, (2027, 3, 2));
    for path in ["raci.xlsx", "chartes/charte.docx"] {
        let bytes = &first[path];
        assert!(
            bytes.starts_with(b"PK\x03\x04"),
            "{path}: a zip, as XLSX and DOCX are"
        );
        assert_eq!(
            bytes, &again[path],
            "{path}: the same inputs, the same bytes"
        );
        assert_ne!(bytes, &later[path], "{path}: dated by the build date");
    }
    let csv = text(&first, "raci.csv");
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("Procédures,"), "{header}");
    let raci = text(&first, "raci.html");
    assert!(
        raci.contains(r#"href="raci.xlsx" download"#)
            && raci.contains(r#"href="raci.csv" download"#)
    );
    let charter = text(&first, "chartes/charte.html");
    assert!(
        charter.contains(r#"href="../chartes/charte.docx" download"#),
        "{charter}"
    );
    // The Markdown template has the rules and the signatures too.
    let template = text(&first, "chartes/charte.md");
    assert!(
        template.contains("| Interdit | Saisir des données confidentielles. |"),
        "{template}"
    );
    assert!(template.contains("Signature :"), "{template}");

    let off = child_of_base("exports: { docx: false, xlsx: false, csv: false }\n", &[]);
    let files = built(off.path(), (2026, 11, 21));
    assert!(!files.contains_key("raci.xlsx") && !files.contains_key("raci.csv"));
    assert!(!files.contains_key("chartes/charte.docx") && files.contains_key("chartes/charte.md"));
    let raci = text(&files, "raci.html");
    assert!(
        !raci.contains("raci.xlsx") && !raci.contains("raci.csv"),
        "no link to a file not written"
    );
    assert!(!text(&files, "chartes/charte.html").contains(".docx"));
}

#[test]
fn handbook_json_is_off_by_default_and_on_lists_every_page_and_every_step_s_roles() {
    let files = base(None, None);
    assert!(!files.contains_key("handbook.json"), "off by default");
    let edition = child_of_base("exports: { json: true }\n", &[]);
    let (summary, files) =
        build_in_memory(edition.path(), &options(None, None)).unwrap_or_else(|d| panic!("{d:#?}"));
    let data: serde_json::Value = serde_json::from_str(page(&files, "handbook.json")).unwrap();
    assert_eq!(data["format"], "gouvernail-handbook/1");
    let pages = data["pages"].as_array().unwrap();
    assert_eq!(pages.len(), summary.pages, "every page");
    // Each step's roles are the source's: the fixture's playbook, read here.
    let source =
        std::fs::read_to_string(fixture("base").join("content/playbooks/pilote.md")).unwrap();
    let playbook = pages
        .iter()
        .find(|p| p["id"] == "pilote")
        .expect("the playbook");
    let steps = playbook["fields"]["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for step in steps {
        let id = step["id"].as_str().unwrap();
        assert!(source.contains(&format!("id: {id}")), "{id}");
        for key in ["responsible", "accountable", "consulted", "informed"] {
            for role in step[key].as_array().unwrap() {
                let role = role.as_str().unwrap();
                assert!(source.contains(role), "{id}: {key} {role} is the source's");
            }
        }
    }
    let charter = pages.iter().find(|p| p["kind"] == "charter").unwrap();
    let markdown = charter["body_markdown"].as_str().unwrap();
    assert!(
        markdown.contains("{{ var.date_adoption }}"),
        "a blank as its placeholder: {markdown}"
    );
    assert!(!markdown.contains('\u{fdd0}'), "no internal mark");
}
