//! YAML text -> JSON value plus a tree of source places, built from saphyr-parser's event stream.
//!
//! Owns the input budget (nesting depth, node count including alias expansion), duplicate keys,
//! merge keys and YAML 1.2 core-schema scalar resolution. It knows nothing of the spec format.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};
use serde_json::{Map, Value};

mod places;
mod scalar;

use super::source::{LoadProblem, MAX_DEPTH, MAX_NODES, Place, SyntaxKind};
use places::{Positions, tab_place};
use scalar::resolve;

/// Where each node was written, mirroring the value's shape.
#[derive(Debug, Clone)]
pub enum Tree {
    Leaf(Place),
    Seq(Place, Vec<Tree>),
    /// Entries in written order: key text, key place, value.
    Map(Place, Vec<(String, Place, Tree)>),
}

impl Tree {
    pub fn place(&self) -> Place {
        match self {
            Tree::Leaf(p) | Tree::Seq(p, _) | Tree::Map(p, _) => *p,
        }
    }
}

/// Parses one YAML document. With `track`, the tree records where every node was written;
/// without it the tree is a single leaf, which is much cheaper for documents with no findings.
pub fn build(text: &str, track: bool) -> Result<(Value, Tree), LoadProblem> {
    let mut b = Builder {
        track,
        positions: Positions::new(text),
        nodes: 0,
        anchors: HashMap::new(),
        stack: Vec::new(),
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let place = b.positions.place(*e.marker(), *e.marker());
            match classify(e.info()) {
                SyntaxKind::Tabs => {
                    let place = tab_place(text, place);
                    let message = format!("a tab in the indentation of line {}", place.line);
                    syntax(SyntaxKind::Tabs, message, place)
                }
                kind => syntax(kind, e.info().to_owned(), place),
            }
        })?;
        b.event(event, span)?;
    }
    b.root.ok_or(LoadProblem::Empty)
}

fn syntax(kind: SyntaxKind, message: String, place: Place) -> LoadProblem {
    LoadProblem::Syntax {
        kind,
        message,
        place: Some(place),
    }
}

fn classify(info: &str) -> SyntaxKind {
    let lower = info.to_ascii_lowercase();
    if lower.contains("tab") {
        SyntaxKind::Tabs
    } else if lower.contains("recursion") || lower.contains("nest") {
        SyntaxKind::Depth
    } else {
        SyntaxKind::Other
    }
}

struct Anchored {
    value: Value,
    tree: Tree,
    nodes: usize,
}

enum Frame {
    Seq {
        place: Place,
        anchor: usize,
        start_nodes: usize,
        values: Vec<Value>,
        trees: Vec<Tree>,
    },
    Map {
        place: Place,
        anchor: usize,
        start_nodes: usize,
        object: Map<String, Value>,
        entries: Vec<(String, Place, Tree)>,
        key: Option<(String, Place)>,
        merges: Vec<(Value, Tree)>,
    },
}

