//! The plan for tools: every file, unchanged ones included, and the migrations it adds, as JSON.
//! Formatting only.

use serde::Serialize;

use crate::plan::{Action, Plan};

#[derive(Serialize)]
struct JsonPlan<'a> {
    output: String,
    spec: &'a str,
    templates: &'a str,
    interrupted: bool,
    changes: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lost_bases: Vec<&'a str>,
    summary: std::collections::BTreeMap<&'static str, usize>,
    files: Vec<JsonFile<'a>>,
    /// The database migrations the plan adds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    migrations: Vec<crate::plan::migrations::JsonMigration<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    policy: crate::plan::Policy,
    action: Action,
    #[serde(skip_serializing_if = "is_zero")]
    conflicts: usize,
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's signature")]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The plan for tools: every file, unchanged ones included.
pub fn json(plan: &Plan) -> String {
    let doc = JsonPlan {
        output: plan.out.display().to_string(),
        spec: &plan.stamp.spec_hash,
        templates: &plan.stamp.templates_hash,
        interrupted: plan.interrupted,
        changes: plan.has_changes(),
        lost_bases: plan.lost_bases().collect(),
        summary: Action::ALL
            .iter()
            .map(|&a| (a.as_str(), plan.count(a)))
            .filter(|&(_, n)| n > 0)
            .collect(),
        files: plan
            .changes
            .iter()
            .map(|c| JsonFile {
                path: &c.path,
                policy: c.policy,
                action: c.action,
                conflicts: c.conflicts,
            })
            .collect(),
        migrations: crate::plan::migrations::json(plan),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
