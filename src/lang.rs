//! The language of messages: English or Korean, from `--lang` or the `LANG` family of variables.
//!
//! Only picks between texts; the texts live next to the code that says them.

use clap::ValueEnum;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// Korean when `LC_ALL`, `LC_MESSAGES` or `LANG` (the first that is set) starts with `ko`.
    pub fn from_env() -> Self {
        Self::from_locale(
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
                .as_deref(),
        )
    }

    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("ko") => Lang::Ko,
            _ => Lang::En,
        }
    }

    /// Picks the text for this language.
    pub fn pick<T>(self, en: T, ko: T) -> T {
        match self {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }
}

/// `tr!(lang, "English {x}", "한국어 {x}")`: formats the text of the chosen language.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $en:literal, $ko:literal $(,)?) => {
        match $lang {
            $crate::lang::Lang::En => format!($en),
            $crate::lang::Lang::Ko => format!($ko),
        }
    };
    ($lang:expr, $en:literal, $ko:literal, $($arg:tt)+) => {
        match $lang {
            $crate::lang::Lang::En => format!($en, $($arg)+),
            $crate::lang::Lang::Ko => format!($ko, $($arg)+),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_locales_are_detected() {
        assert_eq!(Lang::from_locale(Some("ko_KR.UTF-8")), Lang::Ko);
        assert_eq!(Lang::from_locale(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(Some("C")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
    }
}
