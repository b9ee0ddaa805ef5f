//! What templates see: a stack-neutral view of the checked `Spec` with every name already spelt
//! (environment variables, ports, gateway prefixes, enum and event names, example requests), and
//! under each context its stack's own view (`ctx.rust`, `ctx.java`, from `crate::stack`), so
//! templates stay simple and compute nothing.
//!
//! Pure data, computed once per run; rendering and writing live elsewhere. Documented for
//! template authors in `templates/README.md`.

mod context;
mod example;
mod operation;
mod types;

use serde::Serialize;

pub use context::{ContextView, DrView, EventRefView, RouteView};
pub use operation::{BodyView, CallView, OperationView};
pub use types::{EnumView, EventView, FieldView, SchemaView, TypeView};

use super::deploy::{self, DeployView};
use crate::spec::Spec;
use crate::stack::{self, Build, TracingEnv};

#[derive(Debug, Serialize)]
pub struct SystemView {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub gateway: GatewayView,
    pub contexts: Vec<ContextView>,
    pub teams: Vec<TeamView>,
    /// The stacks the contexts use, in `Stack::ALL` order, with how to build them.
    pub stacks: Vec<StackUseView>,
    /// `msaforge`'s version, for generated-file headers.
    pub msaforge_version: &'static str,
    /// Kubernetes and DR: see `generate::deploy` (per context: `ctx.deploy`).
    pub deploy: DeployView,
    /// The table and lines of `msaforge metrics`, in Markdown (`docs/architecture.md`).
    pub metrics: String,
}

#[derive(Debug, Serialize)]
pub struct TeamView {
    pub name: String,
    pub title: Option<String>,
    /// Names of its contexts, and their indices in `system.contexts`.
    pub contexts: Vec<String>,
    pub members: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct GatewayView {
    /// Without a trailing slash; empty for `/`.
    pub prefix: String,
    /// `prefix` as a regular expression (dots escaped).
    pub prefix_regex: String,
    pub grade: Option<u8>,
    pub requests_per_second: Option<u32>,
    pub burst: Option<u32>,
    /// Default upstream timeout in seconds (the spec's, or 10).
    pub timeout_s: f64,
}

#[derive(Debug, Serialize)]
pub struct StackUseView {
    /// `rust-axum`.
    pub name: &'static str,
    /// `Spring Boot`, as in "Spring Boot services".
    pub title: &'static str,
    /// Shell commands that build its services, from the output directory.
    pub build: Vec<String>,
    /// What the build produces, for the README.
    pub note: String,
    /// The stack's own variable for the OTLP traces endpoint, if it has one.
    pub tracing_env: Option<TracingEnv>,
}

/// Builds the view of a spec that passed `check`.
pub fn system(spec: &Spec) -> SystemView {
    let crate::recovery::Plan {
        contexts: rows,
        order,
        ..
    } = crate::recovery::plan(spec);
    let contexts: Vec<ContextView> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| context::context(spec, i, row))
        .collect();
    let prefix = spec.gateway.prefix.trim_end_matches('/').to_owned();
    let used: Vec<_> = stack::used(spec).collect();
    SystemView {
        metrics: crate::metrics::render::markdown(
            &crate::metrics::measure(spec),
            crate::lang::Lang::En,
        ),
        deploy: deploy::view(
            spec,
            order,
            &contexts.iter().map(|c| &c.deploy).collect::<Vec<_>>(),
        ),
        name: spec.system.name.to_string(),
        title: spec.system.title.clone(),
        description: spec.system.description.clone(),
        gateway: GatewayView {
            prefix_regex: operation::escape_dots(&prefix),
            prefix,
            grade: spec.gateway.dr.map(|d| d.grade),
            requests_per_second: spec
                .gateway
                .rate_limit
                .as_ref()
                .map(|r| r.requests_per_second),
            burst: spec.gateway.rate_limit.as_ref().and_then(|r| r.burst),
            timeout_s: gateway_timeout_s(spec),
        },
        teams: spec
            .teams
            .iter()
            .map(|t| {
                let members: Vec<usize> = (0..spec.contexts.len())
                    .filter(|&i| spec.contexts[i].team.as_deref() == Some(t.name.as_str()))
                    .collect();
                TeamView {
                    name: t.name.to_string(),
                    title: t.title.clone(),
                    contexts: members
                        .iter()
                        .map(|&i| spec.contexts[i].name.clone())
                        .collect(),
                    members,
                }
            })
            .collect(),
        stacks: used
            .iter()
            .map(|d| StackUseView {
                name: d.stack.as_str(),
                title: d.title,
                tracing_env: d.tracing_env,
                build: match d.build {
                    Build::Together(command) => vec![command.to_owned()],
                    Build::EachService(command) => spec
                        .contexts
                        .iter()
                        .filter(|c| c.stack == d.stack)
                        .map(|c| command(&c.name))
                        .collect(),
                },
                note: (d.build_note)(used.len() > 1),
            })
            .collect(),
        contexts,
        msaforge_version: env!("CARGO_PKG_VERSION"),
    }
}

fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// The gateway's upstream timeout, and that of an operation that states none: the spec's, or 10 s.
fn gateway_timeout_s(spec: &Spec) -> f64 {
    spec.gateway.timeout.map_or(10.0, |t| seconds(t.0))
}
