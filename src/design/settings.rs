//! The checked settings of one design run (`Settings`) and how they are made: `resolve` merges
//! flags, environment and `msaforge.toml` (`sources`) over the provider preset (`provider`) and
//! rejects what cannot work. It never prints the API key or any other secret (`Secret`'s `Debug`
//! redacts it) and never talks to the network.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::error::DesignError;
use super::provider::TOTAL_TIMEOUT;
pub use super::provider::{FormatMode, Provider};
pub use super::secret::{ApiKey, Secret};
pub use super::sources::{Env, FileSettings, LlmArgs, process_env, read_file};

/// Checked settings of one design run; `Debug` shows no secret (the base URL without its password).
#[derive(Clone)]
pub struct Settings {
    pub provider: Provider,
    pub base_url: String,
    pub model: String,
    pub api_key: ApiKey,
    /// Other values never to show: a password in the base URL, `redact_env` values.
    pub secrets: Vec<Secret>,
    pub temperature: f32,
    pub max_tokens: u32,
    /// The server's context window, when known: `max_tokens` is sized to fit in it.
    pub context: Option<u32>,
    pub idle_timeout: Duration,
    pub timeout: Duration,
    pub rounds: u32,
    pub format_mode: FormatMode,
    pub schema_in_prompt: bool,
    /// Instructions go into the first user message (no system message).
    pub fold_system: bool,
    /// Ask for server-sent events and put the answer together from the chunks.
    pub stream: bool,
    /// Extra CA certificates (PEM) for TLS, added to the system store.
    pub ca_cert: Option<PathBuf>,
    pub api_version: String,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base_url = match url_password(&self.base_url) {
            Some(p) => self.base_url.replace(p.expose(), "[redacted]"),
            None => self.base_url.clone(),
        };
        f.debug_struct("Settings")
            .field("provider", &self.provider)
            .field("base_url", &base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key)
            .field("secrets", &self.secrets)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("context", &self.context)
            .field("idle_timeout", &self.idle_timeout)
            .field("timeout", &self.timeout)
            .field("rounds", &self.rounds)
            .field("format_mode", &self.format_mode)
            .field("schema_in_prompt", &self.schema_in_prompt)
            .field("fold_system", &self.fold_system)
            .field("stream", &self.stream)
            .field("ca_cert", &self.ca_cert)
            .field("api_version", &self.api_version)
            .finish()
    }
}

