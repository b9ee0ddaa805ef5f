//! `msaforge design` and `new` against the scripted server: HTTP faults, timeouts, truncated and
//! malformed answers, the repair loop, the files written, the exit codes; plus snapshots of the
//! rendered prompts and of the strict schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use crate::scripted::{Reply, Server};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const SECRET: &str = "sk-test-secret-0123456789";
const BRIEF: &str = "서고 배치와 반출을 관리하는 시스템. 기록물의 위치를 추적한다.\n";

/// The MSA106 fixture (a call without a timeout) as a JSON value.
fn failing_spec() -> Value {
    let text = std::fs::read_to_string(format!(
        "{ROOT}/tests/fixtures/check/MSA106-call-without-timeout.yaml"
    ))
    .expect("fixture");
    msaforge::spec::load::parse(&text).expect("parses")
}

/// The same spec with the finding fixed.
fn passing_spec() -> Value {
    let mut spec = failing_spec();
    spec["contexts"][1]["calls"][0]["timeout"] = "2s".into();
    spec
}

pub struct Run {
    pub dir: tempfile::TempDir,
    pub out: Output,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }
    fn report(&self) -> Value {
        serde_json::from_str(&self.read("report.json")).expect("report JSON")
    }
}

/// Runs msaforge in a fresh directory holding `brief.md`, with no LLM settings inherited.
pub fn msaforge_in(args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("brief.md"), BRIEF).expect("brief");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msaforge"));
    // Standard input carries the brief too, for `design -`.
    let stdin = std::fs::File::open(dir.path().join("brief.md")).expect("brief");
    cmd.args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(stdin);
    for var in [
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "MSAFORGE_LLM_API_KEY",
        "MSAFORGE_LLM_BASE_URL",
        "MSAFORGE_LLM_MODEL",
        "LANG",
        "LC_ALL",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("msaforge runs");
    Run { dir, out }
}

/// `design brief.md -o spec.yaml` against `server` with the llamacpp preset.
fn design(server: &Server, extra: &[&str]) -> Run {
    let mut args = vec![
        "design",
        "brief.md",
        "-o",
        "spec.yaml",
        "--provider",
        "llamacpp",
        "--base-url",
        &server.url,
        "--model",
        "scripted",
        "--report",
        "report.json",
    ];
    args.extend_from_slice(extra);
    msaforge_in(&args, &[("MSAFORGE_LLM_API_KEY", SECRET)])
}

