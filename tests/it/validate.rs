//! Real validators on generated systems: nginx -t (Debian's nginx), openapi-spec-validator,
//! the AsyncAPI Initiative's parser (@asyncapi/parser on Node.js), check-jsonschema with the
//! compose specification, hadolint and yamllint.
//!
//! A missing tool skips its check with a message, unless `MSAFORGE_VALIDATORS_REQUIRED` is set (CI
//! sets it, and installs the tools in `.ci/run`), in which case it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary::Msaforge;

pub(crate) const ROOT: &str = env!("CARGO_MANIFEST_DIR");

pub(crate) fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("MSAFORGE_VALIDATORS_REQUIRED").is_none(),
            "{tool} is required (MSAFORGE_VALIDATORS_REQUIRED is set) but not on PATH"
        );
        eprintln!("skipping {tool} checks: not installed (.ci/run installs it)");
    }
    found
}

pub(crate) fn run(cmd: &mut Command) {
    let out = cmd.output().expect("validator starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `examples/<example>` generated; a name with a `/` is a spec path of its own.
pub(crate) fn generated(example: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = if example.contains('/') {
        example.to_owned()
    } else {
        format!("examples/{example}")
    };
    Msaforge::new()
        .args(["generate", &spec, "-o"])
        .arg(dir.path())
        .run()
        .code(0);
    dir
}

pub(crate) fn files(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(name))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub(crate) const EXAMPLES: [&str; 3] = [
    "records-archive.yaml",
    "permit-office.yaml",
    "civil-petition.yaml",
];

/// The examples and the spec of unusual shapes (`tests/it/shapes.rs`).
fn specs() -> impl Iterator<Item = &'static str> {
    EXAMPLES.into_iter().chain([crate::shapes::SHAPES])
}

/// The Kubernetes flavour with its upstream servers (cluster DNS names, resolved when nginx
/// starts, so not here) at 127.0.0.1: everything else is checked as generated.
fn without_cluster_names(path: &Path) -> PathBuf {
    let text = std::fs::read_to_string(path).expect("readable");
    let mut replaced = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("server ") && trimmed.ends_with(".svc.cluster.local:8080;") {
                replaced += 1;
                "        server 127.0.0.1:8080;".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(replaced > 0, "{}: no upstream server", path.display());
    let out = path.with_extension("test.conf");
    std::fs::write(&out, lines.join("\n")).expect("written");
    out
}

#[test]
fn nginx_accepts_every_gateway_config() {
    if !have("nginx") {
        return;
    }
    for example in specs() {
        let dir = generated(example);
        for config in [
            "gateway/nginx.local.conf",
            "gateway/nginx.conf",
            "deploy/k8s/base/gateway/nginx.conf",
        ] {
            let prefix = tempfile::tempdir().expect("prefix");
            let mut path = dir.path().join(config);
            assert!(path.is_file(), "{example}: {config} is generated");
            if config.starts_with("deploy/") {
                path = without_cluster_names(&path);
            }
            // The compose flavour includes files relative to its own directory.
            run(Command::new("nginx")
                .arg("-t")
                .arg("-p")
                .arg(prefix.path())
                .arg("-c")
                .arg(&path));
        }
    }
}

#[test]
fn openapi_documents_are_valid() {
    if !have("openapi-spec-validator") {
        return;
    }
    for example in specs() {
        let dir = generated(example);
        let docs = files(dir.path(), "openapi.yaml");
        assert!(!docs.is_empty(), "{example}: no openapi.yaml generated");
        for doc in docs {
            run(Command::new("openapi-spec-validator").arg(doc));
        }
    }
}

/// The AsyncAPI parser's `node_modules` (`MSAFORGE_ASYNCAPI_MODULES`, which `.ci/run` sets), or
/// `None` when the check is to be skipped.
fn asyncapi_modules() -> Option<PathBuf> {
    let dir = std::env::var_os("MSAFORGE_ASYNCAPI_MODULES").map(PathBuf::from);
    let found = dir
        .as_ref()
        .is_some_and(|d| d.join("@asyncapi/parser/package.json").is_file());
    if !found {
        assert!(
            std::env::var_os("MSAFORGE_VALIDATORS_REQUIRED").is_none(),
            "@asyncapi/parser is required (MSAFORGE_VALIDATORS_REQUIRED is set) but \
             MSAFORGE_ASYNCAPI_MODULES names no node_modules holding it"
        );
        eprintln!("skipping AsyncAPI checks: @asyncapi/parser not installed (.ci/run installs it)");
        return None;
    }
    have("node").then(|| dir.expect("found"))
}

/// `tests/validators/asyncapi.cjs` on `docs`, with the parser of `modules`.
fn asyncapi(modules: &Path, docs: &[PathBuf]) -> std::process::Output {
    Command::new("node")
        .arg(Path::new(ROOT).join("tests/validators/asyncapi.cjs"))
        .args(docs)
        .env("NODE_PATH", modules)
        .output()
        .expect("node starts")
}

#[test]
fn asyncapi_documents_are_valid() {
    let Some(modules) = asyncapi_modules() else {
        return;
    };
    for example in specs() {
        let dir = generated(example);
        let docs = files(dir.path(), "asyncapi.yaml");
        assert!(!docs.is_empty(), "{example}: no asyncapi.yaml generated");
        let out = asyncapi(&modules, &docs);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{example}: AsyncAPI errors:\n{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // What the parser says beyond the version it would prefer (3.1.0) is a defect too.
        let other: Vec<&str> = said
            .lines()
            .filter(|l| !l.contains("asyncapi-latest-version"))
            .collect();
        assert!(other.is_empty(), "{example}: {other:#?}");
    }
}

/// A broken reference in a generated document is an error for the validator: the check can fail.
#[test]
fn the_asyncapi_validator_refuses_a_broken_reference() {
    let Some(modules) = asyncapi_modules() else {
        return;
    };
    let dir = generated("records-archive.yaml");
    let doc = dir.path().join("services/checkout/asyncapi.yaml");
    let text = std::fs::read_to_string(&doc).expect("checkout's asyncapi.yaml");
    let broken = text.replacen(
        "#/components/messages/RecordCheckedOut\"",
        "#/components/messages/NoSuchMessage\"",
        1,
    );
    assert_ne!(broken, text, "the document references RecordCheckedOut");
    std::fs::write(&doc, broken).expect("write");
    let out = asyncapi(&modules, &[doc]);
    assert!(!out.status.success(), "a broken $ref passes");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("NoSuchMessage"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn compose_file_follows_the_compose_specification() {
    if !have("check-jsonschema") {
        return;
    }
    for example in specs() {
        let dir = generated(example);
        run(Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.compose-spec"])
            .arg(dir.path().join("compose.yaml")));
    }
}

#[test]
fn dockerfiles_are_clean_under_hadolint() {
    if !have("hadolint") {
        return;
    }
    for example in specs() {
        let dir = generated(example);
        let dockerfiles = files(dir.path(), "Dockerfile");
        assert!(
            !dockerfiles.is_empty(),
            "{example}: no Dockerfile generated"
        );
        for file in dockerfiles {
            run(Command::new("hadolint").arg(file));
        }
    }
}

#[test]
fn yaml_outputs_pass_yamllint() {
    if !have("yamllint") {
        return;
    }
    for example in specs() {
        let dir = generated(example);
        // Names at their length limits (the shapes spec) make long lines, not broken YAML.
        let config = if example == crate::shapes::SHAPES {
            "{extends: relaxed, rules: {line-length: disable}}"
        } else {
            "relaxed"
        };
        run(Command::new("yamllint")
            .args(["-d", config, "-s"])
            .arg(dir.path()));
    }
}
