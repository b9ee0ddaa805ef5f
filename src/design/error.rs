//! Everything that stops `design` before it has a spec to judge: settings, the endpoint, the
//! transport, a signal. A spec that never passes `check` is not an error here but a rejected
//! attempt. Messages name the setting to change, in English (`Display`) or Korean (`korean`);
//! none of them contains the API key (details from the server are redacted before they get here).

use miette::Diagnostic;
use thiserror::Error;

use crate::lang::Lang;

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

/// The same in Korean.
pub const HOW_TO_CONFIGURE_KO: &str = "\
모델과, 필요하면 base URL과 키를 다음 중 한 가지로 설정하세요:
  플래그:       msaforge design BRIEF -o SPEC --provider llamacpp --base-url http://127.0.0.1:8080/v1 --model gemma
  환경 변수:    MSAFORGE_LLM_BASE_URL, MSAFORGE_LLM_MODEL, MSAFORGE_LLM_API_KEY (또는 OPENAI_BASE_URL, OPENAI_API_KEY)
  현재 디렉터리의 msaforge.toml:
                [llm]
                provider = \"ollama\"        # openai, azure, ollama, vllm, llamacpp
                model = \"qwen2.5:7b\"
로컬 서버는 키도 인터넷도 없이 동작합니다. 예:
  pip install 'llama-cpp-python[server]'
  python -m llama_cpp.server --model MODEL.gguf --port 8080 --n_ctx 16384
  msaforge design BRIEF -o SPEC --provider llamacpp --model MODEL";

const CONTEXT_HELP: &str = "raise the server's context window (llama.cpp: --n_ctx 16384 or more; vLLM: --max-model-len; Ollama: OLLAMA_CONTEXT_LENGTH) and tell msaforge with --context, or lower --max-tokens, or use fewer --rounds";

