//! The print book: the whole handbook on one page.
//!
//! Its template (print.html) is rendered before the pages, with a marker where each
//! page's body goes. The pages then render in the book's order and the writer puts
//! each body in its place as it comes, holding back only the few that arrive early,
//! so that a large handbook's bodies (70 MB at 10,000 pages) are never all held in
//! memory at once.
//!
//! A page's body is written into the book under new ids: its article is
//! `page-<id>` and each id of its body `page-<id>_<id in the page>`, since the same
//! headings (« Pièges à éviter ») recur from page to page. Links follow: within a
//! page and to another page of the book they become the book's own anchors, so the
//! book reads (and prints) as one document; a link to what only the page's own file
//! holds (a playbook's steps, a charter's clauses) still goes to that file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};
use std::ops::Range;

const MARKER_START: &str = "<!--gouvernail:page:";
const MARKER_END: &str = "-->";

/// What the print template gets in place of page `page`'s body.
pub fn marker(page: usize) -> String {
    format!("{MARKER_START}{page}{MARKER_END}")
}

/// The rendered print template, and where the pages' bodies go in it.
pub struct Frame {
    text: String,
    /// Each marker's range in `text`, in order, with its page. A page's body goes
    /// at its first marker; a repeated marker stays in the text as a comment.
    slots: Vec<(Range<usize>, usize)>,
}

impl Frame {
    pub fn new(text: String) -> Frame {
        let mut slots = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut from = 0;
        while let Some(found) = text[from..].find(MARKER_START) {
            let start = from + found;
            let number_at = start + MARKER_START.len();
            let Some(length) = text[number_at..].find(MARKER_END) else {
                break;
            };
            let end = number_at + length + MARKER_END.len();
            if let Ok(page) = text[number_at..number_at + length].parse::<usize>() {
                if seen.insert(page) {
                    slots.push((start..end, page));
                }
            }
            from = end;
        }
        Frame { text, slots }
    }

    /// The pages in the order the book shows them.
    pub fn order(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().map(|(_, page)| *page)
    }
}

/// Writes the book as the bodies come, in any order.
pub struct BookWriter<W: Write> {
    frame: Frame,
    slot_of_page: HashMap<usize, usize>,
    out: W,
    /// The next slot to fill; the frame's text before it is written.
    next: usize,
    /// Bodies that came before their turn, by slot.
    early: BTreeMap<usize, String>,
}

impl<W: Write> BookWriter<W> {
    /// Starts the book: writes the frame up to the first body.
    pub fn start(frame: Frame, mut out: W) -> io::Result<Self> {
        let first = frame.slots.first().map_or(frame.text.len(), |s| s.0.start);
        out.write_all(&frame.text.as_bytes()[..first])?;
        let slot_of_page = frame
            .slots
            .iter()
            .enumerate()
            .map(|(slot, (_, page))| (*page, slot))
            .collect();
        Ok(BookWriter {
            frame,
            slot_of_page,
            out,
            next: 0,
            early: BTreeMap::new(),
        })
    }

    /// Takes page `page`'s body, as the book holds it (see [`Links::body`]).
    pub fn body(&mut self, page: usize, body: String) -> io::Result<()> {
        let Some(&slot) = self.slot_of_page.get(&page) else {
            return Ok(());
        };
        self.early.insert(slot, body);
        while let Some(body) = self.early.remove(&self.next) {
            self.out.write_all(body.as_bytes())?;
            self.fill_next()?;
        }
        Ok(())
    }

    /// Ends the book. A body that never came (its page failed) leaves its place empty.
    pub fn finish(mut self) -> io::Result<()> {
        while self.next < self.frame.slots.len() {
            if let Some(body) = self.early.remove(&self.next) {
                self.out.write_all(body.as_bytes())?;
            }
            self.fill_next()?;
        }
        self.out.flush()
    }

