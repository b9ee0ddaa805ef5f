//! `msaforge metrics`: the tables of every example (English, Korean, JSON), the definitions,
//! JSON that agrees with the table, and specs with rule errors (a sync cycle) or broken files.

use crate::binary::Msaforge;

/// The standard output of a run that must succeed.
fn ok_stdout(args: &[&str]) -> String {
    Msaforge::new().args(args).run().code(0).stdout()
}

#[test]
fn metrics_of_every_example() {
    for example in ["records-archive", "permit-office", "civil-petition"] {
        let spec = format!("examples/{example}.yaml");
        let en = ok_stdout(&["metrics", &spec]);
        let ko = ok_stdout(&["metrics", &spec, "--lang", "ko"]);
        let json = ok_stdout(&["metrics", &spec, "--format", "json"]);
        crate::snapshots(&format!("metrics/{example}")).bind(|| {
            insta::assert_snapshot!("en", en);
            insta::assert_snapshot!("ko", ko);
            insta::assert_snapshot!("json", json);
        });
    }
}

#[test]
fn definitions_name_every_metric_with_its_source() {
    let en = ok_stdout(&["metrics", "--definitions"]);
    let ko = ok_stdout(&["metrics", "--definitions", "--lang", "ko"]);
    for d in msaforge::metrics::catalog::DEFINITIONS {
        for text in [&en, &ko] {
            assert!(text.contains(&format!("[{}]", d.key)), "{}: {text}", d.key);
            assert!(text.contains(d.source), "{}: {text}", d.key);
        }
    }
    assert!(en.contains("Bogner") && en.contains("Jin"), "{en}");
    assert!(ko.contains("출처: "), "{ko}");
    crate::snapshots("metrics").bind(|| {
        insta::assert_snapshot!("definitions-en", en);
        insta::assert_snapshot!("definitions-ko", ko);
    });
    // The long help lists them too, with the sources.
    let help = ok_stdout(&["metrics", "--help"]);
    assert!(help.contains("service coupling factor"), "{help}");
    assert!(help.contains("Jin et al. 2021"), "{help}");
}

#[test]
fn json_agrees_with_the_table() {
    let json = ok_stdout(&[
        "metrics",
        "examples/records-archive.yaml",
        "--format",
        "json",
    ]);
    let m: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let table = ok_stdout(&["metrics", "examples/records-archive.yaml"]);
    let scf = m["system"]["service_coupling_factor"]
        .as_f64()
        .expect("scf");
    assert!(
        table.contains(&format!("service coupling factor (SCF): {scf:.3}")),
        "{table}"
    );
    for c in m["contexts"].as_array().expect("contexts") {
        let name = c["name"].as_str().expect("name");
        let row = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} in {table}"));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[2], c["afferent"].to_string(), "{row}");
        assert_eq!(cells[3], c["efferent"].to_string(), "{row}");
    }
}

#[test]
fn a_spec_with_a_sync_cycle_is_measured_with_exit_code_1() {
    let out = Msaforge::new()
        .args(["metrics", "tests/fixtures/check/MSA101-cycle.yaml"])
        .run();
    out.code(1);
    assert!(out.stderr().contains("MSA101"), "{}", out.text());
    let text = out.stdout();
    assert!(
        text.contains("longest synchronous chain: none: the calls form a cycle"),
        "{text}"
    );
    let json = Msaforge::new()
        .args([
            "metrics",
            "tests/fixtures/check/MSA101-cycle.yaml",
            "--format",
            "json",
        ])
        .run();
    let m: serde_json::Value = serde_json::from_str(&json.stdout()).expect("JSON");
    assert!(m["system"]["longest_chain"].is_null(), "{m}");
    assert_eq!(
        m["system"]["cycles"].as_array().map(Vec::len),
        Some(1),
        "{m}"
    );
}

#[test]
fn unreadable_specs_are_usage_errors_and_broken_ones_spec_errors() {
    Msaforge::new()
        .args(["metrics", "no/such/spec.yaml"])
        .run()
        .code(2);
    let broken = Msaforge::new()
        .args(["metrics", "tests/fixtures/check/MSA001-syntax-error.yaml"])
        .run();
    broken.code(1);
    assert!(broken.stdout.is_empty(), "no metrics without a model");
    // A spec is needed unless the definitions are asked for.
    Msaforge::new().arg("metrics").run().code(2);
}

/// The generated `docs/architecture.md` holds the table and lines `msaforge metrics` prints, cell
/// for cell.
#[test]
fn the_architecture_doc_holds_the_metrics_table() {
    for example in ["records-archive", "permit-office", "civil-petition"] {
        let spec = format!("examples/{example}.yaml");
        let printed = ok_stdout(&["metrics", &spec]);
        let dir = tempfile::tempdir().expect("temp dir");
        Msaforge::new()
            .args(["generate", &spec, "-o"])
            .arg(dir.path())
            .run()
            .code(0);
        let doc = std::fs::read_to_string(dir.path().join("docs/architecture.md")).expect("doc");
        let section = doc
            .split("## Coupling metrics")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or_else(|| panic!("{example}: no metrics section in:\n{doc}"));
        // The terminal's rows (columns apart by two spaces or more) against the Markdown rows.
        let terminal: Vec<Vec<String>> = printed
            .lines()
            .take_while(|l| !l.is_empty())
            .map(|l| {
                l.split("  ")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .collect();
        let markdown: Vec<Vec<String>> = section
            .lines()
            .filter(|l| l.starts_with("| "))
            .map(|l| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().trim_matches('`').to_owned())
                    .collect()
            })
            .collect();
        assert_eq!(markdown, terminal, "{example}: the table");
        for line in printed
            .lines()
            .skip_while(|l| !l.is_empty())
            .filter(|l| !l.is_empty() && !l.contains("--definitions"))
        {
            assert!(
                section.contains(&format!("- {line}\n")),
                "{example}: {line:?} in\n{section}"
            );
        }
    }
}
