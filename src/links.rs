//! Links between pages: what a link in a body points to, while the bodies render,
//! and then, once every page's headings are known, whether the anchors links name
//! exist.
//!
//! A body links to a page by id (`@mener-pilote`) or by its path relative to the
//! linking file (`../procedures/mener-pilote.md`), with or without an anchor;
//! other destinations are kept as written.

use std::collections::{HashMap, HashSet};

use crate::bodies::Body;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::library::Library;
use crate::markdown::LinkTarget;
use crate::urls;

/// A link to an anchor, checked once every page is rendered.
#[derive(Debug)]
pub struct AnchorLink {
    /// The page linked to, by index in the library.
    pub to: usize,
    pub anchor: String,
    /// The link's line in the linking page's source.
    pub line: usize,
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
    let page = &library.pages[from];
    let catalogue = &library.catalogue;
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let id = if let Some(id) = path.strip_prefix('@') {
        id.to_string()
    } else if path.is_empty() {
        // A link within the page.
        if let Some(anchor) = anchor {
            anchor_links.push(AnchorLink {
                to: from,
                anchor: anchor.to_string(),
                line,
            });
        }
        return LinkTarget::Keep;
    } else if path.ends_with(".md") && !has_scheme(path) {
        let joined = join_relative(&page.doc.rel_path, path);
        match catalogue.by_path.get(&joined) {
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
    let Some(&target) = library.by_id.get(&id) else {
        if catalogue.known.contains_key(&id) || catalogue.unparsed.contains(&id) {
            return LinkTarget::Unlinked;
        }
        let hint = match did_you_mean(&id, catalogue.known.keys().map(String::as_str)) {
            Some(known) => format!("did you mean `@{known}`?"),
            None => "a page's id is its file name without `.md`, or its `id:`".into(),
        };
        return LinkTarget::Broken(
            format!("the link `{dest}` names the page `{id}`, which does not exist"),
            hint,
        );
    };
    let url = format!("{}{}", urls::root_of(&page.url), library.pages[target].url);
    LinkTarget::Rewrite(match anchor {
        Some(a) => {
            anchor_links.push(AnchorLink {
                to: target,
                anchor: a.to_string(),
                line,
            });
            format!("{url}#{a}")
        }
        None => url,
    })
}

/// Checks the anchors that the bodies' links name, now that every page's headings
/// are known. `bodies` are by index in the library.
pub fn check_anchors(library: &Library, bodies: &[Body]) -> Vec<Diagnostic> {
    // Each linked page's anchors, gathered once, not once per link.
    let mut anchors: HashMap<usize, HashSet<&str>> = HashMap::new();
    let mut problems = Vec::new();
    for (from, body) in bodies.iter().enumerate() {
        for link in &body.anchor_links {
            let of_target = anchors.entry(link.to).or_insert_with(|| {
                library.pages[link.to]
                    .anchors
                    .iter()
                    .map(String::as_str)
                    .chain(bodies[link.to].headings.iter().map(|h| h.id.as_str()))
                    .collect()
            });
            if of_target.contains(link.anchor.as_str()) {
                continue;
            }
            let hint = match did_you_mean(&link.anchor, of_target.iter().copied()) {
                Some(known) => format!("did you mean `#{known}`?"),
                None => "anchors are heading ids (« Sécurité des données » → `#securite-des-donnees`) or `#step-<id>` for a playbook's steps".into(),
            };
            problems.push(
                Diagnostic::error(format!(
                    "the page `{}` has no anchor `#{}`",
                    library.pages[link.to].doc.id, link.anchor
                ))
                .at_line(&library.pages[from].doc.source, link.line)
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
