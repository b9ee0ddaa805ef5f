//! What the rendered Kubernetes base says, resource by resource, for every example and the shapes
//! spec: each service's ConfigMap carries its own stack's settings (issue 13, item 3), pods get
//! what they may use (item 5), network policies name their peers exactly (item 8), images and
//! placement hold in an air-gapped DR site (item 9).

use msaforge::spec::Spec;
use msaforge::spec::model::Stack;
use serde_json::Value;

use crate::validate::EXAMPLES;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The OTLP/HTTP endpoint of the collector the ConfigMaps point at.
const COLLECTOR: &str = "http://otel-collector.observability.svc.cluster.local:4318";

/// A checked spec and every YAML document of its rendered files, with the file's path.
pub(crate) fn rendered(example: &str) -> (Spec, Vec<(String, Value)>) {
    let path = if example.contains('/') {
        example.to_owned()
    } else {
        format!("examples/{example}")
    };
    let bytes = std::fs::read(format!("{ROOT}/{path}")).expect("spec");
    let report = msaforge::check::check_bytes(&path, &bytes, &msaforge::check::Options::default());
    let spec = report.spec.expect("a checked spec");
    let files = msaforge::generate::render(&spec, &msaforge::generate::Options::default())
        .expect("renders");
    let docs = files
        .iter()
        .filter(|f| {
            f.path.starts_with("deploy/k8s/")
                && std::path::Path::new(&f.path)
                    .extension()
                    .is_some_and(|e| e == "yaml")
        })
        .flat_map(|f| {
            f.contents
                .split("\n---")
                .filter_map(|doc| msaforge::spec::load::parse(doc).ok())
                .map(|v| (f.path.clone(), v))
                .collect::<Vec<_>>()
        })
        .collect();
    (spec, docs)
}

/// Every spec the deployment tests read.
pub(crate) fn specs() -> impl Iterator<Item = &'static str> {
    EXAMPLES.into_iter().chain([crate::shapes::SHAPES])
}

/// The resource of `kind` named `name` among `docs`.
pub(crate) fn find<'a>(docs: &'a [(String, Value)], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .map(|(_, v)| v)
        .find(|v| v["kind"] == kind && v["metadata"]["name"] == name)
}

#[test]
fn every_config_map_carries_its_own_stacks_settings() {
    let mut seen = std::collections::BTreeSet::new();
    for example in specs() {
        let (spec, docs) = rendered(example);
        for c in &spec.contexts {
            let config = find(&docs, "ConfigMap", &format!("{}-config", c.name))
                .unwrap_or_else(|| panic!("{example}: no ConfigMap of {}", c.name));
            let data = config["data"].as_object().expect("data");
            let get = |k: &str| data.get(k).and_then(Value::as_str);
            let place = format!("{example}: {}", c.name);
            assert_eq!(get("OTEL_SERVICE_NAME"), Some(c.name.as_str()), "{place}");
            // The two stacks of the issue by hand; any other by its definition alone (below).
            if c.stack == Stack::RustAxum {
                assert_eq!(
                    get("OTEL_EXPORTER_OTLP_ENDPOINT"),
                    Some(COLLECTOR),
                    "{place}"
                );
                assert_eq!(get("OTEL_EXPORTER_OTLP_PROTOCOL"), Some("http/protobuf"));
                assert_eq!(get("RUST_LOG"), Some("info"), "{place}");
                for foreign in ["MANAGEMENT_OTLP_TRACING_ENDPOINT", "JAVA_TOOL_OPTIONS"] {
                    assert_eq!(get(foreign), None, "{place}: {foreign} is Spring's");
                }
            } else if c.stack == Stack::SpringBoot {
                // Spring Boot 3 reads its own variable, with the whole traces URL.
                assert_eq!(
                    get("MANAGEMENT_OTLP_TRACING_ENDPOINT"),
                    Some(format!("{COLLECTOR}/v1/traces").as_str()),
                    "{place}"
                );
                assert!(
                    get("JAVA_TOOL_OPTIONS").is_some_and(|o| o.contains("MaxRAMPercentage")),
                    "{place}: the heap is sized to the container"
                );
                for foreign in [
                    "RUST_LOG",
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "OTEL_EXPORTER_OTLP_PROTOCOL",
                    "OTEL_TRACES_SAMPLER",
                ] {
                    assert_eq!(get(foreign), None, "{place}: Spring ignores {foreign}");
                }
            }
            // Whatever the stack's definition lists is there, with its value.
            for s in msaforge::stack::of(c.stack).runtime.env {
                assert_eq!(get(s.name), Some(s.value), "{place}");
            }
            seen.insert(c.stack.as_str());
        }
    }
    assert_eq!(
        seen.len(),
        Stack::ALL.len(),
        "every stack is in some example"
    );
}

