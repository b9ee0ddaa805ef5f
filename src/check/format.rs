//! The format family: codes for a file that is not a spec of the documented form, and the findings
//! for values of the wrong form (numbers out of range, durations, names, paths). The loader
//! (`check::check_bytes`: MSA001, and MSA004 when the types refuse a value) and the JSON Schema
//! (`check::schema`: MSA002-MSA007, MSA010, MSA015, MSA016) emit them.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::names::NameKind;

pub static MSA001: Rule = Rule {
    code: "MSA001",
    name: "unreadable-file",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "The file is not a readable YAML or JSON document (empty, too large, binary, or a syntax error).",
        ko: "파일을 YAML이나 JSON 문서로 읽을 수 없습니다 (비어 있음, 너무 큼, 이진 데이터, 문법 오류).",
    },
    why: Text {
        en: "Nothing else can be checked until the file parses. Limits on size, nesting and aliases also stop YAML bombs.",
        ko: "파일이 파싱되어야 나머지를 검사할 수 있습니다. 크기, 중첩, 별칭 한도는 YAML 폭탄도 막습니다.",
    },
    fix: Text {
        en: "Fix the syntax at the reported line; indent with spaces; save as UTF-8.",
        ko: "보고된 줄의 문법을 고치고, 공백으로 들여쓰고, UTF-8로 저장하세요.",
    },
    source: "YAML 1.2 specification; OWASP on entity-expansion (billion laughs) attacks",
};

pub static MSA002: Rule = Rule {
    code: "MSA002",
    name: "unknown-key",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A key that the spec format does not define.",
        ko: "spec 형식에 없는 키입니다.",
    },
    why: Text {
        en: "A misspelt key would otherwise be silently ignored, and the setting you meant would never apply.",
        ko: "철자가 틀린 키를 그냥 무시하면 의도한 설정이 적용되지 않습니다.",
    },
    fix: Text {
        en: "Use the suggested key, or see `msaforge schema` for the keys allowed at that place.",
        ko: "제안된 키를 쓰거나 `msaforge schema`에서 그 위치에 허용되는 키를 확인하세요.",
    },
    source: "JSON Schema `additionalProperties: false`",
};

pub static MSA003: Rule = Rule {
    code: "MSA003",
    name: "missing-key",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A required key is missing.",
        ko: "필수 키가 없습니다.",
    },
    why: Text {
        en: "Generators need it; guessing a default would hide a design decision.",
        ko: "생성기에 필요한 값이며, 기본값을 추측하면 설계 결정을 숨기게 됩니다.",
    },
    fix: Text {
        en: "Add the key with a value of the documented form.",
        ko: "문서화된 형식의 값으로 키를 추가하세요.",
    },
    source: "JSON Schema `required`",
};

pub static MSA004: Rule = Rule {
    code: "MSA004",
    name: "wrong-type",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A value of the wrong kind (for example a list where a mapping belongs).",
        ko: "값의 종류가 틀렸습니다 (예: 매핑 자리에 목록).",
    },
    why: Text {
        en: "The generators read typed values; a wrong kind cannot be interpreted safely.",
        ko: "생성기는 형식이 정해진 값을 읽으므로 잘못된 종류는 안전하게 해석할 수 없습니다.",
    },
    fix: Text {
        en: "Write the value in the expected form; `msaforge schema` shows every form.",
        ko: "기대하는 형식으로 쓰세요. `msaforge schema`에 모든 형식이 있습니다.",
    },
    source: "JSON Schema `type`",
};

pub static MSA005: Rule = Rule {
    code: "MSA005",
    name: "not-allowed-value",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A value outside its fixed list (stack, store, method, strategy...).",
        ko: "정해진 목록(stack, store, method, strategy 등)에 없는 값입니다.",
    },
    why: Text {
        en: "Each allowed value maps to generated code and manifests; others have none.",
        ko: "허용된 값마다 생성 코드와 매니페스트가 있고, 그 밖의 값에는 없습니다.",
    },
    fix: Text {
        en: "Use one of the listed values.",
        ko: "나열된 값 중 하나를 쓰세요.",
    },
    source: "JSON Schema `enum`",
};

pub static MSA006: Rule = Rule {
    code: "MSA006",
    name: "out-of-range",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A number outside its range (a DR grade of 7, a negative rate limit, a timeout of 0).",
        ko: "범위를 벗어난 숫자입니다 (DR 등급 7, 음수 요청 한도, 타임아웃 0 등).",
    },
    why: Text {
        en: "Out-of-range numbers have no meaning in the generated configuration.",
        ko: "범위를 벗어난 숫자는 생성되는 설정에서 의미가 없습니다.",
    },
    fix: Text {
        en: "Use a value inside the stated range.",
        ko: "명시된 범위 안의 값을 쓰세요.",
    },
    source: "JSON Schema `minimum` / `maximum`",
};

pub static MSA007: Rule = Rule {
    code: "MSA007",
    name: "format-version",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "The file declares a format version this msaforge does not read.",
        ko: "이 msaforge가 읽지 못하는 형식 버전입니다.",
    },
    why: Text {
        en: "Fields change meaning between versions; reading another version field by field would mislead.",
        ko: "버전마다 필드 의미가 달라 다른 버전을 읽으면 오해를 낳습니다.",
    },
    fix: Text {
        en: "Write `msaforge: 1`, or use the msaforge release that matches the file.",
        ko: "`msaforge: 1`로 쓰거나 파일에 맞는 msaforge 버전을 쓰세요.",
    },
    source: "msaforge spec format",
};

