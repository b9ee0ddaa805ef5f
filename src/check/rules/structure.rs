//! Structure rules: duplicate names, reserved words (every stack's, and the names each stack's
//! generated code cannot carry), DNS limits, references that point nowhere, path parameters and
//! enum values. They make sure the later rules and the generators can trust names.

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::{Path, Spec};

use super::ctx;
use super::fields::fields;
use super::references::unknown;
use super::spelling::{self, duplicates};
use crate::stack::NameKind;

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

pub static MSA014: Rule = Rule {
    code: "MSA014",
    name: "path-parameters",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Path parameters that do not fit the path: the same `{name}` twice.",
        ko: "경로와 맞지 않는 경로 매개변수: 같은 `{name}`이 두 번 나옵니다.",
    },
    why: Text {
        en: "Handlers receive parameters by name; a repeated name cannot be bound.",
        ko: "핸들러는 매개변수를 이름으로 받으므로 반복된 이름은 바인딩할 수 없습니다.",
    },
    fix: Text {
        en: "Give each parameter its own name.",
        ko: "매개변수마다 다른 이름을 쓰세요.",
    },
    source: "RFC 6570 URI templates; OpenAPI 3.1 path templating",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    duplicates(
        spec.contexts.iter().map(|c| c.name.as_str()),
        || Path::root().key("contexts"),
        "name",
        lang,
        out,
    );
    duplicates(
        spec.teams.iter().map(|t| t.name.as_str()),
        || Path::root().key("teams"),
        "name",
        lang,
        out,
    );
    let codes: Vec<&str> = super::ALL.iter().map(|r| r.code).collect();
    for (i, code) in spec.policy.ignore.iter().enumerate() {
        if !codes.contains(&code.as_str()) {
            let path = Path::root().key("policy").key("ignore").index(i);
            let finding = unknown(path, "rule code", code, &codes, lang);
            out.push(finding.help(tr!(
                lang,
                "run `msaforge explain` to list every rule code",
                "`msaforge explain`으로 모든 규칙 코드를 볼 수 있습니다"
            )));
        }
    }
    let teams: Vec<&str> = spec.teams.iter().map(|t| t.name.as_str()).collect();
    let contexts: Vec<&str> = spec.contexts.iter().map(|c| c.name.as_str()).collect();

    for (i, c) in spec.contexts.iter().enumerate() {
        let at = ctx(i);
        keyword(&c.name, || at.clone().key("name"), lang, out);
        let dns = format!("{}-{}", spec.system.name, c.name);
        if dns.len() > 63 {
            let len = dns.len();
            out.push(
                Finding::new(&MSA011, at.clone().key("name"), tr!(lang, "`{dns}` ({len} characters) is too long for a DNS label and a Kubernetes name (63 at most)", "`{dns}`({len}자)는 DNS 레이블과 쿠버네티스 이름으로 너무 깁니다 (최대 63자)"))
                    .help(tr!(lang, "shorten the context name or the system name", "컨텍스트 이름이나 시스템 이름을 줄이세요")),
            );
        }
        if let Some(team) = &c.team
            && !teams.contains(&team.as_str())
        {
            out.push(unknown(at.clone().key("team"), "team", team, &teams, lang));
        }
        duplicates(
            c.types.iter().map(|t| t.name.as_str()),
            || at.clone().key("types"),
            "name",
            lang,
            out,
        );
        duplicates(
            c.operations.iter().map(|o| o.name.as_str()),
            || at.clone().key("operations"),
            "name",
            lang,
            out,
        );
        let ops: Vec<&str> = c.operations.iter().map(|o| o.name.as_str()).collect();
        let op_at = |o| at.clone().key("operations").index(o).key("name");
        spelling::same(&ops, op_at, NameKind::Member, lang, out);
        spelling::events_named_like_types(c, &at, lang, out);
        duplicates(
            c.publishes.iter().map(|e| e.name.as_str()),
            || at.clone().key("events").key("publishes"),
            "name",
            lang,
            out,
        );
        duplicates(
            c.data.tables.iter().map(String::as_str),
            || at.clone().key("data"),
            "tables",
            lang,
            out,
        );

        super::fields::loops(c, &at, lang, out);
        let type_names: Vec<&str> = c.types.iter().map(|t| t.name.as_str()).collect();
        for (t, ty) in c.types.iter().enumerate() {
            let tp = at.clone().key("types").index(t);
            keyword(&ty.name, || tp.clone().key("name"), lang, out);
            fields(&ty.fields, &tp, &type_names, lang, out);
        }
        for (e, ev) in c.publishes.iter().enumerate() {
            fields(
                &ev.fields,
                &at.clone().key("events").key("publishes").index(e),
                &type_names,
                lang,
                out,
            );
        }
        for (o, op) in c.operations.iter().enumerate() {
            let op_path = at.clone().key("operations").index(o);
            keyword(&op.name, || op_path.clone().key("name"), lang, out);
            let mut seen = std::collections::HashSet::new();
            for p in &op.params {
                if !seen.insert(p.as_str()) {
                    let path = &op.path;
                    out.push(
                        Finding::new(
                            &MSA014,
                            op_path.clone().key("path"),
                            tr!(
                                lang,
                                "path parameter `{{{p}}}` appears twice in `{path}`",
                                "경로 매개변수 `{{{p}}}`가 `{path}`에 두 번 나옵니다"
                            ),
                        )
                        .help(tr!(
                            lang,
                            "give each path parameter its own name, for example `{{{p}2}}`",
                            "경로 매개변수마다 다른 이름을 쓰세요. 예: `{{{p}2}}`"
                        )),
                    );
                }
                keyword(p, || op_path.clone().key("path"), lang, out);
            }
            let params: Vec<&str> = op.params.iter().map(String::as_str).collect();
            let param_at = |_| op_path.clone().key("path");
            spelling::same(&params, param_at, NameKind::Member, lang, out);
            for (key, body) in [("request", &op.request), ("response", &op.response)] {
                if let Some(body) = body
                    && !type_names.contains(&body.type_name.as_str())
                {
                    out.push(unknown(
                        op_path.clone().key(key),
                        "type",
                        &body.type_name,
                        &type_names,
                        lang,
                    ));
                }
            }
        }
        for (k, call) in c.calls.iter().enumerate() {
            let cp = at.clone().key("calls").index(k);
            match spec.context(&call.context) {
                None => out.push(unknown(
                    cp.key("context"),
                    "context",
                    &call.context,
                    &contexts,
                    lang,
                )),
                Some(target) => {
                    if target.operation(&call.operation).is_none() {
                        let ops: Vec<&str> =
                            target.operations.iter().map(|o| o.name.as_str()).collect();
                        let mut f = unknown(
                            cp.key("operation"),
                            "operation",
                            &call.operation,
                            &ops,
                            lang,
                        );
                        f.message = tr!(
                            lang,
                            "context `{}` has no operation `{}`",
                            "컨텍스트 `{}`에는 `{}` 오퍼레이션이 없습니다",
                            target.name,
                            call.operation
                        );
                        out.push(f);
                    }
                }
            }
        }
        for (k, consumed) in c.consumes.iter().enumerate() {
            if spec.context(&consumed.from).is_none() {
                out.push(unknown(
                    at.clone()
                        .key("events")
                        .key("consumes")
                        .index(k)
                        .key("from"),
                    "context",
                    &consumed.from,
                    &contexts,
                    lang,
                ));
            }
        }
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
