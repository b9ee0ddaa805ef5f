//! What a failed request means: from async-openai's error and the exchange the transport recorded,
//! a `Failure` that says whether sending again can help and how long to wait first, and that
//! becomes a `DesignError` with the attempts really made. Recognises rate limits (also with a
//! plain-text body), exhausted quotas, context-length errors of OpenAI, vLLM and the llama.cpp
//! servers, and TLS failures. Details reaching here are redacted by the caller.

use std::time::Duration;

use async_openai::error::OpenAIError;
use serde_json::Value;

use super::error::DesignError;
use super::redact::Redactor;
use super::transport::Exchange;

/// Requests sent for one answer at most: the first and three retries.
pub const MAX_ATTEMPTS: u32 = 4;
/// The longest `Retry-After` msaforge waits for; a server asking for more ends the run at once.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// A failed request.
#[derive(Debug)]
pub enum Failure {
    /// Sending again cannot help.
    Final(DesignError),
    /// 429 `insufficient_quota`: final, but reported with the attempts made.
    Quota { detail: String },
    /// 429: wait (`Retry-After`, or the backoff) and send again.
    RateLimited {
        detail: String,
        retry_after: Option<Duration>,
    },
    /// 5xx.
    Server {
        status: u16,
        detail: String,
        retry_after: Option<Duration>,
    },
    /// No connection (refused, reset before an answer).
    Connect { detail: String },
}

impl Failure {
    /// How long to wait before attempt `attempt + 1`, or `None` when it is not worth sending again.
    pub fn retry_wait(&self, attempt: u32) -> Option<Duration> {
        if attempt >= MAX_ATTEMPTS {
            return None;
        }
        let backoff = Duration::from_millis(500)
            .saturating_mul(2u32.saturating_pow(attempt - 1))
            .min(Duration::from_secs(8));
        match self {
            Failure::Final(_) | Failure::Quota { .. } => None,
            Failure::RateLimited { retry_after, .. } | Failure::Server { retry_after, .. } => {
                match retry_after {
                    Some(wait) if *wait > MAX_RETRY_AFTER => None,
                    Some(wait) => Some(*wait),
                    None => Some(backoff),
                }
            }
            Failure::Connect { .. } => Some(backoff),
        }
    }

    /// A few words on what went wrong, for the progress line while waiting to retry.
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::RateLimited { .. } | Failure::Quota { .. } => "rate limited (HTTP 429)",
            Failure::Server { .. } => "server error (HTTP 5xx)",
            Failure::Connect { .. } => "no connection",
            Failure::Final(_) => "failed",
        }
    }

    /// The error to report after `attempts` requests to `url`.
    pub fn into_error(self, attempts: u32, url: &str) -> DesignError {
        match self {
            Failure::Final(error) => error,
            Failure::Quota { detail } => DesignError::QuotaExhausted { attempts, detail },
            Failure::RateLimited {
                detail,
                retry_after: Some(wait),
            } if wait > MAX_RETRY_AFTER => DesignError::RateLimitedFor {
                seconds: wait.as_secs(),
                bound: MAX_RETRY_AFTER.as_secs(),
                detail,
            },
            Failure::RateLimited { detail, .. } => DesignError::RateLimited { attempts, detail },
            Failure::Server { status, detail, .. } => DesignError::GaveUp {
                status,
                attempts,
                detail,
            },
            Failure::Connect { detail } => DesignError::Unreachable {
                url: url.to_owned(),
                attempts,
                detail,
            },
        }
    }
}

/// What the request was, for the messages.
pub struct Request<'a> {
    pub url: &'a str,
    pub model: &'a str,
    pub max_tokens: u32,
    pub redactor: &'a Redactor,
}

/// Classifies a failed request; `exchange` is what the transport saw of the response, if any.
pub fn classify(error: OpenAIError, exchange: Option<Exchange>, request: &Request<'_>) -> Failure {
    let scrub = |text: &str| request.redactor.apply(text);
    if let Some(x) = exchange.filter(|x| x.status >= 400) {
        let body = String::from_utf8_lossy(x.body.as_deref().unwrap_or_default()).into_owned();
        return by_status(x.status, &body, x.retry_after, request);
    }
    match error {
        OpenAIError::ApiError(e) => {
            let body = serde_json::json!({"error": e.api_error}).to_string();
            by_status(e.status_code.as_u16(), &body, None, request)
        }
        OpenAIError::JSONDeserialize(e, content) => match status_in_body(&content) {
            Some(status) => by_status(status, &content, None, request),
            None => Failure::Final(DesignError::Protocol(scrub(&format!(
                "{e}; body starts with: {}",
                content.chars().take(200).collect::<String>()
            )))),
        },
        OpenAIError::Reqwest(e) => {
            let chain = scrub(&error_chain(&e));
            let lower = chain.to_lowercase();
            if ["certificate", "ssl", "tls", "handshake"]
                .iter()
                .any(|w| lower.contains(w))
            {
                Failure::Final(DesignError::Tls {
                    url: request.url.to_owned(),
                    detail: chain,
                })
            } else if e.is_connect() || e.is_request() {
                Failure::Connect { detail: chain }
            } else {
                Failure::Final(DesignError::Protocol(chain))
            }
        }
        OpenAIError::StreamError(e) => Failure::Final(DesignError::Protocol(scrub(&format!(
            "the stream of the answer broke off: {e}"
        )))),
        other => Failure::Final(DesignError::Protocol(scrub(&other.to_string()))),
    }
}

