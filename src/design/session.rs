//! One `design` run from a brief to files: read the brief, resolve the settings, run the repair
//! loop on a runtime of its own until it ends or a signal (Ctrl-C, SIGTERM) stops it, and save
//! what came out: the spec, or `SPEC.rejected.yaml` with the last attempt so far, and the
//! `--report`, whatever ended the run. Returns data and typed errors; showing them is `cmd`'s job.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::client::Llm;
use super::error::DesignError;
use super::output::{self, ErrorReport, Report, Why};
use super::prompts::{self, FindingForModel};
use super::repair::{self, Attempt, Journal, Progress, Stats, Verdict};
use super::settings::{self, LlmArgs, Settings};
use crate::check;
use crate::exit::ExitCode as _;
use crate::lang::Lang;

/// Largest brief read: a description, not a document collection.
const MAX_BRIEF: u64 = 256 * 1024;

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// A spec without errors: `text` is the whole file (header included), `report` its check.
    Accepted {
        text: String,
        report: Box<check::Report>,
    },
    /// No passing spec within the rounds: the last attempt.
    Rejected(Attempt),
    /// Stopped by `error` (the endpoint, a timeout, the context window, a signal), with the last
    /// attempt so far, if there was one.
    Stopped {
        attempt: Option<Attempt>,
        error: DesignError,
    },
}

/// The brief at `path`, or standard input for `-`: non-empty UTF-8 text.
pub fn read_brief(path: &Path) -> Result<String, DesignError> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| DesignError::ReadBrief {
        path: name.clone(),
        detail: e.to_string(),
    };
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_BRIEF)
            .read_to_end(&mut bytes)
            .map_err(io)?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_BRIEF).read_to_end(&mut bytes))
            .map_err(io)?;
    }
    let text = String::from_utf8(bytes).map_err(|_| DesignError::ReadBrief {
        path: name.clone(),
        detail: "not UTF-8 text".into(),
    })?;
    if text.trim().is_empty() {
        return Err(DesignError::EmptyBrief);
    }
    Ok(text)
}

/// The settings from the flags, the process environment and the settings file.
pub fn resolve_settings(args: &LlmArgs) -> Result<Settings, DesignError> {
    let file = settings::read_file(args.config.as_deref())?;
    settings::resolve(args, &file, &settings::process_env)
}

/// Runs the repair loop for `brief` on a single-threaded runtime, reporting to `on_progress`.
/// Never fails: an error ends the run as `Outcome::Stopped`, keeping what it had.
pub fn run(
    llm: &Llm,
    brief: &str,
    spec_path: &Path,
    lang: Lang,
    on_progress: &(dyn Fn(Progress<'_>) + Sync),
) -> (Outcome, Stats) {
    let journal = Mutex::new(Journal::new(llm));
    let name = spec_path.display().to_string();
    let ended = until_signal(async {
        let opening = repair::opening(llm, prompts::user(brief)?)?;
        repair::design(llm, &opening, &name, lang, &journal, on_progress).await
    });
    let mut journal = journal
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let stats = journal.close();
    let outcome = match ended {
        Ok(Verdict::Accepted { text, report }) => Outcome::Accepted { text, report },
        Ok(Verdict::Rejected(attempt)) => Outcome::Rejected(attempt),
        Err(error) => Outcome::Stopped {
            attempt: journal
                .last
                .take()
                .or_else(|| unfinished(llm, &journal, &error, lang)),
            error,
        },
    };
    (outcome, stats)
}

/// Runs `work` to its end, or until SIGINT or SIGTERM arrives (then `work` is dropped where it
/// was and the result is `DesignError::Interrupted`).
pub fn until_signal<T>(
    work: impl std::future::Future<Output = Result<T, DesignError>>,
) -> Result<T, DesignError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DesignError::Protocol(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        tokio::select! {
            result = work => result,
            signal = signal() => Err(DesignError::Interrupted { signal }),
        }
    })
}

#[cfg(unix)]
async fn signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}

#[cfg(not(unix))]
async fn signal() -> &'static str {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
    "Ctrl-C"
}

