//! What templates see: a view of the checked `Spec` with every name already spelt for its target
//! (crate names, Rust types, environment variables, ports, gateway prefixes) so templates stay simple.
//!
//! Pure data, computed once per run; rendering and writing live elsewhere. Documented for template
//! authors in `templates/README.md`.

use serde::Serialize;

use crate::spec::Spec;
use crate::spec::model::{Exposure, Method, Store, Strategy};
use crate::spec::resolve::{Body, Context, Field, FieldType, Scalar};

/// First port handed to services in local runs (compose and the end-to-end test); context `i` gets
/// `BASE_PORT + i`.
pub const BASE_PORT: u16 = 18_081;

#[derive(Debug, Serialize)]
pub struct SystemView {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub gateway: GatewayView,
    pub contexts: Vec<ContextView>,
    pub teams: Vec<TeamView>,
    /// `msaforge`'s version, for generated-file headers.
    pub msaforge_version: &'static str,
    /// Kubernetes and DR: see `generate::deploy`.
    pub deploy: super::deploy::DeployView,
}

#[derive(Debug, Serialize)]
pub struct TeamView {
    pub name: String,
    pub title: Option<String>,
    pub contexts: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct GatewayView {
    /// Without a trailing slash; empty for `/`.
    pub prefix: String,
    pub grade: Option<u8>,
    pub requests_per_second: Option<u32>,
    pub burst: Option<u32>,
    /// Default upstream timeout in seconds (the spec's, or 10).
    pub timeout_s: f64,
}

#[derive(Debug, Serialize)]
pub struct ContextView {
    pub name: String,
    /// Rust crate and module name: `fee-calculator` -> `fee_calculator`.
    pub crate_name: String,
    /// Prefix of this service's environment variables and of its URL variable for callers: `FEE_CALCULATOR`.
    pub env: String,
    /// Port of the service in local runs.
    pub port: u16,
    pub title: String,
    pub purpose: String,
    pub rationale: Option<String>,
    pub team: Option<String>,
    pub stack: &'static str,
    pub store: &'static str,
    pub database: String,
    pub tables: Vec<String>,
    pub dr: Option<DrView>,
    pub types: Vec<TypeView>,
    pub operations: Vec<OperationView>,
    pub publishes: Vec<EventView>,
    pub consumes: Vec<EventRefView>,
    pub calls: Vec<CallView>,
    /// Names of the contexts that call this one synchronously.
    pub callers: Vec<String>,
    /// Distinct leading path segments of public operations (`/v1/shelves`), for gateway routes,
    /// each with the longest timeout of its operations.
    pub routes: Vec<RouteView>,
    pub has_public: bool,
    /// Java names, for `spring-boot` contexts only (see `view_java`).
    pub java: Option<super::view_java::JavaView>,
}

#[derive(Debug, Serialize)]
pub struct DrView {
    pub grade: u8,
    pub strategy: &'static str,
    pub rto_ms: u64,
    pub rpo_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct RouteView {
    pub prefix: String,
    pub timeout_s: f64,
}

#[derive(Debug, Serialize)]
pub struct TypeView {
    pub name: String,
    pub aggregate: bool,
    pub description: Option<String>,
    pub fields: Vec<FieldView>,
    /// Enum types to declare for this type's enum fields.
    pub enums: Vec<EnumView>,
}

#[derive(Debug, Serialize)]
pub struct EnumView {
    /// `ShelfStatus` for field `status` of `Shelf`.
    pub name: String,
    pub values: Vec<EnumValueView>,
}

#[derive(Debug, Serialize)]
pub struct EnumValueView {
    /// As written in the spec and on the wire: `in-use`.
    pub value: String,
    /// Rust variant / Java constant: `InUse`.
    pub variant: String,
}

#[derive(Debug, Serialize)]
pub struct FieldView {
    /// camelCase, as on the wire.
    pub name: String,
    /// snake_case Rust field name (raw identifiers never needed: keywords are refused by `check`).
    pub rust_name: String,
    pub rust_type: String,
    pub optional: bool,
    pub description: Option<String>,
    /// The field's OpenAPI 3.1 / JSON Schema, as one line of JSON.
    pub schema: String,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FieldView>,
    pub enums: Vec<EnumView>,
}

#[derive(Debug, Serialize)]
pub struct EventRefView {
    pub name: String,
    pub from: String,
}

#[derive(Debug, Serialize)]
pub struct OperationView {
    /// camelCase operation id.
    pub name: String,
    /// snake_case Rust function name.
    pub rust_name: String,
    /// PascalCase, for type names derived from the operation.
    pub pascal: String,
    pub method: &'static str,
    /// Lowercase method, for axum routing functions and OpenAPI keys.
    pub method_lower: &'static str,
    pub idempotent: bool,
    pub path: String,
    /// `(String, String)` tuple type of the path parameters, or `()`.
    pub params: Vec<ParamView>,
    pub request: Option<BodyView>,
    pub response: Option<BodyView>,
    pub public: bool,
    pub timeout_s: Option<f64>,
    pub description: Option<String>,
    /// Success status: 204 when there is no response body, else 201 for POST and 200 otherwise.
    pub status: u16,
}

#[derive(Debug, Serialize)]
pub struct ParamView {
    pub name: String,
    pub rust_name: String,
}

#[derive(Debug, Serialize)]
pub struct BodyView {
    pub type_name: String,
    pub list: bool,
    /// `Shelf` or `Vec<Shelf>`.
    pub rust_type: String,
}

#[derive(Debug, Serialize)]
pub struct CallView {
    pub context: String,
    pub crate_name: String,
    /// Environment variable holding the callee's base URL: `CHECKOUT_URL`.
    pub url_env: String,
    /// Default base URL in local runs.
    pub default_url: String,
    pub operation: OperationView,
    pub timeout_ms: u64,
    /// Retries actually applied: zero for methods that are not idempotent.
    pub retries: u32,
    pub circuit_breaker: bool,
    pub critical: bool,
}

/// Builds the view of a spec that passed `check`.
pub fn system(spec: &Spec) -> SystemView {
    let contexts: Vec<ContextView> = spec
        .contexts
        .iter()
        .enumerate()
        .map(|(i, c)| context(spec, i, c))
        .collect();
    let route_timeouts: Vec<Vec<f64>> = contexts
        .iter()
        .map(|c| c.routes.iter().map(|r| r.timeout_s).collect())
        .collect();
    SystemView {
        deploy: super::deploy::view(spec, &route_timeouts),
        name: spec.system.name.to_string(),
        title: spec.system.title.clone(),
        description: spec.system.description.clone(),
        gateway: GatewayView {
            prefix: spec.gateway.prefix.trim_end_matches('/').to_owned(),
            grade: spec.gateway.dr.map(|d| d.grade),
            requests_per_second: spec
                .gateway
                .rate_limit
                .as_ref()
                .map(|r| r.requests_per_second),
            burst: spec.gateway.rate_limit.as_ref().and_then(|r| r.burst),
            timeout_s: spec.gateway.timeout.map_or(10.0, |t| seconds(t.0)),
        },
        teams: spec
            .teams
            .iter()
            .map(|t| TeamView {
                name: t.name.to_string(),
                title: t.title.clone(),
                contexts: spec
                    .contexts
                    .iter()
                    .filter(|c| c.team.as_deref() == Some(t.name.as_str()))
                    .map(|c| c.name.clone())
                    .collect(),
            })
            .collect(),
        contexts,
        msaforge_version: env!("CARGO_PKG_VERSION"),
    }
}

fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

pub(super) fn port(i: usize) -> u16 {
    BASE_PORT.saturating_add(u16::try_from(i).unwrap_or(u16::MAX))
}

fn context(spec: &Spec, i: usize, c: &Context) -> ContextView {
    use heck::{ToShoutySnakeCase, ToSnakeCase};
    let default_timeout = spec.gateway.timeout.map_or(10.0, |t| seconds(t.0));
    // Names already used by the context's types and events: generated enum names avoid them.
    let taken: Vec<&str> = c
        .types
        .iter()
        .map(|t| t.name.as_str())
        .chain(c.publishes.iter().map(|e| e.name.as_str()))
        .collect();
    let operations: Vec<OperationView> = c.operations.iter().map(|o| operation(c, o)).collect();
    // Fields that hold their own type again through inline fields: boxed in Rust.
    let boxed = crate::spec::types::recursive_fields(c);
    let mut routes: Vec<RouteView> = Vec::new();
    for o in operations.iter().filter(|o| o.public) {
        let prefix = crate::spec::resolve::route_prefix(&o.path);
        let timeout = o.timeout_s.unwrap_or(default_timeout);
        match routes.iter_mut().find(|r| r.prefix == prefix) {
            Some(r) => r.timeout_s = r.timeout_s.max(timeout),
            None => routes.push(RouteView {
                prefix,
                timeout_s: timeout,
            }),
        }
    }
    routes.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    ContextView {
        java: (c.stack == crate::spec::model::Stack::SpringBoot)
            .then(|| super::view_java::context(spec, c, &taken)),
        crate_name: c.name.to_snake_case(),
        env: c.name.to_shouty_snake_case(),
        port: port(i),
        name: c.name.clone(),
        title: c.title.clone(),
        purpose: c.purpose.clone(),
        rationale: c.rationale.clone(),
        team: c.team.clone(),
        stack: c.stack.as_str(),
        store: store_name(c.data.store),
        database: c.data.database.clone(),
        tables: c.data.tables.clone(),
        dr: c.dr.map(|d| DrView {
            grade: d.grade,
            strategy: strategy_name(d.strategy),
            rto_ms: d.rto.0,
            rpo_ms: d.rpo.0,
        }),
        types: c
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| TypeView {
                name: t.name.clone(),
                aggregate: t.aggregate,
                description: t.description.clone(),
                enums: enums(&t.name, &t.fields, &taken),
                fields: fields(&t.name, &t.fields, &taken, |f| boxed.contains(&(i, f))),
            })
            .collect(),
        has_public: operations.iter().any(|o| o.public),
        operations,
        publishes: c
            .publishes
            .iter()
            .map(|e| EventView {
                name: e.name.clone(),
                description: e.description.clone(),
                enums: enums(&e.name, &e.fields, &taken),
                fields: fields(&e.name, &e.fields, &taken, |_| false),
            })
            .collect(),
        consumes: c
            .consumes
            .iter()
            .map(|e| EventRefView {
                name: e.name.clone(),
                from: e.from.clone(),
            })
            .collect(),
        calls: c
            .calls
            .iter()
            .filter_map(|call| {
                let target_index = spec.context_index(&call.context)?;
                let target = &spec.contexts[target_index];
                let op = target.operation(&call.operation)?;
                let operation = operation(target, op);
                Some(CallView {
                    crate_name: target.name.to_snake_case(),
                    url_env: format!("{}_URL", target.name.to_shouty_snake_case()),
                    default_url: format!("http://127.0.0.1:{}", port(target_index)),
                    context: target.name.clone(),
                    timeout_ms: call.timeout.map_or(2_000, |t| t.0),
                    retries: if op.method.is_idempotent() {
                        call.retries
                    } else {
                        0
                    },
                    circuit_breaker: call.circuit_breaker.unwrap_or(false),
                    critical: call.critical,
                    operation,
                })
            })
            .collect(),
        callers: spec
            .contexts
            .iter()
            .filter(|o| o.calls.iter().any(|k| k.context == c.name))
            .map(|o| o.name.clone())
            .collect(),
        routes,
    }
}

fn operation(c: &Context, o: &crate::spec::resolve::Operation) -> OperationView {
    use heck::{ToSnakeCase, ToUpperCamelCase};
    let body = |b: &Body| BodyView {
        type_name: b.type_name.clone(),
        list: b.list,
        rust_type: if b.list {
            format!("Vec<{}>", b.type_name)
        } else {
            b.type_name.clone()
        },
    };
    let _ = c;
    OperationView {
        name: o.name.clone(),
        rust_name: o.name.to_snake_case(),
        pascal: o.name.to_upper_camel_case(),
        method: o.method.as_str(),
        method_lower: method_lower(o.method),
        idempotent: o.method.is_idempotent(),
        path: o.path.clone(),
        params: o
            .params
            .iter()
            .map(|p| ParamView {
                name: p.clone(),
                rust_name: p.to_snake_case(),
            })
            .collect(),
        request: o.request.as_ref().map(body),
        response: o.response.as_ref().map(body),
        public: o.exposure == Exposure::Public,
        timeout_s: o.timeout.map(|t| seconds(t.0)),
        description: o.description.clone(),
        status: match (o.method, &o.response) {
            (_, None) => 204,
            (Method::Post, _) => 201,
            _ => 200,
        },
    }
}

fn method_lower(m: Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Patch => "patch",
        Method::Delete => "delete",
    }
}

