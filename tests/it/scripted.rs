//! A scripted OpenAI-compatible HTTP server inside the test process, for the faults a real server
//! cannot produce on demand (401, 404, 429 with any body and `Retry-After`, 500, context-length
//! errors, hangs, slow and stalled streams, split events, truncation, prose, broken JSON). It
//! answers each request with the next reply of its script and records the request bodies and
//! when they arrived. Over plain TCP, or TLS with a certificate the test made (`tls`).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP error with an OpenAI-style error body.
    Status(u16, &'static str),
    /// Any status, extra headers and a body as given (plain text, other servers' JSON).
    Raw {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Waits this long, then answers the chat `content` (used to outlast the client's timeout).
    Hang(Duration),
    /// A chat completion with this content and `finish_reason: stop` (also to a request for a
    /// stream, as servers that ignore `stream: true` do).
    Chat(String),
    /// A chat completion cut off at the token limit.
    Truncated(String),
    /// A chat completion whose message is a refusal.
    Refusal(&'static str),
    /// The content as server-sent events, in pieces, then usage and `[DONE]`.
    Stream(String),
    /// The same without the usage chunk, as llama-cpp-python 0.3 streams (it ignores
    /// `stream_options.include_usage`).
    StreamWithoutUsage(String),
    /// The same, written in `bytes`-sized writes `gap` apart: events split across TCP reads, and
    /// a slow model (the whole answer takes longer than any single gap).
    Trickle {
        content: String,
        bytes: usize,
        gap: Duration,
    },
    /// Streams `content` in pieces, then sends nothing more for `stall` (the model hangs).
    Stall { content: String, stall: Duration },
}

pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<(Instant, Value)>>>,
}

/// Something the server can talk HTTP over.
pub trait Conn: Read + Write + Send + 'static {}
impl<T: Read + Write + Send + 'static> Conn for T {}

/// Wraps an accepted TCP connection (TLS, or nothing).
pub type Wrap = Arc<dyn Fn(TcpStream) -> Option<Box<dyn Conn>> + Send + Sync>;

impl Server {
    /// Starts serving `script` over plain HTTP; replies past its end are 500s.
    pub fn start(script: Vec<Reply>) -> Server {
        Self::start_with(script, "http", Arc::new(|s| Some(Box::new(s))))
    }

    /// Starts serving `script`; `wrap` turns each connection into the stream to talk over.
    pub fn start_with(script: Vec<Reply>, scheme: &str, wrap: Wrap) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let host = if scheme == "https" {
            "localhost"
        } else {
            "127.0.0.1"
        };
        let url = format!("{scheme}://{host}:{port}/v1");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        thread::spawn(move || {
            let script = Arc::new(Mutex::new(script.into_iter()));
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, script, wrap) = (Arc::clone(&seen), Arc::clone(&script), wrap.clone());
                // One thread per connection: a hanging reply must not block the next request.
                thread::spawn(move || {
                    let Some(mut conn) = wrap(stream) else { return };
                    let Some(body) = read_request(&mut conn) else {
                        return;
                    };
                    let reply = script.lock().expect("lock").next();
                    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    seen.lock().expect("lock").push((Instant::now(), body));
                    serve(&mut conn, reply);
                });
            }
        });
        Server { url, requests }
    }

    /// The JSON bodies of the requests received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// When each request arrived.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.requests
            .lock()
            .expect("lock")
            .iter()
            .map(|(t, _)| *t)
            .collect()
    }
}

fn serve(conn: &mut Box<dyn Conn>, reply: Option<Reply>) {
    let (status, headers, text) = match reply {
        None => (500, vec![], error_body("script exhausted")),
        Some(Reply::Status(status, message)) => (status, vec![], error_body(message)),
        Some(Reply::Raw {
            status,
            headers,
            body,
        }) => (status, headers, body),
        Some(Reply::Hang(wait)) => {
            thread::sleep(wait);
            (200, vec![], completion("{}", "stop"))
        }
        Some(Reply::Chat(content)) => (200, vec![], completion(&content, "stop")),
        Some(Reply::Truncated(content)) => (200, vec![], completion(&content, "length")),
        Some(Reply::Refusal(text)) => {
            let mut body: Value = serde_json::from_str(&completion("", "stop")).unwrap_or_default();
            body["choices"][0]["message"]["content"] = Value::Null;
            body["choices"][0]["message"]["refusal"] = text.into();
            (200, vec![], body.to_string())
        }
        Some(Reply::Stream(content)) => {
            let _ = conn.write_all(sse(&content).as_bytes());
            return;
        }
        Some(Reply::StreamWithoutUsage(content)) => {
            let _ = conn.write_all(sse_with(&content, false).as_bytes());
            return;
        }
        Some(Reply::Trickle {
            content,
            bytes,
            gap,
        }) => {
            for piece in sse(&content).as_bytes().chunks(bytes) {
                if conn.write_all(piece).and_then(|()| conn.flush()).is_err() {
                    return;
                }
                thread::sleep(gap);
            }
            return;
        }
        Some(Reply::Stall { content, stall }) => {
            let whole = sse(&content);
            // Everything but the finish, usage and [DONE] events; then silence.
            let cut = whole
                .find("\"finish_reason\":\"stop\"")
                .unwrap_or(whole.len());
            let cut = whole[..cut].rfind("data: ").unwrap_or(cut);
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            let body_start = whole.find("\r\n\r\n").map_or(0, |i| i + 4);
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&whole.as_bytes()[body_start..cut]);
            let _ = conn.flush();
            thread::sleep(stall);
            return;
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        text.len()
    );
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("content-type: application/json\r\n");
    }
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(text.as_bytes());
    let _ = conn.flush();
}

fn read_request(conn: &mut Box<dyn Conn>) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(conn);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// A whole streamed response: chunks of 16 characters, a finishing chunk, a usage chunk, `[DONE]`.
fn sse(content: &str) -> String {
    sse_with(content, true)
}

/// The same, with or without the usage chunk.
fn sse_with(content: &str, usage: bool) -> String {
    let chars: Vec<char> = content.chars().collect();
    let mut events: Vec<Value> = vec![
        json!({"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]}),
    ];
    events.extend(chars.chunks(16).map(|piece| {
        let piece: String = piece.iter().collect();
        json!({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]})
    }));
    events.push(json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}));
    if usage {
        events.push(json!({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 42, "total_tokens": 142}}));
    }
    let mut body = String::new();
    for event in events {
        let _ = write!(
            body,
            "data: {}\n\n",
            serde_json::to_string(&event).unwrap_or_default()
        );
    }
    body.push_str("data: [DONE]\n\n");
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

pub fn error_body(message: &str) -> String {
    json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}})
        .to_string()
}

fn completion(content: &str, finish_reason: &str) -> String {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": finish_reason,
        }],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    })
    .to_string()
}
