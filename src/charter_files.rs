//! Charters as files to adopt: an HR team sends a charter to legal, to the staff
//! representatives and to the signatories, who edit it. Each charter page gets,
//! beside it, its tailored text with its rules, the blanks still to fill, the
//! adoption and the signature block, as Markdown (`<page>.md`) and as a Word
//! document (`<page>.docx`, written with docx-rs), with the edition's values filled
//! in and each variant of the generic edition labelled as on paper.

use std::io::Cursor;

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Docx, Footer, Header, LineSpacing, Paragraph, Run, RunFonts, Style, StyleType,
    Table, TableCell, TableRow, WidthType,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::library::Page;
use crate::markdown::{plain_marked, variant_label};
use crate::model::{Kind, KindData, Member};
use crate::tailor::{bracket_blanks, pieces, Piece};
use crate::urls;
use crate::views::{Link, Views};

/// A charter, as its files show it: text only, the blanks still marked.
struct CharterText {
    title: String,
    summary: String,
    /// The tailored body as Markdown: variants labelled, admonitions titled.
    body: String,
    clauses: Vec<ClauseText>,
    /// The blanks the charter declares: label, and value when the edition gives one.
    blanks: Vec<(String, Option<String>)>,
    approved_by: Vec<String>,
    consulted: Vec<String>,
    signatories: Vec<String>,
}

struct ClauseText {
    rule: String,
    /// Inline Markdown, as written.
    text: String,
    condition: Option<String>,
    /// « Uniquement pour : TPE » in the generic edition, for a clause of some sizes.
    only_for: Option<String>,
}

/// Every charter's files: its Markdown always, its Word document when `docx`.
pub fn files(
    views: &Views,
    date: NaiveDate,
    docx: bool,
) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for page in views.library.of_kind(Kind::Charter) {
        let text = charter_text(views, page);
        files.push((
            urls::download(&page.url),
            markdown(views, &text).into_bytes(),
        ));
        if docx {
            match word(views, &text, date) {
                Ok(bytes) => files.push((urls::word_download(&page.url), bytes)),
                Err(err) => problems.push(Diagnostic::error(format!(
                    "cannot write {}: {err}",
                    urls::word_download(&page.url)
                ))),
            }
        }
    }
    (files, problems)
}

fn charter_text(views: &Views, page: &Page) -> CharterText {
    let labels = &views.library.labels;
    let label = |key: &str| labels.get(key).to_string();
    let KindData::Charter(charter) = &page.doc.data else {
        unreachable!("a charter page holds a charter")
    };
    let only_for = |dimension: &str, ids: Vec<&str>| {
        (!ids.is_empty()).then(|| variant_label(dimension, &ids, &label))
    };
    let names = |ids: &[String]| views.links(ids).iter().map(Link::name).collect();
    CharterText {
        title: page.doc.common.title.clone(),
        summary: page.doc.common.summary.clone(),
        body: plain_marked(&page.body, &label),
        clauses: charter
            .clauses
            .iter()
            .map(|c| ClauseText {
                rule: label(&format!("rule_{}", rule_id(c.rule))),
                text: c.text.clone(),
                condition: c.condition.clone(),
                only_for: [
                    (!c.sizes.is_all() && views.library.audience.size.is_none())
                        .then(|| only_for("sizes", c.sizes.members().map(Member::id).collect()))
                        .flatten(),
                    (!c.sectors.is_all() && views.library.audience.sector.is_none())
                        .then(|| only_for("sectors", c.sectors.members().map(Member::id).collect()))
                        .flatten(),
                ]
                .into_iter()
                .flatten()
                .reduce(|a, b| format!("{a} ; {b}")),
            })
            .collect(),
        blanks: charter
            .variables
            .iter()
            .map(|v| {
                (
                    v.label.clone(),
                    views.library.settings.variables.get(&v.name).cloned(),
                )
            })
            .collect(),
        approved_by: names(&charter.adoption.approved_by),
        consulted: names(&charter.adoption.consulted),
        signatories: names(&charter.signatories),
    }
}

