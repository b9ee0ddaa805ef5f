//! Reading a spec file: bytes -> text -> YAML tree with positions -> JSON value plus a source map.
//!
//! Owns input limits (size, binary content, nesting, alias bombs) and the map from a spec path to its
//! place in the file. It does not know the spec format: the schema and the rules come after it.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

use super::path::Path;

/// Largest spec file accepted. A thousand-context spec is about 1 MiB.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting accepted; the format itself needs fewer than 10 levels.
pub const MAX_DEPTH: usize = 32;

/// A spec file's name and text, kept for rendering snippets.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A place in the source: byte offset and length, plus the 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub offset: usize,
    pub len: usize,
    pub line: u32,
    pub column: u32,
}

/// Where each node of the document was written: the key (for mapping entries) and the value.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    entries: HashMap<String, (Option<Place>, Place)>,
}

impl SourceMap {
    /// A map that knows one place only: where a syntax error stopped the parser.
    pub fn single(place: Place) -> Self {
        let mut entries = HashMap::new();
        entries.insert(String::new(), (None, place));
        SourceMap { entries }
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

    fn find(&self, path: &Path) -> Option<(Option<Place>, Place)> {
        let mut path = path.clone();
        loop {
            if let Some(entry) = self.entries.get(&path.pointer()) {
                return Some(*entry);
            }
            if !path.pop() {
                return None;
            }
        }
    }
}

/// Why a file could not be read as a YAML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadProblem {
    Empty,
    TooLarge {
        bytes: usize,
    },
    NotText {
        offset: usize,
    },
    Syntax {
        kind: SyntaxKind,
        message: String,
        place: Option<Place>,
    },
}

/// What kind of syntax problem stopped the parser, to give help that fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxKind {
    /// Aliases expand past the node budget (a "billion laughs" file).
    Expansion,
    /// Nesting deeper than `MAX_DEPTH`.
    Depth,
    DuplicateKey,
    Tabs,
    Other,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub value: Value,
    pub map: SourceMap,
}

/// Turns raw bytes into text, refusing what cannot be a spec. A UTF-8 byte order mark is dropped.
pub fn decode(bytes: &[u8]) -> Result<String, LoadProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(LoadProblem::TooLarge { bytes: bytes.len() });
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

/// Parses YAML (or JSON) text into a value and a source map, within the input budget.
pub fn parse(text: &str) -> Result<Loaded, LoadProblem> {
    if text.trim().is_empty() || only_comments(text) {
        return Err(LoadProblem::Empty);
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 500_000;
    budget.max_total_scalar_bytes = MAX_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    // YAML 1.2: only `true` and `false` are booleans (`y`, `no`, `on` stay strings).
    options.strict_booleans = true;
    let root: Spanned<Raw> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (kind, message) = syntax_message(&e);
        LoadProblem::Syntax {
            kind,
            message,
            place: e.location().map(|l| place(text, l)),
        }
    })?;
    let mut map = SourceMap::default();
    let mut path = Path::root();
    let value = convert(text, root, None, &mut path, &mut map);
    Ok(Loaded { value, map })
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// serde-saphyr's message, classified, without its own position and tuning advice.
fn syntax_message(e: &serde_saphyr::Error) -> (SyntaxKind, String) {
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default().trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    let cut = cut
        .split(", set ")
        .next()
        .unwrap_or(cut)
        .trim_end_matches('.');
    let lower = cut.to_ascii_lowercase();
    if lower.contains("budget") || lower.contains("alias") {
        let message = if lower.contains("depth") {
            return (
                SyntaxKind::Depth,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            );
        } else {
            "the document expands to too many nodes through anchors and aliases".to_owned()
        };
        return (SyntaxKind::Expansion, message);
    }
    if lower.contains("recursion") || lower.contains("depth") || lower.contains("nesting") {
        return (
            SyntaxKind::Depth,
            format!("nesting is deeper than {MAX_DEPTH} levels"),
        );
    }
    if lower.contains("duplicate") {
        return (SyntaxKind::DuplicateKey, cut.to_owned());
    }
    if lower.contains("tab") {
        return (SyntaxKind::Tabs, cut.to_owned());
    }
    (SyntaxKind::Other, cut.to_owned())
}

fn place(text: &str, loc: Location) -> Place {
    let span = loc.span();
    let offset = span
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or_else(|| offset_of(text, loc.line(), loc.column()));
    let len = span
        .byte_len()
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    let offset = offset.min(text.len());
    Place {
        offset,
        len: len.min(text.len() - offset),
        line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
        column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
    }
}

fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    let col = usize::try_from(column.saturating_sub(1)).unwrap_or(0);
    line_start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
}

fn convert(
    text: &str,
    node: Spanned<Raw>,
    key: Option<Place>,
    path: &mut Path,
    map: &mut SourceMap,
) -> Value {
    let at = place(text, node.referenced);
    map.entries.insert(path.pointer(), (key, at));
    match node.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::from(i),
        Raw::UInt(u) => Value::from(u),
        Raw::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        Raw::Str(s) => Value::String(s),
        Raw::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    path.push_index(i);
                    let v = convert(text, item, None, path, map);
                    path.pop();
                    v
                })
                .collect(),
        ),
        Raw::Map(entries) => {
            let mut object = serde_json::Map::with_capacity(entries.len());
            for (k, v) in entries {
                let key_place = place(text, k.referenced);
                let name = k.value.key_text();
                path.push_key(&name);
                let v = convert(text, v, Some(key_place), path, map);
                path.pop();
                object.insert(name, v);
            }
            Value::Object(object)
        }
    }
}

/// A YAML node as parsed, before it is known to be a spec.
#[derive(Debug)]
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl Raw {
    fn key_text(&self) -> String {
        match self {
            Raw::Null => "null".into(),
            Raw::Bool(b) => b.to_string(),
            Raw::Int(i) => i.to_string(),
            Raw::UInt(u) => u.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Str(s) => s.clone(),
            Raw::Seq(_) | Raw::Map(_) => "<complex key>".into(),
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::UInt(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = access.next_key::<Spanned<Raw>>()? {
            let value = access.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
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
        let loaded = parse(text).expect("parses");
        let key = loaded.map.key(&p("list[0].other")).expect("known");
        assert_eq!((key.line, key.column), (4, 5));
        let value = loaded.map.value(&p("list[0].name")).expect("known");
        assert_eq!((value.line, value.column), (3, 11));
        assert_eq!(&text[value.offset..value.offset + value.len], "x");
        // Unknown paths fall back to the nearest written ancestor.
        assert_eq!(
            loaded.map.key(&p("list[0].missing")),
            loaded.map.key(&p("list[0]"))
        );
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
