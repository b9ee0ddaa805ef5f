//! Network policies and the edge of the rendered Kubernetes base (issue 13, items 8 and 9): no
//! policy opens to the world or to any namespace, the database sends only to the placeholders
//! the docs list, the services accept the gateway's pods in their own namespace only; images come
//! from the registry placeholder and start without it; grade-1 replicas never share a zone; plain
//! HTTP only redirects; CloudNativePG uses `postgresql.synchronous`.

use serde_json::Value;

use crate::deploy_config::{find, rendered, specs};

/// Every peer (`from` / `to` entry) of every rule of a NetworkPolicy.
fn peers(policy: &Value) -> Vec<&Value> {
    ["ingress", "egress"]
        .iter()
        .flat_map(|dir| policy["spec"][*dir].as_array().into_iter().flatten())
        .flat_map(|rule| {
            ["from", "to"]
                .iter()
                .flat_map(move |k| rule[*k].as_array().into_iter().flatten())
        })
        .collect()
}

#[test]
fn network_policies_name_their_peers_exactly() {
    for example in specs() {
        let (spec, docs) = rendered(example);
        let view = msaforge::generate::view::system(&spec);
        let net = &view.deploy.network;
        let placeholders = [
            net.api_server_cidr,
            net.object_storage_primary_cidr,
            net.object_storage_dr_cidr,
            net.primary_db_cidr,
            net.dr_site_cidr,
            net.pod_cidr,
        ];
        let readme = std::fs::read_to_string(format!(
            "{}/snapshots/generate/{}/deploy/k8s/README.md.snap",
            env!("CARGO_MANIFEST_DIR"),
            example.trim_end_matches(".yaml")
        ))
        .ok();
        for (path, policy) in docs.iter().filter(|(_, v)| v["kind"] == "NetworkPolicy") {
            for peer in peers(policy) {
                let place = format!("{example}: {path}: {peer}");
                if let Some(cidr) = peer["ipBlock"]["cidr"].as_str() {
                    assert!(
                        placeholders.contains(&cidr),
                        "{place}: not a listed placeholder"
                    );
                }
                // A namespace selector always names its namespace.
                if let Some(ns) = peer.get("namespaceSelector") {
                    assert!(
                        ns["matchLabels"]["kubernetes.io/metadata.name"].is_string(),
                        "{place}: any namespace"
                    );
                }
                // Whoever carries the gateway's labels counts only in the gateway's namespace.
                if peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gateway" {
                    assert_eq!(
                        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
                        view.deploy.namespace.as_str(),
                        "{place}"
                    );
                }
            }
        }
        for ctx in view.contexts.iter().filter(|c| c.deploy.database == "cnpg") {
            let db = format!("{}-db", ctx.name);
            let policy = find(&docs, "NetworkPolicy", &db).expect("database policy");
            let cidrs: Vec<&str> = peers(policy)
                .iter()
                .filter_map(|p| p["ipBlock"]["cidr"].as_str())
                .collect();
            // CloudNativePG needs the API server and the archive's object storage, nothing else.
            assert_eq!(
                cidrs,
                [
                    net.api_server_cidr,
                    net.object_storage_primary_cidr,
                    net.object_storage_dr_cidr
                ],
                "{example}: {db}"
            );
            if let Some(readme) = &readme {
                for cidr in &cidrs {
                    assert!(readme.contains(cidr), "{example}: the README lists {cidr}");
                }
            }
        }
        for ctx in view.contexts.iter().filter(|c| c.has_public) {
            let policy = find(&docs, "NetworkPolicy", &ctx.name).expect("policy");
            assert!(
                peers(policy).iter().any(|p| {
                    p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "gateway"
                        && p["namespaceSelector"].is_object()
                }),
                "{example}: {} admits the gateway",
                ctx.name
            );
        }
    }
}

#[test]
fn images_placement_and_edge_hold_in_an_air_gapped_dr_site() {
    for example in specs() {
        let (spec, docs) = rendered(example);
        let view = msaforge::generate::view::system(&spec);
        let registry = format!("{}/", view.deploy.registry);
        for (path, v) in &docs {
            let pod = match v["kind"].as_str() {
                Some("Deployment" | "StatefulSet") => &v["spec"]["template"]["spec"],
                Some("Cluster") => {
                    let image = v["spec"]["imageName"].as_str().expect("imageName");
                    assert!(image.starts_with(&registry), "{example}: {path}: {image}");
                    // The current API: no minSyncReplicas.
                    assert!(v["spec"].get("minSyncReplicas").is_none(), "{path}");
                    continue;
                }
                _ => continue,
            };
            for c in pod["containers"].as_array().expect("containers") {
                let image = c["image"].as_str().expect("image");
                assert!(image.starts_with(&registry), "{example}: {path}: {image}");
                assert_eq!(c["imagePullPolicy"], "IfNotPresent", "{example}: {path}");
            }
        }
        for ctx in &view.contexts {
            let d = &ctx.deploy;
            let grade1 = d.plan.grade == 1;
            let zone = |v: &Value| {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .find(|t| t["topologyKey"] == "topology.kubernetes.io/zone")
                    .map(|t| t["whenUnsatisfiable"].as_str().expect("set").to_owned())
            };
            let deployment = find(&docs, "Deployment", &ctx.name).expect("deployment");
            let spread = zone(&deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]);
            let want = if grade1 {
                "DoNotSchedule"
            } else {
                "ScheduleAnyway"
            };
            assert_eq!(spread.as_deref(), Some(want), "{example}: {}", ctx.name);
            if d.database == "cnpg" {
                let cluster = find(&docs, "Cluster", &format!("{}-db", ctx.name)).expect("cluster");
                let s = &cluster["spec"];
                assert_eq!(zone(&s["topologySpreadConstraints"]).as_deref(), Some(want));
                let sync = &s["postgresql"]["synchronous"];
                if d.plan.rpo_ms == 0 {
                    assert!(
                        sync["number"].as_u64() >= Some(1),
                        "{example}: {}",
                        ctx.name
                    );
                    assert_eq!(sync["dataDurability"], "required");
                } else {
                    assert!(sync.is_null(), "{example}: {}", ctx.name);
                }
            }
        }
        let Some(gateway) = find(&docs, "Gateway", &format!("{}-gateway", spec.system.name)) else {
            continue;
        };
        let listener = |name: &str| {
            gateway["spec"]["listeners"]
                .as_array()
                .expect("listeners")
                .iter()
                .find(|l| l["name"] == name)
                .map(|l| l["protocol"].as_str().expect("protocol").to_owned())
        };
        assert_eq!(listener("http").as_deref(), Some("HTTP"), "{example}");
        assert_eq!(listener("https").as_deref(), Some("HTTPS"), "{example}");
        // On `http` only a 301 to HTTPS; every other route on `https` only.
        for (path, route) in docs.iter().filter(|(_, v)| v["kind"] == "HTTPRoute") {
            let sections: Vec<&str> = route["spec"]["parentRefs"]
                .as_array()
                .expect("parents")
                .iter()
                .map(|p| p["sectionName"].as_str().expect("a listener"))
                .collect();
            let rules = route["spec"]["rules"].as_array().expect("rules");
            if sections == ["http"] {
                for rule in rules {
                    assert!(rule["backendRefs"].is_null(), "{path}");
                    let r = &rule["filters"][0]["requestRedirect"];
                    assert_eq!(
                        (&r["scheme"], &r["statusCode"]),
                        (&"https".into(), &301.into())
                    );
                }
            } else {
                assert_eq!(sections, ["https"], "{example}: {path}");
            }
        }
    }
}
