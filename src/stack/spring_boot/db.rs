//! What `spring-boot` templates see as `ctx.java.db`: the database a service connects to and, for
//! postgres and mysql, one repository per stored aggregate (Spring's `JdbcClient`) with its SQL
//! and the Java expressions that bind each field and read each column.
//!
//! Why `JdbcClient` and not Spring Data JDBC or JPA: the tables are the migrations' (nested types
//! and lists in JSON columns, enums as their wire values under a CHECK, keys assigned by the
//! application), which Spring Data's mapping would need a converter per type and `Persistable`
//! for; explicit SQL from `stack::sql` is the same in both stacks and joins Spring's
//! transactions (`@Transactional`) like any JDBC call. Pure data from the checked `Spec`.

use serde::Serialize;

use crate::spec::model::Store;
use crate::spec::resolve::{Context, FieldType, Scalar};
use crate::stack::sql::{self, Dialect, Placeholders, RepoSql, SqlColumn, Stored};

#[derive(Debug, Serialize)]
pub struct JavaDbView {
    /// `postgres`, `mysql`, `mongodb` or `redis`.
    pub dialect: &'static str,
    /// postgres or mysql: JDBC, Flyway, repositories.
    pub sql: bool,
    /// The JDBC URL's prefix: `jdbc:postgresql://`, `jdbc:mysql://`, or the store's scheme.
    pub url_prefix: &'static str,
    /// The store's port when the URL names none (mongodb and redis readiness).
    pub default_port: u16,
    pub repositories: Vec<JavaRepoView>,
}

#[derive(Debug, Serialize)]
pub struct JavaRepoView {
    pub table: String,
    pub type_name: String,
    /// `ShelfRepository`, nested in `Repositories`.
    pub class: String,
    /// The accessor on `Repositories`: the table's name in camelCase (`repositories.shelves()`).
    pub accessor: String,
    pub key_field: String,
    /// The key's Java type, boxed (`UUID`, `Long`).
    pub key_type: String,
    /// How `key` is bound.
    pub key_bind: String,
    pub columns: Vec<JavaColumnView>,
    pub sql: RepoSql,
}

#[derive(Debug, Serialize)]
pub struct JavaColumnView {
    pub column: String,
    pub key: bool,
    /// Binds the component of `v` (`v.roomCode()`, `toJson(v.slots())`).
    pub bind: String,
    /// Reads column `i` of `rs` into the component's type.
    pub read: String,
}

/// The database view of context `c`, `None` when it has no store. `java_type(type, field)` is a
/// field's Java type as the records spell it.
pub fn view(c: &Context, java_type: impl Fn(&str, &str) -> Option<String>) -> Option<JavaDbView> {
    let (url_prefix, default_port) = match c.data.store {
        Store::None => return None,
        Store::Postgres => ("jdbc:postgresql://", 5432),
        Store::Mysql => ("jdbc:mysql://", 3306),
        Store::Mongodb => ("mongodb://", 27017),
        Store::Redis => ("redis://", 6379),
    };
    let d = Dialect::of(c.data.store);
    let repositories = match d {
        Some(d) => sql::stored(c)
            .iter()
            .filter_map(|s| repository(s, d, &java_type))
            .collect(),
        None => Vec::new(),
    };
    Some(JavaDbView {
        dialect: c.data.store.as_str(),
        sql: d.is_some(),
        url_prefix,
        default_port,
        repositories,
    })
}

fn repository(
    s: &Stored<'_>,
    d: Dialect,
    java_type: &impl Fn(&str, &str) -> Option<String>,
) -> Option<JavaRepoView> {
    let mut columns = Vec::new();
    let mut sql_columns = Vec::new();
    for (i, f) in s.ty.fields.iter().enumerate() {
        let ty = java_type(&s.ty.name, &f.name)?;
        let key = f.name == s.key.name;
        sql_columns.push(SqlColumn {
            name: sql::column_name(f),
            key,
            shape: sql::shape(&f.ty),
            as_text: false,
        });
        columns.push(JavaColumnView {
            column: sql::column_name(f),
            key,
            bind: bind(&format!("v.{}()", f.name), &f.ty, d),
            read: read(i + 1, &f.ty, &ty, &s.ty.name, d),
        });
    }
    let key_type = boxed(&java_type(&s.ty.name, &s.key.name)?);
    Some(JavaRepoView {
        table: s.table.table.clone(),
        type_name: s.table.type_name.clone(),
        class: format!("{}Repository", s.table.type_name),
        accessor: heck::ToLowerCamelCase::to_lower_camel_case(s.table.table.as_str()),
        key_field: s.key.name.clone(),
        key_type,
        key_bind: bind("key", &s.key.ty, d),
        sql: sql::repo_sql(&s.table.table, &sql_columns, d, Placeholders::Question),
        columns,
    })
}

fn boxed(java: &str) -> String {
    match java {
        "int" => "Integer",
        "long" => "Long",
        "boolean" => "Boolean",
        other => other,
    }
    .to_owned()
}

/// The Java expression binding `access` (a value of the field's type, maybe null).
fn bind(access: &str, ty: &FieldType, d: Dialect) -> String {
    match (ty, d) {
        (FieldType::Enum { .. }, _)
        | (
            FieldType::Scalar {
                scalar: Scalar::Uuid,
            },
            Dialect::Mysql,
        ) => format!("text({access})"),
        (
            FieldType::Scalar {
                scalar: Scalar::Datetime,
            },
            Dialect::Mysql,
        ) => format!("utc({access})"),
        (FieldType::Named { .. } | FieldType::List { .. }, _) => format!("toJson({access})"),
        (FieldType::Scalar { .. }, _) => access.to_owned(),
    }
}

/// The Java expression reading column `i` (1-based) of `rs` as `java` (the field's type),
/// nested enums qualified by their record `owner`.
fn read(i: usize, ty: &FieldType, java: &str, owner: &str, d: Dialect) -> String {
    match ty {
        FieldType::Enum { .. } => format!("fromText(rs.getString({i}), {owner}.{java}.class)"),
        FieldType::Named { .. } | FieldType::List { .. } => {
            format!("fromJson(rs.getString({i}), new TypeReference<{java}>() {{}})")
        }
        FieldType::Scalar { scalar } => match (scalar, java, d) {
            (Scalar::Uuid, _, Dialect::Mysql) => format!("uuid(rs.getString({i}))"),
            (Scalar::Datetime, _, Dialect::Mysql) => {
                format!("utc(rs.getObject({i}, LocalDateTime.class))")
            }
            (Scalar::String, _, _) => format!("rs.getString({i})"),
            (Scalar::Decimal, _, _) => format!("rs.getBigDecimal({i})"),
            (_, "int", _) => format!("rs.getInt({i})"),
            (_, "long", _) => format!("rs.getLong({i})"),
            (_, "boolean", _) => format!("rs.getBoolean({i})"),
            (_, boxed, _) => format!("rs.getObject({i}, {boxed}.class)"),
        },
    }
}
