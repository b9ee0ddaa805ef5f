//! Where `design` gets its LLM settings: flags, then environment, then `msaforge.toml`, then the
//! provider preset. Owns the presets and the checked `Settings`; it never prints the API key
//! (`Settings`'s `Debug` redacts it) and never talks to the network.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Deserialize;

use super::error::DesignError;

/// A known kind of endpoint: sets the default base URL and the structured-output request shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// api.openai.com, or any endpoint that speaks OpenAI's `json_schema` strict mode.
    Openai,
    /// An Azure OpenAI deployment (`--base-url https://NAME.openai.azure.com`, `--model DEPLOYMENT`).
    Azure,
    /// A local Ollama (`http://localhost:11434/v1`).
    Ollama,
    /// A vLLM server (`http://localhost:8000/v1`).
    Vllm,
    /// llama-cpp-python's or llama.cpp's server (`http://127.0.0.1:8080/v1`).
    Llamacpp,
}

/// How the request asks for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatMode {
    /// `response_format: {type: json_schema, json_schema: {strict: true, schema}}` (OpenAI, vLLM, Ollama).
    JsonSchema,
    /// `response_format: {type: json_object, schema}` (llama-cpp-python's server).
    JsonObject,
    /// No `response_format`: the schema goes into the prompt only.
    Prompt,
}

impl FormatMode {
    pub fn as_str(self) -> &'static str {
        match self {
            FormatMode::JsonSchema => "json-schema",
            FormatMode::JsonObject => "json-object",
            FormatMode::Prompt => "prompt",
        }
    }
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Openai => "openai",
            Provider::Azure => "azure",
            Provider::Ollama => "ollama",
            Provider::Vllm => "vllm",
            Provider::Llamacpp => "llamacpp",
        }
    }

    fn default_base_url(self) -> Option<&'static str> {
        match self {
            Provider::Openai => Some("https://api.openai.com/v1"),
            Provider::Azure => None,
            Provider::Ollama => Some("http://localhost:11434/v1"),
            Provider::Vllm => Some("http://localhost:8000/v1"),
            Provider::Llamacpp => Some("http://127.0.0.1:8080/v1"),
        }
    }

    fn default_format(self) -> FormatMode {
        match self {
            Provider::Llamacpp => FormatMode::JsonObject,
            _ => FormatMode::JsonSchema,
        }
    }

    /// Hosted providers refuse requests without a key; local servers ignore it.
    pub fn needs_key(self) -> bool {
        matches!(self, Provider::Openai | Provider::Azure)
    }

    /// Chat templates of small local models often have no system role (Gemma's drops it, some
    /// Mistral templates reject it): llama.cpp servers get the instructions in the first user turn.
    fn fold_system(self) -> bool {
        matches!(self, Provider::Llamacpp)
    }

    /// Ollama does not put the schema into the prompt itself (design notes, section 2).
    fn schema_in_prompt(self) -> bool {
        matches!(self, Provider::Ollama)
    }
}

/// The LLM flags shared by `design` and `new`.
#[derive(Debug, Clone, Default, Args)]
pub struct LlmArgs {
    /// Endpoint preset: sets the default base URL and request shape.
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,
    /// Base URL of the OpenAI-compatible API, for example `http://127.0.0.1:8080/v1`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model name (the deployment name on Azure).
    #[arg(long)]
    pub model: Option<String>,
    /// Name of the environment variable that holds the API key (default MSAFORGE_LLM_API_KEY,
    /// then OPENAI_API_KEY). The key itself is never taken on the command line.
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// Sampling temperature (default 0).
    #[arg(long)]
    pub temperature: Option<f32>,
    /// Most tokens per answer (default 8192).
    #[arg(long)]
    pub max_tokens: Option<u32>,
    /// Seconds to wait for one answer (default 300).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Most rounds of answer and repair (default 3).
    #[arg(long)]
    pub rounds: Option<u32>,
    /// How to ask for JSON (default: from the provider).
    #[arg(long, value_enum)]
    pub format_mode: Option<FormatMode>,
    /// Stream the answer (the spinner then counts tokens as they arrive).
    #[arg(long)]
    pub stream: bool,
    /// Send the instructions in the first user message instead of a system message (for chat
    /// templates without a system role; the llamacpp preset always does).
    #[arg(long)]
    pub fold_system: bool,
    /// Settings file (default: ./msaforge.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The `[llm]` table of `msaforge.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub provider: Option<Provider>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub api_key_env: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub timeout: Option<u64>,
    pub rounds: Option<u32>,
    pub format_mode: Option<FormatMode>,
    pub fold_system: Option<bool>,
    pub stream: Option<bool>,
    /// Azure only: the `api-version` query parameter.
    pub api_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct FileRoot {
    #[serde(default)]
    llm: FileSettings,
}

/// The API key: shown as `[redacted]` by `Debug`, reachable only through `expose`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> Self {
        ApiKey(key)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("[none]")
        } else {
            f.write_str("[redacted]")
        }
    }
}

