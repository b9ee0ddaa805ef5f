//! The design loop: ask, judge the answer with the full `check`, send the findings back, at most
//! `rounds` times. Every answer is untrusted input. This module writes no files and prints nothing;
//! it reports through a callback and keeps what a stopped run leaves (the last attempt, the answer
//! under way, the time spent waiting) in a `Journal` that outlives it.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::budget::Budget;
use super::client::{Answer, Event, Llm, Message};
use super::error::DesignError;
use super::extract;
use super::prompts::{self, FindingForModel};
use super::schema::{self, Subset};
use super::settings::FormatMode;
use crate::check::{self, Severity};
use crate::lang::Lang;

/// An answer that did not pass, as judged.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub round: u32,
    /// The candidate as YAML, or the raw answer when it held no object.
    pub text: String,
    /// The findings, in the user's language.
    pub findings: Vec<FindingForModel>,
    /// The same in English, for the repair prompt.
    pub for_model: Vec<FindingForModel>,
    pub truncated: bool,
}

impl Attempt {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == "error")
            .count()
    }
}

/// What one answer is worth.
#[derive(Debug)]
pub enum Verdict {
    /// A spec without errors: `text` is the whole file (header included), `report` its check.
    Accepted {
        text: String,
        report: Box<check::Report>,
    },
    Rejected(Attempt),
}

/// Numbers of a run, for the summary line and `--report`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub provider: String,
    pub model: String,
    pub rounds: u32,
    /// HTTP requests, retries included.
    pub attempts: u32,
    /// The tokens the server reported, summed over the answers; `None` (null in `--report`) as
    /// soon as one answer came without usage: a partial sum would understate the run.
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    /// Whether the server reported the token counts.
    pub usage: UsageSource,
    /// Streamed chunks that carried text (about a token each), counted by msaforge.
    pub streamed_chunks: u64,
    /// Answers came as event streams.
    pub streamed: bool,
    #[serde(rename = "elapsed", serialize_with = "as_seconds")]
    pub elapsed: Duration,
    /// Time spent waiting for the LLM (retry waits included).
    #[serde(rename = "llm_seconds", serialize_with = "as_seconds")]
    pub llm_wait: Duration,
    /// msaforge's own time: prompts, checks, files.
    #[serde(rename = "own_seconds", serialize_with = "as_seconds")]
    pub own: Duration,
}

/// Where the token counts of a run come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum UsageSource {
    /// Every answer carried `usage` (or none has arrived yet).
    #[default]
    #[serde(rename = "reported")]
    Reported,
    /// An answer came without it (streams from llama-cpp-python 0.3, for one).
    #[serde(rename = "not reported by the server")]
    NotReported,
}

impl Stats {
    /// Adds what one answer cost.
    pub fn count(&mut self, answer: &Answer) {
        self.attempts += answer.attempts;
        self.streamed = answer.streamed;
        self.streamed_chunks += answer.pieces;
        match answer.usage {
            Some(usage) => {
                self.prompt_tokens = self.prompt_tokens.map(|n| n + usage.prompt_tokens);
                self.completion_tokens =
                    self.completion_tokens.map(|n| n + usage.completion_tokens);
            }
            None => {
                self.usage = UsageSource::NotReported;
                self.prompt_tokens = None;
                self.completion_tokens = None;
            }
        }
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn as_seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 10.0).round() / 10.0)
}

/// What a run has done so far; read after it ends, however it ends.
#[derive(Debug)]
pub struct Journal {
    pub stats: Stats,
    /// The last judged attempt that did not pass.
    pub last: Option<Attempt>,
    /// The text of the answer under way (raw: redact before keeping it).
    pub partial: String,
    started: Instant,
    waiting_since: Option<Instant>,
}

impl Journal {
    pub fn new(llm: &Llm) -> Self {
        let settings = llm.settings();
        Journal {
            stats: Stats {
                provider: settings.provider.as_str().into(),
                model: settings.model.clone(),
                streamed: llm.streams(),
                prompt_tokens: Some(0),
                completion_tokens: Some(0),
                ..Stats::default()
            },
            last: None,
            partial: String::new(),
            started: Instant::now(),
            waiting_since: None,
        }
    }

    /// The statistics with the times up to now (a wait under way counts as LLM time).
    pub fn close(&mut self) -> Stats {
        if let Some(since) = self.waiting_since.take() {
            self.stats.llm_wait += since.elapsed();
        }
        self.stats.elapsed = self.started.elapsed();
        self.stats.own = self.stats.elapsed.saturating_sub(self.stats.llm_wait);
        self.stats.clone()
    }
}

/// The first line of every designed spec: names the model, no timestamp (same answer, same file).
pub fn header(model: &str) -> String {
    format!(
        "# Designed by `msaforge design` with the model {model}; review it, then `msaforge check` it.\n"
    )
}

/// What the loop reports while it waits.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A request of round `round` (of `rounds`) is under way.
    Round { round: u32, rounds: u32 },
    /// Streaming: this many chunks of the current answer have arrived.
    Tokens(u64),
    /// A request failed for `reason`; attempt `attempt + 1` starts after `wait`.
    Retrying {
        attempt: u32,
        wait: Duration,
        reason: &'a str,
    },
}

