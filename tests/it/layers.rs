//! The module graph of `src/`, read from the source: every `crate::` path (in `use` trees and in
//! code) and every `super::` path, per file. Sibling modules must not import each other in a cycle
//! (at every level: `generate` and `plan`, or two views of `generate::view`), and no
//! module imports the command layer `cmd`, which sits on top of all of them.
//!
//! Test code (modules declared `#[cfg(test)] mod name;` and the inline `#[cfg(test)] mod tests`
//! at the end of a file) is left out: a test may use any module to build its input without
//! making a dependency of the library.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Known cycles, each as one of its edges (left out of the check). A cycle that is gone makes the
/// test fail until its line is removed.
const KNOWN_CYCLES: &[(&str, &str)] = &[];

/// Module path (`generate::view`) -> the module paths it names, from the files under `src/`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("src/ is readable");
        let path = entry.path();
        let rel = path.strip_prefix(&src).expect("inside src/");
        let name = rel.to_string_lossy().replace('\\', "/");
        if path.extension().is_some_and(|e| e == "rs") && name != "main.rs" {
            let text = std::fs::read_to_string(path).expect("source is UTF-8");
            files.insert(name, text);
        }
    }
    // Modules declared `#[cfg(test)] mod name;` live in files of their own: all test code.
    let mut tests = BTreeSet::new();
    for (name, text) in &files {
        let module = module_of(name);
        for (at, _) in text.match_indices("#[cfg(test)]\nmod ") {
            let rest = &text[at + "#[cfg(test)]\nmod ".len()..];
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest[ident.len()..].starts_with(';') {
                tests.insert([module.clone(), vec![ident]].concat().join("::"));
            }
        }
    }
    let mut graph = BTreeMap::new();
    for (name, text) in &files {
        let module = module_of(name);
        let path = module.join("::");
        if tests
            .iter()
            .any(|t| path == *t || path.starts_with(&format!("{t}::")))
        {
            continue;
        }
        let mut targets = BTreeSet::new();
        for reference in references(&library_code(name, text)) {
            if let Some(target) = resolve(&module, &reference) {
                targets.insert(target.join("::"));
            }
        }
        graph.insert(path, targets);
    }
    assert!(
        tests.contains("recovery::tests"),
        "test modules in files of their own are found: {tests:?}"
    );
    graph
}

/// `generate/view.rs` -> [generate, view]; `generate/mod.rs` -> [generate]; `lib.rs` -> [].
fn module_of(file: &str) -> Vec<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The text without comments and without an inline `#[cfg(test)] mod tests { .. }`, which must
/// be the last item of the file (so that no library code is left out with it).
fn library_code(file: &str, text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => {
            let items: Vec<&str> = text[at..]
                .lines()
                .filter(|l| l.starts_with(|c: char| !c.is_whitespace()))
                .collect();
            assert!(
                items[..] == ["#[cfg(test)]", "mod tests {", "}"],
                "{file}: the `#[cfg(test)] mod tests` is not the last item: {items:?}"
            );
            &text[..at]
        }
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path that starts with `crate::`, `super::` or `self::`, with `{a, b::c}` groups of a
/// `use` tree expanded: `crate::plan::{lock, report::human}` -> `crate::plan::lock`,
/// `crate::plan::report::human`.
fn references(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(start) {
            let at = from + found;
            from = at + start.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
                continue; // `mycrate::`, `a::super::` (read as part of a longer path)
            }
            let head = start.trim_end_matches("::").to_owned();
            let (paths, _) = tree(code, from, vec![head]);
            out.extend(paths);
        }
    }
    out
}

