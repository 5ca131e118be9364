//! Links between pages: what a link in a body points to, while the bodies render,
//! and then, once every page's headings are known, whether the anchors links name
//! exist.
//!
//! A body links to a page by id (`@mener-pilote`) or by its path relative to the
//! linking file (`../procedures/mener-pilote.md`), with or without an anchor;
//! other destinations are kept as written.

use crate::bodies::Body;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::library::Library;
use crate::markdown::LinkTarget;
use crate::urls;

/// A link to an anchor, checked once every page is rendered.
#[derive(Clone, Debug)]
pub struct AnchorLink {
    /// The page linked to, by index in the library.
    pub to: usize,
    pub anchor: String,
    /// The link's line in the linking page's source.
    pub line: usize,
}

/// What a link names, wherever it is shown.
enum Target<'d> {
    /// Not ours (external, an anchor of the same page): left as written.
    Keep,
    /// A page of the site, by index in the library, maybe at an anchor.
    Page(usize, Option<&'d str>),
    /// A file beside the pages (an image, an attachment), by path under content/,
    /// with what follows its path (`?…`, `#…`).
    File(String, &'d str),
    Unlinked,
    Broken(String, String),
}

/// What a link `dest` at `line` of page `from`'s body points to. Links with an
/// anchor are recorded in `anchor_links`, for [`check_anchors`].
pub fn resolve(
    library: &Library,
    from: usize,
    dest: &str,
    line: usize,
    anchor_links: &mut Vec<AnchorLink>,
) -> LinkTarget {
    let target = target(library, from, dest);
    match &target {
        Target::Page(to, Some(anchor)) => anchor_links.push(AnchorLink {
            to: *to,
            anchor: anchor.to_string(),
            line,
        }),
        Target::Keep => {
            if let Some(anchor) = dest.strip_prefix('#') {
                anchor_links.push(AnchorLink {
                    to: from,
                    anchor: anchor.to_string(),
                    line,
                });
            }
        }
        _ => {}
    }
    link_target(library, target, &urls::root_of(&library.pages[from].url))
}

/// What a link `dest` of page `from`'s front matter becomes on a page whose way
/// back to the site's root is `root` (a step's title shows on its playbook's page
/// and on the role cards). Its problems were reported when `from`'s fields were
/// checked, with `resolve`.
pub fn resolve_at(library: &Library, from: usize, root: &str, dest: &str) -> LinkTarget {
    match target(library, from, dest) {
        // A link to a place of `from` itself must name `from` from another page.
        Target::Keep if dest.starts_with('#') => {
            LinkTarget::Rewrite(format!("{root}{}{dest}", library.pages[from].url))
        }
        target => link_target(library, target, root),
    }
}

fn link_target(library: &Library, target: Target, root: &str) -> LinkTarget {
    match target {
        Target::Keep => LinkTarget::Keep,
        Target::Page(to, anchor) => {
            let url = format!("{root}{}", library.pages[to].url);
            LinkTarget::Rewrite(match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url,
            })
        }
        Target::File(path, rest) => {
            LinkTarget::Rewrite(format!("{root}{}{rest}", urls::attachment(&path)))
        }
        Target::Unlinked => LinkTarget::Unlinked,
        Target::Broken(message, hint) => LinkTarget::Broken(message, hint),
    }
}

fn target<'d>(library: &Library, from: usize, dest: &'d str) -> Target<'d> {
    let page = &library.pages[from];
    let catalogue = &library.catalogue;
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let id = if let Some(id) = path.strip_prefix('@') {
        id.to_string()
    } else if path.is_empty() || has_scheme(path) {
        return Target::Keep;
    } else if path.starts_with('/') {
        return Target::Broken(
            format!("the link `{dest}` starts with `/`: read from disk or under a sub-path, it leaves the site"),
            "link a page by id (`@mener-pilote`), or a file by its path relative to this page (`organigramme.png`)".into(),
        );
    } else {
        let (file, rest) = match path.find('?') {
            Some(at) => (&path[..at], &dest[at..]),
            None => (path, &dest[path.len()..]),
        };
        let decoded = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
        let Some(joined) = join_relative(&page.doc.rel_path, &decoded) else {
            return Target::Broken(
                format!("the link `{dest}` leaves the content folder"),
                "a page links to files under content/ only, by a path relative to itself".into(),
            );
        };
        if !joined.ends_with(".md") {
            if catalogue.files.contains(&joined) {
                return Target::File(joined, rest);
            }
            return Target::Broken(
                format!("the link `{dest}` points to content/{joined}, which does not exist"),
                "put the file beside the page (or in a folder under content/) and name it by its path relative to the page; link pages by id (`@mener-pilote`)".into(),
            );
        }
        match catalogue.by_path.get(&joined) {
            Some(id) => id.clone(),
            None if catalogue.excluded.contains(&joined) => return Target::Unlinked,
            None => {
                return Target::Broken(
                    format!("the link `{dest}` points to content/{joined}, which does not exist"),
                    "link by path relative to this file (`../playbooks/mener-pilote.md`) or by id (`@mener-pilote`)".into(),
                )
            }
        }
    };
    let Some(&to) = library.by_id.get(&id) else {
        if catalogue.known.contains_key(&id) || catalogue.unparsed.contains(&id) {
            return Target::Unlinked;
        }
        let hint = match did_you_mean(&id, catalogue.known.keys().map(String::as_str)) {
            Some(known) => format!("did you mean `@{known}`?"),
            None => "a page's id is its file name without `.md`, or its `id:`".into(),
        };
        return Target::Broken(
            format!("the link `{dest}` names the page `{id}`, which does not exist"),
            hint,
        );
    };
    Target::Page(to, anchor)
}

