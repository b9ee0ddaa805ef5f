//! `msaforge design` at the endpoint's limits, against the scripted server: rate limits (plain-text
//! bodies, `Retry-After` honoured up to its bound), exhausted quotas with the attempts really made,
//! context-length errors in a later round, answers sized to the context window, a cut-off answer
//! not sent back, and the report written however the run ends.

use std::time::Duration;

use serde_json::Value;

use crate::binary::Msaforge;
use crate::design::{assert_nothing_written, design, failing_spec, passing_spec, with_brief};
use crate::scripted::{Reply, Server};

fn plain_429(headers: Vec<(&'static str, String)>) -> Reply {
    let mut headers = headers;
    headers.push(("content-type", "text/plain".into()));
    Reply::Raw {
        status: 429,
        headers,
        body: "Too Many Requests\n".into(),
    }
}

#[test]
fn a_plain_text_429_is_a_rate_limit_and_is_retried() {
    let server = Server::start(vec![
        plain_429(vec![]),
        Reply::Chat(passing_spec().to_string()),
    ]);
    let run = design(&server, &[]);
    run.code(0);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(run.report()["attempts"], 2);

    let server = Server::start(vec![plain_429(vec![]); 6]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    // (The report holds the message unwrapped; on the terminal it is wrapped.)
    assert_eq!(
        run.report()["error"]["message"],
        "rate limited by the LLM endpoint (HTTP 429) after 4 attempt(s): Too Many Requests"
    );
    run.says(&["rate limited"]);
    assert!(
        !run.stderr().contains("not a chat completion"),
        "{}",
        run.stderr()
    );
    assert_eq!(server.requests().len(), 4);
    assert_eq!(run.report()["error"]["code"], "msaforge::llm::rate_limited");
    assert_nothing_written(&run);
}

#[test]
fn retry_after_is_honoured_up_to_its_bound() {
    let server = Server::start(vec![
        plain_429(vec![("retry-after", "2".into())]),
        Reply::Chat(passing_spec().to_string()),
    ]);
    let run = design(&server, &[]);
    run.code(0);
    let at = server.arrivals();
    assert!(
        at[1].duration_since(at[0]) >= Duration::from_millis(1900),
        "waited {:?}",
        at[1].duration_since(at[0])
    );
    // An hour is more than msaforge waits: it says so at once instead of timing out.
    let server = Server::start(vec![plain_429(vec![("retry-after", "3600".into())])]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    let message = run.report()["error"]["message"].to_string();
    assert!(
        message.contains("it asks to wait 3600 s, longer than msaforge waits (120 s)"),
        "{message}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_exhausted_quota_is_named_with_the_attempts_made() {
    let body = r#"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#;
    let server = Server::start(vec![Reply::Raw {
        status: 429,
        headers: vec![],
        body: body.into(),
    }]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    let error = &run.report()["error"];
    let message = error["message"].to_string();
    assert!(
        message.contains("the quota of this API key is exhausted (HTTP 429, insufficient_quota) after 1 attempt(s)"),
        "{message}"
    );
    assert!(
        error["help"].to_string().contains("retrying does not help"),
        "{error}"
    );
    run.says(&["quota of this API key is exhausted"]);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(run.report()["error"]["code"], "msaforge::llm::quota");
}

#[test]
fn a_context_overflow_in_round_two_keeps_round_one_and_says_what_to_change() {
    let overflow = r#"{"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 9344 tokens (7152 in the messages, 2192 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#;
    let server = Server::start(vec![
        Reply::Chat(failing_spec().to_string()),
        Reply::Raw {
            status: 400,
            headers: vec![],
            body: overflow.into(),
        },
    ]);
    let run = design(&server, &["--max-tokens", "2192"]);
    run.code(msaforge::exit::LLM_FAILED);
    let err = run.stderr();
    assert!(
        err.contains("do not fit the model's context window"),
        "{err}"
    );
    assert!(
        err.contains("--n_ctx") && err.contains("--context"),
        "{err}"
    );
    assert!(err.contains("--max-tokens 2192"), "{err}");
    assert_eq!(server.requests().len(), 2, "not retried");
    run.kept(&["#   error MSA106"]);
    let report = run.report();
    assert_eq!(report["error"]["code"], "msaforge::llm::context");
    assert_eq!(report["rounds"], 2);
    assert_eq!(report["errors"], 1);
}

fn max_tokens(request: &Value) -> u64 {
    request["max_tokens"].as_u64().unwrap_or_default()
}

fn prompt_bytes(request: &Value) -> u64 {
    request["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["content"].as_str().unwrap_or_default().len() as u64)
                .sum()
        })
        .unwrap_or_default()
}

#[test]
fn local_presets_size_answers_to_the_context_window() {
    let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
    let run = design(&server, &["--context", "12000"]);
    run.code(0);
    let request = &server.requests()[0];
    // The prompt, at a byte in three a token, and the answer fit the 12,000 tokens.
    let prompt = prompt_bytes(request).div_ceil(3);
    assert!(prompt > 4000, "the design prompt is long: {prompt}");
    assert!(max_tokens(request) < 8192, "{}", max_tokens(request));
    assert!(
        prompt + max_tokens(request) <= 12_000,
        "{prompt} + {}",
        max_tokens(request)
    );
    // The default for local presets is 16,384: the whole default 8,192 fits the first round.
    let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
    design(&server, &[]).code(0);
    assert_eq!(max_tokens(&server.requests()[0]), 8192);
    // A window that cannot hold prompt and answer is refused before anything is sent.
    let server = Server::start(vec![]);
    let run = design(&server, &["--context", "4000"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["a context of 4000 leaves"]);
    assert!(server.requests().is_empty());
    assert_eq!(run.report()["error"]["code"], "msaforge::llm::context");
}

#[test]
fn a_cut_off_answer_is_not_sent_back() {
    let cut = passing_spec().to_string()[..400].to_owned();
    let server = Server::start(vec![
        Reply::Truncated(cut.clone()),
        Reply::Chat(passing_spec().to_string()),
    ]);
    let run = design(&server, &["--max-tokens", "3000"]);
    run.code(0);
    let second = &server.requests()[1];
    let roles: Vec<&str> = second["messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        roles,
        ["user", "user"],
        "no assistant turn with the cut-off text"
    );
    let text = second["messages"].to_string();
    assert!(
        !text.contains(&cut[100..300]),
        "the cut-off answer is not repeated"
    );
    assert!(
        text.contains("cut off at the limit of 3000 tokens"),
        "{text}"
    );
}

#[test]
fn the_report_is_written_however_the_run_ends() {
    // Refused key: a failed run, no rounds judged.
    let server = Server::start(vec![Reply::Status(401, "bad key")]);
    let run = design(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    let report = run.report();
    assert_eq!(report["outcome"], "failed");
    assert_eq!(report["exit_code"], 11);
    assert_eq!(report["error"]["code"], "msaforge::llm::unauthorized");
    assert!(report["llm_seconds"].is_number() && report["own_seconds"].is_number());
    // No model at all: the report still says why.
    let run = with_brief(Msaforge::new().args([
        "design",
        "brief.md",
        "-o",
        "spec.yaml",
        "--report",
        "report.json",
    ]));
    run.code(msaforge::exit::LLM_FAILED);
    assert_eq!(
        run.report()["error"]["code"],
        "msaforge::llm::not_configured"
    );
    // A rejected design: its times, the LLM's apart from msaforge's own.
    let server = Server::start(vec![Reply::Chat(failing_spec().to_string())]);
    let run = design(&server, &["--rounds", "1"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    let report = run.report();
    assert_eq!(report["outcome"], "rejected");
    let (total, llm, own) = (
        report["elapsed"].as_f64().unwrap_or(-1.0),
        report["llm_seconds"].as_f64().unwrap_or(-1.0),
        report["own_seconds"].as_f64().unwrap_or(-1.0),
    );
    assert!(
        llm >= 0.0 && own >= 0.0 && (llm + own - total).abs() <= 0.2,
        "{report}"
    );
}

#[test]
fn a_provider_without_a_model_says_the_model_is_missing() {
    let run = with_brief(Msaforge::new().args([
        "design",
        "brief.md",
        "-o",
        "s.yaml",
        "--provider",
        "ollama",
    ]));
    run.code(msaforge::exit::LLM_FAILED);
    let err = run.stderr();
    assert!(
        err.contains("the ollama provider is set but no model is"),
        "{err}"
    );
    assert!(
        err.contains("--model") && err.contains("ollama list"),
        "{err}"
    );
    assert!(!err.contains("no LLM is configured"), "{err}");
}
