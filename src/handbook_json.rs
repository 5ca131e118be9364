//! The handbook as data (`handbook.json`), for an intranet that loads the content
//! into its own portal: every page with its kind, its typed fields, what it is
//! tailored to, its body as Markdown (each passage for some sizes or sectors kept
//! as a `::: sizes …` block, and listed) and as HTML; the roles and the RACI
//! matrix. Its shape is `schemas/handbook.schema.json`.

use serde::Serialize;
use serde_json::Value;

use crate::bodies::Body;
use crate::markdown::variant_label;
use crate::model::{Kind, Member};
use crate::tailor::{container_mark, map_blanks, marks, Container, TailoredBody};
use crate::views::Views;

/// The file's path in the site.
pub const FILE: &str = "handbook.json";
/// The shape's name and version, which changes when a field changes meaning.
const FORMAT: &str = "gouvernail-handbook/1";

#[derive(Serialize)]
struct Handbook<'a> {
    format: &'static str,
    generator: String,
    title: &'a str,
    language: &'static str,
    organisation: Option<&'a str>,
    /// The size and sector the edition is tailored to; none: every variant is in.
    size: Option<&'static str>,
    sector: Option<&'static str>,
    date: String,
    pages: Vec<PageData<'a>>,
    roles: Vec<RoleData>,
    raci: Raci,
}

#[derive(Serialize)]
struct PageData<'a> {
    id: &'a str,
    kind: &'static str,
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    sizes: Vec<&'static str>,
    sectors: Vec<&'static str>,
    tags: &'a [String],
    /// The front matter's common fields and the kind's own, as typed.
    common: Value,
    fields: Value,
    /// Markdown, the blanks still to fill as `{{ var.<name> }}`.
    body_markdown: String,
    body_html: &'a str,
    passages: Vec<Passage>,
}

/// A passage of the body kept for some sizes or sectors (the generic edition).
#[derive(Serialize)]
struct Passage {
    dimension: &'static str,
    ids: Vec<&'static str>,
    /// « Uniquement pour : TPE… », as the page says it.
    label: String,
    markdown: String,
}

#[derive(Serialize)]
struct RoleData {
    id: String,
    title: String,
    /// As the edition names it (its holder, where another holds it).
    name: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct Raci {
    roles: Vec<String>,
    rows: Vec<RaciRow>,
}

#[derive(Serialize)]
struct RaciRow {
    playbook: String,
    /// One per role of `roles`: « R », « A C »…, empty when none.
    cells: Vec<String>,
}

/// The handbook as JSON.
pub fn json(views: &Views, bodies: &[Body]) -> Vec<u8> {
    let library = views.library;
    let labels = &library.labels;
    let label = |key: &str| labels.get(key).to_string();
    let pages = library
        .pages
        .iter()
        .zip(bodies)
        .map(|(page, body)| {
            let doc = &page.doc;
            let (body_markdown, passages) = body_data(&page.body, &label);
            PageData {
                id: &doc.id,
                kind: doc.kind.id(),
                url: &page.url,
                title: &doc.common.title,
                summary: &doc.common.summary,
                sizes: doc.common.sizes.members().map(Member::id).collect(),
                sectors: doc.common.sectors.members().map(Member::id).collect(),
                tags: &doc.common.tags,
                common: clean(serde_json::to_value(&doc.common).unwrap_or(Value::Null)),
                fields: clean(serde_json::to_value(&doc.data).unwrap_or(Value::Null)),
                body_markdown,
                body_html: &body.html,
                passages,
            }
        })
        .collect();
    let roles = library
        .of_kind(Kind::Role)
        .map(|page| {
            let link = views.link(&page.doc.id);
            RoleData {
                id: page.doc.id.clone(),
                title: page.doc.common.title.clone(),
                name: link.name(),
                url: link.url,
            }
        })
        .collect();
    let (role_links, rows) = views.raci_matrix();
    let raci = Raci {
        roles: role_links.into_iter().map(|r| r.id).collect(),
        rows: library
            .of_kind(Kind::Playbook)
            .zip(rows)
            .map(|(page, row)| RaciRow {
                playbook: page.doc.id.clone(),
                cells: row.cells,
            })
            .collect(),
    };
    let handbook = Handbook {
        format: FORMAT,
        generator: format!("gouvernail {}", env!("CARGO_PKG_VERSION")),
        title: &library.settings.title,
        language: library.language().code(),
        organisation: library.settings.org.name.as_deref(),
        size: library.audience.size.map(Member::id),
        sector: library.audience.sector.map(Member::id),
        date: library.date.to_string(),
        pages,
        roles,
        raci,
    };
    let mut bytes = serde_json::to_vec_pretty(&handbook).expect("the handbook serialises");
    bytes.push(b'\n');
    bytes
}

/// A text's blanks as `{{ var.<name> }}`, the placeholder an author writes.
fn with_placeholders(text: &str) -> String {
    if !text.contains(marks::BLANK) {
        return text.to_string();
    }
    map_blanks(text, |name, _| format!("{{{{ var.{name} }}}}"))
}

/// Every string of `value` with its blanks as placeholders.
fn clean(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(with_placeholders(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, clean(v))).collect()),
        other => other,
    }
}

/// The body as Markdown with its passages as `:::` blocks, as an author writes
/// them, and the passages for some sizes or sectors on their own.
fn body_data(body: &TailoredBody, label: &dyn Fn(&str) -> String) -> (String, Vec<Passage>) {
    let mut out = String::with_capacity(body.text().len());
    // The open containers: for a variant, its passage's index.
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut passages: Vec<Passage> = Vec::new();
    for line in body.text().lines() {
        match container_mark(line) {
            Some(Some(n)) => {
                let index = match body.container(n) {
                    Some(Container::Variant { dimension, ids }) => {
                        out.push_str(&format!("::: {dimension} {}\n", ids.join(" ")));
                        passages.push(Passage {
                            dimension,
                            ids: ids.clone(),
                            label: variant_label(dimension, ids, label),
                            markdown: String::new(),
                        });
                        Some(passages.len() - 1)
                    }
                    Some(Container::Admonition { kind, title }) => {
                        match title {
                            Some(title) => {
                                out.push_str(&format!("::: {kind} {}\n", with_placeholders(title)))
                            }
                            None => out.push_str(&format!("::: {kind}\n")),
                        }
                        None
                    }
                    None => None,
                };
                open.push(index);
            }
            Some(None) => {
                open.pop();
                out.push_str(":::\n");
            }
            None => {
                let line = with_placeholders(line);
                for index in open.iter().flatten() {
                    let passage = &mut passages[*index].markdown;
                    passage.push_str(&line);
                    passage.push('\n');
                }
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    for passage in &mut passages {
        passage.markdown = passage.markdown.trim().to_string();
    }
    (out, passages)
}
