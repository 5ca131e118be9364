//! The print book: the whole handbook on one page.
//!
//! Its template (print.html) is rendered before the pages, with a marker where each
//! page's body goes. The pages then render in the book's order and the writer puts
//! each body in its place as it comes, holding back only the few that arrive early,
//! so that a large handbook's bodies (70 MB at 10,000 pages) are never all held in
//! memory at once.

use std::collections::{BTreeMap, HashMap};
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

    /// Takes page `page`'s body (its HTML as the page has it).
    pub fn body(&mut self, page: usize, body: String) -> io::Result<()> {
        let Some(&slot) = self.slot_of_page.get(&page) else {
            return Ok(());
        };
        self.early.insert(slot, body);
        while let Some(body) = self.early.remove(&self.next) {
            write_body(&mut self.out, &body)?;
            self.fill_next()?;
        }
        Ok(())
    }

    /// Ends the book. A body that never came (its page failed) leaves its place empty.
    pub fn finish(mut self) -> io::Result<()> {
        while self.next < self.frame.slots.len() {
            if let Some(body) = self.early.remove(&self.next) {
                write_body(&mut self.out, &body)?;
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

/// Writes a page's body as the book needs it: the book sits at the root while every
/// content page sits one folder down, so relative links (`href="../…"`, `src="../…"`;
/// Markdown escapes quotes in text) lose one `../`.
fn write_body(out: &mut impl Write, body: &str) -> io::Result<()> {
    const UP: &str = "=\"../";
    let mut rest = body;
    while let Some(at) = rest.find(UP) {
        out.write_all(&rest.as_bytes()[..at + 2])?;
        rest = &rest[at + UP.len()..];
    }
    out.write_all(rest.as_bytes())
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

    #[test]
    fn relative_links_lose_one_level_and_other_text_is_kept() {
        let body = r#"<a href="../roles/dpo.html">DPO</a> <img src="../x.png"> a="../b" ="../"#;
        let text = book(frame_of(&[0]), vec![(0, body)]);
        assert_eq!(
            text,
            r#"<main><article><a href="roles/dpo.html">DPO</a> <img src="x.png"> a="b" ="</article></main>"#
        );
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