/// The answer that was under way when the run stopped, as an attempt (none arrived whole).
fn unfinished(llm: &Llm, journal: &Journal, error: &DesignError, lang: Lang) -> Option<Attempt> {
    let text = llm.redactor().apply(&journal.partial);
    if text.trim().is_empty() {
        return None;
    }
    let reason = error.localized(lang).0;
    let finding = |message: String| FindingForModel {
        code: "incomplete".into(),
        severity: "error".into(),
        path: "(answer)".into(),
        message,
        help: None,
    };
    Some(Attempt {
        round: journal.stats.rounds,
        text,
        findings: vec![finding(lang.pick(
            format!("the answer was incomplete when the run stopped: {reason}"),
            format!("실행이 멈췄을 때 답이 끝나지 않았습니다: {reason}"),
        ))],
        for_model: Vec::new(),
        truncated: true,
    })
}

/// What `save` wrote.
#[derive(Debug, Default)]
pub struct Saved {
    pub spec: Option<PathBuf>,
    pub rejected: Option<PathBuf>,
}

/// Writes what the run ended with: the spec at `spec_path` when accepted (removing a stale
/// `SPEC.rejected.yaml`), the last attempt with its findings as `SPEC.rejected.yaml` otherwise;
/// then the `--report` file when asked for. Everything written is redacted.
pub fn save(
    llm: &Llm,
    (outcome, stats): &(Outcome, Stats),
    spec_path: &Path,
    report_path: Option<&Path>,
    lang: Lang,
) -> Result<Saved, DesignError> {
    let redact = |text: &str| llm.redactor().apply(text);
    let rejected_path = output::rejected_path(spec_path);
    let mut saved = Saved::default();
    let write_rejected = |attempt: &Attempt, why: Why<'_>| {
        let text = output::rejected_text(&stats.model, why, &attempt.findings, &attempt.text, lang);
        output::write_atomically(&rejected_path, &redact(&text))
    };
    let mut report = Report {
        outcome: "rejected",
        exit_code: crate::exit::DESIGN_REJECTED,
        spec: None,
        rejected: None,
        stats,
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
        error: None,
        candidates: None,
    };
    match outcome {
        Outcome::Accepted {
            text,
            report: checked,
        } => {
            output::write_atomically(spec_path, &redact(text))?;
            // A rejected attempt of an earlier run is stale now.
            match std::fs::remove_file(&rejected_path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(DesignError::Write {
                        path: rejected_path.display().to_string(),
                        detail: e.to_string(),
                    });
                }
                _ => {}
            }
            saved.spec = Some(spec_path.to_path_buf());
            report.outcome = "accepted";
            report.exit_code = crate::exit::OK;
            report.warnings = repair::warnings(checked);
            report.findings = checked.findings.iter().map(Into::into).collect();
        }
        Outcome::Rejected(attempt) => {
            write_rejected(attempt, Why::Rounds(stats.rounds))?;
            saved.rejected = Some(rejected_path.clone());
        }
        Outcome::Stopped { attempt, error } => {
            if let Some(attempt) = attempt {
                write_rejected(attempt, Why::Stopped(&error.localized(lang).0))?;
                saved.rejected = Some(rejected_path.clone());
            }
            report.outcome = if matches!(error, DesignError::Interrupted { .. }) {
                "interrupted"
            } else {
                "failed"
            };
            report.exit_code = error.exit_code();
            report.error = Some(ErrorReport::of(error, lang));
        }
    }
    if let Outcome::Rejected(attempt)
    | Outcome::Stopped {
        attempt: Some(attempt),
        ..
    } = outcome
    {
        report.errors = attempt.errors();
        report.warnings = attempt.findings.len() - attempt.errors();
        report.findings.clone_from(&attempt.findings);
    }
    report.spec = saved.spec.as_ref().map(|p| p.display().to_string());
    report.rejected = saved.rejected.as_ref().map(|p| p.display().to_string());
    if let Some(path) = report_path {
        output::write_report(path, &report, &redact)?;
    }
    Ok(saved)
}

/// The `--report` of a run that failed before it asked the LLM anything.
pub fn report_failure(
    path: &Path,
    error: &DesignError,
    lang: Lang,
    redact: &dyn Fn(&str) -> String,
) -> Result<(), DesignError> {
    let report = Report {
        outcome: "failed",
        exit_code: error.exit_code(),
        spec: None,
        rejected: None,
        stats: &Stats::default(),
        errors: 0,
        warnings: 0,
        findings: Vec::new(),
        error: Some(ErrorReport::of(error, lang)),
        candidates: None,
    };
    output::write_report(path, &report, redact)
}
