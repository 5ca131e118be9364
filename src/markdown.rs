//! Markdown to HTML, for one page body.
//!
//! pulldown-cmark with tables, footnotes, strikethrough, task lists and heading
//! attributes; stable accent-folded heading ids (« Sécurité des données » →
//! `securite-des-donnees`); links to other pages rewritten through a resolver the
//! caller gives; code blocks highlighted by syntect with CSS classes, so the theme
//! owns the colours; the containers and blanks tailoring left as marks drawn as
//! marked `<div>`s and fill-in `<span>`s. It knows nothing of the site: the
//! resolver and the label function the caller gives do.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeWithOffset,
};
use serde::Serialize;
use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::sanitise::{self, RawHtml};
use crate::tailor::{self, html_escape, marks, Container, Piece, TailoredBody};

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading of a page, for its table of contents.
#[derive(Clone, Debug, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What a link destination becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// Not ours (external, or a plain file): left as written.
    Keep,
    /// A page of the site: this relative URL.
    Rewrite(String),
    /// A page that exists but is not in this edition: the text stays, unlinked.
    Unlinked,
    /// A page or anchor that does not exist: (message, hint).
    Broken(String, String),
}

/// A problem found while rendering, at a line of the source file.
#[derive(Debug)]
pub struct Problem {
    pub line: usize,
    pub message: String,
    pub hint: String,
    /// A warning (the sanitiser removed something) rather than an error.
    pub warning: bool,
}

pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The body's text split at its headings, for the search index.
    pub sections: Vec<Section>,
    pub problems: Vec<Problem>,
    /// Whether a code block was highlighted: the page then needs the code colours.
    pub highlighted: bool,
}

/// The plain text of a body between two headings (code blocks left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading's id; none for the text before the first heading.
    pub anchor: Option<String>,
    pub heading: String,
    pub text: String,
}

/// Splits rendered events into sections of plain text at each heading.
fn sections(events: &[Event]) -> Vec<Section> {
    let mut sections = vec![Section::default()];
    let mut in_heading = false;
    for event in events {
        let current = sections.last_mut().expect("there is always a section");
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                sections.push(Section {
                    anchor: id.as_ref().map(|i| i.to_string()),
                    ..Section::default()
                });
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if in_heading => current.heading.push_str(t),
            Event::Text(t) | Event::Code(t) => current.text.push_str(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) if !in_heading && !current.text.is_empty() && !current.text.ends_with(' ') => {
                current.text.push(' ');
            }
            _ => {}
        }
    }
    for section in &mut sections {
        section.text.truncate(section.text.trim_end().len());
    }
    sections.retain(|s| s.anchor.is_some() || !s.text.is_empty());
    sections
}

/// Assigns unique heading ids in document order: a repeated id gets the next free
/// `-N` suffix, counted per id so that many equal headings cost linear time.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    fn assign(&mut self, text: &str, explicit: Option<&str>) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => {
                let slug = slug::slugify(text);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            }
        };
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The label of a key of the edition's language (`only_for`, `size_micro`, `note`…).
pub type Label<'a> = &'a dyn Fn(&str) -> String;

/// What a link destination becomes, given the destination and its source line.
pub type Resolve<'a> = &'a dyn Fn(&str, usize) -> LinkTarget;

/// What rendering a body needs from the site.
pub struct Context<'a> {
    /// Decides what each link and image destination becomes.
    pub resolve: Resolve<'a>,
    /// Names sizes, sectors and admonitions in the edition's language.
    pub label: Label<'a>,
    /// What the author's raw HTML may do.
    pub policy: RawHtml,
    /// Whether to give the body's text by section (only the search index needs it).
    pub with_sections: bool,
    /// The anchors the page's template gives (its steps, clauses, questions):
    /// a heading that would take one gets the next free suffix instead.
    pub reserved_ids: &'a [String],
}

/// Applies the raw-HTML policy to the author's events as they come from the
/// parser: raw HTML, link and image destinations (resolved, or dropped when their
/// scheme is unsafe). Shared by bodies and inline fields.
struct Policing<'a> {
    resolve: Resolve<'a>,
    policy: RawHtml,
    /// Whether raw HTML was kept, so that the output must be cleaned.
    has_raw: bool,
    /// Inside a link or an image whose tags are dropped (its text stays).
    skipping: Vec<bool>,
    problems: Vec<Problem>,
}

