//! `SpecFile` (as written) -> `Spec` (checked model): defaults applied, durations parsed, DR profiles
//! resolved from the grade table, field types parsed, names indexed.
//!
//! Resolution never fails and never judges: a reference to something missing stays a name, and the
//! rules in `check` report it. Generators only ever see a `Spec` whose check found no errors.

use std::collections::HashMap;

use serde::Serialize;

use super::dr::{DrTable, strategy_limit};
use super::model::{
    self, Exposure, Method, RateLimit, SpecFile, Stack, Store, Strategy, StrategyLimit,
    WriteStrategy,
};
use super::names::Millis;
pub use super::types::{Body, Field, FieldType, Scalar, TypeDef};

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub name: String,
    pub method: Method,
    pub path: String,
    /// Names of the `{param}` segments, in order.
    pub params: Vec<String>,
    pub request: Option<Body>,
    pub response: Option<Body>,
    pub exposure: Exposure,
    pub timeout: Option<Millis>,
    pub description: Option<String>,
}

/// Partitions of an event's topic when the spec names none.
pub const DEFAULT_PARTITIONS: u32 = 3;
/// How long the broker keeps an event's messages when the spec says nothing: a week.
pub const DEFAULT_RETENTION: Millis = Millis::from_hours(24 * 7);

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub name: String,
    /// 1 unless the spec says otherwise.
    pub version: u32,
    /// The field whose value keys the Kafka message (keeps order per key), if the spec names one.
    pub key: Option<String>,
    pub partitions: u32,
    pub retention: Millis,
    pub fields: Vec<Field>,
    pub description: Option<String>,
}

impl Event {
    /// The name of its type in code: `RecordPlaced` for version 1, `RecordPlacedV2` for version 2
    /// (so that two versions published side by side are two types).
    pub fn type_name(&self) -> String {
        type_name(&self.name, self.version)
    }
}