struct Builder<'a> {
    track: bool,
    positions: Positions<'a>,
    nodes: usize,
    anchors: HashMap<usize, Anchored>,
    stack: Vec<Frame>,
    root: Option<(Value, Tree)>,
    documents: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), LoadProblem> {
        let place = self.positions.place(span.start, span.end);
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(syntax(
                        SyntaxKind::Other,
                        "the file holds more than one YAML document (`---`)".into(),
                        place,
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, place)?;
                let value = resolve(text, style, tag.as_deref())
                    .map_err(|m| syntax(SyntaxKind::Other, m, place))?;
                self.push(value, Tree::Leaf(place), place, anchor, 1)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.open(place)?;
                self.stack.push(Frame::Seq {
                    place,
                    anchor,
                    start_nodes: self.nodes,
                    values: Vec::new(),
                    trees: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                self.open(place)?;
                self.stack.push(Frame::Map {
                    place,
                    anchor,
                    start_nodes: self.nodes,
                    object: Map::new(),
                    entries: Vec::new(),
                    key: None,
                    merges: Vec::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(place)?,
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(syntax(
                        SyntaxKind::Other,
                        "alias to an unknown anchor".into(),
                        place,
                    ));
                };
                let (value, tree, nodes) = (a.value.clone(), a.tree.clone(), a.nodes);
                self.count(nodes, place)?;
                self.push(value, tree, place, 0, nodes)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize, place: Place) -> Result<(), LoadProblem> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(syntax(
                SyntaxKind::Expansion,
                "the document expands to too many nodes through anchors and aliases".into(),
                place,
            ));
        }
        Ok(())
    }

    fn open(&mut self, place: Place) -> Result<(), LoadProblem> {
        self.count(1, place)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(syntax(
                SyntaxKind::Depth,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
                place,
            ));
        }
        Ok(())
    }

    /// Ends the innermost container. A container written on one line (`{ a: 1 }`) is underlined
    /// whole; a block container only at its start, so findings do not paint half the file.
    fn close(&mut self, end: Place) -> Result<(), LoadProblem> {
        let whole = |mut place: Place| {
            if end.line == place.line && end.offset >= place.offset {
                place.len = end.offset + end.len - place.offset;
            }
            place
        };
        let track = self.track;
        let (value, tree, place, anchor, start) = match self.stack.pop() {
            Some(Frame::Seq {
                place,
                anchor,
                start_nodes,
                values,
                trees,
            }) => {
                let place = whole(place);
                let tree = if track {
                    Tree::Seq(place, trees)
                } else {
                    Tree::Leaf(place)
                };
                (Value::Array(values), tree, place, anchor, start_nodes)
            }
            Some(Frame::Map {
                place,
                anchor,
                start_nodes,
                mut object,
                mut entries,
                merges,
                ..
            }) => {
                // `<<: *base` merges keys the mapping does not set itself (YAML 1.1 merge key).
                for (merged, tree) in merges {
                    let Value::Object(from) = merged else {
                        continue;
                    };
                    let mut from_entries = match tree {
                        Tree::Map(_, e) => e,
                        _ => Vec::new(),
                    };
                    for (k, v) in from {
                        if object.contains_key(&k) {
                            continue;
                        }
                        if let Some(pos) = from_entries.iter().position(|e| e.0 == k) {
                            entries.push(from_entries.swap_remove(pos));
                        }
                        object.insert(k, v);
                    }
                }
                let place = whole(place);
                let tree = if track {
                    Tree::Map(place, entries)
                } else {
                    Tree::Leaf(place)
                };
                (Value::Object(object), tree, place, anchor, start_nodes)
            }
            None => return Ok(()),
        };
        let nodes = self.nodes - start + 1;
        self.push(value, tree, place, anchor, nodes)
    }

    /// Attaches a finished node to its parent: a list item, a mapping key, or a mapping value.
    fn push(
        &mut self,
        value: Value,
        tree: Tree,
        place: Place,
        anchor: usize,
        nodes: usize,
    ) -> Result<(), LoadProblem> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    tree: tree.clone(),
                    nodes,
                },
            );
        }
        let track = self.track;
        match self.stack.last_mut() {
            None => self.root = Some((value, tree)),
            Some(Frame::Seq { values, trees, .. }) => {
                values.push(value);
                if track {
                    trees.push(tree);
                }
            }
            Some(Frame::Map {
                object,
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => {
                    let text = match value {
                        Value::String(s) => s,
                        Value::Array(_) | Value::Object(_) => {
                            let message =
                                "a key must be a plain value, not a list or a mapping".into();
                            return Err(syntax(SyntaxKind::Other, message, place));
                        }
                        Value::Null => "null".to_owned(),
                        other => other.to_string(),
                    };
                    *key = Some((text, place));
                }
                Some((name, key_place)) => {
                    if name == "<<" {
                        match value {
                            Value::Array(items) => {
                                let mut trees = match tree {
                                    Tree::Seq(_, t) => t.into_iter(),
                                    _ => Vec::new().into_iter(),
                                };
                                for item in items {
                                    merges.push((item, trees.next().unwrap_or(Tree::Leaf(place))));
                                }
                            }
                            other => merges.push((other, tree)),
                        }
                    } else if object.contains_key(&name) {
                        return Err(syntax(
                            SyntaxKind::DuplicateKey,
                            format!("duplicate mapping key: {name}"),
                            key_place,
                        ));
                    } else {
                        if track {
                            entries.push((name.clone(), key_place, tree));
                        }
                        object.insert(name, value);
                    }
                }
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_and_aliases() {
        for track in [true, false] {
            let text = "base: &b { a: 1, b: 2 }\nthing:\n  <<: *b\n  b: 3\n";
            let (value, _) = build(text, track).expect("parses");
            assert_eq!(value["thing"], serde_json::json!({ "b": 3, "a": 1 }));
        }
    }

    #[test]
    fn korean_text_gets_byte_offsets() {
        let text = "title: 서고배치\nname: x\n";
        let (_, tree) = build(text, true).expect("parses");
        let Tree::Map(_, entries) = tree else {
            panic!("a mapping")
        };
        let name = entries[1].2.place();
        assert_eq!(&text[name.offset..name.offset + name.len], "x");
        assert_eq!((name.line, name.column), (2, 7));
    }
}
