//! A session across builds: a second build reuses what the first parsed, and gives
//! exactly what a fresh build of the same files gives.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{copy_of_fixture, options};
use gouvernail::edition::Edition;
use gouvernail::output::MemorySink;
use gouvernail::session::Session;
use gouvernail::site::build_edition;

fn build_with(session: &Session, dir: &Path) -> BTreeMap<String, gouvernail::output::Bytes> {
    let edition = Edition::load(dir).expect("loads");
    let sink = MemorySink::default();
    session
        .build(&edition, &options(None, None), &sink)
        .expect("builds");
    sink.into_files()
}

fn fresh_build(dir: &Path) -> BTreeMap<String, gouvernail::output::Bytes> {
    let edition = Edition::load(dir).expect("loads");
    let sink = MemorySink::default();
    build_edition(&edition, &options(None, None), &sink).expect("builds");
    sink.into_files()
}

fn pages_of(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

#[test]
fn a_second_build_reuses_unchanged_pages_and_equals_a_fresh_build() {
    let ed = copy_of_fixture("base");
    let pages = pages_of(ed.path());
    let session = Session::default();
    let first = build_with(&session, ed.path());
    assert_eq!(session.reused_documents(), 0);
    assert_eq!(first, fresh_build(ed.path()));

    let again = build_with(&session, ed.path());
    assert_eq!(session.reused_documents(), pages, "every page reused");
    assert_eq!(again, first);

    // One page changes: it alone is parsed again, and the site is the fresh one.
    let page = walkdir::WalkDir::new(ed.path().join("content/pages"))
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .unwrap()
        .into_path();
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\nUne phrase ajoutée entre deux builds.\n"),
    )
    .unwrap();
    let touched = build_with(&session, ed.path());
    assert_eq!(session.reused_documents(), 2 * pages - 1);
    assert_eq!(touched, fresh_build(ed.path()));
    assert_ne!(touched, first);
    assert!(touched
        .values()
        .any(|bytes| String::from_utf8_lossy(bytes)
            .contains("Une phrase ajoutée entre deux builds.")));
}

#[test]
fn a_changed_template_is_parsed_again_and_a_restored_one_gives_the_first_site() {
    let ed = copy_of_fixture("base");
    let session = Session::default();
    let first = build_with(&session, ed.path());
    let templates = ed.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("footer.html"),
        "<footer><p>Pied de page de la session</p></footer>\n",
    )
    .unwrap();
    let changed = build_with(&session, ed.path());
    assert_eq!(changed, fresh_build(ed.path()));
    assert!(String::from_utf8_lossy(&changed["index.html"]).contains("Pied de page de la session"));

    std::fs::remove_file(templates.join("footer.html")).unwrap();
    assert_eq!(build_with(&session, ed.path()), first);
}

#[test]
fn data_files_parse_once_per_text_and_a_changed_one_is_parsed_again() {
    let ed = copy_of_fixture("base");
    std::fs::write(
        ed.path().join("data/synonyms.yaml"),
        "groups:\n  - [RGPD, GDPR]\n",
    )
    .unwrap();
    let session = Session::default();
    let first = build_with(&session, ed.path());
    assert_eq!(session.reused_data_files(), 0);

    // Three parses are taken again: regles.yaml and synonyms.yaml as data, and
    // synonyms.yaml as the search's synonyms.
    let again = build_with(&session, ed.path());
    assert_eq!(session.reused_data_files(), 3);
    assert_eq!(again, first);

    // A changed file is parsed again, and its new value is the one the pages show.
    std::fs::write(
        ed.path().join("data/regles.yaml"),
        "version: 4\nai_act:\n  nom: Règlement européen sur l’IA\n",
    )
    .unwrap();
    let changed = build_with(&session, ed.path());
    assert_eq!(session.reused_data_files(), 3 + 2);
    assert_eq!(changed, fresh_build(ed.path()));
    assert!(changed
        .values()
        .any(|bytes| String::from_utf8_lossy(bytes).contains("Règlement européen sur l’IA")));
}
