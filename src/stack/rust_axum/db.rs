//! What `rust-axum` templates see as `ctx.rust.db`: the database a service connects to and, for
//! postgres and mysql, one repository per stored aggregate with its SQL and the Rust expressions
//! that bind each field and decode each column.
//!
//! Pure data from the checked `Spec`; the tables and columns are those of the migrations
//! (`migrate::context_schema`), so the SQL here and the DDL there always agree. No I/O.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::migrate::{self, ColumnKind, Dialect, TableSchema};
use crate::spec::model::Store;
use crate::spec::resolve::Context;
use crate::stack::sql::{self, Placeholders, RepoSql, SqlColumn};

#[derive(Debug, Serialize)]
pub struct RustDbView {
    /// `postgres`, `mysql`, `mongodb` or `redis`.
    pub dialect: &'static str,
    /// postgres or mysql: sqlx, migrations, repositories.
    pub sql: bool,
    /// It has migration files (`migrations/`), applied at startup.
    pub migrations: bool,
    pub repositories: Vec<RustRepoView>,
}

#[derive(Debug, Serialize)]
pub struct RustRepoView {
    pub table: String,
    pub type_name: String,
    /// `ShelfRepository`.
    pub repo: String,
    /// The accessor on `Tx` and `Conn`: the table's name in snake_case (`tx.shelves()`).
    pub accessor: String,
    /// A variable name for one value: `shelf`.
    pub var: String,
    /// The decode function: `decode_shelf`.
    pub decode: String,
    /// The key's field name as written in the spec.
    pub key_field: String,
    /// The key's Rust type (`uuid::Uuid`).
    pub key_type: String,
    /// How `key: &KeyType` is bound.
    pub key_bind: String,
    pub columns: Vec<RustColumnView>,
    pub sql: RepoSql,
}

#[derive(Debug, Serialize)]
pub struct RustColumnView {
    pub column: String,
    pub rust_name: String,
    pub key: bool,
    /// Binds the field of `v` (`&v.room_code`, `to_json(&v.slots)?`).
    pub bind: String,
    /// Decodes column `i` of `row` into the field's type.
    pub decode: String,
}


/// How a field travels between Rust and its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// sqlx encodes and decodes the Rust type itself (decimals: `String`, cast in SQL).
    Direct,
    /// Text through serde: enums, and UUIDs in MySQL's `CHAR(36)`.
    Text,
    /// A nested type or list: JSON text.
    Json,
}

/// The database view of context `c`, `None` when it has no store. `rust_type(type, field)` is
/// the Rust type of a field, as the context's structs spell it.
pub fn view(c: &Context, rust_type: impl Fn(&str, &str) -> Option<String>) -> Option<RustDbView> {
    let dialect = match c.data.store {
        Store::None => return None,
        store => store.as_str(),
    };
    let schema = migrate::context_schema(c);
    let repositories: Vec<RustRepoView> = schema
        .iter()
        .flat_map(|s| s.tables.iter().map(move |t| (s.dialect, t)))
        .filter_map(|(d, t)| repository(t, d, &rust_type))
        .collect();
    Some(RustDbView {
        dialect,
        sql: schema.is_some(),
        migrations: schema.is_some_and(|s| !s.tables.is_empty()),
        repositories,
    })
}

fn repository(
    t: &TableSchema,
    d: Dialect,
    rust_type: &impl Fn(&str, &str) -> Option<String>,
) -> Option<RustRepoView> {
    let key = t.key_column()?;
    let key_type = rust_type(&t.type_name, &key.field)?;
    let mut columns = Vec::new();
    let mut sql_columns = Vec::new();
    for (i, col) in t.columns.iter().enumerate() {
        let k = kind(&col.kind, d);
        let optional = rust_type(&t.type_name, &col.field)?.starts_with("Option<");
        let is_key = col.name == t.key;
        sql_columns.push(SqlColumn {
            name: col.name.clone(),
            key: is_key,
            shape: sql::shape(&col.kind),
            as_text: true,
        });
        let rust_name = col.field.to_snake_case();
        columns.push(RustColumnView {
            column: col.name.clone(),
            bind: bind(&format!("v.{rust_name}"), k, optional, false),
            decode: decode(i, k, optional),
            rust_name,
            key: is_key,
        });
    }
    let name = t.type_name.to_snake_case();
    let placeholders = match d {
        Dialect::Postgres => Placeholders::Numbered,
        Dialect::Mysql => Placeholders::Question,
    };
    Some(RustRepoView {
        table: t.name.clone(),
        type_name: t.type_name.clone(),
        repo: format!("{}Repository", t.type_name.to_upper_camel_case()),
        accessor: t.name.to_snake_case(),
        decode: format!("decode_{name}"),
        var: name,
        key_field: key.field.clone(),
        key_bind: bind("key", kind(&key.kind, d), false, true),
        key_type: key_type.trim_start_matches("Option<").trim_end_matches('>').to_owned(),
        sql: sql::repo_sql(&t.name, &sql_columns, d, placeholders),
        columns,
    })
}

