//! `msaforge design` streaming against the scripted server: streaming by default, a slow model
//! that outlasts the idle timeout in total but never between two pieces, events split across
//! reads (inside multi-byte characters too), a stream that stalls, the total limit, a server that
//! ignores `stream: true`, and Ctrl-C / SIGTERM: whatever ends the run, the last attempt so far is
//! kept as `SPEC.rejected.yaml` and the report is written.

use std::time::{Duration, Instant};

use crate::design::{
    BRIEF, SECRET, assert_nothing_written, design, design_command, failing_spec,
    fixed_in_round_two, passing_spec,
};
use crate::scripted::{Reply, Server};

#[test]
fn a_slow_model_outlasts_the_idle_timeout_as_long_as_it_streams() {
    let server = Server::start(vec![Reply::Trickle {
        content: passing_spec().to_string(),
        bytes: 700,
        gap: Duration::from_millis(150),
    }]);
    let run = design(&server, &["--idle-timeout", "1"]);
    run.code(0);
    let report = run.report();
    assert_eq!(report["streamed"], true);
    let waited = report["llm_seconds"].as_f64().unwrap_or_default();
    assert!(
        waited > 1.0,
        "the whole answer took longer than the idle timeout: {report}"
    );
    assert!(report["own_seconds"].as_f64().is_some(), "{report}");
    assert!(run.read("spec.yaml").contains("name: placement"));
}

#[test]
fn events_split_anywhere_are_put_together() {
    // Five-byte writes: every event is split, and so are the Korean titles' UTF-8 sequences.
    let mut spec = passing_spec();
    spec["system"]["title"] = "영구기록물 서고관리 시스템".into();
    let title = spec["system"]["title"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let spec = spec.to_string();
    let server = Server::start(vec![Reply::Trickle {
        content: spec,
        bytes: 5,
        gap: Duration::from_millis(1),
    }]);
    let run = design(&server, &[]);
    run.code(0);
    let written = run.read("spec.yaml");
    assert!(written.contains(&title), "{title} in {written}");
}

#[test]
fn a_stalled_stream_keeps_the_answer_so_far() {
    let cut: String = passing_spec().to_string().chars().take(300).collect();
    let server = Server::start(vec![Reply::Stall {
        content: cut.clone(),
        stall: Duration::from_secs(10),
    }]);
    let run = design(&server, &["--idle-timeout", "1"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["the LLM sent nothing for 1 s"]);
    assert_nothing_written(&run);
    let rejected = run.kept(&["error incomplete at (answer)"]);
    assert!(rejected.ends_with(&format!("# ---\n{cut}\n")), "{rejected}");
    let report = run.report();
    assert_eq!(
        (report["outcome"].as_str(), report["exit_code"].as_i64()),
        (Some("failed"), Some(11))
    );
    assert_eq!(report["rejected"], "spec.rejected.yaml");
}

#[test]
fn a_timeout_in_a_later_round_keeps_the_checked_attempt() {
    let server = Server::start(vec![
        Reply::Chat(failing_spec().to_string()),
        Reply::Trickle {
            content: passing_spec().to_string(),
            bytes: 200,
            gap: Duration::from_millis(200),
        },
    ]);
    let run = design(&server, &["--timeout", "2"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["the answer took longer than 2 s"]);
    let rejected = run.read("spec.rejected.yaml");
    assert!(
        rejected.starts_with("# REJECTED by `msaforge design`: the run stopped before"),
        "{rejected}"
    );
    assert!(
        rejected.contains("#   error MSA106 at contexts[1].calls[0]:"),
        "{rejected}"
    );
    run.says(&["the last attempt so far (round 1)"]);
    let report = run.report();
    assert_eq!(report["rounds"], 2);
    assert_eq!(report["findings"][0]["code"], "MSA106");
    assert_eq!(report["error"]["code"], "msaforge::llm::timeout");
}

#[test]
fn a_server_that_ignores_streaming_is_answered_whole() {
    let server = Server::start(fixed_in_round_two());
    let run = design(&server, &[]);
    run.code(0);
    let requests = server.requests();
    assert_eq!(requests[0]["stream"], true);
    assert_eq!(requests[1]["stream"], false, "not asked for a stream again");
    let repair = requests[1]["messages"].to_string();
    assert!(
        repair.contains("MSA106"),
        "round 1 was judged, not taken as empty"
    );
    assert!(!repair.contains("\\\"code\\\": \\\"empty\\\""), "{repair}");
    assert_eq!(run.report()["streamed"], false);
}

#[test]
fn a_signal_keeps_the_last_attempt_and_the_report() {
    for (signal, code) in [
        ("-INT", msaforge::exit::INTERRUPTED),
        ("-TERM", msaforge::exit::TERMINATED),
    ] {
        let server = Server::start(vec![
            Reply::Chat(failing_spec().to_string()),
            Reply::Hang(Duration::from_secs(60)),
        ]);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("brief.md"), BRIEF).expect("brief");
        let child = design_command(&server.url, "scripted")
            .args(["--report", "report.json"])
            .env("MSAFORGE_LLM_API_KEY", SECRET)
            .current_dir(dir.path())
            .spawn();
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.requests().len() < 2 {
            assert!(Instant::now() < deadline, "round 2 never started");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        let sent = std::process::Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let output = child.finish();
        assert_eq!(
            output.exit_code(),
            Some(code),
            "{signal}\n{}",
            output.text()
        );
        let rejected =
            std::fs::read_to_string(dir.path().join("spec.rejected.yaml")).expect("kept");
        assert!(
            rejected.contains("#   error MSA106 at contexts[1].calls[0]:"),
            "{rejected}"
        );
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("report.json")).expect("report"),
        )
        .expect("JSON");
        assert_eq!(report["outcome"], "interrupted");
        assert_eq!(report["exit_code"], code);
        assert!(report["llm_seconds"].as_f64() > Some(0.1), "{report}");
        assert!(!dir.path().join("spec.yaml").exists());
    }
}