#[derive(Debug, Error, Diagnostic)]
pub enum DesignError {
    #[error("no LLM is configured")]
    #[diagnostic(
        code(msaforge::llm::not_configured),
        help("configure one as shown above, then run the command again")
    )]
    NotConfigured,
    #[error("the {provider} provider is set but no model is")]
    #[diagnostic(
        code(msaforge::llm::no_model),
        help(
            "pass --model NAME (or MSAFORGE_LLM_MODEL, or model in msaforge.toml); `ollama list` or `curl BASE_URL/models` shows the models a server has"
        )
    )]
    MissingModel { provider: &'static str },
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
    #[error("cannot use the CA bundle {path}: {detail}")]
    #[diagnostic(
        code(msaforge::usage),
        help("--ca-cert (or MSAFORGE_LLM_CA_CERT, or ca_cert) takes a file of PEM certificates")
    )]
    CaCert { path: String, detail: String },
    #[error("cannot read the settings file {path}: {detail}")]
    #[diagnostic(
        code(msaforge::usage),
        help(
            "msaforge.toml takes an [llm] table with provider, base_url, model, api_key_env, temperature, max_tokens, context, idle_timeout, timeout, rounds, format_mode, fold_system, stream, ca_cert, redact_env, api_version"
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
    #[error("rate limited by the LLM endpoint (HTTP 429) after {attempts} attempt(s): {detail}")]
    #[diagnostic(
        code(msaforge::llm::rate_limited),
        help(
            "wait a minute and run again, lower the request rate of other clients, or ask for a higher limit"
        )
    )]
    RateLimited { attempts: u32, detail: String },
    #[error(
        "rate limited by the LLM endpoint (HTTP 429): it asks to wait {seconds} s, longer than msaforge waits ({bound} s); {detail}"
    )]
    #[diagnostic(
        code(msaforge::llm::rate_limited),
        help("run again after that time, or use another endpoint")
    )]
    RateLimitedFor {
        seconds: u64,
        bound: u64,
        detail: String,
    },
    #[error(
        "the quota of this API key is exhausted (HTTP 429, insufficient_quota) after {attempts} attempt(s): {detail}"
    )]
    #[diagnostic(
        code(msaforge::llm::quota),
        help(
            "add credit or raise the quota in the provider's billing settings, or use another key or a local server; retrying does not help"
        )
    )]
    QuotaExhausted { attempts: u32, detail: String },
    #[error("the prompt and answer do not fit the model's context window: {detail}")]
    #[diagnostic(
        code(msaforge::llm::context),
        help("{CONTEXT_HELP} (now --max-tokens {max_tokens})")
    )]
    ContextLength { detail: String, max_tokens: u32 },
    #[error("the LLM endpoint kept failing (HTTP {status}) after {attempts} attempts: {detail}")]
    #[diagnostic(
        code(msaforge::llm::unavailable),
        help("the server is overloaded or down; wait and try again, or use another endpoint")
    )]
    GaveUp {
        status: u16,
        attempts: u32,
        detail: String,
    },
    #[error("the LLM endpoint answered HTTP {status}: {detail}")]
    #[diagnostic(code(msaforge::llm::http))]
    Http { status: u16, detail: String },
    #[error("the LLM sent nothing for {seconds} s")]
    #[diagnostic(
        code(msaforge::llm::timeout),
        help(
            "raise --idle-timeout (a CPU model reads a long prompt for minutes before its first token), or use a faster model; a server that cannot stream needs --no-stream"
        )
    )]
    IdleTimeout { seconds: u64 },
    #[error("the answer took longer than {seconds} s")]
    #[diagnostic(
        code(msaforge::llm::timeout),
        help("raise --timeout, lower --max-tokens, or use a faster model")
    )]
    Timeout { seconds: u64 },
    #[error("cannot reach the LLM endpoint at {url} ({attempts} attempt(s)): {detail}")]
    #[diagnostic(
        code(msaforge::llm::unreachable),
        help("check --base-url and that the server is running (`curl {url}/models`)")
    )]
    Unreachable {
        url: String,
        attempts: u32,
        detail: String,
    },
    #[error("the TLS connection to {url} failed: {detail}")]
    #[diagnostic(
        code(msaforge::llm::tls),
        help(
            "a server with a certificate from a private CA needs that CA: --ca-cert FILE (or MSAFORGE_LLM_CA_CERT, or ca_cert in msaforge.toml) adds a PEM bundle to the system store (/etc/ssl/certs, or SSL_CERT_FILE)"
        )
    )]
    Tls { url: String, detail: String },
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
    #[error("interrupted by {signal}")]
    #[diagnostic(code(msaforge::interrupted))]
    Interrupted { signal: &'static str },
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

impl DesignError {
    /// The message and the help in `lang`.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        match lang {
            Lang::En => (self.to_string(), self.help().map(|h| h.to_string())),
            Lang::Ko => self.korean(),
        }
    }

    /// The diagnostic code, for reports (`msaforge::llm::timeout`).
    pub fn code_name(&self) -> String {
        self.code().map(|c| c.to_string()).unwrap_or_default()
    }

    fn korean(&self) -> (String, Option<String>) {
        use DesignError as E;
        let (message, help): (String, Option<String>) = match self {
            E::NotConfigured => (
                "LLM이 설정되지 않았습니다".into(),
                Some("위와 같이 설정한 뒤 다시 실행하세요".into()),
            ),
            E::MissingModel { provider } => (
                format!("{provider} provider는 설정되었지만 모델이 없습니다"),
                Some("--model NAME (또는 MSAFORGE_LLM_MODEL, msaforge.toml의 model)을 지정하세요. 서버에 있는 모델은 `ollama list` 또는 `curl BASE_URL/models`로 볼 수 있습니다".into()),
            ),
            E::MissingKey { provider, var } => (
                format!("{provider} provider에는 API 키가 필요한데 ${var}가 설정되지 않았습니다"),
                Some(format!("export {var}=... 로 설정하세요 (키는 환경 변수에서만 읽고 플래그나 파일에서는 읽지 않습니다). 또는 --provider llamacpp, ollama, vllm로 로컬 서버를 쓰세요")),
            ),
            E::BadSetting(detail) => (format!("잘못된 LLM 설정: {detail}"), None),
            E::CaCert { path, detail } => (
                format!("CA 번들 {path}을(를) 쓸 수 없습니다: {detail}"),
                Some("--ca-cert (또는 MSAFORGE_LLM_CA_CERT, ca_cert)에는 PEM 인증서 파일을 지정합니다".into()),
            ),
            E::ReadSettings { path, detail } => (
                format!("설정 파일 {path}을(를) 읽을 수 없습니다: {detail}"),
                Some("msaforge.toml의 [llm] 표에는 provider, base_url, model, api_key_env, temperature, max_tokens, context, idle_timeout, timeout, rounds, format_mode, fold_system, stream, ca_cert, redact_env, api_version을 쓸 수 있습니다".into()),
            ),
            E::Unauthorized { status, detail } => (
                format!("LLM 엔드포인트가 API 키를 거부했습니다 (HTTP {status}): {detail}"),
                Some("MSAFORGE_LLM_API_KEY (또는 OPENAI_API_KEY, --api-key-env로 지정한 변수)의 키가 이 엔드포인트의 것인지 확인하세요".into()),
            ),
            E::ModelNotFound { model, detail } => (
                format!("LLM 엔드포인트에 모델 `{model}`이(가) 없습니다 (HTTP 404): {detail}"),
                Some("--model (Azure에서는 배포 이름)과 --base-url(보통 /v1로 끝남)을 확인하세요. `curl BASE_URL/models`로 모델 목록을 볼 수 있습니다".into()),
            ),
            E::RateLimited { attempts, detail } => (
                format!("LLM 엔드포인트의 요청 한도에 걸렸습니다 (HTTP 429, {attempts}회 시도): {detail}"),
                Some("잠시 뒤 다시 실행하거나, 다른 클라이언트의 요청을 줄이거나, 한도 상향을 요청하세요".into()),
            ),
            E::RateLimitedFor { seconds, bound, detail } => (
                format!("LLM 엔드포인트의 요청 한도에 걸렸습니다 (HTTP 429): {seconds}초 뒤에 다시 요청하라고 하는데, msaforge가 기다리는 한도({bound}초)보다 깁니다. {detail}"),
                Some("그 시간이 지난 뒤 다시 실행하거나 다른 엔드포인트를 쓰세요".into()),
            ),
            E::QuotaExhausted { attempts, detail } => (
                format!("이 API 키의 사용 한도(quota)가 소진되었습니다 (HTTP 429, insufficient_quota, {attempts}회 시도): {detail}"),
                Some("제공자의 결제 설정에서 크레딧이나 한도를 늘리거나, 다른 키 또는 로컬 서버를 쓰세요. 다시 시도해도 소용없습니다".into()),
            ),
            E::ContextLength { detail, max_tokens } => (
                format!("프롬프트와 답이 모델의 컨텍스트 창에 들어가지 않습니다: {detail}"),
                Some(format!("서버의 컨텍스트 창을 늘리고(llama.cpp: --n_ctx 16384 이상, vLLM: --max-model-len, Ollama: OLLAMA_CONTEXT_LENGTH) --context로 알려 주거나, --max-tokens(지금 {max_tokens})를 줄이거나, --rounds를 줄이세요")),
            ),
            E::GaveUp { status, attempts, detail } => (
                format!("LLM 엔드포인트가 {attempts}번 시도하는 동안 계속 실패했습니다 (HTTP {status}): {detail}"),
                Some("서버가 과부하이거나 멈췄습니다. 잠시 뒤 다시 시도하거나 다른 엔드포인트를 쓰세요".into()),
            ),
            E::Http { status, detail } => (
                format!("LLM 엔드포인트가 HTTP {status}로 답했습니다: {detail}"),
                None,
            ),
            E::IdleTimeout { seconds } => (
                format!("LLM이 {seconds}초 동안 아무것도 보내지 않았습니다"),
                Some("--idle-timeout을 늘리거나(CPU 모델은 첫 토큰 전에 긴 프롬프트를 몇 분 동안 읽습니다) 더 빠른 모델을 쓰세요. 스트리밍을 못 하는 서버에는 --no-stream이 필요합니다".into()),
            ),
            E::Timeout { seconds } => (
                format!("답이 {seconds}초 안에 끝나지 않았습니다"),
                Some("--timeout을 늘리거나, --max-tokens를 줄이거나, 더 빠른 모델을 쓰세요".into()),
            ),
            E::Unreachable { url, attempts, detail } => (
                format!("LLM 엔드포인트 {url}에 연결할 수 없습니다 ({attempts}회 시도): {detail}"),
                Some(format!("--base-url과 서버가 실행 중인지 확인하세요 (`curl {url}/models`)")),
            ),
            E::Tls { url, detail } => (
                format!("{url}과의 TLS 연결에 실패했습니다: {detail}"),
                Some("사설 CA의 인증서를 쓰는 서버에는 그 CA가 필요합니다: --ca-cert FILE (또는 MSAFORGE_LLM_CA_CERT, msaforge.toml의 ca_cert)이 PEM 번들을 시스템 저장소(/etc/ssl/certs 또는 SSL_CERT_FILE)에 더합니다".into()),
            ),
            E::Refused(text) => (
                format!("모델이 답하기를 거부했습니다: {text}"),
                Some("브리프를 만들 시스템의 설명으로 고쳐 쓰세요".into()),
            ),
            E::Protocol(detail) => (
                format!("LLM 엔드포인트가 채팅 완성(chat completion)이 아닌 것을 보냈습니다: {detail}"),
                Some("--base-url이 OpenAI 호환 API(보통 /v1로 끝남)를 가리키는지 확인하세요".into()),
            ),
            E::Interrupted { signal } => (format!("{signal}로 중단되었습니다"), None),
            E::ReadBrief { path, detail } => (
                format!("브리프 {path}을(를) 읽을 수 없습니다: {detail}"),
                None,
            ),
            E::EmptyBrief => (
                "브리프가 비어 있습니다".into(),
                Some("시스템이 해야 할 일을 몇 문단으로 쓰세요 (한국어 또는 영어)".into()),
            ),
            E::Write { path, detail } => (format!("{path}에 쓸 수 없습니다: {detail}"), None),
            E::Exists { path } => (
                format!("{path}이(가) 이미 있습니다"),
                Some("바꾸려면 --force를 주거나 다른 출력 경로를 고르세요".into()),
            ),
            E::Prompt(detail) => (format!("프롬프트 템플릿이 실패했습니다: {detail}"), None),
        };
        (message, help)
    }
}

