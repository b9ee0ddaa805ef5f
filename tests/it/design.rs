//! `msaforge design` against the scripted server: HTTP faults (401, 404, 429, 5xx), hangs, refusals,
//! truncated and empty answers, unreachable endpoints; and the helpers the other design tests share.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::binary::{Msaforge, Output};
use crate::scripted::{Reply, Server};

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");
pub const SECRET: &str = "sk-test-secret-0123456789";
pub const BRIEF: &str = "서고 배치와 반출을 관리하는 시스템. 기록물의 위치를 추적한다.\n";

/// The MSA106 fixture (a call without a timeout) as a JSON value.
pub fn failing_spec() -> Value {
    let text = std::fs::read_to_string(format!(
        "{ROOT}/tests/fixtures/check/MSA106-call-without-timeout.yaml"
    ))
    .expect("fixture");
    msaforge::spec::load::parse(&text).expect("parses")
}

/// The same spec with the finding fixed.
pub fn passing_spec() -> Value {
    let mut spec = failing_spec();
    spec["contexts"][1]["calls"][0]["timeout"] = "2s".into();
    spec
}

/// A script whose first answer fails `check` (MSA106) and whose second passes.
pub fn fixed_in_round_two() -> Vec<Reply> {
    vec![
        Reply::Chat(failing_spec().to_string()),
        Reply::Chat(passing_spec().to_string()),
    ]
}

/// A run in a fresh directory: the directory (kept until the run is dropped) and the output.
pub struct Run {
    pub dir: tempfile::TempDir,
    pub out: Output,
}

impl std::ops::Deref for Run {
    type Target = Output;
    fn deref(&self) -> &Output {
        &self.out
    }
}

impl Run {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.read("report.json")).expect("report JSON")
    }

    /// Asserts that standard error says each of `texts`; shows all the run said otherwise.
    #[track_caller]
    pub fn says(&self, texts: &[&str]) -> &Self {
        let stderr = self.stderr();
        for text in texts {
            assert!(stderr.contains(text), "no {text:?} in\n{}", self.text());
        }
        self
    }

    /// The rejected file (`spec.rejected.yaml`), asserted to hold each of `texts`.
    #[track_caller]
    pub fn kept(&self, texts: &[&str]) -> String {
        let rejected = self.read("spec.rejected.yaml");
        for text in texts {
            assert!(rejected.contains(text), "no {text:?} in\n{rejected}");
        }
        rejected
    }
}

/// Runs `cmd` in a fresh directory holding `brief.md`, the brief on standard input too (for
/// `design -`); the builder already keeps LLM settings of the shell out.
pub fn with_brief(cmd: Msaforge) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("brief.md"), BRIEF).expect("brief");
    let out = cmd.current_dir(dir.path()).stdin(BRIEF).run();
    Run { dir, out }
}

/// `design brief.md -o spec.yaml --provider llamacpp` against the endpoint at `url`.
pub fn design_command(url: &str, model: &str) -> Msaforge {
    Msaforge::new()
        .args(["design", "brief.md", "-o", "spec.yaml"])
        .args([
            "--provider",
            "llamacpp",
            "--base-url",
            url,
            "--model",
            model,
        ])
}

/// `design_command` against `server`, with the key set and a `--report`, in a fresh directory.
pub fn design(server: &Server, extra: &[&str]) -> Run {
    with_brief(
        design_command(&server.url, "scripted")
            .args(["--report", "report.json"])
            .args(extra)
            .env("MSAFORGE_LLM_API_KEY", SECRET),
    )
}

pub fn assert_nothing_written(run: &Run) {
    assert!(!run.path("spec.yaml").exists(), "SPEC must not be written");
    assert!(!run.stderr().contains(SECRET) && !run.stdout().contains(SECRET));
}

#[test]
fn unauthorized_explains_the_key_and_never_shows_it() {
    let server = Server::start(vec![Reply::Status(
        401,
        "Incorrect API key provided: sk-test-secret-0123456789",
    )]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&[
        "refused the API key (HTTP 401)",
        "MSAFORGE_LLM_API_KEY",
        "[redacted]",
    ]);
    assert_nothing_written(&run);
    assert!(!run.path("spec.rejected.yaml").exists());
}

