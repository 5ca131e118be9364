//! The raw-HTML policy: what an author's own HTML, and the URLs of their links and
//! images, may hold once on a page.
//!
//! The edition chooses it in handbook.yaml (`raw_html:`):
//! - `sanitise` (the default): raw HTML goes through ammonia with the allow-list
//!   below, which keeps what a handbook needs (tables, `details`/`summary`, `abbr`,
//!   `sup`/`sub`, `kbd`, `mark`, images) and drops script, event handlers, `style`,
//!   `base`, `meta`, `form`, `iframe`, `object` and every URL whose scheme is not
//!   in `SAFE_SCHEMES`;
//! - `deny`: any raw HTML is a build error at its line;
//! - `allow`: raw HTML is kept as written, for a team that trusts every author;
//!   the pages then go without the meta CSP, and each build warns.
//!
//! The HTML the build itself writes (code colours, containers, blanks) is not raw
//! HTML: a body with none of the author's passes through untouched, so the
//! sanitiser costs nothing on the pages that do not need it.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// What the build does with the author's raw HTML.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    #[serde(alias = "sanitize")]
    Sanitise,
    Deny,
    Allow,
}

/// The policy every page states, as a meta tag, so that it holds from file:// too,
/// where no server sends a header. Not written under `raw_html: allow`, whose
/// scripts it would block.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The id prefix of the templates' own elements (`gv_main`). No heading slug can
/// start with it, since a slug has no `_`; an author's explicit id may not.
pub const TEMPLATE_ID_PREFIX: &str = "gv_";

/// The URL schemes a link or an image may use.
pub const SAFE_SCHEMES: [&str; 6] = ["http", "https", "mailto", "tel", "ftp", "file"];

/// The elements raw HTML may use.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// The cleaner, built once.
fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(ALLOWED_TAGS.iter().copied().collect())
            .clean_content_tags(["script", "style", "template"].into_iter().collect())
            // `data-sizes`, `data-sectors` and `data-var` are the build's own marks
            // of variants and blanks, which the reader's switcher reads.
            .generic_attributes(
                [
                    "id",
                    "class",
                    "lang",
                    "title",
                    "dir",
                    "role",
                    "data-sizes",
                    "data-sectors",
                    "data-var",
                ]
                .into_iter()
                .collect(),
            )
            .tag_attributes(
                [
                    ("a", &["href", "hreflang"][..]),
                    ("img", &["src", "alt", "width", "height"]),
                    ("td", &["colspan", "rowspan", "headers"]),
                    ("th", &["colspan", "rowspan", "headers", "scope"]),
                    ("ol", &["start", "reversed"]),
                    ("li", &["value"]),
                    ("time", &["datetime"]),
                    ("del", &["cite", "datetime"]),
                    ("ins", &["cite", "datetime"]),
                    ("q", &["cite"]),
                    ("blockquote", &["cite"]),
                    ("details", &["open"]),
                    ("input", &["checked"]),
                ]
                .into_iter()
                .map(|(tag, attributes)| (tag, attributes.iter().copied().collect()))
                .collect(),
            )
            // An input is only ever a task list's box: a disabled checkbox.
            .set_tag_attribute_value("input", "type", "checkbox")
            .set_tag_attribute_value("input", "disabled", "")
            .url_schemes(SAFE_SCHEMES.into_iter().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            .attribute_filter(|_, attribute, value| {
                if attribute == "id" && value.starts_with(TEMPLATE_ID_PREFIX) {
                    None
                } else {
                    Some(Cow::Borrowed(value))
                }
            });
        builder
    })
}

