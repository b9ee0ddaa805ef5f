//! `msaforge design`: an LLM writes a spec from a brief, checked and repaired in rounds. Shows a
//! spinner on a terminal while it waits (round, tokens, rate, elapsed time), then the result: the
//! spec written (exit 0), the rejected attempt with its findings (exit 10), or what stopped the
//! run and what was kept (the error's own exit code). The `--report` is written on every exit.
//! The run itself is `design::session`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::{CmdError, output};
use crate::check::{self, render};
use crate::design::DesignError;
use crate::design::client::Llm;
use crate::design::error::{HOW_TO_CONFIGURE, HOW_TO_CONFIGURE_KO};
use crate::design::repair::{self, Progress, Stats};
use crate::design::session::{self, Outcome};
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
    /// Also write outcome, rounds, tokens, LLM and own time, findings and any error as JSON to
    /// this file, however the run ends.
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
    let mut reported = false;
    let result = run_design(args, lang, &mut reported);
    failed(result, args.report.as_deref(), reported, lang)
}

fn run_design(args: &Args, lang: Lang, reported: &mut bool) -> Result<i32, CmdError> {
    if args.output.exists() && !args.force {
        return Err(DesignError::Exists {
            path: args.output.display().to_string(),
        }
        .into());
    }
    let brief = session::read_brief(&args.brief)?;
    let llm = Llm::new(settings(&args.llm, lang)?)?;
    let finished = design(&llm, &brief, &args.output, lang);
    session::save(&llm, &finished, &args.output, args.report.as_deref(), lang)?;
    *reported = true;
    Ok(match finish(&llm, finished, &args.output, lang)? {
        Designed::Spec(_) => exit::OK,
        Designed::Rejected => exit::DESIGN_REJECTED,
    })
}

/// Writes the report of a run that failed before `save` could, and puts the error into `lang`.
pub fn failed(
    result: Result<i32, CmdError>,
    report: Option<&Path>,
    reported: bool,
    lang: Lang,
) -> Result<i32, CmdError> {
    result.map_err(|e| {
        if let (CmdError::Design(error), Some(path), false) = (&e, report, reported) {
            let _ = session::report_failure(path, error, lang, &str::to_owned);
        }
        e.localized(lang)
    })
}

/// The resolved settings; when none name a model, how to configure one comes first.
pub fn settings(args: &LlmArgs, lang: Lang) -> Result<Settings, DesignError> {
    let resolved = session::resolve_settings(args);
    if let Err(DesignError::NotConfigured) = &resolved {
        output::to_stderr(&lang.pick(
            format!("msaforge needs an OpenAI-compatible LLM endpoint to design a spec.\n{HOW_TO_CONFIGURE}\n\n"),
            format!("msaforge가 spec을 설계하려면 OpenAI 호환 LLM 엔드포인트가 필요합니다.\n{HOW_TO_CONFIGURE_KO}\n\n"),
        ));
    }
    resolved
}

/// The repair loop, with a spinner naming the round, the tokens so far and their rate.
pub fn design(llm: &Llm, brief: &str, spec_path: &Path, lang: Lang) -> (Outcome, Stats) {
    let spinner = spinner();
    let model = llm.settings().model.clone();
    let state = Mutex::new((String::new(), Instant::now()));
    let on_progress = |progress: Progress<'_>| {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        match progress {
            Progress::Round { round, rounds } => {
                state.0 = tr!(
                    lang,
                    "round {round}/{rounds}: waiting for {model}",
                    "라운드 {round}/{rounds}: {model}의 답을 기다리는 중"
                );
                state.1 = Instant::now();
                spinner.set_message(state.0.clone());
            }
            Progress::Tokens(n) => {
                let rate = n as f64 / state.1.elapsed().as_secs_f64().max(0.1);
                let line = &state.0;
                spinner.set_message(tr!(
                    lang,
                    "{line}, {n} tokens ({rate:.1}/s)",
                    "{line}, 토큰 {n}개 (초당 {rate:.1})"
                ));
            }
            Progress::Retrying {
                attempt,
                wait,
                reason,
            } => {
                let (line, next, wait) = (&state.0, attempt + 1, seconds(wait));
                spinner.set_message(tr!(
                    lang,
                    "{line}: {reason}; attempt {next} in {wait}",
                    "{line}: {reason}; {wait} 뒤 {next}번째 시도"
                ));
            }
        }
    };
    let finished = session::run(llm, brief, spec_path, lang, &on_progress);
    spinner.finish_and_clear();
    finished
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
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

/// What a design ended with, for `new`.
#[derive(Debug)]
pub enum Designed {
    Spec(Box<check::Report>),
    Rejected,
}

