//! Hostile and broken input: each gets a clear finding with a place and exit code 1, never a panic.

use std::fmt::Write as _;

use msaforge::check::{self, render};
use msaforge::lang::Lang;

fn check(name: &str, bytes: &[u8]) -> check::Report {
    check::check_bytes(name, bytes, &check::Options::default())
}

fn snapshot(name: &str, bytes: &[u8]) -> Vec<&'static str> {
    let report = check(name, bytes);
    assert!(report.has_errors(), "{name} must be refused");
    crate::snapshots("check/bad-input").bind(|| {
        insta::assert_snapshot!(name, render::human(&report, Lang::En, false));
    });
    report.findings.iter().map(check::Finding::code).collect()
}

const MINIMAL: &str = "msaforge: 1\nsystem: { name: demo, title: Demo }\ngateway: { prefix: /api }\ncontexts: [{ name: demo, title: Demo, purpose: Demo }]\n";

#[test]
fn empty_file() {
    assert_eq!(snapshot("empty", b""), ["MSA001"]);
    assert_eq!(
        snapshot("whitespace", b"  \n\n# just a comment\n"),
        ["MSA001"]
    );
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| i.wrapping_mul(2_654_435_761).to_le_bytes()[1])
        .collect();
    assert_eq!(snapshot("binary", &garbage), ["MSA001"]);
}

#[test]
fn ten_megabyte_file() {
    let mut big = String::from(MINIMAL);
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding padding\n");
    }
    assert_eq!(snapshot("ten-megabytes", big.as_bytes()), ["MSA001"]);
}

#[test]
fn deeply_nested_yaml() {
    let flow = format!(
        "msaforge: 1\nsystem: {}{}\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    assert_eq!(snapshot("deep-flow", flow.as_bytes()), ["MSA001"]);
    let mut block = String::from("msaforge: 1\nsystem:\n");
    for depth in 1..200 {
        let _ = writeln!(block, "{}k{depth}:", "  ".repeat(depth));
    }
    assert_eq!(snapshot("deep-block", block.as_bytes()), ["MSA001"]);
}

#[test]
fn billion_laughs() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        let _ = writeln!(bomb, "{name}: &{name} [{refs}]");
        prev = name;
    }
    assert_eq!(snapshot("billion-laughs", bomb.as_bytes()), ["MSA001"]);
}

#[test]
fn tabs_for_indentation() {
    let text = "msaforge: 1\nsystem:\n\tname: demo\n\ttitle: Demo\n";
    assert_eq!(snapshot("tabs", text.as_bytes()), ["MSA001"]);
}

#[test]
fn byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(MINIMAL.as_bytes());
    let report = check("bom", &bytes);
    assert!(!report.has_errors(), "{:?}", report.findings);
}

#[test]
fn path_traversal_names() {
    let text = "msaforge: 1\nsystem: { name: ../../etc, title: x }\ngateway: { prefix: /api }\ncontexts:\n  - { name: ../x, title: x, purpose: x }\n  - { name: /etc/passwd, title: y, purpose: y }\n";
    let codes = snapshot("traversal", text.as_bytes());
    assert_eq!(codes, ["MSA010", "MSA010", "MSA010"]);
}

#[test]
fn duplicate_keys() {
    let text = "msaforge: 1\nmsaforge: 1\n";
    assert_eq!(snapshot("duplicate-keys", text.as_bytes()), ["MSA001"]);
}

#[test]
fn a_json_array_is_not_a_spec() {
    assert_eq!(snapshot("json-array", b"[1, 2, 3]"), ["MSA004"]);
}
