//! The SQL of a schema, per dialect: column types, `CREATE TABLE` with its constraints, and the
//! names of those constraints. Deterministic text: the same schema always renders the same bytes.

use super::mapping::{Column, ColumnKind, ContextSchema, TableSchema};
use super::{Dialect, literal};
use crate::digest;

/// The longest identifier both dialects keep whole (PostgreSQL: 63 bytes, MySQL: 64).
const MAX_IDENT: usize = 63;

/// A column's SQL type; `key` when it is the table's primary key.
pub fn sql_type(kind: &ColumnKind, dialect: Dialect, key: bool) -> String {
    use ColumnKind as K;
    use Dialect::{Mysql, Postgres};
    match (kind, dialect) {
        (K::Uuid, Postgres) => "UUID",
        (K::Uuid, Mysql) => "CHAR(36)",
        (K::Text, Mysql) if key => "VARCHAR(255)",
        (K::Text | K::Enum { .. }, Postgres) | (K::Text, Mysql) => "TEXT",
        (K::Enum { .. }, Mysql) => "VARCHAR(64)",
        (K::Int, Postgres) => "INTEGER",
        (K::Int, Mysql) => "INT",
        (K::Long, _) => "BIGINT",
        (K::Bool, _) => "BOOLEAN",
        (K::Decimal, Postgres) => "NUMERIC(19,4)",
        (K::Decimal, Mysql) => "DECIMAL(19,4)",
        (K::Date, _) => "DATE",
        (K::Datetime, Postgres) => "TIMESTAMPTZ",
        (K::Datetime, Mysql) => "DATETIME(6)",
        (K::Json, Postgres) => "JSONB",
        (K::Json, Mysql) => "JSON",
    }
    .to_owned()
}

/// A constraint's name: `<table>_<suffix>`, shortened with a hash when longer than both dialects
/// keep (so that two long names never collide after truncation).
pub fn constraint_name(table: &str, suffix: &str) -> String {
    let name = format!("{table}_{suffix}");
    if name.len() <= MAX_IDENT {
        return name;
    }
    let hash = &digest::hash(name.as_bytes())["sha256:".len()..][..8];
    format!("{}_{hash}", &name[..MAX_IDENT - 9])
}

/// The name of the primary key constraint of a table.
pub fn key_constraint(table: &str) -> String {
    constraint_name(table, "pkey")
}

/// The name of the `CHECK` constraint of an enum column.
pub fn check_constraint(table: &str, column: &str) -> String {
    constraint_name(table, &format!("{column}_check"))
}

/// A column as it appears in `CREATE TABLE` or `ADD COLUMN`: name, type, `NOT NULL`.
pub fn column_definition(column: &Column, dialect: Dialect, key: bool) -> String {
    let null = if column.nullable { "" } else { " NOT NULL" };
    format!(
        "{} {}{null}",
        dialect.quote(&column.name),
        sql_type(&column.kind, dialect, key)
    )
}

/// The `CHECK` expression of an enum column (`None` for other kinds).
pub fn check_expression(column: &Column, dialect: Dialect) -> Option<String> {
    let ColumnKind::Enum { values } = &column.kind else {
        return None;
    };
    let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
    Some(format!(
        "{} IN ({})",
        dialect.quote(&column.name),
        values.join(", ")
    ))
}

/// `CONSTRAINT "<table>_<column>_check" CHECK (...)` of an enum column.
pub fn check_clause(table: &str, column: &Column, dialect: Dialect) -> Option<String> {
    let expr = check_expression(column, dialect)?;
    Some(format!(
        "CONSTRAINT {} CHECK ({expr})",
        dialect.quote(&check_constraint(table, &column.name))
    ))
}