    /// Moves past the next slot: writes the frame's text up to the slot after it.
    fn fill_next(&mut self) -> io::Result<()> {
        let slots = &self.frame.slots;
        let from = slots[self.next].0.end;
        self.next += 1;
        let to = slots
            .get(self.next)
            .map_or(self.frame.text.len(), |s| s.0.start);
        self.out.write_all(&self.frame.text.as_bytes()[from..to])
    }
}

/// The anchor of page `id`'s article in the book.
pub fn page_anchor(id: &str) -> String {
    format!("page-{id}")
}

/// The book's id for the id `id` of a body whose article is `anchor`. Page ids are
/// lowercase letters, digits and hyphens: the `_` keeps the ids of two pages apart
/// (`page-a_b-c`, `page-a-b_c`), and apart from the frame's (`page-a`,
/// `page-a-title`), which have none.
fn body_id(anchor: &str, id: &str) -> String {
    format!("{anchor}_{id}")
}

/// A page of the book, for the links to it.
struct BookPage {
    /// Its article's id.
    anchor: String,
    /// The anchors only the page's own file has (its template draws them): the
    /// book holds the page's body alone.
    page_only: HashSet<String>,
}

/// Whether `byte` ends a tag's name or an attribute's name or unquoted value.
fn is_tag_end(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == b'>' || byte == b'/'
}

/// The attributes whose value names ids (a list of them for some): renamed with the
/// ids they point to. pulldown-cmark writes none of them, raw HTML in a page may.
const ID_REFERENCES: [&str; 14] = [
    "for",
    "form",
    "list",
    "headers",
    "popovertarget",
    "commandfor",
    "aria-activedescendant",
    "aria-controls",
    "aria-describedby",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-labelledby",
    "aria-owns",
];

/// The pages of the book by their URL from the site's root, to make each body the
/// book's: its ids renamed and its links turned into the book's anchors.
pub struct Links {
    pages: HashMap<String, BookPage>,
}

impl Links {
    /// `pages`: each page of the book as its URL, its id and the anchors only its
    /// own file has.
    pub fn new<'a>(
        pages: impl IntoIterator<Item = (&'a str, &'a str, &'a HashSet<String>)>,
    ) -> Links {
        let pages = pages
            .into_iter()
            .map(|(url, id, page_only)| {
                (
                    url.to_string(),
                    BookPage {
                        anchor: page_anchor(id),
                        page_only: page_only.clone(),
                    },
                )
            })
            .collect();
        Links { pages }
    }