/// Checked settings of one design run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub provider: Provider,
    pub base_url: String,
    pub model: String,
    pub api_key: ApiKey,
    pub temperature: f32,
    pub max_tokens: u32,
    pub timeout: Duration,
    pub rounds: u32,
    pub format_mode: FormatMode,
    pub schema_in_prompt: bool,
    /// Instructions go into the first user message (no system message).
    pub fold_system: bool,
    /// Ask for server-sent events and put the answer together from the chunks.
    pub stream: bool,
    pub api_version: String,
}

/// Reads the environment through a function, so tests can resolve settings without touching it.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, ignoring empty values.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Reads `msaforge.toml`: the given file, or `./msaforge.toml` when it exists.
pub fn read_file(path: Option<&Path>) -> Result<FileSettings, DesignError> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from("msaforge.toml"), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FileSettings::default());
        }
        Err(source) => {
            return Err(DesignError::ReadSettings {
                path: path.display().to_string(),
                detail: source.to_string(),
            });
        }
    };
    let root: FileRoot = toml::from_str(&text).map_err(|e| DesignError::ReadSettings {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    Ok(root.llm)
}

/// Merges flags, environment and file into checked settings. Precedence: flag, environment, file,
/// preset.
pub fn resolve(args: &LlmArgs, file: &FileSettings, env: Env<'_>) -> Result<Settings, DesignError> {
    let chosen = args.provider.or(file.provider);
    let provider = chosen.unwrap_or(Provider::Openai);
    // OPENAI_BASE_URL belongs to OpenAI-style setups: a chosen local preset wins over it.
    let openai_base =
        || env("OPENAI_BASE_URL").filter(|_| chosen.is_none_or(|p| p == Provider::Openai));
    let base_url = args
        .base_url
        .clone()
        .or_else(|| env("MSAFORGE_LLM_BASE_URL"))
        .or_else(|| file.base_url.clone())
        .or_else(openai_base)
        .or_else(|| provider.default_base_url().map(str::to_owned));
    let model = args
        .model
        .clone()
        .or_else(|| env("MSAFORGE_LLM_MODEL"))
        .or_else(|| file.model.clone());
    let (Some(base_url), Some(model)) = (base_url, model) else {
        return Err(DesignError::NotConfigured);
    };
    let host = base_url
        .strip_prefix("http://")
        .or_else(|| base_url.strip_prefix("https://"));
    if host.is_none_or(|h| h.trim_start_matches('/').is_empty()) {
        return Err(DesignError::BadSetting(format!(
            "the base URL `{base_url}` must be an http:// or https:// URL, like http://127.0.0.1:8080/v1"
        )));
    }
    let key_var = args
        .api_key_env
        .clone()
        .or_else(|| file.api_key_env.clone());
    let api_key = match &key_var {
        Some(var) => env(var),
        None => env("MSAFORGE_LLM_API_KEY").or_else(|| env("OPENAI_API_KEY")),
    }
    .map(ApiKey::new)
    .unwrap_or_default();
    if provider.needs_key() && api_key.is_empty() {
        return Err(DesignError::MissingKey {
            provider: provider.as_str(),
            var: key_var.unwrap_or_else(|| "MSAFORGE_LLM_API_KEY".into()),
        });
    }
    let rounds = args.rounds.or(file.rounds).unwrap_or(3);
    if rounds == 0 {
        return Err(DesignError::BadSetting(
            "--rounds must be at least 1".into(),
        ));
    }
    let timeout = args.timeout.or(file.timeout).unwrap_or(300);
    if timeout == 0 {
        return Err(DesignError::BadSetting(
            "--timeout must be at least 1 second".into(),
        ));
    }
    Ok(Settings {
        provider,
        base_url: base_url.trim_end_matches('/').to_owned(),
        model,
        api_key,
        temperature: args.temperature.or(file.temperature).unwrap_or(0.0),
        max_tokens: args.max_tokens.or(file.max_tokens).unwrap_or(8192),
        timeout: Duration::from_secs(timeout),
        rounds,
        format_mode: args
            .format_mode
            .or(file.format_mode)
            .unwrap_or_else(|| provider.default_format()),
        schema_in_prompt: provider.schema_in_prompt(),
        stream: args.stream || file.stream.unwrap_or(false),
        fold_system: args.fold_system || file.fold_system.unwrap_or_else(|| provider.fold_system()),
        api_version: file
            .api_version
            .clone()
            .unwrap_or_else(|| "2024-10-21".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let env = env_of(&[("OPENAI_API_KEY", "sk-very-secret-123")]);
        let args = LlmArgs {
            model: Some("gpt-x".into()),
            ..LlmArgs::default()
        };
        let settings = resolve(&args, &FileSettings::default(), &env).expect("resolves");
        assert_eq!(settings.api_key.expose(), "sk-very-secret-123");
        let shown = format!("{settings:?} {settings:#?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_preset() {
        let env = env_of(&[
            ("MSAFORGE_LLM_MODEL", "env-model"),
            ("MSAFORGE_LLM_BASE_URL", "http://env/v1/"),
        ]);
        let file = FileSettings {
            provider: Some(Provider::Llamacpp),
            model: Some("file-model".into()),
            rounds: Some(5),
            ..FileSettings::default()
        };
        let s = resolve(&LlmArgs::default(), &file, &env).expect("resolves");
        assert_eq!(
            (s.model.as_str(), s.base_url.as_str(), s.rounds),
            ("env-model", "http://env/v1", 5)
        );
        assert_eq!(s.format_mode, FormatMode::JsonObject);
        let args = LlmArgs {
            model: Some("flag-model".into()),
            format_mode: Some(FormatMode::Prompt),
            ..LlmArgs::default()
        };
        let s = resolve(&args, &file, &env).expect("resolves");
        assert_eq!(s.model, "flag-model");
        assert_eq!(s.format_mode, FormatMode::Prompt);
        let s = resolve(&args, &file, &env_of(&[])).expect("resolves");
        assert_eq!(s.base_url, "http://127.0.0.1:8080/v1");
        let openai_env = env_of(&[("OPENAI_BASE_URL", "https://proxy/v1")]);
        let s = resolve(&args, &file, &openai_env).expect("resolves");
        assert_eq!(
            s.base_url, "http://127.0.0.1:8080/v1",
            "the llamacpp preset wins"
        );
        let s = resolve(&args, &FileSettings::default(), &openai_env);
        assert!(matches!(s, Err(DesignError::MissingKey { .. })));
    }

    #[test]
    fn no_model_means_not_configured_and_hosted_needs_a_key() {
        let none = env_of(&[]);
        assert!(matches!(
            resolve(&LlmArgs::default(), &FileSettings::default(), &none),
            Err(DesignError::NotConfigured)
        ));
        let args = LlmArgs {
            model: Some("gpt-x".into()),
            ..LlmArgs::default()
        };
        assert!(matches!(
            resolve(&args, &FileSettings::default(), &none),
            Err(DesignError::MissingKey { .. })
        ));
        let local = LlmArgs {
            provider: Some(Provider::Ollama),
            ..args
        };
        assert!(resolve(&local, &FileSettings::default(), &none).is_ok());
        for bad in ["not a url", "127.0.0.1:8080/v1", "http://", "ftp://host/v1"] {
            let args = LlmArgs {
                base_url: Some(bad.into()),
                ..local.clone()
            };
            let s = resolve(&args, &FileSettings::default(), &none);
            assert!(matches!(s, Err(DesignError::BadSetting(_))), "{bad}");
        }
    }

    #[test]
    fn settings_file_is_toml() {
        let root: FileRoot = toml::from_str(
            "[llm]\nprovider = \"vllm\"\nmodel = \"qwen\"\nformat_mode = \"prompt\"\nmax_tokens = 512\n",
        )
        .expect("parses");
        assert_eq!(root.llm.provider, Some(Provider::Vllm));
        assert_eq!(root.llm.format_mode, Some(FormatMode::Prompt));
        assert!(toml::from_str::<FileRoot>("[llm]\napi_key = \"x\"\n").is_err());
    }
}