/// The schema the endpoint gets and the first messages of every round.
pub fn opening(
    llm: &Llm,
    request: String,
) -> Result<(serde_json::Value, Vec<Message>), DesignError> {
    let settings = llm.settings();
    let subset = match settings.format_mode {
        FormatMode::JsonSchema => Subset::Strict,
        FormatMode::JsonObject | FormatMode::Prompt => Subset::Grammar,
    };
    let schema = schema::spec_schema(subset);
    let in_prompt = settings.schema_in_prompt || settings.format_mode == FormatMode::Prompt;
    let instructions = prompts::system(in_prompt.then_some(&schema))?;
    let messages = if settings.fold_system {
        vec![Message::user(format!("{instructions}\n{request}"))]
    } else {
        vec![Message::system(instructions), Message::user(request)]
    };
    Ok((schema, messages))
}

/// Runs the loop from `opening` (see [`opening`]), keeping its progress in `journal`.
pub async fn design(
    llm: &Llm,
    (schema, opening): &(serde_json::Value, Vec<Message>),
    spec_name: &str,
    lang: Lang,
    journal: &Mutex<Journal>,
    on_progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<Verdict, DesignError> {
    let settings = llm.settings();
    let lock = || journal.lock().unwrap_or_else(PoisonError::into_inner);
    let header = header(&settings.model);
    let mut budget = Budget::new(settings);
    let mut messages = opening.clone();
    for round in 1..=settings.rounds {
        lock().stats.rounds = round;
        on_progress(Progress::Round {
            round,
            rounds: settings.rounds,
        });
        let max_tokens = budget.answer_tokens(&messages)?;
        {
            let mut j = lock();
            j.partial.clear();
            j.waiting_since = Some(Instant::now());
        }
        let chunks = std::sync::atomic::AtomicU64::new(0);
        let on_event = |event: Event<'_>| match event {
            Event::Text("") => {}
            Event::Text(piece) => {
                lock().partial.push_str(piece);
                let n = chunks.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                on_progress(Progress::Tokens(n));
            }
            Event::Retrying {
                attempt,
                wait,
                reason,
            } => on_progress(Progress::Retrying {
                attempt,
                wait,
                reason,
            }),
        };
        let answer = llm
            .complete(&llm.request(&messages, schema, max_tokens), &on_event)
            .await;
        let answer = {
            let mut j = lock();
            if let Some(since) = j.waiting_since.take() {
                j.stats.llm_wait += since.elapsed();
            }
            let answer = answer?;
            j.stats.count(&answer);
            answer
        };
        if let Some(usage) = answer.usage {
            budget.learn(&messages, usage.prompt_tokens);
        }
        let attempt = match judge(&answer, &header, spec_name, lang, round) {
            accepted @ Verdict::Accepted { .. } => return Ok(accepted),
            Verdict::Rejected(attempt) => attempt,
        };
        lock().last = Some(attempt.clone());
        if round == settings.rounds {
            return Ok(Verdict::Rejected(attempt));
        }
        let repair = prompts::repair(&attempt.for_model, attempt.truncated, max_tokens)?;
        messages = opening.clone();
        // A cut-off answer is not sent back: it would only fill the context again.
        if !attempt.truncated {
            messages.push(Message::assistant(answer.text));
        }
        messages.push(Message::user(repair));
    }
    Err(DesignError::BadSetting(
        "--rounds must be at least 1".into(),
    ))
}

/// Judges one answer: cut off, no JSON, or a candidate that `check` accepts or rejects.
pub fn judge(answer: &Answer, header: &str, spec_name: &str, lang: Lang, round: u32) -> Verdict {
    let problem = |code: &str, en: String, ko: String| {
        let finding = |message: String| FindingForModel {
            code: code.into(),
            severity: "error".into(),
            path: "(answer)".into(),
            message,
            help: None,
        };
        Verdict::Rejected(Attempt {
            round,
            text: answer.text.clone(),
            findings: vec![finding(lang.pick(en.clone(), ko))],
            for_model: vec![finding(en)],
            truncated: answer.truncated,
        })
    };
    if answer.truncated {
        return problem(
            "truncated",
            "the answer was cut off at the token limit (finish_reason: length)".into(),
            "답이 토큰 한도에서 잘렸습니다 (finish_reason: length)".into(),
        );
    }
    if answer.text.trim().is_empty() {
        return problem(
            "empty",
            "the answer is empty".into(),
            "답이 비어 있습니다".into(),
        );
    }
    let value = match extract::spec_object(&answer.text) {
        Ok(value) => schema::drop_nulls(value),
        Err(not_json) => return problem("not-json", not_json.0.clone(), not_json.0),
    };
    let yaml = match to_yaml(&value) {
        Ok(yaml) => yaml,
        Err(e) => return problem("not-json", e.clone(), e),
    };
    let text = format!("{header}{yaml}");
    let checked = |lang| {
        check::check_bytes(
            spec_name,
            text.as_bytes(),
            &check::Options { lang, policy: None },
        )
    };
    let report = checked(lang);
    if !report.has_errors() {
        return Verdict::Accepted {
            text,
            report: Box::new(report),
        };
    }
    let findings: Vec<FindingForModel> = report.findings.iter().map(Into::into).collect();
    let for_model = if lang == Lang::En {
        findings.clone()
    } else {
        checked(Lang::En).findings.iter().map(Into::into).collect()
    };
    Verdict::Rejected(Attempt {
        round,
        text: yaml,
        findings,
        for_model,
        truncated: false,
    })
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
