//! Synchronous-call rules: cycles, chains that are too long, calls without a timeout or a circuit
//! breaker, retries of operations that are not idempotent, and timeouts of zero (gateway,
//! operations, calls) that would fail every request at once.
//!
//! The call graph itself lives in `spec::graph` (shared with the DR analysis).

use crate::check::format::MSA006;
use crate::check::list::{MAX_RELATED, chained};
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::graph::Graph;
use crate::spec::names::Millis;
use crate::spec::{Path, Spec};

use super::ctx;

pub static MSA101: Rule = Rule {
    code: "MSA101",
    name: "sync-call-cycle",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Contexts that call each other synchronously in a cycle.",
        ko: "컨텍스트들이 동기 호출로 순환합니다.",
    },
    why: Text {
        en: "A cycle couples the services into one distributed monolith: none can be deployed, scaled or recovered alone, and a slow one can deadlock the others.",
        ko: "순환은 서비스들을 하나의 분산 모놀리스로 묶습니다: 어느 것도 따로 배포, 확장, 복구할 수 없고 느린 하나가 나머지를 교착시킬 수 있습니다.",
    },
    fix: Text {
        en: "Replace one call in the cycle with an event, or move the shared responsibility into one context.",
        ko: "순환 속 호출 하나를 이벤트로 바꾸거나 공유 책임을 한 컨텍스트로 옮기세요.",
    },
    source: "Taibi, Lenarduzzi: On the Definition of Microservice Bad Smells, IEEE Software 35(3), 2018 (cyclic dependency)",
};

pub static MSA102: Rule = Rule {
    code: "MSA102",
    name: "long-call-chain",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A chain of synchronous calls longer than `policy.max_call_chain` hops (default 3).",
        ko: "`policy.max_call_chain`(기본 3)보다 긴 동기 호출 체인입니다.",
    },
    why: Text {
        en: "Latency adds up and availability multiplies down along the chain: five services at 99.9% give 99.5%.",
        ko: "체인을 따라 지연은 더해지고 가용성은 곱해져 떨어집니다: 99.9% 서비스 다섯 개면 99.5%입니다.",
    },
    fix: Text {
        en: "Keep a local read model fed by events for data the far end owns, or collapse hops that always travel together.",
        ko: "먼 끝의 데이터는 이벤트로 갱신되는 로컬 조회 모델로 두거나, 항상 함께 움직이는 단계를 합치세요.",
    },
    source: "Newman: Building Microservices, 2nd ed., O'Reilly 2021, ch. 4 and 12",
};

pub static MSA106: Rule = Rule {
    code: "MSA106",
    name: "call-without-timeout",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A synchronous call with no timeout.",
        ko: "타임아웃이 없는 동기 호출입니다.",
    },
    why: Text {
        en: "Without a timeout one slow dependency holds threads and connections until the caller falls over too: a cascading failure.",
        ko: "타임아웃이 없으면 느린 의존 대상 하나가 스레드와 연결을 붙잡아 호출자까지 쓰러뜨립니다: 연쇄 장애.",
    },
    fix: Text {
        en: "Set `timeout:` a little above the callee's normal worst-case latency.",
        ko: "피호출자의 평소 최악 지연보다 약간 길게 `timeout:`을 설정하세요.",
    },
    source: "Nygard: Release It!, 2nd ed., 2018 (Timeouts)",
};

pub static MSA107: Rule = Rule {
    code: "MSA107",
    name: "call-without-circuit-breaker",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A synchronous call with no circuit breaker.",
        ko: "서킷 브레이커가 없는 동기 호출입니다.",
    },
    why: Text {
        en: "A breaker stops calling a failing dependency, so the caller fails fast and the callee can recover.",
        ko: "브레이커는 장애 난 대상 호출을 멈춰 호출자는 빨리 실패하고 피호출자는 회복할 수 있게 합니다.",
    },
    fix: Text {
        en: "Add `circuit_breaker: true`.",
        ko: "`circuit_breaker: true`를 추가하세요.",
    },
    source: "Nygard: Release It!, 2nd ed., 2018 (Circuit Breaker)",
};

