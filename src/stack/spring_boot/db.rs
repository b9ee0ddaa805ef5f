//! What `spring-boot` templates see as `ctx.java.db`: the database a service connects to and, for
//! postgres and mysql, one repository per stored aggregate (Spring's `JdbcClient`) with its SQL
//! and the Java expressions that bind each field and read each column.
//!
//! Why `JdbcClient` and not Spring Data JDBC or JPA: the tables are the migrations' (nested types
//! and lists in JSON columns, enums as their wire values under a CHECK, keys assigned by the
//! application), which Spring Data's mapping would need a converter per type and `Persistable`
//! for; explicit SQL from `stack::sql` is the same in both stacks and joins Spring's
//! transactions (`@Transactional`) like any JDBC call. Pure data from the checked `Spec`.

use heck::ToLowerCamelCase;
use serde::Serialize;

use crate::migrate::{self, ColumnKind, Dialect, TableSchema};
use crate::spec::model::Store;
use crate::spec::resolve::Context;
use crate::stack::sql::{self, Placeholders, RepoSql, SqlColumn};

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
    let schema = migrate::context_schema(c);
    let repositories = schema
        .iter()
        .flat_map(|s| s.tables.iter().map(move |t| (s.dialect, t)))
        .filter_map(|(d, t)| repository(t, d, &java_type))
        .collect();
    Some(JavaDbView {
        dialect: c.data.store.as_str(),
        sql: schema.is_some(),
        url_prefix,
        default_port,
        repositories,
    })
}

fn repository(
    t: &TableSchema,
    d: Dialect,
    java_type: &impl Fn(&str, &str) -> Option<String>,
) -> Option<JavaRepoView> {
    let key = t.key_column()?;
    let mut columns = Vec::new();
    let mut sql_columns = Vec::new();
    for (i, col) in t.columns.iter().enumerate() {
        let ty = java_type(&t.type_name, &col.field)?;
        let is_key = col.name == t.key;
        sql_columns.push(SqlColumn {
            name: col.name.clone(),
            key: is_key,
            shape: sql::shape(&col.kind),
            as_text: false,
        });
        columns.push(JavaColumnView {
            column: col.name.clone(),
            key: is_key,
            bind: bind(&format!("v.{}()", col.field), &col.kind, d),
            read: read(i + 1, &col.kind, &ty, &t.type_name, d),
        });
    }
    Some(JavaRepoView {
        table: t.name.clone(),
        type_name: t.type_name.clone(),
        class: format!("{}Repository", t.type_name),
        accessor: t.name.to_lower_camel_case(),
        key_field: key.field.clone(),
        key_type: boxed(&java_type(&t.type_name, &key.field)?),
        key_bind: bind("key", &key.kind, d),
        sql: sql::repo_sql(&t.name, &sql_columns, d, Placeholders::Question),
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

/// The Java expression binding `access` (a value of the column's type, maybe null).
fn bind(access: &str, kind: &ColumnKind, d: Dialect) -> String {
    match (kind, d) {
        (ColumnKind::Enum { .. }, _) | (ColumnKind::Uuid, Dialect::Mysql) => {
            format!("text({access})")
        }
        (ColumnKind::Datetime, Dialect::Mysql) => format!("utc({access})"),
        (ColumnKind::Json, _) => format!("toJson({access})"),
        _ => access.to_owned(),
    }
}

/// The Java expression reading column `i` (1-based) of `rs` as `java` (the field's type),
/// nested enums qualified by their record `owner`.
fn read(i: usize, kind: &ColumnKind, java: &str, owner: &str, d: Dialect) -> String {
    match (kind, java, d) {
        (ColumnKind::Enum { .. }, _, _) => {
            format!("fromText(rs.getString({i}), {owner}.{java}.class)")
        }
        (ColumnKind::Json, _, _) => {
            format!("fromJson(rs.getString({i}), new TypeReference<{java}>() {{}})")
        }
        (ColumnKind::Uuid, _, Dialect::Mysql) => format!("uuid(rs.getString({i}))"),
        (ColumnKind::Datetime, _, Dialect::Mysql) => {
            format!("utc(rs.getObject({i}, LocalDateTime.class))")
        }
        (ColumnKind::Text, _, _) => format!("rs.getString({i})"),
        (ColumnKind::Decimal, _, _) => format!("rs.getBigDecimal({i})"),
        (_, "int", _) => format!("rs.getInt({i})"),
        (_, "long", _) => format!("rs.getLong({i})"),
        (_, "boolean", _) => format!("rs.getBoolean({i})"),
        (_, boxed, _) => format!("rs.getObject({i}, {boxed}.class)"),
    }
}

#[cfg(test)]
mod tests {
    use crate::stack::spring_boot::view;

    use crate::stack::testing::shelf_spec as spec;

    fn repo(store: &str) -> super::JavaRepoView {
        let mut spec = spec(store, "[{ name: shelves, type: Shelf }]");
        spec.contexts[0].stack = crate::spec::model::Stack::SpringBoot;
        let db = view::context(&spec, 0).db.expect("a database");
        assert!(db.sql);
        db.repositories.into_iter().next().expect("one repository")
    }

    fn col<'a>(repo: &'a super::JavaRepoView, name: &str) -> (&'a str, &'a str) {
        let c = repo.columns.iter().find(|c| c.column == name).expect(name);
        (c.bind.as_str(), c.read.as_str())
    }

    #[test]
    fn postgres_reads_typed_columns_and_json() {
        let repo = repo("postgres");
        assert_eq!((repo.accessor.as_str(), repo.key_type.as_str()), ("shelves", "UUID"));
        assert_eq!(col(&repo, "id"), ("v.id()", "rs.getObject(1, UUID.class)"));
        assert_eq!(col(&repo, "capacity"), ("v.capacity()", "rs.getInt(3)"));
        assert_eq!(col(&repo, "used_meters"), ("v.usedMeters()", "rs.getBigDecimal(4)"));
        assert_eq!(
            col(&repo, "status"),
            (
                "text(v.status())",
                "fromText(rs.getString(9), Shelf.ShelfStatus.class)"
            )
        );
        assert_eq!(
            col(&repo, "boxes"),
            (
                "toJson(v.boxes())",
                "fromJson(rs.getString(12), new TypeReference<List<Location>>() {})"
            )
        );
        assert!(repo.sql.insert.contains("?::jsonb"), "{}", repo.sql.insert);
    }

    #[test]
    fn mysql_keeps_uuids_as_text_and_datetimes_as_utc_wall_time() {
        let repo = repo("mysql");
        assert_eq!(repo.key_bind, "text(key)");
        assert_eq!(col(&repo, "id"), ("text(v.id())", "uuid(rs.getString(1))"));
        assert_eq!(
            col(&repo, "checked_at"),
            (
                "utc(v.checkedAt())",
                "utc(rs.getObject(8, LocalDateTime.class))"
            )
        );
    }
}

