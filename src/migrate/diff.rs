//! The difference between the schema the last migration produced and the one the spec asks for,
//! as changes to make (the way Django's makemigrations compares models with its migration state).
//! What each means for the data is `risk`.
//!
//! Tables and columns are matched by name: a renamed field is a dropped column and a new one.

use serde::Serialize;

use super::mapping::{Column, ColumnKind, ContextSchema, TableSchema};
use super::messaging::Messaging;

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
    /// The outbox or the inbox of its events (never dropped: see `messaging`).
    CreateMessaging {
        messaging: Messaging,
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
            Change::CreateMessaging { messaging } => messaging.table(),
        }
    }

    /// A snake_case description, for the migration's file name: `add_shelves_label`.
    pub fn slug(&self) -> String {
        let t = self.table();
        match self {
            Change::CreateTable { .. } | Change::CreateMessaging { .. } => format!("create_{t}"),
            Change::DropTable { .. } => format!("drop_{t}"),
            Change::AddColumn { column, .. } => format!("add_{t}_{}", column.name),
            Change::DropColumn { column, .. } => format!("drop_{t}_{}", column.name),
            Change::AlterColumn { to, .. } => format!("alter_{t}_{}", to.name),
            Change::ChangeKey { .. } => format!("alter_{t}_key"),
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
    let old_messaging: &[Messaging] = old.map_or(&[], |o| &o.messaging);
    out.extend(
        new.messaging
            .iter()
            .filter(|m| !old_messaging.contains(m))
            .map(|&messaging| Change::CreateMessaging { messaging }),
    );
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
    use crate::migrate::testing::spec_with;

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
