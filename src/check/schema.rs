//! Checks a parsed document against the spec's JSON Schema and turns every violation into a finding
//! that says what is wrong in the spec's own terms (unknown key, missing key, bad name, bad duration).
//!
//! The schema is the one `msaforge schema` prints, generated from `spec::model`; this file only
//! explains its errors. It reports all of them, not just the first.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::check::format::{
    MSA002, MSA003, MSA004, MSA005, MSA007, duration_finding, generic, pattern_finding,
    range_finding,
};
use crate::check::{Finding, did_you_mean};
use crate::lang::Lang;
use crate::spec::Path;

struct Compiled {
    schema: Value,
    validator: jsonschema::Validator,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let schema = crate::spec::json_schema();
        // The schema is generated from our own types and tested; failing here is a build defect.
        #[allow(clippy::expect_used)]
        let validator =
            jsonschema::validator_for(&schema).expect("the generated spec schema compiles");
        Compiled { schema, validator }
    })
}

/// Every schema violation of `value`, as findings.
pub fn validate(value: &Value, lang: Lang) -> Vec<Finding> {
    let compiled = compiled();
    if let Some(finding) = version_finding(value, lang) {
        return vec![finding];
    }
    // The common case, a valid document, skips collecting errors.
    if compiled.validator.is_valid(value) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for error in compiled.validator.iter_errors(value) {
        explain(&compiled.schema, &error, value, lang, &mut out);
    }
    out
}

/// A file of another format version is not worth checking field by field.
fn version_finding(value: &Value, lang: Lang) -> Option<Finding> {
    let object = value.as_object()?;
    let version = object.get("msaforge")?;
    if version.as_u64() == Some(1) {
        return None;
    }
    let path = Path::root().key("msaforge");
    Some(
        Finding::new(
            &MSA007,
            path,
            tr!(
                lang,
                "unsupported format version {version}; this msaforge reads version 1",
                "지원하지 않는 형식 버전 {version}입니다. 이 msaforge는 버전 1을 읽습니다"
            ),
        )
        .help(tr!(
            lang,
            "write `msaforge: 1` at the top of the file",
            "파일 맨 위에 `msaforge: 1`을 쓰세요"
        )),
    )
}

