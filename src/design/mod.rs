//! `msaforge design`: an LLM turns a description of a system into a spec that passes `check`.
//!
//! `sources`, `settings` and `provider` (flags, environment, msaforge.toml; the checked settings;
//! presets), `secret` (values never shown), `transport`, `client`,
//! `classify` and `wire` (chat completions through async-openai: streaming, timeouts, counted
//! retries, errors), `redact` (secrets never written or printed), `budget` (answers sized to the
//! context window), `schema` (the strict JSON Schema subsets), `prompts` (minijinja templates in
//! `prompts/`), `extract` (JSON or YAML out of an answer), `repair` (the bounded check-and-repair
//! loop), `output` (atomic files), `session` (one run from the brief to the files written).
//! Nothing here prints: `cmd::design` and `cmd::new` show progress and results.
//! The LLM's answers are untrusted input: nothing reaches SPEC without passing the full `check`.

pub mod budget;
pub mod classify;
pub mod client;
pub mod error;
pub mod extract;
pub mod output;
pub mod prompts;
pub mod provider;
pub mod redact;
pub mod repair;
pub mod schema;
pub mod secret;
pub mod session;
pub mod settings;
pub mod sources;
pub mod transport;
pub mod wire;

pub use error::DesignError;
