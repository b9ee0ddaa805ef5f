//! One chat completion against an OpenAI-compatible endpoint, through async-openai: builds the
//! request in the configured structured-output shape, retries 429 and 5xx with backoff, enforces the
//! timeout and turns every failure into a `DesignError` with a hint. Knows nothing about specs
//! beyond the schema it is handed; never logs the request or the key.

use async_openai::Client;
use async_openai::config::{AzureConfig, Config, OpenAIConfig};
use async_openai::error::OpenAIError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::DesignError;
use super::settings::{FormatMode, Provider, Settings};

/// Retries async-openai's client makes after a 429, a 5xx or a refused connection.
pub const RETRIES: u32 = 3;

/// A chat message.
#[derive(Debug, Clone)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

impl Message {
    pub fn system(content: String) -> Self {
        Message {
            role: "system",
            content,
        }
    }
    pub fn user(content: String) -> Self {
        Message {
            role: "user",
            content,
        }
    }
    pub fn assistant(content: String) -> Self {
        Message {
            role: "assistant",
            content,
        }
    }
}

/// What came back: the text, whether it was cut off, and the token counts.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub text: String,
    pub truncated: bool,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The parts of a chat completion `design` reads; lenient, since local servers differ.
#[derive(Debug, Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    #[serde(default)]
    message: Option<ChoiceMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChoiceMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

/// One server-sent chunk of a streamed completion.
#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<ChoiceMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

/// A configured endpoint.
pub struct Llm {
    client: Client<Box<dyn Config>>,
    settings: Settings,
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Llm {
    pub fn new(settings: Settings) -> Self {
        let config: Box<dyn Config> = match settings.provider {
            Provider::Azure => Box::new(
                AzureConfig::new()
                    .with_api_base(settings.base_url.clone())
                    .with_api_key(settings.api_key.expose())
                    .with_deployment_id(settings.model.clone())
                    .with_api_version(settings.api_version.clone()),
            ),
            _ => Box::new(
                OpenAIConfig::new()
                    .with_api_base(settings.base_url.clone())
                    .with_api_key(settings.api_key.expose()),
            ),
        };
        Llm {
            client: Client::with_config(config),
            settings,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The request body for `messages`, in the configured structured-output shape.
    pub fn request(&self, messages: &[Message], schema: &Value) -> Value {
        let s = &self.settings;
        let messages: Vec<Value> = messages
            .iter()
            .map(|m| json!({ "role": m.role, "content": m.content }))
            .collect();
        let mut body = json!({
            "model": s.model,
            "messages": messages,
            "temperature": s.temperature,
            "stream": false,
        });
        let tokens_key = if s.provider == Provider::Openai {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[tokens_key] = json!(s.max_tokens);
        match s.format_mode {
            FormatMode::JsonSchema => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": {
                        "name": "msaforge_spec",
                        "description": "A msaforge spec, format version 1",
                        "schema": schema,
                        "strict": true,
                    }
                });
            }
            FormatMode::JsonObject => {
                body["response_format"] = json!({ "type": "json_object", "schema": schema });
            }
            FormatMode::Prompt => {}
        }
        body
    }

    /// Sends one request. async-openai itself retries 429, 5xx and refused connections
    /// (`RETRIES` times, doubling waits from 100 ms, honouring `Retry-After`); the whole exchange,
    /// retries included, gets the configured timeout. When streaming, `on_token` gets the running
    /// count of received chunks (about one token each).
    pub async fn complete(
        &self,
        body: &Value,
        on_token: &(dyn Fn(u64) + Sync),
    ) -> Result<Answer, DesignError> {
        let timeout = self.settings.timeout;
        let exchange = async {
            if self.settings.stream {
                self.stream(body, on_token).await
            } else {
                let chat = self.client.chat();
                let completion = chat
                    .create_byot::<_, Completion>(body)
                    .await
                    .map_err(|e| self.classify(e))?;
                read_answer(completion)
            }
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(DesignError::Timeout {
                seconds: timeout.as_secs(),
            }))
    }

