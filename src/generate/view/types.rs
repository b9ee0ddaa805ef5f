//! The stack-neutral view of a context's types and events: names as on the wire, enums and each
//! field's JSON Schema, for OpenAPI and the docs. Each stack spells them in its own view.

use serde::Serialize;

use crate::spec::resolve::{Context, Event, Field, FieldType, Scalar, TypeDef};
use crate::stack::common;

#[derive(Debug, Serialize)]
pub struct TypeView {
    pub name: String,
    pub aggregate: bool,
    pub description: Option<String>,
    pub fields: Vec<FieldView>,
    /// Enum types declared for this type's enum fields.
    pub enums: Vec<EnumView>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FieldView>,
    pub enums: Vec<EnumView>,
    /// The contract's version (1 unless the spec says otherwise).
    pub version: u32,
    /// Its type in code: `RecordPlaced`, `RecordPlacedV2` (see `spec::resolve::type_name`).
    pub type_name: String,
    /// The field (camelCase) whose value keys its Kafka messages, if the spec names one.
    pub key: Option<String>,
    pub partitions: u32,
    /// How long the broker keeps its messages.
    pub retention_ms: u64,
    /// `<context>.<event>.v<N>`, the CloudEvents `type` of its messages.
    pub event_type: String,
    /// Its topic, `<system>.<context>.<event>.v<N>` (`stack::common::topic`).
    pub topic: String,
    /// Names of the contexts that consume it.
    pub consumers: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumView {
    /// `ShelfStatus` for field `status` of `Shelf` (see `stack::common::enum_name`).
    pub name: String,
    /// As written in the spec and on the wire: `in-use`.
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    /// camelCase, as on the wire.
    pub name: String,
    pub optional: bool,
    pub description: Option<String>,
    /// The field's OpenAPI 3.1 / JSON Schema.
    pub schema: SchemaView,
}

/// A field's JSON Schema: a `type` (with a `format`), a `$ref` (`ref`), or an array of `items`.
#[derive(Debug, Serialize)]
pub struct SchemaView {
    /// `string`, `integer`, `boolean` or `array`; none for a reference.
    #[serde(rename = "type")]
    pub ty: Option<&'static str>,
    /// `uuid`, `decimal`, `date`, `date-time`, `int32`, `int64`.
    pub format: Option<&'static str>,
    /// `#/components/schemas/Shelf`.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub items: Option<Box<SchemaView>>,
}

pub fn types(c: &Context, taken: &[String]) -> Vec<TypeView> {
    c.types
        .iter()
        .map(|t: &TypeDef| TypeView {
            name: t.name.clone(),
            aggregate: t.aggregate,
            description: t.description.clone(),
            enums: enums(&t.name, &t.fields, taken),
            fields: fields(&t.name, &t.fields, taken),
        })
        .collect()
}

pub fn events(system: &str, all: &[Context], c: &Context, taken: &[String]) -> Vec<EventView> {
    c.publishes
        .iter()
        .map(|e: &Event| EventView {
            name: e.name.clone(),
            description: e.description.clone(),
            enums: enums(&e.type_name(), &e.fields, taken),
            fields: fields(&e.type_name(), &e.fields, taken),
            version: e.version,
            type_name: e.type_name(),
            key: e.key.clone(),
            partitions: e.partitions,
            retention_ms: e.retention.0,
            event_type: common::event_type(&c.name, &e.name, e.version),
            topic: common::topic(system, &c.name, &e.name, e.version),
            consumers: all
                .iter()
                .filter(|o| {
                    o.consumes
                        .iter()
                        .any(|k| k.name == e.name && k.from == c.name && k.version == e.version)
                })
                .map(|o| o.name.clone())
                .collect(),
        })
        .collect()
}

fn enums(owner: &str, fields: &[Field], taken: &[String]) -> Vec<EnumView> {
    fields
        .iter()
        .filter_map(|f| {
            Some(EnumView {
                name: common::enum_name(owner, &f.name, taken),
                values: f.ty.enum_values()?.to_vec(),
            })
        })
        .collect()
}

fn fields(owner: &str, fields: &[Field], taken: &[String]) -> Vec<FieldView> {
    fields
        .iter()
        .map(|f| FieldView {
            name: f.name.clone(),
            optional: f.optional,
            description: f.description.clone(),
            schema: schema(owner, &f.name, &f.ty, taken),
        })
        .collect()
}

/// The JSON Schema of a field, as OpenAPI 3.1 components reference it. Decimals travel as strings
/// so that no precision is lost on the way.
fn schema(owner: &str, field: &str, ty: &FieldType, taken: &[String]) -> SchemaView {
    let reference = |name: &str| SchemaView {
        ty: None,
        format: None,
        reference: Some(format!("#/components/schemas/{name}")),
        items: None,
    };
    let typed = |ty, format| SchemaView {
        ty: Some(ty),
        format,
        reference: None,
        items: None,
    };
    match ty {
        FieldType::Scalar { scalar } => match scalar {
            Scalar::String => typed("string", None),
            Scalar::Decimal => typed("string", Some("decimal")),
            Scalar::Int => typed("integer", Some("int32")),
            Scalar::Long => typed("integer", Some("int64")),
            Scalar::Bool => typed("boolean", None),
            Scalar::Uuid => typed("string", Some("uuid")),
            Scalar::Date => typed("string", Some("date")),
            Scalar::Datetime => typed("string", Some("date-time")),
        },
        FieldType::Enum { .. } => reference(&common::enum_name(owner, field, taken)),
        FieldType::Named { name } => reference(name),
        FieldType::List { item } => SchemaView {
            items: Some(Box::new(schema(owner, field, item, taken))),
            ..typed("array", None)
        },
    }
}
