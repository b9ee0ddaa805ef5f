//! The stacks msaforge generates services in, one module each behind one table, [`StackDef`]: what
//! a stack adds to the view of its contexts, the names its generated code cannot carry, how its
//! services are built and started, and where its templates live.
//!
//! A stack is mostly data (names, word lists, a folder, commands) with a few functions, so it is a
//! struct of data and `fn` pointers rather than a trait: each stack's whole description is one
//! `static` literal that reads top to bottom, and the registry is a `match` the compiler keeps
//! complete. Nothing here renders, writes or builds findings: `generate` and `check` call in.

pub mod common;
pub mod sql;
#[cfg(test)]
mod testing;

use crate::lang::Lang;
use crate::spec::model::Stack;
use crate::spec::{Path, Spec};

/// Everything msaforge knows about one stack.
#[derive(Debug)]
pub struct StackDef {
    pub stack: Stack,
    /// What its services are called in prose: "Spring Boot services".
    pub title: &'static str,
    /// The folder under `templates/` with the stack's templates and its `manifest.yaml` fragment.
    pub templates: &'static str,
    /// The key of the stack's own view in each of its contexts: `ctx.rust`, `ctx.java`.
    pub view_key: &'static str,
    /// The stack's view of context `i` of the spec.
    pub view: fn(&Spec, usize) -> minijinja::Value,
    /// Whether a name is a reserved word of the stack's language: no identifier may be one.
    pub is_keyword: fn(&str) -> bool,
    /// How the stack's generated code spells a spec name of some kind.
    pub spell: fn(NameKind, &str) -> String,
    /// Names of the spec the stack's generated code cannot carry (`check` reports them as MSA011).
    pub clashes: fn(&Spec, Lang) -> Vec<Clash>,
    pub build: Build,
    /// What the generated README says the build produces; `mixed` when other stacks are in the
    /// system too.
    pub build_note: fn(mixed: bool) -> String,
    /// The command line that starts a built service (named by its context) from the output
    /// directory, after its environment variables.
    pub run: fn(&str) -> String,
    /// The variable the stack's framework reads the OTLP traces endpoint from, when that is not
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub tracing_env: Option<TracingEnv>,
    /// How its services' migration tool names the files of `services/<ctx>/migrations/`.
    pub migrations: crate::migrate::Naming,
    /// What its services read and need in a Kubernetes pod beyond the shared settings.
    pub runtime: Runtime,
}

/// A stack's own settings in Kubernetes (the ConfigMap next to each of its services) and the
/// resources of one of its containers. The OTLP endpoint is not here: it is
/// `OTEL_EXPORTER_OTLP_ENDPOINT` unless the stack has a [`TracingEnv`].
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Runtime {
    /// Variables only this stack's services read, with their values.
    pub env: &'static [Setting],
    /// Memory of one container in MiB, requested and limited alike: the pod gets what it may use,
    /// so the scheduler never overcommits it and the kernel never OOM-kills it for using it.
    pub memory_mib: u32,
    /// CPU requested in millicores (the limit is one core).
    pub cpu_millis: u32,
    /// How the memory is spent, for the generated deploy/k8s/README.md.
    pub memory_note: &'static str,
}

/// One environment variable a stack reads, its value and why it is set.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Setting {
    pub name: &'static str,
    pub value: &'static str,
    pub why: &'static str,
}

/// How a stack's services are built from the output directory.
#[derive(Debug, Clone, Copy)]
pub enum Build {
    /// One command builds every service of the stack (a Cargo workspace: `cargo build`).
    Together(&'static str),
    /// Each service builds on its own, with this command for the named context.
    EachService(fn(&str) -> String),
}

/// See [`StackDef::tracing_env`].
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct TracingEnv {
    pub name: &'static str,
    /// Why, for a comment beside it.
    pub why: &'static str,
}

/// The kinds of spec names whose spelling in generated code differs between stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Fields, operations and path parameters.
    Member,
    /// Values of an enum.
    EnumValue,
}

/// A name a stack's generated code cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub path: Path,
    pub message: String,
    pub help: String,
}

impl Clash {
    pub fn new(path: Path, message: String, help: String) -> Self {
        Clash {
            path,
            message,
            help,
        }
    }
}

/// Declares each stack's module and maps its variant of [`Stack`] to the module's `STACK`, in an
/// exhaustive `match`: a variant without a line here does not compile.
macro_rules! registry {
    ($($module:ident => $variant:ident,)+) => {
        $(pub mod $module;)+

        /// What msaforge knows about a stack.
        pub fn of(stack: Stack) -> &'static StackDef {
            match stack {
                $(Stack::$variant => &$module::STACK,)+
            }
        }
    };
}

// The registry: one line per stack, the only line a new stack adds outside its own files (and its
// variant of `Stack`).
registry! {
    rust_axum => RustAxum,
    spring_boot => SpringBoot,
}

/// Every stack, in [`Stack::ALL`] order.
pub fn all() -> impl DoubleEndedIterator<Item = &'static StackDef> {
    Stack::ALL.iter().map(|&s| of(s))
}

/// The stacks the spec's contexts use, in [`Stack::ALL`] order.
pub fn used(spec: &Spec) -> impl Iterator<Item = &'static StackDef> {
    all().filter(|d| spec.contexts.iter().any(|c| c.stack == d.stack))
}

/// A reserved word in the language of some stack: no spec name may be one, so that a context can
/// move to another stack without renaming.
pub fn is_keyword(name: &str) -> bool {
    all().any(|d| (d.is_keyword)(name))
}

/// The command that builds the whole system from the output directory, when there is one: every
/// context is of one stack that builds its services together (`cargo build`). `generate` suggests
/// it as the next step.
pub fn build_command(spec: &Spec) -> Option<&'static str> {
    let mut used = used(spec);
    match (used.next(), used.next()) {
        (Some(def), None) => match def.build {
            Build::Together(command) => Some(command),
            Build::EachService(_) => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stack_of_the_format_is_registered_once() {
        let schema = crate::spec::json_schema();
        let names: Vec<&str> = schema["$defs"]["Stack"]["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["const"].as_str())
            .collect();
        let registered: Vec<&str> = all().map(|d| d.stack.as_str()).collect();
        assert!(!names.is_empty(), "{schema}");
        assert_eq!(names, registered);
        for &s in Stack::ALL {
            assert_eq!(of(s).stack, s);
        }
        let folders: std::collections::BTreeSet<&str> = all().map(|d| d.templates).collect();
        let keys: std::collections::BTreeSet<&str> = all().map(|d| d.view_key).collect();
        assert_eq!(folders.len(), Stack::ALL.len());
        assert_eq!(keys.len(), Stack::ALL.len());
    }
}
