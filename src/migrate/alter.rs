//! The SQL of a list of changes (`diff`), per dialect: `ALTER TABLE` statements in an order that
//! works on both databases (constraints off before the columns they name change, on after).

use super::Dialect;
use super::ddl::check_constraint;
use super::ddl::{
    check_clause, column_definition, create_table, drop_table, key_constraint, sql_type,
};
use super::diff::Change;
use super::mapping::{Column, ColumnKind};
use super::risk::zero;

/// The statements of `changes` (each ending in `;`): per table, the key and the enum checks come
/// off, columns go, change and arrive, then the key and the checks come back; new tables last.
pub fn statements(changes: &[Change], dialect: Dialect) -> Vec<String> {
    let mut out = Vec::new();
    let mut tables: Vec<&str> = Vec::new();
    for change in changes {
        match change {
            Change::DropTable { table } => out.push(drop_table(&table.name, dialect)),
            Change::CreateTable { .. } | Change::CreateMessaging { .. } => {}
            _ if !tables.contains(&change.table()) => tables.push(change.table()),
            _ => {}
        }
    }
    for table in tables {
        let mine: Vec<&Change> = changes.iter().filter(|c| c.table() == table).collect();
        out.extend(table_statements(table, &mine, dialect));
    }
    out.extend(changes.iter().filter_map(|c| match c {
        Change::CreateTable { table } => Some(create_table(table, dialect)),
        _ => None,
    }));
    out.extend(changes.iter().flat_map(|c| match c {
        Change::CreateMessaging { messaging } => messaging.create(dialect),
        _ => Vec::new(),
    }));
    out
}

fn table_statements(table: &str, changes: &[&Change], d: Dialect) -> Vec<String> {
    let alter = |rest: String| format!("ALTER TABLE {} {rest};", d.quote(table));
    let mut off = Vec::new();
    let mut body = Vec::new();
    let mut on = Vec::new();
    let drop_check = |c: &Column| {
        matches!(c.kind, ColumnKind::Enum { .. }).then(|| {
            alter(format!(
                "DROP CONSTRAINT {}",
                d.quote(&check_constraint(table, &c.name))
            ))
        })
    };
    let add_check =
        |c: &Column| check_clause(table, c, d).map(|clause| alter(format!("ADD {clause}")));
    // A column added as the table's new key gets a key's type (MySQL: VARCHAR, not TEXT).
    let new_key = changes.iter().find_map(|c| match c {
        Change::ChangeKey { to, .. } => Some(to.as_str()),
        _ => None,
    });
    for change in changes {
        match change {
            Change::DropColumn { column, .. } => {
                off.extend(drop_check(column));
                body.push(alter(format!("DROP COLUMN {}", d.quote(&column.name))));
            }
            Change::AddColumn { column, .. } => {
                body.extend(add_column(
                    table,
                    column,
                    d,
                    new_key == Some(column.name.as_str()),
                ));
                on.extend(add_check(column));
            }
            Change::AlterColumn {
                from,
                to,
                was_key,
                key,
                ..
            } => {
                let checks_change = from.kind != to.kind;
                if checks_change {
                    off.extend(drop_check(from));
                    on.extend(add_check(to));
                }
                body.extend(alter_column(table, from, to, (*was_key, *key), d));
            }
            Change::ChangeKey { to, .. } => {
                off.push(match d {
                    Dialect::Postgres => alter(format!(
                        "DROP CONSTRAINT {}",
                        d.quote(&key_constraint(table))
                    )),
                    Dialect::Mysql => alter("DROP PRIMARY KEY".to_owned()),
                });
                on.insert(
                    0,
                    alter(format!(
                        "ADD CONSTRAINT {} PRIMARY KEY ({})",
                        d.quote(&key_constraint(table)),
                        d.quote(to)
                    )),
                );
            }
            Change::CreateTable { .. }
            | Change::DropTable { .. }
            | Change::CreateMessaging { .. } => {}
        }
    }
    off.into_iter().chain(body).chain(on).collect()
}

/// `ADD COLUMN`: a required column gets its kind's zero in the rows the table holds (without
/// one, it is added `NOT NULL` as it is: `diff` reports that as a risk).
fn add_column(table: &str, column: &Column, d: Dialect, key: bool) -> Vec<String> {
    let t = d.quote(table);
    let def = column_definition(column, d, key);
    match (column.nullable, zero(&column.kind), d) {
        (false, Some(value), Dialect::Postgres) => vec![
            format!("ALTER TABLE {t} ADD COLUMN {def} DEFAULT {value};"),
            format!(
                "ALTER TABLE {t} ALTER COLUMN {} DROP DEFAULT;",
                d.quote(&column.name)
            ),
        ],
        (false, Some(value), Dialect::Mysql) => {
            let nullable = Column {
                nullable: true,
                ..column.clone()
            };
            let c = d.quote(&column.name);
            vec![
                format!(
                    "ALTER TABLE {t} ADD COLUMN {};",
                    column_definition(&nullable, d, key)
                ),
                format!("UPDATE {t} SET {c} = {value};"),
                format!("ALTER TABLE {t} MODIFY COLUMN {def};"),
            ]
        }
        _ => vec![format!("ALTER TABLE {t} ADD COLUMN {def};")],
    }
}