    /// The body of the page at `url` (its HTML as the page has it) as the book holds
    /// it; none when the page is not in the book.
    ///
    /// The book sits at the root while every content page sits one folder down, so a
    /// relative link (`href="../…"`, `src="../…"`) loses one `../`; then a link to a
    /// page of the book becomes that page's anchor in the book. Only the attributes
    /// of tags change: text (where Markdown leaves quotes as they are) and comments
    /// are copied.
    pub fn body(&self, url: &str, body: &str) -> Option<String> {
        let page = self.pages.get(url)?;
        let mut out = String::with_capacity(body.len() + body.len() / 16);
        let bytes = body.as_bytes();
        let mut copied = 0;
        let mut at = 0;
        while let Some(found) = body[at..].find('<') {
            let open = at + found;
            if body[open..].starts_with("<!--") {
                at = body[open..]
                    .find("-->")
                    .map_or(body.len(), |end| open + end + 3);
                continue;
            }
            if !bytes.get(open + 1).is_some_and(u8::is_ascii_alphabetic) {
                at = open + 1;
                continue;
            }
            // A start tag: its attributes up to its `>`.
            let mut i = open + 1;
            while i < bytes.len() && !is_tag_end(bytes[i]) {
                i += 1;
            }
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'>' {
                    break;
                }
                let name_at = i;
                while i < bytes.len() && !is_tag_end(bytes[i]) && bytes[i] != b'=' {
                    i += 1;
                }
                let name = &body[name_at..i];
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) != Some(&b'=') {
                    continue;
                }
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                let (value_at, value_end, next) = match bytes.get(j) {
                    Some(&quote) if quote == b'"' || quote == b'\'' => {
                        let end = body[j + 1..]
                            .find(quote as char)
                            .map_or(body.len(), |n| j + 1 + n);
                        (j + 1, end, (end + 1).min(body.len()))
                    }
                    _ => {
                        let mut end = j;
                        while end < bytes.len() && !is_tag_end(bytes[end]) {
                            end += 1;
                        }
                        (j, end, end)
                    }
                };
                let value = &body[value_at..value_end];
                if let Some(changed) = self.attribute(url, page, name, value) {
                    out.push_str(&body[copied..value_at]);
                    out.push_str(&changed);
                    copied = value_end;
                }
                i = next;
            }
            at = i;
        }
        out.push_str(&body[copied..]);
        Some(out)
    }

    /// The value the book gives the attribute `name="value"` of the body of `page`
    /// (at `url`), when it changes.
    fn attribute(&self, url: &str, page: &BookPage, name: &str, value: &str) -> Option<String> {
        if name.eq_ignore_ascii_case("id") {
            (!value.is_empty()).then(|| body_id(&page.anchor, value))
        } else if name.eq_ignore_ascii_case("href") {
            Some(self.href(url, page, value))
        } else if ID_REFERENCES.iter().any(|r| name.eq_ignore_ascii_case(r)) {
            let ids: Vec<String> = value
                .split_ascii_whitespace()
                .map(|id| body_id(&page.anchor, id))
                .collect();
            Some(ids.join(" "))
        } else {
            value.strip_prefix("../").map(str::to_string)
        }
    }

    /// A link of the body of `page` (at `url`), as the book has it.
    fn href(&self, url: &str, page: &BookPage, href: &str) -> String {
        let (target_url, target, fragment) = if let Some(fragment) = href.strip_prefix('#') {
            if fragment.is_empty() {
                return href.to_string();
            }
            (url, page, fragment)
        } else if let Some(relative) = href.strip_prefix("../") {
            let (path, fragment) = relative.split_once('#').unwrap_or((relative, ""));
            match self.pages.get(path) {
                Some(target) => (path, target, fragment),
                None => return relative.to_string(),
            }
        } else {
            return href.to_string();
        };
        if fragment.is_empty() {
            format!("#{}", target.anchor)
        } else if target.page_only.contains(fragment) {
            format!("{target_url}#{fragment}")
        } else {
            format!("#{}", body_id(&target.anchor, fragment))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_of(pages: &[usize]) -> Frame {
        let mut text = String::from("<main>");
        for page in pages {
            text.push_str(&format!("<article>{}</article>", marker(*page)));
        }
        text.push_str("</main>");
        Frame::new(text)
    }

    fn book(frame: Frame, bodies: Vec<(usize, &str)>) -> String {
        let mut out = Vec::new();
        let mut writer = BookWriter::start(frame, &mut out).unwrap();
        for (page, body) in bodies {
            writer.body(page, body.to_string()).unwrap();
        }
        writer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bodies_go_in_the_frames_order_whatever_order_they_come_in() {
        let frame = frame_of(&[7, 2, 5]);
        assert_eq!(frame.order().collect::<Vec<_>>(), [7, 2, 5]);
        let text = book(frame, vec![(5, "c"), (7, "a"), (2, "b")]);
        assert_eq!(
            text,
            "<main><article>a</article><article>b</article><article>c</article></main>"
        );
    }

    fn links() -> Links {
        let steps: HashSet<String> = ["step-go".to_string()].into();
        let none = HashSet::new();
        Links::new([
            ("procedures/pilot.html", "pilot", &steps),
            ("roles/dpo.html", "dpo", &none),
        ])
    }

    #[test]
    fn a_body_s_ids_are_renamed_after_its_page() {
        let body = r#"<h2 id="pitfalls">Pitfalls</h2><div data-id="x" id="">"#;
        assert_eq!(
            links().body("roles/dpo.html", body).unwrap(),
            r##"<h2 id="page-dpo_pitfalls">Pitfalls</h2><div data-id="x" id="">"##
        );
        // The same heading in two pages: two ids, neither the article's own.
        let other = links().body("procedures/pilot.html", body).unwrap();
        assert!(other.contains(r##"id="page-pilot_pitfalls""##), "{other}");
    }

    #[test]
    fn links_to_pages_of_the_book_become_its_anchors() {
        let body = concat!(
            r##"<a href="#pitfalls">a</a> <a href="../roles/dpo.html">b</a> "##,
            r##"<a href="../roles/dpo.html#scope">c</a> <a href="../procedures/pilot.html#step-go">d</a> "##,
            r##"<a href="#step-go">e</a> <a href="../raci.html#dpo">f</a> <a href="https://x.fr/#a">g</a> "##,
            r##"<a href="#">h</a>"##,
        );
        assert_eq!(
            links().body("procedures/pilot.html", body).unwrap(),
            concat!(
                r##"<a href="#page-pilot_pitfalls">a</a> <a href="#page-dpo">b</a> "##,
                r##"<a href="#page-dpo_scope">c</a> <a href="procedures/pilot.html#step-go">d</a> "##,
                r##"<a href="procedures/pilot.html#step-go">e</a> <a href="raci.html#dpo">f</a> <a href="https://x.fr/#a">g</a> "##,
                r##"<a href="#">h</a>"##,
            )
        );
    }

    #[test]
    fn references_to_ids_follow_them_and_other_relative_urls_lose_one_level() {
        let body = concat!(
            r##"<label for="name">N</label><input id="name" aria-describedby="a  b"> "##,
            r##"<img src="../x.png" alt="=&quot;../"><br/><p title="a > b" data-x = '../y' ID=z>"##,
        );
        assert_eq!(
            links().body("roles/dpo.html", body).unwrap(),
            concat!(
                r##"<label for="page-dpo_name">N</label><input id="page-dpo_name" aria-describedby="page-dpo_a page-dpo_b"> "##,
                r##"<img src="x.png" alt="=&quot;../"><br/><p title="a > b" data-x = 'y' ID=page-dpo_z>"##,
            )
        );
    }

    #[test]
    fn text_code_and_comments_are_copied_as_they_are() {
        // pulldown-cmark leaves quotes in text as they are.
        let body = concat!(
            r##"<p>Write id="x" and href="../a.html", 1 < 2 <code>id="y"</code></p>"##,
            r##"<!-- <a href="#x"> --> <h2 id="x">X</h2> <3"##,
        );
        assert_eq!(
            links().body("roles/dpo.html", body).unwrap(),
            concat!(
                r##"<p>Write id="x" and href="../a.html", 1 < 2 <code>id="y"</code></p>"##,
                r##"<!-- <a href="#x"> --> <h2 id="page-dpo_x">X</h2> <3"##,
            )
        );
    }

    #[test]
    fn a_page_outside_the_book_has_no_body_there() {
        assert_eq!(links().body("tags/x.html", "<p>x</p>"), None);
    }

    #[test]
    fn a_missing_body_leaves_its_place_empty_and_the_rest_is_written() {
        let text = book(frame_of(&[0, 1, 2]), vec![(2, "c"), (0, "a")]);
        assert_eq!(
            text,
            "<main><article>a</article><article></article><article>c</article></main>"
        );
    }

    #[test]
    fn a_repeated_marker_stays_a_comment_and_unknown_pages_are_ignored() {
        let frame = frame_of(&[1, 1]);
        assert_eq!(frame.order().collect::<Vec<_>>(), [1]);
        let text = book(frame, vec![(9, "x"), (1, "b")]);
        assert_eq!(
            text,
            format!(
                "<main><article>b</article><article>{}</article></main>",
                marker(1)
            )
        );
    }
}