/// An error object inside a 200 answer or a streamed chunk (`{"error": {...}}`).
pub fn error_in_answer(error: &Value, request: &Request<'_>) -> Failure {
    let status = error
        .get("code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c))
        .unwrap_or(500);
    by_status(
        status,
        &serde_json::json!({ "error": error }).to_string(),
        None,
        request,
    )
}

fn by_status(status: u16, body: &str, retry_after: Option<Duration>, r: &Request<'_>) -> Failure {
    let (message, kind) = message_of(&r.redactor.apply(body));
    let detail: String = message.chars().take(500).collect();
    if status != 401 && status != 403 && status != 404 && is_context_error(&message, &kind) {
        return Failure::Final(DesignError::ContextLength {
            detail,
            max_tokens: r.max_tokens,
        });
    }
    match status {
        401 | 403 => Failure::Final(DesignError::Unauthorized { status, detail }),
        404 => Failure::Final(DesignError::ModelNotFound {
            model: r.model.to_owned(),
            detail,
        }),
        429 if kind.contains("insufficient_quota") => Failure::Quota { detail },
        429 => Failure::RateLimited {
            detail,
            retry_after,
        },
        500..=599 => Failure::Server {
            status,
            detail,
            retry_after,
        },
        _ => Failure::Final(DesignError::Http { status, detail }),
    }
}

/// The message of an error body (OpenAI's `{"error": {"message"}}`, vLLM's `{"message"}`,
/// FastAPI's `{"detail"}`, or plain text) and its `type` and `code`, lowercased.
fn message_of(body: &str) -> (String, String) {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return (body.trim().to_owned(), String::new());
    };
    let text = |v: Option<&Value>| {
        v.map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
            .unwrap_or_default()
    };
    let message = v
        .pointer("/error/message")
        .or_else(|| v.get("message"))
        .or_else(|| v.get("detail"))
        .or_else(|| v.get("error").filter(|e| e.is_string()));
    let message = match message {
        Some(m) => text(Some(m)),
        None => body.trim().to_owned(),
    };
    let kind = format!(
        "{} {} {} {}",
        text(v.pointer("/error/type")),
        text(v.pointer("/error/code")),
        text(v.get("type")),
        text(v.get("code"))
    )
    .to_lowercase();
    (message, kind)
}

fn is_context_error(message: &str, kind: &str) -> bool {
    let m = message.to_lowercase();
    kind.contains("context_length_exceeded")
        || kind.contains("exceed_context_size")
        || [
            "maximum context length",
            "context length",
            "context window",
            "context size",
            "max_model_len",
            "prompt is too long",
            "too many tokens",
        ]
        .iter()
        .any(|p| m.contains(p))
}

/// Error bodies that are not OpenAI's `{"error": {...}}` (vLLM's `{"code": 404, "message"}`) still
/// carry a status.
fn status_in_body(content: &str) -> Option<u16> {
    let v: Value = serde_json::from_str(content).ok()?;
    v.get("code")
        .or_else(|| v.pointer("/error/code"))
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c))
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

#[cfg(test)]
mod tests {
    use super::*;

    static NONE: std::sync::LazyLock<Redactor> = std::sync::LazyLock::new(Redactor::default);
    static R: std::sync::LazyLock<Request<'static>> = std::sync::LazyLock::new(|| Request {
        url: "http://x/v1",
        model: "m",
        max_tokens: 512,
        redactor: &NONE,
    });

    #[test]
    fn bodies_of_every_server_are_read() {
        let vllm = r#"{"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}"#;
        assert_eq!(status_in_body(vllm), Some(404));
        assert_eq!(status_in_body(r#"{"detail":"Not Found"}"#), None);
        assert_eq!(message_of("Too Many Requests\n").0, "Too Many Requests");
        let quota = r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert!(matches!(
            by_status(429, quota, None, &R),
            Failure::Quota { .. }
        ));
        assert!(matches!(
            by_status(429, "slow down", Some(Duration::from_secs(1)), &R),
            Failure::RateLimited { .. }
        ));
    }

    #[test]
    fn context_errors_of_each_server_are_recognised() {
        for body in [
            r#"{"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}"#,
            r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#,
            r#"{"object":"error","message":"This model's maximum context length is 4096 tokens.","code":400}"#,
            "Requested tokens (9000) exceed context window of 8192",
        ] {
            let failure = by_status(400, body, None, &R);
            assert!(
                matches!(
                    failure,
                    Failure::Final(DesignError::ContextLength {
                        max_tokens: 512,
                        ..
                    })
                ),
                "{body}: {failure:?}"
            );
        }
        assert!(matches!(
            by_status(400, "bad temperature", None, &R),
            Failure::Final(DesignError::Http { status: 400, .. })
        ));
    }

    #[test]
    fn waits_are_bounded_and_attempts_counted() {
        let long = Failure::RateLimited {
            detail: "later".into(),
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(long.retry_wait(1), None);
        assert!(matches!(
            long.into_error(1, "u"),
            DesignError::RateLimitedFor {
                seconds: 3600,
                bound: 120,
                ..
            }
        ));
        let busy = Failure::Server {
            status: 503,
            detail: String::new(),
            retry_after: None,
        };
        let waits: Vec<_> = (1..=4).map(|a| busy.retry_wait(a)).collect();
        assert_eq!(
            waits,
            [
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                None
            ]
        );
        assert!(matches!(
            Failure::Quota {
                detail: String::new()
            }
            .into_error(1, "u"),
            DesignError::QuotaExhausted { attempts: 1, .. }
        ));
    }
}
