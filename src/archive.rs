//! The whole handbook as one zip, for staff who receive it on a USB key or by
//! e-mail and read it from disk: every file of a built site under one folder
//! named after the edition and the date, so that its `index.html` works once
//! extracted anywhere. Entries are sorted and dated by the build date, so the same
//! site gives the same bytes.

use std::io::{Cursor, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::edition::Settings;
use crate::output::MARKER;

/// The archive's name, without `.zip`, which is also its folder's: the edition's
/// title and organisation, and the date (`guide-de-gouvernance-de-l-ia-acme-2026-12-02`).
pub fn name(settings: &Settings, date: NaiveDate) -> String {
    let mut words = settings.title.clone();
    if let Some(org) = &settings.org.name {
        words.push(' ');
        words.push_str(org);
    }
    format!("{}-{date}", slug::slugify(words))
}

/// Every file under `dir` (but gouvernail's marker of a site it built, and the
/// file named `skip`), under the folder `top`, as a zip.
pub fn zip_folder(
    dir: &Path,
    top: &str,
    date: NaiveDate,
    skip: Option<&str>,
) -> std::io::Result<Vec<u8>> {
    let mut files: Vec<(String, std::path::PathBuf)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let rel = entry.path().strip_prefix(dir).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel != MARKER && Some(rel.as_str()) != skip).then(|| (rel, entry.into_path()))
        })
        .collect();
    files.sort();
    let stamp = DateTime::from_date_and_time(
        date.year().clamp(1980, 2107) as u16,
        date.month() as u8,
        date.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (rel, path) in files {
        let bytes = std::fs::read(&path)?;
        zip.start_file(format!("{top}/{rel}"), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Writes the archive of the site built in `site` to `file` (or, when `file` is a
/// folder, to `<name>.zip` in it), leaving out the site's own archive if it has
/// one; returns where it went. The file is written whole or not at all.
pub fn write_archive(
    settings: &Settings,
    site: &Path,
    file: &Path,
    date: NaiveDate,
) -> Result<std::path::PathBuf, crate::diagnostics::Diagnostic> {
    use crate::diagnostics::Diagnostic;
    let name = name(settings, date);
    let own = format!("{name}.zip");
    let file = if file.is_dir() {
        file.join(&own)
    } else {
        file.to_path_buf()
    };
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let inside = |a: &Path, b: &Path| {
        a.canonicalize()
            .ok()
            .zip(b.canonicalize().ok())
            .is_some_and(|(a, b)| a.starts_with(b))
    };
    if inside(&parent, site) {
        return Err(Diagnostic::error(format!(
            "--zip {} is inside the site folder {}, which the next build replaces",
            file.display(),
            site.display()
        ))
        .hint("write the archive beside the site, as `--zip ../guide.zip`, or turn on `exports: { zip: true }` to have it inside the site"));
    }
    let cannot = |err: std::io::Error| {
        Diagnostic::error(format!(
            "cannot write the archive {}: {err}",
            file.display()
        ))
        .hint("check that its folder exists and that you may write there")
    };
    let bytes = zip_folder(site, &name, date, Some(&own)).map_err(cannot)?;
    let mut staged = tempfile::NamedTempFile::new_in(&parent).map_err(cannot)?;
    staged.write_all(&bytes).map_err(cannot)?;
    // A temporary file is private to its owner; the archive is to hand out.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        staged
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(cannot)?;
    }
    staged.persist(&file).map_err(|err| cannot(err.error))?;
    Ok(file)
}