/// Usage, refusal to overwrite, a failed LLM endpoint, or a signal.
impl crate::exit::ExitCode for DesignError {
    fn exit_code(&self) -> i32 {
        match self {
            DesignError::BadSetting(_)
            | DesignError::CaCert { .. }
            | DesignError::ReadSettings { .. }
            | DesignError::ReadBrief { .. }
            | DesignError::EmptyBrief
            | DesignError::Write { .. }
            | DesignError::Prompt(_) => crate::exit::USAGE,
            DesignError::Exists { .. } => crate::exit::REFUSED,
            DesignError::Interrupted { signal } => {
                if *signal == "SIGTERM" {
                    crate::exit::TERMINATED
                } else {
                    crate::exit::INTERRUPTED
                }
            }
            DesignError::NotConfigured
            | DesignError::MissingModel { .. }
            | DesignError::MissingKey { .. }
            | DesignError::Unauthorized { .. }
            | DesignError::ModelNotFound { .. }
            | DesignError::RateLimited { .. }
            | DesignError::RateLimitedFor { .. }
            | DesignError::QuotaExhausted { .. }
            | DesignError::ContextLength { .. }
            | DesignError::GaveUp { .. }
            | DesignError::Http { .. }
            | DesignError::IdleTimeout { .. }
            | DesignError::Timeout { .. }
            | DesignError::Unreachable { .. }
            | DesignError::Tls { .. }
            | DesignError::Refused(_)
            | DesignError::Protocol(_) => crate::exit::LLM_FAILED,
        }
    }
}
