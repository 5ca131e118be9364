//! The raw-HTML policy fuzzed: proptest writes bodies and fields of Markdown and
//! raw HTML from the pieces attacks are made of (script-bearing elements, event
//! handlers, `style`, URL attributes with `javascript:` spelt with entities, mixed
//! case, tabs and leading spaces, unclosed tags, comments, CDATA, Markdown links and
//! autolinks), renders them under `raw_html: sanitise`, and reads the output with
//! html5ever's tokenizer, as a browser would, to check that no element, attribute
//! or URL that can run script or restyle the page is left.
//!
//! The oracle is written here, apart from the allow-list it checks. CI runs 1,000
//! cases per property; `PROPTEST_CASES=N` runs more (`scripts/fuzz` does).

use std::cell::RefCell;

use gouvernail::markdown::{self, Context, LinkTarget};
use gouvernail::sanitise::{self, RawHtml};
use gouvernail::tailor::TailoredBody;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

const TAGS: &[&str] = &[
    "script",
    "img",
    "a",
    "iframe",
    "svg",
    "math",
    "style",
    "details",
    "summary",
    "div",
    "p",
    "object",
    "embed",
    "base",
    "meta",
    "form",
    "input",
    "button",
    "table",
    "td",
    "abbr",
    "template",
    "noscript",
    "textarea",
    "title",
    "xmp",
    "link",
    "video",
    "audio",
    "source",
    "select",
    "option",
    "marquee",
    "frameset",
    "SCRIPT",
    "ScRiPt",
    "IMG",
    "svg:script",
];

const ATTRIBUTES: &[&str] = &[
    "onerror",
    "onload",
    "onclick",
    "onfocus",
    "ontoggle",
    "OnMouseOver",
    "style",
    "href",
    "src",
    "srcdoc",
    "data",
    "action",
    "formaction",
    "xlink:href",
    "id",
    "class",
    "open",
    "autofocus",
    "tabindex",
    "title",
    "alt",
    "background",
    "poster",
    "http-equiv",
    "content",
    "type",
    "checked",
    "srcset",
];

const URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " \u{1}javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=",
    "https://example.org/",
    "../pages/a.html",
    "#step-1",
    "mailto:dpo@example.org",
];

/// One piece of an attack: an element with attributes, a closing tag, a URL in
/// Markdown, or plain text.
fn piece() -> impl Strategy<Value = String> {
    let attribute = (
        prop::sample::select(ATTRIBUTES),
        prop::sample::select(URLS),
        0..4usize,
    )
        .prop_map(|(name, value, quoting)| match quoting {
            0 => format!(" {name}=\"{value}\""),
            1 => format!(" {name}='{value}'"),
            2 => format!(" {name}={}", value.replace(' ', "")),
            _ => format!(" {name}"),
        });
    prop_oneof![
        4 => (
            prop::sample::select(TAGS),
            prop::collection::vec(attribute, 0..4),
            any::<bool>()
        )
            .prop_map(|(tag, attributes, closes)| {
                format!("<{tag}{}{}>", attributes.concat(), if closes { "/" } else { "" })
            }),
        2 => prop::sample::select(TAGS).prop_map(|tag| format!("</{tag}>")),
        2 => prop::sample::select(URLS).prop_map(|url| format!("[lien]({url})")),
        1 => prop::sample::select(URLS).prop_map(|url| format!("![image]({url})")),
        1 => prop::sample::select(URLS).prop_map(|url| format!("<{url}>")),
        1 => prop::sample::select(&["<!--", "-->", "<![CDATA[", "]]>", "<?", "<!", "\n\n", "\n", "`", "```\n", "## Titre {onclick=x style=y}\n", "\"", "'", ">", "<"][..]).prop_map(str::to_string),
        2 => "[a-zé ]{0,12}",
    ]
}

fn attack() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..24).prop_map(|pieces| pieces.concat())
}

/// A start tag: its name and its attributes' names and values.
type StartTag = (String, Vec<(String, String)>);

