//! The spec as written (`SpecFile`): serde + schemars types that mirror the YAML one to one.
//!
//! These types own the wire format and its JSON Schema. They resolve nothing: references, defaults and
//! durations are turned into a checked model by `spec::resolve`. Rules and templates never read them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::names::{CamelName, Duration, JavaPackage, KebabName, PascalName, SnakeName, ValueName};
pub use super::vocab::{Exposure, Method, Stack, Store, Strategy, WriteStrategy};

/// A msaforge spec, format version 1.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "msaforge spec")]
pub struct SpecFile {
    /// Format version of this file. Only `1` exists.
    #[schemars(range(min = 1, max = 1))]
    pub msaforge: u32,
    pub system: System,
    /// Teams that own contexts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
    pub gateway: Gateway,
    /// Overrides of the built-in DR grade table, per grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dr_profiles: Vec<DrProfile>,
    /// Thresholds of the architecture rules; omitted values take msaforge's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// Bounded contexts; each becomes one service. At least one.
    #[schemars(length(min = 1))]
    pub contexts: Vec<Context>,
}

/// The system as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// kebab-case identifier of the system (used for namespaces and file names).
    pub name: KebabName,
    /// Human title, any language.
    pub title: String,
    /// Free text, any language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Settings of the `spring-boot` services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java: Option<Java>,
}

/// Settings of generated Java (`spring-boot`) services.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Java {
    /// Java package. At system level, the root under which each context gets a package of its own
    /// (`kr.go.archive` -> `kr.go.archive.placement`; default `com.example.<system>`); on a context,
    /// that context's whole package.
    pub package: JavaPackage,
}

/// A team that owns one or more contexts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: KebabName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The API gateway in front of the public operations.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    /// Every public operation is routed under this prefix, for example `/api`.
    #[schemars(regex(pattern = r"^(/[a-z0-9][a-z0-9._-]*)*$"))]
    pub prefix: String,
    /// DR grade of the gateway; it must be at least as strong as the strongest public context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr: Option<Dr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// Default upstream timeout for routes whose operation sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// Requests per second per client address, with a burst allowance.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    #[schemars(range(min = 1, max = 1_000_000))]
    pub requests_per_second: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 10_000_000))]
    pub burst: Option<u32>,
}

/// Disaster-recovery settings of a context or of the gateway.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dr {
    /// Grade of the information system (정보시스템 등급): 1 is the most critical; 5 is treated as 4.
    #[schemars(range(min = 1, max = 5))]
    pub grade: u8,
    /// Overrides the grade's strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Overrides the grade's recovery time objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto: Option<Duration>,
    /// Overrides the grade's recovery point objective (`0` for no data loss).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<Duration>,
    /// How writes are coordinated when more than one site serves (active-active with a stateful store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_strategy: Option<WriteStrategy>,
}

/// One row of the DR grade table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrProfile {
    #[schemars(range(min = 1, max = 5))]
    pub grade: u8,
    pub strategy: Strategy,
    pub rto: Duration,
    pub rpo: Duration,
}

/// Thresholds of the rules. An SI firm can ship one policy for all its projects.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Longest allowed chain of synchronous calls, in hops (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub max_call_chain: Option<u32>,
    /// Share of the smaller context's types that two contexts may have in common (default 0.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub intimacy_threshold: Option<f64>,
    /// Most contexts one team may own (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub max_contexts_per_team: Option<u32>,
    /// Standard deviations from the mean type count that flag a wrong cut (default 2.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.5, max = 10.0))]
    pub wrong_cut_sigma: Option<f64>,
    /// Fastest RTO and RPO each strategy can meet; replaces msaforge's table row by row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strategy_limits: Vec<StrategyLimit>,
    /// Rule codes to skip, for example `MSA110`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(regex(pattern = r"^MSA[0-9]{3}$")))]
    pub ignore: Vec<String>,
}

/// The best RTO and RPO a strategy can honestly promise.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyLimit {
    pub strategy: Strategy,
    pub min_rto: Duration,
    pub min_rpo: Duration,
}

/// A bounded context: one service, one team, one datastore.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// kebab-case, unique, at most 40 characters; becomes the service name.
    pub name: KebabName,
    /// Human title, any language.
    pub title: String,
    /// What this context is responsible for, any language.
    pub purpose: String,
    /// Why this is a boundary of its own (written by `design`; shown in docs, ignored by `check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Owning team (a name from `teams`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<KebabName>,
    /// Technology stack of the generated service.
    #[serde(default)]
    pub stack: Stack,
    /// Java settings of a `spring-boot` context (its package replaces the one derived from the system's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java: Option<Java>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr: Option<Dr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Data>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<TypeDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Events>,
    /// Synchronous dependencies on other contexts' operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
}

