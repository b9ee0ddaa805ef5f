//! Every spec under `tests/fixtures/check/` is checked and snapshotted twice: the human report (no
//! colour) and the JSON findings. Each fixture also states what it must and must not trigger in
//! header comments, asserted here so a fixture cannot silently stop testing its rule:
//!
//! ```yaml
//! # expect: MSA101            every listed code must be reported
//! # expect-not: MSA102        none of these may be reported
//! # expect-clean              no error at all (warnings allowed)
//! ```

use msaforge::check::{self, render};
use msaforge::lang::Lang;

fn header_codes(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&format!("# {key}:")))
        .flat_map(|rest| {
            rest.split([',', ' '])
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn check_fixtures() {
    insta::glob!("../fixtures/check", "*.yaml", |path| {
        let bytes = std::fs::read(path).expect("fixture is readable");
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        let name = format!(
            "fixtures/check/{}",
            path.file_name().expect("file name").to_string_lossy()
        );
        let report = check::check_bytes(
            &name,
            &bytes,
            &check::Options {
                lang: Lang::En,
                policy: None,
            },
        );
        let codes: Vec<&str> = report.findings.iter().map(check::Finding::code).collect();
        let expected = header_codes(text, "expect");
        let forbidden = header_codes(text, "expect-not");
        let clean = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .any(|l| l.trim() == "# expect-clean");
        assert!(
            !expected.is_empty() || !forbidden.is_empty() || clean,
            "{name}: state what the fixture tests with `# expect:`, `# expect-not:` or `# expect-clean`"
        );
        for code in &expected {
            assert!(
                codes.contains(&code.as_str()),
                "{name}: expected {code}, got {codes:?}"
            );
        }
        for code in &forbidden {
            assert!(
                !codes.contains(&code.as_str()),
                "{name}: {code} must not be reported, got {codes:?}"
            );
        }
        if clean {
            assert!(
                !report.has_errors(),
                "{name}: expected no errors, got {codes:?}"
            );
        }
        // `check/human/<fixture>.snap` and `check/json/<fixture>.snap`.
        let stem = path.file_stem().expect("file name").to_string_lossy();
        crate::snapshots("check/human").bind(|| {
            insta::assert_snapshot!(stem.as_ref(), render::human(&report, Lang::En, false));
        });
        crate::snapshots("check/json").bind(|| {
            insta::assert_snapshot!(stem.as_ref(), render::json(&report));
        });
    });
}

/// Korean messages for a few representative fixtures.
#[test]
fn korean_messages() {
    for fixture in [
        "MSA201-dr-inversion.yaml",
        "MSA002-unknown-key.yaml",
        "MSA101-cycle.yaml",
        "MSA001-tab-indent.yaml",
        "MSA004-wrong-type.yaml",
        "MSA010-after-korean-text.yaml",
    ] {
        let path = format!(
            "{}/tests/fixtures/check/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("fixture is readable");
        let report = check::check_bytes(
            fixture,
            &bytes,
            &check::Options {
                lang: Lang::Ko,
                policy: None,
            },
        );
        crate::snapshots("check/ko").bind(|| {
            insta::assert_snapshot!(
                fixture.trim_end_matches(".yaml"),
                render::human(&report, Lang::Ko, false)
            );
        });
    }
}

/// The shipped examples pass with no error and no warning.
#[test]
fn examples_are_clean() {
    for example in ["records-archive.yaml", "permit-office.yaml"] {
        let path = format!("{}/examples/{example}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).expect("example is readable");
        let report = check::check_bytes(example, &bytes, &check::Options::default());
        assert!(
            report.findings.is_empty(),
            "{example}: {}",
            render::human(&report, Lang::En, false)
        );
        assert!(report.spec.is_some());
    }
}

/// Every rule is reported by some fixture that expects it, and every code a fixture expects is a
/// rule: a rule nothing triggers, or a fixture testing a code that does not exist, fails here.
#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut expected = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("fixture is readable");
        expected.extend(header_codes(text.trim_start_matches('\u{feff}'), "expect"));
    }
    let registered: std::collections::BTreeSet<String> = check::rules::ALL
        .iter()
        .map(|r| r.code.to_owned())
        .collect();
    let untested: Vec<_> = registered.difference(&expected).collect();
    assert!(
        untested.is_empty(),
        "rules no fixture expects: {untested:?}"
    );
    let unknown: Vec<_> = expected.difference(&registered).collect();
    assert!(
        unknown.is_empty(),
        "fixtures expect codes of no rule: {unknown:?}"
    );
}

/// The human report's `file:line:col` is the JSON's for every finding of every fixture, also
/// after Korean text on the line (both count characters).
#[test]
fn human_and_json_columns_agree() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
        let bytes = std::fs::read(entry.path()).expect("fixture is readable");
        let report = check::check_bytes("spec.yaml", &bytes, &check::Options::default());
        for finding in &report.findings {
            let Some(place) = report.place(finding) else {
                continue;
            };
            // Alone, without related places, its snippet is the first and only one.
            let mut alone = finding.clone();
            alone.related.clear();
            let one = check::Report {
                source: report.source.clone(),
                map: report.map.clone(),
                findings: vec![alone],
                spec: None,
            };
            let human = render::human(&one, Lang::En, false);
            let header = format!("[spec.yaml:{}:{}]", place.line, place.column);
            assert!(
                human.contains(&header),
                "{}: {} at {header} in JSON, but:\n{human}",
                entry.path().display(),
                finding.code()
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} findings compared");
}
