//! The search, end to end on the real default handbook (content/): the index built
//! in Rust, then queried by the real query script (theme/search.js) run in Node
//! (tests/search/query.mjs). Each French query must find its page among the first
//! results: accents left out or added, plurals, elisions, verb and noun forms,
//! typos, prefixes of the word being typed.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
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
    // Its first letter left out, though words of its own first letter are as near
    // (`ecrite`).
    ("ecurité", "procedures/securiser-donnees-modeles.html"),
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

/// What the query script found for a query: URLs best first, and what the results
/// stand on beyond the words typed ({typed, used, kind}).
struct Found {
    urls: Vec<String>,
    explained: Vec<serde_json::Value>,
}

/// Builds the edition at `dir` (with its search index) into a temporary folder.
fn build_site(dir: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    build_to_dir(dir, &out.path().join("public"), &options(None, None))
        .expect("the edition builds");
    out
}

/// Runs `queries` through the query script over the site built in `out`.
fn query_site(out: &tempfile::TempDir, queries: &[&str]) -> Vec<Found> {
    let site = out.path().join("public");
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
    let found: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("the query script prints JSON");
    found
        .into_iter()
        .map(|f| Found {
            urls: serde_json::from_value(f["urls"].clone()).unwrap(),
            explained: serde_json::from_value(f["explained"].clone()).unwrap(),
        })
        .collect()
}

/// Builds the default handbook, then runs `queries` through the query script.
fn run_queries(queries: &[&str]) -> Vec<Vec<String>> {
    let out = build_site(&repo_root());
    query_site(&out, queries)
        .into_iter()
        .map(|f| f.urls)
        .collect()
}

/// The queries of `pairs` whose expected page is not among the first `top`
/// results (a page is found by any of its sections; a section must be found
/// itself).
fn misses(pairs: &[(&str, &str)], found: &[Found], top: usize) -> Vec<String> {
    let mut missed = Vec::new();
    for ((query, expected), found) in pairs.iter().zip(found) {
        let hit = found.urls.iter().take(top).any(|url| {
            url == expected || (!expected.contains('#') && url.split('#').next() == Some(expected))
        });
        if !hit {
            missed.push(format!(
                "{query:?}: expected {expected}, got {:?}",
                &found.urls[..found.urls.len().min(top)]
            ));
        }
    }
    missed
}

#[test]
fn french_queries_find_their_pages() {
    assert!(PAIRS.len() >= 50);
    let queries: Vec<&str> = PAIRS.iter().map(|(q, _)| *q).collect();
    let out = build_site(&repo_root());
    let missed = misses(PAIRS, &query_site(&out, &queries), 5);
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

/// The small edition's pairs (tests/fixtures/search-small, fifteen short pages):
/// every query has a word whose form no page uses, which the test checks against
/// the index's dictionary, so each is found through the stemmer, the derivation
/// table, a typo correction or a synonym, not a word the pages happen to contain.
const SMALL_PAIRS: &[(&str, &str)] = &[
    // Inflections the pages do not use.
    ("chartes", "pages/charte.html"),
    ("formations", "pages/formation.html"),
    ("équipe", "pages/formation.html"),
    ("risque", "pages/evaluation-risques.html"),
    ("évaluations", "pages/evaluation-risques.html"),
    ("décisions", "pages/responsabilite.html"),
    ("responsabilités", "pages/responsabilite.html"),
    ("hallucination", "pages/hallucinations.html"),
    ("réponses", "pages/hallucinations.html"),
    ("salariés", "pages/charte.html"),
    ("signent", "pages/charte.html"),
    ("signées", "pages/charte.html"),
    ("interdite", "pages/charte.html"),
    ("consultés", "pages/dialogue-social.html"),
    ("informées", "pages/dialogue-social.html"),
    ("journal", "pages/securite.html"),
    ("candidature", "pages/recrutement.html"),
    ("serveur", "pages/sobriete.html"),
    ("atelier", "pages/formation.html"),
    ("algorithmes", "pages/responsabilite.html"),
    ("inventaires", "pages/shadow-ai.html"),
    ("projets", "pages/dialogue-social.html"),
    ("exercices", "pages/formation.html"),
    ("contenus", "pages/transparence.html"),
    ("énergies", "pages/sobriete.html"),
    ("personnes", "pages/responsabilite.html"),
    ("contrôlées", "pages/securite.html"),
    // The same, typed without accents.
    ("evaluations", "pages/evaluation-risques.html"),
    ("securites", "pages/securite.html"),
    ("decisions", "pages/responsabilite.html"),
    // Derivations: the stemmer's, and the table's.
    ("former", "pages/formation.html"),
    ("formateur", "pages/formation.html"),
    ("protéger", "pages/protection-donnees.html"),
    ("évaluer", "pages/evaluation-risques.html"),
    ("responsable", "pages/responsabilite.html"),
    ("sécuriser", "pages/securite.html"),
    ("interdiction", "pages/recrutement.html"),
    ("transparent", "pages/transparence.html"),
    ("sobre", "pages/sobriete.html"),
    ("recruter", "pages/recrutement.html"),
    ("validations", "pages/shadow-ai.html"),
    ("déployer", "pages/evaluation-risques.html"),
    ("consultation", "pages/dialogue-social.html"),
    ("information", "pages/dialogue-social.html"),
    ("diffusion", "pages/hallucinations.html"),
    ("vérification", "pages/protection-donnees.html"),
    // Typos of forms no page uses.
    ("formatoins", "pages/formation.html"),
    ("évaluatoins", "pages/evaluation-risques.html"),
    ("halucination", "pages/hallucinations.html"),
    ("responsabilitées", "pages/responsabilite.html"),
    ("candidatrues", "pages/recrutement.html"),
    ("chartse", "pages/charte.html"),
    ("inventiare", "pages/shadow-ai.html"),
    // Typos in the first letter.
    ("vormation", "pages/formation.html"),
    ("ormation", "pages/formation.html"),
    ("xécurité", "pages/securite.html"),
    ("ecurité", "pages/securite.html"),
    ("ahallucinations", "pages/hallucinations.html"),
    ("rpotection", "pages/protection-donnees.html"),
    ("gransparence", "pages/transparence.html"),
    ("zobriété", "pages/sobriete.html"),
    // Synonyms and acronyms: the base's list, the edition's own, a glossary alias.
    ("GDPR", "pages/protection-donnees.html"),
    ("IA fantôme", "pages/shadow-ai.html"),
    ("DPIA", "pages/evaluation-risques.html"),
    ("comité social et économique", "pages/dialogue-social.html"),
    ("ChatGPT", "pages/transparence.html"),
    ("DPO", "pages/protection-donnees.html"),
    ("intelligence artificielle", "pages/recrutement.html"),
    ("syndicat", "pages/dialogue-social.html"),
    ("travail hybride", "pages/organisation.html"),
    ("visio", "pages/annonce.html"),
    ("analyse de conformité", "pages/glossaire.html#pia"),
    // Several words, each in a form no page uses.
    ("formations équipe", "pages/formation.html"),
    ("chartes salariés", "pages/charte.html"),
    ("risque déployer", "pages/evaluation-risques.html"),
    ("journal contrôlées", "pages/securite.html"),
];

/// The folded words of a built site's index dictionary (its t*.js files).
fn dictionary(site: &Path) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for entry in std::fs::read_dir(site.join("search")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with('t') && name.ends_with(".js")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let args = &text[text.find('(').unwrap() + 1..text.rfind(')').unwrap()];
        let call: serde_json::Value = serde_json::from_str(&format!("[{args}]")).unwrap();
        for pair in call[1].as_array().unwrap().chunks(2) {
            words.insert(pair[0].as_str().unwrap().to_string());
        }
    }
    words
}

