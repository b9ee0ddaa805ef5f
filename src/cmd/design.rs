//! `msaforge design`: an LLM writes a spec from a brief, checked and repaired in rounds. Shows a
//! spinner on a terminal while it waits, then the result: the spec written (exit 0), or the
//! rejected attempt with its findings (exit 10). The run itself is `design::session`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{CmdError, output};
use crate::check::render;
use crate::design::DesignError;
use crate::design::client::Llm;
use crate::design::error::HOW_TO_CONFIGURE;
use crate::design::repair::{self, Outcome, Progress, Stats};
use crate::design::session;
use crate::design::settings::{LlmArgs, Settings};
use crate::exit;
use crate::lang::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The description of the system (text or Markdown, Korean or English), or `-` for stdin.
    brief: PathBuf,
    /// Where to write the spec; on failure `SPEC.rejected.yaml` is written next to it instead.
    #[arg(short, long, value_name = "SPEC")]
    output: PathBuf,
    #[command(flatten)]
    llm: LlmArgs,
    /// Also write rounds, tokens, time and findings as JSON to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Replace SPEC if it exists.
    #[arg(long)]
    force: bool,
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: &Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    if args.output.exists() && !args.force {
        return Err(DesignError::Exists {
            path: args.output.display().to_string(),
        }
        .into());
    }
    let brief = session::read_brief(&args.brief)?;
    let llm = Llm::new(settings(&args.llm)?);
    let (outcome, stats) = design(&llm, &brief, &args.output, lang)?;
    finish(&outcome, &stats, &args.output, args.report.as_deref(), lang)
}

/// The resolved settings; when none name a model, how to configure one comes first.
pub fn settings(args: &LlmArgs) -> Result<Settings, DesignError> {
    let resolved = session::resolve_settings(args);
    if let Err(DesignError::NotConfigured) = &resolved {
        output::to_stderr(&format!(
            "msaforge needs an OpenAI-compatible LLM endpoint to design a spec.\n{HOW_TO_CONFIGURE}\n\n"
        ));
    }
    resolved
}

/// The repair loop, with a spinner naming the round and the tokens so far.
pub fn design(
    llm: &Llm,
    brief: &str,
    spec_path: &Path,
    lang: Lang,
) -> Result<(Outcome, Stats), DesignError> {
    let spinner = spinner();
    let model = llm.settings().model.clone();
    let round = std::sync::Mutex::new(String::new());
    let on_progress = |progress: Progress| {
        let mut round = round
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match progress {
            Progress::Round { round: n, rounds } => {
                *round = format!("round {n}/{rounds}: waiting for {model}");
                spinner.set_message(round.clone());
            }
            Progress::Tokens(n) => spinner.set_message(format!("{round}, {n} tokens")),
        }
    };
    let result = session::run(llm, brief, spec_path, lang, &on_progress);
    spinner.finish_and_clear();
    result
}

/// A spinner with elapsed time on a terminal; hidden (draws nothing) on a pipe.
fn spinner() -> ProgressBar {
    if !output::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Saves the outcome and says what happened; exit 0 for a spec, 10 for a rejected attempt.
pub fn finish(
    outcome: &Outcome,
    stats: &Stats,
    spec_path: &Path,
    report_path: Option<&Path>,
    lang: Lang,
) -> Result<i32, CmdError> {
    let written = session::save(outcome, stats, spec_path, report_path)?;
    let summary = format!(
        "{} round(s), {} prompt + {} completion tokens, {:.1} s",
        stats.rounds,
        stats.prompt_tokens,
        stats.completion_tokens,
        stats.elapsed.as_secs_f64()
    );
    match outcome {
        Outcome::Accepted { report, .. } => {
            let warnings = repair::warnings(report);
            if warnings > 0 {
                output::to_stderr(&render::human(report, lang, false));
            }
            output::to_stdout(&format!(
                "designed {} with {}: no errors, {warnings} warning(s); {summary}\n",
                spec_path.display(),
                stats.model
            ))?;
            Ok(exit::OK)
        }
        Outcome::Rejected {
            findings,
            truncated,
            ..
        } => {
            let errors: Vec<_> = findings.iter().filter(|f| f.severity == "error").collect();
            let mut text = format!(
                "design failed: {} gave no spec without errors in {summary}.\n",
                stats.model
            );
            for f in errors.iter().take(10) {
                let _ = writeln!(
                    text,
                    "  {} {} at {}: {}",
                    f.severity, f.code, f.path, f.message
                );
            }
            if errors.len() > 10 {
                let _ = writeln!(text, "  ... and {} more", errors.len() - 10);
            }
            let _ = writeln!(
                text,
                "Nothing was written to {}; the last attempt and its findings are in {}.\n{}",
                spec_path.display(),
                written.display(),
                if *truncated {
                    "The answer was cut off at the token limit: raise --max-tokens."
                } else {
                    "Try more --rounds, a larger model, or fix the rejected file by hand and run `msaforge check`."
                }
            );
            output::to_stderr(&text);
            Ok(exit::DESIGN_REJECTED)
        }
    }
}
