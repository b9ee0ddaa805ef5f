//! The prompts `design` sends: minijinja templates in `prompts/` (system, user, repair), embedded at
//! build time together with the worked example `examples/records-archive.yaml`. Rendering is pure:
//! the same inputs give the same text (the prompts are snapshot-tested).

use minijinja::{Environment, context};
use serde::Serialize;

use super::error::DesignError;
use crate::check::{Finding, Severity, rules};

const SYSTEM: &str = include_str!("../../prompts/system.md.j2");
const USER: &str = include_str!("../../prompts/user.md.j2");
const REPAIR: &str = include_str!("../../prompts/repair.md.j2");
/// The worked example shown to the model; it passes `check` (tested).
pub const EXAMPLE: &str = include_str!("../../examples/records-archive.yaml");

#[derive(Serialize)]
struct RuleLine {
    code: &'static str,
    severity: &'static str,
    title: &'static str,
}

/// A finding as the model sees it in a repair round.
#[derive(Debug, Clone, Serialize)]
pub struct FindingForModel {
    pub code: String,
    pub severity: String,
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&Finding> for FindingForModel {
    fn from(f: &Finding) -> Self {
        FindingForModel {
            code: f.code().to_owned(),
            severity: f.severity().as_str().to_owned(),
            path: f.path.to_string(),
            message: f.message.clone(),
            help: f.help.clone(),
        }
    }
}

fn environment() -> Result<Environment<'static>, DesignError> {
    let mut env = crate::generate::templates::strict_environment()
        .map_err(|e| DesignError::Prompt(e.to_string()))?;
    for (name, text) in [("system", SYSTEM), ("user", USER), ("repair", REPAIR)] {
        env.add_template(name, text)
            .map_err(|e| DesignError::Prompt(e.to_string()))?;
    }
    Ok(env)
}

fn render(name: &str, ctx: &minijinja::Value) -> Result<String, DesignError> {
    environment()?
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| DesignError::Prompt(format!("{name}: {e}")))
}

/// The system prompt; `schema` is put in when the endpoint does not enforce it (prompt-only mode,
/// Ollama).
pub fn system(schema: Option<&serde_json::Value>) -> Result<String, DesignError> {
    let rules: Vec<RuleLine> = rules::ALL
        .iter()
        .filter(|r| r.severity == Severity::Error || r.code.starts_with("MSA1"))
        .map(|r| RuleLine {
            code: r.code,
            severity: r.severity.as_str(),
            title: r.title.en,
        })
        .collect();
    let example = EXAMPLE
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    render(
        "system",
        &context! {
            rules => minijinja::Value::from(minijinja::value::Serde(&rules)),
            example => example.trim(),
            max_contexts_per_team => 3,
            schema => schema.map(|s| serde_json::to_string(s).unwrap_or_default()),
        },
    )
}

/// The user prompt around the brief.
pub fn user(brief: &str) -> Result<String, DesignError> {
    render("user", &context! { brief => brief.trim() })
}

/// The repair prompt: the findings of the last attempt as JSON, or the note that it was cut off
/// at `max_tokens` (the cut-off answer itself is not sent back).
pub fn repair(
    findings: &[FindingForModel],
    truncated: bool,
    max_tokens: u32,
) -> Result<String, DesignError> {
    let findings = serde_json::to_string_pretty(findings).unwrap_or_default();
    render("repair", &context! { findings, truncated, max_tokens })
}
