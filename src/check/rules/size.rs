//! Size heuristics: a context far bigger or smaller than the others (a wrong cut) and one too small
//! to be worth a service (a nano-service). Hints for a human, not proofs.

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;

use super::ctx;

pub static MSA111: Rule = Rule {
    code: "MSA111",
    name: "wrong-cut",
    severity: Severity::Warning,
    heuristic: true,
    title: Text {
        en: "Heuristic: a context whose type count is more than `policy.wrong_cut_sigma` (default 2) standard deviations from the mean. Needs at least six contexts: with fewer, no count can lie that far out.",
        ko: "휴리스틱: 타입 수가 평균에서 `policy.wrong_cut_sigma`(기본 2) 표준편차보다 멀리 떨어진 컨텍스트입니다. 컨텍스트가 여섯 개 이상이어야 합니다: 그보다 적으면 어떤 수도 그만큼 멀리 떨어질 수 없습니다.",
    },
    why: Text {
        en: "Very uneven contexts often mean boundaries cut along technical layers, or one context swallowed two domains.",
        ko: "크기가 크게 다르면 기술 계층으로 자르거나 한 컨텍스트가 두 도메인을 삼킨 경우가 많습니다.",
    },
    fix: Text {
        en: "Check the boundary against the domain's language and lifecycles; split or merge if it confirms.",
        ko: "도메인 언어와 수명주기로 경계를 점검하고, 맞다면 나누거나 합치세요.",
    },
    source: "Taibi, Lenarduzzi 2018 (wrong cuts)",
};

pub static MSA112: Rule = Rule {
    code: "MSA112",
    name: "nano-service",
    severity: Severity::Warning,
    heuristic: true,
    title: Text {
        en: "Heuristic: a context with at most one type, one operation and no events.",
        ko: "휴리스틱: 타입 1개 이하, 오퍼레이션 1개 이하, 이벤트가 없는 컨텍스트입니다.",
    },
    why: Text {
        en: "A service's fixed costs (deploy, monitor, secure, recover) outweigh what so little does.",
        ko: "서비스의 고정 비용(배포, 모니터링, 보안, 복구)이 하는 일보다 큽니다.",
    },
    fix: Text {
        en: "Merge it into the context it serves, unless it must scale or fail on its own.",
        ko: "따로 확장하거나 격리해야 하지 않는다면 관련 컨텍스트에 합치세요.",
    },
    source: "Rotem-Gal-Oz: SOA Patterns, 2012 (nanoservice anti-pattern)",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let counts: Vec<f64> = spec.contexts.iter().map(|c| c.types.len() as f64).collect();
    let n = counts.len() as f64;
    // With five or fewer contexts no value can lie more than two standard deviations from the
    // mean (the bound is the square root of n - 1), so the rule needs at least six to say anything.
    if counts.len() >= 6 {
        let mean = counts.iter().sum::<f64>() / n;
        let sd = (counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n).sqrt();
        let sigma = spec.policy.wrong_cut_sigma;
        if sd > 0.0 {
            for (i, c) in spec.contexts.iter().enumerate() {
                let z = (counts[i] - mean) / sd;
                if z.abs() > sigma {
                    let (name, count) = (&c.name, c.types.len());
                    let mean = format!("{mean:.1}");
                    let (msg, help) = if z > 0.0 {
                        (
                            tr!(
                                lang,
                                "`{name}` has {count} types, far above the mean of {mean}: possibly a wrong cut (too big)",
                                "`{name}`의 타입이 {count}개로 평균 {mean}보다 훨씬 많습니다: 잘못 자른 경계일 수 있습니다 (너무 큼)"
                            ),
                            tr!(
                                lang,
                                "look for a second aggregate with its own lifecycle and split it out",
                                "수명주기가 다른 두 번째 애그리거트를 찾아 분리하세요"
                            ),
                        )
                    } else {
                        (
                            tr!(
                                lang,
                                "`{name}` has {count} types, far below the mean of {mean}: possibly a wrong cut (too small)",
                                "`{name}`의 타입이 {count}개로 평균 {mean}보다 훨씬 적습니다: 잘못 자른 경계일 수 있습니다 (너무 작음)"
                            ),
                            tr!(
                                lang,
                                "consider merging it into the context it works with most",
                                "가장 많이 협력하는 컨텍스트에 합치는 것을 검토하세요"
                            ),
                        )
                    };
                    out.push(
                        Finding::new(&MSA111, ctx(i).key("types"), msg)
                            .at_key()
                            .help(help),
                    );
                }
            }
        }
    }
    for (i, c) in spec.contexts.iter().enumerate() {
        if c.types.len() <= 1
            && c.operations.len() <= 1
            && c.publishes.is_empty()
            && c.consumes.is_empty()
        {
            let name = &c.name;
            out.push(
                Finding::new(&MSA112, ctx(i).key("name"), tr!(lang, "`{name}` has at most one type, one operation and no events: a nano-service", "`{name}`은(는) 타입 1개 이하, 오퍼레이션 1개 이하, 이벤트 없음: 나노서비스입니다"))
                    .help(tr!(lang, "a service this small costs more to run than it gives; merge it into a neighbour unless it must scale or fail alone", "이렇게 작은 서비스는 운영 비용이 더 큽니다. 따로 확장하거나 격리해야 할 이유가 없다면 이웃 컨텍스트에 합치세요")),
            );
        }
    }
}