/// Merges flags, environment and file into checked settings. Precedence: flag, environment, file,
/// preset.
pub fn resolve(args: &LlmArgs, file: &FileSettings, env: Env<'_>) -> Result<Settings, DesignError> {
    let chosen = args.provider.or(file.provider);
    let provider = chosen.unwrap_or(Provider::Openai);
    // OPENAI_BASE_URL belongs to OpenAI-style setups: a chosen local preset wins over it.
    let openai_base =
        || env("OPENAI_BASE_URL").filter(|_| chosen.is_none_or(|p| p == Provider::Openai));
    let given_base = args
        .base_url
        .clone()
        .or_else(|| env("MSAFORGE_LLM_BASE_URL"))
        .or_else(|| file.base_url.clone())
        .or_else(openai_base);
    let model = args
        .model
        .clone()
        .or_else(|| env("MSAFORGE_LLM_MODEL"))
        .or_else(|| file.model.clone());
    let Some(model) = model else {
        // A provider or an endpoint was named: only the model is missing.
        return Err(match (chosen, &given_base) {
            (None, None) => DesignError::NotConfigured,
            _ => DesignError::MissingModel {
                provider: provider.as_str(),
            },
        });
    };
    let Some(base_url) = given_base.or_else(|| provider.default_base_url().map(str::to_owned))
    else {
        return Err(DesignError::BadSetting(format!(
            "the {} provider has no default base URL: pass --base-url https://NAME.openai.azure.com",
            provider.as_str()
        )));
    };
    let host = base_url
        .strip_prefix("http://")
        .or_else(|| base_url.strip_prefix("https://"));
    if host.is_none_or(|h| h.trim_start_matches('/').is_empty()) {
        return Err(DesignError::BadSetting(format!(
            "the base URL `{base_url}` must be an http:// or https:// URL, like http://127.0.0.1:8080/v1"
        )));
    }
    let key_var = args
        .api_key_env
        .clone()
        .or_else(|| file.api_key_env.clone());
    let api_key = match &key_var {
        Some(var) => env(var),
        None => env("MSAFORGE_LLM_API_KEY").or_else(|| env("OPENAI_API_KEY")),
    }
    .map(Secret::new)
    .unwrap_or_default();
    if provider.needs_key() && api_key.is_empty() {
        return Err(DesignError::MissingKey {
            provider: provider.as_str(),
            var: key_var.unwrap_or_else(|| "MSAFORGE_LLM_API_KEY".into()),
        });
    }
    let mut secrets: Vec<Secret> = url_password(&base_url).into_iter().collect();
    let redact_vars = args
        .redact_env
        .iter()
        .chain(file.redact_env.iter().flatten());
    for var in redact_vars {
        match env(var) {
            Some(value) => secrets.push(Secret::new(value)),
            None => {
                return Err(DesignError::BadSetting(format!(
                    "--redact-env names ${var}, which is not set"
                )));
            }
        }
    }
    let rounds = args.rounds.or(file.rounds).unwrap_or(3);
    if rounds == 0 {
        return Err(DesignError::BadSetting(
            "--rounds must be at least 1".into(),
        ));
    }
    let seconds =
        |flag: Option<u64>, file: Option<u64>, name: &str, default: Duration| match flag.or(file) {
            Some(0) => Err(DesignError::BadSetting(format!(
                "--{name} must be at least 1 second"
            ))),
            Some(s) => Ok(Duration::from_secs(s)),
            None => Ok(default),
        };
    let timeout = seconds(args.timeout, file.timeout, "timeout", TOTAL_TIMEOUT)?;
    let idle_timeout = seconds(
        args.idle_timeout,
        file.idle_timeout,
        "idle-timeout",
        provider.idle_timeout(),
    )?
    .min(timeout);
    let context = args.context.or(file.context).or_else(|| provider.context());
    if context.is_some_and(|c| c < 1024) {
        return Err(DesignError::BadSetting(
            "--context must be at least 1024 tokens: a design prompt alone is several thousand"
                .into(),
        ));
    }
    Ok(Settings {
        provider,
        base_url: base_url.trim_end_matches('/').to_owned(),
        model,
        api_key,
        secrets,
        temperature: args.temperature.or(file.temperature).unwrap_or(0.0),
        max_tokens: args.max_tokens.or(file.max_tokens).unwrap_or(8192),
        context,
        idle_timeout,
        timeout,
        rounds,
        format_mode: args
            .format_mode
            .or(file.format_mode)
            .unwrap_or_else(|| provider.default_format()),
        schema_in_prompt: provider.schema_in_prompt(),
        stream: !args.no_stream && file.stream.unwrap_or(true),
        fold_system: args.fold_system || file.fold_system.unwrap_or_else(|| provider.fold_system()),
        ca_cert: args
            .ca_cert
            .clone()
            .or_else(|| env("MSAFORGE_LLM_CA_CERT").map(PathBuf::from))
            .or_else(|| file.ca_cert.clone()),
        api_version: file
            .api_version
            .clone()
            .unwrap_or_else(|| "2024-10-21".into()),
    })
}

