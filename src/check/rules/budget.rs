//! The call-timeout budget (MSA115): a public operation's handler waits for its synchronous calls,
//! and a call may take `timeout x (retries + 1)` plus the backoff between attempts. When that is
//! longer than the gateway waits for the route, the gateway answers 504 while the service still
//! retries: the retries cost load and help nobody.
//!
//! The backoff is the generated clients' own, in both stacks: 50 ms before the first retry,
//! doubled before each further one (`BASE_BACKOFF` in the Rust `http_client.rs`, resilience4j's
//! exponential `wait-duration` in the Spring `application.yaml`). Only idempotent calls are retried.

use std::collections::BTreeMap;

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;
use crate::spec::model::Exposure;
use crate::spec::names::Millis;
use crate::spec::resolve::route_prefix;

use super::ctx;

pub static MSA115: Rule = Rule {
    code: "MSA115",
    name: "call-budget",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A synchronous call of a context with public operations whose worst case, `timeout x (retries + 1)` plus the backoff between attempts (50 ms, doubled each time), is longer than the gateway waits for the context's route.",
        ko: "공개 오퍼레이션이 있는 컨텍스트의 동기 호출 최악 시간, 즉 `timeout x (retries + 1)`에 재시도 사이 대기(50 ms부터 두 배씩)를 더한 값이 게이트웨이가 그 경로를 기다리는 시간보다 깁니다.",
    },
    why: Text {
        en: "The gateway gives up and answers 504 while the service is still retrying: the client sees a failure, and the retries only add load to a callee that is already slow.",
        ko: "서비스가 아직 재시도하는 동안 게이트웨이가 포기하고 504로 답합니다: 클라이언트는 실패를 보고, 재시도는 이미 느린 피호출자에 부하만 더합니다.",
    },
    fix: Text {
        en: "Lower the call's `timeout` or `retries` until they fit, or raise the operation's `timeout` (the gateway's wait for its route).",
        ko: "맞을 때까지 호출의 `timeout`이나 `retries`를 줄이거나, 오퍼레이션의 `timeout`(게이트웨이가 그 경로를 기다리는 시간)을 늘리세요.",
    },
    source: "Nygard: Release It!, 2nd ed., 2018 (Timeouts); Google SRE book, ch. 22 (deadline propagation)",
};

/// The generated clients' first backoff; doubled before each further retry.
const BASE_BACKOFF_MS: u64 = 50;
/// The gateway's wait for a route when neither the operation nor `gateway.timeout` sets one.
const GATEWAY_DEFAULT_MS: u64 = 10_000;

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let default = spec.gateway.timeout.map_or(GATEWAY_DEFAULT_MS, |t| t.0);
    for (i, c) in spec.contexts.iter().enumerate() {
        // The gateway's wait per route of this context: the longest of its operations'.
        let mut routes: BTreeMap<String, u64> = BTreeMap::new();
        for o in c
            .operations
            .iter()
            .filter(|o| o.exposure == Exposure::Public)
        {
            let wait = o.timeout.map_or(default, |t| t.0);
            let route = routes.entry(route_prefix(&o.path)).or_insert(wait);
            *route = (*route).max(wait);
        }
        let Some((route, &wait)) = routes.iter().min_by_key(|(_, w)| **w) else {
            continue;
        };
        for (k, call) in c.calls.iter().enumerate() {
            let Some(timeout) = call.timeout else {
                continue; // MSA106
            };
            let Some(op) = spec
                .context(&call.context)
                .and_then(|t| t.operation(&call.operation))
            else {
                continue; // MSA013
            };
            let retries = if op.method.is_idempotent() {
                call.retries
            } else {
                0
            };
            let attempts = u64::from(retries) + 1;
            let backoff = BASE_BACKOFF_MS * ((1u64 << retries.min(32)) - 1);
            let worst = timeout.0 * attempts + backoff;
            if worst <= wait {
                continue;
            }
            let (target, name) = (format!("{}.{}", call.context, call.operation), &c.name);
            let (timeout, worst, wait) = (timeout, Millis(worst), Millis(wait));
            let backoff = Millis(backoff);
            let prefix = spec.gateway.prefix.trim_end_matches('/');
            let sum = tr!(
                lang,
                "{timeout} x {attempts} attempt(s) + {backoff} backoff = {worst}",
                "{timeout} x {attempts}회 시도 + 대기 {backoff} = {worst}"
            );
            out.push(
                Finding::new(&MSA115, ctx(i).key("calls").index(k), tr!(lang, "the call to `{target}` can take {sum}, longer than the gateway waits for `{prefix}{route}` ({wait}): the gateway answers 504 while `{name}` still retries", "`{target}` 호출은 {sum}까지 걸릴 수 있어 게이트웨이가 `{prefix}{route}`를 기다리는 시간({wait})보다 깁니다: `{name}`이(가) 아직 재시도하는 동안 게이트웨이는 504로 답합니다"))
                    .at_key()
                    .help(tr!(lang, "lower this call's `timeout` or `retries` until the sum fits in {wait}, or raise the `timeout` of the operations under `{route}`", "합이 {wait} 안에 들도록 이 호출의 `timeout`이나 `retries`를 줄이거나, `{route}` 아래 오퍼레이션의 `timeout`을 늘리세요")),
            );
        }
    }
}