/// What the tokenizer reads: each start tag, and how many comments.
#[derive(Default)]
struct Seen {
    tags: RefCell<Vec<StartTag>>,
    comments: RefCell<usize>,
}

impl TokenSink for Seen {
    type Handle = ();
    fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                let attributes = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                self.tags
                    .borrow_mut()
                    .push((tag.name.to_string(), attributes));
            }
            Token::CommentToken(_) => *self.comments.borrow_mut() += 1,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Elements that run script, load a document, submit, or restyle the page.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "svg", "math", "style", "object", "embed", "base",
    "meta", "form", "button", "template", "noscript", "textarea", "title", "xmp", "link", "video",
    "audio", "source", "select", "marquee",
];

/// Why `html` is unsafe, if it is.
fn unsafe_in(html: &str) -> Option<String> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Seen::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let seen = &tokenizer.sink;
    if *seen.comments.borrow() > 0 {
        return Some("a comment is left".into());
    }
    for (tag, attributes) in seen.tags.borrow().iter() {
        if FORBIDDEN_TAGS.contains(&tag.as_str()) {
            return Some(format!("<{tag}> is left"));
        }
        for (name, value) in attributes {
            let handler = name.starts_with("on");
            let restyles = matches!(
                name.as_str(),
                "style"
                    | "srcdoc"
                    | "formaction"
                    | "action"
                    | "autofocus"
                    | "background"
                    | "poster"
                    | "srcset"
                    | "http-equiv"
                    | "tabindex"
            );
            if handler || restyles {
                return Some(format!("<{tag} {name}> is left"));
            }
            let is_url = matches!(
                name.as_str(),
                "href" | "src" | "cite" | "data" | "xlink:href"
            );
            if is_url && sanitise::unsafe_scheme(value).is_some() {
                return Some(format!("<{tag} {name}=\"{value}\"> is left"));
            }
            if tag == "input" && name == "type" && value != "checkbox" {
                return Some(format!("<input type=\"{value}\"> is left"));
            }
        }
    }
    None
}

fn keep(_: &str, _: usize) -> LinkTarget {
    LinkTarget::Keep
}

fn render_body(text: &str) -> String {
    markdown::render(
        &TailoredBody::from_text(text.to_string(), 1),
        &Context {
            resolve: &keep,
            label: &|k: &str| k.to_string(),
            policy: RawHtml::Sanitise,
            with_sections: true,
            reserved_ids: &[],
        },
    )
    .html
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_cleaner_leaves_nothing_that_runs(html in attack()) {
        let clean = sanitise::clean(&html);
        prop_assert_eq!(unsafe_in(&clean), None, "from {:?}: {}", html, clean);
        // Read again as a browser would read it (html5ever's tree builder), it
        // stays safe: no misnesting turns a left-over into markup.
        let again = sanitise::clean(&clean);
        prop_assert_eq!(unsafe_in(&again), None, "re-read {:?}: {}", clean, again);
    }

    #[test]
    fn a_body_under_sanitise_runs_nothing(text in attack()) {
        let html = render_body(&text);
        prop_assert_eq!(unsafe_in(&html), None, "from {:?}: {}", text, html);
    }

    #[test]
    fn a_field_under_sanitise_runs_nothing(text in attack()) {
        let html = markdown::render_inline(&text, &keep, RawHtml::Sanitise).html;
        prop_assert_eq!(unsafe_in(&html), None, "from {:?}: {}", text, html);
    }
}

#[test]
fn the_oracle_sees_what_it_must() {
    // So that the properties above could fail: the oracle flags each kind of left-over.
    for html in [
        "<script>1</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<p style=\"color:red\">x</p>",
        "<!-- x -->",
        "<input type=text>",
        "<svg><a xlink:href=\"javascript:1\">x</a></svg>",
    ] {
        assert!(unsafe_in(html).is_some(), "{html}");
    }
    assert_eq!(
        unsafe_in("<p class=\"x\"><a href=\"https://example.org/\">x</a></p>"),
        None
    );
}
