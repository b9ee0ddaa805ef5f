//! Entries that cannot both apply: two rows for one key where the generated system takes one
//! (two `dr_profiles` rows for one grade, two `strategy_limits` for one strategy, two calls to one
//! operation, two subscriptions to one event), and a datastore of `none` that lists tables.
//! Duplicate names (contexts, teams, types) are MSA012's.

use crate::check::list::{MAX_RELATED, repeats};
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::model::Store;
use crate::spec::{Path, Spec};

use super::ctx;

pub static MSA018: Rule = Rule {
    code: "MSA018",
    name: "duplicate-entry",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Two entries for one key where only one can apply: `dr_profiles` rows for one grade, `policy.strategy_limits` for one strategy, calls to one operation, subscriptions to one event.",
        ko: "하나만 적용될 수 있는 키에 항목이 둘입니다: 한 등급의 `dr_profiles` 행, 한 전략의 `policy.strategy_limits`, 한 오퍼레이션 호출, 한 이벤트 구독.",
    },
    why: Text {
        en: "One of them would silently win: a second DR row changes the DR plan without a word, and two calls to one operation give its client two sets of timeouts (the generated client does not compile).",
        ko: "둘 중 하나가 말없이 이깁니다: 두 번째 DR 행은 아무 표시 없이 DR 계획을 바꾸고, 한 오퍼레이션을 두 번 호출하면 클라이언트에 타임아웃 설정이 두 벌 생깁니다 (생성 클라이언트가 컴파일되지 않습니다).",
    },
    fix: Text {
        en: "Keep one entry per key and merge the settings you meant into it.",
        ko: "키마다 항목을 하나만 두고 의도한 설정을 그 항목에 합치세요.",
    },
    source: "msaforge spec format",
};

pub static MSA019: Rule = Rule {
    code: "MSA019",
    name: "tables-without-store",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A context with `store: none` that lists `tables`.",
        ko: "`store: none`인 컨텍스트에 `tables`가 있습니다.",
    },
    why: Text {
        en: "Without a store nothing holds the tables: they would be dropped from the generated system without a word.",
        ko: "저장소가 없으면 테이블을 담을 곳이 없어, 생성되는 시스템에서 아무 표시 없이 빠집니다.",
    },
    fix: Text {
        en: "Choose the store that holds them (`store: postgres`), or remove `tables`.",
        ko: "테이블을 담을 저장소를 고르거나(`store: postgres`) `tables`를 지우세요.",
    },
    source: "Richardson: Microservices Patterns, 2018 (database per service)",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let grades = Path::root().key("dr_profiles");
    let shown: Vec<String> = spec
        .dr_profile_grades
        .iter()
        .map(|g| tr!(lang, "grade {g}", "{g}등급"))
        .collect();
    twice(
        &spec.dr_profile_grades,
        &shown,
        |i| grades.clone().index(i).key("grade"),
        "`dr_profiles`",
        lang,
        out,
    );
    let strategies = spec.policy.limited_strategies();
    let shown: Vec<String> = strategies
        .iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect();
    let limits = Path::root().key("policy").key("strategy_limits");
    twice(
        &strategies,
        &shown,
        |i| limits.clone().index(i).key("strategy"),
        "`policy.strategy_limits`",
        lang,
        out,
    );
    for (i, c) in spec.contexts.iter().enumerate() {
        let calls: Vec<(&str, &str)> = c
            .calls
            .iter()
            .map(|k| (k.context.as_str(), k.operation.as_str()))
            .collect();
        let shown: Vec<String> = calls.iter().map(|(c, o)| format!("`{c}.{o}`")).collect();
        twice(
            &calls,
            &shown,
            |k| ctx(i).key("calls").index(k),
            "`calls`",
            lang,
            out,
        );
        let consumed: Vec<(&str, &str)> = c
            .consumes
            .iter()
            .map(|e| (e.name.as_str(), e.from.as_str()))
            .collect();
        let shown: Vec<String> = consumed
            .iter()
            .map(|(e, f)| tr!(lang, "`{e}` from `{f}`", "`{f}`의 `{e}`"))
            .collect();
        let at = |k| ctx(i).key("events").key("consumes").index(k);
        twice(&consumed, &shown, at, "`events.consumes`", lang, out);
        if c.data.store == Store::None && !c.data.tables.is_empty() {
            let (name, n) = (&c.name, c.data.tables.len());
            out.push(
                Finding::new(&MSA019, ctx(i).key("data").key("tables"), tr!(lang, "`{name}` has `store: none` but lists {n} table(s): nothing would hold them", "`{name}`은(는) `store: none`인데 테이블 {n}개가 있어 그것을 담을 곳이 없습니다"))
                    .at_key()
                    .help(tr!(lang, "choose the store that holds them (`store: postgres`), or remove `tables`", "테이블을 담을 저장소를 고르거나(`store: postgres`) `tables`를 지우세요")),
            );
        }
    }
}

/// One finding per key that `keys` holds more than once (`shown` says each in a message).
fn twice<K: std::hash::Hash + Eq>(
    keys: &[K],
    shown: &[String],
    at: impl Fn(usize) -> Path,
    list: &str,
    lang: Lang,
    out: &mut Vec<Finding>,
) {
    for group in repeats(keys) {
        let (what, n) = (&shown[group[0]], group.len());
        let mut finding = Finding::new(
            &MSA018,
            at(group[1]),
            tr!(
                lang,
                "{list} has {n} entries for {what}: only one of them could apply",
                "{list}에 {what} 항목이 {n}개 있습니다: 그중 하나만 적용될 수 있습니다"
            ),
        )
        .help(tr!(
            lang,
            "keep one entry for {what} and merge the settings you meant into it",
            "{what} 항목은 하나만 두고 의도한 설정을 그 항목에 합치세요"
        ))
        .related(at(group[0]), tr!(lang, "the first entry", "첫 항목"));
        for &i in group.iter().skip(2).take(MAX_RELATED - 1) {
            finding = finding.related(at(i), tr!(lang, "another entry", "다른 항목"));
        }
        out.push(finding);
    }
}
