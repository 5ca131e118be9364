//! The search's text pipeline: words out of text, in the form the index keys them.
//!
//! A word is a run of letters and digits: anything else separates words, the
//! apostrophes `'` and `’` included. An elided article or pronoun before an
//! apostrophe (`l'IA`, `qu'il`, `jusqu'au`) is dropped. Words are lowercased; the
//! index key of a word (its *term*) is its Snowball stem, taken on the accented word
//! and then accent-folded (`sécurité` → `secur`), then mapped through a small table
//! of derivations the stemmer leaves apart (`format` → `form`: formation, former).
//! The index ships a dictionary from folded surface words (`securite`) to terms; the
//! query script looks words up there, and stems a word the dictionary lacks with its
//! own port of the same Snowball stemmers (theme/stem.js, checked against this one
//! on every word of two word lists by tests/stemmer.rs).

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;

use crate::edition::Language;

/// Elided words, dropped when an apostrophe follows them. meta.js ships them: the
/// query script drops the same.
pub const ELISIONS: &[&str] = &[
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// Words too common to index in body text, folded (the Snowball lists, trimmed).
const STOP_FR: &str = include_str!("stop-fr.txt");
const STOP_EN: &str = include_str!("stop-en.txt");

/// Derivations the stemmer does not join, as `from to` lines of terms. meta.js
/// ships them: the query script maps its terms the same way.
const DERIVE_FR: &str = include_str!("derive-fr.txt");
const DERIVE_EN: &str = include_str!("derive-en.txt");

/// A word of a text: its place (byte range).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// The words of `text`, elisions left out.
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || loop {
        // By bytes, decoding a character only where it is not ASCII: the index
        // reads every word of every page through here.
        let mut start = at;
        loop {
            let (word_char, len) = char_at(text, start)?;
            if word_char {
                break;
            }
            start += len;
        }
        let mut end = start;
        while let Some((true, len)) = char_at(text, end) {
            end += len;
        }
        at = end;
        let word = &text[start..end];
        let elided = text[end..].starts_with(is_apostrophe)
            && ELISIONS.iter().any(|e| e.eq_ignore_ascii_case(word));
        if !elided {
            return Some(Word { start, end });
        }
    })
}

/// Whether the character at byte `at` is a letter or digit, and its length; none
/// at the end of the text.
#[inline]
fn char_at(text: &str, at: usize) -> Option<(bool, usize)> {
    let byte = *text.as_bytes().get(at)?;
    if byte.is_ascii() {
        return Some((byte.is_ascii_alphanumeric(), 1));
    }
    let c = text[at..].chars().next()?;
    // Accented Latin letters (é, à, ç, œ…) without the Unicode tables: À-ɏ are
    // all letters but × and ÷.
    let latin_letter = ('\u{C0}'..='\u{24F}').contains(&c) && c != '×' && c != '÷';
    Some((latin_letter || c.is_alphanumeric(), c.len_utf8()))
}

/// Lowercase, accents off: `Sécurité` → `securite`, `œuvre` → `oeuvre`. The query
/// script does the same (NFD, drop combining marks, œ/æ spelled out).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        // Most letters are ASCII: only the others are decomposed.
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            c => unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            }),
        }
    }
    out
}

/// Stems and folds words for one language; knows its stop words.
pub struct Analyzer {
    language: Language,
    stemmer: Stemmer,
    stop: std::collections::HashSet<&'static str>,
    /// Term → the term it is indexed as (`derive-*.txt`).
    derive: std::collections::HashMap<&'static str, &'static str>,
}

