//! What the Kubernetes and DR templates see: per context (`ctx.deploy`) the replicas, database
//! shape, backup schedules and DR-site behaviour that follow from its grade, strategy, RTO and RPO,
//! and for the system (`system.deploy`) the namespace and the recovery order of `crate::recovery`.
//!
//! Pure data derived from the checked `Spec`; the numbers are msaforge's defaults, documented in
//! `templates/README.md` and the generated `docs/dr/plan.md`. No rendering or writing here.

mod routes;
mod shutdown;

use std::fmt::Write as _;

use serde::Serialize;

pub use routes::{RouteMatch, RouteRule};
pub use shutdown::Shutdown;

use crate::recovery::{ContextPlan, Step};
use crate::spec::Spec;
use crate::spec::model::{Store, Strategy};

/// Namespace, sites and what the contexts' deployments have in common.
#[derive(Debug, Serialize)]
pub struct DeployView {
    /// The Kubernetes namespace of the system (its name), the same in every site.
    pub namespace: String,
    /// Image tag of the services (the generated workspace's version).
    pub image_tag: &'static str,
    /// Days backups are kept (CNPG retention policy, Velero TTL).
    pub retention_days: u32,
    /// The recovery order: steps of contexts that can recover in parallel.
    pub order: Vec<StepView>,
    /// Some context uses each of these: templates emit the shared parts only then.
    pub uses_cnpg: bool,
    pub uses_velero: bool,
    pub has_replicated: bool,
    /// The in-cluster nginx gateway behind the Gateway API.
    pub gateway: GatewayDeploy,
    /// Addresses and namespaces the network policies name: placeholders to replace.
    pub network: NetworkView,
}

/// What the NetworkPolicies and the gateway need to know about the cluster and the sites. The
/// CIDRs are documentation ranges (RFC 5737) or a common default, listed in the generated
/// deploy/k8s/README.md as placeholders to replace.
#[derive(Debug, Serialize)]
pub struct NetworkView {
    /// The pod network, trusted for X-Forwarded-For from the Gateway implementation's proxies.
    pub pod_cidr: &'static str,
    /// Where the Gateway implementation's proxies run (the Gateway's own namespace by default).
    pub proxy_namespace: String,
    /// The namespace of the Gateway implementation's control plane (placeholder).
    pub control_plane_namespace: &'static str,
    /// The Kubernetes API server's endpoints (`kubectl get endpoints kubernetes`).
    pub api_server_cidr: &'static str,
    /// The object storage endpoints of the primary and the DR site (WAL archives, base backups).
    pub object_storage_primary_cidr: &'static str,
    pub object_storage_dr_cidr: &'static str,
    /// The primary site's database endpoint, as the DR site reaches it (active-active writes), and
    /// the DR site's nodes, as the primary site's databases see them.
    pub primary_db_cidr: &'static str,
    pub dr_site_cidr: &'static str,
}

/// The nginx gateway's Deployment: replicas by the gateway's grade, and its shutdown.
#[derive(Debug, Serialize)]
pub struct GatewayDeploy {
    pub grade: u8,
    pub replicas: u32,
    pub max_replicas: u32,
    pub shutdown: Shutdown,
}

