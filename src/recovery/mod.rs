//! DR analysis of a checked spec: each context's declared and effective RTO/RPO (through critical
//! synchronous calls) and the recovery order (dependencies first, independent contexts grouped).
//!
//! Shared by the DR rules of `check` (MSA201), `msaforge dr` and the generated DR plan. Pure data:
//! it never prints and never judges; cycles (MSA101) are tolerated, never followed forever.

pub mod render;

use serde::Serialize;

use crate::spec::Spec;
use crate::spec::graph::Graph;
use crate::spec::model::{Store, Strategy};
use crate::spec::names::Millis;
use crate::spec::resolve::DrLevel;

/// The grade a context without one is held to (MSA205 warns about it).
pub const DEFAULT_GRADE: u8 = 4;

/// The DR level a context is held to: its own, or the default grade's row when it states none.
pub fn level(spec: &Spec, i: usize) -> DrLevel {
    spec.contexts[i].dr.unwrap_or_else(|| {
        let p = spec.dr_table.profile(DEFAULT_GRADE);
        DrLevel {
            grade: DEFAULT_GRADE,
            strategy: p.strategy,
            rto: p.rto,
            rpo: p.rpo,
            write_strategy: None,
        }
    })
}

/// For each node, the worst (largest) value reachable through the graph's edges, with the chain
/// that leads to it (starting at the node itself). Nodes on a cycle are cut where the cycle closes.
pub fn worst_through(graph: &Graph, own: &[Millis]) -> Vec<(Millis, Vec<usize>)> {
    let worst = worst_next(graph, own);
    (0..worst.len())
        .map(|v| {
            let mut chain = vec![v];
            let mut at = v;
            while let Some(next) = worst[at].1 {
                chain.push(next);
                at = next;
            }
            (worst[v].0, chain)
        })
        .collect()
}

/// `worst_through` without the chains: each node's worst value and the next node on the way to
/// it (none when its own value is the worst). Memory linear in the graph, where the chains of a
/// long line of calls are quadratic.
pub fn worst_next(graph: &Graph, own: &[Millis]) -> Vec<(Millis, Option<usize>)> {
    fn visit(
        g: &Graph,
        own: &[Millis],
        v: usize,
        memo: &mut Vec<Option<(Millis, Option<usize>)>>,
        visiting: &mut Vec<bool>,
    ) -> Millis {
        if let Some((value, _)) = memo[v] {
            return value;
        }
        if visiting[v] {
            return own[v]; // a cycle: reported by MSA101, cut here
        }
        visiting[v] = true;
        let mut best = (own[v], None);
        for &(t, _) in &g.edges[v] {
            let value = visit(g, own, t, memo, visiting);
            if value > best.0 {
                best = (value, Some(t));
            }
        }
        visiting[v] = false;
        memo[v] = Some(best);
        best.0
    }
    let n = graph.edges.len();
    let mut memo = vec![None; n];
    let mut visiting = vec![false; n];
    for v in 0..n {
        visit(graph, own, v, &mut memo, &mut visiting);
    }
    memo.into_iter().map(Option::unwrap_or_default).collect()
}

/// Each context's effective RTO: the worst declared RTO reachable through critical synchronous calls,
/// with the chain that leads to it.
pub fn effective_rto(spec: &Spec) -> Vec<(Millis, Vec<usize>)> {
    let own: Vec<Millis> = (0..spec.contexts.len())
        .map(|i| level(spec, i).rto)
        .collect();
    worst_through(&Graph::new(spec, true), &own)
}

/// `effective_rto` as the next context on the way to the worst one (see `worst_next`).
pub fn effective_rto_next(spec: &Spec) -> Vec<(Millis, Option<usize>)> {
    let own: Vec<Millis> = (0..spec.contexts.len())
        .map(|i| level(spec, i).rto)
        .collect();
    worst_next(&Graph::new(spec, true), &own)
}

/// Each context's effective RPO: after a disaster it works on data as old as the worst recovery
/// point among the contexts it critically depends on.
pub fn effective_rpo(spec: &Spec) -> Vec<(Millis, Vec<usize>)> {
    let own: Vec<Millis> = (0..spec.contexts.len())
        .map(|i| level(spec, i).rpo)
        .collect();
    worst_through(&Graph::new(spec, true), &own)
}

