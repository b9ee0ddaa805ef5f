//! The migration history of an output directory: every migration msaforge wrote, per context, with
//! its SQL and the schema it leaves the database in. A generated migration is never rewritten:
//! after a spec change `advance` appends one migration with the difference between the last
//! recorded schema and the spec's (nothing when there is none), the way Django's makemigrations
//! does. The history is stored as `.msaforge/migrations.json` (`plan` writes it, with the files, in
//! one transaction); this module only turns one history into the next.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Dialect;
use super::alter::statements;
use super::diff::{Change, diff};
use super::files::{self, Naming};
use super::mapping::{ContextSchema, SystemSchema};
use super::risk::Risk;

/// The format of `.msaforge/migrations.json`; bump when its meaning changes.
pub const FORMAT: u32 = 1;

/// The longest migration name (the part of the file name after the version).
const MAX_NAME: usize = 60;

/// Every migration msaforge wrote into one output directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub format: u32,
    /// In spec order.
    pub contexts: Vec<ContextHistory>,
}

impl Default for History {
    fn default() -> Self {
        History {
            format: FORMAT,
            contexts: Vec::new(),
        }
    }
}

/// The migrations of one context, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextHistory {
    pub context: String,
    pub migrations: Vec<Migration>,
}

/// One migration as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    pub version: u32,
    /// snake_case: `initial`, `add_shelves_label`.
    pub name: String,
    /// The file's text, exactly as written.
    pub sql: String,
    /// The schema after this migration.
    pub schema: ContextSchema,
}

/// A migration `advance` adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub context: String,
    pub version: u32,
    pub name: String,
    /// Its file, relative to the output directory.
    pub file: String,
    pub changes: Vec<Change>,
    /// What the changes would lose or fail on in a database holding rows.
    pub risks: Vec<Risk>,
}

/// The next history, and what it adds.
#[derive(Debug, Clone)]
pub struct Advanced {
    pub history: History,
    pub planned: Vec<Planned>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum HistoryError {
    #[error("`.msaforge/migrations.json` is damaged: {0}")]
    Damaged(String),
    #[error(
        "context `{context}` moved from {from:?} to {to:?}: its migrations are written for the old database"
    )]
    DialectChanged {
        context: String,
        from: Dialect,
        to: Dialect,
    },
}

impl History {
    /// Reads the stored history (JSON).
    pub fn parse(text: &str) -> Result<Self, HistoryError> {
        let history: History =
            serde_json::from_str(text).map_err(|e| HistoryError::Damaged(e.to_string()))?;
        if history.format != FORMAT {
            return Err(HistoryError::Damaged(format!(
                "format {} is not {FORMAT}, the one this msaforge knows",
                history.format
            )));
        }
        Ok(history)
    }

    /// The stored form: pretty JSON, one final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    pub fn context(&self, name: &str) -> Option<&ContextHistory> {
        self.contexts.iter().find(|c| c.context == name)
    }

    /// Every migration file: path (relative to the output) and text, named by `naming`.
    pub fn files(&self, naming: impl Fn(&str) -> Naming) -> Vec<(String, String)> {
        self.contexts
            .iter()
            .flat_map(|c| {
                let naming = naming(&c.context);
                c.migrations.iter().map(move |m| {
                    (
                        files::path(&c.context, naming, m.version, &m.name),
                        m.sql.clone(),
                    )
                })
            })
            .collect()
    }
}

/// The history after bringing `old` up to `schema`: a context's migrations stay as they are, and
/// one more is added where its schema differs from the last one's. `taken(context)` is the
/// highest version already in use in its migrations directory (a file of the user's included), so
/// that a new one never reuses a version; `naming(context)` names its files. A context that is no
/// longer relational is dropped.
pub fn advance(
    old: &History,
    schema: &SystemSchema,
    taken: impl Fn(&str) -> u32,
    naming: impl Fn(&str) -> Naming,
) -> Result<Advanced, HistoryError> {
    let mut history = History::default();
    let mut planned = Vec::new();
    for ctx in &schema.contexts {
        let mut migrations = old
            .context(&ctx.context)
            .map(|c| c.migrations.clone())
            .unwrap_or_default();
        let last = migrations.last().map(|m| &m.schema);
        if let Some(last) = last
            && last.dialect != ctx.dialect
        {
            return Err(HistoryError::DialectChanged {
                context: ctx.context.clone(),
                from: last.dialect,
                to: ctx.dialect,
            });
        }
        let changes = diff(last, ctx);
        if !changes.is_empty() {
            let version = migrations
                .last()
                .map_or(0, |m| m.version)
                .max(taken(&ctx.context))
                + 1;
            let name = if migrations.is_empty() {
                "initial".to_owned()
            } else {
                name_of(&changes)
            };
            let sql = render(ctx, version, &changes);
            planned.push(Planned {
                context: ctx.context.clone(),
                version,
                file: files::path(&ctx.context, naming(&ctx.context), version, &name),
                name: name.clone(),
                risks: changes.iter().filter_map(Change::risk).collect(),
                changes,
            });
            migrations.push(Migration {
                version,
                name,
                sql,
                schema: ctx.clone(),
            });
        }
        if !migrations.is_empty() {
            history.contexts.push(ContextHistory {
                context: ctx.context.clone(),
                migrations,
            });
        }
    }
    Ok(Advanced { history, planned })
}

