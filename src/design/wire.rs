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
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
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

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

/// The answer in a whole completion.
pub fn answer_of(completion: Completion) -> Result<Answer, DesignError> {
    let usage = completion.usage.unwrap_or_default();
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
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
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
    /// Chunks received (about one token each).
    pub received: u64,
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
        piece
    }

    pub fn finish(self) -> Result<Answer, DesignError> {
        let received = self.received;
        let mut answer = answer_of(Completion {
            choices: vec![Choice {
                message: Some(Message {
                    content: Some(self.text),
                    refusal: Some(self.refusal),
                }),
                finish_reason: self.finish,
            }],
            // Servers without `include_usage` support: count the chunks.
            usage: self.usage.or(Some(Usage {
                prompt_tokens: 0,
                completion_tokens: received,
            })),
            error: None,
        })?;
        answer.streamed = true;
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
        assert_eq!((answer.prompt_tokens, answer.completion_tokens), (7, 3));
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
