//! Coupling and size metrics of a checked spec, per context and for the system: synchronous
//! afferent and efferent coupling, the service coupling factor, the share of dependencies that are
//! events, the longest synchronous (and critical) call chain, operations per context, contexts per
//! team and calls that cross teams, and the spread of effective RTOs. Each metric's definition and
//! source is in `catalog`; `render` prints them. Pure: numbers from the spec, no judging (that is
//! `check`), no printing, no files.

pub mod catalog;
pub mod render;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::recovery;
use crate::spec::Spec;
use crate::spec::graph::Graph;
use crate::spec::model::Exposure;
use crate::spec::names::Millis;

/// The metrics of one spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub system: System,
    pub contexts: Vec<Context>,
    pub teams: Vec<Team>,
}

/// One context's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Context {
    pub name: String,
    pub team: Option<String>,
    /// Contexts that call it synchronously (AIS).
    pub afferent: usize,
    /// Contexts it calls synchronously (ADS).
    pub efferent: usize,
    /// Contexts it consumes events from.
    pub consumes_from: usize,
    /// Contexts that consume its events.
    pub consumed_by: usize,
    /// Of the contexts it depends on, the share it hears from by events rather than calls
    /// (`None` when it depends on none).
    pub event_share: Option<f64>,
    /// The longest chain of synchronous calls starting here (the context first); `None` when the
    /// call graph has a cycle (MSA101), where chains have no end.
    pub longest_chain: Option<Vec<String>>,
    /// The same over calls marked `critical`.
    pub longest_critical_chain: Option<Vec<String>>,
    pub operations: usize,
    pub public_operations: usize,
    /// Its calls to contexts of another team (or between an owned and an unowned context).
    pub cross_team_calls: usize,
    /// Declared RTO (the default grade's when it states none) and effective RTO (the worst
    /// through its critical calls): as written (`4h`) and in milliseconds, like `msaforge dr`.
    #[serde(serialize_with = "as_text")]
    pub rto: Millis,
    pub rto_ms: u64,
    #[serde(serialize_with = "as_text")]
    pub effective_rto: Millis,
    pub effective_rto_ms: u64,
}

/// One team's numbers (contexts without a team are listed under `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    pub name: Option<String>,
    pub contexts: usize,
    /// Calls from its contexts to contexts of other teams.
    pub calls_out: usize,
}

/// The whole system's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct System {
    pub contexts: usize,
    /// Distinct (caller, callee) pairs of other contexts.
    pub sync_dependencies: usize,
    /// Distinct (consumer, producer) pairs of other contexts.
    pub event_dependencies: usize,
    /// `sync_dependencies / (n * (n - 1))`; 0 with fewer than two contexts.
    pub service_coupling_factor: f64,
    /// `event_dependencies / (event_dependencies + sync_dependencies)`; `None` without any.
    pub event_share: Option<f64>,
    /// The contexts of the longest synchronous chain (`None` with a cycle: `cycles`).
    pub longest_chain: Option<Vec<String>>,
    pub longest_critical_chain: Option<Vec<String>>,
    /// Synchronous call cycles, each in call order.
    pub cycles: Vec<Vec<String>>,
    pub operations: usize,
    pub operations_per_context: f64,
    pub most_operations: usize,
    /// The synchronous dependencies that cross a team line.
    pub cross_team_calls: usize,
    /// The shortest and longest effective RTO, and how many times longer the longest is.
    #[serde(serialize_with = "as_text")]
    pub effective_rto_min: Millis,
    pub effective_rto_min_ms: u64,
    #[serde(serialize_with = "as_text")]
    pub effective_rto_max: Millis,
    pub effective_rto_max_ms: u64,
    pub effective_rto_ratio: Option<f64>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's signature
