//! How long a pod may take to stop without failing a request (`ctx.deploy.shutdown` for every
//! service of both stacks, `system.deploy.gateway.shutdown` for nginx). The order on a rollout or
//! drain:
//!
//! 1. the pod is deleted: Kubernetes takes it out of its Service's endpoints while the `preStop`
//!    hook sleeps [`PRE_STOP_S`], so kube-proxy and the Gateway implementation stop sending to it;
//! 2. SIGTERM: the service fails its readiness probe (`/readyz` 503) and keeps serving for
//!    `SHUTDOWN_DELAY` ([`DELAY_S`]) for anyone who routes by readiness;
//! 3. the listener closes; requests in flight finish, for at most `SHUTDOWN_TIMEOUT`: the longest
//!    a request to the service may take (its operations' timeouts, the gateway's default, the
//!    timeouts its callers give their calls to it), rounded up to a second;
//! 4. telemetry is flushed and the process exits, within [`FLUSH_S`].
//!
//! `terminationGracePeriodSeconds` = preStop + delay + timeout + flush, so Kubernetes never kills
//! a pod that is still doing what it was asked (the grace period counts from the deletion, preStop
//! included). nginx has no readiness delay (its SIGQUIT is graceful at once): its timeout is the
//! longest route timeout of the system.
//!
//! The services read `SHUTDOWN_DELAY` and `SHUTDOWN_TIMEOUT` from their ConfigMap (durations
//! with a unit, `5s`); their code defaults to the same numbers (`server.rs` of rust-axum,
//! `application.yaml` and `ShutdownDelay.java` of spring-boot). The preStop sleep uses the
//! kubelet's own `lifecycle.preStop.sleep` (Kubernetes 1.30+): the distroless images have no
//! `sleep` to exec.

use serde::Serialize;

use crate::spec::Spec;
use crate::stack::common::DEFAULT_CALL_TIMEOUT_MS;

/// Seconds the `preStop` hook sleeps: time for the endpoint removal to reach every proxy.
pub const PRE_STOP_S: u32 = 5;
/// Seconds a service keeps serving after SIGTERM with its readiness failed.
pub const DELAY_S: u32 = 5;
/// Seconds for the telemetry flush and the process exit.
pub const FLUSH_S: u32 = 5;

#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
pub struct Shutdown {
    pub pre_stop_s: u32,
    /// `SHUTDOWN_DELAY` in seconds (0 for the gateway).
    pub delay_s: u32,
    /// `SHUTDOWN_TIMEOUT` in seconds: the longest request.
    pub timeout_s: u32,
    /// Telemetry flush and exit.
    pub flush_s: u32,
    /// `terminationGracePeriodSeconds`: preStop + delay + timeout + flush.
    pub grace_s: u32,
}

impl Shutdown {
    fn new(delay_s: u32, longest_ms: u64) -> Self {
        let timeout_s = u32::try_from(longest_ms.div_ceil(1000).max(1)).unwrap_or(u32::MAX);
        Shutdown {
            pre_stop_s: PRE_STOP_S,
            delay_s,
            timeout_s,
            flush_s: FLUSH_S,
            grace_s: PRE_STOP_S + delay_s + timeout_s + FLUSH_S,
        }
    }
}

/// The gateway's default timeout in milliseconds (the spec's, or 10 s).
fn default_ms(spec: &Spec) -> u64 {
    spec.gateway.timeout.map_or(10_000, |t| t.0)
}

/// The shutdown of context `i`'s service.
pub fn service(spec: &Spec, i: usize) -> Shutdown {
    let c = &spec.contexts[i];
    let own = c
        .operations
        .iter()
        .map(|o| o.timeout.map_or(default_ms(spec), |t| t.0));
    let callers = spec
        .contexts
        .iter()
        .flat_map(|o| &o.calls)
        .filter(|k| k.context == c.name)
        .map(|k| k.timeout.map_or(DEFAULT_CALL_TIMEOUT_MS, |t| t.0));
    let longest = own.chain(callers).max().unwrap_or(default_ms(spec));
    Shutdown::new(DELAY_S, longest)
}

/// The shutdown of the nginx gateway: its longest route.
pub fn gateway(spec: &Spec) -> Shutdown {
    let longest = spec
        .contexts
        .iter()
        .flat_map(|c| &c.operations)
        .filter(|o| o.exposure == crate::spec::model::Exposure::Public)
        .map(|o| o.timeout.map_or(default_ms(spec), |t| t.0))
        .max()
        .unwrap_or(default_ms(spec));
    Shutdown::new(0, longest)
}

#[cfg(test)]
mod tests {
    use super::Shutdown;

    #[test]
    fn the_grace_period_covers_every_phase() {
        let s = Shutdown::new(5, 2_500);
        assert_eq!(s.timeout_s, 3);
        assert_eq!(
            s.grace_s,
            s.pre_stop_s + s.delay_s + s.timeout_s + s.flush_s
        );
        assert_eq!(s.grace_s, 5 + 5 + 3 + 5);
        assert_eq!(Shutdown::new(0, 0).timeout_s, 1);
    }
}
