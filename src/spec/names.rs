//! Identifier and duration newtypes of the spec, each with its JSON Schema pattern.
//!
//! The pattern lives here once: the schema export, the schema check and the error messages all read it.
//! Parsing durations into numbers is also here; deciding whether a duration makes sense is not.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $pattern:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub const PATTERN: &'static str = $pattern;
            pub const MAX_LEN: usize = $max;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "minLength": 1,
                    "maxLength": $max,
                })
            }
        }
    };
}

name_type!(
    /// kebab-case ASCII: lowercase letters, digits and single hyphens, starting with a letter.
    KebabName,
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
    40
);
name_type!(
    /// PascalCase ASCII: starts with an uppercase letter, letters and digits only.
    PascalName,
    r"^[A-Z][A-Za-z0-9]*$",
    64
);
name_type!(
    /// camelCase ASCII: starts with a lowercase letter, letters and digits only.
    CamelName,
    r"^[a-z][A-Za-z0-9]*$",
    64
);
name_type!(
    /// snake_case ASCII: lowercase letters, digits and single underscores.
    SnakeName,
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    63
);
name_type!(
    /// An enum value: lowercase ASCII words joined by `_` or `-`.
    ValueName,
    r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$",
    64
);

name_type!(
    /// A Java package: lowercase ASCII segments (letters, digits, `_`) joined by dots.
    JavaPackage,
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
    200
);

/// Which naming convention a schema pattern stands for (used to explain pattern errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Kebab,
    Pascal,
    Camel,
    Snake,
    Value,
    JavaPackage,
}

impl NameKind {
    /// Finds the convention from a schema location such as `/$defs/KebabName/pattern`.
    pub fn from_schema_path(path: &str) -> Option<Self> {
        [
            ("/KebabName/", NameKind::Kebab),
            ("/PascalName/", NameKind::Pascal),
            ("/CamelName/", NameKind::Camel),
            ("/SnakeName/", NameKind::Snake),
            ("/ValueName/", NameKind::Value),
            ("/JavaPackage/", NameKind::JavaPackage),
        ]
        .into_iter()
        .find(|(needle, _)| path.contains(needle))
        .map(|(_, kind)| kind)
    }

    pub fn label(self) -> &'static str {
        match self {
            NameKind::Kebab => "kebab-case",
            NameKind::Pascal => "PascalCase",
            NameKind::Camel => "camelCase",
            NameKind::Snake => "snake_case",
            NameKind::Value => "lowercase words joined by `_` or `-`",
            NameKind::JavaPackage => "lowercase segments joined by dots (`kr.go.archive`)",
        }
    }

    /// The closest valid name, when the input has any ASCII letters to work with.
    pub fn suggest(self, input: &str) -> Option<String> {
        use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
        let ascii: String = input
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let trimmed = ascii.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
        if trimmed.trim().is_empty() {
            return None;
        }
        let out = match self {
            NameKind::Kebab => trimmed.to_kebab_case(),
            NameKind::Pascal => trimmed.to_upper_camel_case(),
            NameKind::Camel => trimmed.to_lower_camel_case(),
            NameKind::Snake | NameKind::Value => trimmed.to_snake_case(),
            NameKind::JavaPackage => java_package(input)?,
        };
        (!out.is_empty() && out != input).then_some(out)
    }
}

/// `KR.Go.Archive` -> `kr.go.archive`, `kr.go.civil-petition` -> `kr.go.civil_petition`: each
/// dot-separated segment in snake_case; `None` when a segment cannot start with a letter.
fn java_package(input: &str) -> Option<String> {
    use heck::ToSnakeCase;
    let segments: Vec<String> = input
        .split('.')
        .map(|s| {
            let ascii: String = s.chars().filter(char::is_ascii).collect();
            ascii.to_snake_case()
        })
        .filter(|s| !s.is_empty())
        .collect();
    let out = segments.join(".");
    let valid = segments
        .iter()
        .all(|s| s.starts_with(|c: char| c.is_ascii_lowercase()));
    (valid && !out.is_empty()).then_some(out)
}

/// A duration as written: `500ms`, `2s`, `15m`, `4h`, `1d`, or `0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Duration {
    Text(String),
    Number(u64),
}

/// A parsed duration in milliseconds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Millis(pub u64);

impl Duration {
    pub const PATTERN: &'static str = r"^(0|[0-9]{1,9}(ms|s|m|h|d))$";