impl Analyzer {
    pub fn new(language: Language) -> Analyzer {
        let (algorithm, stop, derive) = match language {
            Language::Fr => (Algorithm::French, STOP_FR, DERIVE_FR),
            Language::En => (Algorithm::English, STOP_EN, DERIVE_EN),
        };
        let lines = |text: &'static str| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
        };
        Analyzer {
            language,
            stemmer: Stemmer::create(algorithm),
            stop: lines(stop).collect(),
            derive: lines(derive)
                .filter_map(|l| l.split_once(' '))
                .map(|(from, to)| (from, to.trim()))
                .collect(),
        }
    }

    /// The language's code, which a page's reading depends on.
    pub fn language_id(&self) -> &'static str {
        self.language.code()
    }

    /// The term of a lowercased word: its stem, folded, then taken to the term of
    /// its derivation family when the table has one.
    pub fn term(&self, lower: &str) -> String {
        let term = fold(&self.stemmer.stem(lower));
        match self.derive.get(term.as_str()) {
            Some(to) => to.to_string(),
            None => term,
        }
    }

    /// The derivation table, sorted (meta.js ships it).
    pub fn derivations(&self) -> std::collections::BTreeMap<&'static str, &'static str> {
        self.derive.iter().map(|(k, v)| (*k, *v)).collect()
    }

    /// Whether a folded word is a stop word.
    pub fn is_stop(&self, folded: &str) -> bool {
        self.stop.contains(folded)
    }

    /// The stop words, folded and sorted (the query script drops them too).
    pub fn stop_words(&self) -> Vec<&'static str> {
        let mut words: Vec<&str> = self.stop.iter().copied().collect();
        words.sort_unstable();
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latin_shortcut_agrees_with_unicode() {
        for c in '\u{C0}'..='\u{24F}' {
            let text = c.to_string();
            assert_eq!(
                char_at(&text, 0),
                Some((c.is_alphanumeric(), c.len_utf8())),
                "{c}"
            );
        }
    }

    fn lowers(text: &str) -> Vec<String> {
        words(text)
            .map(|w| text[w.start..w.end].to_lowercase())
            .collect()
    }

    #[test]
    fn apostrophes_separate_and_elisions_go() {
        assert_eq!(lowers("l'IA"), ["ia"]);
        assert_eq!(
            lowers("L’intelligence qu'il jusqu'au"),
            ["intelligence", "il", "au"]
        );
        assert_eq!(lowers("aujourd'hui"), ["aujourd", "hui"]);
        // A lone letter without apostrophe is a word.
        assert_eq!(lowers("plan B, l IA"), ["plan", "b", "l", "ia"]);
    }

    #[test]
    fn words_keep_their_place_in_the_text() {
        let text = "Déjà, l'équipe (RGPD) !";
        let found: Vec<&str> = words(text).map(|w| &text[w.start..w.end]).collect();
        assert_eq!(found, ["Déjà", "équipe", "RGPD"]);
    }

    #[test]
    fn folding_drops_accents_and_spells_ligatures() {
        assert_eq!(fold("Sécurité"), "securite");
        assert_eq!(fold("œuvre"), "oeuvre");
        assert_eq!(fold("ÇA"), "ca");
        assert_eq!(fold("naïve"), "naive");
    }

    #[test]
    fn french_forms_share_a_term() {
        let a = Analyzer::new(Language::Fr);
        assert_eq!(a.term("sécurité"), a.term("sécurités"));
        assert_eq!(a.term("données"), a.term("donnée"));
        assert_eq!(a.term("collaborateurs"), a.term("collaborateur"));
        assert_ne!(a.term("charte"), a.term("chat"));
        // Derivations the stemmer leaves apart, joined by the table.
        assert_eq!(a.term("formation"), a.term("former"));
        assert_eq!(a.term("protection"), a.term("protéger"));
        assert_eq!(a.term("décision"), a.term("décider"));
        assert_ne!(a.term("production"), a.term("produit"));
        assert!(a.is_stop("les") && a.is_stop("a") && !a.is_stop("charte"));
    }

    #[test]
    fn derivations_lead_to_terms_that_are_not_mapped_again() {
        for language in [Language::Fr, Language::En] {
            let a = Analyzer::new(language);
            for (from, to) in a.derivations() {
                assert!(!a.derive.contains_key(to), "{from} → {to} → …");
                assert_ne!(from, to);
            }
        }
    }

    #[test]
    fn english_edition_stems_english() {
        let a = Analyzer::new(Language::En);
        assert_eq!(a.term("policies"), a.term("policy"));
        assert_eq!(a.term("running"), a.term("run"));
        assert!(a.is_stop("the"));
    }
}
