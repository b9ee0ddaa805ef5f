//! Checks a parsed document against the spec's JSON Schema and turns every violation into a finding
//! that says what is wrong in the spec's own terms (unknown key, missing key, bad name, bad duration).
//!
//! The schema is the one `msaforge schema` prints, generated from `spec::model`; this file only
//! explains its errors. It reports all of them, not just the first.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::check::{Finding, did_you_mean};
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::names::NameKind;

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
        Finding::error(
            "MSA007",
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
                let mut finding = Finding::error(
                    "MSA002",
                    path.clone().key(key),
                    tr!(lang, "unknown key `{key}`", "알 수 없는 키 `{key}`"),
                )
                .at_key();
                let list = allowed.join(", ");
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
                Finding::error(
                    "MSA003",
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
                TypeKind::Single(t) => friendly(&t.to_string()).to_owned(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| friendly(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = type_name(instance);
            let finding = if schema_path.contains("/Duration/") {
                duration_finding(path, instance, lang)
            } else {
                Finding::error(
                    "MSA004",
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
            let list = options.join(", ");
            let value = instance
                .as_str()
                .map_or_else(|| instance.to_string(), str::to_owned);
            let mut finding = Finding::error(
                "MSA005",
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
                Finding::error(
                    "MSA004",
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
            // `Option<T>` is `anyOf: [T, null]`: explain the branch that is not the null one.
            let branch = context.iter().find(|errors| {
                !errors.iter().all(|e| {
                    matches!(e.kind(), ValidationErrorKind::Type { .. })
                        && e.schema_path().as_str().ends_with("/type")
                        && is_null_branch(schema, e.schema_path().as_str())
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

fn generic(path: Path, detail: &str, lang: Lang) -> Finding {
    Finding::error(
        "MSA004",
        path,
        tr!(
            lang,
            "this value does not fit the spec format: {detail}",
            "이 값은 spec 형식에 맞지 않습니다: {detail}"
        ),
    )
    .help(tr!(
        lang,
        "see `msaforge schema` for the expected form",
        "기대하는 형식은 `msaforge schema`를 참고하세요"
    ))
}

fn range_finding(path: Path, instance: &Value, bound: &str, lang: Lang) -> Finding {
    Finding::error(
        "MSA006",
        path,
        tr!(
            lang,
            "{instance} is out of range: it must be {bound}",
            "{instance}은(는) 범위를 벗어났습니다: {bound}이어야 합니다"
        ),
    )
    .help(tr!(lang, "use a value {bound}", "{bound}인 값을 쓰세요"))
}

fn duration_finding(path: Path, instance: &Value, lang: Lang) -> Finding {
    let shown = instance
        .as_str()
        .map_or_else(|| instance.to_string(), str::to_owned);
    let mut finding = Finding::error(
        "MSA015",
        path,
        tr!(
            lang,
            "`{shown}` is not a duration",
            "`{shown}`은(는) 올바른 기간 값이 아닙니다"
        ),
    );
    let hint = match instance {
        Value::Number(n) if n.as_u64().is_some_and(|n| n > 0) => Some(tr!(
            lang,
            "add a unit: `{n}s` or `{n}ms`",
            "단위를 붙이세요: `{n}s` 또는 `{n}ms`"
        )),
        Value::String(s) => crate::spec::names::suggest_duration(s)
            .map(|valid| tr!(lang, "write `{valid}`", "`{valid}`로 쓰세요")),
        _ => None,
    };
    finding = finding.help(hint.unwrap_or_else(|| {
        tr!(
            lang,
            "write a whole number and a unit: `500ms`, `2s`, `15m`, `4h`, `1d`, or `0`",
            "정수와 단위로 쓰세요: `500ms`, `2s`, `15m`, `4h`, `1d` 또는 `0`"
        )
    }));
    finding
}

fn pattern_finding(
    path: Path,
    schema_path: &str,
    instance: &Value,
    kind: &ValidationErrorKind,
    lang: Lang,
) -> Finding {
    let shown = instance.as_str().unwrap_or_default().to_owned();
    if schema_path.contains("/Duration/") {
        return duration_finding(path, instance, lang);
    }
    if let Some(name_kind) = NameKind::from_schema_path(schema_path) {
        let label = name_kind.label();
        let (message, max) = match kind {
            ValidationErrorKind::MaxLength { limit } => (
                tr!(
                    lang,
                    "`{shown}` is too long: names here may have at most {limit} characters",
                    "`{shown}`이(가) 너무 깁니다: 여기 이름은 최대 {limit}자입니다"
                ),
                true,
            ),
            _ => (
                tr!(
                    lang,
                    "`{shown}` is not a valid name: names here are ASCII {label}",
                    "`{shown}`은(는) 올바른 이름이 아닙니다: 여기 이름은 ASCII {label}이어야 합니다"
                ),
                false,
            ),
        };
        let finding = Finding::error("MSA010", path, message);
        let suggestion = if max { None } else { name_kind.suggest(&shown) };
        return match suggestion {
            Some(s) if shown.is_ascii() => finding.help(tr!(lang, "try `{s}`", "`{s}`처럼 쓰세요")),
            Some(s) => finding.help(tr!(
                lang,
                "try `{s}`; put any non-ASCII wording in `title`",
                "`{s}`처럼 쓰고, 한글 등 비ASCII 표현은 `title`에 쓰세요"
            )),
            None if max => finding.help(tr!(
                lang,
                "shorten it; service, DNS and Kubernetes names are built from it",
                "줄이세요. 서비스, DNS, 쿠버네티스 이름이 이것으로 만들어집니다"
            )),
            None => finding.help(tr!(
                lang,
                "use ASCII letters and digits ({label}); put any non-ASCII wording in `title`",
                "ASCII 영문자와 숫자({label})를 쓰고, 한글 등은 `title`에 쓰세요"
            )),
        };
    }
    let (what, example) = if schema_path.contains("/prefix/") {
        (tr!(lang, "a gateway prefix", "게이트웨이 접두사"), "/api")
    } else if schema_path.contains("/path/") {
        (
            tr!(lang, "an operation path", "오퍼레이션 경로"),
            "/v1/shelves/{id}",
        )
    } else if schema_path.contains("/ignore/") {
        (tr!(lang, "a rule code", "규칙 코드"), "MSA110")
    } else {
        (tr!(lang, "a type name", "타입 이름"), "Shelf[]")
    };
    let dot_segment = schema_path.contains("/path/")
        && shown
            .split('/')
            .any(|seg| !seg.is_empty() && seg.chars().all(|c| c == '.'));
    let help = if dot_segment {
        tr!(
            lang,
            "remove the `.` and `..` segments: clients and nginx resolve them away, so the route would never match",
            "`.`과 `..` 세그먼트를 빼세요: 클라이언트와 nginx가 이를 정리하므로 이 라우트는 절대 일치하지 않습니다"
        )
    } else {
        tr!(lang, "write it like `{example}`", "`{example}`처럼 쓰세요")
    };
    Finding::error(
        "MSA016",
        path,
        tr!(
            lang,
            "`{shown}` is not {what}",
            "`{shown}`은(는) 올바른 {what}이(가) 아닙니다"
        ),
    )
    .help(help)
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
fn friendly(schema_type: &str) -> &'static str {
    match schema_type {
        "object" => "a mapping",
        "array" => "a list",
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        _ => "nothing (null)",
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
