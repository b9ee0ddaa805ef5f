//! `msaforge design` and `msaforge new` as the user runs them: arguments, the tokio runtime, the
//! spinner (on a terminal only), the files and the summary. The work itself is in `repair`,
//! `client` and `output`; generating is `generate::run`, used as it is.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::client::Llm;
use super::error::{DesignError, HOW_TO_CONFIGURE};
use super::output::{self, Report};
use super::repair::{self, Outcome, Progress, Stats};
use super::settings::{self, LlmArgs};
use crate::check::render;
use crate::cli::CliError;
use crate::exit;
use crate::lang::Lang;

/// Largest brief read: a description, not a document collection.
const MAX_BRIEF: u64 = 256 * 1024;

#[derive(Debug, Args)]
pub struct DesignArgs {
    /// The description of the system (text or Markdown, Korean or English), or `-` for stdin.
    pub brief: PathBuf,
    /// Where to write the spec; on failure `SPEC.rejected.yaml` is written next to it instead.
    #[arg(short, long, value_name = "SPEC")]
    pub output: PathBuf,
    #[command(flatten)]
    pub llm: LlmArgs,
    /// Also write rounds, tokens, time and findings as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Replace SPEC if it exists.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The description of the system, or `-` for stdin.
    pub brief: PathBuf,
    /// The directory to create: the spec goes to DIR/msaforge.yaml, the system next to it.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub llm: LlmArgs,
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// A directory of templates that replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write into a non-empty directory that msaforge did not create.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

/// `msaforge design`.
#[allow(clippy::needless_pass_by_value)] // owned like every other command's arguments
pub fn design(args: DesignArgs) -> Result<i32, CliError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    if args.output.exists() && !args.force {
        return Err(DesignError::Exists {
            path: args.output.display().to_string(),
        }
        .into());
    }
    let brief = read_brief(&args.brief)?;
    let llm = Llm::new(resolve_settings(&args.llm)?);
    let (outcome, stats) = run_loop(&llm, &brief, &args.output, lang)?;
    finish(&outcome, &stats, &args.output, args.report.as_deref(), lang)
}

/// `msaforge new`: design, check, generate; stops at the first stage that fails.
pub fn new(args: NewArgs) -> Result<i32, CliError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let spec_path = args.output.join("msaforge.yaml");
    let rejected = output::rejected_path(&spec_path);
    if !args.force && !only_holds(&args.output, &rejected) {
        crate::generate::write::check_target(&args.output, false)?;
    }
    // A spec from an earlier `new` may carry the user's edits: `generate` it, or pass --force.
    if !args.force && spec_path.exists() {
        return Err(DesignError::Exists {
            path: spec_path.display().to_string(),
        }
        .into());
    }
    let brief = read_brief(&args.brief)?;
    let llm = Llm::new(resolve_settings(&args.llm)?);
    eprintln!(
        "== 1/3 design ({} via {})",
        llm.settings().model,
        llm.settings().provider.as_str()
    );
    let (outcome, stats) = run_loop(&llm, &brief, &spec_path, lang)?;
    let code = finish(&outcome, &stats, &spec_path, args.report.as_deref(), lang)?;
    let Outcome::Accepted { report, .. } = outcome else {
        eprintln!("stopped at stage 1/3 (design): no spec without errors; nothing generated");
        return Ok(code);
    };
    eprintln!(
        "== 2/3 check: no errors, {} warning(s)",
        repair::warnings(&report)
    );
    let Some(spec) = report.spec.as_ref() else {
        eprintln!("stopped at stage 2/3 (check): the spec could not be resolved");
        return Ok(exit::SPEC_ERRORS);
    };
    eprintln!("== 3/3 generate into {}", args.output.display());
    let options = crate::generate::Options {
        templates: args.templates,
    };
    // The directory holds the new spec already; `force` lets generate write next to it, but only
    // the first time: an output msaforge has written to before (it has `.msaforge/`, even without
    // a lock) is regenerated safely, keeping the user's edits.
    let run = crate::generate::RunOptions {
        force: std::fs::symlink_metadata(args.output.join(crate::generate::write::MARKER)).is_err(),
        lang,
        ..crate::generate::RunOptions::default()
    };
    if let Err(e) = crate::generate::run(spec, &args.output, &options, run) {
        eprintln!(
            "stopped at stage 3/3 (generate); the spec is kept in {}",
            spec_path.display()
        );
        return Err(e.into());
    }
    // A rejected attempt from an earlier run is stale now.
    let _ = std::fs::remove_file(&rejected);
    Ok(exit::OK)
}