/// The first change's slug, `_and_more` when there are more (Django's convention), at most
/// `MAX_NAME` long.
fn name_of(changes: &[Change]) -> String {
    let first = changes.first().map(Change::slug).unwrap_or_default();
    let suffix = if changes.len() > 1 { "_and_more" } else { "" };
    let mut name = first;
    name.truncate(MAX_NAME - suffix.len());
    let mut name = name.trim_end_matches('_').to_owned();
    name.push_str(suffix);
    name
}

/// The text of a migration file.
fn render(ctx: &ContextSchema, version: u32, changes: &[Change]) -> String {
    let database = match ctx.dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL/MariaDB",
    };
    let body = statements(changes, ctx.dialect);
    format!(
        "-- Migration {version} of context `{}` ({database}), generated by msaforge from the spec.\n\
         -- msaforge never rewrites it: a later change of the spec gets a migration of its own.\n\n{}\n",
        ctx.context,
        body.join("\n\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::schema_of;
    use crate::migrate::testing::{spec, spec_with};

    fn none(_: &str) -> u32 {
        0
    }

    #[test]
    fn a_first_run_writes_the_initial_migration_and_a_second_nothing() {
        let schema = schema_of(&spec("postgres", "[{ name: shelves, type: Shelf }, notes]"));
        let first = advance(&History::default(), &schema, none, |_| Naming::Sqlx).expect("advance");
        assert_eq!(first.planned.len(), 1);
        let files = first.history.files(|_| Naming::Sqlx);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "services/placement/migrations/0001_initial.sql");
        assert!(
            files[0]
                .1
                .starts_with("-- Migration 1 of context `placement` (PostgreSQL)")
        );
        assert!(files[0].1.contains("CREATE TABLE \"shelves\""));
        let parsed = History::parse(&first.history.to_text()).expect("parse");
        assert_eq!(parsed, first.history);
        let again = advance(&parsed, &schema, none, |_| Naming::Sqlx).expect("advance");
        assert!(again.planned.is_empty());
        assert_eq!(again.history, first.history);
    }

    #[test]
    fn a_change_appends_a_migration_after_the_taken_versions_and_keeps_the_old_ones() {
        let types = |extra: &str| {
            format!(
                "
      - name: Shelf
        aggregate: true
        fields:
          - {{ name: id, type: uuid }}{extra}"
            )
        };
        let tables = "[{ name: shelves, type: Shelf }]";
        let v1 = schema_of(&spec_with("mysql", tables, &types("")));
        let first = advance(&History::default(), &v1, none, |_| Naming::Flyway).expect("first");
        let v2 = schema_of(&spec_with(
            "mysql",
            tables,
            &types("\n          - { name: label, type: string, optional: true }"),
        ));
        let second = advance(&first.history, &v2, |_| 3, |_| Naming::Flyway).expect("second");
        let files = second.history.files(|_| Naming::Flyway);
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "services/placement/migrations/V1__initial.sql",
                "services/placement/migrations/V4__add_shelves_label.sql"
            ]
        );
        assert_eq!(files[0].1, first.history.files(|_| Naming::Flyway)[0].1);
        assert!(
            files[1]
                .1
                .ends_with("ALTER TABLE `shelves` ADD COLUMN `label` TEXT;\n")
        );
        let pg = schema_of(&spec_with("postgres", tables, &types("")));
        assert!(matches!(
            advance(&second.history, &pg, none, |_| Naming::Sqlx),
            Err(HistoryError::DialectChanged { .. })
        ));
    }

    #[test]
    fn names_are_short_and_say_there_is_more() {
        let long = "a".repeat(70);
        let change = |column: &str| Change::DropColumn {
            table: "t".into(),
            column: crate::migrate::Column {
                field: column.into(),
                name: column.into(),
                kind: crate::migrate::ColumnKind::Int,
                nullable: false,
            },
        };
        assert_eq!(name_of(&[change("x")]), "drop_t_x");
        assert_eq!(name_of(&[change("x"), change("y")]), "drop_t_x_and_more");
        assert_eq!(name_of(&[change(&long)]).len(), MAX_NAME);
    }
}