fn store_name(s: Store) -> &'static str {
    match s {
        Store::Postgres => "postgres",
        Store::Mysql => "mysql",
        Store::Mongodb => "mongodb",
        Store::Redis => "redis",
        Store::None => "none",
    }
}

fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::ActiveActive => "active-active",
        Strategy::ActiveStandby => "active-standby",
        Strategy::BackupRestore => "backup-restore",
    }
}

/// `ShelfStatus` for field `status` of `Shelf`; `ShelfStatusEnum` when the context already has a
/// type of that name, so Rust and OpenAPI agree on one unambiguous name.
pub(super) fn enum_name(owner: &str, field: &str, taken: &[&str]) -> String {
    use heck::ToUpperCamelCase;
    let name = format!("{owner}{}", field.to_upper_camel_case());
    if taken.contains(&name.as_str()) {
        format!("{name}Enum")
    } else {
        name
    }
}

fn enums(owner: &str, fields: &[Field], taken: &[&str]) -> Vec<EnumView> {
    use heck::ToUpperCamelCase;
    fields
        .iter()
        .filter_map(|f| {
            let values = enum_values(&f.ty)?;
            Some(EnumView {
                name: enum_name(owner, &f.name, taken),
                values: values
                    .iter()
                    .map(|v| EnumValueView {
                        value: v.clone(),
                        variant: v.to_upper_camel_case(),
                    })
                    .collect(),
            })
        })
        .collect()
}