fn assert_nothing_written(run: &Run) {
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
    assert_eq!(
        run.code(),
        Some(msaforge::exit::LLM_FAILED),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("refused the API key (HTTP 401)"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("MSAFORGE_LLM_API_KEY"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("[redacted]"), "{}", run.stderr());
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
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    assert!(
        run.stderr().contains("does not know model `scripted`"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("--model"), "{}", run.stderr());
    assert_nothing_written(&run);
}

#[test]
fn rate_limit_then_success_is_retried() {
    let good = passing_spec().to_string();
    let server = Server::start(vec![Reply::Status(429, "slow down"), Reply::Chat(good)]);
    let run = design(&server, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
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
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert_eq!(server.requests().len(), 3);
    // What was written is exactly what `check` accepts.
    let check = Command::new(env!("CARGO_BIN_EXE_msaforge"))
        .args(["check", &run.path("spec.yaml").display().to_string()])
        .output()
        .expect("check runs");
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn server_errors_are_retried_a_bounded_number_of_times() {
    let server = Server::start(vec![Reply::Status(500, "down"); 10]);
    let run = design(&server, &[]);
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    assert!(
        run.stderr()
            .contains("kept failing (HTTP 500) after 4 attempts"),
        "{}",
        run.stderr()
    );
    assert_eq!(server.requests().len(), 4);
    assert_nothing_written(&run);
}

#[test]
fn a_hang_past_the_timeout_is_reported() {
    let server = Server::start(vec![Reply::Hang(Duration::from_secs(5))]);
    let run = design(&server, &["--timeout", "1"]);
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    assert!(
        run.stderr().contains("no answer from the LLM within 1 s"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("--timeout"));
    assert_nothing_written(&run);
}

#[test]
fn a_refusal_is_reported() {
    let server = Server::start(vec![Reply::Refusal("I can't help with that.")]);
    let run = design(&server, &[]);
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    assert!(
        run.stderr()
            .contains("the model refused to answer: I can't help with that."),
        "{}",
        run.stderr()
    );
    assert_nothing_written(&run);
}

#[test]
fn an_empty_answer_is_a_failed_round() {
    let server = Server::start(vec![Reply::Chat(String::new())]);
    let run = design(&server, &["--rounds", "1"]);
    assert_eq!(run.code(), Some(msaforge::exit::DESIGN_REJECTED));
    assert!(
        run.stderr()
            .contains("error empty at (answer): the answer is empty"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_unreachable_endpoint_is_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let url = format!("http://127.0.0.1:{port}/v1");
    let run = msaforge_in(
        &[
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
        ],
        &[],
    );
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    assert!(
        run.stderr()
            .contains(&format!("cannot reach the LLM endpoint at {url}")),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_truncated_answer_is_rejected_with_the_reason() {
    let cut = passing_spec().to_string()[..120].to_owned();
    let server = Server::start(vec![Reply::Truncated(cut.clone())]);
    let run = design(&server, &["--rounds", "1"]);
    assert_eq!(
        run.code(),
        Some(msaforge::exit::DESIGN_REJECTED),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr()
            .contains("cut off at the token limit: raise --max-tokens"),
        "{}",
        run.stderr()
    );
    assert_nothing_written(&run);
    let rejected = run.read("spec.rejected.yaml");
    assert!(
        rejected.contains("error truncated at (answer)"),
        "{rejected}"
    );
    assert!(rejected.ends_with(&format!("# ---\n{cut}\n")), "{rejected}");
    assert_eq!(run.report()["outcome"], "rejected");
}

#[test]
fn prose_and_fences_around_the_json_are_accepted() {
    let answer = format!(
        "Here is the spec you asked for:\n```json\n{}\n```\nLet me know if you need more.",
        serde_json::to_string_pretty(&passing_spec()).expect("json")
    );
    let server = Server::start(vec![Reply::Chat(answer)]);
    let run = design(&server, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.read("spec.yaml").contains("name: placement"));
}

#[test]
fn invalid_json_is_sent_back_and_finally_rejected() {
    let server = Server::start(vec![
        Reply::Chat("{\"msaforge\": 1, \"system\": }".into()),
        Reply::Chat("Sorry, I can only describe it: two services.".into()),
    ]);
    let run = design(&server, &["--rounds", "2"]);
    assert_eq!(run.code(), Some(msaforge::exit::DESIGN_REJECTED));
    let repair = last_user_message(&server.requests()[1]);
    assert!(repair.contains("\"code\": \"not-json\""), "{repair}");
    assert!(repair.contains("invalid JSON"), "{repair}");
    let rejected = run.read("spec.rejected.yaml");
    assert!(
        rejected.contains("Sorry, I can only describe it"),
        "{rejected}"
    );
    assert_nothing_written(&run);
}

fn last_user_message(request: &Value) -> String {
    request["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_failing_spec_is_repaired_in_the_second_round() {
    let server = Server::start(vec![
        Reply::Chat(failing_spec().to_string()),
        Reply::Chat(passing_spec().to_string()),
    ]);
    let run = design(&server, &[]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let repair = last_user_message(&requests[1]);
    assert!(repair.contains("\"code\": \"MSA106\""), "{repair}");
    assert!(
        repair.contains("\"path\": \"contexts[1].calls[0]\""),
        "{repair}"
    );
    // llamacpp preset: instructions folded into the first user turn, then the answer, then the repair.
    let roles: Vec<&str> = requests[1]["messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles, ["user", "assistant", "user"]);
    let report = run.report();
    assert_eq!(
        (report["rounds"].as_u64(), report["outcome"].as_str()),
        (Some(2), Some("accepted"))
    );
    assert_eq!(report["prompt_tokens"], 200);
    assert!(
        run.stdout()
            .contains("2 round(s), 200 prompt + 40 completion tokens"),
        "{}",
        run.stdout()
    );
    assert!(run.read("spec.yaml").contains("timeout: 2s"));
    assert!(!run.path("spec.rejected.yaml").exists());
}

#[test]
fn a_spec_never_fixed_is_rejected_with_findings() {
    let server = Server::start(vec![Reply::Chat(failing_spec().to_string()); 3]);
    let run = design(&server, &[]);
    assert_eq!(
        run.code(),
        Some(msaforge::exit::DESIGN_REJECTED),
        "{}",
        run.stderr()
    );
    assert_eq!(server.requests().len(), 3, "default: 3 rounds");
    assert_nothing_written(&run);
    let rejected = run.read("spec.rejected.yaml");
    assert!(
        rejected.starts_with("# REJECTED by `msaforge design`"),
        "{rejected}"
    );
    assert!(
        rejected.contains("#   error MSA106 at contexts[1].calls[0]:"),
        "{rejected}"
    );
    assert!(rejected.contains("operation: getShelf"), "{rejected}");
    assert!(run.stderr().contains("error MSA106"), "{}", run.stderr());
    let report = run.report();
    assert_eq!(report["findings"][0]["code"], "MSA106");
    assert_eq!(report["errors"], 1);
}

#[test]
fn an_existing_spec_is_not_replaced_without_force() {
    let server = Server::start(vec![]);
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, "mine\n").expect("write");
    let run = msaforge_in(
        &[
            "design",
            "brief.md",
            "-o",
            &spec.display().to_string(),
            "--provider",
            "llamacpp",
            "--base-url",
            &server.url,
            "--model",
            "m",
        ],
        &[],
    );
    assert_eq!(run.code(), Some(msaforge::exit::REFUSED));
    assert_eq!(std::fs::read_to_string(&spec).expect("kept"), "mine\n");
    assert!(server.requests().is_empty());
}

#[test]
fn request_shapes_follow_the_provider() {
    let shape = |extra: &[&str], env: &[(&str, &str)]| {
        let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
        let mut args = vec![
            "design",
            "brief.md",
            "-o",
            "s.yaml",
            "--base-url",
            &server.url,
            "--model",
            "m",
        ];
        args.extend_from_slice(extra);
        let run = msaforge_in(&args, env);
        assert_eq!(run.code(), Some(0), "{}", run.stderr());
        server.requests().remove(0)
    };
    let llamacpp = shape(&["--provider", "llamacpp"], &[]);
    assert_eq!(llamacpp["response_format"]["type"], "json_object");
    assert_eq!(llamacpp["response_format"]["schema"]["type"], "object");
    assert_eq!(llamacpp["temperature"], 0.0);
    assert_eq!(llamacpp["messages"][0]["role"], "user");
    let first = llamacpp["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(first.contains("## The spec format") && first.contains("<description>"));
    let openai = shape(&["--provider", "openai"], &[("OPENAI_API_KEY", SECRET)]);
    assert_eq!(openai["response_format"]["json_schema"]["strict"], true);
    assert!(openai["max_completion_tokens"].is_u64());
    assert_eq!(openai["messages"][0]["role"], "system");
    let prompt = shape(&["--provider", "vllm", "--format-mode", "prompt"], &[]);
    assert!(prompt.get("response_format").is_none());
    let system = prompt["messages"][0]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(system.contains("## JSON Schema of the answer"));
}

#[test]
fn no_llm_configured_says_how_to_configure_one() {
    let run = msaforge_in(&["new", "brief.md", "-o", "system"], &[]);
    assert_eq!(run.code(), Some(msaforge::exit::LLM_FAILED));
    let err = run.stderr();
    assert!(err.contains("MSAFORGE_LLM_MODEL"), "{err}");
    assert!(err.contains("python -m llama_cpp.server"), "{err}");
    assert!(err.contains("msaforge.toml"), "{err}");
    assert!(!run.path("system").exists());
}

#[test]
fn new_designs_checks_and_generates() {
    let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
    let run = msaforge_in(
        &[
            "new",
            "brief.md",
            "-o",
            "system",
            "--provider",
            "ollama",
            "--base-url",
            &server.url,
            "--model",
            "m",
        ],
        &[],
    );
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    let err = run.stderr();
    assert!(
        err.contains("== 1/3 design")
            && err.contains("== 2/3 check")
            && err.contains("== 3/3 generate"),
        "{err}"
    );
    assert!(run.path("system/msaforge.yaml").is_file());
    assert!(
        run.path("system/services/placement/src/handlers.rs")
            .is_file()
    );
}

#[test]
fn new_stops_at_design_when_no_spec_passes() {
    let server = Server::start(vec![Reply::Chat(failing_spec().to_string())]);
    let run = msaforge_in(
        &[
            "new",
            "brief.md",
            "-o",
            "system",
            "--provider",
            "vllm",
            "--base-url",
            &server.url,
            "--model",
            "m",
            "--rounds",
            "1",
        ],
        &[],
    );
    assert_eq!(run.code(), Some(msaforge::exit::DESIGN_REJECTED));
    assert!(
        run.stderr().contains("stopped at stage 1/3 (design)"),
        "{}",
        run.stderr()
    );
    assert!(run.path("system/msaforge.rejected.yaml").is_file());
    assert!(!run.path("system/services").exists());
}

#[test]
fn prompts_and_strict_schema_snapshots() {
    let settings = crate::settings();
    settings.bind(|| {
        use msaforge::design::{prompts, schema};
        insta::assert_snapshot!(
            "design_system_prompt",
            prompts::system(None).expect("system")
        );
        insta::assert_snapshot!("design_user_prompt", prompts::user(BRIEF).expect("user"));
        let finding = prompts::FindingForModel {
            code: "MSA106".into(),
            severity: "error".into(),
            path: "contexts[1].calls[0]".into(),
            message: "the call to `placement.getShelf` has no timeout".into(),
            help: Some("add `timeout: 2s`".into()),
        };
        insta::assert_snapshot!(
            "design_repair_prompt",
            prompts::repair(&[finding], false).expect("repair")
        );
        insta::assert_snapshot!(
            "design_repair_truncated_prompt",
            prompts::repair(&[], true).expect("repair")
        );
        insta::assert_json_snapshot!(
            "design_strict_schema",
            schema::spec_schema(schema::Subset::Strict)
        );
    });
}

#[test]
fn the_worked_example_passes_check() {
    let report = msaforge::check::check_bytes(
        "example",
        msaforge::design::prompts::EXAMPLE.as_bytes(),
        &msaforge::check::Options::default(),
    );
    assert_eq!(report.findings.len(), 0);
    assert!(Path::new(ROOT).join("prompts/system.md.j2").is_file());
}