/// Parses the rest of a path at `at` (after `prefix::`): segments, then a `{...}` group or the end.
fn tree(code: &str, mut at: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let bytes = code.as_bytes();
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut path = prefix;
    loop {
        at = skip_space(at);
        if bytes.get(at) == Some(&b'{') {
            let mut paths = Vec::new();
            at += 1;
            loop {
                at = skip_space(at);
                match bytes.get(at) {
                    Some(b'}') | None => return (paths, at + 1),
                    Some(b',') => at += 1,
                    _ => {
                        let (inner, next) = tree(code, at, path.clone());
                        paths.extend(inner);
                        at = next;
                    }
                }
            }
        }
        let end = code[at..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(code.len(), |n| at + n);
        if end > at {
            path.push(code[at..end].to_owned());
        }
        at = end;
        if code[at..].starts_with("::") {
            at += 2;
        } else {
            return (vec![path], at);
        }
    }
}

/// The absolute module path a reference names, from the file's module; `None` outside the crate.
fn resolve(module: &[String], reference: &[String]) -> Option<Vec<String>> {
    // In `a/b.rs` (module a::b) and `a/b/mod.rs` alike, `self` is a::b and `super` is a.
    let mut base: Vec<String> = Vec::new();
    let mut rest = reference;
    match reference.first().map(String::as_str) {
        Some("crate") => rest = &reference[1..],
        Some("self") => {
            base = module.to_vec();
            rest = &reference[1..];
        }
        Some("super") => {
            base = module.to_vec();
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The edges between sibling modules: `a::x::..` naming `a::y::..` is the edge `a::x -> a::y`.
/// Only names of modules that exist count (an item `a::render` is not a module).
fn sibling_edges(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<(String, String)> {
    let modules: BTreeSet<&str> = graph.keys().map(String::as_str).collect();
    let mut edges = BTreeSet::new();
    for (from, targets) in graph {
        let from_parts: Vec<&str> = from.split("::").filter(|s| !s.is_empty()).collect();
        for target in targets {
            let to_parts: Vec<&str> = target.split("::").collect();
            let common = from_parts
                .iter()
                .zip(&to_parts)
                .take_while(|(a, b)| a == b)
                .count();
            if common >= from_parts.len() || common >= to_parts.len() {
                continue; // a module naming itself, its parent or its own children
            }
            let (a, b) = (
                from_parts[..=common].join("::"),
                to_parts[..=common].join("::"),
            );
            if modules.contains(b.as_str()) && a != b {
                edges.insert((a, b));
            }
        }
    }
    edges
}

/// True when `to` can be reached from `from` along `edges`.
fn reaches(edges: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::from([from.to_owned()]);
    let mut todo = vec![from.to_owned()];
    while let Some(at) = todo.pop() {
        for (_, next) in edges.iter().filter(|(a, _)| *a == at) {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

/// A cycle through `start` in `edges`, as the modules along it.
fn cycle_from(edges: &BTreeSet<(String, String)>, start: &str) -> Option<Vec<String>> {
    fn walk(
        edges: &BTreeSet<(String, String)>,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
        start: &str,
    ) -> bool {
        let last = path.last().expect("non-empty").clone();
        for (_, next) in edges.iter().filter(|(a, _)| *a == last) {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(edges, path, seen, start) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    let mut seen = BTreeSet::new();
    walk(edges, &mut path, &mut seen, start).then_some(path)
}

#[test]
fn no_import_cycle_between_sibling_modules() {
    let graph = imports();
    let mut edges = sibling_edges(&graph);
    assert!(
        edges.contains(&("generate".to_owned(), "plan".to_owned())),
        "the graph is read: generate uses plan ({edges:?})"
    );
    let all = edges.clone();
    for (a, b) in KNOWN_CYCLES {
        let edge = ((*a).to_owned(), (*b).to_owned());
        assert!(
            all.contains(&edge) && reaches(&all, b, a),
            "{a} -> {b} is no longer part of a cycle: remove it from KNOWN_CYCLES"
        );
        edges.remove(&edge);
    }
    // Each cycle once, from its first module in name order.
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&edges, m))
        .filter(|c| c.iter().all(|m| *m >= c[0]))
        .map(|c| format!("{} -> {}", c.join(" -> "), c[0]))
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles:\n  {}",
        cycles.join("\n  ")
    );
}

#[test]
fn no_module_below_cmd_imports_cmd() {
    let offenders: Vec<String> = imports()
        .into_iter()
        .filter(|(module, _)| !module.is_empty() && module != "cmd" && !module.starts_with("cmd::"))
        .filter(|(_, targets)| targets.iter().any(|t| t == "cmd" || t.starts_with("cmd::")))
        .map(|(module, _)| module)
        .collect();
    assert!(
        offenders.is_empty(),
        "modules that import the command layer: {offenders:?}"
    );
}

#[test]
fn the_reader_expands_use_trees_and_relative_paths() {
    let code = "use crate::plan::{lock, report::{human, json}};\nuse super::view_java::port;\nlet x = crate::exit::OK;";
    let module = vec!["generate".to_owned(), "view".to_owned()];
    let named: BTreeSet<String> = references(code)
        .iter()
        .filter_map(|r| resolve(&module, r))
        .map(|p| p.join("::"))
        .collect();
    let expected = [
        "plan::lock",
        "plan::report::human",
        "plan::report::json",
        "generate::view_java::port",
        "exit::OK",
    ];
    assert_eq!(
        named,
        expected
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    );
}
