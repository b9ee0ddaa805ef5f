//! How the types of one context hold each other: a field holds a value of another type inline
//! (`annex: Shelf`, optional or not) or through a list (`annexes: Shelf[]`). Which inline fields
//! close a loop back to their own type (Rust needs a `Box` there: a struct cannot contain itself,
//! E0072), and which loops consist of required inline fields only (no finite value has them).
//!
//! Pure graph work over one context's types; `check` judges and `generate` spells the result.

use super::graph::Graph;
use super::resolve::{Context, FieldType};

/// `(type index, field index)` of a field of the context.
pub type FieldAt = (usize, usize);

/// The type an inline (non-list) field refers to, when it is a type of the context.
fn inline_target(c: &Context, ty: &FieldType) -> Option<usize> {
    match ty {
        FieldType::Named { name } => c.types.iter().position(|t| &t.name == name),
        _ => None,
    }
}

/// The graph of inline references between the context's types, optionally of required fields only.
fn graph(c: &Context, required_only: bool) -> Vec<Vec<usize>> {
    c.types
        .iter()
        .map(|t| {
            t.fields
                .iter()
                .filter(|f| !required_only || !f.optional)
                .filter_map(|f| inline_target(c, &f.ty))
                .collect()
        })
        .collect()
}

/// The inline fields whose value holds, through inline fields, a value of the field's own type
/// again: the fields that need an indirection in Rust. In field order.
pub fn recursive_fields(c: &Context) -> Vec<FieldAt> {
    if c.types
        .iter()
        .all(|t| t.fields.iter().all(|f| inline_target(c, &f.ty).is_none()))
    {
        return Vec::new();
    }
    let mut component = vec![0; c.types.len()];
    for (k, members) in Graph::from_edges(&graph(c, false))
        .components()
        .iter()
        .enumerate()
    {
        for &t in members {
            component[t] = k;
        }
    }
    let mut out = Vec::new();
    for (t, ty) in c.types.iter().enumerate() {
        for (f, field) in ty.fields.iter().enumerate() {
            if inline_target(c, &field.ty).is_some_and(|u| component[u] == component[t]) {
                out.push((t, f));
            }
        }
    }
    out
}

/// Loops of required inline fields: every value of these types would have to hold another one,
/// forever. Each loop as its fields in order, starting at the type that comes first.
pub fn infinite_loops(c: &Context) -> Vec<Vec<FieldAt>> {
    Graph::from_edges(&graph(c, true))
        .cycles()
        .into_iter()
        .map(|cycle| {
            (0..cycle.len())
                .filter_map(|n| {
                    let (t, next) = (cycle[n], cycle[(n + 1) % cycle.len()]);
                    let f = c.types[t]
                        .fields
                        .iter()
                        .position(|f| !f.optional && inline_target(c, &f.ty) == Some(next))?;
                    Some((t, f))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(yaml: &str) -> Context {
        let text = format!(
            "msaforge: 1\nsystem: {{ name: s, title: S }}\ngateway: {{ prefix: /api }}\ncontexts:\n  - name: c\n    title: C\n    purpose: p\n    types:\n{yaml}"
        );
        let value = crate::spec::load::parse(&text).expect("parses");
        let file: crate::spec::SpecFile = serde::Deserialize::deserialize(&value).expect("a spec");
        crate::spec::resolve(file).contexts.remove(0)
    }

    #[test]
    fn loops_through_inline_fields_are_boxed_and_required_ones_are_infinite() {
        let c = context(
            "      - { name: Shelf, fields: [{ name: annex, type: Shelf, optional: true }, { name: rows, type: \"Row[]\" }] }\n      - { name: Row, fields: [{ name: shelf, type: Shelf }] }\n      - { name: A, fields: [{ name: b, type: B }] }\n      - { name: B, fields: [{ name: a, type: A }, { name: row, type: Row }] }\n",
        );
        // Shelf.annex loops to Shelf; Shelf.rows is a list (no loop inline); A and B hold each other.
        assert_eq!(recursive_fields(&c), vec![(0, 0), (2, 0), (3, 0)]);
        assert_eq!(infinite_loops(&c), vec![vec![(2, 0), (3, 0)]]);
    }
}