fn rule_id(rule: crate::model::Rule) -> &'static str {
    match rule {
        crate::model::Rule::Allowed => "allowed",
        crate::model::Rule::Forbidden => "forbidden",
        crate::model::Rule::Conditional => "conditional",
    }
}

/// The Markdown template: the body, then the rules as a table, the blanks, the
/// adoption and a signature line per signatory.
fn markdown(views: &Views, charter: &CharterText) -> String {
    let labels = &views.library.labels;
    let colon = labels.get("colon");
    let mut out = format!("# {}\n\n", bracket_blanks(&charter.title));
    out.push_str(&bracket_blanks(&charter.body));
    if !charter.clauses.is_empty() {
        out.push_str(&format!(
            "\n## {}\n\n| {} | {} |\n| --- | --- |\n",
            labels.get("clauses"),
            labels.get("rule"),
            labels.get("clause")
        ));
        for clause in &charter.clauses {
            let mut cell = bracket_blanks(&clause.text);
            if let Some(condition) = &clause.condition {
                cell.push_str(&format!(" *{}*", bracket_blanks(condition)));
            }
            if let Some(only) = &clause.only_for {
                cell.push_str(&format!(" ({only})"));
            }
            out.push_str(&format!(
                "| {} | {} |\n",
                clause.rule,
                cell.replace('|', "\\|").replace('\n', " ")
            ));
        }
    }
    if !charter.blanks.is_empty() {
        out.push_str(&format!("\n## {}\n\n", labels.get("variables")));
        for (label, value) in &charter.blanks {
            let value = value.clone().unwrap_or_else(|| "…".to_string());
            out.push_str(&format!("- {label}{colon} {value}\n"));
        }
    }
    out.push_str(&format!("\n## {}\n\n", labels.get("adoption")));
    for (key, names) in [
        ("approved_by", &charter.approved_by),
        ("consulted", &charter.consulted),
    ] {
        if !names.is_empty() {
            out.push_str(&format!(
                "- {}{colon} {}\n",
                labels.get(key),
                names.join(", ")
            ));
        }
    }
    for signatory in &charter.signatories {
        out.push_str(&format!(
            "\n**{signatory}**\n\n{}{colon} …\n\n{}{colon} …\n\n{}{colon} …\n",
            labels.get("name"),
            labels.get("date"),
            labels.get("signature")
        ));
    }
    out
}