    /// The streamed variant: server-sent chunks, put together into one completion.
    async fn stream(
        &self,
        body: &Value,
        on_token: &(dyn Fn(u64) + Sync),
    ) -> Result<Answer, DesignError> {
        use futures_util::StreamExt as _;
        let mut body = body.clone();
        body["stream"] = json!(true);
        body["stream_options"] = json!({ "include_usage": true });
        let chat = self.client.chat();
        let mut chunks = chat
            .create_stream_byot::<_, Chunk>(&body)
            .await
            .map_err(|e| self.classify(e))?;
        let (mut text, mut refusal) = (String::new(), String::new());
        let (mut finish, mut usage, mut received) = (None, None, 0u64);
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| self.classify(e))?;
            if let Some(choice) = chunk.choices.into_iter().next() {
                if let Some(delta) = choice.delta {
                    text.push_str(delta.content.as_deref().unwrap_or_default());
                    refusal.push_str(delta.refusal.as_deref().unwrap_or_default());
                }
                finish = choice.finish_reason.or(finish);
            }
            usage = chunk.usage.or(usage);
            received += 1;
            on_token(received);
        }
        read_answer(Completion {
            choices: vec![Choice {
                message: Some(ChoiceMessage {
                    content: Some(text),
                    refusal: Some(refusal),
                }),
                finish_reason: finish,
            }],
            // Servers without `include_usage` support: count the chunks.
            usage: usage.or(Some(Usage {
                prompt_tokens: 0,
                completion_tokens: received,
            })),
        })
    }

    fn classify(&self, error: OpenAIError) -> DesignError {
        let (status, detail) = match error {
            OpenAIError::ApiError(e) => (e.status_code.as_u16(), e.api_error.message),
            OpenAIError::JSONDeserialize(e, content) => match status_in_body(&content) {
                Some(found) => found,
                None => {
                    return DesignError::Protocol(self.scrub(&format!(
                        "{e}; body starts with: {}",
                        content.chars().take(200).collect::<String>()
                    )));
                }
            },
            OpenAIError::Reqwest(e) if e.is_timeout() => {
                return DesignError::Timeout {
                    seconds: self.settings.timeout.as_secs(),
                };
            }
            OpenAIError::Reqwest(e) => match e.status() {
                Some(status) => (status.as_u16(), e.to_string()),
                None => {
                    return DesignError::Unreachable {
                        url: self.settings.base_url.clone(),
                        detail: self.scrub(&error_chain(&e)),
                    };
                }
            },
            other => return DesignError::Protocol(self.scrub(&other.to_string())),
        };
        let detail = self.scrub(&detail);
        match status {
            401 | 403 => DesignError::Unauthorized { status, detail },
            404 => DesignError::ModelNotFound {
                model: self.settings.model.clone(),
                detail,
            },
            429 | 500..=599 => DesignError::GaveUp {
                status,
                attempts: RETRIES + 1,
                detail,
            },
            _ => DesignError::Http { status, detail },
        }
    }

    /// Servers may echo what they were sent; the key never reaches the user's screen.
    fn scrub(&self, text: &str) -> String {
        let key = self.settings.api_key.expose();
        let text: String = text.chars().take(500).collect();
        if key.len() >= 4 {
            text.replace(key, "[redacted]")
        } else {
            text
        }
    }
}

/// Error bodies that are not OpenAI's `{"error": {...}}` (vLLM's `{"code": 404, "message"}`,
/// FastAPI's `{"detail"}`) still carry a status.
fn status_in_body(content: &str) -> Option<(u16, String)> {
    let v: Value = serde_json::from_str(content).ok()?;
    let code = v
        .get("code")
        .or_else(|| v.pointer("/error/code"))
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c))?;
    let message = v
        .get("message")
        .or_else(|| v.pointer("/error/message"))
        .or_else(|| v.get("detail"))
        .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
        .unwrap_or_default();
    Some((code, message))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn read_answer(completion: Completion) -> Result<Answer, DesignError> {
    let usage = completion.usage.unwrap_or_default();
    let Some(choice) = completion.choices.into_iter().next() else {
        return Err(DesignError::Protocol("the answer has no choices".into()));
    };
    let message = choice.message.unwrap_or(ChoiceMessage {
        content: None,
        refusal: None,
    });
    if let Some(refusal) = message.refusal.filter(|r| !r.trim().is_empty()) {
        return Err(DesignError::Refused(refusal));
    }
    Ok(Answer {
        text: message.content.unwrap_or_default(),
        truncated: choice.finish_reason.as_deref() == Some("length"),
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::{Llm, status_in_body};
    use crate::design::settings::{FileSettings, LlmArgs, Provider, resolve};

    #[test]
    fn the_client_debug_hides_the_key() {
        let env =
            |name: &str| (name == "MSAFORGE_LLM_API_KEY").then(|| "sk-hidden-4242".to_owned());
        for provider in [Provider::Openai, Provider::Azure] {
            let args = LlmArgs {
                provider: Some(provider),
                base_url: Some("https://example.invalid".into()),
                model: Some("m".into()),
                ..LlmArgs::default()
            };
            let llm = Llm::new(resolve(&args, &FileSettings::default(), &env).expect("resolves"));
            assert_eq!(llm.settings().api_key.expose(), "sk-hidden-4242");
            let shown = format!("{llm:?}");
            assert!(!shown.contains("sk-hidden"), "{shown}");
        }
    }

    #[test]
    fn error_bodies_of_other_servers_keep_their_status() {
        let vllm = r#"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}"#;
        assert_eq!(
            status_in_body(vllm),
            Some((404, "The model `x` does not exist.".to_owned()))
        );
        assert_eq!(status_in_body(r#"{"detail":"Not Found"}"#), None);
        assert_eq!(status_in_body("<html>"), None);
    }
}
