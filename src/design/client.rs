//! One chat completion against an OpenAI-compatible endpoint, through async-openai over msaforge's
//! own transport: builds the request in the configured structured-output shape, streams it when
//! the server can (an idle timeout between pieces, a total limit per answer), retries 429, 5xx and
//! refused connections a counted, bounded number of times, and turns every failure into a
//! `DesignError` with a hint. Knows nothing about specs beyond the schema it is handed; never logs
//! the request, and redacts the key and other secrets from everything it returns.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::{AzureConfig, Config, OpenAIConfig};
use async_openai::error::OpenAIError;
use futures_util::StreamExt as _;
use serde_json::{Value, json};

use super::classify::{self, Failure, Request};
use super::error::DesignError;
use super::redact::Redactor;
use super::settings::{FormatMode, Provider, Settings};
use super::transport::{self, Recorder, Slot};
pub use super::wire::Answer;
use super::wire::{self, Assembly, Chunk, Completion};

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

/// What happens while an answer is awaited.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A piece of a streamed answer arrived (raw: redact what is kept of it).
    Text(&'a str),
    /// Attempt `attempt` failed (`reason`); the next starts after `wait`.
    Retrying {
        attempt: u32,
        wait: Duration,
        reason: &'a str,
    },
}

/// A configured endpoint.
pub struct Llm {
    client: Client<Box<dyn Config>>,
    settings: Settings,
    redactor: Redactor,
    slot: Slot,
    /// The base URL as messages show it (a password in it redacted).
    shown_url: String,
    /// Cleared once the server answered a streamed request whole: later requests do not ask.
    streaming: AtomicBool,
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Llm {
    pub fn new(settings: Settings) -> Result<Self, DesignError> {
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
        let slot = Slot::default();
        let http = transport::http_client(&settings)?;
        let client =
            Client::with_config(config).with_http_service(Recorder::new(http, slot.clone()));
        let redactor = Redactor::new(&settings);
        Ok(Llm {
            client,
            shown_url: redactor.apply(&settings.base_url),
            redactor,
            streaming: AtomicBool::new(settings.stream),
            settings,
            slot,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Requests still ask for a stream (streaming is on and the server has not ignored it).
    pub fn streams(&self) -> bool {
        self.streaming.load(Ordering::Relaxed)
    }

    /// The request body for `messages`, in the configured structured-output shape, with at most
    /// `max_tokens` for the answer.
    pub fn request(&self, messages: &[Message], schema: &Value, max_tokens: u32) -> Value {
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
        body[tokens_key] = json!(max_tokens);
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

    /// Sends `body` until it is answered, at most `classify::MAX_ATTEMPTS` times, within the total
    /// timeout; the answer's text is redacted.
    pub async fn complete(
        &self,
        body: &Value,
        on_event: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<Answer, DesignError> {
        let total = self.settings.timeout;
        let deadline = tokio::time::Instant::now() + total;
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.slot.take();
            let failure = match tokio::time::timeout_at(deadline, self.once(body, on_event)).await {
                Err(_) => {
                    return Err(DesignError::Timeout {
                        seconds: total.as_secs(),
                    });
                }
                Ok(Ok(mut answer)) => {
                    answer.attempts = attempt;
                    answer.text = self.redactor.apply(&answer.text);
                    return Ok(answer);
                }
                Ok(Err(failure)) => failure,
            };
            match failure.retry_wait(attempt) {
                Some(wait) if tokio::time::Instant::now() + wait < deadline => {
                    on_event(Event::Retrying {
                        attempt,
                        wait,
                        reason: failure.reason(),
                    });
                    tokio::time::sleep(wait).await;
                }
                _ => return Err(failure.into_error(attempt, &self.shown_url)),
            }
        }
    }

    async fn once(
        &self,
        body: &Value,
        on_event: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<Answer, Failure> {
        if self.streams() {
            return self.stream(body, on_event).await;
        }
        let completion = self
            .client
            .chat()
            .create_byot::<_, Completion>(body)
            .await
            .map_err(|e| self.classify(e, body))?;
        self.whole(completion, body)
    }

    fn whole(&self, completion: Completion, body: &Value) -> Result<Answer, Failure> {
        if let Some(error) = &completion.error {
            return Err(classify::error_in_answer(error, &self.describe(body)));
        }
        wire::answer_of(completion).map_err(|e| Failure::Final(self.scrub(e)))
    }

    /// The streamed variant: the idle timeout covers the wait for the response and each chunk.
    async fn stream(
        &self,
        body: &Value,
        on_event: &(dyn Fn(Event<'_>) + Sync),
    ) -> Result<Answer, Failure> {
        let idle = self.settings.idle_timeout;
        let silent = || {
            Failure::Final(DesignError::IdleTimeout {
                seconds: idle.as_secs(),
            })
        };
        let mut body = body.clone();
        body["stream"] = json!(true);
        body["stream_options"] = json!({ "include_usage": true });
        let chat = self.client.chat();
        let mut chunks = tokio::time::timeout(idle, chat.create_stream_byot::<_, Chunk>(&body))
            .await
            .map_err(|_| silent())?
            .map_err(|e| self.classify(e, &body))?;
        let mut answer = Assembly::default();
        while let Some(chunk) = tokio::time::timeout(idle, chunks.next())
            .await
            .map_err(|_| silent())?
        {
            let chunk = chunk.map_err(|e| self.classify(e, &body))?;
            if let Some(error) = &chunk.error {
                return Err(classify::error_in_answer(error, &self.describe(&body)));
            }
            let piece = answer.add(chunk);
            on_event(Event::Text(&piece));
        }
        if answer.received == 0 {
            // Not one event: a server that ignores `stream: true` sent the answer whole.
            let whole = self
                .slot
                .take()
                .filter(|x| !x.event_stream)
                .and_then(|x| x.body);
            if let Some(bytes) = whole {
                self.streaming.store(false, Ordering::Relaxed);
                let completion: Completion = serde_json::from_slice(&bytes).map_err(|e| {
                    Failure::Final(DesignError::Protocol(self.redactor.apply(&format!(
                        "asked for a stream, got neither events nor a chat completion: {e}"
                    ))))
                })?;
                return self.whole(completion, &body);
            }
        }
        answer.finish().map_err(|e| Failure::Final(self.scrub(e)))
    }

    fn describe<'a>(&'a self, body: &Value) -> Request<'a> {
        let max_tokens = body
            .get("max_tokens")
            .or_else(|| body.get("max_completion_tokens"))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(self.settings.max_tokens);
        Request {
            url: &self.shown_url,
            model: &self.settings.model,
            max_tokens,
            redactor: &self.redactor,
        }
    }

    fn classify(&self, error: OpenAIError, body: &Value) -> Failure {
        classify::classify(error, self.slot.take(), &self.describe(body))
    }

    /// Refusals quote the model; the model may quote the key.
    fn scrub(&self, error: DesignError) -> DesignError {
        match error {
            DesignError::Refused(text) => DesignError::Refused(self.redactor.apply(&text)),
            DesignError::Protocol(text) => DesignError::Protocol(self.redactor.apply(&text)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Llm;
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
            let llm = Llm::new(resolve(&args, &FileSettings::default(), &env).expect("resolves"))
                .expect("client");
            assert_eq!(llm.settings().api_key.expose(), "sk-hidden-4242");
            let shown = format!("{llm:?}");
            assert!(!shown.contains("sk-hidden"), "{shown}");
        }
    }
}
