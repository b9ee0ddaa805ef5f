//! Field rules: the fields of a type or event (duplicates, names spelt alike, reserved words,
//! types that point nowhere) and enum fields, which need values that stay distinct in code.

use crate::check::{Finding, Rule, Severity, Text, did_you_mean};
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::resolve::{Field, FieldType, Scalar};

use super::references::unknown;
use super::spelling::{self, Spelling, duplicates};
use super::structure::keyword;

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
