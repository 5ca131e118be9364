//! Tailor stage: what applies to the edition's organisation, with its values filled.
//!
//! - Pages, playbook steps and charter clauses whose `sizes` / `sectors` exclude the
//!   edition's size or sector are dropped. An edition without a size or sector keeps
//!   everything; the render stage marks each variant so the reader can switch.
//! - `:::` container blocks (`sizes`, `sectors`, `note`, `tip`, `warning`) are
//!   resolved: kept, dropped, or kept as a `Container` (a labelled variant, an
//!   admonition) that each renderer draws its own way.
//! - `{{ org.* }}`, `{{ var.* }}` and `{{ data.* }}` are filled in bodies and front
//!   matter text; code spans and code blocks are left as written. A charter blank
//!   the edition leaves empty stays a blank, for each renderer to draw.
//!
//! The output is neutral: Markdown, with containers and blanks as marks (see
//! `marks`), never HTML. It keeps a line map so that later errors still point at
//! source lines.

use crate::session::Session;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};
use serde_yaml_ng::Value;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::edition::Org;
use crate::model::*;
use crate::references::References;

/// What an edition is tailored to: `None` keeps every variant.
#[derive(Clone, Copy, Debug, Default, Hash)]
pub struct Audience {
    pub size: Option<Size>,
    pub sector: Option<Sector>,
}

impl Audience {
    pub fn admits(&self, sizes: SizeSet, sectors: SectorSet) -> bool {
        self.size.is_none_or(|s| sizes.contains(s))
            && self.sector.is_none_or(|s| sectors.contains(s))
    }
}

/// The marks tailoring leaves in a text for the renderers. Each is a Unicode
/// noncharacter, which no source may hold (`parse::decode` refuses them), so a
/// mark is always tailoring's own.
pub mod marks {
    /// A blank: `BLANK`, the variable's name, `BLANK_LABEL`, its label (with the
    /// characters Markdown would read escaped by a backslash), `BLANK_END`.
    pub const BLANK: char = '\u{FDD0}';
    pub const BLANK_LABEL: char = '\u{FDD1}';
    pub const BLANK_END: char = '\u{FDD2}';
    /// A line that opens container N of the body: `OPEN` then N.
    pub const OPEN: char = '\u{FDD3}';
    /// A line that closes the innermost open container.
    pub const CLOSE: char = '\u{FDD4}';
    /// The first and last noncharacters of the block U+FDD0–U+FDEF.
    pub const RESERVED: std::ops::RangeInclusive<char> = '\u{FDD0}'..='\u{FDEF}';
}

/// A block of a body that the edition keeps around a passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Container {
    /// A passage for some sizes or sectors, kept because the edition keeps every
    /// variant: `dimension` is `sizes` or `sectors`, `ids` the members it is for.
    Variant {
        dimension: &'static str,
        ids: Vec<&'static str>,
    },
    /// A note, tip or warning (`kind`), with the title the author gave, values
    /// filled (blanks as marks).
    Admonition {
        kind: &'static str,
        title: Option<String>,
    },
}

/// A piece of a text that may hold blanks.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    Text(&'t str),
    Blank { name: &'t str, label: &'t str },
}

/// Splits a text at its blanks. In text that went through a Markdown parser the
/// label is plain; in tailored Markdown it is Markdown-escaped.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(marks::BLANK) {
        let after = &rest[at + marks::BLANK.len_utf8()..];
        let Some(end) = after.find(marks::BLANK_END) else {
            break;
        };
        let (name, label) = after[..end]
            .split_once(marks::BLANK_LABEL)
            .unwrap_or((&after[..end], ""));
        if at > 0 {
            found.push(Piece::Text(&rest[..at]));
        }
        found.push(Piece::Blank { name, label });
        rest = &after[end + marks::BLANK_END.len_utf8()..];
    }
    if !rest.is_empty() {
        found.push(Piece::Text(rest));
    }
    found
}

/// `text` with each blank as `blank(name, label)` makes it.
pub fn map_blanks(text: &str, blank: impl Fn(&str, &str) -> String) -> String {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_string(),
            Piece::Blank { name, label } => blank(name, label),
        })
        .collect()
}

/// `text` with each blank as `[label]` (a file that has no fields to fill).
pub fn bracket_blanks(text: &str) -> String {
    map_blanks(text, |_, label| format!("[{label}]"))
}

/// The mark of a blank.
fn blank_mark(name: &str, label: &str) -> String {
    let mut mark = String::with_capacity(name.len() + label.len() + 12);
    mark.push(marks::BLANK);
    mark.push_str(name);
    mark.push(marks::BLANK_LABEL);
    mark.push_str(&markdown_escape(label));
    mark.push(marks::BLANK_END);
    mark
}

