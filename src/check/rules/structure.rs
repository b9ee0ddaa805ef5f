//! Structure rules: duplicate names, references that point nowhere, path parameters and enum
//! values (reserved words and DNS limits are asked of `reserved` for every name). They make sure the later rules and the generators can trust names.

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::{Path, Spec};

use super::ctx;
use super::fields::fields;
use super::references::unknown;
use super::reserved::{dns_label, keyword};
use super::spelling::{self, duplicates};
use crate::stack::NameKind;

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
        dns_label(
            &spec.system.name,
            &c.name,
            || at.clone().key("name"),
            lang,
            out,
        );
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
        // Two versions of one event may be published side by side; one version twice may not.
        let versions: Vec<String> = c
            .publishes
            .iter()
            .map(crate::spec::resolve::Event::type_name)
            .collect();
        duplicates(
            versions.iter().map(String::as_str),
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
