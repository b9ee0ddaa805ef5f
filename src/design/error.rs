//! Everything that stops `design` before it has a spec to judge: settings, the endpoint, the
//! transport. A spec that never passes `check` is not an error here but an `Outcome::Rejected`.
//! Messages name the setting to change; none of them contains the API key.

use miette::Diagnostic;
use thiserror::Error;

/// How to configure an endpoint; printed whenever no model is known.
pub const HOW_TO_CONFIGURE: &str = "\
set a model and, if needed, a base URL and key, in one of these ways:
  flags:        msaforge design BRIEF -o SPEC --provider llamacpp --base-url http://127.0.0.1:8080/v1 --model gemma
  environment:  MSAFORGE_LLM_BASE_URL, MSAFORGE_LLM_MODEL, MSAFORGE_LLM_API_KEY (or OPENAI_BASE_URL, OPENAI_API_KEY)
  msaforge.toml in the current directory:
                [llm]
                provider = \"ollama\"        # openai, azure, ollama, vllm, llamacpp
                model = \"qwen2.5:7b\"
a local server works without a key and without internet, for example:
  pip install 'llama-cpp-python[server]'
  python -m llama_cpp.server --model MODEL.gguf --port 8080 --n_ctx 16384
  msaforge design BRIEF -o SPEC --provider llamacpp --model MODEL";

#[derive(Debug, Error, Diagnostic)]
pub enum DesignError {
    #[error("no LLM is configured")]
    #[diagnostic(
        code(msaforge::llm::not_configured),
        help("configure one as shown above, then run the command again")
    )]
    NotConfigured,
    #[error("the {provider} provider needs an API key and ${var} is not set")]
    #[diagnostic(
        code(msaforge::llm::key),
        help(
            "export {var}=... (the key is read from the environment only, never from flags or files), or use a local server with --provider llamacpp, ollama or vllm"
        )
    )]
    MissingKey { provider: &'static str, var: String },
    #[error("invalid LLM setting: {0}")]
    #[diagnostic(code(msaforge::usage))]
    BadSetting(String),
    #[error("cannot read the settings file {path}: {detail}")]
    #[diagnostic(
        code(msaforge::usage),
        help(
            "msaforge.toml takes an [llm] table with provider, base_url, model, api_key_env, temperature, max_tokens, timeout, rounds, format_mode, fold_system, stream, api_version"
        )
    )]
    ReadSettings { path: String, detail: String },
    #[error("the LLM endpoint refused the API key (HTTP {status}): {detail}")]
    #[diagnostic(
        code(msaforge::llm::unauthorized),
        help(
            "check the key in MSAFORGE_LLM_API_KEY (or OPENAI_API_KEY, or the variable named by --api-key-env) and that it belongs to this endpoint"
        )
    )]
    Unauthorized { status: u16, detail: String },
    #[error("the LLM endpoint does not know model `{model}` (HTTP 404): {detail}")]
    #[diagnostic(
        code(msaforge::llm::model),
        help(
            "check --model (on Azure: the deployment name) and --base-url (it usually ends in /v1); `curl BASE_URL/models` lists the models a server has"
        )
    )]
    ModelNotFound { model: String, detail: String },
    #[error("the LLM endpoint kept failing (HTTP {status}) after {attempts} attempts: {detail}")]
    #[diagnostic(
        code(msaforge::llm::unavailable),
        help(
            "the server is overloaded or rate-limited; wait and try again, or use another endpoint"
        )
    )]
    GaveUp {
        status: u16,
        attempts: u32,
        detail: String,
    },
    #[error("the LLM endpoint answered HTTP {status}: {detail}")]
    #[diagnostic(code(msaforge::llm::http))]
    Http { status: u16, detail: String },
    #[error("no answer from the LLM within {seconds} s")]
    #[diagnostic(
        code(msaforge::llm::timeout),
        help(
            "raise --timeout, lower --max-tokens, or use a faster model; small local models on a CPU need minutes for a full spec"
        )
    )]
    Timeout { seconds: u64 },
    #[error("cannot reach the LLM endpoint at {url}: {detail}")]
    #[diagnostic(
        code(msaforge::llm::unreachable),
        help("check --base-url and that the server is running (`curl {url}/models`)")
    )]
    Unreachable { url: String, detail: String },
    #[error("the model refused to answer: {0}")]
    #[diagnostic(
        code(msaforge::llm::refusal),
        help("rephrase the brief as a description of the system to build")
    )]
    Refused(String),
    #[error("the LLM endpoint sent something that is not a chat completion: {0}")]
    #[diagnostic(
        code(msaforge::llm::protocol),
        help("check that --base-url points at an OpenAI-compatible API (usually ending in /v1)")
    )]
    Protocol(String),
    #[error("cannot read the brief {path}: {detail}")]
    #[diagnostic(code(msaforge::io))]
    ReadBrief { path: String, detail: String },
    #[error("the brief is empty")]
    #[diagnostic(
        code(msaforge::usage),
        help("write what the system must do, in a few paragraphs, Korean or English")
    )]
    EmptyBrief,
    #[error("cannot write {path}: {detail}")]
    #[diagnostic(code(msaforge::io))]
    Write { path: String, detail: String },
    #[error("{path} exists")]
    #[diagnostic(
        code(msaforge::refused),
        help("pass --force to replace it, or choose another output path")
    )]
    Exists { path: String },
    #[error("a prompt template failed: {0}")]
    #[diagnostic(code(msaforge::prompts))]
    Prompt(String),
}

/// Usage, refusal to overwrite, or a failed LLM endpoint.
impl crate::exit::ExitCode for DesignError {
    fn exit_code(&self) -> i32 {
        match self {
            DesignError::BadSetting(_)
            | DesignError::ReadSettings { .. }
            | DesignError::ReadBrief { .. }
            | DesignError::EmptyBrief
            | DesignError::Write { .. }
            | DesignError::Prompt(_) => crate::exit::USAGE,
            DesignError::Exists { .. } => crate::exit::REFUSED,
            DesignError::NotConfigured
            | DesignError::MissingKey { .. }
            | DesignError::Unauthorized { .. }
            | DesignError::ModelNotFound { .. }
            | DesignError::GaveUp { .. }
            | DesignError::Http { .. }
            | DesignError::Timeout { .. }
            | DesignError::Unreachable { .. }
            | DesignError::Refused(_)
            | DesignError::Protocol(_) => crate::exit::LLM_FAILED,
        }
    }
}
