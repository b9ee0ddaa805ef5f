//! One `design` run from a brief to files: read the brief, resolve the settings, run the repair
//! loop on a runtime of its own, save what came out (the spec, or `SPEC.rejected.yaml`, and the
//! `--report`). Returns data and typed errors; showing them (spinner, summary) is `cmd`'s job.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::client::Llm;
use super::error::DesignError;
use super::output::{self, Report};
use super::repair::{self, Outcome, Progress, Stats};
use super::settings::{self, LlmArgs, Settings};
use crate::lang::Lang;

/// Largest brief read: a description, not a document collection.
const MAX_BRIEF: u64 = 256 * 1024;

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
pub fn run(
    llm: &Llm,
    brief: &str,
    spec_path: &Path,
    lang: Lang,
    on_progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Outcome, Stats), DesignError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DesignError::Protocol(format!("cannot start the async runtime: {e}")))?;
    let name = spec_path.display().to_string();
    runtime.block_on(repair::design(llm, brief, &name, lang, on_progress))
}

/// Writes what the loop ended with: the spec at `spec_path` when accepted, the last attempt with
/// its findings as `SPEC.rejected.yaml` otherwise; then the `--report` file when asked for.
/// Returns the path written.
pub fn save(
    outcome: &Outcome,
    stats: &Stats,
    spec_path: &Path,
    report_path: Option<&Path>,
) -> Result<PathBuf, DesignError> {
    let (written, report) = match outcome {
        Outcome::Accepted { text, report } => {
            output::write_atomically(spec_path, text)?;
            let warnings = repair::warnings(report);
            let report = Report {
                outcome: "accepted",
                spec: Some(spec_path.display().to_string()),
                rejected: None,
                stats,
                errors: 0,
                warnings,
                findings: report.findings.iter().map(Into::into).collect(),
            };
            (spec_path.to_path_buf(), report)
        }
        Outcome::Rejected { text, findings, .. } => {
            let rejected = output::rejected_path(spec_path);
            let file = output::rejected_text(&stats.model, stats.rounds, findings, text);
            output::write_atomically(&rejected, &file)?;
            let errors = findings.iter().filter(|f| f.severity == "error").count();
            let report = Report {
                outcome: "rejected",
                spec: None,
                rejected: Some(rejected.display().to_string()),
                stats,
                errors,
                warnings: findings.len() - errors,
                findings: findings.clone(),
            };
            (rejected, report)
        }
    };
    if let Some(path) = report_path {
        output::write_report(path, &report)?;
    }
    Ok(written)
}