/// A column's new type and nullability. Rows where a column made required is NULL get its kind's
/// zero when it has one.
fn alter_column(
    table: &str,
    from: &Column,
    to: &Column,
    (was_key, key): (bool, bool),
    d: Dialect,
) -> Vec<String> {
    let t = d.quote(table);
    let c = d.quote(&to.name);
    let mut out = Vec::new();
    if from.nullable
        && !to.nullable
        && let Some(value) = zero(&to.kind)
    {
        out.push(format!("UPDATE {t} SET {c} = {value} WHERE {c} IS NULL;"));
    }
    let (old_type, new_type) = (sql_type(&from.kind, d, was_key), sql_type(&to.kind, d, key));
    match d {
        Dialect::Postgres => {
            if old_type != new_type {
                let using = match (&from.kind, &to.kind) {
                    (ColumnKind::Json, _) => format!("({c} #>> '{{}}')::{new_type}"),
                    (_, ColumnKind::Json) => format!("to_jsonb({c})"),
                    (ColumnKind::Date, ColumnKind::Datetime) => {
                        format!("{c}::timestamp AT TIME ZONE 'UTC'")
                    }
                    _ => format!("{c}::{new_type}"),
                };
                out.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {c} TYPE {new_type} USING {using};"
                ));
            }
            if from.nullable != to.nullable {
                let set = if to.nullable { "DROP" } else { "SET" };
                out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} {set} NOT NULL;"));
            }
        }
        Dialect::Mysql => {
            if old_type != new_type || from.nullable != to.nullable {
                out.push(format!(
                    "ALTER TABLE {t} MODIFY COLUMN {};",
                    column_definition(to, d, key)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::diff::diff;
    use crate::migrate::schema_of;
    use crate::migrate::testing::spec_with;

    fn sql(store: &str, old: &str, new: &str) -> String {
        const TABLES: &str = "[{ name: shelves, type: Shelf }]";
        keyed_sql(store, (TABLES, old), (TABLES, new))
    }

    /// `sql` with the `tables` of each side.
    fn keyed_sql(store: &str, old: (&str, &str), new: (&str, &str)) -> String {
        let schema = |(tables, fields): (&str, &str)| {
            let types = format!(
                "
      - name: Shelf
        aggregate: true
        fields:
          - {{ name: id, type: uuid }}{fields}"
            );
            schema_of(&spec_with(store, tables, &types))
                .contexts
                .remove(0)
        };
        let (old, new) = (schema(old), schema(new));
        statements(&diff(Some(&old), &new), new.dialect).join("\n")
    }

    const OLD: &str = "
          - { name: size, type: int }
          - { name: note, type: string, optional: true }
          - { name: state, type: enum, values: [open] }
          - { name: gone, type: bool }";
    const NEW: &str = "
          - { name: size, type: long }
          - { name: note, type: string }
          - { name: state, type: enum, values: [open, full] }
          - { name: label, type: string }
          - { name: day, type: date, optional: true }";

    #[test]
    fn postgres_alterations() {
        insta::assert_snapshot!(sql("postgres", OLD, NEW), @r#"
        ALTER TABLE "shelves" DROP CONSTRAINT "shelves_state_check";
        ALTER TABLE "shelves" DROP COLUMN "gone";
        ALTER TABLE "shelves" ALTER COLUMN "size" TYPE BIGINT USING "size"::BIGINT;
        UPDATE "shelves" SET "note" = '' WHERE "note" IS NULL;
        ALTER TABLE "shelves" ALTER COLUMN "note" SET NOT NULL;
        ALTER TABLE "shelves" ADD COLUMN "label" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "shelves" ALTER COLUMN "label" DROP DEFAULT;
        ALTER TABLE "shelves" ADD COLUMN "day" DATE;
        ALTER TABLE "shelves" ADD CONSTRAINT "shelves_state_check" CHECK ("state" IN ('open', 'full'));
        "#);
    }

    #[test]
    fn mysql_alterations() {
        insta::assert_snapshot!(sql("mysql", OLD, NEW), @"
        ALTER TABLE `shelves` DROP CONSTRAINT `shelves_state_check`;
        ALTER TABLE `shelves` DROP COLUMN `gone`;
        ALTER TABLE `shelves` MODIFY COLUMN `size` BIGINT NOT NULL;
        UPDATE `shelves` SET `note` = '' WHERE `note` IS NULL;
        ALTER TABLE `shelves` MODIFY COLUMN `note` TEXT NOT NULL;
        ALTER TABLE `shelves` ADD COLUMN `label` TEXT;
        UPDATE `shelves` SET `label` = '';
        ALTER TABLE `shelves` MODIFY COLUMN `label` TEXT NOT NULL;
        ALTER TABLE `shelves` ADD COLUMN `day` DATE;
        ALTER TABLE `shelves` ADD CONSTRAINT `shelves_state_check` CHECK (`state` IN ('open', 'full'));
        ");
    }

    #[test]
    fn a_key_moved_to_a_new_string_column_gets_a_key_type() {
        let old = ("[{ name: shelves, type: Shelf }]", "");
        let new = (
            "[{ name: shelves, type: Shelf, key: code }]",
            "\n          - { name: code, type: string }",
        );
        insta::assert_snapshot!(keyed_sql("mysql", old, new), @"
        ALTER TABLE `shelves` DROP PRIMARY KEY;
        ALTER TABLE `shelves` ADD COLUMN `code` VARCHAR(255);
        UPDATE `shelves` SET `code` = '';
        ALTER TABLE `shelves` MODIFY COLUMN `code` VARCHAR(255) NOT NULL;
        ALTER TABLE `shelves` ADD CONSTRAINT `shelves_pkey` PRIMARY KEY (`code`);
        ");
        insta::assert_snapshot!(keyed_sql("postgres", old, new), @r#"
        ALTER TABLE "shelves" DROP CONSTRAINT "shelves_pkey";
        ALTER TABLE "shelves" ADD COLUMN "code" TEXT NOT NULL DEFAULT '';
        ALTER TABLE "shelves" ALTER COLUMN "code" DROP DEFAULT;
        ALTER TABLE "shelves" ADD CONSTRAINT "shelves_pkey" PRIMARY KEY ("code");
        "#);
    }
}
