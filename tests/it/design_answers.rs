//! `msaforge design` and `new` against the scripted server, by what the model answers: prose around
//! the JSON, broken JSON, a spec repaired in the second round or never; request shapes per provider;
//! `new` end to end; snapshots of the rendered prompts and of the strict schema.

use std::path::Path;

use serde_json::Value;

use crate::binary::Msaforge;
use crate::design::{
    BRIEF, ROOT, SECRET, assert_nothing_written, design, failing_spec, fixed_in_round_two,
    passing_spec, with_brief,
};
use crate::scripted::{Reply, Server};

#[test]
fn prose_and_fences_around_the_json_are_accepted() {
    let answer = format!(
        "Here is the spec you asked for:\n```json\n{}\n```\nLet me know if you need more.",
        serde_json::to_string_pretty(&passing_spec()).expect("json")
    );
    let server = Server::start(vec![Reply::Chat(answer)]);
    let run = design(&server, &[]);
    run.code(0);
    assert!(run.read("spec.yaml").contains("name: placement"));
}

#[test]
fn a_yaml_answer_in_a_fence_is_accepted() {
    // Models shown the YAML example often answer in YAML, flow mappings and all.
    let yaml = msaforge::design::repair::to_yaml(&passing_spec()).expect("yaml");
    let answer = format!("Here is the spec:\n\n```yaml\n{yaml}```\n");
    let server = Server::start(vec![Reply::Stream(answer)]);
    let run = design(&server, &[]);
    run.code(0);
    assert_eq!(server.requests().len(), 1);
    assert!(run.read("spec.yaml").contains("name: placement"));
}

#[test]
fn a_streamed_answer_is_put_together() {
    let server = Server::start(vec![Reply::Stream(passing_spec().to_string())]);
    let run = design(&server, &[]);
    run.code(0);
    assert_eq!(
        server.requests()[0]["stream"],
        true,
        "streaming is the default"
    );
    assert_eq!(run.report()["streamed"], true);
    assert_eq!(
        run.report()["completion_tokens"],
        42,
        "usage from the last chunk"
    );
    assert!(run.read("spec.yaml").contains("name: placement"));
    // No spinner or progress on a pipe.
    assert!(!run.stderr().contains("tokens"), "{}", run.stderr());
}

#[test]
fn token_counts_a_server_does_not_send_are_unknown_not_zero() {
    // Round 1 streams without usage (llama-cpp-python), round 2 with: a sum of the one count
    // known would understate the run, so both counts are unknown and the chunks are counted.
    let server = Server::start(vec![
        Reply::StreamWithoutUsage(failing_spec().to_string()),
        Reply::Stream(passing_spec().to_string()),
    ]);
    let run = design(&server, &[]);
    run.code(0);
    let report = run.report();
    assert_eq!(report["usage"], "not reported by the server", "{report}");
    assert!(report["prompt_tokens"].is_null(), "{report}");
    assert!(report["completion_tokens"].is_null(), "{report}");
    let chunks = report["streamed_chunks"].as_u64().unwrap_or_default();
    // Both answers, in pieces of 16 characters.
    let expected = (failing_spec().to_string().chars().count()
        + passing_spec().to_string().chars().count())
        / 16;
    assert!(chunks >= expected as u64, "{chunks} < {expected}: {report}");
    assert!(
        run.stdout().contains(&format!(
            "2 round(s), tokens not reported by the server ({chunks} chunks streamed)"
        )),
        "{}",
        run.stdout()
    );
}

#[test]
fn invalid_json_is_sent_back_and_finally_rejected() {
    let server = Server::start(vec![
        Reply::Chat("{\"msaforge\": 1, \"system\": }".into()),
        Reply::Chat("Sorry, I can only describe it: two services.".into()),
    ]);
    let run = design(&server, &["--rounds", "2"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    let repair = last_user_message(&server.requests()[1]);
    assert!(repair.contains("\"code\": \"not-json\""), "{repair}");
    assert!(repair.contains("invalid JSON"), "{repair}");
    run.kept(&["Sorry, I can only describe it"]);
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
    let server = Server::start(fixed_in_round_two());
    let run = design(&server, &[]);
    run.code(0);
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
    run.code(msaforge::exit::DESIGN_REJECTED);
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
    run.says(&["error MSA106"]);
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
    let run = with_brief(Msaforge::new().args([
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
    ]));
    run.code(msaforge::exit::REFUSED);
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
        let run = with_brief(Msaforge::new().args(args).envs(env));
        run.code(0);
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
    let run = with_brief(Msaforge::new().args(["new", "brief.md", "-o", "system"]));
    run.code(msaforge::exit::LLM_FAILED);
    let err = run.stderr();
    assert!(err.contains("MSAFORGE_LLM_MODEL"), "{err}");
    assert!(err.contains("python -m llama_cpp.server"), "{err}");
    assert!(err.contains("msaforge.toml"), "{err}");
    assert!(!run.path("system").exists());
}

#[test]
fn new_designs_checks_and_generates() {
    let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
    let new = [
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
    ];
    let run = with_brief(Msaforge::new().args(new));
    run.code(0);
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
    // Running it again would replace a spec the user may have edited: refused before any request.
    Msaforge::new()
        .args(new)
        .current_dir(run.dir.path())
        .run()
        .code(msaforge::exit::REFUSED);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn new_stops_at_design_when_no_spec_passes() {
    let server = Server::start(vec![Reply::Chat(failing_spec().to_string())]);
    let run = with_brief(Msaforge::new().args([
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
    ]));
    run.code(msaforge::exit::DESIGN_REJECTED);
    run.says(&["stopped at stage 1/3 (design)"]);
    assert!(run.path("system/msaforge.rejected.yaml").is_file());
    assert!(!run.path("system/services").exists());
}

#[test]
fn prompts_and_strict_schema_snapshots() {
    crate::snapshots("design").bind(|| {
        use msaforge::design::{prompts, schema};
        insta::assert_snapshot!("system-prompt", prompts::system(None).expect("system"));
        insta::assert_snapshot!("user-prompt", prompts::user(BRIEF).expect("user"));
        let finding = prompts::FindingForModel {
            code: "MSA106".into(),
            severity: "error".into(),
            path: "contexts[1].calls[0]".into(),
            message: "the call to `placement.getShelf` has no timeout".into(),
            help: Some("add `timeout: 2s`".into()),
        };
        insta::assert_snapshot!(
            "repair-prompt",
            prompts::repair(&[finding], false, 8192).expect("repair")
        );
        insta::assert_snapshot!(
            "repair-truncated-prompt",
            prompts::repair(&[], true, 8192).expect("repair")
        );
        insta::assert_json_snapshot!("strict-schema", schema::spec_schema(schema::Subset::Strict));
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