impl<'a> Policing<'a> {
    fn new(resolve: Resolve<'a>, policy: RawHtml) -> Self {
        Policing {
            resolve,
            policy,
            has_raw: false,
            skipping: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, line: usize, message: String, hint: &str, warning: bool) {
        self.problems.push(Problem {
            line,
            message,
            hint: hint.to_string(),
            warning,
        });
    }

    /// The event to keep in place of `event`, at source `line`, or none.
    fn admit<'e>(&mut self, event: Event<'e>, line: usize) -> Option<Event<'e>> {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => self.raw_html(raw, line),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link_start(dest_url, line, |dest_url| Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link_start(dest_url, line, |dest_url| Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let skipped = self.skipping.pop().unwrap_or(false);
                (!skipped).then_some(event)
            }
            event => Some(event),
        }
    }

    /// A link's or an image's start with its destination as the page gets it, or
    /// none when its tags are dropped (its text stays); `tag` makes the tag.
    fn link_start<'e>(
        &mut self,
        dest: CowStr<'e>,
        line: usize,
        tag: impl FnOnce(CowStr<'e>) -> Tag<'e>,
    ) -> Option<Event<'e>> {
        let dest = self.destination(&dest, line);
        self.skipping.push(dest.is_none());
        dest.map(|dest| Event::Start(tag(dest)))
    }

    fn raw_html<'e>(&mut self, raw: CowStr<'e>, line: usize) -> Option<Event<'e>> {
        if self.policy == RawHtml::Allow {
            return Some(Event::Html(raw));
        }
        if sanitise::is_comment(&raw) || raw.trim().is_empty() {
            return None;
        }
        match self.policy {
            RawHtml::Deny => {
                let shown: String = raw.trim().chars().take(60).collect();
                self.problem(
                    line,
                    format!("raw HTML is not allowed in this edition: `{shown}`"),
                    "write it in Markdown, or set `raw_html: sanitise` in handbook.yaml to keep the safe part of it",
                    false,
                );
                None
            }
            _ => {
                for element in sanitise::refused_elements(&raw) {
                    self.problem(
                        line,
                        format!("the raw HTML element `<{element}>` is not allowed and was removed"),
                        "handbooks may use tables, details/summary, abbr, sup/sub, kbd, mark and images; see docs/security.md",
                        true,
                    );
                }
                self.has_raw = true;
                Some(Event::Html(raw))
            }
        }
    }

    /// A link's or image's destination as the page gets it, or none when its tags
    /// are dropped.
    fn destination<'e>(&mut self, dest: &CowStr<'e>, line: usize) -> Option<CowStr<'e>> {
        if let Some(scheme) = sanitise::unsafe_scheme(dest) {
            match self.policy {
                RawHtml::Allow => return Some(dest.clone()),
                policy => {
                    let deny = policy == RawHtml::Deny;
                    self.problem(
                        line,
                        format!(
                            "the link `{}` uses the scheme `{scheme}:`, which can run script{}",
                            dest.chars().take(60).collect::<String>(),
                            if deny { "" } else { "; it was removed, its text kept" }
                        ),
                        "links may use http, https, mailto, tel, ftp and file, or point to a page (`@id`) or a file beside the page",
                        !deny,
                    );
                    return None;
                }
            }
        }
        match (self.resolve)(dest, line) {
            LinkTarget::Keep => Some(dest.clone()),
            LinkTarget::Rewrite(url) => Some(url.into()),
            LinkTarget::Unlinked => None,
            LinkTarget::Broken(message, hint) => {
                self.problem(line, message, &hint, false);
                None
            }
        }
    }

    /// The HTML of the events, cleaned when raw HTML was kept.
    fn finish(&self, html: String) -> String {
        if self.has_raw && self.policy == RawHtml::Sanitise {
            sanitise::clean(&html)
        } else {
            html
        }
    }
}

