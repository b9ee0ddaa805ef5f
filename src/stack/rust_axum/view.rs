//! What `rust-axum` templates see as `ctx.rust`: the Rust spelling of a context's types, events,
//! operations and clients (crate, field, function and type names, Rust types) and the optional
//! crates its generated code needs.
//!
//! Pure data from the checked `Spec`; the rules every stack shares (enum names, peers, call
//! settings) are in `stack::common`. Documented for template authors in `templates/README.md`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::Spec;
use crate::spec::recursion;
use crate::spec::resolve::{Body, Context, Field, FieldType, Operation, Scalar};
use super::db::{self, RustDbView};
use crate::stack::common::{self, CallPolicy, Peer, PeerAddress, Record, Spelling};

#[derive(Debug, Serialize)]
pub struct RustView {
    /// Crate and module name: `fee-calculator` -> `fee_calculator`.
    pub crate_name: String,
    pub types: Vec<RustTypeView>,
    /// Structs of the events this context publishes (with `event_type`).
    pub events: Vec<RustTypeView>,
    pub operations: Vec<RustOperationView>,
    /// One client module per called context, sorted by the context's name.
    pub clients: Vec<RustClientView>,
    /// The generated code has `uuid::Uuid` (or `chrono`) fields: its own types', its events' or
    /// those of a context it calls.
    pub needs_uuid: bool,
    pub needs_chrono: bool,
    /// The database it connects to (`db::RustDbView`), `None` without a store.
    pub db: Option<RustDbView>,
}

/// A struct of a spec type or event, with the enums of its fields.
pub type RustTypeView = Record<RustFieldView, RustVariantView>;

