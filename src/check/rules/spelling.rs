//! Duplicate names (MSA012): a name defined twice in one list, and distinct names that some
//! stack's generated code spells alike (each stack says how: `crate::stack`): enum values `in-use`
//! and `in_use` (both `InUse` in Rust, `IN_USE` in Java), fields `userId` and `userID` or
//! operations `getLoan` and `getLOAN` (both `user_id`, `get_loan` in Rust), and an event named like
//! a type of its context (both become one class, struct and schema).

use std::collections::HashMap;

use crate::check::list::{MAX_RELATED, repeats};
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::resolve::Context;
use crate::stack::NameKind;

pub static MSA012: Rule = Rule {
    code: "MSA012",
    name: "duplicate-name",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Two things of the same kind share a name in the same scope, or names generated code spells alike (`userId` and `userID` are both `user_id`).",
        ko: "같은 범위에서 같은 종류의 두 항목이 이름을 공유하거나, 생성 코드에서 같은 이름이 됩니다 (`userId`와 `userID`는 모두 `user_id`).",
    },
    why: Text {
        en: "References by name become ambiguous, and generated files would overwrite each other.",
        ko: "이름 참조가 모호해지고 생성 파일이 서로 덮어씁니다.",
    },
    fix: Text {
        en: "Rename one, or merge the two definitions.",
        ko: "하나의 이름을 바꾸거나 두 정의를 합치세요.",
    },
    source: "msaforge spec format",
};

/// Reports every name of `names` (at `at(i)`) that some stack's generated code spells like an
/// earlier, different one (`StackDef::spell`; the first stack that does names the spelling).
pub fn same(
    names: &[&str],
    at: impl Fn(usize) -> Path,
    kind: NameKind,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    // Per stack and spelling: the first name's index, and the first index of another name.
    // Hashing keeps long lists (thousands of operations) linear.
    let mut seen: Vec<HashMap<String, (usize, Option<usize>)>> = crate::stack::all()
        .map(|_| HashMap::with_capacity(names.len()))
        .collect();
    let defs: Vec<_> = crate::stack::all().collect();
    for (i, &name) in names.iter().enumerate() {
        let mut clash = None;
        for (def, seen) in defs.iter().zip(&mut seen) {
            let spelt = (def.spell)(kind, name);
            match seen.get_mut(&spelt) {
                None => {
                    seen.insert(spelt, (i, None));
                }
                Some((first, other)) => {
                    let j = if names[*first] == name {
                        *other
                    } else {
                        Some(*first)
                    };
                    if other.is_none() && names[*first] != name {
                        *other = Some(i);
                    }
                    if clash.is_none() {
                        clash = j.map(|j| (j, spelt));
                    }
                }
            }
        }
        let Some((j, spelt)) = clash else {
            continue;
        };
        let other = names[j];
        let (here, there) = (at(i), at(j));
        let same_place = here == there; // two parameters of one path
        let finding = Finding::new(
            &MSA012,
            here,
            tr!(
                lang,
                "`{name}` and `{other}` become the same name in code (`{spelt}`)",
                "`{name}`와(과) `{other}`는 코드에서 같은 이름(`{spelt}`)이 됩니다"
            ),
        )
        .help(tr!(
            lang,
            "keep one spelling, or choose another word",
            "한 가지 표기만 쓰거나 다른 단어를 고르세요"
        ));
        out.push(if same_place {
            finding
        } else {
            finding.related(there, tr!(lang, "first defined here", "처음 정의된 곳"))
        });
    }
}

/// Events of `c` (at `at`) named like one of its types.
pub fn events_named_like_types(c: &Context, at: &Path, lang: Lang, out: &mut Vec<Finding>) {
    for (e, ev) in c.publishes.iter().enumerate() {
        let Some(t) = c.types.iter().position(|t| t.name == ev.name) else {
            continue;
        };
        let name = &ev.name;
        out.push(
            Finding::new(
                &MSA012,
                at.clone().key("events").key("publishes").index(e).key("name"),
                tr!(
                    lang,
                    "event `{name}` has the name of a type of `{}`: generated code would define `{name}` twice",
                    "이벤트 `{name}`은(는) `{}`의 타입과 이름이 같아 생성 코드에 `{name}`이(가) 두 번 정의됩니다",
                    c.name
                ),
            )
            .help(tr!(
                lang,
                "name the event for what happened, in the past tense, like `{name}Created`",
                "일어난 일을 과거형으로 이름 지으세요. 예: `{name}Created`"
            ))
            .related(
                at.clone().key("types").index(t).key("name"),
                tr!(lang, "the type", "타입"),
            ),
        );
    }
}

/// Reports every name defined more than once in a list: one finding per name, at its second
/// definition, pointing back at the first and the further ones.
pub(super) fn duplicates<'a>(
    names: impl Iterator<Item = &'a str>,
    list: impl Fn() -> Path,
    key: &str,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    let names: Vec<&str> = names.collect();
    let at = |i: usize| {
        if key == "tables" || key == "values" {
            list().key(key).index(i)
        } else {
            list().index(i).key(key)
        }
    };
    for group in repeats(names.iter().copied()) {
        let (name, n) = (names[group[0]], group.len());
        let (message, help) = if n == 2 {
            (
                tr!(
                    lang,
                    "`{name}` is defined twice",
                    "`{name}`이(가) 두 번 정의되었습니다"
                ),
                tr!(
                    lang,
                    "rename one of them or merge the two",
                    "둘 중 하나의 이름을 바꾸거나 합치세요"
                ),
            )
        } else {
            (
                tr!(
                    lang,
                    "`{name}` is defined {n} times",
                    "`{name}`이(가) {n}번 정의되었습니다"
                ),
                tr!(
                    lang,
                    "rename the repeats or merge them into one",
                    "반복된 것의 이름을 바꾸거나 하나로 합치세요"
                ),
            )
        };
        let mut finding = Finding::new(&MSA012, at(group[1]), message)
            .help(help)
            .related(
                at(group[0]),
                tr!(lang, "first defined here", "처음 정의된 곳"),
            );
        for &i in group.iter().skip(2).take(MAX_RELATED - 1) {
            finding = finding.related(at(i), tr!(lang, "defined again here", "다시 정의된 곳"));
        }
        out.push(finding);
    }
}
