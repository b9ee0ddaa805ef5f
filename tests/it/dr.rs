//! `msaforge dr`: the DR table and recovery order of both examples (English, Korean, JSON),
//! agreement with the generated plan, and specs with rule errors (a sync cycle) or broken files.

use crate::binary::Msaforge;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The standard output of a run that must succeed.
fn ok_stdout(args: &[&str]) -> String {
    Msaforge::new().args(args).run().code(0).stdout()
}

#[test]
fn dr_tables_of_both_examples() {
    for example in ["records-archive", "permit-office"] {
        let spec = format!("examples/{example}.yaml");
        let en = ok_stdout(&["dr", &spec]);
        let ko = ok_stdout(&["dr", &spec, "--lang", "ko"]);
        let json = ok_stdout(&["dr", &spec, "--format", "json"]);
        crate::snapshots(&format!("dr/{example}")).bind(|| {
            insta::assert_snapshot!("en", en);
            insta::assert_snapshot!("ko", ko);
            insta::assert_snapshot!("json", json);
        });
    }
}

#[test]
fn json_plan_has_every_context_once_in_the_order() {
    let json = ok_stdout(&["dr", "examples/permit-office.yaml", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let contexts = plan["contexts"].as_array().expect("contexts");
    let mut ordered: Vec<&str> = plan["order"]
        .as_array()
        .expect("order")
        .iter()
        .flat_map(|s| s["contexts"].as_array().expect("step").iter())
        .filter_map(serde_json::Value::as_str)
        .collect();
    ordered.sort_unstable();
    let mut names: Vec<&str> = contexts.iter().filter_map(|c| c["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(ordered, names);
    // Every context comes after everything it calls.
    let step = |name: &str| {
        contexts
            .iter()
            .find(|c| c["name"] == name)
            .and_then(|c| c["step"].as_u64())
            .expect("step")
    };
    for c in contexts {
        for callee in c["depends_on"].as_array().expect("depends_on") {
            let callee = callee.as_str().expect("name");
            assert!(step(callee) < step(c["name"].as_str().expect("name")));
        }
    }
}

#[test]
fn a_spec_with_a_sync_cycle_gets_a_plan_and_exit_code_1() {
    let out = Msaforge::new()
        .args(["dr", "tests/fixtures/check/MSA101-cycle.yaml"])
        .run();
    out.code(1);
    assert!(out.stderr().contains("MSA101"), "{}", out.text());
    let text = out.stdout();
    assert!(
        text.contains("1. placement, checkout, directory") && text.contains("together"),
        "{text}"
    );
}

#[test]
fn unreadable_specs_are_usage_errors_and_broken_ones_spec_errors() {
    Msaforge::new()
        .args(["dr", "no/such/spec.yaml"])
        .run()
        .code(2);
    let broken = Msaforge::new()
        .args(["dr", "tests/fixtures/check/MSA001-syntax-error.yaml"])
        .run();
    broken.code(1);
    assert!(broken.stdout.is_empty(), "no plan without a model");
}

fn rendered(example: &str) -> Vec<msaforge::generate::Rendered> {
    let bytes = std::fs::read(format!("{ROOT}/examples/{example}.yaml")).expect("example");
    let report =
        msaforge::check::check_bytes(example, &bytes, &msaforge::check::Options::default());
    let spec = report.spec.expect("a checked spec");
    msaforge::generate::render(&spec, &msaforge::generate::Options::default()).expect("renders")
}

#[test]
fn generated_plans_follow_the_same_recovery_order() {
    for example in ["records-archive", "permit-office"] {
        let json = ok_stdout(&[
            "dr",
            &format!("examples/{example}.yaml"),
            "--format",
            "json",
        ]);
        let plan: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let files = rendered(example);
        for doc in ["docs/dr/plan.md", "docs/dr/plan.ko.md"] {
            let text = &files
                .iter()
                .find(|f| f.path == doc)
                .unwrap_or_else(|| panic!("{example}: {doc} is generated"))
                .contents;
            for step in plan["order"].as_array().expect("order") {
                let names: Vec<String> = step["contexts"]
                    .as_array()
                    .expect("contexts")
                    .iter()
                    .map(|c| format!("`{}`", c.as_str().expect("name")))
                    .collect();
                let line = format!("{}. {}\n", step["step"], names.join(", "));
                assert!(text.contains(&line), "{example} {doc}: missing {line:?}");
            }
        }
    }
}

#[test]
fn kubernetes_output_holds_no_secret_values() {
    for example in ["records-archive", "permit-office"] {
        for f in rendered(example)
            .iter()
            .filter(|f| f.path.starts_with("deploy/k8s/"))
        {
            assert!(
                !f.contents.lines().any(|l| l == "kind: Secret"),
                "{}: no Secret is generated",
                f.path
            );
            let lines: Vec<&str> = f.contents.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let upper = line.to_ascii_uppercase();
                // MYSQL_RANDOM_ROOT_PASSWORD is a switch ("yes"), not a secret.
                if line.trim_start().starts_with("- name:")
                    && upper.contains("PASSWORD")
                    && !upper.contains("RANDOM_ROOT_PASSWORD")
                {
                    let next = lines.get(i + 1).map_or("", |l| l.trim_start());
                    assert!(
                        next.starts_with("valueFrom:"),
                        "{}: {line} must come from a Secret",
                        f.path
                    );
                }
            }
        }
    }
}
