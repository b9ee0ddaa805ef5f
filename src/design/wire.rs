//! The parts of chat completions `design` reads, whole or streamed, leniently (local servers
//! differ), and how an `Answer` is put together from them. Parsing only: no I/O, no policy.

use serde::Deserialize;
use serde_json::Value;

use super::error::DesignError;

/// What came back: the text, whether it was cut off, the token counts, and how it came.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub text: String,
    pub truncated: bool,
    /// The token counts the server reported; `None` when it sent none (llama-cpp-python sends
    /// no usage in streams: it ignores `stream_options.include_usage`). Never guessed.
    pub usage: Option<Usage>,
    /// Streamed chunks that carried text (about a token each), counted here; 0 for a whole answer.
    pub pieces: u64,
    /// HTTP requests made for it (retries included).
    pub attempts: u32,
    /// It arrived as an event stream.
    pub streamed: bool,
}

#[derive(Debug, Deserialize)]
pub struct Completion {
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Some servers answer 200 with an error object.
    #[serde(default)]
    pub error: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Choice {
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

/// One server-sent chunk of a streamed completion.
#[derive(Debug, Deserialize)]
pub struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    pub error: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub prompt_tokens: u64,
    #[serde(default)]
    pub completion_tokens: u64,
}

/// The answer in a whole completion.
pub fn answer_of(completion: Completion) -> Result<Answer, DesignError> {
    let usage = completion.usage;
    let Some(choice) = completion.choices.into_iter().next() else {
        return Err(DesignError::Protocol("the answer has no choices".into()));
    };
    let message = choice.message.unwrap_or_default();
    if let Some(refusal) = message.refusal.filter(|r| !r.trim().is_empty()) {
        return Err(DesignError::Refused(refusal));
    }
    Ok(Answer {
        text: message.content.unwrap_or_default(),
        truncated: choice.finish_reason.as_deref() == Some("length"),
        usage,
        pieces: 0,
        attempts: 1,
        streamed: false,
    })
}

/// A streamed answer being put together, chunk by chunk.
#[derive(Debug, Default)]
pub struct Assembly {
    text: String,
    refusal: String,
    finish: Option<String>,
    usage: Option<Usage>,
    /// Chunks received, whatever they held.
    pub received: u64,
    /// Chunks that carried text.
    pieces: u64,
}

impl Assembly {
    /// Adds a chunk; returns its piece of text.
    pub fn add(&mut self, chunk: Chunk) -> String {
        let mut piece = String::new();
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(delta) = choice.delta {
                piece = delta.content.unwrap_or_default();
                self.text.push_str(&piece);
                self.refusal
                    .push_str(delta.refusal.as_deref().unwrap_or_default());
            }
            self.finish = choice.finish_reason.or(self.finish.take());
        }
        self.usage = chunk.usage.or(self.usage);
        self.received += 1;
        if !piece.is_empty() {
            self.pieces += 1;
        }
        piece
    }

    pub fn finish(self) -> Result<Answer, DesignError> {
        let pieces = self.pieces;
        let mut answer = answer_of(Completion {
            choices: vec![Choice {
                message: Some(Message {
                    content: Some(self.text),
                    refusal: Some(self.refusal),
                }),
                finish_reason: self.finish,
            }],
            usage: self.usage,
            error: None,
        })?;
        answer.streamed = true;
        answer.pieces = pieces;
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(json: &str) -> Chunk {
        serde_json::from_str(json).expect("chunk")
    }

    #[test]
    fn chunks_make_one_answer() {
        let mut a = Assembly::default();
        assert_eq!(
            a.add(chunk(r#"{"choices":[{"delta":{"role":"assistant"}}]}"#)),
            ""
        );
        a.add(chunk(r#"{"choices":[{"delta":{"content":"{\"ms"}}]}"#));
        a.add(chunk(
            r#"{"choices":[{"delta":{"content":"aforge\": 1}"},"finish_reason":"length"}]}"#,
        ));
        a.add(chunk(
            r#"{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}}"#,
        ));
        let answer = a.finish().expect("answer");
        assert_eq!(answer.text, "{\"msaforge\": 1}");
        assert!(answer.truncated && answer.streamed);
        assert_eq!(
            answer.usage,
            Some(Usage {
                prompt_tokens: 7,
                completion_tokens: 3
            })
        );
        assert_eq!(answer.pieces, 2);
    }

    #[test]
    fn a_stream_without_usage_has_no_token_counts() {
        let mut a = Assembly::default();
        a.add(chunk(r#"{"choices":[{"delta":{"content":"{}"}}]}"#));
        a.add(chunk(
            r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#,
        ));
        let answer = a.finish().expect("answer");
        assert_eq!((answer.usage, answer.pieces), (None, 1));
    }

    #[test]
    fn a_refusal_is_an_error() {
        let c: Completion = serde_json::from_str(
            r#"{"choices":[{"message":{"content":null,"refusal":"no"},"finish_reason":"stop"}]}"#,
        )
        .expect("completion");
        assert!(matches!(answer_of(c), Err(DesignError::Refused(r)) if r == "no"));
    }
}