/// `text` as Markdown that reads as this very text: each character Markdown or
/// HTML would read as markup escaped by a backslash, line breaks as spaces (a
/// value cannot start a heading, a list or a block). A value from the edition or
/// from data/ goes into Markdown so.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '&' | '~' | '!' | '#' | '|' | '{'
            | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The container a line of tailored text opens (`Some(Some(n))`) or closes
/// (`Some(None)`), if it is such a line.
pub fn container_mark(line: &str) -> Option<Option<usize>> {
    let line = line.trim();
    if let Some(number) = line.strip_prefix(marks::OPEN) {
        return number.parse().ok().map(Some);
    }
    (line == marks::CLOSE.to_string()).then_some(None)
}

/// The values `{{ … }}` can name.
pub struct Values<'a> {
    pub org: &'a Org,
    /// Labels of `org.size` and `org.sector`, already in the edition's language.
    pub org_size_label: Option<String>,
    pub org_sector_label: Option<String>,
    pub variables: &'a BTreeMap<String, String>,
    /// Data files by stem; `None` for one that did not parse (its values read as
    /// empty: the file's own error is reported once).
    pub data: &'a HashMap<String, Option<Value>>,
    /// The legal references `{{ article.<id> }}` cites.
    pub references: &'a References,
    /// The edition's language, the citations' words.
    pub language: crate::edition::Language,
}

/// A placeholder's value: text to show as written, or Markdown made by the build
/// (a blank's mark, a citation's link).
enum Filled {
    Text(String),
    Markdown(String),
}

impl<'a> Values<'a> {
    /// The values of an edition's settings, its data files, and the labels of the
    /// size and sector it is tailored to.
    pub fn of_edition(
        settings: &'a crate::edition::Settings,
        audience: Audience,
        labels: &crate::i18n::Labels,
        data: &'a HashMap<String, Option<Value>>,
        references: &'a References,
    ) -> Values<'a> {
        Values {
            org: &settings.org,
            org_size_label: audience
                .size
                .map(|s| labels.get(&format!("size_{}", s.id())).to_string()),
            org_sector_label: audience
                .sector
                .map(|s| labels.get(&format!("sector_{}", s.id())).to_string()),
            variables: &settings.variables,
            data,
            references,
            language: settings.language,
        }
    }

    /// The fingerprint of the values (a session tells by it whether a page tailored
    /// by an earlier build was tailored with the same).
    pub fn fingerprint(&self) -> u64 {
        // Sorted, so that the same data give the same fingerprint.
        let data: BTreeMap<&String, &Option<Value>> = self.data.iter().collect();
        crate::fingerprint::Fingerprint::new()
            .with_json(self.org)
            .with(&self.org_size_label)
            .with(&self.org_sector_label)
            .with(self.variables)
            .with_json(&data)
            .with(self.references)
            .finish()
    }
}

/// A tailored page: its front matter filled and its parts filtered, and its body.
/// Shared: a live preview's session gives back the same page while its source and
/// the audience stay the same.
pub type Tailored = (Arc<Document>, Arc<TailoredBody>);

/// The tailor stage: the documents this edition builds (drafts only when asked,
/// pages whose sizes and sectors admit the audience), each tailored, in parallel.
pub fn pages(
    documents: Vec<Arc<Document>>,
    audience: Audience,
    values: &Values,
    drafts: bool,
    session: &Session,
) -> (Vec<Tailored>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    session.tailor_with(
        crate::fingerprint::Fingerprint::new()
            .with(&audience)
            .with(&values.fingerprint())
            .finish(),
    );
    let results: Vec<Result<Tailored, Vec<Diagnostic>>> = documents
        .into_par_iter()
        .filter(|d| drafts || !d.common.draft)
        .filter(|d| audience.admits(d.common.sizes, d.common.sectors))
        .map(|doc| {
            let key = (doc.source.path.clone(), doc.rel_path.clone());
            if let Some(kept) = session.tailored(&key, &doc.source) {
                return Ok(kept);
            }
            let source = doc.source.clone();
            let result = tailor_document(Arc::unwrap_or_clone(doc), audience, values)
                .map(|(doc, body)| (Arc::new(doc), Arc::new(body)));
            if let Ok(page) = &result {
                session.keep_tailored(key, source, page);
            }
            result
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(page) => pages.push(page),
            Err(found) => problems.extend(found),
        }
    }
    (pages, problems)
}

