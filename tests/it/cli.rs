//! The `msaforge` binary as a user runs it: exit codes, formats, languages, schema, explain, shell
//! completions and manual pages.

use crate::binary::Msaforge;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

const BAD: &str = "tests/fixtures/check/MSA101-cycle.yaml";

#[test]
fn clean_example_exits_zero() {
    let out = Msaforge::new()
        .args(["check", "examples/records-archive.yaml"])
        .run();
    out.code(0);
    assert_eq!(out.stdout(), "examples/records-archive.yaml: no findings\n");
}

#[test]
fn spec_errors_exit_one() {
    let out = Msaforge::new().args(["check", BAD]).run();
    out.code(1);
    assert!(out.stdout().contains("MSA101"));
    assert!(
        out.stdout().contains(&format!("[{BAD}:")),
        "file:line:col is shown: {}",
        out.stdout()
    );
}

#[test]
fn usage_and_io_errors_exit_two() {
    let missing = Msaforge::new().args(["check", "no/such/spec.yaml"]).run();
    missing.code(2);
    assert!(
        missing.stderr().contains("cannot read no/such/spec.yaml"),
        "{}",
        missing.stderr()
    );
    Msaforge::new().args(["check"]).run().code(2);
    Msaforge::new()
        .args(["check", BAD, "--format", "xml"])
        .run()
        .code(2);
    Msaforge::new().args(["frobnicate"]).run().code(2);
    let unknown = Msaforge::new().args(["explain", "MSA999"]).run();
    unknown.code(2);
    assert!(unknown.stderr().contains("unknown rule code `MSA999`"));
}

#[test]
fn json_is_an_array_of_findings() {
    let out = Msaforge::new()
        .args(["check", BAD, "--format", "json"])
        .run();
    out.code(1);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout()).expect("valid JSON");
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
    let clean = Msaforge::new()
        .args(["check", "examples/records-archive.yaml", "--format", "json"])
        .run();
    assert_eq!(clean.stdout().trim(), "[]");
}

#[test]
fn sarif_is_sarif_2_1_0() {
    let out = Msaforge::new()
        .args(["check", BAD, "--format", "sarif"])
        .run();
    let log: serde_json::Value = serde_json::from_str(&out.stdout()).expect("valid JSON");
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
    let json = Msaforge::new()
        .args(["check", "-", "--format", "json"])
        .stdin(spec.as_bytes())
        .run();
    let sarif = Msaforge::new()
        .args(["check", "-", "--format", "sarif"])
        .stdin(spec.as_bytes())
        .run();
    let findings: serde_json::Value = serde_json::from_str(&json.stdout()).expect("json");
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout()).expect("sarif");
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
    let by_env = Msaforge::new()
        .args(["check", BAD])
        .env("LANG", "ko_KR.UTF-8")
        .run();
    assert!(
        by_env.stdout().contains("동기 호출이 순환합니다"),
        "{}",
        by_env.stdout()
    );
    let by_flag = Msaforge::new().args(["check", BAD, "--lang", "ko"]).run();
    assert_eq!(by_env.stdout(), by_flag.stdout());
    let english = Msaforge::new()
        .args(["check", BAD, "--lang", "en"])
        .env("LANG", "ko_KR.UTF-8")
        .run();
    assert!(english.stdout().contains("synchronous calls form a cycle"));
}

#[test]
fn reads_standard_input() {
    let spec = std::fs::read(format!("{ROOT}/{BAD}")).expect("fixture");
    let out = Msaforge::new().args(["check", "-"]).stdin(spec).run();
    out.code(1);
    assert!(out.stdout().contains("<stdin>"));
}

#[test]
fn policy_file_replaces_the_spec_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, "ignore: [MSA101, MSA107]\n").expect("write policy");
    let check = || {
        Msaforge::new()
            .args(["check", BAD, "--policy"])
            .arg(&policy)
            .run()
    };
    let out = check();
    assert!(!out.stdout().contains("form a cycle"), "{}", out.stdout());
    assert_eq!(out.exit_code(), Some(0), "the only error was ignored");
    std::fs::write(&policy, "max_call_chian: 2\n").expect("write policy");
    let bad = check();
    bad.code(2);
    assert!(bad.stderr().contains("policy file"), "{}", bad.stderr());
}

#[test]
fn schema_is_snapshotted_and_accepts_the_examples() {
    let out = Msaforge::new().args(["schema"]).run();
    out.code(0);
    let schema: serde_json::Value = serde_json::from_str(&out.stdout()).expect("valid JSON");
    crate::snapshots("cli").bind(|| insta::assert_json_snapshot!("schema", schema));
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
    let en = Msaforge::new().args(["explain", "MSA201"]).run();
    en.code(0);
    let ko = Msaforge::new()
        .args(["explain", "msa201", "--lang", "ko"])
        .run();
    ko.code(0);
    let list = Msaforge::new().args(["explain"]).run();
    list.code(0);
    crate::snapshots("cli/explain").bind(|| {
        insta::assert_snapshot!("MSA201-en", en.stdout());
        insta::assert_snapshot!("MSA201-ko", ko.stdout());
        insta::assert_snapshot!("list", list.stdout());
    });
}