/// True when `dir` holds nothing but `file` (a rejected attempt of an earlier `new`).
fn only_holds(dir: &Path, file: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.len() == 1 && names[0].file_name() == file.file_name()
}

fn resolve_settings(args: &LlmArgs) -> Result<settings::Settings, DesignError> {
    let file = settings::read_file(args.config.as_deref())?;
    let resolved = settings::resolve(args, &file, &settings::process_env);
    if let Err(DesignError::NotConfigured) = &resolved {
        eprintln!(
            "msaforge needs an OpenAI-compatible LLM endpoint to design a spec.\n{HOW_TO_CONFIGURE}\n"
        );
    }
    resolved
}

fn read_brief(path: &Path) -> Result<String, DesignError> {
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

fn run_loop(
    llm: &Llm,
    brief: &str,
    spec_path: &Path,
    lang: Lang,
) -> Result<(Outcome, Stats), DesignError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DesignError::Protocol(format!("cannot start the async runtime: {e}")))?;
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
    let name = spec_path.display().to_string();
    let result = runtime.block_on(repair::design(llm, brief, &name, lang, &on_progress));
    spinner.finish_and_clear();
    result
}

/// A spinner with elapsed time on a terminal; hidden (draws nothing) on a pipe.
fn spinner() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn finish(
    outcome: &Outcome,
    stats: &Stats,
    spec_path: &Path,
    report_path: Option<&Path>,
    lang: Lang,
) -> Result<i32, CliError> {
    let summary = format!(
        "{} round(s), {} prompt + {} completion tokens, {:.1} s",
        stats.rounds,
        stats.prompt_tokens,
        stats.completion_tokens,
        stats.elapsed.as_secs_f64()
    );
    let report = match outcome {
        Outcome::Accepted { text, report } => {
            output::write_atomically(spec_path, text)?;
            let warnings = repair::warnings(report);
            if warnings > 0 {
                eprint!("{}", render::human(report, lang, false));
            }
            println!(
                "designed {} with {}: no errors, {warnings} warning(s); {summary}",
                spec_path.display(),
                stats.model
            );
            Report {
                outcome: "accepted",
                spec: Some(spec_path.display().to_string()),
                rejected: None,
                stats,
                errors: 0,
                warnings,
                findings: report.findings.iter().map(Into::into).collect(),
            }
        }
        Outcome::Rejected {
            text,
            findings,
            truncated,
        } => {
            let rejected = output::rejected_path(spec_path);
            let file = output::rejected_text(&stats.model, stats.rounds, findings, text);
            output::write_atomically(&rejected, &file)?;
            let errors: Vec<_> = findings.iter().filter(|f| f.severity == "error").collect();
            eprintln!(
                "design failed: {} gave no spec without errors in {summary}.",
                stats.model
            );
            for f in errors.iter().take(10) {
                eprintln!("  {} {} at {}: {}", f.severity, f.code, f.path, f.message);
            }
            if errors.len() > 10 {
                eprintln!("  ... and {} more", errors.len() - 10);
            }
            eprintln!(
                "Nothing was written to {}; the last attempt and its findings are in {}.",
                spec_path.display(),
                rejected.display()
            );
            eprintln!(
                "{}",
                if *truncated {
                    "The answer was cut off at the token limit: raise --max-tokens."
                } else {
                    "Try more --rounds, a larger model, or fix the rejected file by hand and run `msaforge check`."
                }
            );
            Report {
                outcome: "rejected",
                spec: None,
                rejected: Some(rejected.display().to_string()),
                stats,
                errors: errors.len(),
                warnings: findings.len() - errors.len(),
                findings: findings.clone(),
            }
        }
    };
    if let Some(path) = report_path {
        output::write_report(path, &report)?;
    }
    Ok(match outcome {
        Outcome::Accepted { .. } => exit::OK,
        Outcome::Rejected { .. } => exit::DESIGN_REJECTED,
    })
}
