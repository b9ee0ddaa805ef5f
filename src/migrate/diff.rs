//! The difference between the schema the last migration produced and the one the spec asks for,
//! as changes to make (the way Django's makemigrations compares models with its migration state),
//! and which of them would lose data or stop on rows a table holds (`Risk`).
//!
//! Tables and columns are matched by name: a renamed field is a dropped column and a new one.

use serde::Serialize;

use super::mapping::{Column, ColumnKind, ContextSchema, TableSchema};

/// One change of a context's schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    CreateTable {
        table: TableSchema,
    },
    /// The table as it was.
    DropTable {
        table: TableSchema,
    },
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    /// Its kind or nullability changes (`key`: whether it is the key after the change, which
    /// decides its type in MySQL).
    AlterColumn {
        table: String,
        from: Column,
        to: Column,
        was_key: bool,
        key: bool,
    },
    /// The primary key moves to another column.
    ChangeKey {
        table: String,
        from: String,
        to: String,
    },
}

impl Change {
    pub fn table(&self) -> &str {
        match self {
            Change::CreateTable { table } | Change::DropTable { table } => &table.name,
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::ChangeKey { table, .. } => table,
        }
    }

    /// A snake_case description, for the migration's file name: `add_shelves_label`.
    pub fn slug(&self) -> String {
        let t = self.table();
        match self {
            Change::CreateTable { .. } => format!("create_{t}"),
            Change::DropTable { .. } => format!("drop_{t}"),
            Change::AddColumn { column, .. } => format!("add_{t}_{}", column.name),
            Change::DropColumn { column, .. } => format!("drop_{t}_{}", column.name),
            Change::AlterColumn { to, .. } => format!("alter_{t}_{}", to.name),
            Change::ChangeKey { .. } => format!("alter_{t}_key"),
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
            Change::CreateTable { .. } | Change::AddColumn { .. } => return None,
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

/// The changes from `old` (the last migration's state; `None` before the first) to `new`:
/// dropped tables, then each kept table's changes in the new spec order, then new tables.
pub fn diff(old: Option<&ContextSchema>, new: &ContextSchema) -> Vec<Change> {
    let old_tables: &[TableSchema] = old.map_or(&[], |o| &o.tables);
    let mut out: Vec<Change> = old_tables
        .iter()
        .filter(|t| new.table(&t.name).is_none())
        .map(|t| Change::DropTable { table: t.clone() })
        .collect();
    let mut created = Vec::new();
    for table in &new.tables {
        match old_tables.iter().find(|t| t.name == table.name) {
            Some(before) => out.extend(diff_table(before, table)),
            None => created.push(Change::CreateTable {
                table: table.clone(),
            }),
        }
    }
    out.extend(created);
    out
}

fn diff_table(old: &TableSchema, new: &TableSchema) -> Vec<Change> {
    let name = || new.name.clone();
    let mut out: Vec<Change> = old
        .columns
        .iter()
        .filter(|c| new.column(&c.name).is_none())
        .map(|c| Change::DropColumn {
            table: name(),
            column: c.clone(),
        })
        .collect();
    for column in &new.columns {
        let Some(before) = old.column(&column.name) else {
            out.push(Change::AddColumn {
                table: name(),
                column: column.clone(),
            });
            continue;
        };
        let (was_key, key) = (before.name == old.key, column.name == new.key);
        let same_kind = match (&before.kind, &column.kind) {
            // The order of an enum's values means nothing to the database.
            (ColumnKind::Enum { values: a }, ColumnKind::Enum { values: b }) => {
                a.len() == b.len() && a.iter().all(|v| b.contains(v))
            }
            (a, b) => a == b,
        };
        if !same_kind || before.nullable != column.nullable || was_key != key {
            out.push(Change::AlterColumn {
                table: name(),
                from: before.clone(),
                to: column.clone(),
                was_key,
                key,
            });
        }
    }
    if old.key != new.key {
        out.push(Change::ChangeKey {
            table: name(),
            from: old.key.clone(),
            to: new.key.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::schema_of;
    use crate::migrate::tests::spec_with;

    fn schema(fields: &str) -> ContextSchema {
        let types = format!(
            "
      - name: Shelf
        aggregate: true
        fields:
          - {{ name: id, type: uuid }}{fields}"
        );
        let spec = spec_with("postgres", "[{ name: shelves, type: Shelf }]", &types);
        schema_of(&spec).contexts.remove(0)
    }

    fn risks(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .filter_map(Change::risk)
            .map(|r| r.what)
            .collect()
    }

    #[test]
    fn the_same_schema_needs_no_change_and_a_first_one_creates_every_table() {
        let s = schema("\n          - { name: label, type: string }");
        assert!(diff(Some(&s), &s).is_empty());
        assert!(
            matches!(&diff(None, &s)[..], [Change::CreateTable { table }] if table.name == "shelves")
        );
    }

    #[test]
    fn added_fields_are_safe_when_optional_or_with_a_default() {
        let old = schema("");
        let new = schema(
            "
          - { name: label, type: string }
          - { name: note, type: uuid, optional: true }",
        );
        let changes = diff(Some(&old), &new);
        let slugs: Vec<String> = changes.iter().map(Change::slug).collect();
        assert_eq!(slugs, ["add_shelves_label", "add_shelves_note"]);
        assert!(risks(&changes).is_empty());
        let required = schema("\n          - { name: placedAt, type: datetime }");
        let what = risks(&diff(Some(&old), &required));
        assert_eq!(what.len(), 1);
        assert!(
            what[0].contains("`shelves.placed_at` (datetime) has no default"),
            "{what:?}"
        );
    }

    #[test]
    fn widening_is_safe_and_narrowing_or_dropping_is_a_risk() {
        let int = schema("\n          - { name: size, type: int }");
        let long = schema("\n          - { name: size, type: long }");
        let text = schema("\n          - { name: size, type: string }");
        assert!(risks(&diff(Some(&int), &long)).is_empty());
        assert!(risks(&diff(Some(&long), &text)).is_empty());
        let narrowed = risks(&diff(Some(&long), &int));
        assert!(narrowed[0].contains("from long to int"), "{narrowed:?}");
        let dropped = risks(&diff(Some(&int), &schema("")));
        assert!(
            dropped[0].contains("`shelves.size` is dropped"),
            "{dropped:?}"
        );
        let table = diff(
            Some(&int),
            &ContextSchema {
                tables: vec![],
                ..int.clone()
            },
        );
        assert!(risks(&table)[0].contains("every stored `Shelf` goes"));
    }

    #[test]
    fn enum_values_may_be_added_or_reordered_but_not_removed() {
        let two = schema("\n          - { name: state, type: enum, values: [open, full] }");
        let swapped = schema("\n          - { name: state, type: enum, values: [full, open] }");
        let three = schema("\n          - { name: state, type: enum, values: [open, full, shut] }");
        assert!(diff(Some(&two), &swapped).is_empty());
        assert_eq!(diff(Some(&two), &three).len(), 1);
        assert!(risks(&diff(Some(&two), &three)).is_empty());
        let lost = risks(&diff(Some(&three), &two));
        assert!(lost[0].contains("loses the enum value(s) shut"), "{lost:?}");
    }

    #[test]
    fn a_column_made_required_needs_a_default() {
        let optional = schema("\n          - { name: size, type: int, optional: true }");
        let required = schema("\n          - { name: size, type: int }");
        assert!(risks(&diff(Some(&optional), &required)).is_empty());
        let day = schema("\n          - { name: day, type: date, optional: true }");
        let day_required = schema("\n          - { name: day, type: date }");
        let what = risks(&diff(Some(&day), &day_required));
        assert!(what[0].contains("becomes required"), "{what:?}");
        assert!(risks(&diff(Some(&required), &optional)).is_empty());
    }
}
