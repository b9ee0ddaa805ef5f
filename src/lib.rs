//! msaforge: from a domain description to a production-shaped microservice system.
//!
//! The pipeline stages are modules: `spec` (the format), `check` (the rules), `generate`
//! (templates to files), `plan` (safe regeneration), `design` (an LLM writes the spec),
//! `recovery` (DR analysis). They return data and typed errors; `cmd` is the command line on top
//! of them, the only module that prints. `main.rs` only exits with `run`'s code.

#[macro_use]
pub mod lang;
pub mod check;
pub mod cmd;
pub mod design;
pub mod digest;
pub mod exit;
pub mod generate;
pub mod metrics;
pub mod migrate;
pub mod plan;
pub mod recovery;
pub mod spec;
pub mod stack;

pub use cmd::run;
