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
            match c.stack {
                Stack::RustAxum => {
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
                }
                Stack::SpringBoot => {
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
