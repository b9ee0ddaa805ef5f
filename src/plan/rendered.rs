//! What a plan is made of: a rendered file, and how regeneration treats it (its policy, from the
//! template manifest). `generate` produces them; nothing here renders.

use serde::{Deserialize, Serialize};

/// A rendered file, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Relative, `/`-separated, checked to stay inside the output directory.
    pub path: String,
    pub contents: String,
    pub policy: Policy,
}

/// How a generated file is treated when the system is generated again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Always rewritten; marked as generated.
    #[default]
    Managed,
    /// Merged with the user's edits (3-way) on regeneration.
    Merge,
    /// Created if missing, never touched again: the user's code.
    Once,
}