/// Checks the anchors that the bodies' links name, now that every page's headings
/// are known. `bodies` are by index in the library.
pub fn check_anchors(library: &Library, bodies: &[Body]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // A page has a few dozen anchors: a look through them is cheaper than a set.
    let anchors_of = |to: usize| {
        library.pages[to]
            .anchors
            .iter()
            .map(String::as_str)
            .chain(bodies[to].headings.iter().map(|h| h.id.as_str()))
    };
    bodies
        .par_iter()
        .enumerate()
        .flat_map_iter(|(from, body)| {
            body.anchor_links
                .iter()
                .filter(move |link| !anchors_of(link.to).any(|a| a == link.anchor))
                .map(move |link| {
                    let hint = match did_you_mean(&link.anchor, anchors_of(link.to)) {
                        Some(known) => format!("did you mean `#{known}`?"),
                        None => "anchors are heading ids (« Sécurité des données » → `#securite-des-donnees`) or `#step-<id>` for a playbook's steps".into(),
                    };
                    Diagnostic::error(format!(
                        "the page `{}` has no anchor `#{}`",
                        library.pages[link.to].doc.id, link.anchor
                    ))
                    .at_in_line(
                        &library.pages[from].doc.source,
                        link.line,
                        // A link names the anchor; a citation, the article's id.
                        &[&format!("#{}", link.anchor), &link.anchor],
                    )
                    .hint(hint)
                })
        })
        .collect()
}

/// The `search_aliases:` of each page name headings of that page, by their anchors.
pub fn check_search_aliases(library: &Library, bodies: &[Body]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (page, body) in library.pages.iter().zip(bodies) {
        let doc = &page.doc;
        for anchor in doc.common.search_aliases.keys() {
            if body.headings.iter().any(|h| &h.id == anchor) {
                continue;
            }
            let yaml = &doc.source.text[doc.front_matter.clone()];
            let at = crate::spans::YamlSpans::new(yaml, doc.front_matter.start).key_or_start(&[
                crate::spans::Key("search_aliases"),
                crate::spans::Key(anchor),
            ]);
            let known = || body.headings.iter().map(|h| h.id.as_str());
            let hint = match did_you_mean(anchor, known()) {
                Some(known) => format!("did you mean `{known}`?"),
                None if body.headings.is_empty() => "the page has no heading: a key of `search_aliases:` is the anchor of one of its headings (« Shadow AI » → `shadow-ai`)".into(),
                None => format!(
                    "a key of `search_aliases:` is the anchor of one of the page's headings: {}",
                    known().take(8).map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            problems.push(
                Diagnostic::error(format!(
                    "`search_aliases:` names `{anchor}`, which is no heading of this page"
                ))
                .at(&doc.source, at)
                .hint(hint),
            );
        }
    }
    problems
}

fn has_scheme(path: &str) -> bool {
    path.starts_with("//")
        || path
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/'))
}

/// `path` relative to the folder of `from` (both under content/), normalised; none
/// when it climbs out of content/.
fn join_relative(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_linking_file() {
        let join = |from, path| join_relative(from, path);
        assert_eq!(
            join("playbooks/a.md", "../roles/dpo.md").as_deref(),
            Some("roles/dpo.md")
        );
        assert_eq!(
            join("playbooks/a.md", "b.md").as_deref(),
            Some("playbooks/b.md")
        );
        assert_eq!(
            join("playbooks/sub/a.md", "../../pages/x.md").as_deref(),
            Some("pages/x.md")
        );
        assert_eq!(join("playbooks/a.md", "../../etc/passwd"), None);
        assert_eq!(join("a.md", "..\\secret.txt"), None);
    }

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://example.org/a.md"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../roles/dpo.md"));
    }
}