/// The datastore a context owns.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub store: Store,
    /// Name of the database (or schema) holding the tables; defaults to the context's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<SnakeName>,
    /// Tables (or collections, or key prefixes) this context owns. No other context may claim them.
    /// A plain name is a table you access with code of your own; `{name, type, key}` stores an
    /// aggregate of this context there, one row per aggregate: msaforge generates its migrations
    /// and its repository (postgres and mysql).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
}

/// A table of a context: a plain name, or the table an aggregate is stored in.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Table {
    /// A table this context owns and reads and writes with code of your own.
    Name(SnakeName),
    /// A table msaforge creates and migrates for an aggregate, with a generated repository.
    Aggregate(AggregateTable),
}

impl Table {
    pub fn name(&self) -> &SnakeName {
        match self {
            Table::Name(name) | Table::Aggregate(AggregateTable { name, .. }) => name,
        }
    }
}

/// An aggregate stored in a table of its own: one row per aggregate, one column per field.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AggregateTable {
    /// snake_case name of the table.
    pub name: SnakeName,
    /// The aggregate stored here: a type of this context with `aggregate: true`.
    #[serde(rename = "type")]
    pub ty: PascalName,
    /// The field that identifies an aggregate: the primary key (a required `uuid`, `string`,
    /// `int` or `long` field). Default `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<CamelName>,
}

/// A type of the context's model.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// PascalCase.
    pub name: PascalName,
    /// The root of an aggregate (a consistency boundary).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aggregate: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

/// A field of a type or an event.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// camelCase.
    pub name: CamelName,
    /// string, int, long, decimal, bool, uuid, date, datetime, enum, or a type of this context;
    /// add `[]` for a list (`Shelf[]`, `string[]`).
    #[serde(rename = "type")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]*(\[\])?$"))]
    pub ty: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// The values of an `enum` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An HTTP operation of the context's API.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// camelCase.
    pub name: CamelName,
    pub method: Method,
    /// Path template relative to the gateway prefix, with `{param}` segments, for example `/v1/shelves/{id}`.
    /// No `.` or `..` segment: clients and nginx remove them, so such a route could never match.
    #[schemars(regex(
        pattern = r"^(/([A-Za-z0-9._~-]*[A-Za-z0-9_~-][A-Za-z0-9._~-]*|\{[a-z][A-Za-z0-9]*\}))+$|^/$"
    ))]
    pub path: String,
    /// Request body: a type of this context (or `Type[]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]*(\[\])?$"))]
    pub request: Option<String>,
    /// Response body: a type of this context (or `Type[]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9]*(\[\])?$"))]
    pub response: Option<String>,
    #[serde(default)]
    pub exposure: Exposure,
    /// Upstream timeout at the gateway for this operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Asynchronous messages.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publishes: Vec<EventDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumes: Vec<EventRef>,
}

/// An event this context publishes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// PascalCase, in the past tense (`RecordPlaced`).
    pub name: PascalName,
    /// The contract's version (default 1), in its topic and type (`...record-placed.v2`). A
    /// breaking change to the fields needs a new version; during a migration a context may
    /// publish two versions of one event side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 999))]
    pub version: Option<u32>,
    /// The field whose value is the Kafka message key: events with the same key keep their order
    /// (use the aggregate's id). Without one, events are spread over partitions in no order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<CamelName>,
    /// Partitions of its topic (default 3): the most consumers of one group working in parallel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub partitions: Option<u32>,
    /// How long the broker keeps its messages (default `7d`): the longest a consumer may be down
    /// and still catch up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Duration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An event this context consumes, and the context that publishes it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRef {
    pub name: PascalName,
    pub from: KebabName,
    /// The version consumed (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 999))]
    pub version: Option<u32>,
}

/// A synchronous call to another context's operation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub context: KebabName,
    pub operation: CamelName,
    /// Give up after this long (`2s`). Required in practice: a call without one is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (only idempotent methods are retried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 10))]
    pub retries: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<bool>,
    /// This context cannot serve without the callee; its RTO then depends on the callee's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub critical: bool,
}
