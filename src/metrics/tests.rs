//! Each metric on small hand-made specs whose values are worked out by hand in the comments.

use super::*;
use crate::check;
use crate::lang::Lang;

fn spec(yaml: &str) -> Spec {
    let report = check::check_bytes(
        "t.yaml",
        yaml.as_bytes(),
        &check::Options {
            lang: Lang::En,
            policy: None,
        },
    );
    report.spec.expect("the spec resolves")
}

/// a and b of team t1, c of t2, d of none.
/// Calls: a -> b (critical), a -> c, b -> c (critical), d -> a; a also calls b a second time.
/// Events: c publishes Filed; a and d consume it.
const FOUR: &str = r"
msaforge: 1
system: { name: sys, title: Sys }
teams: [{ name: t1 }, { name: t2 }]
gateway: { prefix: /api, dr: { grade: 2 } }
contexts:
  - name: a
    title: A
    purpose: A.
    team: t1
    dr: { grade: 1 }
    operations:
      - { name: one, method: GET, path: /v1/a/one }
      - { name: two, method: GET, path: /v1/a/two }
      - { name: three, method: GET, path: /v1/a/three, exposure: internal }
    events: { consumes: [{ name: Filed, from: c }] }
    calls:
      - { context: b, operation: get, timeout: 1s, critical: true }
      - { context: b, operation: get2, timeout: 1s }
      - { context: c, operation: get, timeout: 1s }
  - name: b
    title: B
    purpose: B.
    team: t1
    dr: { grade: 2 }
    operations:
      - { name: get, method: GET, path: /v1/b/get }
      - { name: get2, method: GET, path: /v1/b/get2 }
    calls:
      - { context: c, operation: get, timeout: 1s, critical: true }
  - name: c
    title: C
    purpose: C.
    team: t2
    dr: { grade: 3 }
    operations:
      - { name: get, method: GET, path: /v1/c/get }
    events: { publishes: [{ name: Filed, fields: [{ name: id, type: uuid }] }] }
  - name: d
    title: D
    purpose: D.
    dr: { grade: 2 }
    operations:
      - { name: get, method: GET, path: /v1/d/get }
    events: { consumes: [{ name: Filed, from: c }] }
    calls:
      - { context: a, operation: one, timeout: 1s }
";