/// The Word document: the charter's title and summary, its body with Word's own
/// headings (the navigation pane lists them), lists and tables, the rules as a
/// table, the blanks highlighted, the adoption and a signature table; the edition
/// and the build date in the header and footer. Dated by `date` (not the clock),
/// so that the same inputs give the same bytes.
fn word(views: &Views, charter: &CharterText, date: NaiveDate) -> Result<Vec<u8>, String> {
    let library = views.library;
    let labels = &library.labels;
    let colon = labels.get("colon");
    let mut blocks = Vec::new();
    blocks.push(Block::P(Box::new(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(bracket_blanks(&charter.title))),
    )));
    blocks.push(Block::P(Box::new(
        Paragraph::new().add_run(Run::new().add_text(&charter.summary).italic()),
    )));
    blocks.extend(body_blocks(&charter.body));
    if !charter.clauses.is_empty() {
        blocks.push(heading(1, labels.get("clauses")));
        let mut rows = vec![header_row(&[labels.get("rule"), labels.get("clause")])];
        for clause in &charter.clauses {
            let mut text = Paragraph::new();
            for run in inline_runs(&clause.text, RunStyle::default()) {
                text = text.add_run(run);
            }
            if let Some(condition) = &clause.condition {
                text = text.add_run(Run::new().add_text(" "));
                for run in inline_runs(
                    condition,
                    RunStyle {
                        italic: true,
                        ..RunStyle::default()
                    },
                ) {
                    text = text.add_run(run);
                }
            }
            let mut cell = TableCell::new().add_paragraph(text);
            if let Some(only) = &clause.only_for {
                cell = cell.add_paragraph(
                    Paragraph::new().add_run(Run::new().add_text(only).italic().size(18)),
                );
            }
            rows.push(TableRow::new(vec![
                TableCell::new().width(2200, WidthType::Dxa).add_paragraph(
                    Paragraph::new().add_run(Run::new().add_text(&clause.rule).bold()),
                ),
                cell.width(7000, WidthType::Dxa),
            ]));
        }
        blocks.push(Block::T(Box::new(
            Table::new(rows).set_grid(vec![2200, 7000]),
        )));
    }
    if !charter.blanks.is_empty() {
        blocks.push(heading(1, labels.get("variables")));
        blocks.push(Block::P(Box::new(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(labels.get("variables_help_word"))
                    .italic(),
            ),
        )));
        let mut rows = Vec::new();
        for (label, value) in &charter.blanks {
            let value = match value {
                Some(value) => Run::new().add_text(value),
                None => blank_run(labels.get("to_fill")),
            };
            rows.push(TableRow::new(vec![
                TableCell::new()
                    .width(4000, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(label).bold())),
                TableCell::new()
                    .width(5200, WidthType::Dxa)
                    .add_paragraph(Paragraph::new().add_run(value)),
            ]));
        }
        blocks.push(Block::T(Box::new(
            Table::new(rows).set_grid(vec![4000, 5200]),
        )));
    }
    blocks.push(heading(1, labels.get("adoption")));
    for (key, names) in [
        ("approved_by", &charter.approved_by),
        ("consulted", &charter.consulted),
    ] {
        if !names.is_empty() {
            blocks.push(Block::P(Box::new(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(format!("{}{colon} ", labels.get(key)))
                            .bold(),
                    )
                    .add_run(Run::new().add_text(names.join(", "))),
            )));
        }
    }
    if !charter.signatories.is_empty() {
        blocks.push(heading(2, labels.get("signatories")));
        let columns = [
            labels.get("signatories"),
            labels.get("name"),
            labels.get("date"),
            labels.get("signature"),
        ];
        let mut rows = vec![header_row(&columns)];
        for signatory in &charter.signatories {
            let mut cells = vec![TableCell::new()
                .width(2800, WidthType::Dxa)
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(signatory)))];
            for width in [2400, 1600, 2400] {
                cells.push(
                    TableCell::new()
                        .width(width, WidthType::Dxa)
                        .add_paragraph(Paragraph::new()),
                );
            }
            rows.push(TableRow::new(cells).row_height(900.0));
        }
        blocks.push(Block::T(Box::new(
            Table::new(rows).set_grid(vec![2800, 2400, 1600, 2400]),
        )));
    }

    let edition = match &library.settings.org.name {
        Some(org) => format!("{} — {org}", library.settings.title),
        None => library.settings.title.clone(),
    };
    let footer = format!(
        "{} — {} {}",
        bracket_blanks(&charter.title),
        labels.get("word_built_on"),
        labels.long_date(date)
    );
    let stamp = format!("{date}T00:00:00Z");
    let mut docx = styles(Docx::new())
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(edition).size(18)),
            ),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(footer).size(18)),
            ),
        )
        .created_at(&stamp)
        .updated_at(&stamp);
    for block in blocks {
        docx = match block {
            Block::P(p) => docx.add_paragraph(*p),
            Block::T(t) => docx.add_table(*t),
        };
    }
    let mut bytes = Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}

/// The styles the document names: Word's built-in headings (by their built-in
/// names, so the navigation pane and other tools know them) and a title.
fn styles(docx: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .bold()
            .size(size)
            .outline_lvl(level)
            .line_spacing(LineSpacing::new().before(280).after(100))
    };
    // A sans-serif text, as office documents have (Arial, or what stands for it).
    let sans = RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial");
    docx.default_fonts(sans)
        .default_size(21)
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .bold()
                .size(40),
        )
        .add_style(heading("Heading1", "heading 1", 32, 0))
        .add_style(heading("Heading2", "heading 2", 26, 1))
        .add_style(heading("Heading3", "heading 3", 24, 2))
}

enum Block {
    P(Box<Paragraph>),
    T(Box<Table>),
}

