//! `msaforge design` and `new`, what they leave behind: no secret (the key, a password in the base
//! URL, a `--redact-env` value) in any file or message even when the model echoes them, a stale
//! `SPEC.rejected.yaml` removed after a later success, files with the modes of generated ones,
//! and the messages in Korean with `--lang ko`.

use crate::binary::Msaforge;
use crate::design::{
    BRIEF, Run, SECRET, design, design_command, failing_spec, fixed_in_round_two, passing_spec,
    with_brief,
};
use crate::scripted::{Reply, Server};

const TOKEN: &str = "corp-token-5a7c9e";
const PASSWORD: &str = "pw-secret-77";

/// A spec that echoes every secret in its text.
fn echoing(mut spec: serde_json::Value) -> String {
    spec["system"]["description"] =
        format!("key {SECRET}, token {TOKEN}, password {PASSWORD}").into();
    spec["contexts"][0]["purpose"] = format!("echo: {SECRET}").into();
    spec.to_string()
}

fn design_with_secrets(server: &Server, extra: &[&str]) -> Run {
    let url = server
        .url
        .replace("http://", &format!("http://me:{PASSWORD}@"));
    let mut args = vec![
        "design",
        "brief.md",
        "-o",
        "spec.yaml",
        "--provider",
        "vllm",
        "--base-url",
        &url,
        "--model",
        "scripted",
        "--report",
        "report.json",
        "--redact-env",
        "CORP_TOKEN",
    ];
    args.extend_from_slice(extra);
    with_brief(
        Msaforge::new()
            .args(args)
            .env("MSAFORGE_LLM_API_KEY", SECRET)
            .env("CORP_TOKEN", TOKEN),
    )
}

fn assert_no_secret(run: &Run) {
    let mut seen = run.out.text();
    for name in ["spec.yaml", "spec.rejected.yaml", "report.json"] {
        seen.push_str(&run.read(name));
    }
    for secret in [SECRET, TOKEN, PASSWORD] {
        assert!(!seen.contains(secret), "{secret} leaked:\n{seen}");
    }
}

#[test]
fn echoed_secrets_are_redacted_everywhere() {
    // Repaired: round 1 rejected, round 2 accepted, both echoing.
    let server = Server::start(vec![
        Reply::Chat(echoing(failing_spec())),
        Reply::Chat(echoing(passing_spec())),
    ]);
    let run = design_with_secrets(&server, &[]);
    run.code(0);
    assert_no_secret(&run);
    let spec = run.read("spec.yaml");
    assert!(
        spec.contains("key [redacted], token [redacted], password [redacted]"),
        "{spec}"
    );
    // The secret was never even sent back to the model in the repair round.
    assert!(!server.requests()[1].to_string().contains(SECRET));
    // Rejected: the attempt, its findings and the report.
    let server = Server::start(vec![Reply::Chat(echoing(failing_spec()))]);
    let run = design_with_secrets(&server, &["--rounds", "1"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    assert!(run.read("spec.rejected.yaml").contains("echo: [redacted]"));
    assert_no_secret(&run);
    // An error body quoting them, and a stream cut off while echoing them.
    let quoting = format!("bad request from {SECRET} with {TOKEN} at me:{PASSWORD}");
    let server = Server::start(vec![Reply::Raw {
        status: 400,
        headers: vec![],
        body: crate::scripted::error_body(&quoting),
    }]);
    let run = design_with_secrets(&server, &[]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["[redacted]"]);
    assert_no_secret(&run);
    let server = Server::start(vec![Reply::Stall {
        content: echoing(passing_spec())[..300].to_owned(),
        stall: std::time::Duration::from_secs(10),
    }]);
    let run = design_with_secrets(&server, &["--idle-timeout", "1"]);
    run.code(msaforge::exit::LLM_FAILED);
    assert!(run.read("spec.rejected.yaml").contains("[redacted]"));
    assert_no_secret(&run);
}

#[test]
fn a_later_success_removes_the_stale_rejected_file() {
    let server = Server::start(fixed_in_round_two());
    let run = design(&server, &["--rounds", "1"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    assert!(run.path("spec.rejected.yaml").is_file());
    let again = design_command(&server.url, "m")
        .args(["--rounds", "1"])
        .current_dir(run.dir.path())
        .run();
    again.code(0);
    assert!(run.path("spec.yaml").is_file());
    assert!(
        !run.path("spec.rejected.yaml").exists(),
        "stale attempt removed"
    );
}

#[cfg(unix)]
#[test]
fn written_files_have_the_modes_of_generated_ones() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: std::path::PathBuf| {
        std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let server = Server::start(fixed_in_round_two());
    let rejected = design(&server, &["--rounds", "1"]);
    let run = design(&server, &["--force"]);
    run.code(0);
    Msaforge::new()
        .args(["generate", "spec.yaml", "-o", "system"])
        .current_dir(run.dir.path())
        .run()
        .code(0);
    let generated = mode(run.path("system/README.md"));
    assert_eq!(mode(run.path("spec.yaml")), generated);
    assert_eq!(mode(run.path("report.json")), generated);
    assert_eq!(mode(rejected.path("spec.rejected.yaml")), generated);
}

#[test]
fn design_speaks_korean_and_still_repairs_in_english() {
    let server = Server::start(vec![Reply::Chat(failing_spec().to_string()); 2]);
    let run = design(&server, &["--lang", "ko", "--rounds", "2"]);
    run.code(msaforge::exit::DESIGN_REJECTED);
    let err = run.stderr();
    assert!(err.contains("설계 실패"), "{err}");
    assert!(err.contains("호출에 타임아웃이 없습니다"), "{err}");
    assert!(err.contains("마지막 시도와 지적 사항은"), "{err}");
    run.kept(&["2라운드 안에 오류 없는 spec을 내지 못했습니다"]);
    let repair = server.requests()[1]["messages"].to_string();
    assert!(
        repair.contains("has no timeout"),
        "the model gets English findings"
    );
    // Errors and the configuration help too.
    let server = Server::start(vec![Reply::Status(401, "no")]);
    let run = design(&server, &["--lang", "ko"]);
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&["API 키를 거부했습니다"]);
    assert!(
        run.report()["error"]["message"]
            .to_string()
            .contains("API 키를 거부했습니다")
    );
    let run = with_brief(Msaforge::new().args(["design", "-", "-o", "s.yaml", "--lang", "ko"]));
    run.code(msaforge::exit::LLM_FAILED);
    run.says(&[
        "LLM이 설정되지 않았습니다",
        "로컬 서버는 키도 인터넷도 없이",
    ]);
}

#[test]
fn new_speaks_korean() {
    let server = Server::start(vec![Reply::Chat(passing_spec().to_string())]);
    let run = with_brief(
        Msaforge::new()
            .args(["new", "brief.md", "-o", "system", "--provider", "ollama"])
            .args(["--base-url", &server.url, "--model", "m", "--lang", "ko"]),
    );
    run.code(0);
    let err = run.stderr();
    assert!(
        err.contains("== 1/3 설계 (m, ollama)")
            && err.contains("== 2/3 검사: 오류 없음")
            && err.contains("== 3/3")
            && err.contains("에 생성"),
        "{err}"
    );
    assert!(run.stdout().contains("설계: 오류 없음"), "{}", run.stdout());
    assert!(BRIEF.contains("서고"));
}
