//! The state each site overlay declares (issue 13, item 6), read from `kustomize build` of every
//! overlay of every example: who leads each PostgreSQL topology, which services run and who owns
//! their replica count. What is applied is what should run, so re-applying an overlay (or a
//! GitOps controller doing it) never demotes a promoted database or scales a service away.

use serde_json::Value;

use crate::validate::{EXAMPLES, generated, have};

/// The resources `kustomize build` of `overlay` gives.
fn build(overlay: &std::path::Path) -> Vec<Value> {
    crate::validate_k8s::kustomize(overlay)
        .split("\n---\n")
        .map(|doc| msaforge::spec::load::parse(doc).expect("YAML"))
        .collect()
}

/// What an overlay runs for one context: its Deployment's fixed replicas (none: its HPA's), whether
/// an HPA owns it, and its CloudNativePG cluster's `replica` block and bootstrap source.
#[derive(Debug, PartialEq)]
struct State {
    replicas: Option<u64>,
    hpa: bool,
    cluster: Option<(String, String)>,
    recovers_from: Option<String>,
    statefulset: bool,
}

fn state(docs: &[Value], name: &str) -> State {
    let find = |kind: &str, n: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind && d["metadata"]["name"] == n)
    };
    let deployment = find("Deployment", name).expect("every overlay has every Deployment");
    let db = format!("{name}-db");
    let cluster = find("Cluster", &db);
    State {
        replicas: deployment["spec"]["replicas"].as_u64(),
        hpa: find("HorizontalPodAutoscaler", name)
            .is_some_and(|h| h["spec"]["scaleTargetRef"]["name"] == name),
        cluster: cluster.map(|c| {
            let r = &c["spec"]["replica"];
            let s = |v: &Value| v.as_str().unwrap_or("-").to_owned();
            (s(&r["primary"]), s(&r["self"]))
        }),
        recovers_from: cluster.and_then(|c| {
            c["spec"]["bootstrap"]["recovery"]["source"]
                .as_str()
                .map(str::to_owned)
        }),
        statefulset: find("StatefulSet", &db).is_some(),
    }
}

#[test]
fn each_overlay_declares_the_state_its_site_should_run() {
    if !have("kustomize") {
        return;
    }
    let mut seen = std::collections::BTreeSet::new();
    for example in EXAMPLES {
        let bytes = std::fs::read(format!("{}/examples/{example}", env!("CARGO_MANIFEST_DIR")))
            .expect("example");
        let report =
            msaforge::check::check_bytes(example, &bytes, &msaforge::check::Options::default());
        let view = msaforge::generate::view::system(&report.spec.expect("checked"));
        let dir = generated(example);
        let overlays = dir.path().join("deploy/k8s/overlays");
        let built: Vec<(&str, Vec<Value>)> =
            ["primary", "dr-site", "dr-failover", "primary-failback"]
                .into_iter()
                .map(|o| (o, build(&overlays.join(o))))
                .collect();
        for (overlay, docs) in &built {
            // Nowhere does a fixed count fight an HPA, the gateway's included.
            for d in docs.iter().filter(|d| d["kind"] == "Deployment") {
                let name = d["metadata"]["name"].as_str().expect("name");
                let owned = docs.iter().any(|h| {
                    h["kind"] == "HorizontalPodAutoscaler"
                        && h["spec"]["scaleTargetRef"]["name"] == name
                });
                assert!(
                    owned != d["spec"]["replicas"].is_u64(),
                    "{example} {overlay}: {name} has an HPA and fixed replicas, or neither"
                );
            }
        }
        for ctx in &view.contexts {
            let d = &ctx.deploy;
            let db = format!("{}-db", d.name);
            let at = |site: &str| format!("{db}-{site}");
            let pair = |primary: &str, me: &str| Some((at(primary), at(me)));
            let get = |overlay: &str| {
                let docs = &built.iter().find(|(o, _)| *o == overlay).expect("built").1;
                state(docs, &d.name)
            };
            let place = |o: &str| format!("{example} {o}: {}", d.name);
            let (primary, dr, failover, failback) = (
                get("primary"),
                get("dr-site"),
                get("dr-failover"),
                get("primary-failback"),
            );
            let scaled = |s: &State| s.hpa && s.replicas.is_none();
            let held = |s: &State| !s.hpa && s.replicas == Some(0);
            // The primary site leads and serves; after a failover the DR site does, both scaled
            // by their HPAs; the rebuilt primary follows with its services held at zero.
            assert!(scaled(&primary), "{}", place("primary"));
            assert!(scaled(&failover), "{}", place("dr-failover"));
            assert!(held(&failback), "{}", place("primary-failback"));
            if d.strategy == "active-active" {
                assert!(scaled(&dr), "{}", place("dr-site"));
            } else {
                assert!(held(&dr), "{}", place("dr-site"));
            }
            match d.database {
                "cnpg" if d.replicated => {
                    assert_eq!(primary.cluster, pair("primary", "primary"));
                    assert_eq!(dr.cluster, pair("primary", "dr"), "{}", place("dr-site"));
                    assert_eq!(
                        failover.cluster,
                        pair("dr", "dr"),
                        "{}",
                        place("dr-failover")
                    );
                    assert_eq!(failback.cluster, pair("dr", "primary"));
                    assert_eq!(failover.recovers_from, Some(at("primary")));
                    assert_eq!(failback.recovers_from, Some(at("dr")));
                }
                "cnpg" => {
                    assert_eq!(primary.cluster, Some(("-".into(), "-".into())));
                    assert_eq!(dr.cluster, None, "{}", place("dr-site"));
                    assert_eq!(failover.recovers_from, Some(at("primary")));
                    assert_eq!(failback.recovers_from, Some(at("dr")));
                }
                "statefulset" => {
                    assert!(primary.statefulset && !dr.statefulset);
                    // Restored by Velero before the overlay declares it.
                    assert!(failover.statefulset && !failback.statefulset);
                }
                _ => assert_eq!(primary.cluster, None),
            }
            seen.insert((d.strategy, d.database));
        }
    }
    // A postgres context is never active-active (MSA206): active-active contexts are stateless.
    for kind in [
        ("active-active", "none"),
        ("active-standby", "cnpg"),
        ("backup-restore", "cnpg"),
    ] {
        assert!(seen.contains(&kind), "some example has {kind:?}: {seen:?}");
    }
}