fn heading(level: usize, text: &str) -> Block {
    Block::P(Box::new(
        Paragraph::new()
            .style(&format!("Heading{}", level.clamp(1, 3)))
            .add_run(Run::new().add_text(text)),
    ))
}

fn header_row(titles: &[&str]) -> TableRow {
    TableRow::new(
        titles
            .iter()
            .map(|t| {
                TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*t).bold()))
            })
            .collect(),
    )
}

/// A blank still to fill: its label, highlighted, in brackets.
fn blank_run(label: &str) -> Run {
    Run::new()
        .add_text(format!("[{label}]"))
        .highlight("yellow")
}

/// The character style of a run of inline text.
#[derive(Clone, Copy, Default)]
struct RunStyle {
    bold: bool,
    italic: bool,
    code: bool,
}

impl RunStyle {
    fn run(self, text: &str) -> Run {
        let mut run = Run::new().add_text(text);
        if self.bold {
            run = run.bold();
        }
        if self.italic {
            run = run.italic();
        }
        if self.code {
            run = run.fonts(RunFonts::new().ascii("Courier New").hi_ansi("Courier New"));
        }
        run
    }
}

/// Text with its blanks as highlighted runs.
fn text_runs(text: &str, style: RunStyle) -> Vec<Run> {
    pieces(text)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Text("") => None,
            Piece::Text(text) => Some(style.run(text)),
            Piece::Blank { label, .. } => Some(blank_run(label)),
        })
        .collect()
}

/// A short inline Markdown text (a clause) as runs: emphasis kept, links as their
/// text, blanks highlighted.
fn inline_runs(text: &str, base: RunStyle) -> Vec<Run> {
    let mut writer = BodyWriter::new(base);
    // The text's runs, not a paragraph of its own: its caller makes that.
    let inline = |e: &Event| {
        !matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
        )
    };
    for event in Parser::new(text).filter(inline) {
        writer.event(event);
    }
    writer.flush_text();
    writer.runs
}

/// The body's Markdown as Word paragraphs and tables.
fn body_blocks(body: &str) -> Vec<Block> {
    let mut writer = BodyWriter::new(RunStyle::default());
    for event in Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        writer.event(event);
    }
    writer.end_paragraph();
    writer.blocks
}

/// Walks Markdown events into Word blocks: the runs of the paragraph being
/// written, the inline style, the lists and the table being filled.
struct BodyWriter {
    base: RunStyle,
    style: RunStyle,
    /// Text not yet made a run: a blank's mark may come over several text events.
    text: String,
    runs: Vec<Run>,
    paragraph_style: Option<String>,
    indent: i32,
    blocks: Vec<Block>,
    /// The lists open: the next item's number for an ordered one.
    lists: Vec<Option<u64>>,
    /// The prefix of the next paragraph: a list item's bullet or number.
    prefix: Option<String>,
    table: Option<Vec<TableRow>>,
    row: Vec<TableCell>,
    quote: usize,
}

