//! The pipeline, readable as a sentence:
//! load edition → parse → validate → tailor → render → write.
//!
//! `build` runs it for one edition into any `Sink` (a directory swapped in on
//! success, or memory), so a server and a multi-edition build use the same path. It
//! gathers every diagnostic of every stage; a stage that cannot go on without
//! correct input (render needs valid references) runs only when the stages before it
//! found no error.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::edition::{load_data, Edition};
use crate::i18n::{self, Labels};
use crate::markdown::{self, LinkTarget};
use crate::model::*;
use crate::output::Sink;
use crate::parse::{decode, parse_document};
use crate::render::{self, root_of, Page, Site};
use crate::tailor::{self, Audience, BlankStyle, Values};
use crate::templates;
use crate::validate::validate;

/// What a build is asked to do beyond what the edition says.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Overrides the edition's size.
    pub size: Option<Size>,
    /// Overrides the edition's sector.
    pub sector: Option<Sector>,
    /// Builds pages marked `draft: true`.
    pub drafts: bool,
    /// The date review deadlines are compared with.
    pub today: NaiveDate,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the edition in `dir` into `sink`. On error, returns every diagnostic
/// (warnings included); what was written to the sink is then incomplete.
pub fn build(
    dir: &Path,
    options: &BuildOptions,
    sink: &dyn Sink,
) -> Result<Summary, Vec<Diagnostic>> {
    let edition = Edition::load(dir)?;
    let mut diagnostics = Vec::new();
    let (docs, unparsed, problems) = load_documents(&edition);
    diagnostics.extend(problems);
    let (data, problems) = load_data(&edition);
    diagnostics.extend(problems);
    diagnostics.extend(validate(&docs, &unparsed, options.today));
    let tera = match templates::load(&edition) {
        Ok(tera) => Some(tera),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    let theme = match templates::theme_files(&edition) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    if let (Some(theme), Some(logo)) = (&theme, &edition.settings.branding.logo) {
        if !theme.contains_key(logo) {
            diagnostics.push(
                Diagnostic::error(format!("the logo `{logo}` is not in theme/"))
                    .in_file(edition.root.join(crate::edition::EDITION_FILE))
                    .hint("put the image in the edition's theme/ folder and name it relative to theme/"),
            );
        }
    }
    // The later stages run even when earlier ones found errors, so that one run
    // reports everything; only the result depends on whether there were errors.
    let theme = theme.unwrap_or_default();

    let audience = Audience {
        size: options.size.or(edition.size),
        sector: options.sector.or(edition.sector),
    };
    let labels = Labels::new(edition.settings.language, &edition.settings.labels);
    let known: HashMap<String, (String, Kind)> = docs
        .iter()
        .map(|d| (d.id.clone(), (d.common.title.clone(), d.kind)))
        .collect();
    let by_path: HashMap<String, String> = docs
        .iter()
        .map(|d| (d.rel_path.clone(), d.id.clone()))
        .collect();
    let values = Values {
        org: &edition.settings.org,
        org_size_label: audience
            .size
            .map(|s| labels.get(&format!("size_{}", s.id())).to_string()),
        org_sector_label: audience
            .sector
            .map(|s| labels.get(&format!("sector_{}", s.id())).to_string()),
        variables: &edition.settings.variables,
        data: &data,
    };

    // Tailor: keep what applies, fill the values.
    let admonition = |name: &str| labels.get(name).to_string();
    let tailored: Vec<Result<(Page, Option<String>), Vec<Diagnostic>>> = docs
        .into_par_iter()
        .filter(|d| options.drafts || !d.common.draft)
        .filter(|d| audience.admits(d.common.sizes, d.common.sectors))
        .map(|doc| {
            tailor_page(
                doc,
                audience,
                &values,
                &admonition,
                edition.settings.language,
            )
        })
        .collect();
    let mut pages = Vec::new();
    let mut downloads = Vec::new();
    for result in tailored {
        match result {
            Ok((page, download)) => {
                if let Some(markdown) = download {
                    downloads.push((render::download_url(&page.url), markdown));
                }
                pages.push(page);
            }
            Err(problems) => diagnostics.extend(problems),
        }
    }

    let site = Site::new(&edition.settings, &labels, audience, pages, known);
    let writer = Writer {
        site: &site,
        tera: tera.as_ref(),
        sink,
        by_path: &by_path,
        unparsed: &unparsed,
        today: options.today,
    };
    let (files, problems) = writer.write_all(&theme, &downloads);
    diagnostics.extend(problems);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok(Summary {
        pages: site.pages.len(),
        files,
        warnings: diagnostics,
    })
}

/// Reads and parses every content file, in parallel. Also returns the ids (file
/// stems) of the files that did not parse, so that references to them are not
/// reported as dangling on top of their own errors.
fn load_documents(edition: &Edition) -> (Vec<Document>, HashSet<String>, Vec<Diagnostic>) {
    let files: Vec<(String, std::path::PathBuf)> = edition
        .files("content")
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .collect();
    let results: Vec<(String, Result<Document, Vec<Diagnostic>>)> = files
        .into_par_iter()
        .map(|(rel, path)| {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".md")
                .to_string();
            (stem, load_document(&rel, path))
        })
        .collect();
    let mut docs = Vec::new();
    let mut unparsed = HashSet::new();
    let mut problems = Vec::new();
    for (stem, result) in results {
        match result {
            Ok(doc) => docs.push(doc),
            Err(p) => {
                unparsed.insert(stem);
                problems.extend(p);
            }
        }
    }
    (docs, unparsed, problems)
}

