//! The `rust-axum` stack: Rust services on axum and tokio, one Cargo workspace for all of them.
//!
//! `view` spells the Rust names templates use (`ctx.rust`), `names` knows the names the generated
//! Rust code cannot carry. Templates are in `templates/rust-axum/`.

mod names;
pub mod view;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{Build, NameKind, Runtime, Setting, StackDef};
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
    runtime: Runtime {
        env: &[
            Setting {
                name: "RUST_LOG",
                value: "info",
                why: "tracing-subscriber's filter: the log level and per-crate levels",
            },
            Setting {
                name: "OTEL_EXPORTER_OTLP_PROTOCOL",
                value: "http/protobuf",
                why: "the OpenTelemetry SDK exports over OTLP/HTTP (port 4318)",
            },
            Setting {
                name: "OTEL_TRACES_SAMPLER",
                value: "parentbased_traceidratio",
                why: "follow the caller's sampling decision, else sample this ratio",
            },
            Setting {
                name: "OTEL_TRACES_SAMPLER_ARG",
                value: "1.0",
                why: "every trace: lower it under load",
            },
        ],
        memory_mib: 256,
        cpu_millis: 100,
        memory_note: "a Rust service has no heap to size: 256Mi covers the runtime, the \
            connection pools and request buffers with room to spare",
    },
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