/// The pod template of a workload (Deployment, StatefulSet), or none.
fn pod_spec(v: &Value) -> Option<&Value> {
    matches!(v["kind"].as_str(), Some("Deployment" | "StatefulSet"))
        .then(|| &v["spec"]["template"]["spec"])
}

/// A quantity in MiB (`256Mi`, `1Gi`).
fn mib(q: &Value) -> u64 {
    let q = q.as_str().unwrap_or_else(|| panic!("a quantity: {q}"));
    if let Some(n) = q.strip_suffix("Gi") {
        n.parse::<u64>().expect("number") * 1024
    } else {
        q.strip_suffix("Mi")
            .expect("Mi or Gi")
            .parse()
            .expect("number")
    }
}

#[test]
fn every_pod_gets_what_it_may_use_and_ranks_by_its_grade() {
    for example in specs() {
        let (spec, docs) = rendered(example);
        let view = msaforge::generate::view::system(&spec);
        let classes: Vec<&str> = docs
            .iter()
            .filter(|(_, v)| v["kind"] == "PriorityClass")
            .filter_map(|(_, v)| v["metadata"]["name"].as_str())
            .collect();
        let mut peak_mib = 0;
        for (path, v) in &docs {
            let Some(pod) = pod_spec(v) else { continue };
            let name = v["metadata"]["name"].as_str().expect("name");
            let place = format!("{example}: {path}");
            // Its own identity, no token, a PriorityClass that exists.
            let account = pod["serviceAccountName"]
                .as_str()
                .expect("a ServiceAccount");
            let sa = find(&docs, "ServiceAccount", account).unwrap_or_else(|| panic!("{place}"));
            assert_eq!(sa["automountServiceAccountToken"], false, "{place}");
            assert_eq!(pod["automountServiceAccountToken"], false, "{place}");
            let class = pod["priorityClassName"].as_str().expect("a PriorityClass");
            assert!(classes.contains(&class), "{place}: {class} is rendered");
            let mut pod_mib = 0;
            for c in pod["containers"].as_array().expect("containers") {
                let r = &c["resources"];
                assert_eq!(r["requests"]["memory"], r["limits"]["memory"], "{place}");
                for key in ["requests", "limits"] {
                    assert!(r[key]["ephemeral-storage"].is_string(), "{place}: {key}");
                    assert!(r[key]["cpu"].is_string(), "{place}: {key}");
                }
                pod_mib += mib(&r["limits"]["memory"]);
            }
            // At peak: an HPA's ceiling plus a surge pod, or the StatefulSet's replicas.
            let pods = find(&docs, "HorizontalPodAutoscaler", name).map_or_else(
                || v["spec"]["replicas"].as_u64().unwrap_or(1),
                |h| h["spec"]["maxReplicas"].as_u64().expect("max") + 1,
            );
            peak_mib += pods * pod_mib;
        }
        for ctx in &view.contexts {
            let d = &ctx.deploy;
            if d.database != "cnpg" {
                continue;
            }
            let place = format!("{example}: {}-db", d.name);
            let cluster = find(&docs, "Cluster", &format!("{}-db", d.name)).expect("cluster");
            let s = &cluster["spec"];
            assert_eq!(
                s["resources"]["requests"]["memory"],
                s["resources"]["limits"]["memory"]
            );
            assert!(s["storage"]["storageClass"].is_string(), "{place}");
            assert!(classes.contains(&s["priorityClassName"].as_str().expect("class")));
            // Each instance, a job pod, and the LimitRange's default for each plugin sidecar.
            let instances = s["instances"].as_u64().expect("instances");
            peak_mib +=
                (instances + 1) * mib(&s["resources"]["limits"]["memory"]) + instances * 256;
        }
        let quota = find(&docs, "ResourceQuota", &spec.system.name).expect("a quota");
        let hard = &quota["spec"]["hard"];
        assert!(
            mib(&hard["limits.memory"]) >= peak_mib,
            "{example}: the quota holds every workload at its peak ({peak_mib}Mi)"
        );
        let range = find(&docs, "LimitRange", &spec.system.name).expect("a LimitRange");
        assert!(range["spec"]["limits"][0]["default"]["memory"].is_string());
        // One class per grade in use, ranked by grade.
        let value = |g: u8| {
            find(
                &docs,
                "PriorityClass",
                &format!("{}-grade-{g}", spec.system.name),
            )
            .map(|p| p["value"].as_u64().expect("value"))
        };
        for ctx in &view.contexts {
            let g = ctx.deploy.plan.grade.min(4);
            assert!(value(g).is_some(), "{example}: grade {g}");
            if let (Some(higher), Some(this)) = (value(g.saturating_sub(1).max(1)), value(g)) {
                assert!(higher >= this);
            }
        }
    }
}

