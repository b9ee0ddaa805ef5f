//! `msaforge schema`: the JSON Schema of the spec format, for editors and other tools.

use super::{CmdError, output};
use crate::exit;

pub fn run() -> Result<i32, CmdError> {
    let schema = crate::spec::json_schema();
    output::to_stdout(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    ))?;
    Ok(exit::OK)
}
