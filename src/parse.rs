//! Parse stage: one content file's bytes into a typed `Document`.
//!
//! It checks the encoding, splits the YAML front matter from the Markdown body, and
//! deserialises the front matter into the common fields and the kind's own struct,
//! reporting every problem of the file (syntax, types, unknown fields) with its line.
//! It does not look at other files: cross-references are the validate stage's job.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_yaml_ng::Value;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::edition::Origin;
use crate::model::*;
use crate::spans::{Index, Key, YamlSpans};

/// The largest source file a build reads (a page, a data file, handbook.yaml). The
/// longest page of the default handbook is about 30 KB; a file past this limit is a
/// mistake or an attack, and parsing it would cost time and memory for nothing.
pub const MAX_SOURCE_BYTES: u64 = 8 * 1024 * 1024;

/// The parse stage's product: every content file that parsed, and the ids (file
/// stems) of those that did not, so that links to them are not reported as broken
/// on top of their own errors.
pub struct Corpus {
    pub documents: Vec<Arc<Document>>,
    pub unparsed: std::collections::HashSet<String>,
}

/// A content file parsed, or its problems.
type Parsed = Result<Arc<Document>, Vec<Diagnostic>>;

/// The parse stage: reads and parses every content file of the edition, in
/// parallel; a file whose text an earlier build of `session` parsed is not parsed
/// again.
pub fn corpus(
    edition: &crate::edition::Edition,
    session: &crate::session::Session,
) -> (Corpus, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let files: Vec<(&String, &Origin)> = edition
        .origins("content")
        .filter(|(rel, _)| rel.ends_with(".md"))
        .collect();
    // The names of the files a watcher saw change since the last build, when it
    // knows.
    let changed = session.take_watched_changes();
    let results: Vec<(&String, Parsed)> = files
        .into_par_iter()
        .map(|(rel, origin)| {
            // The watcher sees a linked file change at its target's path.
            let unchanged = changed.as_ref().is_some_and(|changed| {
                let name = origin.path.file_name().unwrap_or_default();
                !origin.linked && !changed.contains(name)
            });
            (rel, load_document(rel, &origin.path, unchanged, session))
        })
        .collect();
    let mut corpus = Corpus {
        documents: Vec::with_capacity(results.len()),
        unparsed: Default::default(),
    };
    let mut problems = Vec::new();
    for (rel, result) in results {
        match result {
            Ok(doc) => corpus.documents.push(doc),
            Err(found) => {
                let stem = rel.rsplit('/').next().unwrap_or_default();
                corpus
                    .unparsed
                    .insert(stem.trim_end_matches(".md").to_string());
                problems.extend(found);
            }
        }
    }
    (corpus, problems)
}

/// Reads and parses the content file `rel` (its path under content/) at `path`;
/// when it is known to be `unchanged` since the last build, takes the document the
/// session kept, if any.
fn load_document(
    rel: &str,
    path: &Path,
    unchanged: bool,
    session: &crate::session::Session,
) -> Parsed {
    let folder = rel.split('/').next().unwrap_or_default();
    let Some(kind) = Kind::from_folder(folder).filter(|_| rel.contains('/')) else {
        let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
        return Err(vec![Diagnostic::error(format!(
            "content/{rel} is not in a folder of a kind"
        ))
        .in_file(path)
        .hint(format!(
            "move it into one of content/{{{}}}/",
            folders.join(", ")
        ))]);
    };
    if unchanged {
        if let Some(doc) = session.kept_document(path, rel) {
            return Ok(doc);
        }
    }
    // Taken before reading, so that a write during the read makes it read again.
    let stamp = crate::session::FileStamp::of(path);
    if let Some(doc) = stamp
        .as_ref()
        .and_then(|stamp| session.unchanged_document(path, rel, stamp))
    {
        return Ok(doc);
    }
    let bytes = read_source(path).map_err(|err| {
        vec![Diagnostic::error(format!("cannot read the file: {err}"))
            .in_file(path)
            .hint("check that the file is readable by you and is a text file")]
    })?;
    let source = decode(path.to_path_buf(), bytes).map_err(|d| vec![d])?;
    session.document(path, rel, source, stamp, |source| {
        parse_document(kind, rel, source)
    })
}

