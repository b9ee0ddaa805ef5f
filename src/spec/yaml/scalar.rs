//! YAML 1.2 core-schema resolution of one scalar: null, booleans, integers (64 bits and past them,
//! octal, hex), floats, or a string. Pure: it neither sees the document nor reports places.

use std::borrow::Cow;

use saphyr_parser::{ScalarStyle, Tag};
use serde_json::Value;

/// YAML 1.2 core schema (section 10.3.2): plain scalars may be null, booleans, integers or floats;
/// quoted and block scalars are strings. `!!str` forces a string; other tags are refused. A `\r`
/// escape becomes a line feed: titles are copied into comments, where a lone CR is invalid TOML.
pub(super) fn resolve(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, String> {
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    if let Some(tag) = tag {
        if !tag.is_yaml_core_schema() {
            return Err(format!(
                "tag `{}{}` is not supported; a spec uses plain YAML values",
                tag.handle, tag.suffix
            ));
        }
        if tag.suffix == "str" {
            return Ok(Value::String(text.into_owned()));
        }
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.into_owned()));
    }
    let s = text.as_ref();
    Ok(match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(s).unwrap_or_else(|| Value::String(text.into_owned())),
    })
}

fn number(s: &str) -> Option<Value> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let t = s.trim_start_matches('+');
        // Too large for 64 bits: still a number (the schema then says it is out of range), not
        // a string of digits.
        return t
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| t.parse::<u64>().map(Value::from))
            .ok()
            .or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            });
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(Value::from);
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Value::from);
    }
    let float_chars = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_chars && digits.bytes().any(|b| b.is_ascii_digit()) && digits.contains(['.', 'e', 'E'])
    {
        return s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_scalars() {
        let plain =
            |s: &str| resolve(Cow::Borrowed(s), ScalarStyle::Plain, None).expect("resolves");
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("true"), Value::Bool(true));
        assert_eq!(plain("yes"), Value::String("yes".into()));
        assert_eq!(plain("42"), Value::from(42));
        assert_eq!(plain("-7"), Value::from(-7));
        assert!(
            plain("99999999999999999999").is_f64(),
            "a number, not a string"
        );
        assert_eq!(plain("0x1F"), Value::from(31));
        assert_eq!(plain("1.5"), serde_json::json!(1.5));
        assert_eq!(plain("1.5h"), Value::String("1.5h".into()));
        assert_eq!(plain(".inf"), Value::String(".inf".into()));
        let quoted =
            resolve(Cow::Borrowed("42"), ScalarStyle::DoubleQuoted, None).expect("resolves");
        assert_eq!(quoted, Value::String("42".into()));
        let crlf = resolve(Cow::Borrowed("a\r\nb\rc"), ScalarStyle::DoubleQuoted, None);
        assert_eq!(crlf, Ok(Value::String("a\nb\nc".into())));
    }
}