#[test]
fn a_small_edition_finds_forms_its_pages_do_not_use() {
    assert!(SMALL_PAIRS.len() >= 60);
    let out = build_site(&repo_root().join("tests/fixtures/search-small"));
    let dictionary = dictionary(&out.path().join("public"));
    assert!(dictionary.contains("formation"), "the dictionary is read");
    // Each query has a word the pages do not use in that form.
    let stop = ["de", "et", "la", "le"];
    for (query, _) in SMALL_PAIRS {
        let folded: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(gouvernail::search::text::fold)
            .filter(|w| !stop.contains(&w.as_str()))
            .collect();
        assert!(
            folded.iter().any(|w| !dictionary.contains(w)),
            "{query:?}: every word of it is in the index's dictionary"
        );
    }
    let queries: Vec<&str> = SMALL_PAIRS.iter().map(|(q, _)| *q).collect();
    let found = query_site(&out, &queries);
    let missed = misses(SMALL_PAIRS, &found, 3);
    assert!(
        missed.is_empty(),
        "{} of {} queries missed:\n{}",
        missed.len(),
        SMALL_PAIRS.len(),
        missed.join("\n")
    );
    // Why a page matched, when it is not the word typed.
    let explained = |query: &str| {
        let i = queries.iter().position(|q| *q == query).unwrap();
        found[i].explained.clone()
    };
    let corrected = explained("formatoins");
    assert!(
        corrected
            .iter()
            .any(|e| e["kind"] == "corrected" && e["typed"] == "formatoins"),
        "{corrected:?}"
    );
    let synonym = explained("GDPR");
    assert!(
        synonym
            .iter()
            .any(|e| e["kind"] == "synonym" && e["used"] == "RGPD"),
        "{synonym:?}"
    );
    assert!(
        explained("formations").is_empty(),
        "a form of the word needs no explanation"
    );
}

#[test]
fn words_in_one_section_rank_above_words_spread_and_open_there() {
    // carnet-a has each word twice, in two sections; carnet-b each once, in one.
    let out = build_site(&repo_root().join("tests/fixtures/search-small"));
    let found = query_site(&out, &["corpus biais"]);
    let urls = &found[0].urls;
    let at = |page: &str| urls.iter().position(|u| u.starts_with(page));
    let (a, b) = (at("pages/carnet-a.html"), at("pages/carnet-b.html"));
    assert!(a.is_some() && b.is_some(), "{urls:?}");
    assert!(
        b < a,
        "the page with both words in one section first: {urls:?}"
    );
    assert_eq!(urls[b.unwrap()], "pages/carnet-b.html#detail", "{urls:?}");
}
