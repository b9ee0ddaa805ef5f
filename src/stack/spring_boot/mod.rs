//! The `spring-boot` stack: Java 17 services on Spring Boot 3, one Maven project each.
//!
//! `view` spells the Java names templates use (`ctx.java`), `names` knows the names the generated
//! Java code cannot carry. Templates are in `templates/spring-boot/`.

mod names;
pub mod view;

use heck::ToShoutySnakeCase;

use super::{Build, NameKind, Runtime, Setting, StackDef, TracingEnv};
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
    runtime: Runtime {
        env: &[
            Setting {
                name: "LOGGING_LEVEL_ROOT",
                value: "INFO",
                why: "Spring Boot's root log level (logging.level.root)",
            },
            Setting {
                name: "MANAGEMENT_TRACING_SAMPLING_PROBABILITY",
                value: "1.0",
                why: "Micrometer Tracing samples every trace: lower it under load",
            },
            Setting {
                name: "JAVA_TOOL_OPTIONS",
                value: JVM_OPTIONS,
                why: "the JVM's heap and off-heap memory within the limit (k8s README)",
            },
        ],
        memory_mib: MEMORY_MIB,
        cpu_millis: 250,
        memory_note: "limit 1024Mi = heap 512Mi (MaxRAMPercentage=50) + metaspace 128Mi + code \
            cache 64Mi + direct buffers 32Mi + 230 thread stacks of 512KiB (Tomcat's 200 and the \
            JVM's own: 115Mi) + 173Mi left for the GC, class data and native allocations",
    },
};

/// Memory of a Spring Boot container (request and limit), MiB.
const MEMORY_MIB: u32 = 1024;

/// JVM options that keep a Spring Boot service inside [`MEMORY_MIB`]: the heap takes half the
/// container's memory, and everything off the heap is capped (`tests::the_jvm_fits_its_limit`).
pub const JVM_OPTIONS: &str = "-XX:MaxRAMPercentage=50 -XX:MaxMetaspaceSize=128m \
    -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=32m -Xss512k \
    -XX:+ExitOnOutOfMemoryError";

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
    use super::{JVM_OPTIONS, KEYWORDS, MEMORY_MIB, RESTRICTED};

    /// The value of one `-XX:Name=<n>m` or `-Xss<n>k` option, in KiB.
    fn option_kib(name: &str) -> u64 {
        let value = JVM_OPTIONS
            .split_whitespace()
            .find_map(|o| o.strip_prefix(name))
            .unwrap_or_else(|| panic!("{name} is set in {JVM_OPTIONS}"));
        let (n, unit) = value.split_at(value.len() - 1);
        let n: u64 = n.parse().expect("a number");
        match unit {
            "m" => n * 1024,
            "k" => n,
            other => panic!("unit {other}"),
        }
    }

    #[test]
    fn the_jvm_fits_its_limit() {
        let limit = u64::from(MEMORY_MIB) * 1024;
        let heap_percent: u64 = JVM_OPTIONS
            .split_whitespace()
            .find_map(|o| o.strip_prefix("-XX:MaxRAMPercentage="))
            .and_then(|p| p.parse().ok())
            .expect("MaxRAMPercentage");
        // Tomcat's 200 request threads, and ~30 of the JVM (GC, JIT, Micrometer, HikariCP).
        let threads = 230;
        let used = limit * heap_percent / 100
            + option_kib("-XX:MaxMetaspaceSize=")
            + option_kib("-XX:ReservedCodeCacheSize=")
            + option_kib("-XX:MaxDirectMemorySize=")
            + threads * option_kib("-Xss");
        // At least an eighth of the limit stays for the GC's own structures, class data sharing
        // and native allocations, which no flag caps.
        assert!(used + limit / 8 <= limit, "{used} KiB of {limit} KiB");
    }

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(RESTRICTED.windows(2).all(|w| w[0] < w[1]));
    }
}
