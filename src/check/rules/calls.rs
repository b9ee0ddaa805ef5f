//! Synchronous-call rules: cycles, chains that are too long, calls without a timeout or a circuit
//! breaker, retries of operations that are not idempotent, and timeouts of zero (gateway,
//! operations, calls) that would fail every request at once.
//!
//! The call graph itself lives in `spec::graph` (shared with the DR analysis).

use crate::check::Finding;
use crate::lang::Lang;
use crate::spec::graph::Graph;
use crate::spec::names::Millis;
use crate::spec::{Path, Spec};

use super::ctx;

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    zero_timeouts(spec, lang, out);
    let graph = Graph::new(spec, false);
    let name = |i: usize| spec.contexts[i].name.as_str();
    let cycles = graph.cycles();
    for cycle in &cycles {
        let mut names: Vec<&str> = cycle.iter().map(|&i| name(i)).collect();
        names.push(name(cycle[0]));
        let shown = names.join(" -> ");
        let first = cycle[0];
        let next = *cycle.get(1).unwrap_or(&first);
        let call = spec.contexts[first]
            .calls
            .iter()
            .position(|c| c.context == name(next))
            .unwrap_or(0);
        let mut finding = Finding::error("MSA101", ctx(first).key("calls").index(call), tr!(lang, "synchronous calls form a cycle: {shown}", "동기 호출이 순환합니다: {shown}"))
            .help(tr!(lang, "break the cycle: replace one call with an event, or move the shared logic into one context", "순환을 끊으세요: 호출 하나를 이벤트로 바꾸거나 공유 로직을 한 컨텍스트로 옮기세요"));
        // Every further hop, including the one that closes the cycle.
        for (n, &from) in cycle.iter().enumerate().skip(1) {
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
        for (start, chain) in chains.iter().enumerate() {
            if chain.len() > limit && !called[start] {
                let hops = chain.len();
                let shown = std::iter::once(start)
                    .chain(chain.iter().copied())
                    .map(name)
                    .collect::<Vec<_>>()
                    .join(" -> ");
                let k = spec.contexts[start]
                    .calls
                    .iter()
                    .position(|c| c.context == name(chain[0]))
                    .unwrap_or(0);
                out.push(
                    Finding::warning("MSA102", ctx(start).key("calls").index(k), tr!(lang, "a chain of {hops} synchronous calls exceeds the limit of {limit}: {shown}", "동기 호출 체인 {hops}단계가 한도 {limit}을(를) 넘습니다: {shown}"))
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
                    Finding::error(
                        "MSA106",
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
                    Finding::warning("MSA107", at.clone(), tr!(lang, "the call to `{target}` has no circuit breaker", "`{target}` 호출에 서킷 브레이커가 없습니다"))
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
                    Finding::warning("MSA113", at.key("retries"), tr!(lang, "retries on `{target}` ({m}), which is not idempotent: a retry may do the work twice", "멱등이 아닌 `{target}`({m})에 재시도가 설정되어 작업이 두 번 실행될 수 있습니다"))
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
                Finding::error(
                    "MSA006",
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
