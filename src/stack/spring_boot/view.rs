//! What `spring-boot` templates see as `ctx.java`: package and its directory, class names, records
//! with their Java field types, nested enums, controller method names and the peer clients of
//! `calls`.
//!
//! Pure data from the checked `Spec`; the rules every stack shares (enum names, peers, call
//! settings) are in `stack::common`. Documented for template authors in `templates/README.md`.

use heck::{ToLowerCamelCase, ToShoutySnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::Spec;
use crate::spec::model::{Exposure, Method};
use crate::spec::resolve::{Body, Field, FieldType, Operation, Scalar};
use super::db::{self, JavaDbView};
use crate::stack::common::{self, CallPolicy, Peer, PeerAddress, Record, Spelling};

#[derive(Debug, Serialize)]
pub struct JavaView {
    /// `kr.go.archive.placement`.
    pub package: String,
    /// `kr/go/archive/placement`, for source paths.
    pub package_dir: String,
    /// `Placement`: the stem of the class names below.
    pub pascal: String,
    /// `PlacementApplication`.
    pub application: String,
    /// `PlacementApi`: the generated interface (records nested in it).
    pub api: String,
    /// `PlacementController`: the user's class implementing `api`.
    pub controller: String,
    pub types: Vec<JavaTypeView>,
    /// Records of the events this context publishes (with `event_type`).
    pub events: Vec<JavaTypeView>,
    pub operations: Vec<JavaOperationView>,
    /// One client per called context, in the order of first call.
    pub clients: Vec<JavaClientView>,
    /// The database it connects to (`db::JavaDbView`), `None` without a store.
    pub db: Option<JavaDbView>,
}

/// A record of a spec type or event, with the enums nested in it.
pub type JavaTypeView = Record<JavaFieldView, JavaEnumValueView>;

#[derive(Debug, Serialize)]
pub struct JavaFieldView {
    /// camelCase: the record component and the JSON property.
    pub name: String,
    /// `UUID`, `List<Shelf>`, `BigDecimal`, `Integer` (boxed when optional or in a list).
    pub java_type: String,
    pub optional: bool,
    /// What goes before the type, each followed by a space: `@NotNull` when required and not a
    /// primitive, `@Valid` when it holds records (validation cascades), and for decimals
    /// `@JsonFormat(shape = JsonFormat.Shape.STRING)` (they travel as JSON strings in every stack).
    pub annotations: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JavaEnumValueView {
    /// On the wire: `in-use`.
    pub value: String,
    /// Java constant: `IN_USE`.
    pub constant: String,
}

#[derive(Debug, Serialize)]
pub struct JavaOperationView {
    /// The Java method: the operation's camelCase name.
    pub name: String,
    /// `GET`.
    pub method: &'static str,
    /// Spring's mapping annotation: `GetMapping`.
    pub mapping: &'static str,
    pub path: String,
    pub params: Vec<String>,
    /// `Shelf` or `List<Shelf>`.
    pub request: Option<String>,
    /// `Shelf`, `List<Shelf>`, or `void`.
    pub response: String,
    /// `CREATED`, `OK` or `NO_CONTENT` (`HttpStatus` constants).
    pub status: &'static str,
    pub idempotent: bool,
    pub public: bool,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JavaClientView {
    #[serde(flatten)]
    pub address: PeerAddress,
    /// `DirectoryClient`.
    pub class: String,
    /// `directory`: the accessor on `Clients` and the key under `msaforge.clients`.
    pub field: String,
    /// Records of the peer's types that these calls send or receive (and the types they use).
    pub types: Vec<JavaTypeView>,
    pub calls: Vec<JavaCallView>,
}

#[derive(Debug, Serialize)]
pub struct JavaCallView {
    pub operation: JavaOperationView,
    /// Resilience4j instance name: `directory-getUser`.
    pub instance: String,
    #[serde(flatten)]
    pub policy: CallPolicy,
}

/// The Java view of context `i`, as templates see it.
pub fn value(spec: &Spec, i: usize) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(context(spec, i)))
}

/// How Java spells a context's records.
const SPELLING: Spelling<JavaFieldView, JavaEnumValueView> = Spelling {
    field,
    value: |v| JavaEnumValueView {
        value: v.to_owned(),
        constant: v.to_shouty_snake_case(),
    },
};

pub fn context(spec: &Spec, i: usize) -> JavaView {
    let c = &spec.contexts[i];
    let pascal = c.name.to_upper_camel_case();
    let package = c.java_package.clone();
    let types = SPELLING.types(c);
    let db = db::view(c, |t, f| {
        let record = types.iter().find(|r| r.name == t)?;
        let field = record.fields.iter().find(|x| x.name == f)?;
        Some(field.java_type.clone())
    });
    JavaView {
        package_dir: package.replace('.', "/"),
        package,
        application: format!("{pascal}Application"),
        api: format!("{pascal}Api"),
        controller: format!("{pascal}Controller"),
        pascal,
        types,
        events: SPELLING.events(c),
        operations: c.operations.iter().map(operation).collect(),
        clients: common::peers(spec, c)
            .iter()
            .map(|p| client(spec, p))
            .collect(),
        db,
    }
}

fn client(spec: &Spec, peer: &Peer) -> JavaClientView {
    let name = &peer.context.name;
    JavaClientView {
        address: PeerAddress::of(spec, peer.index),
        class: format!("{}Client", name.to_upper_camel_case()),
        field: name.to_lower_camel_case(),
        types: SPELLING.peer_types(peer),
        calls: peer
            .calls
            .iter()
            .map(|k| JavaCallView {
                operation: operation(k.operation),
                instance: format!("{name}-{}", k.operation.name),
                policy: k.policy(),
            })
            .collect(),
    }
}

fn field(owner: &str, f: &Field, taken: &[String]) -> JavaFieldView {
    let java_type = java_type(owner, &f.name, &f.ty, f.optional, taken);
    JavaFieldView {
        name: f.name.clone(),
        annotations: annotations(f, &java_type),
        java_type,
        optional: f.optional,
        description: f.description.clone(),
    }
}

fn annotations(f: &Field, java_type: &str) -> String {
    let mut out = String::new();
    if !f.optional && !matches!(java_type, "int" | "long" | "boolean") {
        out.push_str("@NotNull ");
    }
    if f.ty.named().is_some() {
        out.push_str("@Valid ");
    }
    if matches!(
        f.ty,
        FieldType::Scalar {
            scalar: Scalar::Decimal
        }
    ) {
        out.push_str("@JsonFormat(shape = JsonFormat.Shape.STRING) ");
    }
    out
}

/// The Java type of a field: primitives when required, boxed when optional or inside a list.
fn java_type(owner: &str, field: &str, ty: &FieldType, optional: bool, taken: &[String]) -> String {
    match ty {
        FieldType::Scalar { scalar } => match (scalar, optional) {
            (Scalar::String, _) => "String",
            (Scalar::Decimal, _) => "BigDecimal",
            (Scalar::Int, false) => "int",
            (Scalar::Int, true) => "Integer",
            (Scalar::Long, false) => "long",
            (Scalar::Long, true) => "Long",
            (Scalar::Bool, false) => "boolean",
            (Scalar::Bool, true) => "Boolean",
            (Scalar::Uuid, _) => "UUID",
            (Scalar::Date, _) => "LocalDate",
            (Scalar::Datetime, _) => "OffsetDateTime",
        }
        .to_owned(),
        FieldType::Enum { .. } => common::enum_name(owner, field, taken),
        FieldType::Named { name } => name.clone(),
        FieldType::List { item } => {
            format!("List<{}>", java_type(owner, field, item, true, taken))
        }
    }
}

fn body(b: &Body) -> String {
    if b.list {
        format!("List<{}>", b.type_name)
    } else {
        b.type_name.clone()
    }
}

fn operation(o: &Operation) -> JavaOperationView {
    JavaOperationView {
        name: o.name.clone(),
        method: o.method.as_str(),
        mapping: match o.method {
            Method::Get => "GetMapping",
            Method::Post => "PostMapping",
            Method::Put => "PutMapping",
            Method::Patch => "PatchMapping",
            Method::Delete => "DeleteMapping",
        },
        path: o.path.clone(),
        params: o.params.clone(),
        request: o.request.as_ref().map(body),
        response: o.response.as_ref().map_or_else(|| "void".to_owned(), body),
        status: match common::status(o) {
            204 => "NO_CONTENT",
            201 => "CREATED",
            _ => "OK",
        },
        idempotent: o.method.is_idempotent(),
        public: o.exposure == Exposure::Public,
        description: o.description.clone(),
    }
}