pub static MSA113: Rule = Rule {
    code: "MSA113",
    name: "retry-not-idempotent",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "Retries on a call to a POST or PATCH operation.",
        ko: "POST나 PATCH 오퍼레이션 호출에 재시도가 있습니다.",
    },
    why: Text {
        en: "A request that timed out may have succeeded; retrying a non-idempotent operation can do the work twice.",
        ko: "타임아웃된 요청도 성공했을 수 있어, 멱등이 아닌 작업을 재시도하면 두 번 실행될 수 있습니다.",
    },
    fix: Text {
        en: "Remove the retries, or make the operation idempotent (PUT with a client-chosen id, or an idempotency key).",
        ko: "재시도를 빼거나 작업을 멱등으로 만드세요 (클라이언트가 정한 id로 PUT, 또는 멱등 키).",
    },
    source: "RFC 9110 section 9.2.2 (idempotent methods)",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    zero_timeouts(spec, lang, out);
    let graph = Graph::new(spec, false);
    let name = |i: usize| spec.contexts[i].name.as_str();
    let cycles = graph.cycles();
    for cycle in &cycles {
        let mut names: Vec<&str> = cycle.iter().map(|&i| name(i)).collect();
        names.push(name(cycle[0]));
        let shown = chained(&names, lang);
        let first = cycle[0];
        let next = *cycle.get(1).unwrap_or(&first);
        let call = spec.contexts[first]
            .calls
            .iter()
            .position(|c| c.context == name(next))
            .unwrap_or(0);
        let mut finding = Finding::new(&MSA101, ctx(first).key("calls").index(call), tr!(lang, "synchronous calls form a cycle: {shown}", "동기 호출이 순환합니다: {shown}"))
            .help(tr!(lang, "break the cycle: replace one call with an event, or move the shared logic into one context", "순환을 끊으세요: 호출 하나를 이벤트로 바꾸거나 공유 로직을 한 컨텍스트로 옮기세요"));
        // Every further hop, including the one that closes the cycle.
        for (n, &from) in cycle.iter().enumerate().skip(1).take(MAX_RELATED) {
            let to = cycle[(n + 1) % cycle.len()];
            if let Some(k) = spec.contexts[from]
                .calls
                .iter()
                .position(|c| c.context == name(to))
            {
                let label = tr!(
                    lang,
                    "{} calls {}",
                    "{}이(가) {}을(를) 호출",
                    name(from),
                    name(to)
                );
                finding = finding.related(ctx(from).key("calls").index(k), label);
            }
        }
        out.push(finding);
    }

    if cycles.is_empty() {
        let limit = spec.policy.max_call_chain as usize;
        let chains = graph.longest_chains();
        let called: Vec<bool> = {
            let mut called = vec![false; spec.contexts.len()];
            graph
                .edges
                .iter()
                .flatten()
                .for_each(|&(t, _)| called[t] = true);
            called
        };
        for (start, &(hops, _)) in chains.iter().enumerate() {
            if hops > limit && !called[start] {
                let chain = Graph::chain_after(&chains, start);
                let names: Vec<&str> = std::iter::once(start)
                    .chain(chain.iter().copied())
                    .map(name)
                    .collect();
                let shown = chained(&names, lang);
                let k = spec.contexts[start]
                    .calls
                    .iter()
                    .position(|c| c.context == name(chain[0]))
                    .unwrap_or(0);
                out.push(
                    Finding::new(&MSA102, ctx(start).key("calls").index(k), tr!(lang, "a chain of {hops} synchronous calls exceeds the limit of {limit}: {shown}", "동기 호출 체인 {hops}단계가 한도 {limit}을(를) 넘습니다: {shown}"))
                        .help(tr!(lang, "every hop multiplies latency and failure; use events or a local read model for the far end (or raise `policy.max_call_chain`)", "단계마다 지연과 장애가 곱해집니다. 먼 끝은 이벤트나 로컬 조회 모델로 바꾸세요 (또는 `policy.max_call_chain`을 늘리세요)")),
                );
            }
        }
    }

    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, call) in c.calls.iter().enumerate() {
            let at = ctx(i).key("calls").index(k);
            let target = format!("{}.{}", call.context, call.operation);
            if call.timeout.is_none() {
                out.push(
                    Finding::new(
                        &MSA106,
                        at.clone(),
                        tr!(
                            lang,
                            "the call to `{target}` has no timeout",
                            "`{target}` 호출에 타임아웃이 없습니다"
                        ),
                    )
                    .at_key()
                    .help(tr!(
                        lang,
                        "add `timeout: 2s` (a little above the callee's normal worst latency)",
                        "`timeout: 2s`처럼 추가하세요 (피호출자의 평소 최악 지연보다 약간 길게)"
                    )),
                );
            }
            if call.circuit_breaker != Some(true) {
                out.push(
                    Finding::new(&MSA107, at.clone(), tr!(lang, "the call to `{target}` has no circuit breaker", "`{target}` 호출에 서킷 브레이커가 없습니다"))
                        .at_key()
                        .help(tr!(lang, "add `circuit_breaker: true` so a failing callee fails fast instead of tying up `{}`", "`circuit_breaker: true`를 추가하면 장애 난 피호출자가 `{}`을(를) 붙잡지 않고 빨리 실패합니다", c.name)),
                );
            }
            let method = spec
                .context(&call.context)
                .and_then(|t| t.operation(&call.operation))
                .map(|o| o.method);
            if let Some(method) = method
                && call.retries > 0
                && !method.is_idempotent()
            {
                let m = method.as_str();
                out.push(
                    Finding::new(&MSA113, at.key("retries"), tr!(lang, "retries on `{target}` ({m}), which is not idempotent: a retry may do the work twice", "멱등이 아닌 `{target}`({m})에 재시도가 설정되어 작업이 두 번 실행될 수 있습니다"))
                        .help(tr!(lang, "remove `retries`, or make the operation idempotent (PUT with a client-chosen id, or an idempotency key)", "`retries`를 빼거나 오퍼레이션을 멱등으로 만드세요 (클라이언트가 정한 id로 PUT, 또는 멱등 키)")),
                );
            }
        }
    }
}

/// A timeout of zero: nginx and the generated clients would give up on every request at once.
fn zero_timeouts(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut zero = |timeout: Option<Millis>, path: Path| {
        if timeout.is_some_and(|t| t.0 == 0) {
            out.push(
                Finding::new(
                    &MSA006,
                    path,
                    tr!(
                        lang,
                        "a timeout of 0 is out of range: every request would time out at once",
                        "타임아웃 0은 범위를 벗어납니다: 모든 요청이 즉시 시간 초과됩니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "use a little more than a normal answer takes, like `2s`",
                    "평소 응답 시간보다 조금 긴 값을 쓰세요 (`2s` 등)"
                )),
            );
        }
    };
    zero(
        spec.gateway.timeout,
        Path::root().key("gateway").key("timeout"),
    );
    for (i, c) in spec.contexts.iter().enumerate() {
        for (j, o) in c.operations.iter().enumerate() {
            zero(o.timeout, ctx(i).key("operations").index(j).key("timeout"));
        }
        for (k, call) in c.calls.iter().enumerate() {
            zero(call.timeout, ctx(i).key("calls").index(k).key("timeout"));
        }
    }
}
