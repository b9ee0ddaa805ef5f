use super::*;

fn graph(edges: &[&[usize]]) -> Graph {
    Graph::from_edges(&edges.iter().map(|e| e.to_vec()).collect::<Vec<_>>())
}

fn hours(h: &[u64]) -> Vec<Millis> {
    h.iter().map(|&h| Millis::from_hours(h)).collect()
}

#[test]
fn a_chain_recovers_from_its_end_and_inherits_the_slowest_rto() {
    // 0 -> 1 -> 2: 2 first, then 1, then 0.
    let g = graph(&[&[1], &[2], &[]]);
    assert_eq!(recovery_groups(&g), vec![vec![2], vec![1], vec![0]]);
    let worst = worst_through(&g, &hours(&[1, 4, 24]));
    assert_eq!(worst[0], (Millis::from_hours(24), vec![0, 1, 2]));
    assert_eq!(worst[1], (Millis::from_hours(24), vec![1, 2]));
    assert_eq!(worst[2], (Millis::from_hours(24), vec![2]));
}

#[test]
fn a_faster_callee_does_not_improve_its_caller() {
    let g = graph(&[&[1], &[]]);
    let worst = worst_through(&g, &hours(&[24, 1]));
    assert_eq!(worst[0], (Millis::from_hours(24), vec![0]));
}

#[test]
fn a_diamond_waits_for_its_deepest_branch() {
    // 0 -> 1 -> 3, 0 -> 2 -> 3, and 2 -> 4 -> 3: 3 first, then 1 and 4 together, then 2, then 0.
    let g = graph(&[&[1, 2], &[3], &[3, 4], &[], &[3]]);
    assert_eq!(
        recovery_groups(&g),
        vec![vec![3], vec![1, 4], vec![2], vec![0]]
    );
    let worst = worst_through(&g, &hours(&[1, 72, 4, 2, 8]));
    assert_eq!(worst[0], (Millis::from_hours(72), vec![0, 1]));
    assert_eq!(worst[2], (Millis::from_hours(8), vec![2, 4]));
}

#[test]
fn independent_contexts_share_the_first_step() {
    let g = graph(&[&[], &[], &[0], &[]]);
    assert_eq!(recovery_groups(&g), vec![vec![0, 1, 3], vec![2]]);
    let g = graph(&[&[], &[]]);
    assert_eq!(recovery_groups(&g), vec![vec![0, 1]]);
    assert!(recovery_groups(&graph(&[])).is_empty());
}

#[test]
fn a_cycle_recovers_together_and_terminates() {
    // 0 -> 1 -> 2 -> 1, 2 -> 3; 4 calls itself.
    let g = graph(&[&[1], &[2], &[1, 3], &[], &[4]]);
    assert_eq!(recovery_groups(&g), vec![vec![3, 4], vec![1, 2], vec![0]]);
    let worst = worst_through(&g, &hours(&[1, 2, 4, 8, 1]));
    assert_eq!(worst[0].0, Millis::from_hours(8));
    assert_eq!(worst[4], (Millis::from_hours(1), vec![4]));
}

fn spec(yaml: &str) -> Spec {
    let report =
        crate::check::check_bytes("t.yaml", yaml.as_bytes(), &crate::check::Options::default());
    report.spec.expect("the spec resolves")
}

const CYCLE: &str = r"
msaforge: 1
system: { name: loop, title: Loop }
gateway: { prefix: /api, dr: { grade: 1 } }
contexts:
  - name: alpha
    title: A
    purpose: A.
    stack: rust-axum
    dr: { grade: 1 }
    operations: [{ name: getA, method: GET, path: /v1/a }]
    calls: [{ context: beta, operation: getB, timeout: 1s, circuit_breaker: true, critical: true }]
  - name: beta
    title: B
    purpose: B.
    stack: rust-axum
    dr: { grade: 3 }
    data: { store: postgres }
    operations: [{ name: getB, method: GET, path: /v1/b }]
    calls: [{ context: alpha, operation: getA, timeout: 1s, circuit_breaker: true, critical: true }]
  - name: gamma
    title: C
    purpose: C.
    stack: rust-axum
    dr: { grade: 1 }
    operations: [{ name: getC, method: GET, path: /v1/c }]
    calls: [{ context: alpha, operation: getA, timeout: 1s, circuit_breaker: true }]
  - name: delta
    title: D
    purpose: D.
    stack: rust-axum
    operations: [{ name: getD, method: GET, path: /v1/d }]
";

#[test]
fn plan_of_a_spec_with_a_sync_cycle() {
    let plan = plan(&spec(CYCLE));
    let alpha = &plan.contexts[0];
    assert_eq!((alpha.grade, alpha.strategy), (1, Strategy::ActiveActive));
    assert_eq!(alpha.rto, "15m");
    assert_eq!(alpha.effective_rto, "1d");
    assert_eq!(alpha.rto_via, ["beta"]);
    assert_eq!(alpha.effective_rpo, "1d");
    let gamma = &plan.contexts[2];
    assert_eq!(
        gamma.effective_rto, "15m",
        "a non-critical call does not count"
    );
    let delta = &plan.contexts[3];
    assert!(!delta.stated, "no grade: held to grade 4");
    assert_eq!(
        (delta.grade, delta.effective_rto.as_str()),
        (DEFAULT_GRADE, "3d")
    );
    assert_eq!(gamma.depends_on, ["alpha"]);
    assert_eq!(plan.order.len(), 2);
    assert_eq!(plan.order[0].contexts, ["alpha", "beta", "delta"]);
    assert_eq!(plan.order[0].together, vec![vec!["alpha", "beta"]]);
    assert_eq!(plan.order[1].contexts, ["gamma"]);
    assert_eq!(gamma.step, 2);
}
