//! A spec file as read: its text, places in it, the input limits and what can be wrong with the
//! input. The vocabulary shared by `load` (bytes to a value and a source map) and `yaml` (the
//! parser below it); it reads nothing itself.

/// Largest spec file accepted. A thousand-context spec is about 2 MiB.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting accepted; the format itself needs fewer than 10 levels.
pub const MAX_DEPTH: usize = 32;
/// Most nodes a document may have, counting every alias expansion (stops "billion laughs" files).
pub const MAX_NODES: usize = 500_000;

/// A spec file's name and text, kept for rendering snippets.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A place in the source: byte offset and length, plus the 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub offset: usize,
    pub len: usize,
    pub line: u32,
    pub column: u32,
}

/// Why a file could not be read as a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadProblem {
    #[error("the file is empty")]
    Empty,
    /// Larger than `MAX_BYTES` (callers may stop reading just past the limit).
    #[error("the file is larger than {MAX_BYTES} bytes, the most a spec may be")]
    TooLarge,
    #[error("the file is not UTF-8 text (binary data at byte {offset})")]
    NotText { offset: usize },
    #[error("YAML syntax error: {message}{}", at(*place))]
    Syntax {
        kind: SyntaxKind,
        message: String,
        place: Option<Place>,
    },
}

fn at(place: Option<Place>) -> String {
    place
        .map(|p| format!(" (line {}, column {})", p.line, p.column))
        .unwrap_or_default()
}

/// What kind of syntax problem stopped the parser, to give help that fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxKind {
    /// Aliases expand past the node budget (a "billion laughs" file).
    Expansion,
    /// Nesting deeper than `MAX_DEPTH`.
    Depth,
    DuplicateKey,
    Tabs,
    Other,
}