fn load_document(rel: &str, path: std::path::PathBuf) -> Result<Document, Vec<Diagnostic>> {
    let folder = rel.split('/').next().unwrap_or_default();
    let Some(kind) = Kind::from_folder(folder).filter(|_| rel.contains('/')) else {
        let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
        return Err(vec![Diagnostic::error(format!(
            "content/{rel} is not in a folder of a kind"
        ))
        .in_file(&path)
        .hint(format!(
            "move it into one of content/{{{}}}/",
            folders.join(", ")
        ))]);
    };
    let bytes = std::fs::read(&path).map_err(|err| {
        vec![Diagnostic::error(format!("cannot read the file: {err}")).in_file(&path)]
    })?;
    let source = decode(path, bytes).map_err(|d| vec![d])?;
    parse_document(kind, rel, source)
}

/// Tailors one document into a page; a charter also gets its Markdown template.
fn tailor_page(
    mut doc: Document,
    audience: Audience,
    values: &Values,
    admonition: &(dyn Fn(&str) -> String + Sync),
    language: crate::edition::Language,
) -> Result<(Page, Option<String>), Vec<Diagnostic>> {
    let declared: Vec<Variable> = match &doc.data {
        KindData::Charter(c) => c.variables.clone(),
        _ => Vec::new(),
    };
    let mut problems = Vec::new();
    let locate_placeholder = |doc: &Document, placeholder: &str| {
        let yaml = &doc.source.text[doc.front_matter.clone()];
        let at = yaml.find(placeholder).unwrap_or(0) + doc.front_matter.start;
        at..at + placeholder.len().min(doc.source.text.len() - at)
    };
    match tailor::fill_fields(&doc.common, values, &declared) {
        Ok(common) => doc.common = common,
        Err(found) => {
            for (placeholder, message, hint) in found {
                problems.push(
                    Diagnostic::error(message)
                        .at(&doc.source, locate_placeholder(&doc, &placeholder))
                        .hint(hint),
                );
            }
        }
    }
    tailor::filter_parts(&mut doc.data, audience);
    match tailor::fill_kind(&doc.data, values, &declared) {
        Ok(data) => doc.data = data,
        Err(found) => {
            for (placeholder, message, hint) in found {
                problems.push(
                    Diagnostic::error(message)
                        .at(&doc.source, locate_placeholder(&doc, &placeholder))
                        .hint(hint),
                );
            }
        }
    }
    let (body, found) = tailor::tailor_body(
        doc.body(),
        doc.body_line(),
        audience,
        values,
        &declared,
        BlankStyle::Html,
        admonition,
    );
    for (at, message, hint) in found {
        problems.push(
            Diagnostic::error(message)
                .at(&doc.source, doc.body_start + at..doc.body_start + at)
                .hint(hint),
        );
    }
    let download = match &doc.data {
        KindData::Charter(_) => {
            let (text, _) = tailor::tailor_body(
                doc.body(),
                doc.body_line(),
                audience,
                values,
                &declared,
                BlankStyle::Text,
                admonition,
            );
            Some(format!(
                "# {}\n\n{}",
                doc.common.title,
                strip_html_blocks(&text.text)
            ))
        }
        _ => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut anchors: HashSet<String> = markdown::heading_ids(&body.text).into_iter().collect();
    match &doc.data {
        KindData::Playbook(p) => anchors.extend(p.steps.iter().map(|s| format!("step-{}", s.id))),
        KindData::Charter(c) => anchors.extend(
            c.clauses
                .iter()
                .filter_map(|c| c.id.as_ref())
                .map(|id| format!("clause-{id}")),
        ),
        KindData::Assessment(a) => {
            anchors.extend(a.questions.iter().map(|q| format!("q-{}", q.id)))
        }
        _ => {}
    }
    let url = format!("{}/{}.html", i18n::segment(language, doc.kind), doc.id);
    Ok((
        Page {
            doc,
            body,
            url,
            anchors,
        },
        download,
    ))
}

/// The Markdown template without the `<div>` lines that mark variants and notes.
fn strip_html_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("<div class=\"") || t == "</div>" {
            continue;
        }
        if let Some(title) = t
            .strip_prefix("<p class=\"admonition-title\">")
            .and_then(|r| r.strip_suffix("</p>"))
        {
            out.push_str(&format!("**{title}**\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Renders and writes the pages of a site.
struct Writer<'a> {
    site: &'a Site<'a>,
    /// None when the templates did not load: pages are then only checked.
    tera: Option<&'a Tera>,
    sink: &'a dyn Sink,
    by_path: &'a HashMap<String, String>,
    /// Pages that failed to parse: links to them are not reported again.
    unparsed: &'a HashSet<String>,
    today: NaiveDate,
}

impl Writer<'_> {
    /// Writes everything; returns the number of files and the problems.
    fn write_all(
        &self,
        theme: &std::collections::BTreeMap<String, Vec<u8>>,
        downloads: &[(String, String)],
    ) -> (usize, Vec<Diagnostic>) {
        let base = self.base_context();
        let rendered: Vec<Result<String, Vec<Diagnostic>>> = (0..self.site.pages.len())
            .into_par_iter()
            .map(|i| self.write_page(i, &base))
            .collect();
        let mut problems = Vec::new();
        let mut contents = Vec::with_capacity(rendered.len());
        for result in rendered {
            match result {
                Ok(content) => contents.push(content),
                Err(p) => {
                    problems.extend(p);
                    contents.push(String::new());
                }
            }
        }
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (path, markdown) in downloads {
            files.push((path.clone(), markdown.clone().into_bytes()));
        }
        for (path, bytes) in theme {
            files.push((format!("assets/{path}"), bytes.clone()));
        }
        files.push((
            "assets/highlight.css".into(),
            markdown::highlight_css().into_bytes(),
        ));
        files.push(("assets/edition.css".into(), self.edition_css().into_bytes()));
        let generated = match self.tera {
            Some(_) => self.generated_pages(&base, &contents),
            None => Vec::new(),
        };
        for (path, template, context) in generated {
            match self
                .tera
                .expect("templates loaded")
                .render(template, &context)
            {
                Ok(html) => files.push((path, html.into_bytes())),
                Err(err) => problems.push(template_error(template, &path, &err)),
            }
        }
        for (path, bytes) in &files {
            if let Err(err) = self.sink.write(path, bytes) {
                problems.push(
                    Diagnostic::error(format!("cannot write {path}: {err}"))
                        .hint("check the output folder's permissions and free space"),
                );
            }
        }
        (self.site.pages.len() + files.len(), problems)
    }

    fn base_context(&self) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.site.site_view());
        context.insert("labels", self.site.labels.map());
        context
    }

    fn context_at(&self, base: &Context, url: &str) -> Context {
        let mut context = base.clone();
        context.insert("root", &root_of(url));
        context.insert("current_url", url);
        context
    }

    /// Renders one content page, writes it, and returns its body HTML.
    fn write_page(&self, i: usize, base: &Context) -> Result<String, Vec<Diagnostic>> {
        let page = &self.site.pages[i];
        let resolve = |dest: &str| self.resolve_link(page, dest);
        let rendered = markdown::render(&page.body, &resolve);
        if !rendered.problems.is_empty() {
            return Err(rendered
                .problems
                .into_iter()
                .map(|p| {
                    Diagnostic::error(p.message)
                        .at_line(&page.doc.source, p.line)
                        .hint(p.hint)
                })
                .collect());
        }
        let Some(tera) = self.tera else {
            return Ok(rendered.html);
        };
        let view = self
            .site
            .page_view(i, rendered.html.clone(), rendered.headings, self.today);
        let mut context = self.context_at(base, &page.url);
        context.insert("page", &view);
        let template = format!("{}.html", page.doc.kind.id());
        let html = tera
            .render(&template, &context)
            .map_err(|err| vec![template_error(&template, &page.url, &err)])?;
        self.sink.write(&page.url, html.as_bytes()).map_err(|err| {
            vec![Diagnostic::error(format!(
                "cannot write {}: {err}",
                page.url
            ))]
        })?;
        Ok(rendered.html)
    }

    /// What a link in a page's body points to.
    fn resolve_link(&self, page: &Page, dest: &str) -> LinkTarget {
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let id = if let Some(id) = path.strip_prefix('@') {
            id.to_string()
        } else if path.is_empty() {
            // A link within the page.
            return match anchor {
                Some(a) if !page.anchors.contains(a) => {
                    self.broken_anchor(&page.doc.id, a, &page.anchors)
                }
                _ => LinkTarget::Keep,
            };
        } else if path.ends_with(".md") && !has_scheme(path) {
            let joined = join_relative(&page.doc.rel_path, path);
            match self.by_path.get(&joined) {
                Some(id) => id.clone(),
                None => {
                    return LinkTarget::Broken(
                        format!("the link `{dest}` points to content/{joined}, which does not exist"),
                        "link by path relative to this file (`../playbooks/mener-pilote.md`) or by id (`@mener-pilote`)".into(),
                    )
                }
            }
        } else {
            return LinkTarget::Keep;
        };
        let Some(&target) = self.site.by_id.get(&id) else {
            if self.site.known.contains_key(&id) || self.unparsed.contains(&id) {
                return LinkTarget::Unlinked;
            }
            let hint = match did_you_mean(&id, self.site.known.keys().map(String::as_str)) {
                Some(known) => format!("did you mean `@{known}`?"),
                None => "a page's id is its file name without `.md`, or its `id:`".into(),
            };
            return LinkTarget::Broken(
                format!("the link `{dest}` names the page `{id}`, which does not exist"),
                hint,
            );
        };
        let target_page = &self.site.pages[target];
        if let Some(a) = anchor {
            if !target_page.anchors.contains(a) {
                return self.broken_anchor(&id, a, &target_page.anchors);
            }
        }
        let url = format!("{}{}", root_of(&page.url), target_page.url);
        LinkTarget::Rewrite(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url,
        })
    }

    fn broken_anchor(&self, id: &str, anchor: &str, anchors: &HashSet<String>) -> LinkTarget {
        let hint = match did_you_mean(anchor, anchors.iter().map(String::as_str)) {
            Some(known) => format!("did you mean `#{known}`?"),
            None => "anchors are heading ids (« Sécurité des données » → `#securite-des-donnees`) or `#step-<id>` for a playbook's steps".into(),
        };
        LinkTarget::Broken(format!("the page `{id}` has no anchor `#{anchor}`"), hint)
    }

    fn edition_css(&self) -> String {
        let colours = &self.site.settings.branding.colors;
        let mut css = String::from("/* Generated from the edition's branding. */\n:root {\n");
        if let Some(primary) = &colours.primary {
            css.push_str(&format!("  --brand-primary: {primary};\n"));
        }
        if let Some(accent) = &colours.accent {
            css.push_str(&format!("  --brand-accent: {accent};\n"));
        }
        css.push_str("}\n");
        css
    }

    /// Home, kind indexes, tags, RACI, print and 404: (path, template, context).
    fn generated_pages(
        &self,
        base: &Context,
        contents: &[String],
    ) -> Vec<(String, &'static str, Context)> {
        let site = self.site;
        let language = site.language();
        let mut pages = Vec::new();
        let sections: Vec<serde_json::Value> = site
            .by_kind
            .iter()
            .map(|(kind, list)| {
                serde_json::json!({
                    "kind": kind,
                    "label": site.labels.get(&format!("kinds_{}", kind.id())),
                    "url": site.section_url(*kind),
                    "count": list.len(),
                    "pages": list.iter().take(6).map(|&i| site.card(i)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut home = self.context_at(base, "index.html");
        home.insert("sections", &sections);
        pages.push(("index.html".to_string(), "index.html", home));

        for (kind, list) in &site.by_kind {
            let url = site.section_url(*kind);
            let mut context = self.context_at(base, &url);
            context.insert(
                "section",
                &serde_json::json!({
                    "kind": kind,
                    "label": site.labels.get(&format!("kinds_{}", kind.id())),
                    "url": url,
                    "pages": list.iter().map(|&i| site.card(i)).collect::<Vec<_>>(),
                }),
            );
            pages.push((url, "section.html", context));
        }

        let tags = site.tags();
        let tags_url = format!("{}/index.html", i18n::tags_segment(language));
        let mut context = self.context_at(base, &tags_url);
        let tag_list: Vec<serde_json::Value> = tags
            .iter()
            .map(|(name, list)| serde_json::json!({ "name": name, "url": site.tag_url(name), "count": list.len() }))
            .collect();
        context.insert("tags", &tag_list);
        pages.push((tags_url, "tags.html", context));
        for (name, list) in &tags {
            let url = site.tag_url(name);
            let mut context = self.context_at(base, &url);
            context.insert(
                "tag",
                &serde_json::json!({ "name": name, "pages": list.iter().map(|&i| site.card(i)).collect::<Vec<_>>() }),
            );
            pages.push((url, "tag.html", context));
        }

        let (roles, rows) = site.raci_matrix();
        let raci_url = i18n::raci_page(language).to_string();
        let mut context = self.context_at(base, &raci_url);
        context.insert("roles", &roles);
        context.insert("rows", &rows);
        pages.push((raci_url, "raci.html", context));

        // The print book sits at the root while every content page sits one folder
        // down, so the bodies' relative links lose one `../`.
        let book: Vec<serde_json::Value> = site
            .by_kind
            .iter()
            .map(|(kind, list)| {
                serde_json::json!({
                    "kind": kind,
                    "label": site.labels.get(&format!("kinds_{}", kind.id())),
                    "pages": list.iter().map(|&i| serde_json::json!({
                        "id": site.pages[i].doc.id,
                        "title": site.pages[i].doc.common.title,
                        "summary": site.pages[i].doc.common.summary,
                        "url": site.pages[i].url,
                        "content": contents[i].replace("href=\"../", "href=\"").replace("src=\"../", "src=\""),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let print_url = i18n::print_page(language).to_string();
        let mut context = self.context_at(base, &print_url);
        context.insert("book", &book);
        pages.push((print_url, "print.html", context));

        pages.push((
            "404.html".to_string(),
            "404.html",
            self.context_at(base, "404.html"),
        ));
        pages
    }
}

fn template_error(template: &str, page: &str, err: &tera::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "the template {template} failed on {page}: {}",
        templates::error_chain(err)
    ))
    .hint("fix the template (or the override in the edition's templates/ folder)")
}

fn has_scheme(path: &str) -> bool {
    path.starts_with("//")
        || path
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// `path` relative to the folder of `from` (both under content/), normalised.
fn join_relative(from: &str, path: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_linking_file() {
        assert_eq!(
            join_relative("playbooks/a.md", "../roles/dpo.md"),
            "roles/dpo.md"
        );
        assert_eq!(join_relative("playbooks/a.md", "b.md"), "playbooks/b.md");
        assert_eq!(
            join_relative("playbooks/sub/a.md", "../../pages/x.md"),
            "pages/x.md"
        );
    }

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://example.org/a.md"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../roles/dpo.md"));
    }
}
