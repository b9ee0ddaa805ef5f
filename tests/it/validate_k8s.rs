//! Real validators on the generated Kubernetes and DR output: kubernetes-validate (core resources,
//! schemas shipped in the wheel), check-jsonschema with the CRD schemas in `tests/schemas/crd/`
//! (Gateway, HTTPRoute, CloudNativePG Cluster and ScheduledBackup, Velero Schedule and
//! BackupStorageLocation), checkov (manifests and Dockerfiles: no failed check, every skip with a
//! reason), and kustomize (every overlay builds, and its output passes the same validators).
//!
//! Same rules as `validate`: a missing tool skips with a message unless
//! `MSAFORGE_VALIDATORS_REQUIRED` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary::Msaforge;
use crate::validate::{EXAMPLES, ROOT, files, generated, have, run};

const KUBERNETES_VERSION: &str = "1.35.0";

/// Core API groups kubernetes-validate knows; anything else is a custom resource.
const CORE: [&str; 6] = [
    "v1",
    "apps/v1",
    "autoscaling/v2",
    "policy/v1",
    "networking.k8s.io/v1",
    "scheduling.k8s.io/v1",
];

/// The checkov checks the templates skip, each with its reason next to the resource: image digests
/// (pinned at release), credentials in environment variables (from Secret references), the
/// Dockerfile HEALTHCHECK (Kubernetes probes instead; distroless has no client), and pull policy
/// `Always` (`IfNotPresent`: the DR site must start pods without its registry). Any other skip fails.
const ACCEPTED_SKIPS: [&str; 4] = ["CKV_K8S_43", "CKV_K8S_35", "CKV_DOCKER_2", "CKV_K8S_15"];

/// `apiVersion/kind` -> the schema file in tests/schemas/crd.
const CRDS: [(&str, &str); 6] = [
    (
        "gateway.networking.k8s.io/v1/Gateway",
        "gateway.networking.k8s.io_v1_Gateway.json",
    ),
    (
        "gateway.networking.k8s.io/v1/HTTPRoute",
        "gateway.networking.k8s.io_v1_HTTPRoute.json",
    ),
    (
        "postgresql.cnpg.io/v1/Cluster",
        "postgresql.cnpg.io_v1_Cluster.json",
    ),
    (
        "postgresql.cnpg.io/v1/ScheduledBackup",
        "postgresql.cnpg.io_v1_ScheduledBackup.json",
    ),
    ("velero.io/v1/Schedule", "velero.io_v1_Schedule.json"),
    (
        "velero.io/v1/BackupStorageLocation",
        "velero.io_v1_BackupStorageLocation.json",
    ),
];

/// The top-level `apiVersion` and `kind` of one YAML document.
fn type_of(doc: &str) -> Option<(String, String)> {
    let field = |key: &str| {
        doc.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().trim_matches('"').to_owned())
    };
    Some((field("apiVersion: ")?, field("kind: ")?))
}

/// Resource files (not kustomizations) under `dir`, grouped: core ones, and custom ones by schema.
fn classify(paths: &[PathBuf]) -> (Vec<PathBuf>, BTreeMap<&'static str, Vec<PathBuf>>) {
    let mut core = Vec::new();
    let mut custom: BTreeMap<&'static str, Vec<PathBuf>> = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(path).expect("readable");
        let Some((api, kind)) = type_of(&text) else {
            continue;
        };
        if CORE.contains(&api.as_str()) {
            core.push(path.clone());
        } else if let Some((_, schema)) = CRDS.iter().find(|(k, _)| *k == format!("{api}/{kind}")) {
            custom.entry(schema).or_default().push(path.clone());
        }
    }
    (core, custom)
}

fn manifests(dir: &Path) -> Vec<PathBuf> {
    files(&dir.join("deploy/k8s"), ".yaml")
        .into_iter()
        .filter(|p| !p.ends_with("kustomization.yaml"))
        .collect()
}

fn kubernetes_validate(paths: &[PathBuf]) {
    run(Command::new("kubernetes-validate")
        .args(["-k", KUBERNETES_VERSION, "--strict", "--quiet"])
        .args(paths));
}

fn check_schemas(custom: &BTreeMap<&'static str, Vec<PathBuf>>) {
    for (schema, paths) in custom {
        run(Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(Path::new(ROOT).join("tests/schemas/crd").join(schema))
            .args(paths));
    }
}

#[test]
fn core_resources_pass_kubernetes_validate() {
    if !have("kubernetes-validate") {
        return;
    }
    for example in EXAMPLES {
        let dir = generated(example);
        let (core, _) = classify(&manifests(dir.path()));
        assert!(
            core.len() > 20,
            "{example}: only {} core resources",
            core.len()
        );
        kubernetes_validate(&core);
    }
}

