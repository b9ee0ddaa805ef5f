//! The rules every stack's view shares, written once: local ports, the names of generated enums
//! and event types, the peers a context calls (with the types those calls need), and the timeout
//! and retries a call really gets.
//!
//! Pure functions of the checked `Spec`. How a stack spells a name is that stack's own business.

use heck::{ToKebabCase, ToShoutySnakeCase, ToUpperCamelCase};
use serde::Serialize;

use crate::spec::Spec;
use crate::spec::model::Method;
use crate::spec::resolve::{Call, Context, Field, Operation, TypeDef};

/// First port handed to services in local runs (compose and the end-to-end test); context `i` gets
/// `BASE_PORT + i`.
pub const BASE_PORT: u16 = 18_081;

/// The timeout of a call that states none.
pub const DEFAULT_CALL_TIMEOUT_MS: u64 = 2_000;

/// The port of context `i` in local runs.
pub fn port(i: usize) -> u16 {
    BASE_PORT.saturating_add(u16::try_from(i).unwrap_or(u16::MAX))
}

/// The names generated enums of `c` must avoid: its types' and its events'.
pub fn taken(c: &Context) -> Vec<String> {
    c.types
        .iter()
        .map(|t| t.name.clone())
        .chain(
            c.publishes
                .iter()
                .map(crate::spec::resolve::Event::type_name),
        )
        .collect()
}

/// `ShelfStatus` for field `status` of `Shelf`; `ShelfStatusEnum` when the context already has a
/// type of that name, so every stack and OpenAPI agree on one unambiguous name.
pub fn enum_name(owner: &str, field: &str, taken: &[String]) -> String {
    let name = format!("{owner}{}", field.to_upper_camel_case());
    if taken.contains(&name) {
        format!("{name}Enum")
    } else {
        name
    }
}

/// The versioned type of an event, `<context>.<event>.v<N>`, the same in every stack (and the
/// CloudEvents `type` of its messages).
pub fn event_type(context: &str, event: &str, version: u32) -> String {
    format!("{context}.{}.v{version}", event.to_kebab_case())
}

/// The Kafka topic of an event: `<system>.<context>.<event>.v<N>`, the system's name before the
/// event's type, so that systems sharing one cluster never share a topic.
pub fn topic(system: &str, context: &str, event: &str, version: u32) -> String {
    format!("{system}.{}", event_type(context, event, version))
}

/// Where the messages a consumer of `topic` gives up on go, with the error: `<topic>.dlq`.
pub fn dead_letter_topic(topic: &str) -> String {
    format!("{topic}.dlq")
}

/// The consumer group of a context: `<system>.<context>`, one per context, shared by its replicas.
pub fn consumer_group(system: &str, context: &str) -> String {
    format!("{system}.{context}")
}

/// A spec type or event as one stack's templates see it: its fields and the enums of its enum
/// fields, spelt by the stack (`F` a field, `V` an enum value).
#[derive(Debug, Serialize)]
pub struct Record<F, V> {
    /// The spec's name: a struct, record or class of that name.
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<F>,
    /// One enum per enum field, named as in OpenAPI (`ShelfStatus`).
    pub enums: Vec<EnumOf<V>>,
    /// For an event: its versioned type, `<context>.<event>.v1`, as in every stack.
    pub event_type: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EnumOf<V> {
    pub name: String,
    pub values: Vec<V>,
}

/// How a stack spells the records of a context: a field of a record named `owner` (`taken`: the
/// names its enums avoid) and an enum value.
#[derive(Debug, Clone, Copy)]
pub struct Spelling<F, V> {
    pub field: fn(owner: &str, field: &Field, taken: &[String]) -> F,
    pub value: fn(&str) -> V,
}

impl<F, V> Spelling<F, V> {
    /// The records of the types of `c`.
    pub fn types(&self, c: &Context) -> Vec<Record<F, V>> {
        let taken = taken(c);
        c.types.iter().map(|t| self.record(t, &taken)).collect()
    }

    /// The records of the events `c` publishes, with their event types.
    pub fn events(&self, c: &Context) -> Vec<Record<F, V>> {
        let taken = taken(c);
        c.publishes
            .iter()
            .map(|e| Record {
                event_type: Some(event_type(&c.name, &e.name, e.version)),
                ..self.fields(&e.type_name(), e.description.as_ref(), &e.fields, &taken)
            })
            .collect()
    }

    /// The records of the peer's types that calls to it need (see [`Peer::types`]).
    pub fn peer_types(&self, peer: &Peer) -> Vec<Record<F, V>> {
        let taken = taken(peer.context);
        peer.types()
            .into_iter()
            .map(|t| self.record(t, &taken))
            .collect()
    }

    fn record(&self, t: &TypeDef, taken: &[String]) -> Record<F, V> {
        self.fields(&t.name, t.description.as_ref(), &t.fields, taken)
    }