/// A step of the recovery order, with the indices of its contexts in `system.contexts`.
#[derive(Debug, Serialize)]
pub struct StepView {
    #[serde(flatten)]
    pub step: Step,
    pub members: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct DeployContext {
    pub name: String,
    /// The DR plan row: grade, strategy, declared and effective RTO/RPO, recovery step.
    pub plan: ContextPlan,
    pub strategy: &'static str,
    /// Deployment replicas in the primary site, and the HPA bounds.
    pub replicas: u32,
    pub max_replicas: u32,
    /// Deployment replicas in the DR site: the same for active-active, zero otherwise (scaled up by
    /// the failover runbook).
    pub dr_replicas: u32,
    /// Database shape: `cnpg` (postgres), `statefulset` (mysql, mongodb, redis) or `none`.
    pub database: &'static str,
    pub db_name: String,
    /// Database port and the image of a StatefulSet database.
    pub db_port: u16,
    pub db_image: &'static str,
    /// CNPG instances in each site (primary and, for replicated contexts, the replica cluster).
    pub db_instances: u32,
    /// Synchronous replicas inside a site (an RPO of zero needs one).
    pub db_sync_replicas: u32,
    /// Postgres with active-active or active-standby: a CNPG replica cluster runs in the DR site
    /// before a disaster. Other databases are restored there by the failover runbook.
    pub replicated: bool,
    /// CNPG base backups (6-field cron, seconds first), how often that is, and every how many hours.
    pub base_backup_cron: String,
    pub base_backup_every: String,
    pub base_backup_hours: u32,
    /// Velero backs this context up (backup-restore, or a store CNPG does not cover).
    pub velero: bool,
    /// Velero schedule (5-field cron), how often that is, and every how many hours.
    pub velero_cron: String,
    pub velero_every: String,
    pub velero_hours: u32,
    /// The RTO as a `kubectl wait --timeout` duration (`4h`, `15m`; at least a minute).
    pub wait_timeout: String,
    /// preStop, readiness delay, in-flight timeout and grace period (`shutdown` module).
    pub shutdown: Shutdown,
    /// The rules of its HTTPRoute: every public operation matched by method and whole path.
    pub route_rules: Vec<RouteRule>,
}

/// Backups are kept this long whatever the grade (msaforge's default, from the platform notes).
pub const RETENTION_DAYS: u32 = 30;

/// The system's deployment view; `contexts` are the contexts' own (`context`), in spec order.
pub fn view(spec: &Spec, order: Vec<Step>, contexts: &[&DeployContext]) -> DeployView {
    let index = |name: &String| spec.context_index(name);
    let grade = spec
        .gateway
        .dr
        .map_or(crate::recovery::DEFAULT_GRADE, |d| d.grade)
        .min(4);
    let (replicas, max_replicas) = replicas_of(grade);
    DeployView {
        gateway: GatewayDeploy {
            grade,
            replicas,
            max_replicas,
            shutdown: shutdown::gateway(spec),
        },
        network: NetworkView {
            pod_cidr: "10.0.0.0/8",
            proxy_namespace: spec.system.name.to_string(),
            control_plane_namespace: "gateway-system",
            api_server_cidr: "192.0.2.10/32",
            object_storage_primary_cidr: "198.51.100.10/32",
            object_storage_dr_cidr: "203.0.113.10/32",
            primary_db_cidr: "198.51.100.20/32",
            dr_site_cidr: "203.0.113.0/24",
        },
        namespace: spec.system.name.to_string(),
        image_tag: "0.1.0",
        retention_days: RETENTION_DAYS,
        uses_cnpg: contexts.iter().any(|c| c.database == "cnpg"),
        uses_velero: contexts.iter().any(|c| c.velero),
        has_replicated: contexts.iter().any(|c| c.replicated),
        order: order
            .into_iter()
            .map(|step| StepView {
                members: step.contexts.iter().filter_map(index).collect(),
                step,
            })
            .collect(),
    }
}

/// The deployment of context `i` of the spec, from its row of the DR plan; operations without a
/// timeout take the gateway's (`default_timeout_s`).
pub fn context(spec: &Spec, i: usize, row: ContextPlan, default_timeout_s: f64) -> DeployContext {
    let c = &spec.contexts[i];
    let prefix = spec.gateway.prefix.trim_end_matches('/');
    let grade = row.grade.min(4);
    let strategy = row.strategy;
    let (replicas, max_replicas) = replicas_of(grade);
    let replicated = c.data.store == Store::Postgres && strategy != Strategy::BackupRestore;
    let (database, db_port, db_image) = match c.data.store {
        Store::Postgres => ("cnpg", 5432, ""),
        Store::Mysql => ("statefulset", 3306, "mysql:8.4"),
        Store::Mongodb => ("statefulset", 27017, "mongo:8.0"),
        Store::Redis => ("statefulset", 6379, "redis:7.4-alpine"),
        Store::None => ("none", 0, ""),
    };
    // Start minutes spread by context index so backups of one system do not all start at once.
    let minute = (i * 7) % 60;
    let rpo_hours = interval_hours(row.rpo_ms);
    let base_hours = if replicated { 24 } else { rpo_hours };
    let velero = strategy == Strategy::BackupRestore || database == "statefulset";
    DeployContext {
        name: c.name.clone(),
        strategy: strategy.as_str(),
        replicas,
        max_replicas,
        dr_replicas: if strategy == Strategy::ActiveActive {
            replicas
        } else {
            0
        },
        database,
        db_name: c.data.database.clone(),
        db_port,
        db_image,
        db_instances: match grade {
            1 | 2 => 3,
            3 => 2,
            _ => 1,
        },
        db_sync_replicas: u32::from(row.rpo_ms == 0),
        replicated,
        base_backup_cron: cron(base_hours, minute, true),
        base_backup_every: every(base_hours),
        base_backup_hours: base_hours,
        velero,
        velero_cron: cron(rpo_hours, minute, false),
        velero_every: every(rpo_hours),
        velero_hours: rpo_hours,
        wait_timeout: wait_timeout(row.rto_ms),
        shutdown: shutdown::service(spec, i),
        route_rules: routes::rules(c, prefix, default_timeout_s),
        plan: row,
    }
}

/// Replicas in the primary site (the HPA's floor) and the HPA's ceiling, by grade (1-4).
fn replicas_of(grade: u8) -> (u32, u32) {
    match grade {
        1 => (3, 10),
        2 => (2, 6),
        3 => (2, 4),
        _ => (1, 3),
    }
}

/// The backup interval for an RPO: the longest of 1, 2, 3, 4, 6, 8, 12 or 24 hours that is not
/// longer than the RPO (1 hour below that: finer recovery points need WAL archiving or replication).
pub fn interval_hours(rpo_ms: u64) -> u32 {
    const HOURS: [u32; 8] = [1, 2, 3, 4, 6, 8, 12, 24];
    let rpo_hours = rpo_ms / 3_600_000;
    HOURS
        .iter()
        .rev()
        .copied()
        .find(|&h| u64::from(h) <= rpo_hours)
        .unwrap_or(1)
}

/// A cron line every `hours` hours at `minute` past (daily at 01:mm for 24): five fields, or six
/// with a leading seconds field (CloudNativePG).
pub fn cron(hours: u32, minute: usize, seconds: bool) -> String {
    let hour = match hours {
        24 => "1".to_owned(),
        1 => "*".to_owned(),
        h => format!("*/{h}"),
    };
    let line = format!("{minute} {hour} * * *");
    if seconds { format!("0 {line}") } else { line }
}

fn every(hours: u32) -> String {
    match hours {
        24 => "daily".to_owned(),
        1 => "hourly".to_owned(),
        h => format!("every {h}h"),
    }
}

/// A Go duration for `kubectl wait --timeout`: whole hours or minutes, at least `1m`.
fn wait_timeout(ms: u64) -> String {
    let minutes = (ms / 60_000).max(1);
    if minutes.is_multiple_of(60) {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

/// A Gateway API duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`) for a timeout in seconds: `10s`,
/// `2s500ms`, `1m40s500ms`; at least `1ms`.
pub fn gateway_duration(seconds: f64) -> String {
    let ms: u64 = format!("{:.0}", (seconds * 1000.0).max(1.0))
        .parse()
        .unwrap_or(1);
    [
        (ms / 3_600_000, "h"),
        (ms / 60_000 % 60, "m"),
        (ms / 1_000 % 60, "s"),
        (ms % 1_000, "ms"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .fold(String::new(), |mut out, (n, unit)| {
        let _ = write!(out, "{n}{unit}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_intervals_follow_the_rpo() {
        let h = 3_600_000;
        assert_eq!(interval_hours(0), 1);
        assert_eq!(interval_hours(15 * 60_000), 1);
        assert_eq!(interval_hours(4 * h), 4);
        assert_eq!(interval_hours(5 * h), 4);
        assert_eq!(interval_hours(24 * h), 24);
        assert_eq!(interval_hours(72 * h), 24);
        assert_eq!(cron(24, 7, true), "0 7 1 * * *");
        assert_eq!(cron(4, 0, false), "0 */4 * * *");
        assert_eq!(cron(1, 14, false), "14 * * * *");
        assert_eq!(wait_timeout(86_400_000), "24h");
        assert_eq!(wait_timeout(0), "1m");
    }

    #[test]
    fn gateway_durations_stay_in_the_allowed_form() {
        assert_eq!(gateway_duration(10.0), "10s");
        assert_eq!(gateway_duration(2.5), "2s500ms");
        assert_eq!(gateway_duration(0.0), "1ms");
        assert_eq!(gateway_duration(100.5), "1m40s500ms");
        assert_eq!(gateway_duration(3600.0), "1h");
    }
}
