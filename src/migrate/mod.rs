//! The relational mapping of stored aggregates and its DDL: which table and columns each aggregate
//! table of a SQL context (`data.tables: [{name, type, key}]`, store `postgres` or `mysql`) gets,
//! and the SQL that creates them. Pure: no I/O, no printing; `generate` writes what this returns.
//!
//! # The contract (the generated repositories follow it too)
//! - One table per `{name, type, key}` entry, named `name`; one column per field of the type, in
//!   field order, named by the field's name in snake_case (`roomCode` -> `room_code`, the templates'
//!   `snake` filter); `PRIMARY KEY (key)` under the constraint name `<table>_pkey`.
//! - `NOT NULL` for every required field and the key; optional fields are nullable.
//! - Column types, PostgreSQL / MySQL and MariaDB:
//!
//!   | field      | PostgreSQL                  | MySQL / MariaDB                                  |
//!   |------------|-----------------------------|--------------------------------------------------|
//!   | `uuid`     | `UUID`                      | `CHAR(36)` (the lowercase hyphenated text form)   |
//!   | `string`   | `TEXT`                      | `VARCHAR(255)` as a key, `TEXT` otherwise         |
//!   | `int`      | `INTEGER`                   | `INT`                                            |
//!   | `long`     | `BIGINT`                    | `BIGINT`                                         |
//!   | `bool`     | `BOOLEAN`                   | `BOOLEAN`                                        |
//!   | `decimal`  | `NUMERIC(19,4)`             | `DECIMAL(19,4)`                                  |
//!   | `date`     | `DATE`                      | `DATE`                                           |
//!   | `datetime` | `TIMESTAMPTZ`               | `DATETIME(6)`, always UTC                        |
//!   | `enum`     | `TEXT` + `CHECK`            | `VARCHAR(64)` + `CHECK` (values are at most 64)   |
//!   | a type of the context, or any list (`T[]`, `string[]`) | `JSONB` | `JSON`                    |
//!
//!   An enum column holds the value as the spec spells it (`on-hold`), never a language's constant;
//!   its `CHECK` constraint is named `<table>_<column>_check`. A JSON column holds the field's JSON
//!   form as the service's API shows it.
//! - A plain table name (`tables: [notes]`) is declared and owned by the user's code: msaforge
//!   creates no DDL for it; the generated README says so, and the user writes its migration.
//! - Identifiers are always quoted (`"order"`, `` `order` ``), so reserved words are fine.
//!
//! The DDL of one schema is `ddl`; the mapping itself is `mapping`.

pub mod alter;
pub mod ddl;
pub mod diff;
pub mod files;
pub mod history;
pub mod mapping;
pub mod messaging;
pub mod risk;

use serde::{Deserialize, Serialize};

use crate::spec::model::Store;
pub use files::Naming;
pub use mapping::{
    Column, ColumnKind, ContextSchema, SystemSchema, TableSchema, column_name, context_schema,
    schema_of,
};

/// The SQL dialect of a context's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL 13 or later.
    Postgres,
    /// MySQL 8.0.19 or later, MariaDB 10.5 or later.
    Mysql,
}

impl Dialect {
    /// The dialect of a store; `None` for a store that is not relational.
    pub fn of(store: Store) -> Option<Self> {
        match store {
            Store::Postgres => Some(Dialect::Postgres),
            Store::Mysql => Some(Dialect::Mysql),
            Store::Mongodb | Store::Redis | Store::None => None,
        }
    }

    /// An identifier, quoted.
    pub fn quote(self, ident: &str) -> String {
        match self {
            Dialect::Postgres => format!("\"{}\"", ident.replace('"', "\"\"")),
            Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
        }
    }
}

/// A string literal (both dialects; values come from the spec's enum values).
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod testing;