    fn fields(
        &self,
        owner: &str,
        description: Option<&String>,
        fields: &[Field],
        taken: &[String],
    ) -> Record<F, V> {
        Record {
            name: owner.to_owned(),
            description: description.cloned(),
            fields: fields
                .iter()
                .map(|f| (self.field)(owner, f, taken))
                .collect(),
            enums: fields
                .iter()
                .filter_map(|f| {
                    Some(EnumOf {
                        name: enum_name(owner, &f.name, taken),
                        values: f
                            .ty
                            .enum_values()?
                            .iter()
                            .map(|v| (self.value)(v))
                            .collect(),
                    })
                })
                .collect(),
            event_type: None,
        }
    }
}

/// The success status of an operation: 204 when it has no response body, else 201 for POST and
/// 200 otherwise.
pub fn status(o: &Operation) -> u16 {
    match (o.method, &o.response) {
        (_, None) => 204,
        (Method::Post, _) => 201,
        _ => 200,
    }
}

/// How a call behaves: the spec's settings with msaforge's defaults applied.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CallPolicy {
    pub timeout_ms: u64,
    /// Retries actually applied: zero for methods that are not idempotent.
    pub retries: u32,
    pub circuit_breaker: bool,
    pub critical: bool,
}

impl CallPolicy {
    pub fn of(call: &Call, operation: &Operation) -> Self {
        CallPolicy {
            timeout_ms: call.timeout.map_or(DEFAULT_CALL_TIMEOUT_MS, |t| t.0),
            retries: if operation.method.is_idempotent() {
                call.retries
            } else {
                0
            },
            circuit_breaker: call.circuit_breaker.unwrap_or(false),
            critical: call.critical,
        }
    }
}

/// Where a called context is found: its name, the environment variable with its base URL and
/// that URL's default in local runs.
#[derive(Debug, Clone, Serialize)]
pub struct PeerAddress {
    /// The called context's name: `directory`.
    pub context: String,
    /// `DIRECTORY_URL`.
    pub url_env: String,
    /// `http://127.0.0.1:18082`.
    pub default_url: String,
}

impl PeerAddress {
    pub fn of(spec: &Spec, index: usize) -> Self {
        let name = &spec.contexts[index].name;
        PeerAddress {
            context: name.clone(),
            url_env: format!("{}_URL", name.to_shouty_snake_case()),
            default_url: format!("http://127.0.0.1:{}", port(index)),
        }
    }
}

/// One call of a context, resolved: the called context (and its index) and operation.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    pub index: usize,
    pub peer: &'a Context,
    pub call: &'a Call,
    pub operation: &'a Operation,
}

impl Resolved<'_> {
    pub fn policy(&self) -> CallPolicy {
        CallPolicy::of(self.call, self.operation)
    }
}

/// The calls of `c` in spec order (after `check`, every one resolves).
pub fn calls<'a>(spec: &'a Spec, c: &'a Context) -> Vec<Resolved<'a>> {
    c.calls
        .iter()
        .filter_map(|call| {
            let index = spec.context_index(&call.context)?;
            let peer = &spec.contexts[index];
            let operation = peer.operation(&call.operation)?;
            Some(Resolved {
                index,
                peer,
                call,
                operation,
            })
        })
        .collect()
}

/// A context that `c` calls, with its calls in spec order.
#[derive(Debug, Clone)]
pub struct Peer<'a> {
    pub index: usize,
    pub context: &'a Context,
    pub calls: Vec<Resolved<'a>>,
}

impl<'a> Peer<'a> {
    /// The peer's types that these calls send or receive, and the types those refer to, in the
    /// peer's order: what a client of the peer must declare.
    pub fn types(&self) -> Vec<&'a TypeDef> {
        let mut needed: Vec<&str> = Vec::new();
        let mut todo: Vec<&str> = self
            .calls
            .iter()
            .flat_map(|k| k.operation.request.iter().chain(&k.operation.response))
            .map(|b| b.type_name.as_str())
            .collect();
        while let Some(name) = todo.pop() {
            if needed.contains(&name) {
                continue;
            }
            let Some(t) = self.context.types.iter().find(|t| t.name == name) else {
                continue;
            };
            needed.push(&t.name);
            todo.extend(t.fields.iter().filter_map(|f| f.ty.named()));
        }
        self.context
            .types
            .iter()
            .filter(|t| needed.contains(&t.name.as_str()))
            .collect()
    }
}

/// The contexts `c` calls, in the order of their first call.
pub fn peers<'a>(spec: &'a Spec, c: &'a Context) -> Vec<Peer<'a>> {
    let mut out: Vec<Peer> = Vec::new();
    for call in calls(spec, c) {
        match out.iter_mut().find(|p| p.index == call.index) {
            Some(peer) => peer.calls.push(call),
            None => out.push(Peer {
                index: call.index,
                context: call.peer,
                calls: vec![call],
            }),
        }
    }
    out
}