/// The table options MySQL needs for the contract: InnoDB, full UTF-8 and binary (case- and
/// accent-sensitive) comparison, so that keys compare as they do in PostgreSQL.
const MYSQL_TABLE_OPTIONS: &str = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/// `CREATE TABLE` of one table, one line per column and constraint, ending in `;`.
pub fn create_table(table: &TableSchema, dialect: Dialect) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_definition(c, dialect, c.name == table.key))
        .collect();
    lines.push(format!(
        "CONSTRAINT {} PRIMARY KEY ({})",
        dialect.quote(&key_constraint(&table.name)),
        dialect.quote(&table.key)
    ));
    lines.extend(
        table
            .columns
            .iter()
            .filter_map(|c| check_clause(&table.name, c, dialect)),
    );
    let options = match dialect {
        Dialect::Postgres => "",
        Dialect::Mysql => MYSQL_TABLE_OPTIONS,
    };
    format!(
        "CREATE TABLE {} (\n    {}\n){options};",
        dialect.quote(&table.name),
        lines.join(",\n    ")
    )
}

/// `DROP TABLE`.
pub fn drop_table(table: &str, dialect: Dialect) -> String {
    format!("DROP TABLE {};", dialect.quote(table))
}

/// The statements of a context's first migration: every table, in spec order, then the events
/// tables.
pub fn create_schema(schema: &ContextSchema) -> Vec<String> {
    schema
        .tables
        .iter()
        .map(|t| create_table(t, schema.dialect))
        .chain(
            schema
                .messaging
                .iter()
                .flat_map(|m| m.create(schema.dialect)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::schema_of;
    use crate::migrate::testing::spec;

    fn created(store: &str) -> String {
        let spec = spec(store, "[{ name: shelves, type: Shelf }, legacy_notes]");
        create_schema(&schema_of(&spec).contexts[0]).join("\n\n")
    }

    #[test]
    fn postgres_create_table() {
        insta::assert_snapshot!(created("postgres"), @r#"
        CREATE TABLE "shelves" (
            "id" UUID NOT NULL,
            "room_code" TEXT NOT NULL,
            "capacity" INTEGER NOT NULL,
            "used_meters" NUMERIC(19,4),
            "serial" BIGINT NOT NULL,
            "sealed" BOOLEAN NOT NULL,
            "opened_on" DATE,
            "checked_at" TIMESTAMPTZ NOT NULL,
            "status" TEXT NOT NULL,
            "location" JSONB,
            "tags" JSONB NOT NULL,
            "boxes" JSONB NOT NULL,
            CONSTRAINT "shelves_pkey" PRIMARY KEY ("id"),
            CONSTRAINT "shelves_status_check" CHECK ("status" IN ('open', 'full'))
        );
        "#);
    }

    #[test]
    fn mysql_create_table() {
        insta::assert_snapshot!(created("mysql"), @r"
        CREATE TABLE `shelves` (
            `id` CHAR(36) NOT NULL,
            `room_code` TEXT NOT NULL,
            `capacity` INT NOT NULL,
            `used_meters` DECIMAL(19,4),
            `serial` BIGINT NOT NULL,
            `sealed` BOOLEAN NOT NULL,
            `opened_on` DATE,
            `checked_at` DATETIME(6) NOT NULL,
            `status` VARCHAR(64) NOT NULL,
            `location` JSON,
            `tags` JSON NOT NULL,
            `boxes` JSON NOT NULL,
            CONSTRAINT `shelves_pkey` PRIMARY KEY (`id`),
            CONSTRAINT `shelves_status_check` CHECK (`status` IN ('open', 'full'))
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
        ");
    }

    #[test]
    fn a_string_key_is_a_varchar_in_mysql_only() {
        let text = ColumnKind::Text;
        assert_eq!(sql_type(&text, Dialect::Mysql, true), "VARCHAR(255)");
        assert_eq!(sql_type(&text, Dialect::Mysql, false), "TEXT");
        assert_eq!(sql_type(&text, Dialect::Postgres, true), "TEXT");
    }

    #[test]
    fn identifiers_are_quoted_and_long_constraint_names_shortened_uniquely() {
        assert_eq!(Dialect::Postgres.quote("order"), "\"order\"");
        assert_eq!(Dialect::Mysql.quote("a`b"), "`a``b`");
        let table = "a".repeat(60);
        let one = check_constraint(&table, "status_of_the_thing");
        let two = check_constraint(&table, "status_of_the_other");
        assert_eq!((one.len(), two.len()), (MAX_IDENT, MAX_IDENT));
        assert_ne!(one, two);
        assert_eq!(key_constraint("shelves"), "shelves_pkey");
    }
}