#[allow(clippy::unnecessary_wraps)] // compared with optional chains
fn names(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn coupling_events_chains_teams_and_rtos_of_four_contexts() {
    let m = measure(&spec(FOUR));
    let by = |name: &str| m.contexts.iter().find(|c| c.name == name).expect(name);
    // Afferent: a by d; b by a; c by a and b; d by none. Efferent: a -> b, c; b -> c; d -> a.
    let coupling: Vec<(usize, usize)> = m
        .contexts
        .iter()
        .map(|c| (c.afferent, c.efferent))
        .collect();
    assert_eq!(coupling, [(1, 2), (1, 1), (2, 0), (0, 1)]);
    // Two calls from a to b are one dependency: 4 of 4 * 3 = 12 possible.
    assert_eq!(m.system.sync_dependencies, 4);
    assert!((m.system.service_coupling_factor - 4.0 / 12.0).abs() < 1e-12);
    // Events: a <- c, d <- c. Share 2 / (2 + 4).
    assert_eq!(m.system.event_dependencies, 2);
    assert_eq!(m.system.event_share, Some(2.0 / 6.0));
    assert_eq!((by("c").consumed_by, by("a").consumes_from), (2, 1));
    // Per context, over what it depends on: a 1 of 3, b 0 of 1, c nothing, d 1 of 2.
    let shares: Vec<Option<f64>> = m.contexts.iter().map(|c| c.event_share).collect();
    assert_eq!(shares, [Some(1.0 / 3.0), Some(0.0), None, Some(0.5)]);
    // Chains: d -> a -> b -> c is the longest (3 hops); critical ones: a -> b -> c.
    assert_eq!(by("d").longest_chain, names(&["d", "a", "b", "c"]));
    assert_eq!(by("a").longest_chain, names(&["a", "b", "c"]));
    assert_eq!(by("d").longest_critical_chain, names(&["d"]));
    assert_eq!(m.system.longest_chain, names(&["d", "a", "b", "c"]));
    assert_eq!(m.system.longest_critical_chain, names(&["a", "b", "c"]));
    assert!(m.system.cycles.is_empty());
    // Operations: 3 (2 public), 2, 1, 1: 7 in all, 1.75 on average.
    assert_eq!((by("a").operations, by("a").public_operations), (3, 2));
    assert_eq!(m.system.operations, 7);
    assert!((m.system.operations_per_context - 1.75).abs() < 1e-12);
    assert_eq!(m.system.most_operations, 3);
    // Cross-team: a -> c (t1 -> t2), b -> c (t1 -> t2), d -> a (none -> t1); a -> b stays in t1.
    let cross: Vec<usize> = m.contexts.iter().map(|c| c.cross_team_calls).collect();
    assert_eq!(cross, [1, 1, 0, 1]);
    assert_eq!(m.system.cross_team_calls, 3);
    let teams: Vec<(Option<&str>, usize, usize)> = m
        .teams
        .iter()
        .map(|t| (t.name.as_deref(), t.contexts, t.calls_out))
        .collect();
    assert_eq!(
        teams,
        [(Some("t1"), 2, 2), (Some("t2"), 1, 0), (None, 1, 1)]
    );
    // RTOs: a 15m, b 4h, c 24h, d 4h declared; through critical calls a and b wait for c (24h);
    // d calls a, but not critically: 4h. Spread 4h to 24h, 6 times.
    let effective: Vec<String> = m
        .contexts
        .iter()
        .map(|c| format!("{}/{}", c.rto, c.effective_rto))
        .collect();
    assert_eq!(effective, ["15m/1d", "4h/1d", "1d/1d", "4h/4h"]);
    assert_eq!(m.system.effective_rto_min, Millis::from_hours(4));
    assert_eq!(m.system.effective_rto_max, Millis::from_hours(24));
    assert_eq!(m.system.effective_rto_ratio, Some(6.0));
}

#[test]
fn a_cycle_has_no_longest_chain_but_is_named() {
    let yaml = FOUR.replace(
        "    events: { publishes:",
        "    calls: [{ context: a, operation: one, timeout: 1s }]\n    events: { publishes:",
    );
    let m = measure(&spec(&yaml));
    // a -> c -> a (and a -> b -> c -> a): one strongly connected component a, b, c.
    assert_eq!(m.system.longest_chain, None);
    assert!(m.contexts.iter().all(|c| c.longest_chain.is_none()));
    assert_eq!(m.system.cycles.len(), 1);
    assert_eq!(m.system.cycles[0][0], "a");
    // The critical calls alone have no cycle: their chains stay.
    assert_eq!(m.system.longest_critical_chain, names(&["a", "b", "c"]));
    // c now calls a: 5 dependencies, and a cross-team call more.
    assert_eq!(m.system.sync_dependencies, 5);
    assert_eq!(m.system.cross_team_calls, 4);
}

#[test]
fn one_context_alone_has_no_coupling() {
    let yaml = r"
msaforge: 1
system: { name: sys, title: Sys }
gateway: { prefix: /api }
contexts:
  - name: only
    title: Only
    purpose: Only.
    operations:
      - { name: get, method: GET, path: /v1/only }
";
    let m = measure(&spec(yaml));
    assert!(m.system.service_coupling_factor.abs() < f64::EPSILON);
    assert_eq!(m.system.event_share, None);
    assert_eq!(m.system.longest_chain, names(&["only"]));
    // No grade: the default grade 4 (72h); one context, a spread of one.
    assert_eq!(m.system.effective_rto_ratio, Some(1.0));
    let teams: Vec<(Option<&str>, usize)> = m
        .teams
        .iter()
        .map(|t| (t.name.as_deref(), t.contexts))
        .collect();
    assert_eq!(teams, [(None, 1)]);
    // A team the spec does not list (check reports it) is still counted.
    let m = measure(&spec(&yaml.replace(
        "    purpose: Only.\n",
        "    purpose: Only.\n    team: ghost\n",
    )));
    let teams: Vec<(Option<&str>, usize)> = m
        .teams
        .iter()
        .map(|t| (t.name.as_deref(), t.contexts))
        .collect();
    assert_eq!(teams, [(Some("ghost"), 1)]);
}
