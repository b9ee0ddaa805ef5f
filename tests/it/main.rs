//! The integration test binary: fixture specs through `check`, the command line, bad input, and
//! property tests of the loader and the checker, generated systems, and `design` against a scripted
//! and a real LLM server.

// Tests report skipped tools and failing logs on the console: the print lints are for `src/`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bad_input;
mod bench_inputs;
mod binary;
mod cli;
mod deploy_config;
mod deploy_network;
mod design;
mod design_answers;
mod design_limits;
mod design_real;
mod design_secrets;
mod design_stream;
mod design_tls;
mod dr;
mod dr_overlays;
mod drain;
mod e2e;
mod fixtures;
mod generate;
mod glossary;
mod harness;
mod infra;
mod layers;
mod metrics;
mod migrations;
mod pipes;
mod props;
mod regen_edits;
mod regen_faults;
mod regen_oracle;
mod regen_support;
mod regen_tamper;
mod regenerate;
mod regenerate_safety;
mod routes;
mod scripted;
mod service_db;
mod shapes;
mod spring;
mod spring_clients;
mod spring_mysql;
mod validate;
mod validate_k8s;

/// insta settings for one family of snapshots: `snapshots/<folder>/<name>.snap`, where `folder`
/// may hold subfolders (`generate/records-archive/services/placement/src`). The name is the whole
/// file name: no module prefix, no `@fixture` suffix (`glob!` adds one; the names say it already),
/// no version noise.
pub fn snapshots(folder: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("snapshots")
            .join(folder),
    );
    s.set_prepend_module_to_snapshot(false);
    s.remove_snapshot_suffix();
    // Filters are regular expressions: the dots of the version must match only dots.
    s.add_filter(&regex::escape(env!("CARGO_PKG_VERSION")), "[VERSION]");
    s
}
