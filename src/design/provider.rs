//! The provider presets: what each kind of endpoint gets by default (base URL, request shape,
//! timeouts, context window). Pure data; `settings` merges it under the user's own settings.

use std::time::Duration;

use clap::ValueEnum;
use serde::Deserialize;

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

/// The context window assumed for local servers: what the README tells users to start them with
/// (`--n_ctx 16384`, `OLLAMA_CONTEXT_LENGTH=16384`, `--max-model-len 16384`).
pub const LOCAL_CONTEXT: u32 = 16_384;

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

    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Provider::Openai => Some("https://api.openai.com/v1"),
            Provider::Azure => None,
            Provider::Ollama => Some("http://localhost:11434/v1"),
            Provider::Vllm => Some("http://localhost:8000/v1"),
            Provider::Llamacpp => Some("http://127.0.0.1:8080/v1"),
        }
    }

    pub fn default_format(self) -> FormatMode {
        match self {
            Provider::Llamacpp => FormatMode::JsonObject,
            _ => FormatMode::JsonSchema,
        }
    }

    /// Hosted providers refuse requests without a key; local servers ignore it.
    pub fn needs_key(self) -> bool {
        matches!(self, Provider::Openai | Provider::Azure)
    }

    /// A server on the user's own machine or network, often a CPU.
    pub fn is_local(self) -> bool {
        !self.needs_key()
    }

    /// Chat templates of small local models often have no system role (Gemma's drops it, some
    /// Mistral templates reject it): llama.cpp servers get the instructions in the first user turn.
    pub fn fold_system(self) -> bool {
        matches!(self, Provider::Llamacpp)
    }

    /// Ollama does not put the schema into the prompt itself (design notes, section 2).
    pub fn schema_in_prompt(self) -> bool {
        matches!(self, Provider::Ollama)
    }

    /// The longest silence between two pieces of a streamed answer (and before the first one).
    /// A CPU model reads a full design prompt for minutes before its first token.
    pub fn idle_timeout(self) -> Duration {
        Duration::from_secs(if self.is_local() { 600 } else { 120 })
    }

    /// The context window to size `max_tokens` against; hosted models have room to spare.
    pub fn context(self) -> Option<u32> {
        self.is_local().then_some(LOCAL_CONTEXT)
    }
}

/// The longest one answer may take, however it arrives (retries and their waits included).
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(3600);
