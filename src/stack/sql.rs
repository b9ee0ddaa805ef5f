//! The SQL every stack's generated repositories run, from one description of a table: get by key,
//! insert, update, delete and a keyset page, per dialect and placeholder style. The tables and
//! columns come from `migrate::context_schema`, the mapping the migrations are written from, so a
//! repository and its table always agree.
//!
//! Pure strings from the checked `Spec`; which Rust or Java expression binds each parameter is
//! the business of each stack's view. No I/O.

use serde::Serialize;

use crate::migrate::{ColumnKind, Dialect};

/// How parameters are written: `$1` (sqlx on PostgreSQL) or `?` (sqlx on MySQL, and JDBC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholders {
    Numbered,
    Question,
}

/// What a column holds, as far as the SQL around it cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A nested type or a list, in a JSON column.
    Json,
    /// A decimal, in an exact numeric column.
    Decimal,
    /// Anything else.
    Plain,
}

/// The shape of a column of `kind`.
pub fn shape(kind: &ColumnKind) -> Shape {
    match kind {
        ColumnKind::Decimal => Shape::Decimal,
        ColumnKind::Json => Shape::Json,
        _ => Shape::Plain,
    }
}

/// A column as a repository's SQL sees it.
#[derive(Debug, Clone)]
pub struct SqlColumn {
    pub name: String,
    pub key: bool,
    pub shape: Shape,
    /// Read back as text (and written from text) when the stack's value is a string.
    pub as_text: bool,
}

#[derive(Debug, Serialize)]
pub struct RepoSql {
    pub get: String,
    /// Parameters: every column, in order.
    pub insert: String,
    /// Parameters: every column but the key, in order, then the key.
    pub update: String,
    pub delete: String,
    /// The first page: `... ORDER BY key LIMIT <limit>`.
    pub first: String,
    /// A page after a key: `... WHERE key > <key> ORDER BY key LIMIT <limit>`.
    pub after: String,
}

/// The statements of a repository of `table` with `columns` (exactly one of them the key).
pub fn repo_sql(table: &str, columns: &[SqlColumn], d: Dialect, p: Placeholders) -> RepoSql {
    let param = |n: usize, c: Option<&SqlColumn>| {
        let base = match p {
            Placeholders::Numbered => format!("${n}"),
            Placeholders::Question => "?".to_owned(),
        };
        match (c.map(|c| c.shape), d) {
            (Some(Shape::Json), Dialect::Postgres) => format!("{base}::jsonb"),
            (Some(Shape::Decimal), Dialect::Postgres) if c.is_some_and(|c| c.as_text) => {
                format!("{base}::numeric")
            }
            _ => base,
        }
    };
    let read = |c: &SqlColumn| {
        let q = d.quote(&c.name);
        let text = c.shape == Shape::Json || (c.as_text && c.shape == Shape::Decimal);
        match (text, d) {
            (true, Dialect::Postgres) => format!("{q}::text"),
            (true, Dialect::Mysql) => format!("CAST({q} AS CHAR)"),
            (false, _) => q,
        }
    };
    let key = columns.iter().find(|c| c.key);
    let key_col = key.map_or_else(String::new, |k| d.quote(&k.name));
    let select = columns.iter().map(read).collect::<Vec<_>>().join(", ");
    let table = d.quote(table);
    let names: Vec<String> = columns.iter().map(|c| d.quote(&c.name)).collect();
    let values: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| param(i + 1, Some(c)))
        .collect();
    let sets: Vec<String> = columns
        .iter()
        .filter(|c| !c.key)
        .enumerate()
        .map(|(i, c)| format!("{} = {}", d.quote(&c.name), param(i + 1, Some(c))))
        .collect();
    RepoSql {
        get: format!(
            "SELECT {select} FROM {table} WHERE {key_col} = {}",
            param(1, key)
        ),
        insert: format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        ),
        update: format!(
            "UPDATE {table} SET {} WHERE {key_col} = {}",
            sets.join(", "),
            param(sets.len() + 1, key)
        ),
        delete: format!("DELETE FROM {table} WHERE {key_col} = {}", param(1, key)),
        first: format!(
            "SELECT {select} FROM {table} ORDER BY {key_col} LIMIT {}",
            param(1, None)
        ),
        after: format!(
            "SELECT {select} FROM {table} WHERE {key_col} > {} ORDER BY {key_col} LIMIT {}",
            param(1, key),
            param(2, None)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(as_text: bool) -> Vec<SqlColumn> {
        let col = |name: &str, key, shape| SqlColumn {
            name: name.to_owned(),
            key,
            shape,
            as_text,
        };
        vec![
            col("id", true, Shape::Plain),
            col("width_mm", false, Shape::Decimal),
            col("slots", false, Shape::Json),
        ]
    }

    #[test]
    fn postgres_casts_json_and_text_decimals() {
        let sql = repo_sql(
            "boxes",
            &columns(true),
            Dialect::Postgres,
            Placeholders::Numbered,
        );
        assert_eq!(
            sql.insert,
            r#"INSERT INTO "boxes" ("id", "width_mm", "slots") VALUES ($1, $2::numeric, $3::jsonb)"#
        );
        assert_eq!(
            sql.update,
            r#"UPDATE "boxes" SET "width_mm" = $1::numeric, "slots" = $2::jsonb WHERE "id" = $3"#
        );
        assert_eq!(
            sql.after,
            r#"SELECT "id", "width_mm"::text, "slots"::text FROM "boxes" WHERE "id" > $1 ORDER BY "id" LIMIT $2"#
        );
    }

    #[test]
    fn jdbc_reads_decimals_as_numbers_and_mysql_casts_json() {
        let pg = repo_sql(
            "boxes",
            &columns(false),
            Dialect::Postgres,
            Placeholders::Question,
        );
        assert_eq!(
            pg.get,
            r#"SELECT "id", "width_mm", "slots"::text FROM "boxes" WHERE "id" = ?"#
        );
        let my = repo_sql(
            "boxes",
            &columns(false),
            Dialect::Mysql,
            Placeholders::Question,
        );
        assert_eq!(
            my.first,
            "SELECT `id`, `width_mm`, CAST(`slots` AS CHAR) FROM `boxes` ORDER BY `id` LIMIT ?"
        );
        assert_eq!(my.delete, "DELETE FROM `boxes` WHERE `id` = ?");
    }
}
