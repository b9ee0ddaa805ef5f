//! The template set: the manifest of files to produce, the minijinja environment that renders them,
//! and the loader that looks in the user's `--templates DIR` first and in the embedded set second.
//!
//! Rendering only; deciding what to write and writing it is `generate::write`'s job.

use std::path::PathBuf;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, syntax::SyntaxConfig};
use serde::Deserialize;

use super::GenerateError;
pub use crate::plan::Policy;

/// The templates shipped in the binary.
#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct Embedded;

/// Where a template's text comes from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// A directory whose files replace embedded templates of the same name.
    pub overrides: Option<PathBuf>,
}

impl Source {
    /// The text of a template, from the override directory or the embedded set.
    pub fn read(&self, name: &str) -> Result<Option<String>, GenerateError> {
        if name.split('/').any(|s| s == ".." || s.is_empty()) || name.starts_with('/') {
            return Ok(None);
        }
        if let Some(dir) = &self.overrides {
            let path = dir.join(name);
            if path.is_file() {
                return std::fs::read_to_string(&path).map(Some).map_err(|source| {
                    GenerateError::ReadTemplate {
                        path: path.display().to_string(),
                        source,
                    }
                });
            }
        }
        Ok(Embedded::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned()))
    }

    /// `sha256:` of the whole template set as this source sees it: every embedded template and
    /// every override file, by name, the override winning. Recorded in the lock, so a plan can
    /// tell that the templates changed.
    pub fn hash(&self) -> Result<String, GenerateError> {
        let mut names: std::collections::BTreeSet<String> =
            Embedded::iter().map(std::borrow::Cow::into_owned).collect();
        if let Some(dir) = &self.overrides {
            for entry in walkdir::WalkDir::new(dir).follow_links(false) {
                let entry = entry.map_err(|e| GenerateError::ReadTemplate {
                    path: dir.display().to_string(),
                    source: e.into(),
                })?;
                if entry.file_type().is_file()
                    && let Ok(rel) = entry.path().strip_prefix(dir)
                {
                    names.insert(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut all = Vec::new();
        for name in names {
            let text = self.read(&name)?.unwrap_or_default();
            all.extend_from_slice(name.as_bytes());
            all.push(0);
            all.extend_from_slice(text.len().to_string().as_bytes());
            all.push(0);
            all.extend_from_slice(text.as_bytes());
        }
        Ok(crate::digest::hash(&all))
    }
}

/// Which contexts a per-context entry applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Each {
    System,
    Context,
}

/// One line of the manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub template: String,
    /// Output path, itself a template (`services/{{ ctx.name }}/Cargo.toml`).
    pub path: String,
    #[serde(default = "system")]
    pub each: Each,
    /// Only for contexts of this stack; a system entry only when some context is of it. Implied
    /// by a stack's own manifest fragment.
    #[serde(default)]
    pub stack: Option<String>,
    /// Only for contexts where this expression is true (`ctx.calls`).
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub policy: Policy,
}

fn system() -> Each {
    Each::System
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub files: Vec<Entry>,
}

impl Manifest {
    /// The stack-neutral `manifest.yaml` followed by each stack's fragment,
    /// `<stack folder>/manifest.yaml`, whose entries are for that stack only.
    pub fn load(source: &Source) -> Result<Self, GenerateError> {
        let mut manifest = Self::parse(
            "manifest.yaml",
            &source
                .read("manifest.yaml")?
                .ok_or(GenerateError::NoManifest)?,
        )?;
        for def in crate::stack::all() {
            let name = format!("{}/manifest.yaml", def.templates);
            let Some(text) = source.read(&name)? else {
                continue;
            };
            for mut entry in Self::parse(&name, &text)?.files {
                let stack = def.stack.as_str();
                if entry.stack.get_or_insert_with(|| stack.to_owned()) != stack {
                    return Err(GenerateError::Manifest(format!(
                        "{name}: {} is for stack {stack} only",
                        entry.template
                    )));
                }
                manifest.files.push(entry);
            }
        }
        Ok(manifest)
    }

    /// Errors in a stack's fragment name the fragment (the message already names `manifest.yaml`).
    fn parse(name: &str, text: &str) -> Result<Self, GenerateError> {
        let here = if name == "manifest.yaml" {
            String::new()
        } else {
            format!("{name}: ")
        };
        let value = crate::spec::load::parse(text)
            .map_err(|e| GenerateError::Manifest(format!("{here}{e}")))?;
        serde_path_to_error::deserialize(value)
            .map_err(|e| GenerateError::Manifest(format!("{here}{}: {}", e.path(), e.inner())))
    }
}

/// The settings every msaforge template shares (generated files and LLM prompts alike): strict
/// about undefined values, no HTML escaping, Jinja whitespace control, trailing newlines kept.
pub fn strict_environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()?;
    env.set_syntax(syntax);
    Ok(env)
}

/// The rendering environment of the template set: `strict_environment`, the loader, and the
/// filters templates need to spell names and quote strings.
pub fn environment(source: Source) -> Result<Environment<'static>, GenerateError> {
    let mut env = strict_environment().map_err(|e| GenerateError::Render {
        template: "<syntax>".into(),
        detail: e.to_string(),
    })?;
    env.set_loader(move |name| {
        source.read(name).map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::TemplateNotFound, e.to_string())
        })
    });
    env.add_filter("snake", |s: &str| heck::ToSnakeCase::to_snake_case(s));
    env.add_filter("kebab", |s: &str| heck::ToKebabCase::to_kebab_case(s));
    env.add_filter("pascal", |s: &str| {
        heck::ToUpperCamelCase::to_upper_camel_case(s)
    });
    env.add_filter("camel", |s: &str| {
        heck::ToLowerCamelCase::to_lower_camel_case(s)
    });
    env.add_filter("shouty", |s: &str| {
        heck::ToShoutySnakeCase::to_shouty_snake_case(s)
    });
    // A JSON string literal: also a valid YAML double-quoted scalar and TOML basic string.
    env.add_filter("quote", |s: &str| {
        serde_json::to_string(s).unwrap_or_default()
    });
    Ok(env)
}
