//! The `rust-axum` stack: Rust services on axum and tokio, one Cargo workspace for all of them.
//!
//! `view` spells the Rust names templates use (`ctx.rust`), `names` knows the names the generated
//! Rust code cannot carry. Templates are in `templates/rust-axum/`.

pub mod db;
mod names;
pub mod view;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{Build, NameKind, StackDef};
use crate::spec::model::Stack;

pub static STACK: StackDef = StackDef {
    stack: Stack::RustAxum,
    title: "Rust",
    templates: "rust-axum",
    view_key: "rust",
    view: view::value,
    is_keyword,
    spell,
    clashes: names::clashes,
    build: Build::Together("cargo build"),
    build_note,
    run: |name| format!("./target/debug/{name}"),
    tracing_env: None,
    migrations: crate::migrate::Naming::Sqlx,
};

/// Rust's keywords (2024 edition: strict, reserved, and the weak `union`). Sorted.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

fn is_keyword(name: &str) -> bool {
    KEYWORDS.binary_search(&name).is_ok()
}

/// Fields, functions and modules in snake_case; enum variants (and types) in PascalCase.
fn spell(kind: NameKind, name: &str) -> String {
    match kind {
        NameKind::Member => name.to_snake_case(),
        NameKind::EnumValue => name.to_upper_camel_case(),
    }
}

fn build_note(mixed: bool) -> String {
    let rust = if mixed { "Rust " } else { "" };
    format!(
        "One Cargo workspace: one crate per {rust}context under `services/`, binaries in `target/debug/`."
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(super::KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
