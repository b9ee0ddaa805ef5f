//! The relational mapping: which table and columns each stored aggregate of a context gets. Part of
//! `migrate` (the module note states the contract); pure, over the checked `Spec`.

use heck::ToSnakeCase;
use serde::{Deserialize, Serialize};

use super::Dialect;
use crate::spec::Spec;
use crate::spec::resolve::{Context, FieldType, Scalar};

/// The relational schema of every context that has one (store `postgres` or `mysql`), in spec order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemSchema {
    pub contexts: Vec<ContextSchema>,
}

impl SystemSchema {
    pub fn context(&self, name: &str) -> Option<&ContextSchema> {
        self.contexts.iter().find(|c| c.context == name)
    }
}

/// One context's database: the tables msaforge creates and migrates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextSchema {
    pub context: String,
    pub dialect: Dialect,
    /// The tables that store an aggregate, in spec order.
    pub tables: Vec<TableSchema>,
    /// Plain table names (`tables: [name]`): declared, owned by the user's code, never migrated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<String>,
    /// The events tables: the outbox when it publishes, the inbox when it consumes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messaging: Vec<super::messaging::Messaging>,
}

impl ContextSchema {
    pub fn table(&self, name: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// The table of one aggregate: one row per aggregate, one column per field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSchema {
    pub name: String,
    /// The aggregate type stored.
    pub type_name: String,
    /// The primary key's column name.
    pub key: String,
    /// In the order of the type's fields.
    pub columns: Vec<Column>,
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The key column.
    pub fn key_column(&self) -> Option<&Column> {
        self.column(&self.key)
    }
}

/// One column: the field it stores, its name and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The spec field's name (camelCase).
    pub field: String,
    /// The column's name: the field's name in snake_case.
    pub name: String,
    pub kind: ColumnKind,
    /// The field is optional (the key never is).
    pub nullable: bool,
}

/// What a column holds; the SQL type per dialect is `ddl::sql_type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ColumnKind {
    Uuid,
    /// `string`.
    Text,
    Int,
    Long,
    Bool,
    Decimal,
    Date,
    /// An instant, stored in UTC.
    Datetime,
    /// One of the values, as the spec spells them.
    Enum {
        values: Vec<String>,
    },
    /// A nested type or a list of anything, as a JSON document.
    Json,
}

impl ColumnKind {
    /// The kind of a field's type.
    pub fn of(ty: &FieldType) -> Self {
        match ty {
            FieldType::Scalar { scalar } => match scalar {
                Scalar::Uuid => ColumnKind::Uuid,
                Scalar::String => ColumnKind::Text,
                Scalar::Int => ColumnKind::Int,
                Scalar::Long => ColumnKind::Long,
                Scalar::Bool => ColumnKind::Bool,
                Scalar::Decimal => ColumnKind::Decimal,
                Scalar::Date => ColumnKind::Date,
                Scalar::Datetime => ColumnKind::Datetime,
            },
            FieldType::Enum { values } => ColumnKind::Enum {
                values: values.clone(),
            },
            FieldType::Named { .. } | FieldType::List { .. } => ColumnKind::Json,
        }
    }
}

/// The column name of a field: snake_case, as the templates' `snake` filter spells it.
pub fn column_name(field: &str) -> String {
    field.to_snake_case()
}

/// The schema of every context with a SQL store, in spec order.
pub fn schema_of(spec: &Spec) -> SystemSchema {
    SystemSchema {
        contexts: spec.contexts.iter().filter_map(context_schema).collect(),
    }
}

/// The schema of one context; `None` when its store is not relational (mongodb, redis, none).
///
/// A table whose type is missing from the context is skipped: `check` reports it (MSA013) before
/// anything is generated.
pub fn context_schema(ctx: &Context) -> Option<ContextSchema> {
    let dialect = Dialect::of(ctx.data.store)?;
    let tables = ctx
        .data
        .aggregates
        .iter()
        .filter_map(|a| {
            let ty = ctx.types.iter().find(|t| t.name == a.type_name)?;
            Some(TableSchema {
                name: a.table.clone(),
                type_name: a.type_name.clone(),
                key: column_name(&a.key),
                columns: ty
                    .fields
                    .iter()
                    .map(|f| Column {
                        field: f.name.clone(),
                        name: column_name(&f.name),
                        kind: ColumnKind::of(&f.ty),
                        nullable: f.optional && f.name != a.key,
                    })
                    .collect(),
            })
        })
        .collect();
    let unmapped = ctx
        .data
        .tables
        .iter()
        .filter(|t| ctx.data.aggregate(t).is_none())
        .cloned()
        .collect();
    Some(ContextSchema {
        context: ctx.name.clone(),
        dialect,
        tables,
        unmapped,
        messaging: super::messaging::needed(!ctx.publishes.is_empty(), !ctx.consumes.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::testing::spec;

    #[test]
    fn every_field_becomes_one_column_named_in_snake_case() {
        let spec = spec("postgres", "[{ name: shelves, type: Shelf }, legacy_notes]");
        let schema = schema_of(&spec);
        let ctx = schema.context("placement").expect("placement");
        assert_eq!(ctx.dialect, Dialect::Postgres);
        assert_eq!(ctx.unmapped, ["legacy_notes"]);
        let table = ctx.table("shelves").expect("shelves");
        assert_eq!(
            (table.type_name.as_str(), table.key.as_str()),
            ("Shelf", "id")
        );
        let cols: Vec<(&str, &str, &ColumnKind, bool)> = table
            .columns
            .iter()
            .map(|c| (c.field.as_str(), c.name.as_str(), &c.kind, c.nullable))
            .collect();
        let status = ColumnKind::Enum {
            values: vec!["open".into(), "full".into()],
        };
        assert_eq!(
            cols,
            [
                ("id", "id", &ColumnKind::Uuid, false),
                ("roomCode", "room_code", &ColumnKind::Text, false),
                ("capacity", "capacity", &ColumnKind::Int, false),
                ("usedMeters", "used_meters", &ColumnKind::Decimal, true),
                ("serial", "serial", &ColumnKind::Long, false),
                ("sealed", "sealed", &ColumnKind::Bool, false),
                ("openedOn", "opened_on", &ColumnKind::Date, true),
                ("checkedAt", "checked_at", &ColumnKind::Datetime, false),
                ("status", "status", &status, false),
                ("location", "location", &ColumnKind::Json, true),
                ("tags", "tags", &ColumnKind::Json, false),
                ("boxes", "boxes", &ColumnKind::Json, false),
            ]
        );
    }

    #[test]
    fn only_sql_stores_have_a_schema() {
        for (store, dialect) in [
            ("postgres", Some(Dialect::Postgres)),
            ("mysql", Some(Dialect::Mysql)),
        ] {
            let spec = spec(store, "[{ name: shelves, type: Shelf }]");
            assert_eq!(
                schema_of(&spec).contexts.first().map(|c| c.dialect),
                dialect
            );
        }
        for store in ["mongodb", "redis"] {
            assert!(schema_of(&spec(store, "[shelves]")).contexts.is_empty());
        }
    }

    #[test]
    fn a_written_key_names_its_column_and_is_never_nullable() {
        let spec = spec("mysql", "[{ name: shelves, type: Shelf, key: roomCode }]");
        let schema = schema_of(&spec);
        let table = schema.contexts[0].table("shelves").expect("shelves");
        assert_eq!(table.key, "room_code");
        assert_eq!(table.key_column().expect("key").kind, ColumnKind::Text);
        assert!(!table.key_column().expect("key").nullable);
    }
}
