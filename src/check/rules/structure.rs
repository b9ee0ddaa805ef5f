//! Structure rules: duplicate names, reserved words, DNS limits, references that point nowhere,
//! path parameters and enum values. They make sure the later rules and the generators can trust names.

use std::collections::HashMap;

use crate::check::{Finding, did_you_mean};
use crate::lang::Lang;
use crate::spec::resolve::{Field, FieldType, Scalar};
use crate::spec::{Path, Spec};

use super::ctx;
use super::spelling::{self, Spelling};

/// Rust (2024 edition, strict and reserved) and Java keywords, plus literals. Names that collide
/// with them cannot become identifiers in every generated stack.
const KEYWORDS: &[&str] = &[
    "abstract",
    "as",
    "assert",
    "async",
    "await",
    "become",
    "boolean",
    "box",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "crate",
    "default",
    "do",
    "double",
    "dyn",
    "else",
    "enum",
    "extends",
    "extern",
    "false",
    "final",
    "finally",
    "float",
    "fn",
    "for",
    "gen",
    "goto",
    "if",
    "impl",
    "implements",
    "import",
    "in",
    "instanceof",
    "int",
    "interface",
    "let",
    "long",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "native",
    "new",
    "null",
    "override",
    "package",
    "priv",
    "private",
    "protected",
    "pub",
    "public",
    "record",
    "ref",
    "return",
    "self",
    "short",
    "static",
    "strictfp",
    "struct",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "trait",
    "transient",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "var",
    "virtual",
    "void",
    "volatile",
    "where",
    "while",
    "yield",
];

