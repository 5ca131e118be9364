//! Where a value is in a YAML text: the one spanned reader that every diagnostic
//! about front matter, `handbook.yaml` or a data file asks for a position.
//!
//! Values are read by serde (serde_yaml_ng); positions come from a second reading
//! with marked-yaml, which keeps each node's line and column. That second reading
//! happens only when a problem needs a position, so a clean build never pays for
//! it. A path names the value (`steps`, 2, `accountable`), never its text, so two
//! values that read alike cannot be confused.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use marked_yaml::types::{MarkedMappingNode, Node};
use marked_yaml::Marker;

use crate::model::LineIndex;

/// The YAML texts read for positions so far in this process.
static READINGS: AtomicUsize = AtomicUsize::new(0);

/// How many YAML texts were read a second time, for positions, in this process: a
/// build without problems reads none (a test holds the builds to that).
pub fn readings() -> usize {
    READINGS.load(Ordering::Relaxed)
}

/// One step of a path into a YAML document.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

pub use Step::{Index, Key};

/// The positions of a YAML text that starts at byte `offset` of its file.
pub struct YamlSpans<'t> {
    yaml: &'t str,
    offset: usize,
    root: OnceCell<Option<Node>>,
    lines: OnceCell<LineIndex>,
}

impl<'t> YamlSpans<'t> {
    pub fn new(yaml: &'t str, offset: usize) -> YamlSpans<'t> {
        YamlSpans {
            yaml,
            offset,
            root: OnceCell::new(),
            lines: OnceCell::new(),
        }
    }

    fn root(&self) -> Option<&Node> {
        self.root
            .get_or_init(|| {
                READINGS.fetch_add(1, Ordering::Relaxed);
                marked_yaml::parse_yaml(0, self.yaml).ok()
            })
            .as_ref()
    }

    fn node(&self, path: &[Step]) -> Option<&Node> {
        let mut node = self.root()?;
        for step in path {
            node = match (step, node) {
                (Key(key), Node::Mapping(map)) => map.get_node(key)?,
                (Index(i), Node::Sequence(items)) => items.get_node(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The key that ends `path` (`&[Key("steps"), Index(0), Key("id")]` → that
    /// `id`), as it is written.
    pub fn key(&self, path: &[Step]) -> Option<Range<usize>> {
        let (Key(key), parent) = path.split_last()? else {
            return self.value(path);
        };
        let Node::Mapping(map) = self.node(parent)? else {
            return None;
        };
        let (found, _) = map_entry(map, key)?;
        let start = self.byte(found.span().start()?)?;
        Some(start..start + key.len())
    }

    /// The value at `path`: a scalar whole, a list or map to the end of its first
    /// line.
    pub fn value(&self, path: &[Step]) -> Option<Range<usize>> {
        let node = self.node(path)?;
        let start = self.byte(node.span().start()?)?;
        let end = match node {
            Node::Scalar(scalar) => scalar
                .span()
                .end()
                .and_then(|end| self.byte(end))
                .filter(|end| *end > start)
                .unwrap_or(start + scalar.len()),
            _ => self.line_end(start),
        };
        Some(start..end.max(start))
    }

    /// The value at `path` if it can be found; else, for a path that ends with an
    /// index (one of a list written as a single value), the value it indexes; else
    /// the key that ends `path`; else the start of the text.
    pub fn value_or_key(&self, path: &[Step]) -> Range<usize> {
        let parent = match path.split_last() {
            Some((Index(_), parent)) => parent,
            _ => path,
        };
        self.value(path)
            .or_else(|| self.value(parent))
            .or_else(|| self.key(parent))
            .unwrap_or(self.offset..self.offset)
    }

    /// The key that ends `path` if it can be found, else the start of the text.
    pub fn key_or_start(&self, path: &[Step]) -> Range<usize> {
        self.key(path).unwrap_or(self.offset..self.offset)
    }

    /// A marker's byte offset in the file: its line, then its column in characters.
    fn byte(&self, marker: &Marker) -> Option<usize> {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.yaml));
        let line_start = lines.start(marker.line())?;
        let line = &self.yaml[line_start..];
        let column = line
            .char_indices()
            .nth(marker.column().checked_sub(1)?)
            .map_or(line.len(), |(at, _)| at);
        Some(self.offset + line_start + column)
    }

    fn line_end(&self, start: usize) -> usize {
        let local = start - self.offset;
        self.yaml[local..]
            .find('\n')
            .map_or(self.offset + self.yaml.len(), |i| start + i)
    }
}

fn map_entry<'m>(
    map: &'m MarkedMappingNode,
    key: &str,
) -> Option<(&'m marked_yaml::types::MarkedScalarNode, &'m Node)> {
    map.iter().find(|(k, _)| k.as_str() == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_keys_and_values_that_read_alike() {
        let text = "---\ntitle: a\nsteps:\n  - id:   b\n    accountable: [x]\n  - id: a\n    summary: « l'étape a »\nid: c\n";
        let yaml = &text[4..];
        let spans = YamlSpans::new(yaml, 4);
        let at = |range: Range<usize>| &text[range];
        assert_eq!(at(spans.key(&[Key("id")]).unwrap()), "id");
        assert_eq!(
            spans.key(&[Key("id")]).unwrap().start,
            text.rfind("id: c").unwrap()
        );
        assert_eq!(
            at(spans.value(&[Key("steps"), Index(0), Key("id")]).unwrap()),
            "b"
        );
        assert_eq!(
            at(spans.value(&[Key("steps"), Index(1), Key("id")]).unwrap()),
            "a"
        );
        assert_eq!(
            at(spans
                .value(&[Key("steps"), Index(0), Key("accountable")])
                .unwrap()),
            "[x]"
        );
        assert_eq!(
            at(spans
                .value(&[Key("steps"), Index(1), Key("summary")])
                .unwrap()),
            "« l'étape a »"
        );
        assert!(spans.value(&[Key("steps"), Index(5)]).is_none());
        assert_eq!(spans.key_or_start(&[Key("absent")]), 4..4);
    }
}