/// The password of `https://user:password@host/v1`, a secret like the key.
fn url_password(url: &str) -> Option<Secret> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| Secret::new(password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let env = env_of(&[("OPENAI_API_KEY", "sk-very-secret-123")]);
        let args = LlmArgs {
            model: Some("gpt-x".into()),
            ..LlmArgs::default()
        };
        let settings = resolve(&args, &FileSettings::default(), &env).expect("resolves");
        assert_eq!(settings.api_key.expose(), "sk-very-secret-123");
        let shown = format!("{settings:?} {settings:#?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_preset() {
        let env = env_of(&[
            ("MSAFORGE_LLM_MODEL", "env-model"),
            ("MSAFORGE_LLM_BASE_URL", "http://env/v1/"),
        ]);
        let file = FileSettings {
            provider: Some(Provider::Llamacpp),
            model: Some("file-model".into()),
            rounds: Some(5),
            ..FileSettings::default()
        };
        let s = resolve(&LlmArgs::default(), &file, &env).expect("resolves");
        assert_eq!(
            (s.model.as_str(), s.base_url.as_str(), s.rounds),
            ("env-model", "http://env/v1", 5)
        );
        assert_eq!(s.format_mode, FormatMode::JsonObject);
        let args = LlmArgs {
            model: Some("flag-model".into()),
            format_mode: Some(FormatMode::Prompt),
            ..LlmArgs::default()
        };
        let s = resolve(&args, &file, &env).expect("resolves");
        assert_eq!(s.model, "flag-model");
        assert_eq!(s.format_mode, FormatMode::Prompt);
        let s = resolve(&args, &file, &env_of(&[])).expect("resolves");
        assert_eq!(s.base_url, "http://127.0.0.1:8080/v1");
        let openai_env = env_of(&[("OPENAI_BASE_URL", "https://proxy/v1")]);
        let s = resolve(&args, &file, &openai_env).expect("resolves");
        assert_eq!(
            s.base_url, "http://127.0.0.1:8080/v1",
            "the llamacpp preset wins"
        );
        let s = resolve(&args, &FileSettings::default(), &openai_env);
        assert!(matches!(s, Err(DesignError::MissingKey { .. })));
    }

    #[test]
    fn no_model_means_not_configured_and_hosted_needs_a_key() {
        let none = env_of(&[]);
        assert!(matches!(
            resolve(&LlmArgs::default(), &FileSettings::default(), &none),
            Err(DesignError::NotConfigured)
        ));
        let ollama = LlmArgs {
            provider: Some(Provider::Ollama),
            ..LlmArgs::default()
        };
        assert!(matches!(
            resolve(&ollama, &FileSettings::default(), &none),
            Err(DesignError::MissingModel { provider: "ollama" })
        ));
        let args = LlmArgs {
            model: Some("gpt-x".into()),
            ..LlmArgs::default()
        };
        assert!(matches!(
            resolve(&args, &FileSettings::default(), &none),
            Err(DesignError::MissingKey { .. })
        ));
        let local = LlmArgs {
            provider: Some(Provider::Ollama),
            ..args
        };
        assert!(resolve(&local, &FileSettings::default(), &none).is_ok());
        for bad in ["not a url", "127.0.0.1:8080/v1", "http://", "ftp://host/v1"] {
            let args = LlmArgs {
                base_url: Some(bad.into()),
                ..local.clone()
            };
            let s = resolve(&args, &FileSettings::default(), &none);
            assert!(matches!(s, Err(DesignError::BadSetting(_))), "{bad}");
        }
    }

    #[test]
    fn secrets_and_preset_timeouts() {
        let env = env_of(&[
            ("CORP_TOKEN", "tok-secret-99"),
            ("MSAFORGE_LLM_CA_CERT", "/etc/ca.pem"),
        ]);
        let args = LlmArgs {
            provider: Some(Provider::Vllm),
            base_url: Some("https://me:pa55word@gpu-box/v1".into()),
            model: Some("m".into()),
            redact_env: vec!["CORP_TOKEN".into()],
            ..LlmArgs::default()
        };
        let s = resolve(&args, &FileSettings::default(), &env).expect("resolves");
        let shown: Vec<&str> = s.secrets.iter().map(Secret::expose).collect();
        assert_eq!(shown, ["pa55word", "tok-secret-99"]);
        assert!(!format!("{s:?}").contains("pa55word"));
        assert_eq!(
            s.ca_cert.as_deref(),
            Some(std::path::Path::new("/etc/ca.pem"))
        );
        assert_eq!((s.idle_timeout.as_secs(), s.timeout.as_secs()), (600, 3600));
        assert_eq!(s.context, Some(16_384));
        assert!(s.stream);
        let missing = LlmArgs {
            redact_env: vec!["UNSET".into()],
            ..args.clone()
        };
        assert!(matches!(
            resolve(&missing, &FileSettings::default(), &env),
            Err(DesignError::BadSetting(_))
        ));
        let hosted = LlmArgs {
            provider: Some(Provider::Openai),
            idle_timeout: Some(5000),
            timeout: Some(60),
            no_stream: true,
            ..args
        };
        let env = env_of(&[("OPENAI_API_KEY", "k"), ("CORP_TOKEN", "t")]);
        let s = resolve(&hosted, &FileSettings::default(), &env).expect("resolves");
        assert_eq!(s.idle_timeout.as_secs(), 60, "never longer than the total");
        assert_eq!(s.context, None);
        assert!(!s.stream);
    }
}