/// Reads a source file, refusing one larger than `MAX_SOURCE_BYTES` without
/// reading it whole.
pub fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} MiB, the limit for a source file (split it into several pages)",
                MAX_SOURCE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// Text read from disk: UTF-8 without BOM, with LF line endings, and no NUL (which
/// no text needs, and which would pass into the HTML) nor the noncharacters that
/// tailoring uses as marks (`tailor::marks`).
pub fn decode(path: PathBuf, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(Diagnostic::error(format!(
                "line {line}: the file is not valid UTF-8 (byte 0x{:02x} at offset {valid})",
                bytes[valid]
            ))
            .in_file(path)
            .hint("save the file as UTF-8 (in most editors: « Save with encoding » → UTF-8)"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    let forbidden = forbidden_char(&text);
    let source = Arc::new(SourceFile::new(path, text));
    if let Some(problem) = conflict_error(&source) {
        return Err(problem);
    }
    if let Some((at, c)) = forbidden {
        let (message, hint) = if c == '\0' {
            ("the file holds a NUL character (a zero byte)", "delete it (an editor that shows invisible characters finds it); a NUL in a text file is usually the trace of a bad copy or a binary file")
        } else {
            ("the file holds a Unicode noncharacter (U+FDD0 to U+FDEF), which gouvernail keeps for its own marks", "delete it: no text needs one (an editor that shows invisible characters finds it)")
        };
        return Err(Diagnostic::error(message)
            .at(&source, at..at + c.len_utf8())
            .hint(hint));
    }
    Ok(source)
}

/// Where a merge left its conflict markers in `text`: the `<<<<<<<` line, when a
/// `=======` line and then a `>>>>>>>` line follow it. A lone `=======` is a
/// Markdown heading's underline, not a conflict.
pub fn conflict_markers(text: &str) -> Option<std::ops::Range<usize>> {
    if !text.contains("<<<<<<<") {
        return None;
    }
    let marker = |line: &str, mark: &str| {
        line.strip_prefix(mark)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    let mut start = None;
    let mut middle = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if marker(bare, "<<<<<<<") {
            start = Some(at..at + bare.len());
            middle = false;
        } else if start.is_some() && bare == "=======" {
            middle = true;
        } else if middle && marker(bare, ">>>>>>>") {
            return start;
        }
        at += line.len();
    }
    None
}

/// What the error for a file a merge left half done says.
const CONFLICT: &str =
    "the file holds an unresolved merge conflict (<<<<<<<, =======, >>>>>>> lines)";

/// The error for a text file a merge left half done, at its first conflict.
pub fn conflict_error(source: &Arc<SourceFile>) -> Option<Diagnostic> {
    let at = conflict_markers(&source.text)?;
    Some(
        Diagnostic::error(CONFLICT)
            .at(source, at)
            .hint("keep the right text of each conflict and delete its marker lines (<<<<<<<, |||||||, =======, >>>>>>>); a half-merged file is never published"),
    )
}

/// Whether `problem` is a file's unresolved merge conflict.
pub fn is_conflict(problem: &Diagnostic) -> bool {
    problem.message == CONFLICT
}

/// The first NUL or reserved noncharacter (`tailor::marks::RESERVED`) of a text, by
/// byte search: this runs on every source file, where a walk over its characters
/// cost a twentieth of a build.
fn forbidden_char(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let nul = memchr::memchr(0, bytes);
    // U+FDD0..U+FDEF are EF B7 90..AF in UTF-8.
    let reserved = memchr::memmem::find_iter(bytes, b"\xEF\xB7")
        .find(|&at| bytes.get(at + 2).is_some_and(|b| (0x90..=0xAF).contains(b)));
    let at = match (nul, reserved) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    text[at..].chars().next().map(|c| (at, c))
}

/// Where the front matter and the body are in a file's text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML between the two `---` lines.
    pub front_matter: std::ops::Range<usize>,
    /// Byte offset where the body starts.
    pub body_start: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    Empty,
    NoFrontMatter,
    NeverClosed,
}

/// Splits front matter (between a first line `---` and the next `---` line) from
/// the body. The text has LF line endings.
pub fn split_front_matter(text: &str) -> Result<Split, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let is_fence = |line: &str| line.trim_end() == "---";
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError::NoFrontMatter);
    }
    let fm_start = (first_end + 1).min(text.len());
    let mut offset = fm_start;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            return Ok(Split {
                front_matter: fm_start..offset,
                body_start: (end + 1).min(text.len()),
            });
        }
        offset = end + 1;
    }
    Err(SplitError::NeverClosed)
}