/// Renders a tailored body.
pub fn render(body: &TailoredBody, context: &Context) -> Rendered {
    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    let mut ids = HeadingIds::default();
    for reserved in context.reserved_ids {
        ids.used.insert(reserved.clone());
    }
    let mut heading: Option<(usize, Vec<Event>)> = None;
    let mut code: Option<(Option<String>, String)> = None;
    let mut highlighted = false;
    let mut aligned = false;
    let mut police = Policing::new(context.resolve, context.policy);

    let parser = Parser::new_ext(body.text(), options()).into_offset_iter();
    // With blanks, text events are merged so that each mark is within one event.
    let parser: Box<dyn Iterator<Item = _>> = if body.text().contains(marks::BLANK) {
        Box::new(TextMergeWithOffset::new(parser))
    } else {
        Box::new(parser)
    };
    for (event, range) in parser {
        // Code blocks: gather the text, then highlight it whole.
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().expect("inside a code block");
                    let html = highlight(lang.as_deref(), &text);
                    highlighted |= html.starts_with(HIGHLIGHTED_PRE);
                    events.push(Event::Html(html.into()));
                }
                _ => {}
            }
            continue;
        }
        let line = || body.source_line(range.start);
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_string)
                    }
                    CodeBlockKind::Indented => None,
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(Tag::Table(ref alignments)) => {
                aligned |= alignments
                    .iter()
                    .any(|a| *a != pulldown_cmark::Alignment::None);
                event
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level,
                id: heading_id(id, &mut police, line()),
                classes,
                attrs: heading_attributes(attrs, &mut police, line()),
            }),
            event => match police.admit(event, line()) {
                Some(event) => event,
                None => continue,
            },
        };
        for event in with_blanks(event) {
            match (&mut heading, event) {
                (None, start @ Event::Start(Tag::Heading { level, .. })) => {
                    heading = Some((level_number(level), vec![start]));
                }
                (Some((level, inner)), Event::End(TagEnd::Heading(end_level))) => {
                    let text: String = inner
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let explicit = match &inner[0] {
                        Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
                        _ => None,
                    };
                    let id = ids.assign(&text, explicit.as_deref());
                    if let Event::Start(Tag::Heading { id: slot, .. }) = &mut inner[0] {
                        *slot = Some(id.clone().into());
                    }
                    headings.push(Heading {
                        level: *level as u8,
                        id,
                        text,
                    });
                    events.append(inner);
                    events.push(Event::End(TagEnd::Heading(end_level)));
                    heading = None;
                }
                (Some((_, inner)), event) => inner.push(event),
                (None, event) => {
                    let closes_paragraph = matches!(event, Event::End(TagEnd::Paragraph));
                    events.push(event);
                    if closes_paragraph {
                        draw_container(&mut events, body, context, &mut police, line());
                    }
                }
            }
        }
    }
    let sections = if context.with_sections {
        sections(&events)
    } else {
        Vec::new()
    };
    let mut html = String::with_capacity(body.text().len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if aligned {
        html = alignment_classes(&html);
    }
    Rendered {
        html: police.finish(html),
        headings,
        sections,
        problems: police.problems,
        highlighted,
    }
}

/// A heading's explicit id, unless it is one the templates keep for themselves.
fn heading_id<'e>(
    id: Option<CowStr<'e>>,
    police: &mut Policing,
    line: usize,
) -> Option<CowStr<'e>> {
    let id = id?;
    if id.starts_with(sanitise::TEMPLATE_ID_PREFIX) {
        police.problem(
            line,
            format!("the heading id `{id}` starts with `{}`, which the templates keep for their own elements", sanitise::TEMPLATE_ID_PREFIX),
            "choose another id, or leave the heading's own",
            false,
        );
        return None;
    }
    Some(id)
}

/// A heading's attributes other than its id and classes (`{tabindex=0}`): kept
/// under `raw_html: allow` only.
fn heading_attributes<'e>(
    attrs: Vec<(CowStr<'e>, Option<CowStr<'e>>)>,
    police: &mut Policing,
    line: usize,
) -> Vec<(CowStr<'e>, Option<CowStr<'e>>)> {
    if attrs.is_empty() || police.policy == RawHtml::Allow {
        return attrs;
    }
    let names: Vec<&str> = attrs.iter().map(|(name, _)| name.as_ref()).collect();
    let deny = police.policy == RawHtml::Deny;
    police.problem(
        line,
        format!(
            "a heading may have only an id and classes, not `{}`{}",
            names.join("`, `"),
            if deny { "" } else { "; they were removed" }
        ),
        "write `## Titre {#mon-ancre .ma-classe}`",
        !deny,
    );
    Vec::new()
}