#[test]
fn huge_and_binary_files_exit_one_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = dir.path().join("huge.yaml");
    std::fs::write(&huge, "# padding\n".repeat(1024 * 1024)).expect("write 10 MB");
    let out = Msaforge::new()
        .args(["check", huge.to_str().expect("utf-8 path")])
        .run();
    out.code(1);
    assert!(
        out.stdout().contains("larger than 4 MiB"),
        "{}",
        out.stdout()
    );
    let binary = dir.path().join("binary.yaml");
    std::fs::write(&binary, [0x7f, b'E', b'L', b'F', 0, 1, 2]).expect("write binary");
    let out = Msaforge::new()
        .args(["check", binary.to_str().expect("utf-8 path")])
        .run();
    out.code(1);
    assert!(out.stdout().contains("not UTF-8 text"), "{}", out.stdout());
}

/// Runs `program` with `input` on its standard input, capturing what it prints.
fn feed(program: impl AsRef<std::ffi::OsStr>, args: &[&str], input: &str) -> std::process::Output {
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input.as_bytes())
        .expect("input written");
    child.wait_with_output().expect("the tool finishes")
}

/// Runs the bash completion function of `msaforge completions bash` on `words` (the last one is
/// being completed) and returns the candidates.
fn complete_in_bash(script: &str, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source /dev/stdin; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT={}; _msaforge msaforge '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1,
        line.len(),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = feed("bash", &["-c", &program], script);
    assert!(out.status.success(), "{words:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn completions_know_the_commands_flags_and_values() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Msaforge::new().args(["completions", shell]).run();
        out.code(0);
        assert!(out.stdout().contains("generate"), "{shell}");
    }
    Msaforge::new().args(["completions", "tcsh"]).run().code(2);
    if crate::harness::find_on_path("bash").is_none() {
        eprintln!("SKIPPED: running the bash completion needs bash");
        return;
    }
    let script = Msaforge::new().args(["completions", "bash"]).run().stdout();
    assert_eq!(
        complete_in_bash(&script, &["msaforge", "gen"]),
        ["generate"]
    );
    assert_eq!(
        complete_in_bash(&script, &["msaforge", "plan", "--on-c"]),
        ["--on-conflict"]
    );
    assert_eq!(
        complete_in_bash(
            &script,
            &["msaforge", "plan", "spec.yaml", "--on-conflict", ""]
        ),
        ["markers", "keep-mine", "take-new", "abort"]
    );
}

#[test]
fn man_pages_cover_every_command_and_are_deterministic() {
    let main = Msaforge::new().arg("man").run();
    main.code(0);
    let page = main.stdout();
    assert!(page.contains(".TH msaforge 1"), "{page}");
    for command in [
        "check",
        "generate",
        "plan",
        "design",
        "new",
        "dr",
        "metrics",
        "schema",
        "explain",
        "completions",
        "man",
    ] {
        assert!(page.contains(command), "{command} is listed");
        let sub = Msaforge::new().args(["man", command]).run();
        sub.code(0);
        assert!(
            sub.stdout().contains(&format!(
                ".TH msaforge-{command} 1  \"msaforge {}\"",
                env!("CARGO_PKG_VERSION")
            )),
            "{}",
            sub.stdout()
        );
    }
    let generate = Msaforge::new().args(["man", "generate"]).run().stdout();
    for flag in ["on\\-conflict", "verbose", "dry\\-run", "templates"] {
        assert!(generate.contains(flag), "{flag}: {generate}");
    }
    assert_eq!(Msaforge::new().arg("man").run().stdout(), page, "no date");
    let unknown = Msaforge::new().args(["man", "frobnicate"]).run();
    unknown.code(2);
    assert!(unknown.stderr().contains("unknown command `frobnicate`"));
    if let Some(groff) = crate::harness::find_on_path("groff") {
        let out = feed(groff, &["-man", "-Tutf8", "-ww", "-z"], &generate);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--lang ko` covers I/O errors and refusals too, with the same exit codes.
#[test]
fn refusals_and_io_errors_speak_korean() {
    let missing = Msaforge::new()
        .args(["check", "--lang", "ko", "no-such-spec.yaml"])
        .run();
    missing.code(2);
    assert!(
        missing.stderr().contains("읽을 수 없습니다"),
        "{}",
        missing.text()
    );
    let foreign = tempfile::tempdir().expect("temp dir");
    std::fs::write(foreign.path().join("notes.txt"), "mine").expect("a file of the user's");
    let refused = Msaforge::new()
        .args([
            "generate",
            "--lang",
            "ko",
            "examples/records-archive.yaml",
            "-o",
        ])
        .arg(foreign.path())
        .run();
    refused.code(3);
    assert!(refused.stderr().contains("--force"), "{}", refused.text());
    assert!(
        !refused.stderr().contains("is not empty"),
        "{}",
        refused.text()
    );
}
