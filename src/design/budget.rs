//! The token budget of a request: how many tokens the answer may have so that prompt and answer
//! fit the server's context window. The prompt is estimated from its size, then from the ratio
//! the server reported for an earlier prompt of the run. Arithmetic only.

use super::client::Message;
use super::error::DesignError;
use super::settings::Settings;

/// Tokens kept free for the chat template's own tokens and the estimate's error.
const MARGIN: u64 = 256;
/// Fewer tokens than this (or than `max_tokens`, when smaller) hold no useful spec.
const LEAST_ANSWER: u32 = 1024;

#[derive(Debug, Clone)]
pub struct Budget {
    context: Option<u32>,
    max_tokens: u32,
    /// Tokens per byte of the last prompt whose size the server reported.
    ratio: Option<f64>,
}

impl Budget {
    pub fn new(settings: &Settings) -> Self {
        Budget {
            context: settings.context,
            max_tokens: settings.max_tokens,
            ratio: None,
        }
    }

    fn bytes(messages: &[Message]) -> u64 {
        messages.iter().map(|m| m.content.len() as u64 + 16).sum()
    }

    /// The prompt's tokens, estimated on the high side: a byte in three is a token before the
    /// server said otherwise (English prose is about four, Korean text about three bytes a
    /// token), then the measured ratio plus a tenth.
    pub fn estimate(&self, messages: &[Message]) -> u64 {
        let bytes = Self::bytes(messages);
        match self.ratio {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(ratio) => (bytes as f64 * ratio * 1.1).ceil() as u64,
            None => bytes.div_ceil(3),
        }
    }

    /// Learns the ratio from a prompt the server counted.
    pub fn learn(&mut self, messages: &[Message], prompt_tokens: u64) {
        if prompt_tokens > 0 {
            self.ratio = Some(prompt_tokens as f64 / Self::bytes(messages) as f64);
        }
    }

    /// `max_tokens` for a request with `messages`: the setting, lowered so that the answer fits
    /// the context window; an error when too little room is left for an answer.
    pub fn answer_tokens(&self, messages: &[Message]) -> Result<u32, DesignError> {
        let Some(context) = self.context else {
            return Ok(self.max_tokens);
        };
        let prompt = self.estimate(messages);
        let room = u64::from(context).saturating_sub(prompt + MARGIN);
        let room = u32::try_from(room).unwrap_or(u32::MAX);
        if room < self.max_tokens.min(LEAST_ANSWER) {
            return Err(DesignError::ContextLength {
                detail: format!(
                    "this round's prompt is about {prompt} tokens; a context of {context} leaves {room} for the answer"
                ),
                max_tokens: self.max_tokens,
            });
        }
        Ok(self.max_tokens.min(room))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(context: Option<u32>, max_tokens: u32) -> Budget {
        Budget {
            context,
            max_tokens,
            ratio: None,
        }
    }

    #[test]
    fn answers_are_sized_to_fit_the_context() {
        let prompt = vec![Message::user("x".repeat(18_000 - 16))];
        assert_eq!(budget(None, 8192).answer_tokens(&prompt).ok(), Some(8192));
        // 18,000 bytes: 6,000 tokens estimated, 256 kept free.
        assert_eq!(
            budget(Some(16_384), 8192).answer_tokens(&prompt).ok(),
            Some(8192)
        );
        assert_eq!(
            budget(Some(12_000), 8192).answer_tokens(&prompt).ok(),
            Some(5744)
        );
        assert!(matches!(
            budget(Some(6_500), 8192).answer_tokens(&prompt),
            Err(DesignError::ContextLength { .. })
        ));
        // A small max_tokens needs only itself.
        assert_eq!(
            budget(Some(6_500), 192).answer_tokens(&prompt).ok(),
            Some(192)
        );
        let mut learned = budget(Some(12_000), 8192);
        learned.learn(&prompt, 4_500);
        assert_eq!(learned.estimate(&prompt), 4_950);
        assert_eq!(learned.answer_tokens(&prompt).ok(), Some(6794));
    }
}