/// One document tailored: its front matter filled, its parts filtered, its body
/// tailored.
fn tailor_document(
    mut doc: Document,
    audience: Audience,
    values: &Values,
) -> Result<(Document, TailoredBody), Vec<Diagnostic>> {
    let declared: Vec<Variable> = match &doc.data {
        KindData::Charter(c) => c.variables.clone(),
        _ => Vec::new(),
    };
    let mut problems = Vec::new();
    match fill_fields(&doc.common, values, &declared) {
        Ok(common) => doc.common = common,
        Err(found) => problems.extend(placeholder_errors(&doc, found)),
    }
    filter_parts(&mut doc.data, audience);
    doc.common
        .sources
        .retain(|s| audience.admits(s.sizes, s.sectors));
    // The fields shown as Markdown take their values as text; the others (a title)
    // are escaped where they are shown.
    let mut found = Vec::new();
    for field in doc.data.inline_fields_mut() {
        if field.contains("{{") {
            *field = fill_field(field, true, values, &declared, &mut found);
        }
    }
    // A field whose placeholder is wrong is reported once, by this first pass.
    if found.is_empty() {
        match fill_kind(&doc.data, values, &declared) {
            Ok(data) => doc.data = data,
            Err(found) => problems.extend(placeholder_errors(&doc, found)),
        }
    } else {
        problems.extend(placeholder_errors(&doc, found));
    }
    let (body, found) = if needs_tailoring(doc.body()) {
        tailor_body(doc.body(), doc.body_line(), audience, values, &declared)
    } else {
        (
            TailoredBody::unchanged(&doc.source, doc.body_start),
            Vec::new(),
        )
    };
    for (at, message, hint) in found {
        problems.push(
            Diagnostic::error(message)
                .at(&doc.source, doc.body_start + at..doc.body_start + at)
                .hint(hint),
        );
    }
    if problems.is_empty() {
        Ok((doc, body))
    } else {
        Err(problems)
    }
}

/// Problems in front matter values name their placeholder: point at it.
fn placeholder_errors(doc: &Document, found: Vec<(String, String, String)>) -> Vec<Diagnostic> {
    let yaml = &doc.source.text[doc.front_matter.clone()];
    found
        .into_iter()
        .map(|(placeholder, message, hint)| {
            let at = yaml.find(&placeholder).unwrap_or(0) + doc.front_matter.start;
            let span = at..at + placeholder.len().min(doc.source.text.len() - at);
            Diagnostic::error(message).at(&doc.source, span).hint(hint)
        })
        .collect()
}

impl Values<'_> {
    /// The value of `name` (in a `markdown` text, a citation is a link), or why
    /// it has none.
    fn lookup(&self, name: &str, declared: &[Variable], markdown: bool) -> Result<Filled, String> {
        if let Some(id) = name.strip_prefix("article.") {
            if self.references.unreadable {
                return Ok(Filled::Text(String::new()));
            }
            let cite = self
                .references
                .citation(id, self.language, markdown)
                .ok_or_else(|| {
                    format!(
                        "`{id}` is not an article of `data/{}.yaml`",
                        crate::references::STEM
                    )
                })?;
            return Ok(if markdown {
                Filled::Markdown(cite)
            } else {
                Filled::Text(cite)
            });
        }
        let text = self.plain(name, declared)?;
        // A blank's mark escapes its own label.
        Ok(if text.starts_with(marks::BLANK) {
            Filled::Markdown(text)
        } else {
            Filled::Text(text)
        })
    }

    /// The text of `name`, or why it has none.
    fn plain(&self, name: &str, declared: &[Variable]) -> Result<String, String> {
        let unknown = || Err(format!("`{name}` is not defined by this edition"));
        let mut parts = name.splitn(2, '.');
        let (Some(root), rest) = (parts.next(), parts.next()) else {
            return unknown();
        };
        match (root, rest) {
            ("org", Some("name")) => self.org.name.clone().map_or_else(unknown, Ok),
            ("org", Some("size")) => self.org_size_label.clone().map_or_else(unknown, Ok),
            ("org", Some("sector")) => self.org_sector_label.clone().map_or_else(unknown, Ok),
            ("org", Some(key)) if key.starts_with("contacts.") => self
                .org
                .contacts
                .get(&key["contacts.".len()..])
                .cloned()
                .map_or_else(unknown, Ok),
            ("var", Some(key)) => match self.variables.get(key) {
                Some(value) => Ok(value.clone()),
                None => match declared.iter().find(|v| v.name == key) {
                    Some(v) => Ok(blank_mark(&v.name, &v.label)),
                    None => unknown(),
                },
            },
            ("data", Some(path)) => {
                let mut keys = path.split('.');
                let file = keys.next().unwrap_or_default();
                let Some(file_value) = self.data.get(file) else {
                    return Err(format!("there is no data file `data/{file}.yaml`"));
                };
                let Some(mut value) = file_value.as_ref() else {
                    return Ok(String::new());
                };
                for key in keys {
                    value = value.get(key).ok_or_else(|| {
                        format!("`{name}`: `data/{file}.yaml` has no key `{key}` here")
                    })?;
                }
                match value {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(format!(
                        "`{name}` is not a single value: name one of its keys"
                    )),
                }
            }
            _ => unknown(),
        }
    }

    /// Every name an edition defines, for "did you mean".
    fn known_names(&self, declared: &[Variable]) -> Vec<String> {
        let mut names = vec![
            "org.name".to_string(),
            "org.size".to_string(),
            "org.sector".to_string(),
        ];
        names.extend(
            self.org
                .contacts
                .keys()
                .map(|k| format!("org.contacts.{k}")),
        );
        names.extend(self.variables.keys().map(|k| format!("var.{k}")));
        names.extend(declared.iter().map(|v| format!("var.{}", v.name)));
        names.extend(self.references.ids().map(|id| format!("article.{id}")));
        for (file, value) in self.data {
            if let Some(value) = value {
                collect_data_names(&format!("data.{file}"), value, &mut names);
            }
        }
        names
    }
}