pub(super) fn is_keyword(name: &str) -> bool {
    // Keywords are case-sensitive in both languages; `Self` is Rust's only capitalised one.
    name == "Self" || KEYWORDS.binary_search(&name).is_ok()
}

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
    let codes: Vec<&str> = crate::check::catalog::RULES
        .iter()
        .map(|r| r.code)
        .collect();
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
                Finding::error("MSA011", at.clone().key("name"), tr!(lang, "`{dns}` ({len} characters) is too long for a DNS label and a Kubernetes name (63 at most)", "`{dns}`({len}자)는 DNS 레이블과 쿠버네티스 이름으로 너무 깁니다 (최대 63자)"))
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
        spelling::same(&ops, op_at, Spelling::Snake, lang, out);
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
                        Finding::error(
                            "MSA014",
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
            spelling::same(&params, param_at, Spelling::Snake, lang, out);
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

fn fields(fields: &[Field], owner: &Path, types: &[&str], lang: Lang, out: &mut Vec<Finding>) {
    duplicates(
        fields.iter().map(|f| f.name.as_str()),
        || owner.clone().key("fields"),
        "name",
        lang,
        out,
    );
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let at = |i| owner.clone().key("fields").index(i).key("name");
    spelling::same(&names, at, Spelling::Snake, lang, out);
    for (i, f) in fields.iter().enumerate() {
        let fp = || owner.clone().key("fields").index(i);
        keyword(&f.name, || fp().key("name"), lang, out);
        if let Some(name) = f.ty.named()
            && !types.contains(&name)
        {
            let mut candidates: Vec<&str> = types.to_vec();
            candidates.extend(Scalar::NAMES);
            let mut finding = unknown(fp().key("type"), "type", name, &candidates, lang);
            finding.help = Some(match did_you_mean(name, candidates.iter().copied()) {
                Some(near) => tr!(lang, "did you mean `{near}`?", "`{near}`을(를) 의도했나요?"),
                None => {
                    let list = Scalar::NAMES.join(", ");
                    tr!(
                        lang,
                        "use a built-in type ({list}) or define `{name}` under this context's `types`",
                        "기본 타입({list})을 쓰거나 이 컨텍스트의 `types`에 `{name}`을(를) 정의하세요"
                    )
                }
            });
            out.push(finding);
        }
        if let Some(values) = enum_values(&f.ty)
            && values.is_empty()
        {
            out.push(
                Finding::error(
                    "MSA017",
                    fp().key("type"),
                    tr!(
                        lang,
                        "enum field `{}` lists no values",
                        "enum 필드 `{}`에 값 목록이 없습니다",
                        f.name
                    ),
                )
                .help(tr!(
                    lang,
                    "add `values: [first, second]`",
                    "`values: [first, second]`를 추가하세요"
                )),
            );
        }
        if let Some(values) = enum_values(&f.ty) {
            duplicates(values.iter().map(String::as_str), fp, "values", lang, out);
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let at = |i| fp().key("values").index(i);
            spelling::same(&values, at, Spelling::Pascal, lang, out);
        }
    }
}

/// The values of an enum field (also a list of enums).
fn enum_values(ty: &FieldType) -> Option<&Vec<String>> {
    match ty {
        FieldType::Enum { values } => Some(values),
        FieldType::List { item } => enum_values(item),
        _ => None,
    }
}

/// `path` is only built when there is a finding: this runs for every name in the spec.
fn keyword(name: &str, path: impl FnOnce() -> Path, lang: Lang, out: &mut Vec<Finding>) {
    if is_keyword(name) {
        out.push(
            Finding::error(
                "MSA011",
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

/// Reports every repeat of a name in a list, pointing at the repeat and back at the first one.
fn duplicates<'a>(
    names: impl Iterator<Item = &'a str>,
    list: impl Fn() -> Path,
    key: &str,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    // Most lists are short (fields, enum values): a linear scan beats hashing them.
    let names: Vec<&str> = names.collect();
    let index: Option<HashMap<&str, usize>> = (names.len() > 16).then(|| {
        let mut first = HashMap::with_capacity(names.len());
        for (i, &name) in names.iter().enumerate().rev() {
            first.insert(name, i);
        }
        first
    });
    for (i, &name) in names.iter().enumerate() {
        let first = match &index {
            Some(index) => index.get(name).copied().filter(|&j| j < i),
            None => names[..i].iter().position(|&n| n == name),
        };
        if let Some(j) = first {
            let (here, there) = if key == "tables" || key == "values" {
                (list().key(key).index(i), list().key(key).index(j))
            } else {
                (list().index(i).key(key), list().index(j).key(key))
            };
            out.push(
                Finding::error(
                    "MSA012",
                    here,
                    tr!(
                        lang,
                        "`{name}` is defined twice",
                        "`{name}`이(가) 두 번 정의되었습니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "rename one of them or merge the two",
                    "둘 중 하나의 이름을 바꾸거나 합치세요"
                ))
                .related(there, tr!(lang, "first defined here", "처음 정의된 곳")),
            );
        }
    }
}

/// A reference to a `kind` named `name` that does not exist among `candidates`.
pub(super) fn unknown(
    path: Path,
    kind: &str,
    name: &str,
    candidates: &[&str],
    lang: Lang,
) -> Finding {
    let kind_ko = match kind {
        "context" => "컨텍스트",
        "team" => "팀",
        "operation" => "오퍼레이션",
        "type" => "타입",
        "rule code" => "규칙 코드",
        _ => kind,
    };
    let finding = Finding::error(
        "MSA013",
        path,
        tr!(
            lang,
            "unknown {kind} `{name}`",
            "알 수 없는 {kind_ko} `{name}`"
        ),
    );
    match did_you_mean(name, candidates.iter().copied()) {
        Some(near) => finding.help(tr!(
            lang,
            "did you mean `{near}`?",
            "`{near}`을(를) 의도했나요?"
        )),
        None if candidates.is_empty() => finding.help(tr!(
            lang,
            "define the {kind} first",
            "먼저 {kind_ko}을(를) 정의하세요"
        )),
        None => {
            let list = candidates.join(", ");
            finding.help(tr!(lang, "known: {list}", "정의된 것: {list}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KEYWORDS;

    #[test]
    fn keyword_table_is_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
