//! The HTTP transport under async-openai: a reqwest client with the system's CA store plus an
//! optional `--ca-cert` bundle, and a tower service that records what async-openai's errors lose
//! (the status of a plain-text error body, `Retry-After`, whether a streamed request got an event
//! stream at all). It makes no retries: `client` counts and bounds them. It never logs a request.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::{HttpRequestFactory, ReqwestService};

use super::error::DesignError;
use super::settings::Settings;

/// The last response the transport saw, as far as `client` needs it.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub status: u16,
    /// `Retry-After` (seconds) or `retry-after-ms`.
    pub retry_after: Option<Duration>,
    /// The response is `text/event-stream`.
    pub event_stream: bool,
    /// The body of anything that is not an event stream (errors, whole answers), up to `KEPT`.
    pub body: Option<Vec<u8>>,
}

/// Bodies larger than this are passed on but not kept.
const KEPT: usize = 4 * 1024 * 1024;

/// Where the transport leaves the last exchange; `client` takes it after each request.
#[derive(Debug, Clone, Default)]
pub struct Slot(Arc<Mutex<Option<Exchange>>>);

impl Slot {
    pub fn take(&self) -> Option<Exchange> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    fn put(&self, exchange: Exchange) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(exchange);
    }
}

/// The reqwest client: the system store (OpenSSL's, which honours `SSL_CERT_FILE`) and the
/// certificates of `settings.ca_cert`.
pub fn http_client(settings: &Settings) -> Result<reqwest::Client, DesignError> {
    let mut builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(30));
    if let Some(path) = &settings.ca_cert {
        let err = |detail: String| DesignError::CaCert {
            path: path.display().to_string(),
            detail,
        };
        let pem = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| err(e.to_string()))?;
        if certs.is_empty() {
            return Err(err("no PEM certificate in the file".into()));
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| DesignError::BadSetting(format!("cannot set up the HTTP client: {e}")))
}

/// The tower service async-openai sends through: reqwest, recording each response in a `Slot`.
#[derive(Clone)]
pub struct Recorder {
    inner: ReqwestService,
    slot: Slot,
}

impl Recorder {
    pub fn new(client: reqwest::Client, slot: Slot) -> Self {
        Recorder {
            inner: ReqwestService::new(client),
            slot,
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Recorder {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Answer {
        let call = self.inner.call(request);
        let slot = self.slot.clone();
        Box::pin(async move {
            let response = call.await?;
            let status = response.status();
            let headers = response.headers().clone();
            let mut exchange = Exchange {
                status: status.as_u16(),
                retry_after: retry_after(&headers),
                event_stream: headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/event-stream")),
                body: None,
            };
            if exchange.event_stream && status.is_success() {
                slot.put(exchange);
                return Ok(response);
            }
            // Read whole (error bodies, answers of servers that ignore `stream: true`), kept for
            // `client`, and handed on unchanged.
            let bytes = response.bytes().await.map_err(OpenAIError::Reqwest)?;
            if bytes.len() <= KEPT {
                exchange.body = Some(bytes.to_vec());
            }
            slot.put(exchange);
            let mut rebuilt = http::Response::new(bytes);
            *rebuilt.status_mut() = status;
            *rebuilt.headers_mut() = headers;
            Ok(reqwest::Response::from(rebuilt))
        })
    }
}

/// `Retry-After: SECONDS` or `retry-after-ms: MILLISECONDS` (the HTTP-date form is not used by
/// LLM APIs and is ignored: the backoff applies).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
    }
    header("retry-after")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .map(|s| Duration::from_secs_f64(s.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_milliseconds() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after", "120".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        headers.insert("retry-after-ms", "250".parse().expect("value"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
        headers.remove("retry-after-ms");
        headers.insert(
            "retry-after",
            "Wed, 21 Oct 2026 07:28:00 GMT".parse().expect("value"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