/// pulldown-cmark aligns table cells with `style=`, which the pages' policy
/// blocks: the theme aligns them by class instead.
fn alignment_classes(html: &str) -> String {
    html.replace(" style=\"text-align: left\"", " class=\"align-left\"")
        .replace(" style=\"text-align: center\"", " class=\"align-center\"")
        .replace(" style=\"text-align: right\"", " class=\"align-right\"")
}

/// One event, or the several a text with blanks becomes.
enum Expanded<'e> {
    One(Option<Event<'e>>),
    Many(std::vec::IntoIter<Event<'e>>),
}

impl<'e> Iterator for Expanded<'e> {
    type Item = Event<'e>;
    fn next(&mut self) -> Option<Event<'e>> {
        match self {
            Expanded::One(event) => event.take(),
            Expanded::Many(events) => events.next(),
        }
    }
}

/// A text event with blanks, as the text around them and each blank's fill-in
/// field (whose label stays text, for the search index); any other event as it is.
fn with_blanks(event: Event<'_>) -> Expanded<'_> {
    match event {
        Event::Text(text) if text.contains(marks::BLANK) => Expanded::Many(blank_events(&text)),
        event => Expanded::One(Some(event)),
    }
}

fn blank_events(text: &str) -> std::vec::IntoIter<Event<'static>> {
    tailor::pieces(text)
        .into_iter()
        .flat_map(|piece| match piece {
            Piece::Text(text) => vec![Event::Text(text.to_string().into())],
            Piece::Blank { name, label } => vec![
                Event::InlineHtml(
                    format!("<span class=\"blank\" data-var=\"{}\">", html_escape(name)).into(),
                ),
                Event::Text(label.to_string().into()),
                Event::InlineHtml("</span>".into()),
            ],
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// When the paragraph just closed at the end of `events` is a container's mark
/// alone, replaces it with the container's HTML.
fn draw_container(
    events: &mut Vec<Event>,
    body: &TailoredBody,
    context: &Context,
    police: &mut Policing,
    line: usize,
) {
    let [.., Event::Start(Tag::Paragraph), Event::Text(text), Event::End(TagEnd::Paragraph)] =
        events.as_slice()
    else {
        return;
    };
    let html = match tailor::container_mark(text) {
        Some(Some(n)) => match body.container(n) {
            Some(container) => container_html(container, context, police, line),
            None => return,
        },
        Some(None) => "</div>\n".to_string(),
        None => return,
    };
    events.truncate(events.len() - 3);
    events.push(Event::Html(html.into()));
}

/// The opening of a container: a variant with its "only for" label, or an
/// admonition with its title.
fn container_html(
    container: &Container,
    context: &Context,
    police: &mut Policing,
    line: usize,
) -> String {
    let label = context.label;
    match container {
        Container::Variant { dimension, ids } => format!(
            "<div class=\"variant\" data-{dimension}=\"{}\">\n<p class=\"variant-label\">{}</p>\n",
            ids.join(" "),
            html_escape(&variant_label(dimension, ids, label))
        ),
        Container::Admonition { kind, title } => {
            let title = match title {
                Some(title) => {
                    let inline = render_inline(title, context.resolve, context.policy);
                    police.has_raw |= inline.has_raw;
                    police
                        .problems
                        .extend(inline.problems.into_iter().map(|p| Problem { line, ..p }));
                    inline.html
                }
                None => html_escape(&label(kind)),
            };
            format!(
                "<div class=\"admonition {kind}\" role=\"note\">\n<p class=\"admonition-title\">{title}</p>\n"
            )
        }
    }
}

/// What a variant says it is for: « Uniquement pour : TPE, Petite entreprise ».
pub fn variant_label(dimension: &str, ids: &[&str], label: Label) -> String {
    let prefix = match dimension {
        "sizes" => "size_",
        _ => "sector_",
    };
    let names: Vec<String> = ids
        .iter()
        .map(|id| label(&format!("{prefix}{id}")))
        .collect();
    format!(
        "{}{} {}",
        label("only_for"),
        label("colon"),
        names.join(", ")
    )
}

/// A tailored body as plain Markdown (a charter's files): each variant labelled as
/// on paper, each admonition's title in bold; the blanks kept as marks, for the
/// caller to show as a field or as `[label]` (`tailor::bracket_blanks`).
pub fn plain_marked(body: &TailoredBody, label: Label) -> String {
    use crate::tailor::container_mark;
    let mut out = String::with_capacity(body.text().len());
    for line in body.text().lines() {
        match container_mark(line) {
            Some(Some(n)) => match body.container(n) {
                Some(Container::Variant { dimension, ids }) => {
                    let text = variant_label(dimension, ids, label);
                    out.push_str(&format!("*{text}*\n"));
                }
                Some(Container::Admonition { kind, title }) => {
                    let title = title.clone().unwrap_or_else(|| label(kind));
                    out.push_str(&format!("**{title}**\n"));
                }
                None => {}
            },
            Some(None) => {}
            // The marks stand between blank lines: keep one.
            None if line.trim().is_empty() && (out.is_empty() || out.ends_with("\n\n")) => {}
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A short text from front matter (a step's title) as plain text: its Markdown
/// read, its markup dropped, each blank as `[label]`.
pub fn inline_text(text: &str) -> String {
    use crate::tailor::pieces;
    let with_blanks: String = pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_string(),
            Piece::Blank { label, .. } => format!("\\[{label}\\]"),
        })
        .collect();
    let mut out = String::with_capacity(with_blanks.len());
    for event in Parser::new(&with_blanks) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A short text rendered as inline HTML.
pub struct Inline {
    pub html: String,
    /// Problems at line 1 of the text: the caller knows where the text is.
    pub problems: Vec<Problem>,
    /// Whether the text held raw HTML that the policy kept (cleaned, or allowed).
    pub has_raw: bool,
}

/// Renders a short text from front matter (a clause, an action) as inline HTML:
/// emphasis, code and links, without the surrounding paragraph; blanks as fill-in
/// fields. Its links and raw HTML follow the same rules as a body's.
pub fn render_inline(text: &str, resolve: Resolve, policy: RawHtml) -> Inline {
    if !text.contains(['*', '_', '`', '[', '<', '&', '~', '\\', marks::BLANK]) {
        return Inline {
            html: html_escape(text),
            problems: Vec::new(),
            has_raw: false,
        };
    }
    let mut police = Policing::new(resolve, policy);
    let mut html = String::with_capacity(text.len() + 16);
    let events: Vec<Event> = TextMergeWithOffset::new(
        Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).into_offset_iter(),
    )
    .filter_map(|(event, _)| police.admit(event, 1))
    .flat_map(with_blanks)
    .collect();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let trimmed = html.trim_end();
    let inner = trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
        .unwrap_or(trimmed);
    Inline {
        html: police.finish(inner.to_string()),
        has_raw: police.has_raw,
        problems: police.problems,
    }
}

fn level_number(level: HeadingLevel) -> usize {
    level as usize
}

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// How a highlighted code block starts.
const HIGHLIGHTED_PRE: &str = "<pre class=\"code hl\"";

/// A code block as HTML, highlighted with classes when the language is known.
pub fn highlight(lang: Option<&str>, code: &str) -> String {
    let lang_attr = lang
        .map(|l| format!(" data-lang=\"{}\"", html_escape(l)))
        .unwrap_or_default();
    let plain = || {
        format!(
            "<pre class=\"code\"{lang_attr}><code>{}</code></pre>\n",
            html_escape(code)
        )
    };
    let Some(syntax) = lang.and_then(|l| syntaxes().find_syntax_by_token(l)) else {
        return plain();
    };
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        let ops = LINE_PARSES.with(|memo| memo.borrow_mut().parse(syntax, &mut state, line));
        let Some((line_html, delta)) = ops.and_then(|ops| {
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()
        }) else {
            return plain();
        };
        open_spans += delta;
        html.push_str(&line_html);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    format!("{HIGHLIGHTED_PRE}{lang_attr}><code>{html}</code></pre>\n")
}

thread_local! {
    static LINE_PARSES: std::cell::RefCell<LineParses> = std::cell::RefCell::new(LineParses::default());
}

/// A memo of syntect's line parser, which costs tens of microseconds a line.
/// Parsing a line is a function of the parser's state and the line alone, and code
/// blocks repeat lines (keys, closing braces, list items), so a line met again in
/// the same state reuses its parse. One memo per thread; it is emptied when large.
#[derive(Default)]
struct LineParses {
    /// (syntax, line) → the parses of that line: state before, operations, state after.
    entries: HashMap<(usize, String), Vec<LineParse>>,
    size: usize,
}

type LineParse = (ParseState, Vec<(usize, ScopeStackOp)>, ParseState);

impl LineParses {
    const MAX_ENTRIES: usize = 20_000;

    fn parse(
        &mut self,
        syntax: &SyntaxReference,
        state: &mut ParseState,
        line: &str,
    ) -> Option<Vec<(usize, ScopeStackOp)>> {
        let key = (syntax as *const SyntaxReference as usize, line.to_string());
        if let Some(known) = self
            .entries
            .get(&key)
            .and_then(|parses| parses.iter().find(|p| p.0 == *state))
        {
            *state = known.2.clone();
            return Some(known.1.clone());
        }
        let before = state.clone();
        let ops = state.parse_line(line, syntaxes()).ok()?;
        if self.size >= Self::MAX_ENTRIES {
            self.entries.clear();
            self.size = 0;
        }
        self.size += 1;
        self.entries
            .entry(key)
            .or_default()
            .push((before, ops.clone(), state.clone()));
        Some(ops)
    }
}

/// syntect's stylesheet without its comments and layout whitespace (it holds no
/// strings, so nothing else changes): a third smaller.
fn compact_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    // The spaces after `:` and `,` and before `{` go; those between selectors stay.
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("")
        .replace(": ", ":")
        .replace(", ", ",")
        .replace(" {", "{")
}

/// The highlighting stylesheets: a light theme, and a dark one that the pages link
/// with `media="(prefers-color-scheme: dark)"` (the theme's toggle switches that
/// media), so neither is written twice.
/// Made once per process: loading syntect's themes takes a few milliseconds, which
/// every edition of a batch would pay again.
pub fn highlight_css() -> &'static (String, String) {
    static CSS: OnceLock<(String, String)> = OnceLock::new();
    CSS.get_or_init(highlight_css_of_themes)
}

fn highlight_css_of_themes() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    // syntect's default themes give comments too little contrast for WCAG AA
    // (2.9:1 and 2.7:1 on their backgrounds); these colours reach 4.6:1 and 5.9:1.
    let css = |name: &str, comment: &str| {
        let css =
            css_for_theme_with_class_style(&themes.themes[name], CLASS_STYLE).unwrap_or_default();
        let css = compact_css(&css);
        // Code blocks take the theme's own background, which its colours are made for.
        let block = css
            .split(".hl-code{")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .unwrap_or_default();
        format!(
            "/* Generated by gouvernail from syntect's theme {name}. */\n{css}\npre.code.hl{{{block}}}\n.hl-comment{{color:{comment};}}\n"
        )
    };
    (
        css("InspiredGitHub", "#6a737d"),
        css("base16-ocean.dark", "#a7adba"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generic edition's charter body with a variant, a note with a title and a
    /// blank, tailored once.
    fn tailored_charter() -> TailoredBody {
        use crate::tailor::{tailor_body, Audience, Values};
        let org = crate::edition::Org::default();
        let (variables, data) = (
            std::collections::BTreeMap::new(),
            std::collections::HashMap::new(),
        );
        let values = Values {
            org: &org,
            org_size_label: None,
            org_sector_label: None,
            variables: &variables,
            data: &data,
            references: &crate::references::References::default(),
            language: crate::edition::Language::Fr,
        };
        let declared = [crate::model::Variable {
            name: "outil".into(),
            label: "Nom de l'outil [interne]".into(),
            example: None,
        }];
        let body = "Avant.\n\n::: sizes micro small\nPetit : {{ var.outil }}.\n:::\n\n::: note\nNote.\n:::\n\n::: sectors public\nPublic.\n:::\n\n::: suggestion\nDeux jours par mois.\n:::\n";
        let (tailored, problems) = tailor_body(body, 5, Audience::default(), &values, &declared);
        assert!(problems.is_empty(), "{problems:?}");
        tailored
    }

    #[test]
    fn one_tailoring_gives_the_html_variants_and_the_markdown_template() {
        let labels = crate::i18n::Labels::new(
            crate::edition::Language::Fr,
            &std::collections::BTreeMap::new(),
        );
        let body = tailored_charter();
        let label = |key: &str| labels.get(key).to_string();
        let html = render_with(&body, &keep, RawHtml::Sanitise, &label).html;
        assert!(html.contains("<div class=\"variant\" data-sizes=\"micro small\">\n<p class=\"variant-label\">Uniquement pour : TPE (moins de 10 personnes), Petite entreprise (10 à 49 personnes)</p>"), "{html}");
        assert!(html.contains("data-sectors=\"public\">\n<p class=\"variant-label\">Uniquement pour : Secteur public</p>"), "{html}");
        assert!(html.contains("<p>Petit : <span class=\"blank\" data-var=\"outil\">Nom de l'outil [interne]</span>.</p>"), "{html}");
        let note = labels.get("note");
        assert!(html.contains(&format!("<div class=\"admonition note\" role=\"note\">\n<p class=\"admonition-title\">{note}</p>")), "{html}");
        // What the handbook proposes, under its own title.
        assert!(html.contains("<div class=\"admonition suggestion\" role=\"note\">\n<p class=\"admonition-title\">Proposition du guide</p>"), "{html}");
        assert_eq!(html.matches("</div>").count(), 4, "{html}");
        assert!(
            !html.contains(['\u{fdd0}', '\u{fdd3}', '\u{fdd4}']),
            "a mark reached the HTML: {html}"
        );

        let markdown = crate::tailor::bracket_blanks(&plain_marked(&body, &label));
        assert!(markdown.starts_with("Avant.\n"), "{markdown}");
        assert!(markdown.contains("*Uniquement pour : TPE (moins de 10 personnes), Petite entreprise (10 à 49 personnes)*\n\nPetit : [Nom de l'outil \\[interne\\]].\n"), "{markdown}");
        assert!(
            markdown.contains(&format!("**{note}**\n\nNote.\n")),
            "{markdown}"
        );
        assert!(
            !markdown.contains(['<', '\u{fdd0}', '\u{fdd3}', '\u{fdd4}']),
            "{markdown}"
        );
    }

    fn body(text: &str) -> TailoredBody {
        TailoredBody::from_text(text.to_string(), 1)
    }

    /// Renders `body` with `resolve` under `policy`, with sections.
    fn render_with(
        body: &TailoredBody,
        resolve: Resolve,
        policy: RawHtml,
        label: Label,
    ) -> Rendered {
        render(
            body,
            &Context {
                resolve,
                label,
                policy,
                with_sections: true,
                reserved_ids: &[],
            },
        )
    }

    fn keep(_: &str, _: usize) -> LinkTarget {
        LinkTarget::Keep
    }

    fn render_plain(text: &str) -> Rendered {
        render_with(&body(text), &keep, RawHtml::Sanitise, &|k| k.to_string())
    }

    fn inline(text: &str) -> String {
        render_inline(text, &keep, RawHtml::Sanitise).html
    }

    #[test]
    fn heading_ids_are_accent_folded_and_unique() {
        let text = "# Sécurité des données\n\n## Sécurité des données\n\n## L'IA, c'est « quoi » ?\n\n## Custom {#mon-ancre}\n";
        let rendered = render_plain(text);
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "securite-des-donnees",
                "securite-des-donnees-1",
                "l-ia-c-est-quoi",
                "mon-ancre"
            ]
        );
        assert!(rendered.html.contains("<h1 id=\"securite-des-donnees\">"));
        assert!(rendered.html.contains("<h2 id=\"securite-des-donnees-1\">"));
        assert_eq!(rendered.headings.len(), 4);
    }

    #[test]
    fn sections_split_the_text_at_headings_without_code() {
        let text = "Intro *forte*.\n\n## Sécurité\n\nPremier.\nSuite.\n\n```rust\nlet code = 1;\n```\n\n- un\n- deux\n";
        let rendered = render_plain(text);
        assert_eq!(rendered.sections.len(), 2);
        assert_eq!(rendered.sections[0].anchor, None);
        assert_eq!(rendered.sections[0].text, "Intro forte.");
        assert_eq!(rendered.sections[1].anchor.as_deref(), Some("securite"));
        assert_eq!(rendered.sections[1].heading, "Sécurité");
        assert_eq!(rendered.sections[1].text, "Premier. Suite. un deux");
    }

    #[test]
    fn extensions_are_on() {
        let text = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~barré~~\n\n- [x] fait\n\nNote[^1].\n\n[^1]: La note.\n";
        let html = render_plain(text).html;
        assert!(html.contains("<table>") && html.contains("<del>barré</del>"));
        assert!(html.contains("type=\"checkbox\"") && html.contains("footnote"));
    }

    #[test]
    fn links_go_through_the_resolver_with_their_line() {
        let text = "Intro.\n\n[a](x.md) [b](y.md) [c](z.md)\n";
        let resolve = |dest: &str, _line: usize| match dest {
            "x.md" => LinkTarget::Rewrite("../x.html".into()),
            "y.md" => LinkTarget::Unlinked,
            _ => LinkTarget::Broken("no".into(), "hint".into()),
        };
        let rendered = render_with(&body(text), &resolve, RawHtml::Sanitise, &|k| k.to_string());
        assert!(
            rendered.html.contains("<a href=\"../x.html\">a</a> b c"),
            "{}",
            rendered.html
        );
        assert_eq!(rendered.problems.len(), 1);
        assert_eq!(rendered.problems[0].line, 3);
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let html = highlight(Some("rust"), "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
        let plain = highlight(Some("langue-inconnue"), "<b>\n");
        assert!(plain.contains("&lt;b&gt;"));
        let (light, dark) = highlight_css();
        assert!(light.contains(".hl-comment") && dark.contains(".hl-comment"));
        assert_ne!(light, dark);
        assert!(
            light.contains("pre.code.hl{color:#323232;background-color:#ffffff;}"),
            "{light}"
        );
        assert_eq!(compact_css("/* c */\n.a {\n color: #fff;\n}\n.b, .c {\n font-style: italic;\n}\n.d .e {\n color: #000;\n}\n"), ".a{color:#fff;}.b,.c{font-style:italic;}.d .e{color:#000;}");
    }

    /// What syntect's own generator makes of a block, without the memo.
    fn reference_highlight(lang: &str, code: &str) -> String {
        let syntax = syntaxes().find_syntax_by_token(lang).unwrap();
        let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
            syntax,
            syntaxes(),
            CLASS_STYLE,
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .unwrap();
        }
        format!(
            "<pre class=\"code hl\" data-lang=\"{lang}\"><code>{}</code></pre>\n",
            generator.finalize()
        )
    }

    #[test]
    fn the_line_memo_changes_nothing_in_the_output() {
        let blocks = [
            (
                "yaml",
                "a: 1\ncle: valeur\ncle: valeur\nliste:\n  - x\n  - x\n",
            ),
            (
                "rust",
                "fn main() {\n    let s = \"/* pas un commentaire\";\n}\n/* ouvert\n}\n*/\n}\n",
            ),
            (
                "bash",
                "echo \"$HOME\"\ncat <<EOF\necho \"$HOME\"\nEOF\necho \"$HOME\"\n",
            ),
        ];
        // Twice each: the second pass reads every line from the memo.
        for _ in 0..2 {
            for (lang, code) in blocks {
                assert_eq!(
                    highlight(Some(lang), code),
                    reference_highlight(lang, code),
                    "{lang}"
                );
            }
        }
    }

    #[test]
    fn inline_text_keeps_emphasis_without_a_paragraph() {
        assert_eq!(inline("Un *mot* clé"), "Un <em>mot</em> clé");
        assert_eq!(inline("a < b & c"), "a &lt; b &amp; c");
    }

    #[test]
    fn raw_html_is_cleaned_with_the_markup_around_it() {
        // An open quote in a raw block takes the next paragraph's text as
        // attributes when a browser reads the page: cleaning the raw fragments
        // alone would miss the handler; cleaning the whole body does not.
        let html = render_plain("<div title='\n\nx' onclick='alert(1)' data-x='\n").html;
        assert!(!html.contains(" onclick="), "{html}");
    }
}
