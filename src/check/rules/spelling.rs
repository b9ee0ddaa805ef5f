//! Distinct names that generated code spells alike (MSA012): enum values `in-use` and `in_use`
//! (both `InUse` in Rust, `IN_USE` in Java), fields `userId` and `userID` or operations `getLoan`
//! and `getLOAN` (both `user_id`, `get_loan` in Rust), and an event named like a type of its
//! context (both become one class, struct and schema). Exact duplicates within one list are
//! `structure`'s job.

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::check::Finding;
use crate::lang::Lang;
use crate::spec::Path;
use crate::spec::resolve::Context;

/// How the generated code spells a name.
#[derive(Debug, Clone, Copy)]
pub enum Spelling {
    /// Rust types and enum variants.
    Pascal,
    /// Rust fields, functions and modules.
    Snake,
}

impl Spelling {
    fn spell(self, name: &str) -> String {
        match self {
            Spelling::Pascal => name.to_upper_camel_case(),
            Spelling::Snake => name.to_snake_case(),
        }
    }
}

/// Reports every name of `names` (at `at(i)`) spelt like an earlier, different one.
pub fn same(
    names: &[&str],
    at: impl Fn(usize) -> Path,
    spelling: Spelling,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    for (i, &name) in names.iter().enumerate() {
        let spelt = spelling.spell(name);
        let Some(j) = names[..i]
            .iter()
            .position(|&n| n != name && spelling.spell(n) == spelt)
        else {
            continue;
        };
        let other = names[j];
        let (here, there) = (at(i), at(j));
        let same_place = here == there; // two parameters of one path
        let finding = Finding::error(
            "MSA012",
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
            Finding::error(
                "MSA012",
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
