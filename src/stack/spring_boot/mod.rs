//! The `spring-boot` stack: Java 17 services on Spring Boot 3, one Maven project each.
//!
//! `view` spells the Java names templates use (`ctx.java`), `names` knows the names the generated
//! Java code cannot carry. Templates are in `templates/spring-boot/`.

pub mod db;
mod names;
pub mod view;

use heck::ToShoutySnakeCase;

use super::{Build, NameKind, StackDef, TracingEnv};
use crate::spec::model::Stack;

pub static STACK: StackDef = StackDef {
    stack: Stack::SpringBoot,
    title: "Spring Boot",
    templates: "spring-boot",
    view_key: "java",
    view: view::value,
    is_keyword,
    spell,
    clashes: names::clashes,
    build: Build::EachService(|name| format!("(cd services/{name} && mvn -B package)")),
    build_note: |_| {
        "One Maven project per Spring Boot context (Java 17, Spring Boot 3): jars in\n`services/<name>/target/<name>.jar`.".to_owned()
    },
    run: |name| format!("java -jar services/{name}/target/{name}.jar"),
    tracing_env: Some(TracingEnv {
        name: "MANAGEMENT_OTLP_TRACING_ENDPOINT",
        why: "Spring Boot 3 reads its own variable, not OTEL_EXPORTER_OTLP_ENDPOINT.",
    }),
    migrations: crate::migrate::Naming::Flyway,
};

/// Java's reserved keywords and literals (JLS 17, 3.9 and 3.10): no identifier and no package
/// segment may be one. Sorted.
const KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "true",
    "try",
    "void",
    "volatile",
    "while",
];

/// Restricted identifiers (JLS 17, 3.9): fine in a package, but no type may be named so. Sorted.
const RESTRICTED: &[&str] = &["record", "var", "yield"];

fn is_keyword(name: &str) -> bool {
    KEYWORDS.binary_search(&name).is_ok() || RESTRICTED.binary_search(&name).is_ok()
}

/// Members keep the spec's camelCase; enum constants are SHOUTY_SNAKE_CASE.
fn spell(kind: NameKind, name: &str) -> String {
    match kind {
        NameKind::Member => name.to_owned(),
        NameKind::EnumValue => name.to_shouty_snake_case(),
    }
}

#[cfg(test)]
mod tests {
    use super::{KEYWORDS, RESTRICTED};

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(RESTRICTED.windows(2).all(|w| w[0] < w[1]));
    }
}
