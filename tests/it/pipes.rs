//! Closed pipes: `msaforge ... | head -0` (standard output closed) and the same with standard
//! error closed never make a command panic; each exits with the code it has with open pipes, and
//! `generate` still writes the whole tree. The pipes are real: each has lost its only reader
//! before msaforge starts, so every write to it fails with EPIPE.

use std::path::Path;
use std::process::Command;

use crate::binary::Msaforge;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BAD: &str = "tests/fixtures/check/MSA101-cycle.yaml";
const EXAMPLE: &str = "examples/records-archive.yaml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closed {
    Stdout,
    Stderr,
    Both,
}

/// Runs msaforge with `closed` streams and asserts it did not panic and exited with `expected`.
fn assert_exits(args: &[&str], closed: Closed, expected: i32) {
    let mut run = Msaforge::new().args(args);
    if closed != Closed::Stderr {
        run = run.closed_stdout();
    }
    if closed != Closed::Stdout {
        run = run.closed_stderr();
    }
    let out = run.run();
    assert!(
        !out.stderr().contains("panicked at"),
        "{args:?} with {closed:?} closed panicked:\n{}",
        out.stderr()
    );
    assert_eq!(
        out.exit_code(),
        Some(expected),
        "{args:?} with {closed:?} closed:\n{}",
        out.text()
    );
}

/// Every file under `dir` with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            (
                rel.display().to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn every_printing_command_survives_closed_pipes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let fresh = tmp.path().join("never-written");
    let fresh = fresh.to_str().expect("utf-8");
    let cases: &[(&[&str], i32)] = &[
        (&["check", EXAMPLE], 0),
        (&["check", BAD], 1),
        (&["check", BAD, "--format", "sarif"], 1),
        (&["check", "no/such/spec.yaml"], 2),
        (&["plan", EXAMPLE, "-o", fresh], 0),
        (&["plan", EXAMPLE, "-o", fresh, "--verbose", "--diff"], 0),
        (&["plan", EXAMPLE, "-o", fresh, "--format", "json"], 0),
        (&["plan", EXAMPLE, "-o", fresh, "--exit-code"], 1),
        (&["plan", BAD, "-o", fresh], 1),
        (&["generate", EXAMPLE, "-o", fresh, "--dry-run"], 0),
        (&["generate", BAD, "-o", fresh], 1),
        (&["explain"], 0),
        (&["explain", "MSA201", "--lang", "ko"], 0),
        (&["explain", "MSA999"], 2),
        (&["dr", EXAMPLE], 0),
        (&["dr", BAD], 1),
        (&["dr", EXAMPLE, "--format", "json"], 0),
        (&["schema"], 0),
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["man"], 0),
        (&["man", "generate"], 0),
        (&["--help"], 0),
        (&["frobnicate"], 2),
    ];
    for closed in [Closed::Stdout, Closed::Stderr, Closed::Both] {
        for (args, expected) in cases {
            assert_exits(args, closed, *expected);
        }
    }
    assert!(
        !Path::new(fresh).exists(),
        "plan and dry runs write nothing"
    );
}

#[test]
fn generate_writes_the_whole_tree_with_its_output_closed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let reference = tmp.path().join("reference");
    let reference_s = reference.to_str().expect("utf-8");
    assert_exits(&["generate", EXAMPLE, "-o", reference_s], Closed::Both, 0);
    let expected = tree(&reference);
    assert!(
        expected.iter().any(|(p, _)| p == ".msaforge/lock.json"),
        "a whole generation has its lock"
    );
    let spec = std::fs::read(Path::new(ROOT).join(EXAMPLE)).expect("example");
    let report = msaforge::check::check_bytes(EXAMPLE, &spec, &msaforge::check::Options::default());
    let rendered = msaforge::generate::render(
        &report.spec.expect("checked"),
        &msaforge::generate::Options::default(),
    )
    .expect("renders");
    for file in &rendered {
        let on_disk = expected.iter().find(|(p, _)| *p == file.path);
        assert!(
            on_disk.is_some_and(|(_, bytes)| *bytes == file.contents.as_bytes()),
            "{} is missing or differs",
            file.path
        );
    }
    for closed in [Closed::Stdout, Closed::Stderr] {
        for verbose in [false, true] {
            let out = tmp.path().join(format!("{closed:?}-{verbose}"));
            let out_s = out.to_str().expect("utf-8");
            let mut args = vec!["generate", EXAMPLE, "-o", out_s];
            if verbose {
                args.push("--verbose");
            }
            assert_exits(&args, closed, 0);
            assert_eq!(tree(&out), expected, "{closed:?} closed, verbose {verbose}");
            assert!(!out.join(".msaforge/txn").exists(), "the run finished");
            // Regenerating (nothing to write) and refusing (exit 3) with the pipe closed.
            assert_exits(&args, closed, 0);
            std::fs::write(out.join("docs/architecture.md"), "mine\n").expect("edit");
            assert_exits(&args, closed, 3);
            assert_eq!(
                std::fs::read_to_string(out.join("docs/architecture.md")).expect("read"),
                "mine\n",
                "the refusal wrote nothing"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_closed_standard_error_descriptor_is_not_a_failure() {
    // `2>&-` in a shell: descriptor 2 is not open at all.
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    for (args, expected) in [
        (format!("generate {EXAMPLE} -o '{}'", out.display()), 0),
        (format!("check {BAD}"), 1),
        ("explain MSA999".to_owned(), 2),
    ] {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("\"$0\" {args} 2>&- >/dev/null"))
            .arg(env!("CARGO_BIN_EXE_msaforge"))
            .current_dir(ROOT)
            .status()
            .expect("sh runs");
        assert_eq!(status.code(), Some(expected), "{args}");
    }
    assert!(out.join(".msaforge/lock.json").is_file());
}
