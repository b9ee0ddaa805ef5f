//! Reading a spec file: bytes -> text -> YAML tree with positions -> JSON value plus a source map.
//!
//! Applies the input limits (size, binary content; the limits and problems are `spec::source`'s)
//! and owns the map from a spec path to its place in the file. The YAML itself is read by
//! `spec::yaml`. It does not know the spec format: the schema and the rules
//! come after it.

use serde_json::Value;

pub use super::source::{LoadProblem, MAX_BYTES, MAX_DEPTH, MAX_NODES, Place, Source, SyntaxKind};

use super::path::{Path, Segment};
use super::yaml::{self, Tree};

/// Where each node of the document was written: the key (for mapping entries) and the value.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    root: Option<Tree>,
}

impl SourceMap {
    /// A map that knows one place only: where a syntax error stopped the parser.
    pub fn single(place: Place) -> Self {
        SourceMap {
            root: Some(Tree::Leaf(place)),
        }
    }

    /// The place of the value at `path`, or of its closest written ancestor.
    pub fn value(&self, path: &Path) -> Option<Place> {
        self.find(path).map(|(_, value)| value)
    }

    /// The place of the key that introduces `path` (falls back to the value, then to ancestors).
    pub fn key(&self, path: &Path) -> Option<Place> {
        self.find(path).map(|(key, value)| key.unwrap_or(value))
    }

    /// The best place to underline for a finding at `path`: scalars by their value, containers by
    /// their key (a container's value place has no useful length).
    pub fn best(&self, path: &Path) -> Option<Place> {
        let (key, value) = self.find(path)?;
        if value.len > 0 {
            Some(value)
        } else {
            key.or(Some(value))
        }
    }

    /// Walks the path as far as the document goes.
    fn find(&self, path: &Path) -> Option<(Option<Place>, Place)> {
        let mut node = self.root.as_ref()?;
        let mut key = None;
        for segment in path.segments() {
            let next = match (segment, node) {
                (Segment::Index(i), Tree::Seq(_, items)) => items.get(*i).map(|t| (None, t)),
                (Segment::Key(k), Tree::Map(_, entries)) => entries
                    .iter()
                    .find(|(name, _, _)| name == k)
                    .map(|(_, kp, t)| (Some(*kp), t)),
                _ => None,
            };
            match next {
                Some((k, t)) => (key, node) = (k, t),
                None => break,
            }
        }
        Some((key, node.place()))
    }
}

/// Turns raw bytes into text, refusing what cannot be a spec. A UTF-8 byte order mark is dropped.
pub fn decode(bytes: &[u8]) -> Result<String, LoadProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(LoadProblem::TooLarge);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadProblem::NotText { offset });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(LoadProblem::NotText {
            offset: e.valid_up_to(),
        }),
    }
}

/// Parses YAML (or JSON) text into a value, within the input budget. Places are not recorded:
/// `places` reads the text again for that, only when there is a finding to point at.
pub fn parse(text: &str) -> Result<Value, LoadProblem> {
    if text.trim().is_empty() || only_comments(text) {
        return Err(LoadProblem::Empty);
    }
    yaml::build(text, false).map(|(value, _)| value)
}

/// Where every node of a document that `parse` accepted was written.
pub fn places(text: &str) -> SourceMap {
    SourceMap {
        root: yaml::build(text, true).ok().map(|(_, tree)| tree),
    }
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn p(s: &str) -> Path {
        Path::parse(s)
    }

    #[test]
    fn places_point_at_keys_and_values() {
        let text = "a: 1\nlist:\n  - name: x\n    other: yes\n";
        parse(text).expect("parses");
        let map = places(text);
        let key = map.key(&p("list[0].other")).expect("known");
        assert_eq!((key.line, key.column), (4, 5));
        let value = map.value(&p("list[0].name")).expect("known");
        assert_eq!((value.line, value.column), (3, 11));
        assert_eq!(&text[value.offset..value.offset + value.len], "x");
        // Unknown paths fall back to the nearest written ancestor.
        assert_eq!(map.key(&p("list[0].missing")), map.key(&p("list[0]")));
    }

    #[test]
    fn byte_order_mark_is_dropped_and_binary_is_refused() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1").expect("text"), "a: 1");
        assert_eq!(decode(b"a\0b"), Err(LoadProblem::NotText { offset: 1 }));
        assert_eq!(decode(b"a\xFFb"), Err(LoadProblem::NotText { offset: 1 }));
    }

    #[test]
    fn empty_and_comment_only_files_are_empty() {
        assert_eq!(parse("").err(), Some(LoadProblem::Empty));
        assert_eq!(parse("# nothing\n---\n").err(), Some(LoadProblem::Empty));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            let refs = vec![format!("*{prev}"); 10].join(", ");
            let _ = writeln!(bomb, "l{i}: &l{i} [{refs}]");
        }
        assert!(matches!(parse(&bomb), Err(LoadProblem::Syntax { .. })));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(matches!(parse(&deep), Err(LoadProblem::Syntax { .. })));
    }
}
