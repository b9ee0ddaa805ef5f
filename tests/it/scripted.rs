//! A scripted OpenAI-compatible HTTP server inside the test process, for the faults a real server
//! cannot produce on demand (401, 404, 429, 500, hangs, truncation, prose, broken JSON). It answers
//! each request with the next reply of its script and records the request bodies.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP error with an OpenAI-style error body.
    Status(u16, &'static str),
    /// Waits this long, then answers the chat `content` (used to outlast the client's timeout).
    Hang(Duration),
    /// A chat completion with this content and `finish_reason: stop`.
    Chat(String),
    /// A chat completion cut off at the token limit.
    Truncated(String),
    /// A chat completion whose message is a refusal.
    Refusal(&'static str),
    /// The content as server-sent events, in pieces, then usage and `[DONE]`.
    Stream(String),
}

pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Value>>>,
}

impl Server {
    /// Starts serving `script`; replies past its end are 500s.
    pub fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = script.next();
                let seen = Arc::clone(&seen);
                // One thread per connection: a hanging reply must not block the next request.
                thread::spawn(move || serve(stream, reply, &seen));
            }
        });
        Server { url, requests }
    }

    /// The JSON bodies of the requests received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve(mut stream: TcpStream, reply: Option<Reply>, seen: &Mutex<Vec<Value>>) {
    let Some(body) = read_request(&stream) else {
        return;
    };
    seen.lock()
        .expect("lock")
        .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
    if let Some(Reply::Stream(content)) = &reply {
        let _ = stream.write_all(sse(content).as_bytes());
        return;
    }
    let (status, text) = match reply {
        None => (500, error_body("script exhausted")),
        Some(Reply::Status(status, message)) => (status, error_body(message)),
        Some(Reply::Hang(wait)) => {
            thread::sleep(wait);
            (200, completion("{}", "stop"))
        }
        Some(Reply::Chat(content)) => (200, completion(&content, "stop")),
        Some(Reply::Truncated(content)) => (200, completion(&content, "length")),
        Some(Reply::Stream(_)) => unreachable!("answered above"),
        Some(Reply::Refusal(text)) => {
            let mut body: Value = serde_json::from_str(&completion("", "stop")).unwrap_or_default();
            body["choices"][0]["message"]["content"] = Value::Null;
            body["choices"][0]["message"]["refusal"] = text.into();
            (200, body.to_string())
        }
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        text.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(text.as_bytes());
}

fn read_request(stream: &TcpStream) -> Option<Vec<u8>> {
    let mut reader = BufReader::new(stream);
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
    let chars: Vec<char> = content.chars().collect();
    let mut events: Vec<Value> = chars
        .chunks(16)
        .map(|piece| {
            let piece: String = piece.iter().collect();
            json!({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]})
        })
        .collect();
    events.push(json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}));
    events.push(json!({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 42, "total_tokens": 142}}));
    let mut body = String::new();
    for event in events {
        let _ = write!(body, "data: {event}\n\n");
    }
    body.push_str("data: [DONE]\n\n");
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn error_body(message: &str) -> String {
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