/// Says what happened: the spec written, the rejected attempt, or what stopped the run (then
/// the error is returned, after the note on what was kept).
pub fn finish(
    llm: &Llm,
    (outcome, stats): (Outcome, Stats),
    spec_path: &Path,
    lang: Lang,
) -> Result<Designed, CmdError> {
    let say = |text: &str| output::to_stderr(&llm.redactor().apply(text));
    let tokens = match (stats.prompt_tokens, stats.completion_tokens) {
        (Some(prompt), Some(completion)) => tr!(
            lang,
            "{prompt} prompt + {completion} completion tokens",
            "프롬프트 토큰 {prompt} + 답 토큰 {completion}"
        ),
        _ => {
            let chunks = stats.streamed_chunks;
            tr!(
                lang,
                "tokens not reported by the server ({chunks} chunks streamed)",
                "서버가 토큰 수를 알리지 않음 (스트림 조각 {chunks}개)"
            )
        }
    };
    let summary = tr!(
        lang,
        "{} round(s), {tokens}, {:.1} s ({:.1} s waiting for the LLM)",
        "{}라운드, {tokens}, {:.1}초 (LLM 대기 {:.1}초)",
        stats.rounds,
        stats.elapsed.as_secs_f64(),
        stats.llm_wait.as_secs_f64()
    );
    let rejected = crate::design::output::rejected_path(spec_path);
    let (spec, model, kept) = (spec_path.display(), &stats.model, rejected.display());
    match outcome {
        Outcome::Accepted { report, .. } => {
            let warnings = repair::warnings(&report);
            if warnings > 0 {
                say(&render::human(&report, lang, false));
            }
            output::to_stdout(&tr!(
                lang,
                "designed {spec} with {model}: no errors, {warnings} warning(s); {summary}\n",
                "{model}(으)로 {spec} 설계: 오류 없음, 경고 {warnings}개; {summary}\n"
            ))?;
            Ok(Designed::Spec(report))
        }
        Outcome::Rejected(attempt) => {
            let mut text = tr!(
                lang,
                "design failed: {model} gave no spec without errors in {summary}.\n",
                "설계 실패: {model}이(가) 오류 없는 spec을 내지 못했습니다 ({summary}).\n"
            );
            list_errors(&mut text, &attempt.findings, lang);
            let hint = if attempt.truncated {
                lang.pick(
                    "The answer was cut off at the token limit: raise --max-tokens (and the server's context).",
                    "답이 토큰 한도에서 잘렸습니다: --max-tokens(와 서버의 컨텍스트)를 늘리세요.",
                )
            } else {
                lang.pick(
                    "Try more --rounds, a larger model, or fix the rejected file by hand and run `msaforge check`.",
                    "--rounds를 늘리거나, 더 큰 모델을 쓰거나, 거부된 파일을 손으로 고친 뒤 `msaforge check`를 실행하세요.",
                )
            };
            text.push_str(&tr!(
                lang,
                "Nothing was written to {spec}; the last attempt and its findings are in {kept}.\n{hint}\n",
                "{spec}에는 아무것도 쓰지 않았습니다. 마지막 시도와 지적 사항은 {kept}에 있습니다.\n{hint}\n"
            ));
            say(&text);
            Ok(Designed::Rejected)
        }
        Outcome::Stopped { attempt, error } => {
            let mut text = tr!(
                lang,
                "design stopped after {summary}.\n",
                "설계가 멈췄습니다 ({summary}).\n"
            );
            match &attempt {
                Some(a) => {
                    list_errors(&mut text, &a.findings, lang);
                    let round = a.round;
                    text.push_str(&tr!(
                        lang,
                        "Nothing was written to {spec}; the last attempt so far (round {round}) and its findings are in {kept}.\n",
                        "{spec}에는 아무것도 쓰지 않았습니다. 지금까지의 마지막 시도(라운드 {round})와 지적 사항은 {kept}에 있습니다.\n"
                    ));
                }
                None => text.push_str(&tr!(
                    lang,
                    "No answer had arrived; nothing was written to {spec}.\n",
                    "도착한 답이 없어 {spec}에는 아무것도 쓰지 않았습니다.\n"
                )),
            }
            say(&text);
            Err(error.into())
        }
    }
}

fn list_errors(
    text: &mut String,
    findings: &[crate::design::prompts::FindingForModel],
    lang: Lang,
) {
    let errors: Vec<_> = findings.iter().filter(|f| f.severity == "error").collect();
    for f in errors.iter().take(10) {
        let _ = writeln!(
            text,
            "  {} {} at {}: {}",
            f.severity, f.code, f.path, f.message
        );
    }
    if errors.len() > 10 {
        let more = errors.len() - 10;
        text.push_str(&tr!(lang, "  ... and {more} more\n", "  ... 외 {more}개\n"));
    }
}
