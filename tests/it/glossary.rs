//! Korean messages follow the glossary in the README (`### Korean terms`): none uses a word the
//! glossary rejects (결정적 for critical), and no Korean finding of any fixture carries an English
//! fragment: every ASCII word in it is a term the glossary keeps, or a name or value from the spec,
//! or inside backticks.

use std::collections::BTreeSet;
use std::path::Path;

use msaforge::check::{self, rules};
use msaforge::lang::Lang;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The glossary table: (English, Korean, rejected words).
fn glossary() -> (Vec<String>, BTreeSet<String>) {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README");
    let start = readme
        .find("<!-- glossary:begin -->")
        .expect("glossary begins");
    let end = readme.find("<!-- glossary:end -->").expect("glossary ends");
    let rejected: Vec<String> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.contains("| not |"))
        .filter_map(|l| l.split('|').nth(3).map(str::trim).map(str::to_owned))
        .flat_map(|cell| {
            cell.split(',')
                .map(|w| w.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    assert!(
        rejected.iter().any(|w| w == "결정적"),
        "the glossary rejects 결정적"
    );
    let kept_line = readme[end..]
        .split("Kept as written in Korean text:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("the kept terms follow the table");
    let kept = words(kept_line).into_iter().collect();
    (rejected, kept)
}

/// The ASCII words (three letters or more) of `text`, outside backticks.
fn words(text: &str) -> Vec<String> {
    let outside: String = text
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join(" ");
    outside
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
        .map(|w| w.trim_matches(|c| c == '-' || c == '_'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 3)
        .map(str::to_owned)
        .collect()
}

/// Every string value of the spec (names, paths, strategies), split into words.
fn spec_words(text: &str) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => out.extend(words(s)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(m) => m.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(value) = msaforge::spec::load::parse(text) {
        walk(&value, &mut out);
    }
    out
}

#[test]
fn korean_messages_follow_the_glossary() {
    let (rejected, kept) = glossary();
    let mut texts: Vec<(String, String)> = rules::ALL
        .iter()
        .flat_map(|r| {
            [r.title.ko, r.why.ko, r.fix.ko]
                .map(|t| (format!("{} (rule text)", r.code), t.to_owned()))
        })
        .collect();
    let dir = Path::new(ROOT).join("tests/fixtures/check");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .collect();
    fixtures.sort_by_key(std::fs::DirEntry::file_name);
    let mut english = Vec::new();
    for entry in fixtures {
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(entry.path()).expect("fixture");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let options = check::Options {
            lang: Lang::Ko,
            policy: None,
        };
        let report = check::check_bytes(&name, &bytes, &options);
        let allowed = spec_words(&text);
        for f in &report.findings {
            let said = std::iter::once(&f.message)
                .chain(&f.help)
                .chain(f.related.iter().map(|r| &r.message));
            for s in said {
                let stray: Vec<String> = words(s)
                    .into_iter()
                    .filter(|w| !kept.contains(w) && !allowed.contains(w))
                    .collect();
                if !stray.is_empty() {
                    english.push(format!("{name} {}: {stray:?} in {s:?}", f.code()));
                }
                texts.push((format!("{name} {}", f.code()), s.clone()));
            }
        }
    }
    assert!(
        english.is_empty(),
        "English inside Korean messages:\n{}",
        english.join("\n")
    );
    let misused: Vec<String> = texts
        .iter()
        .flat_map(|(at, t)| {
            rejected
                .iter()
                .filter(|w| t.contains(w.as_str()))
                .map(move |w| format!("{at}: `{w}` in {t:?}"))
        })
        .collect();
    assert!(
        misused.is_empty(),
        "words the glossary rejects:\n{}",
        misused.join("\n")
    );
}