fn as_text<S: serde::Serializer>(value: &Millis, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Adjacency lists over other contexts (no self-calls), deduplicated.
fn adjacency(spec: &Spec, only_critical: bool) -> Vec<Vec<usize>> {
    Graph::new(spec, only_critical)
        .edges
        .iter()
        .enumerate()
        .map(|(v, out)| out.iter().map(|&(t, _)| t).filter(|&t| t != v).collect())
        .collect()
}

/// Each node's longest chain (the node first), or `None` for all when the graph has a cycle.
fn chains(edges: &[Vec<usize>]) -> Option<Vec<Vec<usize>>> {
    let graph = Graph::from_edges(edges);
    if !graph.cycles().is_empty() {
        return None;
    }
    let longest = graph.longest_chains();
    Some(
        (0..edges.len())
            .map(|v| {
                std::iter::once(v)
                    .chain(Graph::chain_after(&longest, v))
                    .collect()
            })
            .collect(),
    )
}

/// `part / whole`, `None` when `whole` is 0.
#[allow(clippy::cast_precision_loss)] // counts of contexts
fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Computes every metric of `spec`.
#[allow(clippy::cast_precision_loss)] // counts of contexts and operations
pub fn measure(spec: &Spec) -> Metrics {
    let n = spec.contexts.len();
    let name = |i: usize| spec.contexts[i].name.clone();
    let names = |chain: &Vec<usize>| chain.iter().map(|&i| name(i)).collect::<Vec<_>>();
    let calls = adjacency(spec, false);
    let critical = adjacency(spec, true);
    // Event dependencies: consumer -> producer, other contexts only.
    let events: Vec<BTreeSet<usize>> = (0..n)
        .map(|c| {
            spec.contexts[c]
                .consumes
                .iter()
                .filter_map(|e| spec.context_index(&e.from))
                .filter(|&p| p != c)
                .collect()
        })
        .collect();
    let team = |i: usize| spec.contexts[i].team.as_deref();
    let chains_all = chains(&calls);
    let chains_critical = chains(&critical);
    let effective = recovery::effective_rto(spec);
    let mut contexts = Vec::with_capacity(n);
    for (i, c) in spec.contexts.iter().enumerate() {
        let afferent = calls.iter().filter(|out| out.contains(&i)).count();
        let consumed_by = events.iter().filter(|from| from.contains(&i)).count();
        let efferent = calls[i].len();
        let consumes_from = events[i].len();
        contexts.push(Context {
            name: c.name.clone(),
            team: c.team.clone(),
            afferent,
            efferent,
            consumes_from,
            consumed_by,
            event_share: share(consumes_from, consumes_from + efferent),
            longest_chain: chains_all.as_ref().map(|ch| names(&ch[i])),
            longest_critical_chain: chains_critical.as_ref().map(|ch| names(&ch[i])),
            operations: c.operations.len(),
            public_operations: c
                .operations
                .iter()
                .filter(|o| o.exposure == Exposure::Public)
                .count(),
            cross_team_calls: calls[i].iter().filter(|&&t| team(t) != team(i)).count(),
            rto: recovery::level(spec, i).rto,
            rto_ms: recovery::level(spec, i).rto.0,
            effective_rto: effective[i].0,
            effective_rto_ms: effective[i].0.0,
        });
    }
    // The listed teams, then any a context names that the spec does not list (check reports
    // it), then the contexts without a team.
    let mut team_names: Vec<Option<String>> = spec
        .teams
        .iter()
        .map(|t| Some(t.name.to_string()))
        .collect();
    for c in &contexts {
        if !team_names.contains(&c.team) && c.team.is_some() {
            team_names.push(c.team.clone());
        }
    }
    if contexts.iter().any(|c| c.team.is_none()) {
        team_names.push(None);
    }
    let teams = team_names
        .into_iter()
        .map(|name| {
            let own: Vec<&Context> = contexts.iter().filter(|c| c.team == name).collect();
            Team {
                contexts: own.len(),
                calls_out: own.iter().map(|c| c.cross_team_calls).sum(),
                name,
            }
        })
        .collect();
    let sync_dependencies: usize = calls.iter().map(Vec::len).sum();
    let event_dependencies: usize = events.iter().map(BTreeSet::len).sum();
    let longest = |chains: &Option<Vec<Vec<usize>>>| {
        chains.as_ref().map(|ch| {
            // The first of the longest, in context order: deterministic.
            let best = ch.iter().fold(None::<&Vec<usize>>, |best, c| match best {
                Some(b) if b.len() >= c.len() => Some(b),
                _ => Some(c),
            });
            best.map(&names).unwrap_or_default()
        })
    };
    let operations: usize = contexts.iter().map(|c| c.operations).sum();
    let rto_min = contexts
        .iter()
        .map(|c| c.effective_rto)
        .min()
        .unwrap_or_default();
    let rto_max = contexts
        .iter()
        .map(|c| c.effective_rto)
        .max()
        .unwrap_or_default();
    let system = System {
        contexts: n,
        sync_dependencies,
        event_dependencies,
        service_coupling_factor: share(sync_dependencies, n * n.saturating_sub(1)).unwrap_or(0.0),
        event_share: share(event_dependencies, event_dependencies + sync_dependencies),
        longest_chain: longest(&chains_all),
        longest_critical_chain: longest(&chains_critical),
        cycles: Graph::from_edges(&calls)
            .cycles()
            .iter()
            .map(&names)
            .collect(),
        operations,
        operations_per_context: share(operations, n).unwrap_or(0.0),
        most_operations: contexts.iter().map(|c| c.operations).max().unwrap_or(0),
        cross_team_calls: contexts.iter().map(|c| c.cross_team_calls).sum(),
        effective_rto_min: rto_min,
        effective_rto_min_ms: rto_min.0,
        effective_rto_max: rto_max,
        effective_rto_max_ms: rto_max.0,
        effective_rto_ratio: (rto_min.0 > 0).then(|| rto_max.0 as f64 / rto_min.0 as f64),
    };
    Metrics {
        system,
        contexts,
        teams,
    }
}

#[cfg(test)]
mod tests;
