//! Problems found in an edition, and how they are shown.
//!
//! Every stage collects `Diagnostic`s instead of stopping at the first problem; the
//! command line prints them all at once, as text (codespan-reporting: the file, the
//! line, the offending source line, a hint) or as JSON for editors and CI. Nothing
//! here decides what is wrong: the stages do.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::model::SourceFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    /// The file and the byte range the problem is at, when it is in a file.
    pub location: Option<(Arc<SourceFile>, Range<usize>)>,
    /// A file the problem concerns when its text could not be read or quoted.
    pub path: Option<PathBuf>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            hint: None,
            location: None,
            path: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points at a byte range of a source file.
    pub fn at(mut self, source: &Arc<SourceFile>, span: Range<usize>) -> Self {
        let end = span.end.min(source.text.len());
        let start = span.start.min(end);
        self.location = Some((source.clone(), start..end));
        self
    }

    /// Points at a whole 1-based line of a source file.
    pub fn at_line(self, source: &Arc<SourceFile>, line: usize) -> Self {
        let text = &source.text;
        let span = match source.lines().start(line.max(1)) {
            Some(start) => start..text[start..].find('\n').map_or(text.len(), |i| start + i),
            None => text.len()..text.len(),
        };
        self.at(source, span)
    }

    /// Points at the first of `needles` found on `line`, or at the whole line (a
    /// long front matter line is not underlined from end to end for one link).
    pub fn at_in_line(self, source: &Arc<SourceFile>, line: usize, needles: &[&str]) -> Self {
        let text = &source.text;
        let Some(start) = source.lines().start(line.max(1)) else {
            return self.at_line(source, line);
        };
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let found = needles.iter().filter(|n| !n.is_empty()).find_map(|n| {
            text[start..end]
                .find(n)
                .map(|at| start + at..start + at + n.len())
        });
        match found {
            Some(span) => self.at(source, span),
            None => self.at_line(source, line),
        }
    }

    /// Names a file that could not be quoted (unreadable, not UTF-8).
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn file(&self) -> Option<PathBuf> {
        match &self.location {
            Some((source, _)) => Some(source.path.clone()),
            None => self.path.clone(),
        }
    }

    /// The 1-based line and column, when the problem has a location.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let (source, span) = self.location.as_ref()?;
        let line = source.lines().line(span.start);
        let line_start = source.lines().start(line).unwrap_or(0);
        let column = source.text[line_start..span.start].chars().count() + 1;
        Some((line, column))
    }

    /// `file:line: message`, for tests and logs.
    pub fn short(&self) -> String {
        let place = match (self.file(), self.line_column()) {
            (Some(file), Some((line, _))) => format!("{}:{line}: ", file.display()),
            (Some(file), None) => format!("{}: ", file.display()),
            _ => String::new(),
        };
        format!("{place}{}", self.message)
    }
}

/// Whether to colour the output.
#[derive(Clone, Copy, Debug)]
pub enum Colour {
    Auto,
    Never,
}

/// Prints diagnostics as text to standard error, errors after warnings, with a
/// closing count.
pub fn print_text(diagnostics: &[Diagnostic], colour: Colour) {
    let choice = match colour {
        Colour::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => {
            termcolor::ColorChoice::Auto
        }
        _ => termcolor::ColorChoice::Never,
    };
    let stream = termcolor::StandardStream::stderr(choice);
    write_text(diagnostics, &mut stream.lock());
}

/// The diagnostics as `print_text` shows them, without colour (for a browser).
pub fn to_text(diagnostics: &[Diagnostic]) -> String {
    let mut out = termcolor::NoColor::new(Vec::new());
    write_text(diagnostics, &mut out);
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

fn write_text(diagnostics: &[Diagnostic], out: &mut dyn termcolor::WriteColor) {
    let config = term::Config::default();
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.severity == Severity::Error, d.file(), d.line_column()));
    // Each file made printable and indexed by line once, however many problems
    // it has.
    let mut files: HashMap<*const SourceFile, (Printable, SimpleFile<String, String>)> =
        HashMap::new();
    for diagnostic in sorted {
        let mut report = match diagnostic.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(escape_controls(&diagnostic.message));
        if let Some(hint) = &diagnostic.hint {
            report = report.with_notes(vec![format!("hint: {}", escape_controls(hint))]);
        }
        let result = match &diagnostic.location {
            Some((source, span)) => {
                let (shown, file) = files.entry(Arc::as_ptr(source)).or_insert_with(|| {
                    let shown = Printable::new(&source.text);
                    let name = escape_controls(&source.path.display().to_string()).into_owned();
                    let text = shown.text.clone().unwrap_or_else(|| source.text.clone());
                    (shown, SimpleFile::new(name, text))
                });
                let span = shown.offset(span.start)..shown.offset(span.end);
                let report = report.with_labels(vec![Label::primary((), span)]);
                term::emit_to_write_style(out, &config, &*file, &report)
            }
            None => {
                let name = diagnostic.path.as_ref().map(|p| p.display().to_string());
                let report = match name {
                    Some(name) => report.with_message(format!(
                        "{}: {}",
                        escape_controls(&name),
                        escape_controls(&diagnostic.message)
                    )),
                    None => report,
                };
                let file = SimpleFile::new(String::new(), "");
                term::emit_to_write_style(out, &config, &file, &report)
            }
        };
        if result.is_err() {
            // Standard error is gone; there is nobody left to tell.
            return;
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors + warnings > 0 {
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
    }
}

/// The visible stand-in for a character that would act on the reader's terminal
/// instead of showing (escape sequences, backspace, bidirectional overrides), or
/// `None` for a character that shows as itself. Tab and newline show as themselves.
fn stand_in(c: char) -> Option<char> {
    match c {
        '\t' | '\n' => None,
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32),
        '\x7f' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with its control characters replaced by visible stand-ins.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| stand_in(c).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| stand_in(c).unwrap_or(c)).collect())
}

