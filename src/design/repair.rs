//! The design loop: ask, judge the answer with the full `check`, send the findings back, at most
//! `rounds` times. Every answer is untrusted input. This module writes no files and prints nothing;
//! it reports rounds through a callback and returns the outcome with its statistics.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::client::{Answer, Llm, Message};
use super::error::DesignError;
use super::extract;
use super::prompts::{self, FindingForModel};
use super::schema::{self, Subset};
use super::settings::FormatMode;
use crate::check::{self, Severity};
use crate::lang::Lang;

/// What the loop ended with.
#[derive(Debug)]
pub enum Outcome {
    /// A spec without errors: `text` is the whole file (header included), `report` its check.
    Accepted {
        text: String,
        report: Box<check::Report>,
    },
    /// No passing spec within the rounds: the last attempt and its findings.
    Rejected {
        /// The last candidate as YAML, or the raw answer when it held no JSON object.
        text: String,
        findings: Vec<FindingForModel>,
        truncated: bool,
    },
}

/// Numbers of a run, for the summary line and `--report`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub provider: String,
    pub model: String,
    pub rounds: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    #[serde(serialize_with = "as_seconds")]
    pub elapsed: Duration,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn as_seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 10.0).round() / 10.0)
}

/// The first line of every designed spec: names the model, no timestamp (same answer, same file).
pub fn header(model: &str) -> String {
    format!(
        "# Designed by `msaforge design` with the model {model}; review it, then `msaforge check` it.\n"
    )
}

/// What the loop reports while it waits.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// A request of round `round` (of `rounds`) is under way.
    Round { round: u32, rounds: u32 },
    /// Streaming: this many chunks of the current answer have arrived.
    Tokens(u64),
}

/// Runs the loop for one brief, reporting progress to `on_progress`.
pub async fn design(
    llm: &Llm,
    brief: &str,
    spec_name: &str,
    lang: Lang,
    on_progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Outcome, Stats), DesignError> {
    let started = Instant::now();
    let settings = llm.settings();
    let subset = match settings.format_mode {
        FormatMode::JsonSchema => Subset::Strict,
        FormatMode::JsonObject | FormatMode::Prompt => Subset::Grammar,
    };
    let schema = schema::spec_schema(subset);
    let in_prompt = settings.schema_in_prompt || settings.format_mode == FormatMode::Prompt;
    let instructions = prompts::system(in_prompt.then_some(&schema))?;
    let request = prompts::user(brief)?;
    let opening = if settings.fold_system {
        vec![Message::user(format!("{instructions}\n{request}"))]
    } else {
        vec![Message::system(instructions), Message::user(request)]
    };
    let header = header(&settings.model);
    let mut stats = Stats {
        provider: settings.provider.as_str().into(),
        model: settings.model.clone(),
        ..Stats::default()
    };
    let mut messages = opening.clone();
    loop {
        stats.rounds += 1;
        on_progress(Progress::Round {
            round: stats.rounds,
            rounds: settings.rounds,
        });
        let on_token = |n| on_progress(Progress::Tokens(n));
        let answer = llm
            .complete(&llm.request(&messages, &schema), &on_token)
            .await?;
        stats.prompt_tokens += answer.prompt_tokens;
        stats.completion_tokens += answer.completion_tokens;
        let outcome = judge(&answer, &header, spec_name, lang);
        let Outcome::Rejected {
            findings,
            truncated,
            ..
        } = &outcome
        else {
            stats.elapsed = started.elapsed();
            return Ok((outcome, stats));
        };
        if stats.rounds >= settings.rounds {
            stats.elapsed = started.elapsed();
            return Ok((outcome, stats));
        }
        let repair = prompts::repair(findings, *truncated)?;
        messages = opening.clone();
        messages.push(Message::assistant(answer.text));
        messages.push(Message::user(repair));
    }
}

/// Judges one answer: cut off, no JSON, or a candidate that `check` accepts or rejects.
pub fn judge(answer: &Answer, header: &str, spec_name: &str, lang: Lang) -> Outcome {
    let problem = |code: &str, message: String| Outcome::Rejected {
        text: answer.text.clone(),
        findings: vec![FindingForModel {
            code: code.into(),
            severity: "error".into(),
            path: "(answer)".into(),
            message,
            help: None,
        }],
        truncated: answer.truncated,
    };
    if answer.truncated {
        return problem(
            "truncated",
            "the answer was cut off at the token limit (finish_reason: length)".into(),
        );
    }
    if answer.text.trim().is_empty() {
        return problem("empty", "the answer is empty".into());
    }
    let value = match extract::spec_object(&answer.text) {
        Ok(value) => schema::drop_nulls(value),
        Err(not_json) => return problem("not-json", not_json.0),
    };
    let yaml = match to_yaml(&value) {
        Ok(yaml) => yaml,
        Err(e) => return problem("not-json", e),
    };
    let text = format!("{header}{yaml}");
    let report = check::check_bytes(
        spec_name,
        text.as_bytes(),
        &check::Options { lang, policy: None },
    );
    if report.has_errors() {
        return Outcome::Rejected {
            text: yaml,
            findings: report.findings.iter().map(FindingForModel::from).collect(),
            truncated: false,
        };
    }
    Outcome::Accepted {
        text,
        report: Box::new(report),
    }
}

/// YAML text of a JSON value, keys in the order the model wrote them.
pub fn to_yaml(value: &serde_json::Value) -> Result<String, String> {
    let mut yaml = serde_saphyr::to_string(value).map_err(|e| e.to_string())?;
    if !yaml.ends_with('\n') {
        yaml.push('\n');
    }
    Ok(yaml)
}

/// The findings that are warnings (printed after a successful design).
pub fn warnings(report: &check::Report) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.severity() == Severity::Warning)
        .count()
}