#[test]
fn unknown_model_is_named() {
    let server = Server::start(vec![Reply::Status(
        404,
        "The model `scripted` does not exist",
    )]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["does not know model `scripted`", "--model"]);
    assert_nothing_written(&run);
}

#[test]
fn rate_limit_then_success_is_retried() {
    let good = passing_spec().to_string();
    let server = Server::start(vec![Reply::Status(429, "slow down"), Reply::Chat(good)]);
    let run = design(&server, &[]);
    run.code(0);
    assert_eq!(server.requests().len(), 2);
    let spec = run.read("spec.yaml");
    assert!(
        spec.starts_with("# Designed by `msaforge design` with the model scripted;"),
        "{spec}"
    );
    assert!(!spec.contains(SECRET));
    assert_eq!(run.report()["rounds"], 1);
}

#[test]
fn server_error_then_success_is_retried() {
    let server = Server::start(vec![
        Reply::Status(500, "internal"),
        Reply::Status(503, "busy"),
        Reply::Chat(passing_spec().to_string()),
    ]);
    let run = design(&server, &[]);
    run.code(0);
    assert_eq!(server.requests().len(), 3);
    // What was written is exactly what `check` accepts.
    Msaforge::new()
        .arg("check")
        .arg(run.path("spec.yaml"))
        .run()
        .code(0);
}

#[test]
fn server_errors_are_retried_a_bounded_number_of_times() {
    let server = Server::start(vec![Reply::Status(500, "down"); 10]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["kept failing (HTTP 500) after 4 attempts"]);
    assert_eq!(server.requests().len(), 4);
    assert_nothing_written(&run);
}

#[test]
fn a_hang_past_the_timeouts_is_reported() {
    // Whole answers: the total limit.
    let server = Server::start(vec![Reply::Hang(Duration::from_secs(5))]);
    let run = design(&server, &["--no-stream", "--timeout", "1"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["the answer took longer than 1 s", "--timeout"]);
    assert_nothing_written(&run);
    // Streamed (the default): nothing at all within the idle timeout.
    let server = Server::start(vec![Reply::Hang(Duration::from_secs(5))]);
    let run = design(&server, &["--idle-timeout", "1"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["the LLM sent nothing for 1 s", "--idle-timeout"]);
    assert_eq!(
        server.requests().len(),
        1,
        "a silent server is not asked again"
    );
    assert_eq!(run.report()["error"]["code"], "msaforge::llm::timeout");
    assert_nothing_written(&run);
}

#[test]
fn a_refusal_is_reported() {
    let server = Server::start(vec![Reply::Refusal("I can't help with that.")]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["the model refused to answer: I can't help with that."]);
    assert_nothing_written(&run);
}

#[test]
fn an_empty_answer_is_a_failed_round() {
    let server = Server::start(vec![Reply::Chat(String::new())]);
    let run = design(&server, &["--rounds", "1"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    run.says(&["error empty at (answer): the answer is empty"]);
}

#[test]
fn an_unreachable_endpoint_is_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let url = format!("http://127.0.0.1:{port}/v1");
    let run = with_brief(Msaforge::new().args([
        "design",
        "-",
        "-o",
        "s.yaml",
        "--provider",
        "vllm",
        "--base-url",
        &url,
        "--model",
        "m",
    ]));
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&[&format!("cannot reach the LLM endpoint at {url}")]);
}

#[test]
fn a_truncated_answer_is_rejected_with_the_reason() {
    let cut = passing_spec().to_string()[..120].to_owned();
    let server = Server::start(vec![Reply::Truncated(cut.clone())]);
    let run = design(&server, &["--rounds", "1"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    run.says(&["cut off at the token limit: raise --max-tokens"]);
    assert_nothing_written(&run);
    let rejected = run.kept(&["error truncated at (answer)"]);
    assert!(rejected.ends_with(&format!("# ---\n{cut}\n")), "{rejected}");
    assert_eq!(run.report()["outcome"], "rejected");
}