    /// Parses the duration; `None` when it is not of the documented form or overflows.
    pub fn parse(&self) -> Option<Millis> {
        match self {
            Duration::Number(0) => Some(Millis(0)),
            Duration::Number(_) => None,
            Duration::Text(text) => parse_duration(text),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Duration::Text(t) => f.write_str(t),
            Duration::Number(n) => write!(f, "{n}"),
        }
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // `pattern` only applies to strings and `maximum` only to numbers, so one schema without
        // `oneOf` accepts `"2s"` and `0` and gives a precise error for anything else.
        json_schema!({
            "description": "A duration: a whole number followed by ms, s, m, h or d (`500ms`, `2s`, `15m`, `4h`, `1d`), or 0.",
            "type": ["string", "integer"],
            "pattern": Duration::PATTERN,
            "minimum": 0,
            "maximum": 0,
        })
    }
}

/// The valid spelling of a duration written loosely: `2 hours` -> `2h`, `1.5h` -> `90m`, `5` -> none.
///
/// ```
/// use msaforge::spec::names::suggest_duration;
/// assert_eq!(suggest_duration("2 hours").as_deref(), Some("2h"));
/// assert_eq!(suggest_duration("1.5h").as_deref(), Some("90m"));
/// assert_eq!(suggest_duration("5"), None);
/// ```
pub fn suggest_duration(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let split = compact.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = compact.split_at(split);
    let factor: f64 = match unit {
        "ms" | "msec" | "millisecond" | "milliseconds" => 1.0,
        "s" | "sec" | "secs" | "second" | "seconds" | "초" => 1_000.0,
        "m" | "min" | "mins" | "minute" | "minutes" | "분" => 60_000.0,
        "h" | "hr" | "hrs" | "hour" | "hours" | "시간" => 3_600_000.0,
        "d" | "day" | "days" | "일" => 86_400_000.0,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    let ms = (value * factor).round();
    if !(0.0..1e15).contains(&ms) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked range just above
    let out = Millis(ms as u64).to_string();
    (out != text).then_some(out)
}

fn parse_duration(text: &str) -> Option<Millis> {
    if text == "0" {
        return Some(Millis(0));
    }
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let factor = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(factor).map(Millis)
}

impl Millis {
    pub const fn from_minutes(m: u64) -> Self {
        Millis(m * 60_000)
    }

    pub const fn from_hours(h: u64) -> Self {
        Millis(h * 3_600_000)
    }
}

impl fmt::Display for Millis {
    /// The largest unit that divides the value exactly: `15m`, `4h`, `1500ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0");
        }
        for (unit, size) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
        ] {
            if ms.is_multiple_of(size) {
                return write!(f, "{}{unit}", ms / size);
            }
        }
        write!(f, "{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_back() {
        for (text, ms) in [
            ("500ms", 500),
            ("2s", 2_000),
            ("15m", 900_000),
            ("4h", 14_400_000),
            ("1d", 86_400_000),
        ] {
            let parsed = Duration::Text(text.into()).parse();
            assert_eq!(parsed, Some(Millis(ms)), "{text}");
            assert_eq!(Millis(ms).to_string(), text);
        }
        assert_eq!(Duration::Number(0).parse(), Some(Millis(0)));
        assert_eq!(Duration::Text("0".into()).parse(), Some(Millis(0)));
    }

    #[test]
    fn bad_durations_do_not_parse() {
        for text in [
            "",
            "2",
            "2 s",
            "s",
            "2w",
            "-1s",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert_eq!(Duration::Text(text.into()).parse(), None, "{text}");
        }
        assert_eq!(Duration::Number(5).parse(), None);
    }

    #[test]
    fn loose_durations_get_a_valid_spelling() {
        assert_eq!(suggest_duration("2 hours").as_deref(), Some("2h"));
        assert_eq!(suggest_duration("1.5h").as_deref(), Some("90m"));
        assert_eq!(suggest_duration("2 s").as_deref(), Some("2s"));
        assert_eq!(suggest_duration("30 분").as_deref(), Some("30m"));
        assert_eq!(suggest_duration("5"), None);
        assert_eq!(suggest_duration("soon"), None);
    }

    #[test]
    fn suggestions_follow_the_convention() {
        assert_eq!(
            NameKind::Kebab.suggest("Storage Team").as_deref(),
            Some("storage-team")
        );
        assert_eq!(
            NameKind::Pascal.suggest("shelf_item").as_deref(),
            Some("ShelfItem")
        );
        assert_eq!(
            NameKind::Camel.suggest("get-shelf").as_deref(),
            Some("getShelf")
        );
        assert_eq!(NameKind::Kebab.suggest("서고"), None);
        assert_eq!(NameKind::Kebab.suggest("ok-name"), None);
        assert_eq!(
            NameKind::JavaPackage
                .suggest("KR.Go.civil-petition")
                .as_deref(),
            Some("kr.go.civil_petition")
        );
        assert_eq!(NameKind::JavaPackage.suggest("kr.go.archive"), None);
    }
}
