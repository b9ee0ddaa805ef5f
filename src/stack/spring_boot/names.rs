//! Names that generated Java code cannot carry: reserved words in Java packages, spec types that
//! would hide a class the generated code uses (`List`, `UUID`), and fields or operations named like
//! a method of `java.lang.Object` (`hashCode`).
//!
//! Only `spring-boot` contexts and the contexts they call (whose types and operations the Java
//! clients declare) are looked at. Reported by `check` (MSA011); the keywords are in the stack's
//! `KEYWORDS`.

use crate::lang::Lang;
use crate::spec::model::Stack;
use crate::spec::resolve::Context;
use crate::spec::{Path, Spec};
use crate::stack::Clash;

use super::KEYWORDS;

/// Simple names the generated Java code uses inside the scope of the spec's records (the API
/// interface, the clients) or that a controller implementing the interface needs. Sorted.
const CLASSES: &[&str] = &[
    "BigDecimal",
    "Boolean",
    "CircuitBreaker",
    "CircuitBreakerRegistry",
    "Clients",
    "DeleteMapping",
    "ErrorResponseException",
    "GetMapping",
    "HttpMethod",
    "HttpStatus",
    "Integer",
    "JsonFormat",
    "JsonProperty",
    "List",
    "LocalDate",
    "Logger",
    "LoggerFactory",
    "Long",
    "MediaType",
    "NotNull",
    "OffsetDateTime",
    "Override",
    "ParameterizedTypeReference",
    "PatchMapping",
    "PathVariable",
    "PostMapping",
    "ProblemDetail",
    "PutMapping",
    "RequestBody",
    "ResponseStatus",
    "RestClient",
    "Retry",
    "RetryRegistry",
    "String",
    "UUID",
    "Valid",
];

/// Methods of `java.lang.Object`: a record component or a default method of that name does not
/// compile. Sorted.
const OBJECT_METHODS: &[&str] = &[
    "clone",
    "equals",
    "finalize",
    "getClass",
    "hashCode",
    "notify",
    "notifyAll",
    "toString",
    "wait",
];

pub fn clashes(spec: &Spec, lang: Lang) -> Vec<Clash> {
    let mut found = Vec::new();
    let out = &mut found;
    let java: Vec<&Context> = spec
        .contexts
        .iter()
        .filter(|c| c.stack == Stack::SpringBoot)
        .collect();
    let root = spec.system.java.as_ref().map_or_else(
        || format!("com.example.{}", spec.system.name.replace('-', "_")),
        |j| j.package.to_string(),
    );
    if spec.system.java.is_some() {
        let at = Path::root().key("system").key("java").key("package");
        package(&root, &at, lang, out);
    } else if !java.is_empty() {
        package(&root, &Path::root().key("system").key("name"), lang, out);
    }
    let called_by_java: std::collections::HashSet<&str> = java
        .iter()
        .flat_map(|j| j.calls.iter().map(|k| k.context.as_str()))
        .collect();
    for (i, c) in spec.contexts.iter().enumerate() {
        if c.stack != Stack::SpringBoot && !called_by_java.contains(c.name.as_str()) {
            continue;
        }
        let at = Path::root().key("contexts").index(i);
        // A derived package repeats the root (checked above) and the context's name (checked
        // with the Rust keywords); only a package written on the context is checked here.
        if c.stack == Stack::SpringBoot
            && c.java_package != format!("{root}.{}", c.name.replace('-', "_"))
        {
            package(
                &c.java_package,
                &at.clone().key("java").key("package"),
                lang,
                out,
            );
        }
        names(c, &at, lang, out);
    }
    found
}