/// `html` with everything the allow-list does not name removed.
pub fn clean(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// The scheme of `url` when it is not one of `SAFE_SCHEMES`, read as a browser
/// reads it: leading spaces and control characters skipped, tabs and newlines
/// inside ignored, letters in any case (the caller has decoded entities).
pub fn unsafe_scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    let trimmed = url.trim_start_matches(|c: char| c <= ' ');
    for c in trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        match c {
            ':' => break,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase())
            }
            // A `/`, `?`, `#` or any other character first: a relative URL.
            _ => return None,
        }
        if scheme.len() > 64 {
            return None;
        }
    }
    let has_colon = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .nth(scheme.chars().count())
        == Some(':');
    let is_scheme = has_colon && scheme.starts_with(|c: char| c.is_ascii_alphabetic());
    (is_scheme && !SAFE_SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

/// The elements a fragment of raw HTML opens that the allow-list drops, by name, in
/// lower case (for a warning: ammonia does the removing).
pub fn refused_elements(fragment: &str) -> Vec<String> {
    static ALLOWED: OnceLock<HashSet<&str>> = OnceLock::new();
    let allowed = ALLOWED.get_or_init(|| ALLOWED_TAGS.iter().copied().collect());
    let mut refused: Vec<String> = Vec::new();
    let bytes = fragment.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &fragment[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.starts_with(|c: char| c.is_ascii_alphabetic())
            && !allowed.contains(name.as_str())
            && !refused.contains(&name)
        {
            refused.push(name);
        }
    }
    refused
}

/// Whether raw HTML in an author's text is only a comment (`<!-- note -->`), which
/// every policy lets through and no page shows.
pub fn is_comment(fragment: &str) -> bool {
    let t = fragment.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_handlers_and_unsafe_urls_are_removed_what_handbooks_need_is_kept() {
        let html = clean(
            "<details open><summary>Plus</summary><p>Texte <abbr title=\"intelligence artificielle\">IA</abbr>\
             <sup>1</sup> <kbd>Ctrl</kbd> <mark>m</mark></p></details>\
             <script>alert(1)</script><img src=x onerror=alert(2)><a href=\"JaVaScRiPt:alert(3)\">a</a>\
             <a href=\"java&#x09;script:alert(4)\">b</a><iframe src=\"https://x\"></iframe><style>p{}</style>\
             <p style=\"color:red\">c</p><base href=\"https://x/\"><meta http-equiv=refresh content=0>\
             <form action=\"https://x\"><button>go</button></form><object data=\"x\"></object>\
             <img src=\"data:image/svg+xml,<svg onload=alert(5)>\"><a href=\" vbscript:msgbox(1)\">v</a>",
        );
        for kept in [
            "<details open=\"\">",
            "<summary>Plus</summary>",
            "<abbr title=\"intelligence artificielle\">IA</abbr>",
            "<sup>1</sup>",
            "<kbd>Ctrl</kbd>",
            "<mark>m</mark>",
        ] {
            assert!(html.contains(kept), "{kept} kept in {html}");
        }
        for dropped in [
            "script",
            "alert",
            "onerror",
            "iframe",
            "style",
            "base",
            "meta",
            "form",
            "object",
            "data:",
            "vbscript",
            "javascript",
            "JaVaScRiPt",
        ] {
            assert!(!html.contains(dropped), "{dropped} dropped from {html}");
        }
    }

    #[test]
    fn task_list_boxes_stay_disabled_checkboxes() {
        let html = clean("<input type=\"text\" autofocus onfocus=\"alert(1)\" checked>");
        assert!(html.contains("type=\"checkbox\""), "{html}");
        assert!(html.contains("disabled"), "{html}");
        assert!(
            !html.contains("onfocus") && !html.contains("autofocus"),
            "{html}"
        );
    }

    #[test]
    fn ids_of_the_templates_cannot_be_taken() {
        let html = clean("<span id=\"gv_main\">a</span><span id=\"main\">b</span>");
        assert!(
            !html.contains("gv_main") && html.contains("id=\"main\""),
            "{html}"
        );
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(unsafe_scheme(url).is_some(), "{url:?} is unsafe");
        }
        for url in [
            "https://example.org",
            "HTTP://example.org",
            "mailto:dpo@example.org",
            "tel:+33100000000",
            "../pages/a.html",
            "organigramme.png",
            "#step-1",
            "a/b:c",
            "?q=a:b",
        ] {
            assert_eq!(unsafe_scheme(url), None, "{url:?} is safe");
        }
    }

    #[test]
    fn refused_elements_are_named_once_each() {
        assert_eq!(
            refused_elements("<IFRAME src=x></iframe><details><script>1</script><script>"),
            ["iframe", "script"]
        );
        assert!(refused_elements("a < b and <!-- note --> </details>").is_empty());
    }
}