/// `RecordPlaced` at version 1, `RecordPlacedV2` at version 2: the type of an event version.
pub fn type_name(name: &str, version: u32) -> String {
    if version == 1 {
        name.to_owned()
    } else {
        format!("{name}V{version}")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRef {
    pub name: String,
    pub from: String,
    /// 1 unless the spec says otherwise.
    pub version: u32,
}

impl EventRef {
    pub fn type_name(&self) -> String {
        type_name(&self.name, self.version)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub context: String,
    pub operation: String,
    pub timeout: Option<Millis>,
    pub retries: u32,
    /// `None` when the spec did not say.
    pub circuit_breaker: Option<bool>,
    pub critical: bool,
}

/// A context's DR objectives after applying the grade table and its own overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DrLevel {
    pub grade: u8,
    pub strategy: Strategy,
    pub rto: Millis,
    pub rpo: Millis,
    pub write_strategy: Option<WriteStrategy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Data {
    pub store: Store,
    /// The database name: the one written, or the context's name with `_` for `-`.
    pub database: String,
    /// Every table's name, in spec order (plain names and aggregate tables alike).
    pub tables: Vec<String>,
    /// The tables that store an aggregate, in spec order.
    pub aggregates: Vec<StoredAggregate>,
}

/// An aggregate stored in a table of its own (`tables: [{name, type, key}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAggregate {
    pub table: String,
    /// Its place in `Data::tables` (for pointing findings at it).
    pub index: usize,
    /// The type stored (existence and `aggregate: true` are checked by the rules).
    pub type_name: String,
    /// The key field: the one written, or `id`.
    pub key: String,
    /// Whether `key` was written (findings about the default say so).
    pub key_written: bool,
}

impl Data {
    /// The aggregate stored in table `name`, if that table stores one.
    pub fn aggregate(&self, table: &str) -> Option<&StoredAggregate> {
        self.aggregates.iter().find(|a| a.table == table)
    }
}

/// The key of an aggregate table that names none.
pub const DEFAULT_KEY: &str = "id";

#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub name: String,
    pub title: String,
    pub purpose: String,
    pub rationale: Option<String>,
    pub team: Option<String>,
    pub stack: Stack,
    /// Java package of a `spring-boot` service: the context's own `java.package`, or the system's
    /// root (default `com.example.<system>`) followed by the context's name in snake_case.
    pub java_package: String,
    /// `None` when the context states no DR grade.
    pub dr: Option<DrLevel>,
    pub data: Data,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub publishes: Vec<Event>,
    pub consumes: Vec<EventRef>,
    pub calls: Vec<Call>,
}

impl Context {
    pub fn is_stateful(&self) -> bool {
        self.data.store != Store::None
    }

    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Gateway {
    pub prefix: String,
    pub dr: Option<DrLevel>,
    pub rate_limit: Option<RateLimit>,
    pub timeout: Option<Millis>,
}

/// Rule thresholds with msaforge's defaults applied.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub max_call_chain: u32,
    pub intimacy_threshold: f64,
    pub max_contexts_per_team: u32,
    pub wrong_cut_sigma: f64,
    pub ignore: Vec<String>,
    #[serde(skip)]
    strategy_limits: Vec<StrategyLimit>,
}

impl Policy {
    pub const DEFAULT_MAX_CALL_CHAIN: u32 = 3;
    pub const DEFAULT_INTIMACY: f64 = 0.8;
    pub const DEFAULT_MAX_CONTEXTS_PER_TEAM: u32 = 3;
    pub const DEFAULT_WRONG_CUT_SIGMA: f64 = 2.0;

    pub fn from_file(p: Option<&model::Policy>) -> Self {
        let p = p.cloned().unwrap_or_default();
        Policy {
            max_call_chain: p.max_call_chain.unwrap_or(Self::DEFAULT_MAX_CALL_CHAIN),
            intimacy_threshold: p.intimacy_threshold.unwrap_or(Self::DEFAULT_INTIMACY),
            max_contexts_per_team: p
                .max_contexts_per_team
                .unwrap_or(Self::DEFAULT_MAX_CONTEXTS_PER_TEAM),
            wrong_cut_sigma: p.wrong_cut_sigma.unwrap_or(Self::DEFAULT_WRONG_CUT_SIGMA),
            ignore: p.ignore,
            strategy_limits: p.strategy_limits,
        }
    }

    /// The strategies of `strategy_limits`, in file order (for pointing findings at the row).
    pub fn limited_strategies(&self) -> Vec<Strategy> {
        self.strategy_limits.iter().map(|l| l.strategy).collect()
    }

    /// The fastest (RTO, RPO) a strategy can meet under this policy.
    pub fn strategy_limit(&self, strategy: Strategy) -> (Millis, Millis) {
        strategy_limit(&self.strategy_limits, strategy)
    }
}

/// The checked model every rule and template works on.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub version: u32,
    pub system: model::System,
    pub teams: Vec<model::Team>,
    pub gateway: Gateway,
    pub dr_table: DrTable,
    /// The grades of `dr_profiles`, in file order (for pointing findings at the row).
    #[serde(skip)]
    pub dr_profile_grades: Vec<u8>,
    pub policy: Policy,
    pub contexts: Vec<Context>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Spec {
    /// The index of the first context with this name.
    pub fn context_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn context(&self, name: &str) -> Option<&Context> {
        self.context_index(name).map(|i| &self.contexts[i])
    }
}

/// Builds the checked model from a file that passed the schema. Takes the file by value: its
/// strings move into the model instead of being copied.
pub fn resolve(file: SpecFile) -> Spec {
    let dr_table = DrTable::with_overrides(&file.dr_profiles);
    let level = |dr: &model::Dr| {
        let row = dr_table.profile(dr.grade);
        let parse =
            |d: &Option<super::names::Duration>| d.as_ref().and_then(super::names::Duration::parse);
        DrLevel {
            grade: dr.grade,
            strategy: dr.strategy.unwrap_or(row.strategy),
            rto: parse(&dr.rto).unwrap_or(row.rto),
            rpo: parse(&dr.rpo).unwrap_or(row.rpo),
            write_strategy: dr.write_strategy,
        }
    };
    let java_root = file.system.java.as_ref().map_or_else(
        || format!("com.example.{}", file.system.name.replace('-', "_")),
        |j| j.package.0.clone(),
    );
    let contexts: Vec<Context> = file
        .contexts
        .into_iter()
        .map(|c| context(c, &java_root, &level))
        .collect();
    let mut index = HashMap::with_capacity(contexts.len());
    for (i, c) in contexts.iter().enumerate() {
        index.entry(c.name.clone()).or_insert(i);
    }
    let gateway = Gateway {
        dr: file.gateway.dr.as_ref().map(level),
        timeout: file
            .gateway
            .timeout
            .as_ref()
            .and_then(super::names::Duration::parse),
        prefix: file.gateway.prefix,
        rate_limit: file.gateway.rate_limit,
    };
    Spec {
        version: file.msaforge,
        system: file.system,
        teams: file.teams,
        gateway,
        dr_table,
        dr_profile_grades: file.dr_profiles.iter().map(|p| p.grade).collect(),
        policy: Policy::from_file(file.policy.as_ref()),
        contexts,
        index,
    }
}

fn context(c: model::Context, java_root: &str, level: &impl Fn(&model::Dr) -> DrLevel) -> Context {
    let name = c.name.0;
    let java_package = c.java.map_or_else(
        || format!("{java_root}.{}", name.replace('-', "_")),
        |j| j.package.0,
    );
    let events = c.events.unwrap_or_default();
    let default_database = || name.replace('-', "_");
    let data = match c.data {
        None => Data {
            store: Store::None,
            database: default_database(),
            tables: Vec::new(),
            aggregates: Vec::new(),
        },
        Some(d) => Data {
            store: d.store,
            database: d.database.map_or_else(default_database, |db| db.0),
            aggregates: d
                .tables
                .iter()
                .enumerate()
                .filter_map(|(index, t)| match t {
                    model::Table::Name(_) => None,
                    model::Table::Aggregate(a) => Some(StoredAggregate {
                        table: a.name.0.clone(),
                        index,
                        type_name: a.ty.0.clone(),
                        key: a
                            .key
                            .as_ref()
                            .map_or(DEFAULT_KEY, |k| k.0.as_str())
                            .to_owned(),
                        key_written: a.key.is_some(),
                    }),
                })
                .collect(),
            tables: d.tables.into_iter().map(|t| t.name().0.clone()).collect(),
        },
    };
    Context {
        title: c.title,
        purpose: c.purpose,
        rationale: c.rationale,
        team: c.team.map(|t| t.0),
        stack: c.stack,
        java_package,
        dr: c.dr.as_ref().map(level),
        data,
        types: c
            .types
            .into_iter()
            .map(|t| TypeDef {
                name: t.name.0,
                aggregate: t.aggregate,
                description: t.description,
                fields: fields(t.fields),
            })
            .collect(),
        operations: c.operations.into_iter().map(operation).collect(),
        publishes: events
            .publishes
            .into_iter()
            .map(|e| Event {
                name: e.name.0,
                version: e.version.unwrap_or(1),
                key: e.key.map(|k| k.0),
                partitions: e.partitions.unwrap_or(DEFAULT_PARTITIONS),
                retention: e
                    .retention
                    .as_ref()
                    .and_then(super::names::Duration::parse)
                    .unwrap_or(DEFAULT_RETENTION),
                fields: fields(e.fields),
                description: e.description,
            })
            .collect(),
        consumes: events
            .consumes
            .into_iter()
            .map(|e| EventRef {
                name: e.name.0,
                from: e.from.0,
                version: e.version.unwrap_or(1),
            })
            .collect(),
        calls: c
            .calls
            .into_iter()
            .map(|call| Call {
                timeout: call
                    .timeout
                    .as_ref()
                    .and_then(super::names::Duration::parse),
                context: call.context.0,
                operation: call.operation.0,
                retries: call.retries.unwrap_or(0),
                circuit_breaker: call.circuit_breaker,
                critical: call.critical,
            })
            .collect(),
        name,
    }
}

fn fields(fields: Vec<model::Field>) -> Vec<Field> {
    fields
        .into_iter()
        .map(|f| {
            let values: Vec<String> = f.values.into_iter().map(|v| v.0).collect();
            Field {
                ty: FieldType::parse(&f.ty, &values),
                name: f.name.0,
                optional: f.optional,
                description: f.description,
            }
        })
        .collect()
}

fn operation(o: model::Operation) -> Operation {
    Operation {
        name: o.name.0,
        method: o.method,
        params: path_params(&o.path),
        path: o.path,
        request: o.request.as_deref().map(Body::parse),
        response: o.response.as_deref().map(Body::parse),
        exposure: o.exposure,
        timeout: o.timeout.as_ref().and_then(super::names::Duration::parse),
        description: o.description,
    }
}

/// The gateway route a public path belongs to: its first two literal segments (`/v1/shelves` for
/// `/v1/shelves/{id}/slots`). The gateway sends each route to exactly one context.
pub fn route_prefix(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .take(2)
        .take_while(|s| !s.starts_with('{'))
        .fold(String::new(), |acc, s| acc + "/" + s)
}

/// The `{name}` segments of a path template.
pub fn path_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_parse() {
        assert_eq!(
            FieldType::parse("uuid", &[]),
            FieldType::Scalar {
                scalar: Scalar::Uuid
            }
        );
        assert_eq!(
            FieldType::parse("Shelf[]", &[]),
            FieldType::List {
                item: Box::new(FieldType::Named {
                    name: "Shelf".into()
                })
            }
        );
        assert_eq!(FieldType::parse("Shelf[]", &[]).named(), Some("Shelf"));
        assert_eq!(path_params("/v1/shelves/{id}/slots/{slot}"), ["id", "slot"]);
    }
}
