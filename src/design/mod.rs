//! `msaforge design`: an LLM turns a description of a system into a spec that passes `check`.
//!
//! `settings` (flags, environment, msaforge.toml, presets), `client` (one chat completion through
//! async-openai, retries, errors), `schema` (the strict JSON Schema subsets), `prompts` (minijinja
//! templates in `prompts/`), `extract` (JSON out of an answer), `repair` (the bounded check-and-repair
//! loop), `output` (atomic files), `session` (one run from the brief to the files written).
//! Nothing here prints: `cmd::design` and `cmd::new` show progress and results.
//! The LLM's answers are untrusted input: nothing reaches SPEC without passing the full `check`.

pub mod client;
pub mod error;
pub mod extract;
pub mod output;
pub mod prompts;
pub mod repair;
pub mod schema;
pub mod session;
pub mod settings;

pub use error::DesignError;
