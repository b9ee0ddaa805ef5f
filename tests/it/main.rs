//! The integration test binary: fixture specs through `check`, the command line, bad input, and
//! property tests of the loader and the checker, generated systems, and `design` against a scripted
//! and a real LLM server.

mod bad_input;
mod cli;
mod design;
mod design_answers;
mod design_real;
mod dr;
mod e2e;
mod fixtures;
mod generate;
mod harness;
mod props;
mod regen_edits;
mod regen_faults;
mod regen_oracle;
mod regen_support;
mod regen_tamper;
mod regenerate;
mod scripted;
mod spring;
mod spring_clients;
mod validate;
mod validate_k8s;

/// insta settings shared by every snapshot: the top-level `snapshots/` folder, no version noise.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.add_filter(env!("CARGO_PKG_VERSION"), "[VERSION]");
    s
}
