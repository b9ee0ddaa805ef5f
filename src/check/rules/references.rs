//! References that point nowhere (MSA013): a context, team, operation, type or rule code that is
//! not defined, with the closest defined name as the suggestion.

use crate::check::list::listed;
use crate::check::{Finding, Rule, Severity, Text, did_you_mean};
use crate::lang::Lang;
use crate::spec::Path;

pub static MSA013: Rule = Rule {
    code: "MSA013",
    name: "unknown-reference",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A reference to a context, operation, type or team that is not defined.",
        ko: "정의되지 않은 컨텍스트, 오퍼레이션, 타입, 팀을 참조합니다.",
    },
    why: Text {
        en: "A dangling reference becomes a client for nothing, or code that does not compile.",
        ko: "끊어진 참조는 존재하지 않는 대상의 클라이언트나 컴파일되지 않는 코드가 됩니다.",
    },
    fix: Text {
        en: "Use the suggested name, or define the missing item.",
        ko: "제안된 이름을 쓰거나 빠진 항목을 정의하세요.",
    },
    source: "msaforge spec format",
};

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
    let finding = Finding::new(
        &MSA013,
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
            let list = listed(candidates, lang);
            finding.help(tr!(lang, "known: {list}", "정의된 것: {list}"))
        }
    }
}