#[test]
fn custom_resources_match_their_crd_schemas() {
    if !have("check-jsonschema") {
        return;
    }
    let mut seen = BTreeMap::new();
    for example in EXAMPLES {
        let dir = generated(example);
        let (_, custom) = classify(&manifests(dir.path()));
        for (schema, paths) in &custom {
            *seen.entry(*schema).or_insert(0) += paths.len();
        }
        check_schemas(&custom);
    }
    for (_, schema) in CRDS {
        assert!(
            seen.contains_key(schema),
            "no generated resource uses {schema}"
        );
    }
}

#[test]
fn checkov_finds_no_failed_check() {
    if !have("checkov") {
        return;
    }
    for example in EXAMPLES {
        // checkov's Kubernetes runner skips paths with a hidden directory, like tempfile's `.tmp*`.
        let dir = tempfile::Builder::new()
            .prefix("msaforge-checkov-")
            .tempdir()
            .expect("temp dir");
        let system = dir.path().join("system");
        Msaforge::new()
            .args(["generate", &format!("examples/{example}"), "-o"])
            .arg(&system)
            .run()
            .code(0);
        let out = Command::new("checkov")
            .arg("-d")
            .arg(&system)
            .args(["--framework", "kubernetes", "dockerfile"])
            .args(["--skip-download", "--compact", "-o", "json"])
            .output()
            .expect("checkov starts");
        let text = String::from_utf8_lossy(&out.stdout);
        let report: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{example}: checkov output is not JSON ({e}): {text}"));
        let reports = report.as_array().cloned().unwrap_or_else(|| vec![report]);
        let mut frameworks = Vec::new();
        for r in &reports {
            let framework = r["check_type"].as_str().unwrap_or_default().to_owned();
            let failed: Vec<String> = r["results"]["failed_checks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| format!("{} {} {}", c["check_id"], c["file_path"], c["check_name"]))
                .collect();
            assert!(
                failed.is_empty(),
                "{example}: checkov {framework} failed:\n{}",
                failed.join("\n")
            );
            assert!(
                r["summary"]["passed"].as_u64().unwrap_or(0) > 0,
                "{example}: {framework} passed nothing"
            );
            let skipped = r["results"]["skipped_checks"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                skipped.len() as u64,
                r["summary"]["skipped"].as_u64().unwrap_or(0),
                "{example}: every skip is listed"
            );
            for skip in &skipped {
                let id = skip["check_id"].as_str().unwrap_or_default();
                let reason = skip["check_result"]["suppress_comment"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    ACCEPTED_SKIPS.contains(&id) && reason.len() > 40,
                    "{example}: skip of {id} is not an accepted one with a reason: {reason:?}"
                );
            }
            frameworks.push(framework);
        }
        frameworks.sort();
        assert_eq!(frameworks, ["dockerfile", "kubernetes"], "{example}");
    }
}

/// The output of `kustomize build` of an overlay.
pub(crate) fn kustomize(overlay: &Path) -> String {
    let result = Command::new("kustomize")
        .arg("build")
        .arg(overlay)
        .output()
        .expect("kustomize starts");
    assert!(
        result.status.success(),
        "kustomize build {}: {}",
        overlay.display(),
        String::from_utf8_lossy(&result.stderr)
    );
    String::from_utf8(result.stdout).expect("utf-8")
}

/// `kustomize build` of an overlay, each resource written to its own file under `out`.
fn build(overlay: &Path, out: &Path) -> Vec<PathBuf> {
    let text = kustomize(overlay);
    std::fs::create_dir_all(out).expect("mkdir");
    text.split("\n---\n")
        .enumerate()
        .map(|(i, doc)| {
            let path = out.join(format!("{i:03}.yaml"));
            std::fs::write(&path, doc).expect("write");
            path
        })
        .collect()
}

#[test]
fn every_overlay_builds_and_validates() {
    if !have("kustomize") || !have("kubernetes-validate") || !have("check-jsonschema") {
        return;
    }
    for example in EXAMPLES {
        let dir = generated(example);
        let k8s = dir.path().join("deploy/k8s");
        let built = tempfile::tempdir().expect("temp");
        for overlay in ["primary", "dr-site", "primary-failback"] {
            let docs = build(
                &k8s.join("overlays").join(overlay),
                &built.path().join(overlay),
            );
            let (core, custom) = classify(&docs);
            assert!(
                !core.is_empty() && !custom.is_empty(),
                "{example} {overlay}"
            );
            kubernetes_validate(&core);
            check_schemas(&custom);
        }
        // The opt-in retries component applies on top of an overlay.
        let trial = k8s.join("overlays/with-retries");
        std::fs::create_dir_all(&trial).expect("mkdir");
        std::fs::write(
            trial.join("kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../primary]\ncomponents: [../../components/gateway-retries]\n",
        )
        .expect("write");
        let docs = build(&trial, &built.path().join("with-retries"));
        let retries = docs
            .iter()
            .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("retry:")))
            .count();
        assert!(retries > 0, "{example}: the component adds retries");
    }
}