fn kind(column: &ColumnKind, d: Dialect) -> Kind {
    match column {
        ColumnKind::Uuid if d == Dialect::Mysql => Kind::Text,
        ColumnKind::Enum { .. } => Kind::Text,
        ColumnKind::Json => Kind::Json,
        _ => Kind::Direct,
    }
}

/// The Rust expression binding `access` (a place of the field's type; `by_ref` when it is a
/// reference already).
fn bind(access: &str, k: Kind, optional: bool, by_ref: bool) -> String {
    let amp = if by_ref { "" } else { "&" };
    let convert = match k {
        Kind::Direct => return format!("{amp}{access}"),
        Kind::Text => "to_text",
        Kind::Json => "to_json",
    };
    if optional {
        format!("{access}.as_ref().map({convert}).transpose()?")
    } else {
        format!("{convert}({amp}{access})?")
    }
}

fn decode(i: usize, k: Kind, optional: bool) -> String {
    let convert = match k {
        Kind::Direct => return format!("row.try_get({i})?"),
        Kind::Text => "from_text",
        Kind::Json => "from_json",
    };
    if optional {
        format!("row.try_get::<Option<String>, _>({i})?.map({convert}).transpose()?")
    } else {
        format!("{convert}(row.try_get::<String, _>({i})?)?")
    }
}

#[cfg(test)]
mod tests {
    use crate::stack::rust_axum::view;

    use crate::stack::testing::shelf_spec as spec;

    fn db(store: &str) -> Option<super::RustDbView> {
        let spec = spec(store, "[{ name: shelves, type: Shelf }, notes]");
        view::context(&spec, 0).db
    }

    #[test]
    fn postgres_binds_natively_and_casts_decimals_and_json() {
        let db = db("postgres").expect("a database");
        assert!(db.sql && db.migrations);
        let repo = &db.repositories[0];
        assert_eq!(
            (repo.repo.as_str(), repo.accessor.as_str()),
            ("ShelfRepository", "shelves")
        );
        assert_eq!((repo.key_type.as_str(), repo.key_bind.as_str()), ("uuid::Uuid", "key"));
        let col = |name: &str| {
            let c = repo.columns.iter().find(|c| c.column == name).expect(name);
            (c.bind.as_str(), c.decode.as_str())
        };
        assert_eq!(col("id"), ("&v.id", "row.try_get(0)?"));
        assert_eq!(col("used_meters"), ("&v.used_meters", "row.try_get(3)?"));
        assert_eq!(
            col("status"),
            ("to_text(&v.status)?", "from_text(row.try_get::<String, _>(8)?)?")
        );
        assert_eq!(
            col("location"),
            (
                "v.location.as_ref().map(to_json).transpose()?",
                "row.try_get::<Option<String>, _>(9)?.map(from_json).transpose()?"
            )
        );
        assert!(repo.sql.get.contains(r#""used_meters"::text"#), "{}", repo.sql.get);
    }

    #[test]
    fn mysql_keeps_uuids_as_text_and_plain_stores_only_connect() {
        let db = db("mysql").expect("a database");
        let repo = &db.repositories[0];
        assert_eq!(repo.key_bind, "to_text(key)?");
        let id = &repo.columns[0];
        assert_eq!(id.decode, "from_text(row.try_get::<String, _>(0)?)?");
        assert!(repo.sql.insert.starts_with("INSERT INTO `shelves` (`id`, "), "{}", repo.sql.insert);
        for store in ["mongodb", "redis"] {
            let spec = spec(store, "[shelves]");
            let db = view::context(&spec, 0).db.expect("a store");
            assert!(!db.sql && !db.migrations && db.repositories.is_empty(), "{store}");
        }
    }
}

