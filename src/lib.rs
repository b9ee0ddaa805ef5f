//! msaforge: from a domain description to a production-shaped microservice system.
//!
//! The pipeline stages are modules: `spec` (the format), `check` (the rules),
//! `generate` (templates to files), `design` (an LLM writes the spec). `run` is the whole
//! command line; `main.rs` only maps its result to an exit code.

#[macro_use]
pub mod lang;
pub mod check;
pub mod cli;
pub mod design;
pub mod digest;
pub mod exit;
pub mod generate;
pub mod plan;
pub mod recovery;
pub mod spec;
pub mod stack;

pub use cli::run;