/// The recovery order: groups of nodes, callees before callers. A node's group is one after the
/// latest group of anything it calls; nodes on one cycle share a group (they must come back
/// together). Nodes within a group are in index order and can recover in parallel.
pub fn recovery_groups(graph: &Graph) -> Vec<Vec<usize>> {
    let components = graph.components(); // callees' components first
    let mut component_of = vec![0; graph.edges.len()];
    for (k, comp) in components.iter().enumerate() {
        for &v in comp {
            component_of[v] = k;
        }
    }
    let mut depth = vec![0usize; components.len()];
    for (k, comp) in components.iter().enumerate() {
        depth[k] = comp
            .iter()
            .flat_map(|&v| &graph.edges[v])
            .map(|&(t, _)| component_of[t])
            .filter(|&c| c != k)
            .map(|c| depth[c] + 1)
            .max()
            .unwrap_or(0);
    }
    let steps = depth.iter().max().map_or(0, |d| d + 1);
    let mut groups = vec![Vec::new(); steps];
    for (v, &c) in component_of.iter().enumerate() {
        groups[depth[c]].push(v);
    }
    groups
}

/// One context's row of the DR plan.
#[derive(Debug, Clone, Serialize)]
pub struct ContextPlan {
    pub name: String,
    pub title: String,
    pub grade: u8,
    /// False when the context states no grade and is held to the default grade.
    pub stated: bool,
    pub strategy: Strategy,
    pub store: Store,
    pub rto: String,
    pub rpo: String,
    pub rto_ms: u64,
    pub rpo_ms: u64,
    pub effective_rto: String,
    pub effective_rpo: String,
    pub effective_rto_ms: u64,
    pub effective_rpo_ms: u64,
    /// The critical call chain that sets the effective RTO (empty when it is the context's own).
    pub rto_via: Vec<String>,
    pub rpo_via: Vec<String>,
    /// Contexts it calls synchronously (critical or not): they come back first.
    pub depends_on: Vec<String>,
    /// 1-based step of the recovery order.
    pub step: usize,
}

/// A step of the recovery order.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub step: usize,
    /// Contexts that can recover in parallel in this step.
    pub contexts: Vec<String>,
    /// Groups of contexts that call each other (a sync cycle, MSA101): they must come back together.
    pub together: Vec<Vec<String>>,
}

/// The DR plan of a system: one row per context (spec order) and the recovery order.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub system: String,
    pub contexts: Vec<ContextPlan>,
    pub order: Vec<Step>,
}

/// Builds the DR plan of a checked spec.
pub fn plan(spec: &Spec) -> Plan {
    let rto = effective_rto(spec);
    let rpo = effective_rpo(spec);
    let all = Graph::new(spec, false);
    let groups = recovery_groups(&all);
    let mut step_of = vec![0; spec.contexts.len()];
    for (k, group) in groups.iter().enumerate() {
        for &v in group {
            step_of[v] = k + 1;
        }
    }
    let name = |i: usize| spec.contexts[i].name.clone();
    let via = |chain: &[usize]| chain.iter().skip(1).map(|&j| name(j)).collect::<Vec<_>>();
    let contexts = spec
        .contexts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let l = level(spec, i);
            ContextPlan {
                name: c.name.clone(),
                title: c.title.clone(),
                grade: l.grade,
                stated: c.dr.is_some(),
                strategy: l.strategy,
                store: c.data.store,
                rto: l.rto.to_string(),
                rpo: l.rpo.to_string(),
                rto_ms: l.rto.0,
                rpo_ms: l.rpo.0,
                effective_rto: rto[i].0.to_string(),
                effective_rpo: rpo[i].0.to_string(),
                effective_rto_ms: rto[i].0.0,
                effective_rpo_ms: rpo[i].0.0,
                rto_via: via(&rto[i].1),
                rpo_via: via(&rpo[i].1),
                depends_on: all.edges[i].iter().map(|&(t, _)| name(t)).collect(),
                step: step_of[i],
            }
        })
        .collect();
    let cycles: Vec<Vec<usize>> = all
        .components()
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    let order = groups
        .iter()
        .enumerate()
        .map(|(k, group)| Step {
            step: k + 1,
            contexts: group.iter().map(|&v| name(v)).collect(),
            together: cycles
                .iter()
                .filter(|c| group.contains(&c[0]))
                .map(|c| c.iter().map(|&v| name(v)).collect())
                .collect(),
        })
        .collect();
    Plan {
        system: spec.system.name.to_string(),
        contexts,
        order,
    }
}

#[cfg(test)]
mod tests;
