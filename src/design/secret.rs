//! A value never to show: the API key, a password in the base URL, a `--redact-env` value.
//! `Debug` prints `[redacted]`; the value is reachable only through `expose`, for the one place
//! that sends it and for the redactor that removes it from everything written or printed.

use std::fmt;

/// A secret (the API key, a password in the base URL, a `redact_env` value): shown as
/// `[redacted]` by `Debug`, reachable only through `expose`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

/// The API key is the first secret.
pub type ApiKey = Secret;

impl Secret {
    pub fn new(key: String) -> Self {
        Secret(key)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("[none]")
        } else {
            f.write_str("[redacted]")
        }
    }
}
