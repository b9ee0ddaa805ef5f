//! The stack-neutral view of one context (names, data, DR, operations, calls, routes, deployment)
//! and, under its stack's key (`ctx.rust`, `ctx.java`), the view its stack adds.

use std::collections::BTreeMap;

use heck::ToShoutySnakeCase;
use serde::Serialize;

use super::operation::{self, CallView, OperationView};
use super::types::{self, EventView, TypeView};
use crate::generate::deploy::{self, DeployContext};
use crate::recovery::ContextPlan;
use crate::spec::Spec;
use crate::stack::common::{self, PeerAddress};
use crate::stack::{self, Runtime, TracingEnv};

#[derive(Debug, Serialize)]
pub struct ContextView {
    pub name: String,
    /// Prefix of this service's environment variables and of its URL variable for callers:
    /// `FEE_CALCULATOR`.
    pub env: String,
    /// Port of the service in local runs.
    pub port: u16,
    pub title: String,
    pub purpose: String,
    pub rationale: Option<String>,
    pub team: Option<String>,
    /// The title of its team, when the team has one.
    pub team_title: Option<String>,
    pub stack: &'static str,
    pub store: &'static str,
    pub database: String,
    pub tables: Vec<String>,
    /// Its relational schema (postgres, mysql), for the README's migrations section.
    pub migrations: Option<MigrationsView>,
    pub dr: Option<DrView>,
    pub types: Vec<TypeView>,
    pub operations: Vec<OperationView>,
    pub publishes: Vec<EventView>,
    pub consumes: Vec<EventRefView>,
    /// Its Kafka consumer group, `<system>.<context>` (`stack::common::consumer_group`).
    pub consumer_group: String,
    pub calls: Vec<CallView>,
    /// The contexts it calls, once each, in the order of their first call.
    pub peers: Vec<PeerAddress>,
    /// Names of the contexts that call this one synchronously.
    pub callers: Vec<String>,
    /// Distinct leading path segments of public operations (`/v1/shelves`), for gateway routes,
    /// each with the longest timeout of its operations.
    pub routes: Vec<RouteView>,
    pub has_public: bool,
    /// The OpenAPI schema of problem+json bodies: `Problem`, or `HttpProblem` when a type of the
    /// context has that name.
    pub problem_schema: &'static str,
    /// The command line that starts the built service from the output directory.
    pub run: String,
    /// The stack's own variable for the OTLP traces endpoint, if it has one.
    pub tracing_env: Option<TracingEnv>,
    /// The stack's own settings in Kubernetes and its container's memory and CPU.
    pub runtime: Runtime,
    /// Kubernetes and DR (see `generate::deploy`).
    pub deploy: DeployContext,
    /// Each stack's view under its key: this context's stack's, none for the others.
    #[serde(flatten)]
    pub stacks: BTreeMap<&'static str, minijinja::Value>,
}

/// The migrations of a context with a SQL store.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationsView {
    /// `services/<ctx>/migrations`.
    pub dir: String,
    /// The tool that runs them: `sqlx` or `Flyway`.
    pub tool: &'static str,
    /// The tables msaforge creates and migrates (aggregates).
    pub mapped: Vec<String>,
    /// Plain table names: declared, migrated by the user.
    pub unmapped: Vec<String>,
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
pub struct EventRefView {
    pub name: String,
    pub from: String,
    /// The version consumed.
    pub version: u32,
    /// Its type in code: `RecordPlaced`, `RecordPlacedV2` (see `spec::resolve::type_name`).
    pub type_name: String,
    /// `<publisher>.<event>.v<N>`, the CloudEvents `type` its messages carry.
    pub event_type: String,
    /// The publisher's topic of the event.
    pub topic: String,
    /// Where this context's consumer puts the messages its handler keeps rejecting: `<topic>.dlq`.
    pub dead_letter_topic: String,
}

/// The view of context `i`, whose row of the DR plan is `plan`.
pub fn context(spec: &Spec, i: usize, plan: ContextPlan) -> ContextView {
    let c = &spec.contexts[i];
    let def = stack::of(c.stack);
    let taken = common::taken(c);
    let operations = operation::operations(c);
    let default_timeout = super::gateway_timeout_s(spec);
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
        name: c.name.clone(),
        env: c.name.to_shouty_snake_case(),
        port: common::port(i),
        title: c.title.clone(),
        purpose: c.purpose.clone(),
        rationale: c.rationale.clone(),
        team: c.team.clone(),
        team_title: spec
            .teams
            .iter()
            .find(|t| c.team.as_deref() == Some(t.name.as_str()))
            .and_then(|t| t.title.clone()),
        stack: c.stack.as_str(),
        store: c.data.store.as_str(),
        database: c.data.database.clone(),
        tables: c.data.tables.clone(),
        migrations: crate::migrate::context_schema(c).map(|s| MigrationsView {
            dir: crate::migrate::files::dir(&c.name),
            tool: match crate::stack::of(c.stack).migrations {
                crate::migrate::Naming::Sqlx => "sqlx",
                crate::migrate::Naming::Flyway => "Flyway",
            },
            mapped: s.tables.into_iter().map(|t| t.name).collect(),
            unmapped: s.unmapped,
        }),
        dr: c.dr.map(|d| DrView {
            grade: d.grade,
            strategy: d.strategy.as_str(),
            rto_ms: d.rto.0,
            rpo_ms: d.rpo.0,
        }),
        types: types::types(c, &taken),
        has_public: operations.iter().any(|o| o.public),
        operations,
        publishes: types::events(spec.system.name.as_str(), &spec.contexts, c, &taken),
        consumes: c
            .consumes
            .iter()
            .map(|e| {
                let topic = common::topic(spec.system.name.as_str(), &e.from, &e.name, e.version);
                EventRefView {
                    name: e.name.clone(),
                    from: e.from.clone(),
                    version: e.version,
                    type_name: e.type_name(),
                    event_type: common::event_type(&e.from, &e.name, e.version),
                    dead_letter_topic: common::dead_letter_topic(&topic),
                    topic,
                }
            })
            .collect(),
        consumer_group: common::consumer_group(spec.system.name.as_str(), &c.name),
        calls: operation::calls(spec, c),
        peers: common::peers(spec, c)
            .iter()
            .map(|p| PeerAddress::of(spec, p.index))
            .collect(),
        callers: spec
            .contexts
            .iter()
            .filter(|o| o.calls.iter().any(|k| k.context == c.name))
            .map(|o| o.name.clone())
            .collect(),
        routes,
        problem_schema: if c.types.iter().any(|t| t.name == "Problem") {
            "HttpProblem"
        } else {
            "Problem"
        },
        run: (def.run)(&c.name),
        tracing_env: def.tracing_env,
        runtime: def.runtime,
        deploy: deploy::context(spec, i, plan, default_timeout),
        stacks: stack::all()
            .map(|d| {
                let view = if d.stack == c.stack {
                    (d.view)(spec, i)
                } else {
                    minijinja::Value::from(())
                };
                (d.view_key, view)
            })
            .collect(),
    }
}