/// Parses one content file. `rel_path` is its path under `content/`.
pub fn parse_document(
    kind: Kind,
    rel_path: &str,
    source: Arc<SourceFile>,
) -> Result<Document, Vec<Diagnostic>> {
    let split = split_front_matter(&source.text).map_err(|err| {
        let (message, hint) = match err {
            SplitError::Empty => (
                "the file is empty",
                "start it with front matter: a line `---`, `title: …`, `summary: …`, and a closing `---`",
            ),
            SplitError::NoFrontMatter => (
                "the file does not start with front matter",
                "put a line `---` first, then `title: …` and `summary: …`, then a closing `---`",
            ),
            SplitError::NeverClosed => (
                "the front matter is never closed",
                "add a line `---` after the last front matter field, before the body",
            ),
        };
        vec![Diagnostic::error(message).at_line(&source, 1).hint(hint)]
    })?;
    let yaml = &source.text[split.front_matter.clone()];
    let spans = YamlSpans::new(yaml, split.front_matter.start);
    let mut problems = Vec::new();

    // Syntax first: nothing else can be said of a file YAML cannot read.
    let value = yaml_value(&source, split.front_matter.clone()).map_err(|d| vec![d])?;
    let mapping = match value {
        Value::Mapping(mapping) => mapping,
        Value::Null => Default::default(),
        _ => {
            return Err(vec![Diagnostic::error(
                "the front matter is not a map of fields",
            )
            .at_line(&source, 2)
            .hint("write one `field: value` per line")])
        }
    };

    let common_fields = serde_aux::serde_introspection::serde_introspect::<Common>();
    let kind_fields = kind_field_names(kind);
    for key in mapping.keys() {
        let Some(key) = key.as_str() else { continue };
        if common_fields.contains(&key) || kind_fields.contains(&key) {
            continue;
        }
        let span = spans.key_or_start(&[Key(key)]);
        let candidates = common_fields.iter().chain(kind_fields.iter()).copied();
        let hint = match did_you_mean(key, candidates) {
            Some(known) => format!("did you mean `{known}`?"),
            None => format!(
                "a {} has the common fields ({}) and its own ({})",
                kind.id(),
                common_fields.join(", "),
                kind_fields.join(", ")
            ),
        };
        problems.push(
            Diagnostic::error(format!("unknown field `{key}` in a {}", kind.id()))
                .at(&source, span)
                .hint(hint),
        );
    }

    if kind != Kind::Comms {
        if let Some(phases) = mapping.get("phases") {
            let names = match phases {
                Value::Sequence(items) => items.iter().all(Value::is_string),
                Value::String(_) => true,
                _ => false,
            };
            if !names {
                let span = spans.key_or_start(&[Key("phases")]);
                problems.push(
                    Diagnostic::error("`phases` must be a list of project phase names")
                        .at(&source, span)
                        .hint("write `phases: [cadrage, pilote]`; only a communication plan has phases with `when`, `owner`…"),
                );
            }
        }
    }
    let empty_hint = if mapping.is_empty() {
        "the front matter is empty: "
    } else {
        ""
    };
    let front_matter = FrontMatter {
        yaml,
        value: Value::Mapping(mapping),
        source: &source,
        offset: split.front_matter.start,
    };
    let common: Option<Common> = front_matter.typed(empty_hint, &mut problems);
    let data = deserialize_kind(kind, &front_matter, &mut problems);

    let (Some(common), Some(data)) = (common, data) else {
        return Err(problems);
    };
    let stem = rel_path
        .rsplit('/')
        .next()
        .unwrap_or(rel_path)
        .trim_end_matches(".md");
    let id = common.id.clone().unwrap_or_else(|| stem.to_string());
    if !is_valid_id(&id) {
        let span = match &common.id {
            Some(_) => spans.value_or_key(&[Key("id")]),
            None => 0..0,
        };
        problems.push(
            Diagnostic::error(format!("`{id}` is not a valid id"))
                .at(&source, span)
                .hint("ids are lowercase ASCII letters, digits and hyphens (`mener-pilote`); rename the file or set `id:`"),
        );
    }
    let (parts, what) = match &data {
        KindData::Playbook(p) => (p.steps.len(), "steps"),
        KindData::Charter(c) => (c.clauses.len(), "clauses"),
        KindData::Comms(c) => (c.phases.len(), "phases"),
        KindData::Assessment(a) => (a.questions.len(), "questions"),
        _ => (0, ""),
    };
    if parts > MAX_PARTS_PER_PAGE {
        problems.push(
            Diagnostic::error(format!(
                "the page has {parts} {what}; the limit is {MAX_PARTS_PER_PAGE}"
            ))
            .at(&source, spans.key_or_start(&[Key(what)]))
            .hint(format!("split it into several pages: no reader follows {MAX_PARTS_PER_PAGE} {what} in one, and the RACI matrix and timelines grow with their square")),
        );
    }
    if id == "index" {
        let span = match &common.id {
            Some(_) => spans.value_or_key(&[Key("id")]),
            None => 0..0,
        };
        problems.push(
            Diagnostic::error("the id `index` is the name of the list of a kind's pages")
                .at(&source, span)
                .hint("the page would replace its kind's list (`index.html`): rename the file or set another `id:`"),
        );
    }
    if id.len() > MAX_NAME_LENGTH && is_valid_id(&id) {
        let span = match &common.id {
            Some(_) => spans.value_or_key(&[Key("id")]),
            None => 0..0,
        };
        problems.push(
            Diagnostic::error(format!(
                "the id `{}…` has {} characters; the limit is {MAX_NAME_LENGTH}",
                &id[..24],
                id.len()
            ))
            .at(&source, span)
            .hint("the id names the page's file: shorten the file name or set a shorter `id:`"),
        );
    }
    for (n, tag) in common.tags.iter().enumerate().take(MAX_TAGS_PER_PAGE) {
        let slug = crate::urls::tag_slug(tag);
        if slug.is_empty() || slug == "index" {
            let why = if slug.is_empty() {
                "has no letter or digit to name its page"
            } else {
                "would name its page `index.html`, the list of every tag"
            };
            problems.push(
                Diagnostic::error(format!("the tag `{tag}` {why}"))
                    .at(&source, spans.value_or_key(&[Key("tags"), Index(n)]))
                    .hint("a tag is a word or two that readers browse by (`pilote`, `données`)"),
            );
            continue;
        }
        let length = slug.len();
        if length > MAX_NAME_LENGTH {
            let shown: String = tag.chars().take(24).collect();
            problems.push(
                Diagnostic::error(format!(
                    "the tag `{shown}…` makes a file name of {length} characters; the limit is {MAX_NAME_LENGTH}"
                ))
                .at(&source, spans.value_or_key(&[Key("tags"), Index(n)]))
                .hint("a tag is a word or two that readers browse by; put longer text in the summary"),
            );
        }
    }
    if common.tags.len() > MAX_TAGS_PER_PAGE {
        problems.push(
            Diagnostic::error(format!(
                "the page has {} tags; the limit is {MAX_TAGS_PER_PAGE}",
                common.tags.len()
            ))
            .at(&source, spans.key_or_start(&[Key("tags")]))
            .hint("keep the few tags a reader would browse by; a tag page lists every page that has it, so each tag costs every page that shares it"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Document {
        kind,
        id,
        rel_path: rel_path.to_string(),
        front_matter: split.front_matter,
        body_start: split.body_start,
        source,
        common,
        data,
    })
}

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The field names of a kind's own struct.
fn kind_field_names(kind: Kind) -> &'static [&'static str] {
    use serde_aux::serde_introspection::serde_introspect as fields;
    match kind {
        Kind::Playbook => fields::<Playbook>(),
        Kind::Charter => fields::<Charter>(),
        Kind::Role => fields::<Role>(),
        Kind::Myth => fields::<Myth>(),
        Kind::Comms => fields::<Comms>(),
        Kind::Case => fields::<Case>(),
        Kind::Assessment => fields::<Assessment>(),
        Kind::Page => &[],
    }
}

fn deserialize_kind(
    kind: Kind,
    front_matter: &FrontMatter,
    problems: &mut Vec<Diagnostic>,
) -> Option<KindData> {
    let p = problems;
    Some(match kind {
        Kind::Playbook => KindData::Playbook(front_matter.typed("", p)?),
        Kind::Charter => KindData::Charter(front_matter.typed("", p)?),
        Kind::Role => KindData::Role(front_matter.typed("", p)?),
        Kind::Myth => KindData::Myth(front_matter.typed("", p)?),
        Kind::Comms => KindData::Comms(front_matter.typed("", p)?),
        Kind::Case => KindData::Case(front_matter.typed("", p)?),
        Kind::Assessment => KindData::Assessment(front_matter.typed("", p)?),
        Kind::Page => KindData::Page(Page {}),
    })
}

/// The front matter of one file, read once as a YAML map.
struct FrontMatter<'a> {
    yaml: &'a str,
    value: Value,
    source: &'a Arc<SourceFile>,
    offset: usize,
}

