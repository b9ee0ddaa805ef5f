//! Showing the database migrations of a plan: each new migration file, what it changes, and what
//! it would lose or fail on. Formatting only; the migrations are `migrate`'s.

use std::fmt::Write as _;

use serde::Serialize;

use super::Plan;
use crate::lang::Lang;

/// The migrations section of the plan for people; empty when the plan adds none.
pub fn human(plan: &Plan, lang: Lang) -> String {
    let mut out = String::new();
    if plan.migrations.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "  {}",
        lang.pick(
            "database migrations (new files; earlier ones are never rewritten):",
            "데이터베이스 마이그레이션 (새 파일, 이전 파일은 다시 쓰지 않음):"
        )
    );
    for migration in &plan.migrations {
        let _ = writeln!(out, "    {}", migration.file);
        for change in &migration.changes {
            let _ = writeln!(out, "      {}", change.describe());
        }
        for risk in &migration.risks {
            let _ = writeln!(
                out,
                "      {} {}",
                lang.pick("DATA AT RISK:", "데이터 위험:"),
                risk.what
            );
        }
    }
    out
}

/// One new migration, for tools.
#[derive(Debug, Serialize)]
pub struct JsonMigration<'a> {
    pub context: &'a str,
    pub version: u32,
    pub file: &'a str,
    pub changes: Vec<String>,
    pub risks: &'a [crate::migrate::risk::Risk],
}

/// The new migrations of a plan, for its JSON form.
pub fn json(plan: &Plan) -> Vec<JsonMigration<'_>> {
    plan.migrations
        .iter()
        .map(|m| JsonMigration {
            context: &m.context,
            version: m.version,
            file: &m.file,
            changes: m
                .changes
                .iter()
                .map(crate::migrate::diff::Change::describe)
                .collect(),
            risks: &m.risks,
        })
        .collect()
}