pub(super) fn enum_values(ty: &FieldType) -> Option<&Vec<String>> {
    match ty {
        FieldType::Enum { values } => Some(values),
        FieldType::List { item } => enum_values(item),
        _ => None,
    }
}

/// The fields of a type or event; `boxed(i)` says field `i` needs a `Box` (it holds its owner).
fn fields(
    owner: &str,
    fields: &[Field],
    taken: &[&str],
    boxed: impl Fn(usize) -> bool,
) -> Vec<FieldView> {
    use heck::ToSnakeCase;
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let base = rust_type(owner, &f.name, &f.ty, taken);
            let base = if boxed(i) {
                format!("Box<{base}>")
            } else {
                base
            };
            FieldView {
                name: f.name.clone(),
                rust_name: f.name.to_snake_case(),
                rust_type: if f.optional {
                    format!("Option<{base}>")
                } else {
                    base
                },
                optional: f.optional,
                description: f.description.clone(),
                schema: schema(owner, &f.name, &f.ty, taken).to_string(),
            }
        })
        .collect()
}

/// The Rust type of a field. Decimals travel as strings so no precision is lost on the way.
fn rust_type(owner: &str, field: &str, ty: &FieldType, taken: &[&str]) -> String {
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
        FieldType::Enum { .. } => enum_name(owner, field, taken),
        FieldType::Named { name } => name.clone(),
        FieldType::List { item } => format!("Vec<{}>", rust_type(owner, field, item, taken)),
    }
}

/// The JSON Schema of a field, as OpenAPI 3.1 components reference it.
fn schema(owner: &str, field: &str, ty: &FieldType, taken: &[&str]) -> serde_json::Value {
    use serde_json::json;
    match ty {
        FieldType::Scalar { scalar } => match scalar {
            Scalar::String => json!({ "type": "string" }),
            Scalar::Decimal => json!({ "type": "string", "format": "decimal" }),
            Scalar::Int => json!({ "type": "integer", "format": "int32" }),
            Scalar::Long => json!({ "type": "integer", "format": "int64" }),
            Scalar::Bool => json!({ "type": "boolean" }),
            Scalar::Uuid => json!({ "type": "string", "format": "uuid" }),
            Scalar::Date => json!({ "type": "string", "format": "date" }),
            Scalar::Datetime => json!({ "type": "string", "format": "date-time" }),
        },
        FieldType::Enum { .. } => {
            json!({ "$ref": format!("#/components/schemas/{}", enum_name(owner, field, taken)) })
        }
        FieldType::Named { name } => json!({ "$ref": format!("#/components/schemas/{name}") }),
        FieldType::List { item } => {
            json!({ "type": "array", "items": schema(owner, field, item, taken) })
        }
    }
}
