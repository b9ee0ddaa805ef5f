//! The `msaforge` binary as a user runs it: exit codes, formats, languages, schema and explain.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn msaforge(args: &[&str]) -> Output {
    msaforge_with(args, &[], None)
}

fn msaforge_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msaforge"));
    cmd.args(args)
        .current_dir(ROOT)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("msaforge starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("msaforge finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const BAD: &str = "tests/fixtures/check/MSA101-cycle.yaml";

#[test]
fn clean_example_exits_zero() {
    let out = msaforge(&["check", "examples/records-archive.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "examples/records-archive.yaml: no findings\n");
}

#[test]
fn spec_errors_exit_one() {
    let out = msaforge(&["check", BAD]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("MSA101"));
    assert!(
        stdout(&out).contains(&format!("[{BAD}:")),
        "file:line:col is shown: {}",
        stdout(&out)
    );
}

#[test]
fn usage_and_io_errors_exit_two() {
    let missing = msaforge(&["check", "no/such/spec.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read no/such/spec.yaml"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(msaforge(&["check"]).status.code(), Some(2));
    assert_eq!(
        msaforge(&["check", BAD, "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(msaforge(&["frobnicate"]).status.code(), Some(2));
    let unknown = msaforge(&["explain", "MSA999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown rule code `MSA999`"));
}

#[test]
fn json_is_an_array_of_findings() {
    let out = msaforge(&["check", BAD, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let first = &findings.as_array().expect("an array")[0];
    for key in [
        "code",
        "severity",
        "message",
        "path",
        "file",
        "line",
        "column",
        "help",
        "heuristic",
        "related",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    let clean = msaforge(&["check", "examples/records-archive.yaml", "--format", "json"]);
    assert_eq!(stdout(&clean).trim(), "[]");
}

#[test]
fn sarif_is_sarif_2_1_0() {
    let out = msaforge(&["check", BAD, "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "msaforge");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().expect("rule index")).expect("fits");
        assert_eq!(run["tool"]["driver"]["rules"][index]["id"], r["ruleId"]);
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some()
        );
    }
}

#[test]
fn sarif_columns_count_code_points_like_json() {
    // An emoji (two UTF-16 code units) before the finding on the same line.
    let line = r#"  - { name: placement, title: "배치 😀", purpose: p, team: t, dr: { grade: 2 }, types: [{ name: Shelf, fields: [{ name: id, type: uuid }] }], operations: [{ name: getShelf, method: GET, path: "/shelves/{shelfId}", response: Shelf }] }"#;
    let spec = format!(
        "msaforge: 1\nsystem: {{ name: archive, title: Archive }}\nteams: [{{ name: t }}]\ngateway: {{ prefix: /api, dr: {{ grade: 2 }} }}\ncontexts:\n{line}\n"
    );
    let byte = line.find("\"/shelves").expect("path in line");
    let expected = u64::try_from(line[..byte].chars().count() + 1).expect("fits");
    let json = msaforge_with(
        &["check", "-", "--format", "json"],
        &[],
        Some(spec.as_bytes()),
    );
    let sarif = msaforge_with(
        &["check", "-", "--format", "sarif"],
        &[],
        Some(spec.as_bytes()),
    );
    let findings: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).expect("sarif");
    let msa110 = findings
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["code"] == "MSA110")
        .expect("MSA110 on the unversioned path");
    assert_eq!(msa110["column"].as_u64(), Some(expected));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "MSA110")
        .expect("MSA110 in SARIF");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        msa110["column"]
    );
}

#[test]
fn korean_follows_lang_and_flag() {
    let by_env = msaforge_with(&["check", BAD], &[("LANG", "ko_KR.UTF-8")], None);
    assert!(
        stdout(&by_env).contains("동기 호출이 순환합니다"),
        "{}",
        stdout(&by_env)
    );
    let by_flag = msaforge(&["check", BAD, "--lang", "ko"]);
    assert_eq!(stdout(&by_env), stdout(&by_flag));
    let english = msaforge_with(
        &["check", BAD, "--lang", "en"],
        &[("LANG", "ko_KR.UTF-8")],
        None,
    );
    assert!(stdout(&english).contains("synchronous calls form a cycle"));
}

#[test]
fn reads_standard_input() {
    let spec = std::fs::read(format!("{ROOT}/{BAD}")).expect("fixture");
    let out = msaforge_with(&["check", "-"], &[], Some(&spec));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("<stdin>"));
}

#[test]
fn policy_file_replaces_the_spec_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, "ignore: [MSA101, MSA107]\n").expect("write policy");
    let out = msaforge(&[
        "check",
        BAD,
        "--policy",
        policy.to_str().expect("utf-8 path"),
    ]);
    assert!(!stdout(&out).contains("form a cycle"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(0), "the only error was ignored");
    std::fs::write(&policy, "max_call_chian: 2\n").expect("write policy");
    let bad = msaforge(&[
        "check",
        BAD,
        "--policy",
        policy.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("policy file"), "{}", stderr(&bad));
}

#[test]
fn schema_is_snapshotted_and_accepts_the_examples() {
    let out = msaforge(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    crate::settings().bind(|| insta::assert_json_snapshot!("schema", schema));
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for example in ["records-archive.yaml", "permit-office.yaml"] {
        let text = std::fs::read_to_string(format!("{ROOT}/examples/{example}")).expect("example");
        let value = msaforge::spec::load::parse(&text).expect("example parses");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
}

#[test]
fn explain_in_both_languages() {
    let en = msaforge(&["explain", "MSA201"]);
    assert_eq!(en.status.code(), Some(0));
    let ko = msaforge(&["explain", "msa201", "--lang", "ko"]);
    let list = msaforge(&["explain"]);
    crate::settings().bind(|| {
        insta::assert_snapshot!("explain-MSA201-en", stdout(&en));
        insta::assert_snapshot!("explain-MSA201-ko", stdout(&ko));
        insta::assert_snapshot!("explain-list", stdout(&list));
    });
}

#[test]
fn huge_and_binary_files_exit_one_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = dir.path().join("huge.yaml");
    std::fs::write(&huge, "# padding\n".repeat(1024 * 1024)).expect("write 10 MB");
    let out = msaforge(&["check", huge.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("larger than 4 MiB"),
        "{}",
        stdout(&out)
    );
    let binary = dir.path().join("binary.yaml");
    std::fs::write(&binary, [0x7f, b'E', b'L', b'F', 0, 1, 2]).expect("write binary");
    let out = msaforge(&["check", binary.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("not UTF-8 text"), "{}", stdout(&out));
}
