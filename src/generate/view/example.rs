//! Example requests for the generated README: a path with a value for each parameter and a JSON
//! body the service accepts (required fields only, nested types a few levels deep).
//!
//! Derived from the checked model alone; the README template only quotes them for the shell.

use heck::ToUpperCamelCase;

use crate::spec::resolve::{Body, Context, Field, FieldType, Operation, Scalar};
use crate::stack::common;

const UUID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

/// Nested types below this depth are shown as `{}`.
const DEPTH: usize = 4;

/// The operation's path with a UUID for each `...Id` parameter and `example` for the others.
pub fn path(o: &Operation) -> String {
    o.params.iter().fold(o.path.clone(), |path, p| {
        let value = if p.ends_with("Id") { UUID } else { "example" };
        path.replace(&format!("{{{p}}}"), value)
    })
}

/// An example body of type `b` of context `c` (`taken`: the names its enums avoid), as JSON.
pub fn body(c: &Context, b: &Body, taken: &[String]) -> String {
    let one = object(c, &b.type_name, 0, taken);
    if b.list { format!("[{one}]") } else { one }
}

fn object(c: &Context, name: &str, depth: usize, taken: &[String]) -> String {
    let Some(t) = c.types.iter().find(|t| t.name == name) else {
        return "{}".to_owned();
    };
    if depth >= DEPTH {
        return "{}".to_owned();
    }
    let members: Vec<String> = t
        .fields
        .iter()
        .filter(|f| !f.optional)
        .map(|f| format!("{}:{}", quote(&f.name), value(c, &t.name, f, depth, taken)))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn value(c: &Context, owner: &str, f: &Field, depth: usize, taken: &[String]) -> String {
    match &f.ty {
        FieldType::List { .. } => "[]".to_owned(),
        // The enum's first value. An enum renamed `...Enum` (its plain name is a type's) falls
        // back to the object its schema refers to, usually none: `{}`, as generated so far.
        FieldType::Enum { values } => {
            let name = common::enum_name(owner, &f.name, taken);
            let plain = format!("{owner}{}", f.name.to_upper_camel_case());
            match values.first() {
                Some(first) if name == plain => quote(first),
                _ => object(c, &name, depth + 1, taken),
            }
        }
        FieldType::Named { name } => object(c, name, depth + 1, taken),
        FieldType::Scalar { scalar } => match scalar {
            Scalar::Uuid => quote(UUID),
            Scalar::Decimal => quote("12.50"),
            Scalar::Date => quote("2025-01-31"),
            Scalar::Datetime => quote("2025-01-31T09:00:00Z"),
            Scalar::String => quote("example"),
            Scalar::Int | Scalar::Long => "1".to_owned(),
            Scalar::Bool => "false".to_owned(),
        },
    }
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