fn collect_data_names(prefix: &str, value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                if let Some(key) = key.as_str() {
                    collect_data_names(&format!("{prefix}.{key}"), value, names);
                }
            }
        }
        _ => names.push(prefix.to_string()),
    }
}

pub fn html_escape(text: &str) -> String {
    // By bytes: the five characters are ASCII, and a UTF-8 sequence never holds an
    // ASCII byte, so slicing at them is safe. Templates call this for every value.
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(entity);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// One `{{ name }}` found in a text.
struct Placeholder<'t> {
    range: Range<usize>,
    name: &'t str,
}

/// Finds the placeholders of a text, or the offset of a malformed `{{`.
fn placeholders(text: &str) -> Vec<Result<Placeholder<'_>, usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let Some(len) = text[start + 2..].find("}}") else {
            found.push(Err(start));
            break;
        };
        let name = text[start + 2..start + 2 + len].trim();
        let end = start + 2 + len + 2;
        if !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
        {
            found.push(Ok(Placeholder {
                range: start..end,
                name,
            }));
        } else {
            found.push(Err(start));
        }
        from = end;
    }
    found
}

/// Fills the placeholders of `text` outside the `protected` ranges (sorted).
/// In a `markdown` text, each value is escaped so as to read as text.
/// Problems are returned with their byte offset in `text`.
fn fill(
    text: &str,
    markdown: bool,
    protected: &[Range<usize>],
    values: &Values,
    declared: &[Variable],
    problems: &mut Vec<(usize, String, String)>,
) -> String {
    if !text.contains("{{") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for found in placeholders(text) {
        match found {
            Ok(p) => {
                if protected
                    .iter()
                    .any(|r| r.start <= p.range.start && p.range.start < r.end)
                {
                    continue;
                }
                match values.lookup(p.name, declared, markdown) {
                    Ok(value) => {
                        out.push_str(&text[copied..p.range.start]);
                        match value {
                            Filled::Text(value) if markdown => {
                                out.push_str(&markdown_escape(&value))
                            }
                            Filled::Text(value) | Filled::Markdown(value) => out.push_str(&value),
                        }
                        copied = p.range.end;
                    }
                    Err(message) => {
                        let known = values.known_names(declared);
                        let hint = match did_you_mean(p.name, known.iter().map(String::as_str)) {
                            _ if known.iter().any(|k| k == p.name) => format!(
                                "give `{}` a value in handbook.yaml (or in the edition it extends)",
                                p.name
                            ),
                            Some(k) => format!("did you mean `{k}`?"),
                            None => "define it in handbook.yaml (`org:`, `variables:`) or in data/; to show braces literally, put them in a code span".into(),
                        };
                        problems.push((p.range.start, message, hint));
                    }
                }
            }
            Err(at) => {
                if !protected.iter().any(|r| r.start <= at && at < r.end) {
                    problems.push((
                        at,
                        "`{{` opens no value".into(),
                        "write values as `{{ org.name }}`; to show braces literally, put them in a code span".into(),
                    ));
                }
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// A body after tailoring: its Markdown, and where each of its lines came from.
#[derive(Debug, Clone)]
pub struct TailoredBody {
    text: BodyText,
    /// The containers the text's marks open, by number.
    containers: Vec<Container>,
    /// Where a tailored text's lines start, computed on first use.
    lines: std::sync::OnceLock<LineIndex>,
    /// The source line (1-based) of each line of the text; none when the text is
    /// the source's own body, whose lines follow from `first_line`.
    line_map: Option<Vec<usize>>,
    first_line: usize,
}

/// A body's text: the source file's own when nothing needed tailoring (so a large
/// corpus is not held twice), or a tailored copy.
#[derive(Debug, Clone)]
enum BodyText {
    Source(Arc<SourceFile>, usize),
    Tailored(String),
}

impl PartialEq for TailoredBody {
    /// The same Markdown, containers and line mapping (so the same HTML and the
    /// same lines in messages).
    fn eq(&self, other: &TailoredBody) -> bool {
        self.text() == other.text()
            && self.containers == other.containers
            && self.line_map == other.line_map
            && self.first_line == other.first_line
    }
}

impl TailoredBody {
    /// A body that needs no tailoring, read in place from its source file.
    pub fn unchanged(source: &Arc<SourceFile>, body_start: usize) -> TailoredBody {
        TailoredBody {
            text: BodyText::Source(source.clone(), body_start),
            containers: Vec::new(),
            lines: Default::default(),
            line_map: None,
            first_line: line_of(&source.text, body_start),
        }
    }

    /// A body given as text whose first line is `first_line` of its source.
    pub fn from_text(text: String, first_line: usize) -> TailoredBody {
        let line_map =
            (first_line..first_line + text.split_inclusive('\n').count().max(1)).collect();
        TailoredBody {
            text: BodyText::Tailored(text),
            containers: Vec::new(),
            lines: Default::default(),
            line_map: Some(line_map),
            first_line,
        }
    }

    /// Container `n`, opened by a mark of the text.
    pub fn container(&self, n: usize) -> Option<&Container> {
        self.containers.get(n)
    }

    pub fn text(&self) -> &str {
        match &self.text {
            BodyText::Source(source, start) => &source.text[*start..],
            BodyText::Tailored(text) => text,
        }
    }

    /// The source line of a byte offset of the text.
    pub fn source_line(&self, offset: usize) -> usize {
        let text = match &self.text {
            // The source's own text: its index gives the file's line.
            BodyText::Source(source, start) => return source.lines().line(start + offset),
            BodyText::Tailored(text) => text,
        };
        let line = self.lines.get_or_init(|| LineIndex::new(text)).line(offset);
        match &self.line_map {
            None => self.first_line + line - 1,
            Some(map) => map
                .get(line - 1)
                .or(map.last())
                .copied()
                .unwrap_or(self.first_line),
        }
    }

    /// The source lines of the text's lines, in order.
    pub fn line_map(&self) -> Vec<usize> {
        match &self.line_map {
            Some(map) => map.clone(),
            None => (self.first_line
                ..self.first_line + self.text().split_inclusive('\n').count().max(1))
                .collect(),
        }
    }
}

/// Whether a body has anything to tailor: `:::` blocks or `{{ … }}` values.
pub fn needs_tailoring(body: &str) -> bool {
    body.contains(":::") || body.contains("{{")
}

/// The byte ranges of code spans and code blocks in Markdown text.
pub fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

struct OpenBlock {
    /// Where its `:::` line starts in the body.
    offset: usize,
    keep: bool,
    wrapped: bool,
}

/// Whether a `sizes` or `sectors` block is kept for the audience's choice, and the
/// variant it is when the edition keeps every variant (no choice).
fn variant_block<T: Member>(
    spec: &str,
    chosen: Option<T>,
) -> Result<(bool, Option<Container>), String> {
    let set = Set::<T>::parse_spec(spec)?;
    Ok(match chosen {
        Some(member) => (set.contains(member), None),
        None => (
            true,
            Some(Container::Variant {
                dimension: match T::WHAT {
                    "size" => "sizes",
                    _ => "sectors",
                },
                ids: T::ALL
                    .iter()
                    .filter(|m| set.contains(**m))
                    .map(|m| m.id())
                    .collect(),
            }),
        ),
    })
}

/// Resolves the `:::` blocks and `{{ … }}` values of a body. `first_line` is the
/// body's first line in the source file.
pub fn tailor_body(
    body: &str,
    first_line: usize,
    audience: Audience,
    values: &Values,
    declared: &[Variable],
) -> (TailoredBody, Vec<(usize, String, String)>) {
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    if !needs_tailoring(body) {
        return (
            TailoredBody::from_text(body.to_string(), first_line),
            problems,
        );
    }
    let protected = code_ranges(body);
    let in_block = |offset: usize| {
        protected
            .iter()
            .any(|r| r.start <= offset && offset < r.end)
    };
    let mut out = String::with_capacity(body.len() + 256);
    let mut line_map = Vec::new();
    let mut containers = Vec::new();
    let mut stack: Vec<OpenBlock> = Vec::new();
    let mut offset = 0;
    let emit = |out: &mut String, line_map: &mut Vec<usize>, text: &str, line: usize| {
        out.push_str(text);
        out.push('\n');
        line_map.push(line);
    };
    for (index, raw) in body.split_inclusive('\n').enumerate() {
        let line_no = first_line + index;
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let start = offset;
        offset += raw.len();
        let visible = stack.iter().all(|b| b.keep);
        let trimmed = line.trim();
        let is_container = trimmed.starts_with(":::")
            && line.len() - line.trim_start().len() < 4
            && !in_block(start);
        if is_container {
            let rest = trimmed.trim_start_matches(':').trim();
            if rest.is_empty() {
                match stack.pop() {
                    Some(block) => {
                        if block.wrapped && visible {
                            emit(&mut out, &mut line_map, "", line_no);
                            emit(&mut out, &mut line_map, &marks::CLOSE.to_string(), line_no);
                            emit(&mut out, &mut line_map, "", line_no);
                        }
                    }
                    None => problems.push((
                        start,
                        "this `:::` closes no open block".into(),
                        "remove it, or open a block above it (`::: note`, `::: sizes micro small`…)".into(),
                    )),
                }
                continue;
            }
            let (name, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let arg = arg.trim();
            let (keep, container) = match name {
                "sizes" | "sectors" => {
                    let block = match name {
                        "sizes" => variant_block::<Size>(arg, audience.size),
                        _ => variant_block::<Sector>(arg, audience.sector),
                    };
                    block.unwrap_or_else(|message| {
                        let hint = match name {
                            "sizes" => "write `::: sizes micro small`, `::: sizes medium+` or `::: sizes ..small`",
                            _ => "write `::: sectors public` or `::: sectors private`",
                        };
                        problems.push((start, message, hint.into()));
                        (true, None)
                    })
                }
                "note" | "tip" | "warning" | "suggestion" => {
                    let title = (!arg.is_empty()).then(|| {
                        let mut title_problems = Vec::new();
                        let title = fill(arg, true, &[], values, declared, &mut title_problems);
                        problems.extend(title_problems.into_iter().map(|(_, m, h)| (start, m, h)));
                        title
                    });
                    let kind = match name {
                        "note" => "note",
                        "tip" => "tip",
                        "suggestion" => "suggestion",
                        _ => "warning",
                    };
                    (true, Some(Container::Admonition { kind, title }))
                }
                other => {
                    let hint =
                        match did_you_mean(other, ["sizes", "sectors", "note", "tip", "warning", "suggestion"]) {
                            Some(known) => format!("did you mean `::: {known}`?"),
                            None => {
                                "blocks are `sizes`, `sectors`, `note`, `tip`, `warning` and `suggestion`".into()
                            }
                        };
                    problems.push((start, format!("unknown block `::: {other}`"), hint));
                    (true, None)
                }
            };
            let wrapped = container.is_some();
            if let (Some(container), true) = (container, visible && keep) {
                let mark = format!("{}{}", marks::OPEN, containers.len());
                containers.push(container);
                emit(&mut out, &mut line_map, "", line_no);
                emit(&mut out, &mut line_map, &mark, line_no);
                emit(&mut out, &mut line_map, "", line_no);
            }
            stack.push(OpenBlock {
                offset: start,
                keep,
                wrapped,
            });
            continue;
        }
        if !visible {
            continue;
        }
        if in_block(start) || !line.contains("{{") {
            emit(&mut out, &mut line_map, line, line_no);
            continue;
        }
        let local: Vec<Range<usize>> = protected
            .iter()
            .filter(|r| r.end > start && r.start < start + line.len())
            .map(|r| r.start.saturating_sub(start)..r.end.saturating_sub(start).min(line.len()))
            .collect();
        let mut line_problems = Vec::new();
        let filled = fill(line, true, &local, values, declared, &mut line_problems);
        problems.extend(
            line_problems
                .into_iter()
                .map(|(at, m, h)| (start + at, m, h)),
        );
        emit(&mut out, &mut line_map, &filled, line_no);
    }
    for block in stack {
        problems.push((
            block.offset,
            "this `:::` block is never closed".into(),
            "add a line `:::` where the block ends".into(),
        ));
    }
    if line_map.is_empty() {
        line_map.push(first_line);
    }
    let body = TailoredBody {
        text: BodyText::Tailored(out),
        containers,
        lines: Default::default(),
        line_map: Some(line_map),
        first_line,
    };
    (body, problems)
}

/// Fills the placeholders of every text field of a front matter struct, by way of
/// its YAML value. Problems name the placeholder, which the caller locates.
pub fn fill_fields<T>(
    fields: &T,
    values: &Values,
    declared: &[Variable],
) -> Result<T, Vec<(String, String, String)>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone,
{
    let mut value = serde_yaml_ng::to_value(fields).expect("front matter serialises");
    let mut problems = Vec::new();
    let mut changed = false;
    fill_value(&mut value, values, declared, &mut problems, &mut changed);
    if !problems.is_empty() {
        return Err(problems);
    }
    if !changed {
        return Ok(fields.clone());
    }
    Ok(
        serde_yaml_ng::from_value(value)
            .expect("filled front matter deserialises as it serialised"),
    )
}

/// A front matter text filled; its problems name their placeholder.
fn fill_field(
    text: &str,
    markdown: bool,
    values: &Values,
    declared: &[Variable],
    problems: &mut Vec<(String, String, String)>,
) -> String {
    let mut found = Vec::new();
    let filled = fill(
        text,
        markdown,
        &code_ranges(text),
        values,
        declared,
        &mut found,
    );
    for (at, message, hint) in found {
        let placeholder = text[at..].split("}}").next().unwrap_or("{{").to_string();
        problems.push((placeholder, message, hint));
    }
    filled
}

fn fill_value(
    value: &mut Value,
    values: &Values,
    declared: &[Variable],
    problems: &mut Vec<(String, String, String)>,
    changed: &mut bool,
) {
    match value {
        Value::String(text) if text.contains("{{") => {
            *text = fill_field(text, false, values, declared, problems);
            *changed = true;
        }
        Value::Sequence(items) => {
            for item in items {
                fill_value(item, values, declared, problems, changed);
            }
        }
        Value::Mapping(map) => {
            for (_, item) in map.iter_mut() {
                fill_value(item, values, declared, problems, changed);
            }
        }
        _ => {}
    }
}

/// Fills the placeholders of a document's kind-specific fields.
pub fn fill_kind(
    data: &KindData,
    values: &Values,
    declared: &[Variable],
) -> Result<KindData, Vec<(String, String, String)>> {
    Ok(match data {
        KindData::Playbook(d) => KindData::Playbook(fill_fields(d, values, declared)?),
        KindData::Charter(d) => KindData::Charter(fill_fields(d, values, declared)?),
        KindData::Role(d) => KindData::Role(fill_fields(d, values, declared)?),
        KindData::Myth(d) => KindData::Myth(fill_fields(d, values, declared)?),
        KindData::Comms(d) => KindData::Comms(fill_fields(d, values, declared)?),
        KindData::Case(d) => KindData::Case(fill_fields(d, values, declared)?),
        KindData::Assessment(d) => KindData::Assessment(fill_fields(d, values, declared)?),
        KindData::Page(d) => KindData::Page(d.clone()),
    })
}

/// Drops the steps, clauses and legal bases that do not apply to the audience.
pub fn filter_parts(data: &mut KindData, audience: Audience) {
    match data {
        KindData::Role(role) => role
            .legal_basis
            .retain(|b| audience.admits(b.sizes, b.sectors)),
        KindData::Playbook(playbook) => playbook
            .steps
            .retain(|s| audience.admits(s.sizes, s.sectors)),
        KindData::Charter(charter) => charter
            .clauses
            .retain(|c| audience.admits(c.sizes, c.sectors)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str, audience: Audience) -> (String, Vec<String>) {
        let (out, problems) = tailored(body, audience);
        (out.text().to_string(), problems)
    }

    fn tailored(body: &str, audience: Audience) -> (TailoredBody, Vec<String>) {
        let org = Org {
            name: Some("ACME".into()),
            contacts: [("dpo".to_string(), "Jo".to_string())].into(),
            ..Org::default()
        };
        let variables: BTreeMap<String, String> =
            [("outil".to_string(), "Chat interne".to_string())].into();
        let data: HashMap<String, Option<Value>> = [
            (
                "reg".to_string(),
                Some(serde_yaml_ng::from_str("ai_act: { date: 2 août 2026 }").unwrap()),
            ),
            ("casse".to_string(), None),
        ]
        .into();
        let values = Values {
            org: &org,
            org_size_label: None,
            org_sector_label: None,
            variables: &variables,
            data: &data,
            references: &References::default(),
            language: crate::edition::Language::Fr,
        };
        let declared = [Variable {
            name: "vide".into(),
            label: "À remplir".into(),
            example: None,
        }];
        let (out, problems) = tailor_body(body, 1, audience, &values, &declared);
        (out, problems.into_iter().map(|p| p.1).collect())
    }

    const ALL: Audience = Audience {
        size: None,
        sector: None,
    };

    #[test]
    fn nested_blocks_keep_only_what_applies() {
        let body = "::: sizes ..small\nPetit.\n\n::: sectors public\nPetit public.\n:::\n:::\n::: sizes eti+\nGrand.\n:::\n";
        let micro_private = Audience {
            size: Some(Size::Micro),
            sector: Some(Sector::Private),
        };
        let (out, problems) = run(body, micro_private);
        assert!(problems.is_empty());
        assert!(
            out.contains("Petit.") && !out.contains("Petit public.") && !out.contains("Grand."),
            "{out}"
        );
        let micro_public = Audience {
            size: Some(Size::Micro),
            sector: Some(Sector::Public),
        };
        assert!(run(body, micro_public).0.contains("Petit public."));
    }

    fn containers(body: &str) -> (String, Vec<Container>) {
        let (out, problems) = tailored(body, ALL);
        assert!(problems.is_empty(), "{problems:?}");
        let found = (0..).map_while(|n| out.container(n).cloned()).collect();
        (out.text().to_string(), found)
    }

    #[test]
    fn the_generic_edition_keeps_each_variant_as_a_container_not_html() {
        let (out, found) = containers("::: sizes medium+\nMoyen.\n:::\n");
        assert_eq!(
            found,
            [Container::Variant {
                dimension: "sizes",
                ids: vec!["medium", "eti", "ge"]
            }]
        );
        assert_eq!(out, "\n\u{FDD3}0\n\nMoyen.\n\n\u{FDD4}\n\n");
        assert!(!out.contains('<'));
    }

    #[test]
    fn admonitions_keep_the_title_the_author_gave_with_values_filled() {
        let (_, found) = containers(
            "::: tip\nAstuce.\n:::\n::: warning Données & {{ org.name }}\nAttention.\n:::\n",
        );
        assert_eq!(
            found,
            [
                Container::Admonition {
                    kind: "tip",
                    title: None
                },
                Container::Admonition {
                    kind: "warning",
                    title: Some("Données & ACME".into())
                }
            ]
        );
    }

    #[test]
    fn a_blank_is_a_mark_that_splits_back_into_name_and_label() {
        let mark = blank_mark("outil", "L'outil *interne*");
        assert_eq!(
            pieces(&format!("Avec {mark}.")),
            [
                Piece::Text("Avec "),
                Piece::Blank {
                    name: "outil",
                    label: "L'outil \\*interne\\*"
                },
                Piece::Text(".")
            ]
        );
        assert_eq!(container_mark("\u{FDD3}12"), Some(Some(12)));
        assert_eq!(container_mark("\u{FDD4}"), Some(None));
        assert_eq!(container_mark("texte"), None);
    }

    #[test]
    fn blocks_inside_code_are_left_alone() {
        let (out, problems) = run(
            "```\n::: sizes micro\n{{ org.name }}\n```\n",
            Audience {
                size: Some(Size::Ge),
                sector: None,
            },
        );
        assert!(problems.is_empty());
        assert!(out.contains("::: sizes micro\n{{ org.name }}"));
    }

    #[test]
    fn every_kind_of_value_is_filled() {
        let (out, problems) = run("{{ org.name }} {{org.contacts.dpo}} {{ var.outil }} {{ data.reg.ai_act.date }} {{ var.vide }}{{ data.casse.x }}\n", ALL);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(
            out.starts_with(
                "ACME Jo Chat interne 2 août 2026 \u{FDD0}vide\u{FDD1}À remplir\u{FDD2}"
            ),
            "{out}"
        );
    }

    #[test]
    fn mistakes_are_reported() {
        let (_, problems) = run(
            ":::\n::: sizes xl\n:::\n::: bloc\n:::\n{{ org.x }} {{ data.reg.ai_act }} {{ oops\n",
            ALL,
        );
        let joined = problems.join("\n");
        for expected in [
            "closes no open block",
            "unknown size `xl`",
            "unknown block `::: bloc`",
            "`org.x` is not defined",
            "not a single value",
            "opens no value",
        ] {
            assert!(
                joined.contains(expected),
                "{expected:?} missing from {joined}"
            );
        }
    }

    #[test]
    fn front_matter_fields_are_filled() {
        let org = Org {
            name: Some("ACME".into()),
            ..Org::default()
        };
        let variables = BTreeMap::new();
        let data = HashMap::new();
        let values = Values {
            org: &org,
            org_size_label: None,
            org_sector_label: None,
            variables: &variables,
            data: &data,
            references: &References::default(),
            language: crate::edition::Language::Fr,
        };
        let myth = Myth {
            claim: "{{ org.name }} est trop petite".into(),
            verdict: Verdict::False,
            fact: "`{{ org.name }}`".into(),
        };
        let filled = fill_fields(&myth, &values, &[]).unwrap();
        assert_eq!(filled.claim, "ACME est trop petite");
        assert_eq!(filled.fact, "`{{ org.name }}`");
        let bad = Myth {
            claim: "{{ org.nom }}".into(),
            ..myth
        };
        assert!(fill_fields(&bad, &values, &[]).is_err());
    }
}
