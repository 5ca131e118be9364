//! The RACI as files a steering committee passes around: a workbook (`raci.xlsx`:
//! the playbooks × roles matrix, then a sheet per playbook with its steps and
//! their R, A, C and I) and the matrix as CSV (`raci.csv`), beside raci.html.
//! Roles are named as the edition names them (in an edition tailored to a size,
//! the holder of a role held by another); text only, no markup.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::diagnostics::Diagnostic;
use crate::library::Library;
use crate::markdown::{inline_text, variant_label};
use crate::model::{Kind, KindData, Member};
use crate::views::{playbook_raci, Views};

/// The files' paths, beside the RACI matrix's page.
pub const XLSX: &str = "raci.xlsx";
pub const CSV: &str = "raci.csv";

/// A table: its header row and its rows, as text.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The matrix: a row per playbook, a column per role.
fn matrix(views: &Views) -> Table {
    let labels = &views.library.labels;
    let (roles, rows) = views.raci_matrix();
    let titles = views
        .library
        .of_kind(Kind::Playbook)
        .map(|page| page.doc.common.title.clone());
    Table {
        header: std::iter::once(labels.get("kinds_playbook").to_string())
            .chain(roles.iter().map(|r| r.name()))
            .collect(),
        rows: titles
            .zip(rows)
            .map(|(title, row)| std::iter::once(title).chain(row.cells).collect())
            .collect(),
    }
}

/// One playbook's steps: number, title, what they apply to (in the generic
/// edition), then a column per role its steps name.
fn steps(views: &Views, library: &Library, i: usize) -> Option<(String, Table)> {
    let page = &library.pages[i];
    let KindData::Playbook(playbook) = &page.doc.data else {
        return None;
    };
    let labels = &library.labels;
    let label = |key: &str| labels.get(key).to_string();
    let (role_ids, cells) = playbook_raci(playbook);
    let header = [
        label("raci_step_number"),
        label("raci_step"),
        label("raci_applies_to"),
    ]
    .into_iter()
    .chain(role_ids.iter().map(|id| views.link(id).name()))
    .collect();
    let rows = playbook
        .steps
        .iter()
        .zip(cells)
        .enumerate()
        .map(|(n, (step, cells))| {
            let mut limits = Vec::new();
            if !step.sizes.is_all() {
                let ids: Vec<&str> = step.sizes.members().map(Member::id).collect();
                limits.push(variant_label("sizes", &ids, &label));
            }
            if !step.sectors.is_all() {
                let ids: Vec<&str> = step.sectors.members().map(Member::id).collect();
                limits.push(variant_label("sectors", &ids, &label));
            }
            [
                (n + 1).to_string(),
                inline_text(&step.title),
                limits.join(" ; "),
            ]
            .into_iter()
            .chain(cells)
            .collect()
        })
        .collect();
    Some((page.doc.common.title.clone(), Table { header, rows }))
}

/// The matrix as CSV (comma-separated, UTF-8, a header row).
pub fn csv(views: &Views) -> Result<Vec<u8>, Diagnostic> {
    let table = matrix(views);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let cannot =
        |err: &dyn std::fmt::Display| Diagnostic::error(format!("cannot write {CSV}: {err}"));
    for row in std::iter::once(&table.header).chain(&table.rows) {
        writer.write_record(row).map_err(|e| cannot(&e))?;
    }
    writer.into_inner().map_err(|e| cannot(&e))
}

/// The workbook: the matrix, then a sheet per playbook. Dated `date` (the build's),
/// so that the same inputs give the same bytes.
pub fn xlsx(views: &Views, title: &str, date: NaiveDate) -> Result<Vec<u8>, Diagnostic> {
    let cannot =
        |err: rust_xlsxwriter::XlsxError| Diagnostic::error(format!("cannot write {XLSX}: {err}"));
    let library = views.library;
    let labels = &library.labels;
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)
        .map_err(cannot)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — {title}", labels.get("raci")))
            .set_creation_datetime(&created),
    );
    let mut names = Vec::new();
    let matrix_sheet = workbook.add_worksheet();
    fill(
        matrix_sheet,
        &sheet_name(labels.get("raci"), &mut names),
        &matrix(views),
        1,
    )
    .map_err(cannot)?;
    let playbooks: Vec<usize> = library
        .by_kind
        .get(&Kind::Playbook)
        .cloned()
        .unwrap_or_default();
    for i in playbooks {
        if let Some((name, table)) = steps(views, library, i) {
            let sheet = workbook.add_worksheet();
            fill(sheet, &sheet_name(&name, &mut names), &table, 3).map_err(cannot)?;
        }
    }
    workbook.save_to_buffer().map_err(cannot)
}

/// Writes `table` into `sheet`: the header row bold and frozen with the first
/// `text_columns` columns, filters on, text columns wide and wrapped, letter
/// columns narrow and centred.
fn fill(
    sheet: &mut Worksheet,
    name: &str,
    table: &Table,
    text_columns: u16,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(name)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let letters = Format::new()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Top);
    for (c, cell) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, cell, &header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let format = if (c as u16) < text_columns {
                &text
            } else {
                &letters
            };
            sheet.write_string_with_format(r as u32 + 1, c as u16, cell, format)?;
        }
    }
    for c in 0..table.header.len() as u16 {
        let width = match c {
            0 if text_columns > 1 => 6.0,
            c if c < text_columns => 40.0,
            _ => 16.0,
        };
        sheet.set_column_width(c, width)?;
    }
    sheet.set_freeze_panes(1, text_columns.min(2))?;
    let last_column = table.header.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, table.rows.len() as u32, last_column)?;
    Ok(())
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique
/// in the workbook (a number added when two playbooks' titles begin alike).
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    // Nor may it start or end with an apostrophe.
    let cut = |text: &str, max: usize| -> String {
        let cut: String = text.chars().take(max).collect();
        cut.trim_matches(|c: char| c == '\'' || c == '’' || c.is_whitespace())
            .to_string()
    };
    let mut name = cut(&clean, 31);
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", cut(&clean, 31 - suffix.chars().count()));
        n += 1;
    }
    taken.push(name.clone());
    name
}
