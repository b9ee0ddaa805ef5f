//! The types of a context's model after resolution: a field's type (a scalar, an enum with its
//! values, a type of the same context, or a list), fields, types, and request or response bodies.
//! Part of `spec::resolve`, which re-exports them.

use serde::Serialize;

/// Built-in scalar field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scalar {
    String,
    Int,
    Long,
    Decimal,
    Bool,
    Uuid,
    Date,
    Datetime,
}

impl Scalar {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Scalar::String,
            "int" => Scalar::Int,
            "long" => Scalar::Long,
            "decimal" => Scalar::Decimal,
            "bool" => Scalar::Bool,
            "uuid" => Scalar::Uuid,
            "date" => Scalar::Date,
            "datetime" => Scalar::Datetime,
            _ => return None,
        })
    }

    pub const NAMES: [&'static str; 9] = [
        "string", "int", "long", "decimal", "bool", "uuid", "date", "datetime", "enum",
    ];
}

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FieldType {
    Scalar {
        scalar: Scalar,
    },
    Enum {
        values: Vec<String>,
    },
    /// A type of the same context (existence is checked by the rules).
    Named {
        name: String,
    },
    List {
        item: Box<FieldType>,
    },
}

impl FieldType {
    /// Parses `uuid`, `Shelf`, `Shelf[]`, `enum` (with its values).
    pub fn parse(text: &str, values: &[String]) -> Self {
        if let Some(inner) = text.strip_suffix("[]") {
            return FieldType::List {
                item: Box::new(FieldType::parse(inner, values)),
            };
        }
        if text == "enum" {
            return FieldType::Enum {
                values: values.to_vec(),
            };
        }
        match Scalar::parse(text) {
            Some(scalar) => FieldType::Scalar { scalar },
            None => FieldType::Named {
                name: text.to_owned(),
            },
        }
    }

    /// The named type this refers to, through lists.
    pub fn named(&self) -> Option<&str> {
        match self {
            FieldType::Named { name } => Some(name),
            FieldType::List { item } => item.named(),
            _ => None,
        }
    }

    /// The values of an enum, through lists.
    pub fn enum_values(&self) -> Option<&[String]> {
        match self {
            FieldType::Enum { values } => Some(values),
            FieldType::List { item } => item.enum_values(),
            _ => None,
        }
    }

    /// Whether a scalar of this kind appears in the type, through lists.
    pub fn uses(&self, scalar: Scalar) -> bool {
        match self {
            FieldType::Scalar { scalar: s } => *s == scalar,
            FieldType::List { item } => item.uses(scalar),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub optional: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: String,
    pub aggregate: bool,
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

/// A request or response body: a named type, possibly a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Body {
    pub type_name: String,
    pub list: bool,
}

impl Body {
    pub(super) fn parse(text: &str) -> Self {
        match text.strip_suffix("[]") {
            Some(inner) => Body {
                type_name: inner.to_owned(),
                list: true,
            },
            None => Body {
                type_name: text.to_owned(),
                list: false,
            },
        }
    }
}
