//! Field rules: the fields of a type or event (duplicates, names spelt alike, reserved words,
//! types that point nowhere), enum fields, which need values that stay distinct in code, and
//! types that hold themselves through required fields only.

use crate::check::list::{MAX_RELATED, chained};
use crate::check::{Finding, Rule, Severity, Text, did_you_mean};
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::recursion::infinite_loops;
use crate::spec::resolve::{Context, Field, Scalar};

use super::references::unknown;
use super::reserved::keyword;
use super::spelling::{self, duplicates};
use crate::stack::NameKind;

pub static MSA017: Rule = Rule {
    code: "MSA017",
    name: "enum-values",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An `enum` field without `values`.",
        ko: "`values`가 없는 `enum` 필드입니다.",
    },
    why: Text {
        en: "An enum without values cannot be generated in any language.",
        ko: "값이 없는 열거형은 어떤 언어로도 생성할 수 없습니다.",
    },
    fix: Text {
        en: "List the values: `values: [active, retired]`.",
        ko: "값을 나열하세요: `values: [active, retired]`.",
    },
    source: "msaforge spec format",
};

pub static MSA020: Rule = Rule {
    code: "MSA020",
    name: "infinite-type",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Types that hold themselves through required fields only (`Shelf.annex: Shelf`, or `A.b: B` and `B.a: A`): no finite value has them.",
        ko: "필수 필드만으로 자기 자신을 담는 타입입니다 (`Shelf.annex: Shelf`, 또는 `A.b: B`와 `B.a: A`): 유한한 값이 존재할 수 없습니다.",
    },
    why: Text {
        en: "Every value would need another value of the same type inside it, forever: no request or response can ever be written. Recursive types through an optional field or a list (trees, org charts) are fine and generate in every stack.",
        ko: "모든 값 안에 같은 타입의 값이 끝없이 또 필요해 어떤 요청이나 응답도 쓸 수 없습니다. 선택 필드나 목록을 거치는 재귀 타입(트리, 조직도)은 괜찮고 모든 스택에서 생성됩니다.",
    },
    fix: Text {
        en: "Make one field of the loop optional (`optional: true`) or a list (`Shelf[]`).",
        ko: "순환 속 필드 하나를 선택(`optional: true`)이나 목록(`Shelf[]`)으로 바꾸세요.",
    },
    source: "Pierce: Types and Programming Languages, 2002, ch. 20 (recursive types); rustc E0072",
};

/// Loops of required fields between the types of context `c` (at `at`).
pub(super) fn loops(c: &Context, at: &Path, lang: Lang, out: &mut Vec<Finding>) {
    for lp in infinite_loops(c) {
        let step =
            |&(t, f): &(usize, usize)| format!("{}.{}", c.types[t].name, c.types[t].fields[f].name);
        let (t0, _) = lp[0];
        let mut steps: Vec<String> = lp.iter().map(step).collect();
        steps.push(c.types[t0].name.clone());
        let (shown, name) = (chained(&steps, lang), &c.types[t0].name);
        let field_at = |(t, f): (usize, usize)| {
            at.clone()
                .key("types")
                .index(t)
                .key("fields")
                .index(f)
                .key("type")
        };
        let mut finding = Finding::new(&MSA020, field_at(lp[0]), tr!(lang, "every `{name}` must hold another `{name}` through required fields ({shown}): no finite value exists", "모든 `{name}`이(가) 필수 필드를 통해 또 다른 `{name}`을(를) 담아야 하므로({shown}) 유한한 값이 없습니다"))
            .help(tr!(lang, "make one field of the loop optional (`optional: true`) or a list (`{name}[]`)", "순환 속 필드 하나를 선택(`optional: true`)이나 목록(`{name}[]`)으로 바꾸세요"));
        for &place in lp.iter().skip(1).take(MAX_RELATED) {
            finding = finding.related(
                field_at(place),
                tr!(lang, "the loop goes on here", "순환이 이어지는 곳"),
            );
        }
        out.push(finding);
    }
}

pub(super) fn fields(
    fields: &[Field],
    owner: &Path,
    types: &[&str],
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    duplicates(
        fields.iter().map(|f| f.name.as_str()),
        || owner.clone().key("fields"),
        "name",
        lang,
        out,
    );
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let at = |i| owner.clone().key("fields").index(i).key("name");
    spelling::same(&names, at, NameKind::Member, lang, out);
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
        if let Some(values) = f.ty.enum_values()
            && values.is_empty()
        {
            out.push(
                Finding::new(
                    &MSA017,
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
        if let Some(values) = f.ty.enum_values() {
            duplicates(values.iter().map(String::as_str), fp, "values", lang, out);
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let at = |i| fp().key("values").index(i);
            spelling::same(&values, at, NameKind::EnumValue, lang, out);
        }
    }
}