/// A source text made printable, and how its byte offsets moved.
struct Printable {
    /// `None` when the text had nothing to replace.
    text: Option<String>,
    /// For each replaced character: its offset in the original text, and how many
    /// bytes longer the printable text is once past it.
    shifts: Vec<(usize, usize)>,
}

impl Printable {
    fn new(text: &str) -> Printable {
        if !text.chars().any(|c| stand_in(c).is_some()) {
            return Printable {
                text: None,
                shifts: Vec::new(),
            };
        }
        let mut shown = String::with_capacity(text.len());
        let mut shifts = Vec::new();
        for (at, c) in text.char_indices() {
            match stand_in(c) {
                Some(visible) => {
                    shown.push(visible);
                    shifts.push((at, shown.len() - (at + c.len_utf8())));
                }
                None => shown.push(c),
            }
        }
        Printable {
            text: Some(shown),
            shifts,
        }
    }

    /// Where an offset of the original text is in the printable one.
    fn offset(&self, original: usize) -> usize {
        let passed = self.shifts.partition_point(|(at, _)| *at < original);
        original + passed.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

#[derive(Serialize)]
struct JsonDiagnostic {
    severity: Severity,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
}

/// The diagnostics as a JSON array, one object each.
pub fn to_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&json_items(diagnostics)).expect("diagnostics serialise")
}

/// The diagnostics as a JSON array on one line (a preview prints one per build).
pub fn to_json_line(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string(&json_items(diagnostics)).expect("diagnostics serialise")
}

/// The diagnostics as a JSON array value, to go in a larger report.
pub fn to_json_value(diagnostics: &[Diagnostic]) -> serde_json::Value {
    serde_json::to_value(json_items(diagnostics)).expect("diagnostics serialise")
}

fn json_items(diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| {
            let position = d.line_column();
            JsonDiagnostic {
                severity: d.severity,
                file: d.file().map(|f| f.display().to_string()),
                line: position.map(|p| p.0),
                column: position.map(|p| p.1),
                message: d.message.clone(),
                hint: d.hint.clone(),
            }
        })
        .collect()
}

/// The closest of `candidates` to `word`, if one is close enough to be a typo; of
/// two as close, the first in alphabetical order, whatever order they come in.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        // The word itself is no suggestion: it is known, but has no value here.
        .filter(|c| *c != word)
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed_and_spans_follow_them() {
        let text = "a\x1b[2J\u{9b}b\u{202e}c\td\n";
        let printable = Printable::new(text);
        let shown = printable.text.as_deref().unwrap();
        assert_eq!(shown, "a\u{241b}[2J\u{fffd}b\u{fffd}c\td\n");
        // Each original character keeps pointing at its own printable character.
        for (at, c) in text.char_indices() {
            let moved = printable.offset(at);
            let expected = stand_in(c).unwrap_or(c);
            assert_eq!(shown[moved..].chars().next(), Some(expected), "at {at}");
        }
        assert_eq!(printable.offset(text.len()), shown.len());
        assert_eq!(escape_controls("plain"), Cow::Borrowed("plain"));
        assert_eq!(escape_controls("x\x07"), "x\u{2407}");
    }

    #[test]
    fn of_two_suggestions_as_close_the_same_one_comes_in_any_order() {
        let forward = did_you_mean("pilote-b", ["pilote-a", "pilote-c"]);
        let backward = did_you_mean("pilote-b", ["pilote-c", "pilote-a"]);
        assert_eq!(forward, Some("pilote-a"));
        assert_eq!(backward, forward);
        assert_eq!(did_you_mean("zzz", ["pilote-a"]), None);
        assert_eq!(did_you_mean("org.name", ["org.name"]), None, "not itself");
    }
}