impl FrontMatter<'_> {
    /// Deserialises typed data from the map already read, ignoring fields of other
    /// structs (unknown fields are checked separately). On error it reads the text
    /// again, only so that the message carries its position.
    fn typed<T: DeserializeOwned>(
        &self,
        prefix: &str,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        match serde_yaml_ng::from_value(self.value.clone()) {
            Ok(typed) => Some(typed),
            Err(value_error) => {
                // An empty document is null to YAML; read it as an empty map so that
                // the message names the missing field.
                let text = if self.yaml.trim().is_empty() {
                    "{}"
                } else {
                    self.yaml
                };
                let err = serde_yaml_ng::from_str::<T>(text)
                    .err()
                    .unwrap_or(value_error);
                problems.push(yaml_error(self.source, self.offset, &err, prefix));
                None
            }
        }
    }
}

/// The most tags one page may have. Pages of the default handbook have at most six;
/// every tag page lists the cards of its pages, so the cost of a page's tags grows
/// with the square of their number.
pub const MAX_TAGS_PER_PAGE: usize = 100;

/// The longest page id, and the longest file name a tag may make. A file name has
/// at most 255 bytes on common file systems; the longest id of the default handbook
/// has 40 characters.
pub const MAX_NAME_LENGTH: usize = 100;

