//! The search, end to end on the real default handbook (content/): the index built
//! in Rust, then queried by the real query script (theme/search.js) run in Node
//! (tests/search/query.mjs). Each French query must find its page among the first
//! results: accents left out or added, plurals, elisions, verb and noun forms,
//! typos, prefixes of the word being typed.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{build_to_dir, options, repo_root};

/// (query, the page or section expected among the first five results).
const PAIRS: &[(&str, &str)] = &[
    // Accents: left out, added, or wrong.
    (
        "securite des donnees",
        "procedures/securiser-donnees-modeles.html",
    ),
    (
        "sécuriser les modèles",
        "procedures/securiser-donnees-modeles.html",
    ),
    ("referent ia", "roles/referent-ia.html"),
    ("délégué protection", "roles/dpo.html"),
    ("delegue a la protection des donnees", "roles/dpo.html"),
    ("comite ethique", "roles/comite-ethique.html"),
    ("élus", "roles/elus.html"),
    ("elus", "roles/elus.html"),
    ("ethique", "idees-recues/mythe-ia-pas-ethique.html"),
    (
        "médiatique",
        "communication/aligner-messages-pression-mediatique.html",
    ),
    // Elisions.
    ("l'IA générative", "chartes/charte-utilisation-ia.html"),
    ("charte d’utilisation", "chartes/charte-utilisation-ia.html"),
    (
        "l'organisation interdire",
        "idees-recues/mythe-interdire-pour-proteger.html",
    ),
    (
        "qu'elle dit",
        "idees-recues/mythe-ia-comprend-ce-quelle-dit.html",
    ),
    ("d'entrée", "idees-recues/mythe-ticket-entree.html"),
    // Plurals and singulars.
    ("collaborateur", "roles/collaborateurs.html"),
    ("manager", "roles/managers.html"),
    ("prestataires", "roles/prestataire.html"),
    (
        "représentant du personnel",
        "roles/representants-personnel.html",
    ),
    (
        "salarié remplacé",
        "idees-recues/mythe-ia-remplace-les-salaries.html",
    ),
    ("groupe", "idees-recues/mythe-reservee-grands-groupes.html"),
    ("témoignage", "cas/temoignages-livre-blanc.html"),
    ("cas d'usages", "procedures/choisir-cas-usage.html"),
    ("compétence", "procedures/plan-competences-formation.html"),
    // Verb and noun forms.
    ("décider", "idees-recues/mythe-ia-decide-a-la-place.html"),
    ("décisions", "idees-recues/mythe-ia-decide-a-la-place.html"),
    (
        "communiquer changement",
        "communication/communication-changement-trois-phases.html",
    ),
    (
        "annonce programme",
        "communication/annoncer-programme-ia.html",
    ),
    ("lancement programme", "procedures/lancer-programme-ia.html"),
    (
        "acculturation collaborateurs",
        "procedures/acculturer-collaborateurs.html",
    ),
    ("formations", "procedures/plan-competences-formation.html"),
    (
        "protéger son organisation",
        "idees-recues/mythe-interdire-pour-proteger.html",
    ),
    (
        "informer consulter",
        "communication/dialogue-social-ia.html",
    ),
    (
        "piloter prestataires",
        "procedures/piloter-run-prestataires.html",
    ),
    (
        "reprendre la main pression RH",
        "cas/cas-quebec-reprise-en-main.html",
    ),
    // Typos (one letter from 5 letters, two from 9).
    ("sécurtié", "procedures/securiser-donnees-modeles.html"),
    ("glosaire", "pages/glossaire.html"),
    ("temoignages livre blnc", "cas/temoignages-livre-blanc.html"),
    ("collaboratuers", "roles/collaborateurs.html"),
    (
        "environementale",
        "idees-recues/mythe-impact-environnemental.html",
    ),
    ("hallucinaton", "pages/glossaire.html#hallucination"),
    ("pseudonimisation", "pages/glossaire.html#pseudonymisation"),
    // Prefixes of the word being typed.
    ("gloss", "pages/glossaire.html"),
    ("shadow", "procedures/encadrer-shadow-ai.html"),
    ("autodiag", "autodiagnostic/autodiagnostic-maturite.html"),
    ("collectiv", "procedures/ia-collectivite.html"),
    ("sponsor exéc", "roles/sponsor.html"),
    // Sections: the glossary's entries and the playbooks' steps.
    ("anonymisation", "pages/glossaire.html#anonymisation"),
    ("boîte noire", "pages/glossaire.html#boite-noire"),
    ("prompt injection", "pages/glossaire.html#prompt-injection"),
    (
        "apprentissage automatique",
        "pages/glossaire.html#apprentissage-automatique-machine-learning",
    ),
    ("IA frugale", "pages/glossaire.html#ia-frugale"),
    (
        "data scientists",
        "idees-recues/mythe-data-scientists-indispensables.html",
    ),
    ("ressources humaines", "roles/rh.html"),
    (
        "transformation digitale",
        "idees-recues/mythe-derniere-etape-transformation-digitale.html",
    ),
    (
        "coût environnemental",
        "idees-recues/mythe-impact-environnemental.html",
    ),
];

/// Builds the default handbook, then runs `queries` through the query script.
fn run_queries(queries: &[&str]) -> Vec<Vec<String>> {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("public");
    build_to_dir(&repo_root(), &site, &options(None, None)).expect("the handbook builds");
    let mut node = Command::new("node")
        .arg(repo_root().join("tests/search/query.mjs"))
        .arg(&site)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("Node.js runs the query script (scripts/test installs it)");
    node.stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(queries).unwrap().as_bytes())
        .unwrap();
    let output = node.wait_with_output().unwrap();
    assert!(output.status.success(), "the query script failed");
    serde_json::from_slice(&output.stdout).expect("the query script prints JSON")
}

#[test]
fn french_queries_find_their_pages() {
    assert!(PAIRS.len() >= 50);
    let queries: Vec<&str> = PAIRS.iter().map(|(q, _)| *q).collect();
    let results = run_queries(&queries);
    let mut missed = Vec::new();
    for ((query, expected), found) in PAIRS.iter().zip(&results) {
        // A page is found by any of its sections; a section must be found itself.
        let hit = found.iter().take(5).any(|url| {
            url == expected || (!expected.contains('#') && url.split('#').next() == Some(expected))
        });
        if !hit {
            missed.push(format!(
                "{query:?}: expected {expected}, got {:?}",
                &found[..found.len().min(5)]
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} queries missed:\n{}",
        missed.len(),
        PAIRS.len(),
        missed.join("\n")
    );
}

#[test]
fn all_words_beat_some_words_and_nonsense_finds_nothing() {
    let results = run_queries(&["zzxqy", "pilote volontaires", "volontaires zzxqy"]);
    assert!(results[0].is_empty(), "a word in no page finds nothing");
    assert!(
        results[1][0].starts_with("procedures/mener-pilote.html"),
        "{:?}",
        results[1]
    );
    // No page has both words: the query falls back to any of them.
    assert!(!results[2].is_empty());
}
