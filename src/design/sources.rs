//! Where `design`'s settings come from before they are checked: the LLM flags (`LlmArgs`), the
//! `[llm]` table of `msaforge.toml` (`FileSettings`) and the environment (`Env`). Raw input only:
//! `settings::resolve` merges and checks it; nothing here knows a preset or holds a secret.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

use super::error::DesignError;
use super::provider::{FormatMode, Provider};

/// The LLM flags shared by `design` and `new`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "LLM endpoint")]
pub struct LlmArgs {
    /// Endpoint preset: sets the default base URL, request shape, timeouts and context window.
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
    /// Most tokens per answer (default 8192; local presets lower it so prompt and answer fit
    /// the --context window).
    #[arg(long)]
    pub max_tokens: Option<u32>,
    /// The server's context window in tokens (default 16384 for local presets, none for hosted
    /// ones); each request's max_tokens is sized so prompt and answer fit in it.
    #[arg(long, value_name = "TOKENS")]
    pub context: Option<u32>,
    /// Longest silence, in seconds, before the first or the next piece of a streamed answer
    /// (default 600 for local presets, 120 for hosted ones).
    #[arg(long, value_name = "SECONDS")]
    pub idle_timeout: Option<u64>,
    /// Longest one answer may take in all, in seconds, retries included (default 3600).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Most rounds of answer and repair (default 3).
    #[arg(long)]
    pub rounds: Option<u32>,
    /// How to ask for JSON (default: from the provider).
    #[arg(long, value_enum)]
    pub format_mode: Option<FormatMode>,
    /// Wait for whole answers instead of streaming them (streaming is the default; a server that
    /// ignores it is detected and answered whole).
    #[arg(long)]
    pub no_stream: bool,
    /// Send the instructions in the first user message instead of a system message (for chat
    /// templates without a system role; the llamacpp preset always does).
    #[arg(long)]
    pub fold_system: bool,
    /// PEM bundle of extra CA certificates for an on-premises endpoint with a private CA (added
    /// to the system store; also MSAFORGE_LLM_CA_CERT).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Name of another environment variable whose value is a secret: it is redacted from
    /// everything design writes or prints, like the API key. Repeatable.
    #[arg(long, value_name = "VAR")]
    pub redact_env: Vec<String>,
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
    pub context: Option<u32>,
    pub idle_timeout: Option<u64>,
    pub timeout: Option<u64>,
    pub rounds: Option<u32>,
    pub format_mode: Option<FormatMode>,
    pub fold_system: Option<bool>,
    pub stream: Option<bool>,
    pub ca_cert: Option<PathBuf>,
    pub redact_env: Option<Vec<String>>,
    /// Azure only: the `api-version` query parameter.
    pub api_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct FileRoot {
    #[serde(default)]
    llm: FileSettings,
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

#[cfg(test)]
mod tests {
    use super::*;

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
