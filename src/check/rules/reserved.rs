//! Reserved names (MSA011): a keyword of any stack, the names each stack's generated code cannot
//! carry, and context names too long for a DNS label once prefixed with the system name. Every
//! family that names things asks here; this module asks no other rule module.

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::{Path, Spec};

pub static MSA011: Rule = Rule {
    code: "MSA011",
    name: "reserved-name",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A name that is a Rust or Java keyword, a name generated Java or Rust code needs (`List`, `Result`, `hashCode`), a context name the generated system already uses (`gateway`, `otel-collector`, `jaeger`, `default-deny`, `<context>-db`), or too long to be a DNS label once prefixed with the system name.",
        ko: "Rust나 Java의 예약어, 생성 Java나 Rust 코드가 쓰는 이름(`List`, `Result`, `hashCode`), 생성되는 시스템이 이미 쓰는 컨텍스트 이름(`gateway`, `otel-collector`, `jaeger`, `default-deny`, `<컨텍스트>-db`), 또는 시스템 이름을 붙이면 DNS 레이블로 너무 긴 이름입니다.",
    },
    why: Text {
        en: "Generated code would not compile, `compose.yaml` would hold one service twice, or the Kubernetes objects would be rejected.",
        ko: "생성 코드가 컴파일되지 않거나, `compose.yaml`에 같은 서비스가 두 번 들어가거나, 쿠버네티스 객체가 거부됩니다.",
    },
    fix: Text {
        en: "Pick a more specific word (`kind` for `type`), or shorten the name.",
        ko: "더 구체적인 단어(`type` 대신 `kind`)를 고르거나 이름을 줄이세요.",
    },
    source: "The Rust Reference, Keywords; Java Language Specification 3.9; RFC 1035",
};

/// `<system>-<context>` names every Kubernetes object of a context: at most 63 characters.
pub(super) fn dns_label(
    system: &str,
    context: &str,
    path: impl FnOnce() -> Path,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    let dns = format!("{system}-{context}");
    if dns.len() > 63 {
        let len = dns.len();
        out.push(
            Finding::new(&MSA011, path(), tr!(lang, "`{dns}` ({len} characters) is too long for a DNS label and a Kubernetes name (63 at most)", "`{dns}`({len}자)는 DNS 레이블과 쿠버네티스 이름으로 너무 깁니다 (최대 63자)"))
                .help(tr!(lang, "shorten the context name or the system name", "컨텍스트 이름이나 시스템 이름을 줄이세요")),
        );
    }
}

/// `path` is only built when there is a finding: this runs for every name in the spec. A name
/// that is a keyword of any stack is refused, so that a context can change stacks unrenamed.
pub(super) fn keyword(name: &str, path: impl FnOnce() -> Path, lang: Lang, out: &mut Vec<Finding>) {
    if crate::stack::is_keyword(name) {
        out.push(
            Finding::new(
                &MSA011,
                path(),
                tr!(
                    lang,
                    "`{name}` is a reserved word in Rust or Java",
                    "`{name}`은(는) Rust 또는 Java의 예약어입니다"
                ),
            )
            .help(tr!(
                lang,
                "choose another name, for example `{name}Value` or a more specific word",
                "다른 이름을 쓰세요. 예: `{name}Value` 또는 더 구체적인 단어"
            )),
        );
    }
}

/// The names each stack's generated code cannot carry (`StackDef::clashes`), as MSA011 findings.
/// Two findings at one place keep the order they had before stacks were pluggable (Java's, then
/// Rust's): the stacks are asked last registered first.
pub fn stack_clashes(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    for def in crate::stack::all().rev() {
        for clash in (def.clashes)(spec, lang) {
            out.push(Finding::new(&MSA011, clash.path, clash.message).help(clash.help));
        }
    }
}