/// The JVM's heap fits the memory its Deployment gives it.
#[test]
fn spring_heaps_fit_their_containers() {
    let (spec, docs) = rendered("civil-petition.yaml");
    let mut seen = 0;
    for c in spec
        .contexts
        .iter()
        .filter(|c| c.stack == Stack::SpringBoot)
    {
        let deployment = find(&docs, "Deployment", &c.name).expect("deployment");
        let limit = mib(
            &deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        );
        let config = find(&docs, "ConfigMap", &format!("{}-config", c.name)).expect("config");
        let options = config["data"]["JAVA_TOOL_OPTIONS"]
            .as_str()
            .expect("options");
        let percent: u64 = options
            .split_whitespace()
            .find_map(|o| o.strip_prefix("-XX:MaxRAMPercentage="))
            .and_then(|p| p.parse().ok())
            .expect("MaxRAMPercentage");
        assert!(options.contains("-XX:MaxMetaspaceSize="), "{options}");
        // The old default (75% of the container) leaves too little for the rest of the JVM.
        assert!(
            percent <= 60 && limit * percent / 100 >= 256,
            "{limit}Mi at {percent}%"
        );
        seen += 1;
    }
    assert!(seen > 0, "civil-petition has Spring Boot contexts");
}

/// compose.yaml gives each service its own stack's tracing and log variables, as Kubernetes does.
#[test]
fn compose_services_carry_their_own_stacks_settings() {
    for example in EXAMPLES {
        let bytes = std::fs::read(format!("{ROOT}/examples/{example}")).expect("spec");
        let report =
            msaforge::check::check_bytes(example, &bytes, &msaforge::check::Options::default());
        let spec = report.spec.expect("a checked spec");
        let files = msaforge::generate::render(&spec, &msaforge::generate::Options::default())
            .expect("renders");
        let compose = files
            .iter()
            .find(|f| f.path == "compose.yaml")
            .expect("compose");
        let compose = msaforge::spec::load::parse(&compose.contents).expect("YAML");
        for c in &spec.contexts {
            let env = &compose["services"][c.name.as_str()]["environment"];
            let has = |k: &str| env.get(k).is_some();
            let spring = c.stack == Stack::SpringBoot;
            assert_eq!(
                has("MANAGEMENT_OTLP_TRACING_ENDPOINT"),
                spring,
                "{example}: {}",
                c.name
            );
            assert_eq!(
                has("OTEL_EXPORTER_OTLP_ENDPOINT"),
                !spring,
                "{example}: {}",
                c.name
            );
            assert_eq!(
                has("RUST_LOG"),
                c.stack == Stack::RustAxum,
                "{example}: {}",
                c.name
            );
        }
    }
}
