//! Redaction of secrets: the API key, a password in the base URL and the values of `redact_env`
//! variables never reach a file or the terminal. Everything `design` writes or prints passes
//! through a `Redactor`; this module only replaces text, it decides nothing else.

use super::settings::Settings;

/// What secrets are replaced with.
pub const MARK: &str = "[redacted]";

/// Shorter values are not treated as secrets: replacing every `a` or `42` would garble the text
/// and reveal the value anyway.
const SHORTEST: usize = 4;

/// Replaces every occurrence of the configured secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    pub fn new(settings: &Settings) -> Self {
        let mut secrets: Vec<String> = std::iter::once(&settings.api_key)
            .chain(&settings.secrets)
            .map(|s| s.expose().to_owned())
            .filter(|s| s.chars().count() >= SHORTEST)
            .collect();
        // The longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// `text` with every secret, and its JSON-escaped form, replaced by `[redacted]`.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MARK);
            }
            // A secret with quotes or backslashes appears escaped in JSON (the report).
            let escaped = serde_json::to_string(secret).unwrap_or_default();
            let escaped = escaped.trim_matches('"');
            if escaped != secret && out.contains(escaped) {
                out = out.replace(escaped, MARK);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::settings::{FileSettings, LlmArgs, Provider, resolve};

    #[test]
    fn every_secret_and_its_escaped_form_go() {
        let env = |name: &str| match name {
            "MSAFORGE_LLM_API_KEY" => Some("sk-abc\"def".to_owned()),
            "OTHER" => Some("sk-abc\"def-longer".to_owned()),
            _ => None,
        };
        let args = LlmArgs {
            provider: Some(Provider::Vllm),
            base_url: Some("http://u:hunter22@h/v1".into()),
            model: Some("m".into()),
            redact_env: vec!["OTHER".into()],
            ..LlmArgs::default()
        };
        let settings = resolve(&args, &FileSettings::default(), &env).expect("resolves");
        let r = Redactor::new(&settings);
        assert_eq!(
            r.apply("k=sk-abc\"def, long=sk-abc\"def-longer, pw=hunter22, json=\"sk-abc\\\"def\""),
            "k=[redacted], long=[redacted], pw=[redacted], json=\"[redacted]\""
        );
        assert_eq!(r.apply("nothing here"), "nothing here");
        assert!(!format!("{r:?}").contains("hunter"));
    }
}