#[derive(Debug, Serialize)]
pub struct RustFieldView {
    /// camelCase, as on the wire.
    pub name: String,
    /// snake_case (raw identifiers never needed: keywords are refused by `check`).
    pub rust_name: String,
    /// `uuid::Uuid`, `Vec<Shelf>`, `Option<..>` when optional, `Box<..>` when the field holds
    /// its own type again through inline fields.
    pub rust_type: String,
    pub optional: bool,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RustVariantView {
    /// On the wire: `in-use`.
    pub value: String,
    /// The variant: `InUse`.
    pub variant: String,
}

#[derive(Debug, Serialize)]
pub struct RustOperationView {
    /// camelCase operation id.
    pub name: String,
    /// snake_case function name.
    pub rust_name: String,
    /// PascalCase, for type names derived from the operation (`GetShelfParams`).
    pub pascal: String,
    pub method: &'static str,
    /// Lowercase, for axum's routing functions.
    pub method_lower: &'static str,
    pub path: String,
    pub params: Vec<RustParamView>,
    /// The path's segments as Rust expressions, for a client building the URL: `"v1"`, `shelf_id`.
    pub url_segments: Vec<String>,
    pub request: Option<RustBodyView>,
    pub response: Option<RustBodyView>,
    /// The success status (see `stack::common::status`).
    pub status: u16,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RustParamView {
    pub name: String,
    pub rust_name: String,
}

#[derive(Debug, Serialize)]
pub struct RustBodyView {
    pub type_name: String,
    pub list: bool,
    /// `Shelf` or `Vec<Shelf>`.
    pub rust_type: String,
    /// What a client borrows to send it: `Shelf`, or `[Shelf]` for a list.
    pub borrowed: String,
}

#[derive(Debug, Serialize)]
pub struct RustClientView {
    #[serde(flatten)]
    pub address: PeerAddress,
    /// The module of the client: the called context's crate name.
    pub module: String,
    /// `DirectoryClient`.
    pub client: String,
    /// The called context's title.
    pub title: String,
    /// Structs of the called context's types that these calls send or receive (and those they use).
    pub types: Vec<RustTypeView>,
    pub calls: Vec<RustCallView>,
}

#[derive(Debug, Serialize)]
pub struct RustCallView {
    pub operation: RustOperationView,
    #[serde(flatten)]
    pub policy: CallPolicy,
}

/// The Rust view of context `i`, as templates see it.
pub fn value(spec: &Spec, i: usize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(context(spec, i)))
}

/// How Rust spells a context's records.
const SPELLING: Spelling<RustFieldView, RustVariantView> = Spelling {
    field,
    value: |v| RustVariantView {
        value: v.to_owned(),
        variant: v.to_upper_camel_case(),
    },
};

pub fn context(spec: &Spec, i: usize) -> RustView {
    let c = &spec.contexts[i];
    let mut peers = common::peers(spec, c);
    peers.sort_by(|a, b| a.context.name.cmp(&b.context.name));
    // Every type whose fields the crate compiles: its own, its events', its peers'.
    let compiled = || {
        let peer_types = c.calls.iter().filter_map(|k| spec.context(&k.context));
        c.types
            .iter()
            .flat_map(|t| &t.fields)
            .chain(c.publishes.iter().flat_map(|e| &e.fields))
            .chain(peer_types.flat_map(|p| p.types.iter().flat_map(|t| &t.fields)))
    };
    let types = boxed(c, SPELLING.types(c));
    let db = db::view(c, |t, f| {
        let record = types.iter().find(|r| r.name == t)?;
        let field = record.fields.iter().find(|x| x.name == f)?;
        Some(field.rust_type.clone())
    });
    RustView {
        crate_name: c.name.to_snake_case(),
        types,
        events: SPELLING.events(c),
        operations: c.operations.iter().map(operation).collect(),
        clients: peers.iter().map(|p| client(spec, p)).collect(),
        needs_uuid: compiled().any(|f| f.ty.uses(Scalar::Uuid)),
        needs_chrono: compiled().any(|f| f.ty.uses(Scalar::Date) || f.ty.uses(Scalar::Datetime)),
        db,
    }
}

fn client(spec: &Spec, peer: &Peer) -> RustClientView {
    RustClientView {
        address: PeerAddress::of(spec, peer.index),
        module: peer.context.name.to_snake_case(),
        client: format!("{}Client", peer.context.name.to_upper_camel_case()),
        title: peer.context.title.clone(),
        types: boxed(peer.context, SPELLING.peer_types(peer)),
        calls: peer
            .calls
            .iter()
            .map(|k| RustCallView {
                operation: operation(k.operation),
                policy: k.policy(),
            })
            .collect(),
    }
}

/// Boxes the fields of `c`'s records that hold their own type again through inline fields
/// (`spec::recursion`): a struct cannot contain itself (E0072), an `Option` of itself included.
fn boxed(c: &Context, mut records: Vec<RustTypeView>) -> Vec<RustTypeView> {
    let recursive: Vec<(&str, &Field)> = recursion::recursive_fields(c)
        .into_iter()
        .map(|(t, f)| (c.types[t].name.as_str(), &c.types[t].fields[f]))
        .collect();
    for record in &mut records {
        for f in &mut record.fields {
            let Some((_, spec_field)) = recursive
                .iter()
                .find(|(t, sf)| *t == record.name && sf.name == f.name)
            else {
                continue;
            };
            if let FieldType::Named { name } = &spec_field.ty {
                f.rust_type = if f.optional {
                    format!("Option<Box<{name}>>")
                } else {
                    format!("Box<{name}>")
                };
            }
        }
    }
    records
}

fn field(owner: &str, f: &Field, taken: &[String]) -> RustFieldView {
    let base = rust_type(owner, &f.name, &f.ty, taken);
    RustFieldView {
        name: f.name.clone(),
        rust_name: f.name.to_snake_case(),
        rust_type: if f.optional {
            format!("Option<{base}>")
        } else {
            base
        },
        optional: f.optional,
        description: f.description.clone(),
    }
}

/// The Rust type of a field. Decimals travel as strings so no precision is lost on the way.
fn rust_type(owner: &str, field: &str, ty: &FieldType, taken: &[String]) -> String {
    match ty {
        FieldType::Scalar { scalar } => match scalar {
            Scalar::String | Scalar::Decimal => "String",
            Scalar::Int => "i32",
            Scalar::Long => "i64",
            Scalar::Bool => "bool",
            Scalar::Uuid => "uuid::Uuid",
            Scalar::Date => "chrono::NaiveDate",
            Scalar::Datetime => "chrono::DateTime<chrono::Utc>",
        }
        .to_owned(),
        FieldType::Enum { .. } => common::enum_name(owner, field, taken),
        FieldType::Named { name } => name.clone(),
        FieldType::List { item } => format!("Vec<{}>", rust_type(owner, field, item, taken)),
    }
}

fn body(b: &Body) -> RustBodyView {
    RustBodyView {
        type_name: b.type_name.clone(),
        list: b.list,
        rust_type: if b.list {
            format!("Vec<{}>", b.type_name)
        } else {
            b.type_name.clone()
        },
        borrowed: if b.list {
            format!("[{}]", b.type_name)
        } else {
            b.type_name.clone()
        },
    }
}

fn operation(o: &Operation) -> RustOperationView {
    RustOperationView {
        name: o.name.clone(),
        rust_name: o.name.to_snake_case(),
        pascal: o.name.to_upper_camel_case(),
        method: o.method.as_str(),
        method_lower: o.method.as_lower(),
        path: o.path.clone(),
        params: o
            .params
            .iter()
            .map(|p| RustParamView {
                name: p.clone(),
                rust_name: p.to_snake_case(),
            })
            .collect(),
        url_segments: o
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(param) => param.to_snake_case(),
                    None => format!("\"{s}\""),
                },
            )
            .collect(),
        request: o.request.as_ref().map(body),
        response: o.response.as_ref().map(body),
        status: common::status(o),
        description: o.description.clone(),
    }
}
