//! The spec format: the types as written (`model`), identifiers and durations (`names`), reading files
//! with positions (`load`, over `yaml` and the shared `source` types), paths into the document (`path`), the DR grade table (`dr`) and the checked
//! model (`resolve`). Judging a spec belongs to `check`, not here.

pub mod dr;
pub mod graph;
pub mod load;
pub mod model;
pub mod names;
pub mod path;
pub mod recursion;
pub mod resolve;
mod source;
mod types;
mod vocab;
mod yaml;

pub use load::{Place, Source, SourceMap};
pub use model::SpecFile;
pub use path::Path;
pub use resolve::{Spec, resolve};

/// The JSON Schema of the spec format (draft 2020-12), generated from the Rust types.
pub fn json_schema() -> serde_json::Value {
    schemars::schema_for!(SpecFile).to_value()
}
