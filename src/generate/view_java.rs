//! Java names for `spring-boot` contexts: package and its directory, class names, records with
//! their Java field types, nested enums, controller method names and the peer clients of `calls`.
//!
//! Pure data attached to `ContextView::java`; the Rust names stay in `view`. Documented for
//! template authors in `templates/README.md`.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::Spec;
use crate::spec::model::{Exposure, Method};
use crate::spec::resolve::{Body, Context, Field, FieldType, Operation, Scalar};

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
}

#[derive(Debug, Serialize)]
pub struct JavaTypeView {
    /// The record's name: the spec's type name.
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<JavaFieldView>,
    /// Enums nested in the record, one per enum field.
    pub enums: Vec<JavaEnumView>,
    /// For an event: its versioned type, `<context>.<event>.v1`, as in every stack.
    pub event_type: Option<String>,
}

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
pub struct JavaEnumView {
    /// `ShelfStatus`, the same name as in OpenAPI.
    pub name: String,
    pub values: Vec<JavaEnumValueView>,
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
    /// Called context's name: `directory`.
    pub context: String,
    /// `DirectoryClient`.
    pub class: String,
    /// `directory`: the accessor on `Clients` and the key under `msaforge.clients`.
    pub field: String,
    /// Environment variable with the base URL: `DIRECTORY_URL`.
    pub url_env: String,
    pub default_url: String,
    /// Records of the peer's types that these calls send or receive (and the types they use).
    pub types: Vec<JavaTypeView>,
    pub calls: Vec<JavaCallView>,
}

#[derive(Debug, Serialize)]
pub struct JavaCallView {
    pub operation: JavaOperationView,
    /// Resilience4j instance name: `directory-getUser`.
    pub instance: String,
    pub timeout_ms: u64,
    /// Retries applied: zero for methods that are not idempotent.
    pub retries: u32,
    pub circuit_breaker: bool,
    pub critical: bool,
}

/// The Java view of context `c`; `taken` are the names its generated enums must avoid.
pub fn context(spec: &Spec, c: &Context, taken: &[&str]) -> JavaView {
    let pascal = c.name.to_upper_camel_case();
    let mut clients: Vec<JavaClientView> = Vec::new();
    for call in &c.calls {
        let Some(index) = spec.context_index(&call.context) else {
            continue;
        };
        let peer = &spec.contexts[index];
        let Some(op) = peer.operation(&call.operation) else {
            continue;
        };
        let view = JavaCallView {
            operation: operation(op),
            instance: format!("{}-{}", peer.name, op.name),
            timeout_ms: call.timeout.map_or(2_000, |t| t.0),
            retries: if op.method.is_idempotent() {
                call.retries
            } else {
                0
            },
            circuit_breaker: call.circuit_breaker.unwrap_or(false),
            critical: call.critical,
        };
        match clients.iter_mut().find(|k| k.context == peer.name) {
            Some(client) => client.calls.push(view),
            None => clients.push(JavaClientView {
                context: peer.name.clone(),
                class: format!("{}Client", peer.name.to_upper_camel_case()),
                field: peer.name.to_lower_camel_case(),
                url_env: format!("{}_URL", peer.name.to_shouty_snake_case()),
                default_url: format!("http://127.0.0.1:{}", super::view::port(index)),
                types: Vec::new(),
                calls: vec![view],
            }),
        }
    }
    for client in &mut clients {
        let Some(peer) = spec.context(&client.context) else {
            continue;
        };
        let peer_taken: Vec<&str> = peer_names(peer);
        let roots = client.calls.iter().flat_map(|k| {
            let op = peer.operation(&k.operation.name);
            op.into_iter()
                .flat_map(|o| o.request.iter().chain(o.response.iter()))
                .map(|b| b.type_name.as_str())
        });
        let needed = closure(peer, roots);
        client.types = peer
            .types
            .iter()
            .filter(|t| needed.contains(&t.name.as_str()))
            .map(|t| record(&t.name, t.description.as_ref(), &t.fields, &peer_taken))
            .collect();
    }
    let package = c.java_package.clone();
    JavaView {
        package_dir: package.replace('.', "/"),
        package,
        application: format!("{pascal}Application"),
        api: format!("{pascal}Api"),
        controller: format!("{pascal}Controller"),
        pascal,
        types: c
            .types
            .iter()
            .map(|t| record(&t.name, t.description.as_ref(), &t.fields, taken))
            .collect(),
        events: c
            .publishes
            .iter()
            .map(|e| JavaTypeView {
                event_type: Some(format!("{}.{}.v1", c.name, e.name.to_kebab_case())),
                ..record(&e.name, e.description.as_ref(), &e.fields, taken)
            })
            .collect(),
        operations: c.operations.iter().map(operation).collect(),
        clients,
    }
}

/// The names generated enums must avoid in `c`.
fn peer_names(c: &Context) -> Vec<&str> {
    c.types
        .iter()
        .map(|t| t.name.as_str())
        .chain(c.publishes.iter().map(|e| e.name.as_str()))
        .collect()
}

/// `roots` and every type of `c` they reach through their fields.
fn closure<'a>(c: &'a Context, roots: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    let mut todo: Vec<&str> = roots.collect();
    while let Some(name) = todo.pop() {
        if out.contains(&name) {
            continue;
        }
        let Some(t) = c.types.iter().find(|t| t.name == name) else {
            continue;
        };
        out.push(&t.name);
        for f in &t.fields {
            if let Some(inner) = named(&f.ty) {
                todo.push(inner);
            }
        }
    }
    out
}

fn named(ty: &FieldType) -> Option<&str> {
    match ty {
        FieldType::Named { name } => Some(name),
        FieldType::List { item } => named(item),
        _ => None,
    }
}

fn record(
    name: &str,
    description: Option<&String>,
    fields: &[Field],
    taken: &[&str],
) -> JavaTypeView {
    JavaTypeView {
        name: name.to_owned(),
        description: description.cloned(),
        fields: fields
            .iter()
            .map(|f| {
                let java_type = java_type(name, &f.name, &f.ty, f.optional, taken);
                JavaFieldView {
                    name: f.name.clone(),
                    annotations: annotations(f, &java_type),
                    java_type,
                    optional: f.optional,
                    description: f.description.clone(),
                }
            })
            .collect(),
        enums: fields
            .iter()
            .filter_map(|f| {
                let values = super::view::enum_values(&f.ty)?;
                Some(JavaEnumView {
                    name: super::view::enum_name(name, &f.name, taken),
                    values: values
                        .iter()
                        .map(|v| JavaEnumValueView {
                            value: v.clone(),
                            constant: v.to_shouty_snake_case(),
                        })
                        .collect(),
                })
            })
            .collect(),
        event_type: None,
    }
}

fn annotations(f: &Field, java_type: &str) -> String {
    let mut out = String::new();
    if !f.optional && !matches!(java_type, "int" | "long" | "boolean") {
        out.push_str("@NotNull ");
    }
    if named(&f.ty).is_some() {
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
fn java_type(owner: &str, field: &str, ty: &FieldType, optional: bool, taken: &[&str]) -> String {
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
        FieldType::Enum { .. } => super::view::enum_name(owner, field, taken),
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
        status: match (o.method, &o.response) {
            (_, None) => "NO_CONTENT",
            (Method::Post, _) => "CREATED",
            _ => "OK",
        },
        idempotent: o.method.is_idempotent(),
        public: o.exposure == Exposure::Public,
        description: o.description.clone(),
    }
}