fn names(c: &Context, at: &Path, lang: Lang, out: &mut Vec<Clash>) {
    use heck::ToUpperCamelCase;
    let pascal = c.name.to_upper_camel_case();
    let generated = [
        format!("{pascal}Api"),
        format!("{pascal}Application"),
        format!("{pascal}Controller"),
        format!("{pascal}Client"),
    ];
    let records = c
        .types
        .iter()
        .enumerate()
        .map(|(t, ty)| (at.clone().key("types").index(t), &ty.name, &ty.fields))
        .chain(c.publishes.iter().enumerate().map(|(e, ev)| {
            let path = at.clone().key("events").key("publishes").index(e);
            (path, &ev.name, &ev.fields)
        }));
    for (tp, name, fields) in records {
        if CLASSES.binary_search(&name.as_str()).is_ok() || generated.contains(name) {
            out.push(
                Clash::new(
                    tp.clone().key("name"),
                    tr!(
                        lang,
                        "type `{name}` would hide the class of that name in the generated Java code of `{}`",
                        "타입 `{name}`은(는) `{}`의 생성 Java 코드에서 같은 이름의 클래스를 가립니다",
                        c.name
                    ),
                    tr!(
                    lang,
                    "choose a more specific name, for example `{pascal}{name}`",
                    "더 구체적인 이름을 쓰세요. 예: `{pascal}{name}`"
                )),
            );
        }
        for (f, field) in fields.iter().enumerate() {
            let path = tp.clone().key("fields").index(f).key("name");
            object_method(&field.name, path, lang, out);
        }
    }
    for (o, op) in c.operations.iter().enumerate() {
        let path = at.clone().key("operations").index(o);
        object_method(&op.name, path.clone().key("name"), lang, out);
        if op.name == "notImplemented" {
            out.push(reserved(&op.name, path.key("name"), lang));
        } else if op.params.iter().any(|p| p == "body") && op.request.is_some() {
            out.push(reserved("body", path.key("path"), lang));
        }
    }
}

fn object_method(name: &str, path: Path, lang: Lang, out: &mut Vec<Clash>) {
    if OBJECT_METHODS.binary_search(&name).is_ok() {
        out.push(reserved(name, path, lang));
    }
}

fn reserved(name: &str, path: Path, lang: Lang) -> Clash {
    Clash::new(
        path,
        tr!(
            lang,
            "`{name}` is a method name the generated Java code needs for itself",
            "`{name}`은(는) 생성 Java 코드가 스스로 쓰는 메서드 이름입니다"
        ),
        tr!(
            lang,
            "choose a more specific name, for example `{name}Value`",
            "더 구체적인 이름을 쓰세요. 예: `{name}Value`"
        ),
    )
}

/// A Java package none of whose segments is a reserved word (`kr.go.public` cannot be declared)
/// and outside `java.`, which the JVM refuses to load classes into.
fn package(package: &str, path: &Path, lang: Lang, out: &mut Vec<Clash>) {
    if package == "java" || package.starts_with("java.") {
        out.push(
            Clash::new(
                path.clone(),
                tr!(
                    lang,
                    "package `{package}` is reserved for the Java platform: the JVM refuses to load classes in it",
                    "패키지 `{package}`는 Java 플랫폼 전용입니다: JVM이 그 안의 클래스를 읽지 않습니다"
                ),
                tr!(
                lang,
                "start the package with your organisation's reversed domain, like `kr.go.archive`",
                "조직 도메인을 뒤집은 이름으로 시작하세요. 예: `kr.go.archive`"
            )),
        );
    }
    let reserved = |s: &&str| KEYWORDS.binary_search(s).is_ok();
    for segment in package.split('.').filter(reserved) {
        out.push(Clash::new(
            path.clone(),
            tr!(
                lang,
                "`{segment}` in package `{package}` is a reserved word in Java",
                "패키지 `{package}`의 `{segment}`은(는) Java 예약어입니다"
            ),
            tr!(
                lang,
                "write `{segment}_` or another word in its place",
                "그 자리에 `{segment}_` 또는 다른 단어를 쓰세요"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{CLASSES, OBJECT_METHODS};

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(CLASSES.windows(2).all(|w| w[0] < w[1]));
        assert!(OBJECT_METHODS.windows(2).all(|w| w[0] < w[1]));
    }
}
