//! What a change of the schema means for the data: one line for people (`describe`), and what it
//! would lose or fail on in a table that holds rows (`Risk`). A widening type change, an optional
//! column, or a required one whose kind has an obvious zero value is safe; the rest is a risk,
//! refused unless the user allows it.

use serde::Serialize;

use super::diff::Change;
use super::mapping::{Column, ColumnKind};

impl Change {
    /// One line for people: `add column shelves.label (string, required: existing rows get '')`.
    pub fn describe(&self) -> String {
        let t = self.table();
        let required = |c: &Column| match (c.nullable, zero(&c.kind)) {
            (true, _) => "optional".to_owned(),
            (false, Some(value)) => format!("required: existing rows get {value}"),
            (false, None) => "required".to_owned(),
        };
        match self {
            Change::CreateTable { table } => format!(
                "create table {t} (`{}`, key {}, {} columns)",
                table.type_name,
                table.key,
                table.columns.len()
            ),
            Change::DropTable { .. } => format!("drop table {t}"),
            Change::CreateMessaging { messaging } => {
                format!("create table {t} ({})", messaging.purpose())
            }
            Change::AddColumn { column, .. } => format!(
                "add column {t}.{} ({}, {})",
                column.name,
                column.kind.label(),
                required(column)
            ),
            Change::DropColumn { column, .. } => format!("drop column {t}.{}", column.name),
            Change::AlterColumn { from, to, .. } => {
                let mut what = Vec::new();
                if from.kind != to.kind {
                    what.push(format!(
                        "{} -> {}",
                        kind_text(&from.kind),
                        kind_text(&to.kind)
                    ));
                }
                if from.nullable != to.nullable {
                    what.push(if to.nullable {
                        "optional".to_owned()
                    } else {
                        required(to)
                    });
                }
                if what.is_empty() {
                    what.push("key type".to_owned());
                }
                format!("change column {t}.{}: {}", to.name, what.join(", "))
            }
            Change::ChangeKey { from, to, .. } => {
                format!("move the primary key of {t} from {from} to {to}")
            }
        }
    }

    /// What applying this change risks on a database that holds rows, if anything.
    pub fn risk(&self) -> Option<Risk> {
        let t = self.table();
        let at = |column: &str| Risk {
            table: t.to_owned(),
            column: Some(column.to_owned()),
            what: String::new(),
        };
        let (mut risk, what) = match self {
            Change::DropTable { table } => (
                Risk {
                    table: t.to_owned(),
                    column: None,
                    what: String::new(),
                },
                format!(
                    "table `{t}` is dropped: every stored `{}` goes",
                    table.type_name
                ),
            ),
            Change::DropColumn { column, .. } => (
                at(&column.name),
                format!(
                    "column `{t}.{}` is dropped: the value of field `{}` in every row goes",
                    column.name, column.field
                ),
            ),
            Change::AddColumn { column, .. }
                if !column.nullable && zero(&column.kind).is_none() =>
            {
                (
                    at(&column.name),
                    format!(
                        "the new required column `{t}.{}` ({}) has no default value: adding it fails while `{t}` holds rows (make the field optional, or fill the table yourself)",
                        column.name,
                        column.kind.label()
                    ),
                )
            }
            Change::CreateTable { .. }
            | Change::AddColumn { .. }
            | Change::CreateMessaging { .. } => return None,
            Change::AlterColumn { from, to, .. } => {
                let what = if !widens(&from.kind, &to.kind) {
                    narrowing(t, from, to)
                } else if from.nullable && !to.nullable && zero(&to.kind).is_none() {
                    format!(
                        "column `{t}.{}` becomes required ({} has no default value): rows where it is NULL stop the migration",
                        to.name,
                        to.kind.label()
                    )
                } else {
                    return None;
                };
                (at(&to.name), what)
            }
            Change::ChangeKey { from, to, .. } => (
                at(to),
                format!(
                    "the primary key of `{t}` moves from `{from}` to `{to}`: duplicate or NULL values of `{to}` stop the migration, and whatever refers to rows by `{from}` breaks"
                ),
            ),
        };
        risk.what = what;
        Some(risk)
    }
}

/// A kind with an enum's values: `enum [open, full]`.
fn kind_text(kind: &ColumnKind) -> String {
    match kind {
        ColumnKind::Enum { values } => format!("enum [{}]", values.join(", ")),
        other => other.label().to_owned(),
    }
}

fn narrowing(t: &str, from: &Column, to: &Column) -> String {
    match (&from.kind, &to.kind) {
        (ColumnKind::Enum { values: old }, ColumnKind::Enum { values: new }) => {
            let gone: Vec<&str> = old
                .iter()
                .filter(|v| !new.contains(v))
                .map(String::as_str)
                .collect();
            format!(
                "column `{t}.{}` loses the enum value(s) {}: rows holding them stop the migration",
                to.name,
                gone.join(", ")
            )
        }
        _ => format!(
            "column `{t}.{}` changes from {} to {}, which cannot hold every value: rows that do not convert stop the migration or lose precision",
            to.name,
            from.kind.label(),
            to.kind.label()
        ),
    }
}

/// A change that loses data, or that fails on a table holding rows: refused unless allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub table: String,
    pub column: Option<String>,
    /// One sentence: what goes, or what stops the migration.
    pub what: String,
}

/// Whether every value of `from` converts to `to` without loss (same kind included).
pub fn widens(from: &ColumnKind, to: &ColumnKind) -> bool {
    use ColumnKind as K;
    match (from, to) {
        (K::Enum { values: old }, K::Enum { values: new }) => old.iter().all(|v| new.contains(v)),
        (a, b) if a == b => true,
        (K::Int, K::Long | K::Decimal)
        | (K::Int | K::Long | K::Decimal | K::Uuid | K::Date | K::Enum { .. }, K::Text)
        | (K::Date, K::Datetime) => true,
        _ => false,
    }
}

/// The value existing rows get when a column becomes required, for kinds that have an obvious
/// one (SQL literal, both dialects); `None` for the others, which cannot be made up.
pub fn zero(kind: &ColumnKind) -> Option<&'static str> {
    match kind {
        ColumnKind::Text => Some("''"),
        ColumnKind::Int | ColumnKind::Long | ColumnKind::Decimal => Some("0"),
        ColumnKind::Bool => Some("FALSE"),
        _ => None,
    }
}

impl ColumnKind {
    /// The spec's name of the kind (`json` for a nested type or a list).
    pub fn label(&self) -> &'static str {
        match self {
            ColumnKind::Uuid => "uuid",
            ColumnKind::Text => "string",
            ColumnKind::Int => "int",
            ColumnKind::Long => "long",
            ColumnKind::Bool => "bool",
            ColumnKind::Decimal => "decimal",
            ColumnKind::Date => "date",
            ColumnKind::Datetime => "datetime",
            ColumnKind::Enum { .. } => "enum",
            ColumnKind::Json => "json",
        }
    }
}
