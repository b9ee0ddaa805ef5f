//! Proves the registry is complete, from the source text: every rule static in `src/` is in `ALL`
//! under its own code, each one is emitted somewhere (`Finding::new(&MSA…`), nothing else makes
//! findings, and every code mentioned in the sources, prompts, templates or README is registered.
//! The README's rule table is the registry's. That each rule is really reported is shown by the
//! fixtures (`tests/it/fixtures.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use super::ALL;
use crate::check::Severity;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every file under `dir` (relative to the repository) whose name ends with one of `exts`.
fn files(dir: &str, exts: &[&str]) -> Vec<(String, String)> {
    walkdir::WalkDir::new(Path::new(ROOT).join(dir))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            exts.iter()
                .any(|x| e.file_name().to_string_lossy().ends_with(x))
        })
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("readable source");
            (e.path().display().to_string(), text)
        })
        .collect()
}

/// The text without its comment lines (doc comments show `Finding::new(&MSA106, ..)` too).
fn code_only(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `MSA` and three digits at `i` of `text` (and not inside a longer word).
fn code_at(text: &str, i: usize) -> Option<&str> {
    let code = text.get(i..i + 6)?;
    let digits = code.strip_prefix("MSA")?;
    let before = text[..i].chars().next_back();
    let after = text[i + 6..].chars().next();
    (digits.bytes().all(|b| b.is_ascii_digit())
        && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(code)
}

/// Every code mentioned in `text`.
fn mentioned(text: &str) -> Vec<&str> {
    text.match_indices("MSA")
        .filter_map(|(i, _)| code_at(text, i))
        .collect()
}

/// `pub static MSA…: Rule = Rule { code: "MSA…"`: the static's name and the code it states.
fn declared(text: &str) -> Vec<(&str, &str)> {
    text.match_indices("pub static MSA")
        .map(|(i, _)| {
            let rest = &text[i + "pub static ".len()..];
            let name = &rest[..6];
            let body = rest[6..]
                .strip_prefix(": Rule = Rule {")
                .unwrap_or_else(|| panic!("`pub static {name}` must be a `Rule`"));
            let code = body
                .trim_start()
                .strip_prefix("code: \"")
                .and_then(|b| b.get(..6))
                .unwrap_or_else(|| panic!("`{name}` must state its code first"));
            (name, code)
        })
        .collect()
}

/// The rule of every `Finding::new(&…)`: the last segment of the path after `&`.
fn emitted(text: &str) -> Vec<&str> {
    text.match_indices("Finding::new(")
        .map(|(i, m)| {
            let rest = text[i + m.len()..].trim_start();
            let path = rest
                .strip_prefix('&')
                .unwrap_or_else(|| panic!("a finding is made from `&RULE`, not `{rest:.40}`"));
            let end = path
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(path.len());
            path[..end].rsplit("::").next().unwrap_or_default()
        })
        .collect()
}

#[test]
fn the_registry_is_in_code_order() {
    assert!(ALL.windows(2).all(|w| w[0].code < w[1].code));
}

#[test]
fn every_rule_static_is_registered_under_its_code_and_emitted() {
    // This file's own examples are not rules.
    let sources: Vec<(String, String)> = files("src", &[".rs"])
        .into_iter()
        .filter(|(file, _)| !file.ends_with("completeness.rs"))
        .map(|(file, text)| (file, code_only(&text)))
        .collect();
    let registered: BTreeSet<&str> = ALL.iter().map(|r| r.code).collect();
    let mut statics: BTreeMap<&str, &str> = BTreeMap::new();
    let mut uses: BTreeSet<&str> = BTreeSet::new();
    for (file, text) in &sources {
        for (name, code) in declared(text) {
            assert_eq!(name, code, "{file}: `{name}` states the code {code}");
            assert!(
                statics.insert(name, file).is_none(),
                "{file}: `{name}` is declared twice"
            );
        }
        for rule in emitted(text) {
            assert!(
                rule.starts_with("MSA") && rule.len() == 6,
                "{file}: a finding made from `{rule}`, not from a rule static"
            );
            uses.insert(rule);
        }
    }
    let declared: BTreeSet<&str> = statics.keys().copied().collect();
    assert_eq!(declared, registered, "rule statics and `rules::ALL` differ");
    let unused: Vec<_> = declared.difference(&uses).collect();
    assert!(unused.is_empty(), "rules nothing emits: {unused:?}");
    let undeclared: Vec<_> = uses.difference(&declared).collect();
    assert!(undeclared.is_empty(), "findings of no rule: {undeclared:?}");
}

#[test]
fn every_code_mentioned_is_registered() {
    let registered: BTreeSet<&str> = ALL.iter().map(|r| r.code).collect();
    let mut texts: Vec<_> = files("src", &[".rs"])
        .into_iter()
        .filter(|(file, _)| !file.ends_with("completeness.rs"))
        .collect();
    texts.extend(files("prompts", &[".j2", ".md"]));
    texts.extend(files("templates", &[".j2", ".md", ".yaml"]));
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README");
    texts.push(("README.md".into(), readme));
    for (file, text) in &texts {
        for code in mentioned(text) {
            assert!(
                registered.contains(code),
                "{file} names {code}, which no rule has"
            );
        }
    }
}

#[test]
fn the_scanners_read_what_they_should() {
    let text = "pub static MSA106: Rule = Rule {\n    code: \"MSA106\",";
    assert_eq!(declared(text), [("MSA106", "MSA106")]);
    let text = "Finding::new(&MSA106, p, m); Finding::new(\n    &format::MSA004,";
    assert_eq!(emitted(text), ["MSA106", "MSA004"]);
    assert_eq!(
        mentioned("ignore: [MSA110], MSA1234, xMSA101, (MSA205)"),
        ["MSA110", "MSA205"]
    );
}

/// The README's table of rules, as the registry has them.
fn readme_table() -> String {
    let mut table =
        String::from("| code | name | severity | what it checks |\n|---|---|---|---|\n");
    for r in ALL {
        let severity = match (r.severity, r.heuristic) {
            (Severity::Error, _) => "error",
            (Severity::Warning, false) => "warning",
            (Severity::Warning, true) => "warning, heuristic",
        };
        let title = r.title.en.strip_prefix("Heuristic: ").unwrap_or(r.title.en);
        let _ = writeln!(
            table,
            "| {} | `{}` | {severity} | {title} |",
            r.code, r.name
        );
    }
    table
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README");
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let start = readme.find(begin).expect("README marks the rule table") + begin.len();
    let stop = readme[start..]
        .find(end)
        .expect("README ends the rule table")
        + start;
    let table = readme_table();
    assert!(
        readme[start..stop] == table,
        "README.md's rule table differs from `rules::ALL`; put this between the markers:\n{table}"
    );
}
