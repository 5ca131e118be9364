//! The query script's Snowball stemmers (theme/stem.js) give the same stem as the
//! index's (rust-stemmers) on every word of two word lists, so that a word the
//! browser stems finds the term the build made of another form of it. The lists:
//! the npm packages an-array-of-french-words and an-array-of-english-words (which
//! scripts/test installs in tests/browser/node_modules), and every word of the
//! default handbook and of the seeds beside the repository.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::repo_root;
use rust_stemmers::{Algorithm, Stemmer};

/// The lowercased words of a word list package that are letters only (a query's
/// words never hold a hyphen or an apostrophe: they separate words).
fn word_list(package: &str) -> BTreeSet<String> {
    let path = repo_root()
        .join("tests/browser/node_modules")
        .join(package)
        .join("index.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; scripts/test installs the word lists (npm ci in tests/browser)",
            path.display()
        )
    });
    let words: Vec<String> = serde_json::from_str(&text).expect("a JSON list of words");
    words
        .into_iter()
        .map(|w| w.to_lowercase())
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
        .collect()
}

/// The lowercased words of the Markdown and YAML files under `dir`.
fn words_under(dir: &Path, into: &mut BTreeSet<String>) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let wanted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "yaml" | "txt")
        );
        let Some(text) = wanted.then(|| std::fs::read_to_string(path).ok()).flatten() else {
            continue;
        };
        for word in text.to_lowercase().split(|c: char| !c.is_alphabetic()) {
            if !word.is_empty() {
                into.insert(word.to_string());
            }
        }
    }
}

/// The stems the query script gives `words`.
fn script_stems(language: &str, words: &[&String]) -> Vec<String> {
    let mut node = Command::new("node")
        .arg(repo_root().join("tests/search/stem.mjs"))
        .arg(language)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("Node.js runs the stemmers (scripts/test installs it)");
    let mut input = String::new();
    for w in words {
        input.push_str(w);
        input.push('\n');
    }
    let mut stdin = node.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = node.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the stemmer script failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn assert_same_stems(
    language: &str,
    algorithm: Algorithm,
    words: &BTreeSet<String>,
    at_least: usize,
) {
    assert!(
        words.len() >= at_least,
        "{} {language} words, expected {at_least} or more",
        words.len()
    );
    let words: Vec<&String> = words.iter().collect();
    let stemmer = Stemmer::create(algorithm);
    let script = script_stems(language, &words);
    assert_eq!(script.len(), words.len(), "one stem per word");
    let differ: Vec<String> = words
        .iter()
        .zip(&script)
        .filter(|(w, s)| stemmer.stem(w) != s.as_str())
        .map(|(w, s)| format!("{w}: index {}, script {s}", stemmer.stem(w)))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} {language} words stem otherwise in the script, e.g.:\n{}",
        differ.len(),
        words.len(),
        differ[..differ.len().min(30)].join("\n")
    );
}

#[test]
fn the_french_stemmer_of_the_script_agrees_with_the_index() {
    let mut words = word_list("an-array-of-french-words");
    words_under(&repo_root().join("content"), &mut words);
    let seeds = repo_root().join("../shared/seeds");
    if seeds.is_dir() {
        words_under(&seeds, &mut words);
    }
    assert_same_stems("fr", Algorithm::French, &words, 5_000);
}

#[test]
fn the_english_stemmer_of_the_script_agrees_with_the_index() {
    let mut words = word_list("an-array-of-english-words");
    words_under(&repo_root().join("tests/fixtures/english"), &mut words);
    assert_same_stems("en", Algorithm::English, &words, 2_000);
}