impl BodyWriter {
    fn new(base: RunStyle) -> BodyWriter {
        BodyWriter {
            base,
            style: base,
            text: String::new(),
            runs: Vec::new(),
            paragraph_style: None,
            indent: 0,
            blocks: Vec::new(),
            lists: Vec::new(),
            prefix: None,
            table: None,
            row: Vec::new(),
            quote: 0,
        }
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.runs.extend(text_runs(&text, self.style));
        }
    }

    fn paragraph(&mut self) -> Paragraph {
        self.flush_text();
        let mut paragraph = Paragraph::new();
        match self.paragraph_style.take() {
            Some(style) => paragraph = paragraph.style(&style),
            // Body text breathes: a little space after each paragraph.
            None => paragraph = paragraph.line_spacing(LineSpacing::new().after(120)),
        }
        if self.indent > 0 {
            paragraph = paragraph.indent(Some(self.indent), None, None, None);
        }
        if let Some(prefix) = self.prefix.take() {
            paragraph = paragraph.add_run(Run::new().add_text(prefix));
        }
        for run in std::mem::take(&mut self.runs) {
            paragraph = paragraph.add_run(run);
        }
        paragraph
    }

    fn end_paragraph(&mut self) {
        self.flush_text();
        if self.runs.is_empty() && self.prefix.is_none() {
            self.paragraph_style = None;
            return;
        }
        let paragraph = self.paragraph();
        self.blocks.push(Block::P(Box::new(paragraph)));
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Text(t) => self.text.push_str(&t),
            Event::Code(t) => {
                self.flush_text();
                self.runs.push(
                    RunStyle {
                        code: true,
                        ..self.style
                    }
                    .run(&t),
                );
            }
            Event::SoftBreak => self.text.push(' '),
            Event::HardBreak => {
                self.flush_text();
                self.runs
                    .push(Run::new().add_break(docx_rs::BreakType::TextWrapping));
            }
            Event::Rule => self.blocks.push(Block::P(Box::new(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text("⁂")),
            ))),
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            // Raw HTML, footnotes, task markers: nothing a charter's reader needs.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => {
                self.end_paragraph();
                // The document's title is the charter's: the body's `##` is Word's
                // first heading level.
                let level = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 1,
                    HeadingLevel::H3 => 2,
                    _ => 3,
                };
                self.paragraph_style = Some(format!("Heading{level}"));
            }
            Tag::Paragraph => {}
            Tag::BlockQuote(_) => {
                self.end_paragraph();
                self.quote += 1;
                self.indent += 567;
                self.style.italic = true;
            }
            Tag::List(start) => {
                self.end_paragraph();
                self.lists.push(start);
                self.indent += 425;
            }
            Tag::Item => {
                self.end_paragraph();
                let prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let prefix = format!("{n}. ");
                        *n += 1;
                        prefix
                    }
                    _ => "• ".to_string(),
                };
                self.prefix = Some(prefix);
            }
            Tag::Emphasis => {
                self.flush_text();
                self.style.italic = true;
            }
            Tag::Strong => {
                self.flush_text();
                self.style.bold = true;
            }
            Tag::CodeBlock(_) => {
                self.end_paragraph();
                self.style.code = true;
            }
            Tag::Table(_) => {
                self.end_paragraph();
                self.table = Some(Vec::new());
            }
            Tag::TableHead => self.style.bold = true,
            Tag::TableRow => self.row.clear(),
            Tag::TableCell => self.flush_text(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::Paragraph => self.end_paragraph(),
            TagEnd::BlockQuote(_) => {
                self.end_paragraph();
                self.quote -= 1;
                self.indent -= 567;
                self.style.italic = self.quote > 0 || self.base.italic;
            }
            TagEnd::List(_) => {
                self.end_paragraph();
                self.lists.pop();
                self.indent -= 425;
            }
            TagEnd::Item => self.end_paragraph(),
            TagEnd::Emphasis => {
                self.flush_text();
                self.style.italic = self.quote > 0 || self.base.italic;
            }
            TagEnd::Strong => {
                self.flush_text();
                self.style.bold = self.base.bold;
            }
            TagEnd::CodeBlock => {
                // A code block's lines, one paragraph each.
                self.flush_text();
                let runs = std::mem::take(&mut self.runs);
                self.style.code = false;
                for run in runs {
                    self.blocks
                        .push(Block::P(Box::new(Paragraph::new().add_run(run))));
                }
            }
            TagEnd::TableCell => {
                let paragraph = self.paragraph();
                self.row.push(TableCell::new().add_paragraph(paragraph));
            }
            TagEnd::TableHead => {
                self.style.bold = self.base.bold;
                let cells = std::mem::take(&mut self.row);
                if let Some(table) = &mut self.table {
                    table.push(TableRow::new(cells));
                }
            }
            TagEnd::TableRow => {
                let cells = std::mem::take(&mut self.row);
                if let Some(table) = &mut self.table {
                    table.push(TableRow::new(cells));
                }
            }
            TagEnd::Table => {
                if let Some(rows) = self.table.take() {
                    self.blocks.push(Block::T(Box::new(Table::new(rows))));
                }
            }
            _ => {}
        }
    }
}