fn explain(
    schema: &Value,
    error: &jsonschema::ValidationError<'_>,
    root: &Value,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    let path = Path::from_pointer(error.instance_path().as_str());
    let schema_path = error.schema_path().as_str();
    let instance = root
        .pointer(error.instance_path().as_str())
        .unwrap_or(&Value::Null);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, schema_path);
            for key in unexpected {
                let mut finding = Finding::new(
                    &MSA002,
                    path.clone().key(key),
                    tr!(lang, "unknown key `{key}`", "알 수 없는 키 `{key}`"),
                )
                .at_key();
                let list = allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                finding = match did_you_mean(key, allowed.iter().map(String::as_str)) {
                    Some(near) => finding.help(tr!(
                        lang,
                        "did you mean `{near}`?",
                        "`{near}`을(를) 의도했나요?"
                    )),
                    None => finding.help(tr!(
                        lang,
                        "keys allowed here: {list}",
                        "여기서 쓸 수 있는 키: {list}"
                    )),
                };
                out.push(finding);
            }
        }
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
            out.push(
                Finding::new(
                    &MSA003,
                    path,
                    tr!(
                        lang,
                        "missing required key `{key}`",
                        "필수 키 `{key}`이(가) 없습니다"
                    ),
                )
                .at_key()
                .help(tr!(
                    lang,
                    "add `{key}:` here (see `msaforge schema` for its form)",
                    "여기에 `{key}:`를 추가하세요 (형식은 `msaforge schema` 참고)"
                )),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => friendly(&t.to_string(), lang).to_owned(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| friendly(&t.to_string(), lang))
                    .collect::<Vec<_>>()
                    .join(lang.pick(" or ", " 또는 ")),
            };
            let found = type_name(instance, lang);
            let finding = if schema_path.contains("/Duration/") {
                duration_finding(path, instance, lang)
            } else {
                Finding::new(
                    &MSA004,
                    path,
                    tr!(
                        lang,
                        "expected {expected}, found {found}",
                        "{expected} 값이어야 하는데 {found} 값입니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "write {expected} here (see `msaforge schema`)",
                    "여기에는 {expected} 값을 쓰세요 (`msaforge schema` 참고)"
                ))
            };
            out.push(finding);
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let list = options
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let value = instance
                .as_str()
                .map_or_else(|| instance.to_string(), str::to_owned);
            let mut finding = Finding::new(
                &MSA005,
                path,
                tr!(
                    lang,
                    "`{value}` is not one of: {list}",
                    "`{value}`은(는) 다음 중 하나가 아닙니다: {list}"
                ),
            );
            if let Some(near) = did_you_mean(&value, options.iter().map(String::as_str)) {
                finding = finding.help(tr!(
                    lang,
                    "did you mean `{near}`?",
                    "`{near}`을(를) 의도했나요?"
                ));
            } else {
                finding = finding.help(tr!(
                    lang,
                    "use one of: {list}",
                    "다음 중 하나를 쓰세요: {list}"
                ));
            }
            out.push(finding);
        }
        ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::MinLength { .. } => {
            out.push(pattern_finding(
                path,
                schema_path,
                instance,
                error.kind(),
                lang,
            ));
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit }
            if schema_path.contains("/Duration/") =>
        {
            let _ = limit;
            out.push(duration_finding(path, instance, lang));
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.push(range_finding(
                path,
                instance,
                &tr!(lang, "at least {limit}", "{limit} 이상"),
                lang,
            ));
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.push(range_finding(
                path,
                instance,
                &tr!(lang, "at most {limit}", "{limit} 이하"),
                lang,
            ));
        }
        ValidationErrorKind::MinItems { limit } => {
            out.push(
                Finding::new(
                    &MSA004,
                    path,
                    tr!(
                        lang,
                        "this list is empty: it needs at least {limit} item(s)",
                        "이 목록이 비어 있습니다: 항목이 {limit}개 이상 필요합니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "add an item (a spec without contexts has nothing to check or generate)",
                    "항목을 추가하세요 (컨텍스트가 없는 spec은 검사하거나 생성할 것이 없습니다)"
                )),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // Explain the branch of the value's own shape (a mapping where a table may be a
            // name or a mapping); else, for `Option<T>` (`anyOf: [T, null]`), the non-null one.
            let wrong_shape = |e: &jsonschema::ValidationError<'_>| {
                matches!(e.kind(), ValidationErrorKind::Type { .. })
                    && e.instance_path() == error.instance_path()
            };
            let branch = context
                .iter()
                .find(|errors| !errors.iter().all(wrong_shape))
                .or_else(|| {
                    context.iter().find(|errors| {
                        !errors.iter().all(|e| {
                            matches!(e.kind(), ValidationErrorKind::Type { .. })
                                && e.schema_path().as_str().ends_with("/type")
                                && is_null_branch(schema, e.schema_path().as_str())
                        })
                    })
                });
            match branch {
                Some(errors) => errors
                    .iter()
                    .for_each(|e| explain(schema, e, root, lang, out)),
                None => out.push(generic(path, &error.to_string(), lang)),
            }
        }
        _ => out.push(generic(path, &error.to_string(), lang)),
    }
}

fn is_null_branch(schema: &Value, schema_path: &str) -> bool {
    let parent = schema_path.trim_end_matches("/type");
    schema
        .pointer(parent)
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        == Some("null")
}

/// The property names allowed by the object schema that owns `schema_path`'s keyword.
fn allowed_keys(schema: &Value, schema_path: &str) -> Vec<String> {
    let object_path = schema_path.rsplit_once('/').map_or("", |(head, _)| head);
    schema
        .pointer(object_path)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// JSON Schema type names in YAML terms.
fn friendly(schema_type: &str, lang: Lang) -> &'static str {
    let (en, ko) = match schema_type {
        "object" => ("a mapping", "매핑"),
        "array" => ("a list", "목록"),
        "string" => ("a string", "문자열"),
        "integer" => ("a whole number", "정수"),
        "number" => ("a number", "숫자"),
        "boolean" => ("true or false", "참/거짓(true, false)"),
        _ => ("nothing (null)", "빈 값(null)"),
    };
    lang.pick(en, ko)
}

fn type_name(v: &Value, lang: Lang) -> &'static str {
    let (en, ko) = match v {
        Value::Null => ("nothing (null)", "빈 값(null)"),
        Value::Bool(_) => ("a boolean", "참/거짓"),
        Value::Number(_) => ("a number", "숫자"),
        Value::String(_) => ("a string", "문자열"),
        Value::Array(_) => ("a list", "목록"),
        Value::Object(_) => ("a mapping", "매핑"),
    };
    lang.pick(en, ko)
}