/// The most steps, clauses, phases or questions one page may have. The longest
/// playbook of the default handbook has 9 steps; the RACI matrix and the audience ×
/// phase matrix grow with the square of their number.
pub const MAX_PARTS_PER_PAGE: usize = 200;

/// The deepest `[` / `{` nesting a YAML text may have. Real front matter nests two
/// or three levels; the YAML parser's time grows much faster than the depth.
pub const MAX_YAML_NESTING: usize = 64;

/// Parses the YAML at `range` of `source` into a value, after refusing a text that
/// nests brackets deeper than `MAX_YAML_NESTING` (counted over the raw text: a
/// bracket in a string counts too, which no real text comes near).
pub fn yaml_value(
    source: &Arc<SourceFile>,
    range: std::ops::Range<usize>,
) -> Result<Value, Diagnostic> {
    let yaml = &source.text[range.clone()];
    let mut depth = 0usize;
    for (at, byte) in yaml.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_NESTING {
                    let at = range.start + at;
                    return Err(Diagnostic::error(format!(
                        "the YAML nests lists or maps more than {MAX_YAML_NESTING} levels deep"
                    ))
                    .at(source, at..at + 1)
                    .hint("no handbook needs this depth: look for `[` or `{` left unclosed"));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let text = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml_ng::from_str(text).map_err(|err| yaml_error(source, range.start, &err, ""))
}

/// A YAML or type error, placed in the file, with a hint drawn from its message.
pub fn yaml_error(
    source: &Arc<SourceFile>,
    offset: usize,
    err: &serde_yaml_ng::Error,
    prefix: &str,
) -> Diagnostic {
    let message = strip_position(&err.to_string());
    // The reader's errors (control characters, bad encoding) say " at position N",
    // a byte offset, and give a location of 0.
    let (message, position) = match message.rsplit_once(" at position ") {
        Some((text, n)) => (text.to_string(), n.parse::<usize>().ok()),
        None => (message, None),
    };
    let index = position.or(err.location().map(|l| l.index()));
    let span = match index {
        Some(index) => {
            let start = offset + index;
            // Point at the rest of the line from the error's column.
            let end = source.text[start.min(source.text.len())..]
                .find('\n')
                .map_or(source.text.len(), |i| start + i);
            start..end.max(start)
        }
        None => offset..offset,
    };
    let hint = hint_for(&message).unwrap_or_else(|| {
        if message.contains("control characters") {
            return "YAML allows no control characters (escape codes, NUL…): delete the invisible character here".into();
        }
        "check the YAML around this line: quotes closed, lists as `[a, b]` or `- a` lines, indentation with spaces".into()
    });
    Diagnostic::error(format!("{prefix}{message}"))
        .at(source, span)
        .hint(hint)
}

/// serde_yaml puts " at line L column C" in messages (once at the end, and once
/// more before ", while parsing …"), counted from the start of the YAML, not of the
/// file: the diagnostic shows the position itself, so each is taken out.
fn strip_position(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(" at line ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " at line ".len()..];
        let digits =
            |text: &str| text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line = digits(after);
        let tail = &after[line..];
        match tail.strip_prefix(" column ") {
            Some(column) if line > 0 && digits(column) > 0 => rest = &column[digits(column)..],
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A hint for the common serde messages.
fn hint_for(message: &str) -> Option<String> {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split("expected one of ")
            .nth(1)
            .or_else(|| rest.split("expected ").nth(1))
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return Some(match did_you_mean(field, expected.iter().copied()) {
            Some(known) => format!("did you mean `{known}`?"),
            None => format!("the fields here are: {}", expected.join(", ")),
        });
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let field = rest.split('`').next().unwrap_or_default();
        return Some(format!("add `{field}: …` to the front matter"));
    }
    if message.contains("invalid type") {
        return Some("give the field a value of the type it expects: text, a list (`[a, b]` or `- a` lines), a number, or a date (`2026-03-31`)".into());
    }
    if message.contains("mapping values are not allowed")
        || message.contains("did not find expected")
    {
        return Some(
            "a value containing `: ` or starting with a special character needs quotes (\"…\")"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_position_of_the_yaml_reader_is_taken_out_of_its_message() {
        assert_eq!(
            super::strip_position("did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 10"),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(
            super::strip_position("unknown field `x` at line 4 column 3"),
            "unknown field `x`"
        );
        assert_eq!(
            super::strip_position("a title at line one"),
            "a title at line one"
        );
    }
}
