//! What `rust-axum` templates see as `ctx.rust.db`: the database a service connects to and, for
//! postgres and mysql, one repository per stored aggregate with its SQL and the Rust expressions
//! that bind each field and decode each column.
//!
//! Pure data from the checked `Spec`; the tables and columns are those of the migrations
//! (`migrate::schema_of`), so the SQL here and the DDL there always agree. No I/O.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::model::Store;
use crate::spec::resolve::{Context, FieldType, Scalar};
use crate::stack::sql::{self, Dialect, Placeholders, RepoSql, SqlColumn, Stored};

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
    let d = Dialect::of(c.data.store);
    let repositories: Vec<RustRepoView> = match d {
        Some(d) => sql::stored(c)
            .iter()
            .filter_map(|s| repository(s, d, &rust_type))
            .collect(),
        None => Vec::new(),
    };
    Some(RustDbView {
        dialect,
        sql: d.is_some(),
        migrations: !repositories.is_empty(),
        repositories,
    })
}

fn repository(
    s: &Stored<'_>,
    d: Dialect,
    rust_type: &impl Fn(&str, &str) -> Option<String>,
) -> Option<RustRepoView> {
    let key_type = rust_type(&s.ty.name, &s.key.name)?;
    let mut columns = Vec::new();
    let mut sql_columns = Vec::new();
    for (i, f) in s.ty.fields.iter().enumerate() {
        let k = kind(&f.ty, d);
        let rust_name = f.name.to_snake_case();
        let key = f.name == s.key.name;
        sql_columns.push(SqlColumn {
            name: sql::column_name(f),
            key,
            shape: sql::shape(&f.ty),
            as_text: true,
        });
        columns.push(RustColumnView {
            column: sql::column_name(f),
            bind: bind(&format!("v.{rust_name}"), k, f.optional, false),
            decode: decode(i, k, f.optional),
            rust_name,
            key,
        });
    }
    let name = s.table.type_name.to_snake_case();
    let placeholders = match d {
        Dialect::Postgres => Placeholders::Numbered,
        Dialect::Mysql => Placeholders::Question,
    };
    Some(RustRepoView {
        table: s.table.table.clone(),
        type_name: s.table.type_name.clone(),
        repo: format!("{}Repository", s.table.type_name.to_upper_camel_case()),
        accessor: s.table.table.to_snake_case(),
        decode: format!("decode_{name}"),
        var: name,
        key_field: s.key.name.clone(),
        key_type,
        key_bind: bind("key", kind(&s.key.ty, d), false, true),
        sql: sql::repo_sql(&s.table.table, &sql_columns, d, placeholders),
        columns,
    })
}

fn kind(ty: &FieldType, d: Dialect) -> Kind {
    match ty {
        FieldType::Scalar {
            scalar: Scalar::Uuid,
        } if d == Dialect::Mysql => Kind::Text,
        FieldType::Scalar { .. } => Kind::Direct,
        FieldType::Enum { .. } => Kind::Text,
        FieldType::Named { .. } | FieldType::List { .. } => Kind::Json,
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