pub static MSA010: Rule = Rule {
    code: "MSA010",
    name: "invalid-name",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A name that is not the ASCII form its place requires (kebab-case contexts, PascalCase types, camelCase operations and fields).",
        ko: "위치에 맞는 ASCII 형식이 아닌 이름입니다 (컨텍스트는 kebab-case, 타입은 PascalCase, 오퍼레이션과 필드는 camelCase).",
    },
    why: Text {
        en: "Names become Rust and Java identifiers, URL segments, DNS labels and Kubernetes names; only ASCII identifiers work in all of them.",
        ko: "이름은 Rust·Java 식별자, URL, DNS 레이블, 쿠버네티스 이름이 되며, 모두에서 통하는 것은 ASCII 식별자뿐입니다.",
    },
    fix: Text {
        en: "Use the suggested spelling; keep Korean wording in `title`, `purpose` and `description`.",
        ko: "제안된 표기를 쓰고, 한글 표현은 `title`, `purpose`, `description`에 두세요.",
    },
    source: "RFC 1035 section 2.3.1; Kubernetes object names (DNS-1035 labels)",
};

pub static MSA015: Rule = Rule {
    code: "MSA015",
    name: "bad-duration",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A duration that cannot be read: durations are a whole number and a unit (`500ms`, `2s`, `15m`, `4h`, `1d`) or `0`.",
        ko: "읽을 수 없는 기간 값입니다: 정수와 단위(`500ms`, `2s`, `15m`, `4h`, `1d`) 또는 `0`이어야 합니다.",
    },
    why: Text {
        en: "Timeouts, RTO and RPO drive generated configuration; a guessed unit is a wrong timeout.",
        ko: "타임아웃, RTO, RPO는 생성 설정을 좌우하므로 단위를 추측하면 잘못된 값이 됩니다.",
    },
    fix: Text {
        en: "Add the unit, remove spaces, use whole numbers (`90m`, not `1.5h`).",
        ko: "단위를 붙이고 공백을 빼고 정수로 쓰세요 (`1.5h`가 아니라 `90m`).",
    },
    source: "msaforge spec format",
};

pub static MSA016: Rule = Rule {
    code: "MSA016",
    name: "malformed-value",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A path, prefix, type reference or rule code that is not of its documented form.",
        ko: "경로, 접두사, 타입 참조, 규칙 코드가 문서화된 형식이 아닙니다.",
    },
    why: Text {
        en: "These values are copied into routes and code; a malformed one breaks them.",
        ko: "이 값들은 라우트와 코드로 복사되므로 형식이 틀리면 그것들이 깨집니다.",
    },
    fix: Text {
        en: "Follow the example in the message.",
        ko: "메시지의 예처럼 쓰세요.",
    },
    source: "msaforge spec format",
};

pub(super) fn generic(path: Path, detail: &str, lang: Lang) -> Finding {
    // The validator's own words are English: the Korean message says the same without them.
    Finding::new(
        &MSA004,
        path,
        tr!(
            lang,
            "this value does not fit the spec format: {detail}",
            "이 값은 spec 형식에 맞지 않습니다"
        ),
    )
    .help(tr!(
        lang,
        "see `msaforge schema` for the expected form",
        "기대하는 형식은 `msaforge schema`를 참고하세요"
    ))
}

pub(super) fn range_finding(path: Path, instance: &Value, bound: &str, lang: Lang) -> Finding {
    // Integers past 64 bits arrive as floats whose digits are no longer exact: not echoed.
    let huge = instance
        .as_f64()
        .is_some_and(|x| instance.is_f64() && x.abs() >= 9_007_199_254_740_992.0);
    let message = if huge {
        tr!(
            lang,
            "this number is out of range: it must be {bound}",
            "이 숫자는 범위를 벗어났습니다: {bound}이어야 합니다"
        )
    } else {
        tr!(
            lang,
            "{instance} is out of range: it must be {bound}",
            "{instance}은(는) 범위를 벗어났습니다: {bound}이어야 합니다"
        )
    };
    Finding::new(&MSA006, path, message).help(tr!(
        lang,
        "use a value {bound}",
        "{bound}인 값을 쓰세요"
    ))
}

pub(super) fn duration_finding(path: Path, instance: &Value, lang: Lang) -> Finding {
    let shown = instance
        .as_str()
        .map_or_else(|| instance.to_string(), str::to_owned);
    let mut finding = Finding::new(
        &MSA015,
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

pub(super) fn pattern_finding(
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
        let label = match (name_kind, lang) {
            (NameKind::Value, Lang::Ko) => "`_`나 `-`로 이은 소문자 단어",
            (NameKind::JavaPackage, Lang::Ko) => "점으로 이은 소문자 세그먼트(`kr.go.archive`)",
            _ => name_kind.label(),
        };
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
        let finding = Finding::new(&MSA010, path, message);
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
    Finding::new(
        &MSA016,
        path,
        tr!(
            lang,
            "`{shown}` is not {what}",
            "`{shown}`은(는) 올바른 {what}이(가) 아닙니다"
        ),
    )
    .help(help)
}
