//! What the Kubernetes and DR templates see: per context (`ctx.deploy`) the replicas, database
//! shape, backup schedules and DR-site behaviour that follow from its grade, strategy, RTO and RPO,
//! and for the system (`system.deploy`) the namespace and the recovery order of `crate::recovery`.
//!
//! Pure data derived from the checked `Spec`; the numbers are msaforge's defaults, documented in
//! `templates/README.md` and the generated `docs/dr/plan.md`. No rendering or writing here.

mod durations;
pub mod resources;
mod routes;
mod shutdown;

use serde::Serialize;

pub use durations::{cron, gateway_duration, interval_hours};
use durations::{every, wait_timeout};
pub use resources::{PriorityClass, Quota, Resources};
pub use routes::{RouteMatch, RouteRule};
pub use shutdown::Shutdown;

use crate::recovery::{ContextPlan, Step};
use crate::spec::Spec;
use crate::spec::model::{Exposure, Store, Strategy};
use resources::Workload;

/// Namespace, sites and what the contexts' deployments have in common.
#[derive(Debug, Serialize)]
pub struct DeployView {
    /// The Kubernetes namespace of the system (its name), the same in every site.
    pub namespace: String,
    /// Image tag of the services (the generated workspace's version).
    pub image_tag: &'static str,
    /// The registry every image comes from, the services' and the mirrored upstream ones
    /// (placeholder): the DR site pulls nothing from the internet.
    pub registry: &'static str,
    /// The PriorityClasses of the grades in use, highest first.
    pub priority_classes: Vec<PriorityClass>,
    /// The namespace's ResourceQuota: every workload at its peak.
    pub quota: Quota,
    /// The LimitRange's default for a container that states no resources.
    pub container_default: Resources,
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
    pub priority_class: String,
    pub resources: Resources,
    /// `whenUnsatisfiable` of the zone spread: `DoNotSchedule` for grade 1.
    pub zone_spread: &'static str,
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
    /// The HPA's floor and ceiling (the Deployments carry no `replicas` of their own).
    pub replicas: u32,
    pub max_replicas: u32,
    /// Deployment replicas in the DR site before a disaster: the HPA's floor for active-active,
    /// zero otherwise (held by overlays/dr-site; overlays/dr-failover hands them to the HPA).
    pub dr_replicas: u32,
    /// Database shape: `cnpg` (postgres), `statefulset` (mysql, mongodb, redis) or `none`.
    pub database: &'static str,
    pub db_name: String,
    /// Database port and the image of the database (fully qualified, from `registry`).
    pub db_port: u16,
    pub db_image: String,
    /// The service container's resources (from its stack) and a database instance's (by grade).
    pub resources: Resources,
    pub db_resources: Resources,
    /// The StorageClass of its database volumes (a placeholder by grade).
    pub storage_class: String,
    /// Its PriorityClass (by grade) and the zone spread of its pods: `DoNotSchedule` for grade 1,
    /// whose replicas must not share a zone, `ScheduleAnyway` otherwise.
    pub priority_class: String,
    pub zone_spread: &'static str,
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

/// The registry placeholder of every image.
pub const REGISTRY: &str = "registry.example.invalid";

/// The zone spread of a grade's pods.
fn zone_spread(grade: u8) -> &'static str {
    if grade == 1 {
        "DoNotSchedule"
    } else {
        "ScheduleAnyway"
    }
}

/// The system's deployment view; `contexts` are the contexts' own (`context`), in spec order.
pub fn view(spec: &Spec, order: Vec<Step>, contexts: &[&DeployContext]) -> DeployView {
    let index = |name: &String| spec.context_index(name);
    let grade = spec
        .gateway
        .dr
        .map_or(crate::recovery::DEFAULT_GRADE, |d| d.grade)
        .min(4);
    let (replicas, max_replicas) = replicas_of(grade);
    let has_gateway = spec
        .contexts
        .iter()
        .any(|c| c.operations.iter().any(|o| o.exposure == Exposure::Public));
    let mut grades: Vec<u8> = contexts.iter().map(|c| c.plan.grade.min(4)).collect();
    if has_gateway {
        grades.push(grade);
    }
    grades.sort_unstable();
    grades.dedup();
    let mut workloads: Vec<Workload> = contexts.iter().flat_map(|c| c.workloads()).collect();
    if has_gateway {
        workloads.push(Workload {
            resources: resources::GATEWAY,
            pods: max_replicas + 1,
            volumes: 0,
        });
    }
    DeployView {
        gateway: GatewayDeploy {
            grade,
            priority_class: resources::priority_class(&spec.system.name, grade).name,
            resources: resources::GATEWAY,
            zone_spread: zone_spread(grade),
            replicas,
            max_replicas,
            shutdown: shutdown::gateway(spec),
        },
        registry: REGISTRY,
        priority_classes: grades
            .iter()
            .map(|&g| resources::priority_class(&spec.system.name, g))
            .collect(),
        quota: resources::quota(&workloads),
        container_default: resources::CONTAINER_DEFAULT,
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
        Store::Postgres => ("cnpg", 5432, "cloudnative-pg/postgresql:17"),
        Store::Mysql => ("statefulset", 3306, "library/mysql:8.4"),
        Store::Mongodb => ("statefulset", 27017, "library/mongo:8.0"),
        Store::Redis => ("statefulset", 6379, "library/redis:7.4-alpine"),
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
        db_image: if db_image.is_empty() {
            String::new()
        } else {
            format!("{REGISTRY}/{db_image}")
        },
        resources: resources::service(&crate::stack::of(c.stack).runtime),
        db_resources: resources::database(grade),
        storage_class: resources::storage_class(grade),
        priority_class: resources::priority_class(&spec.system.name, grade).name,
        zone_spread: zone_spread(grade),
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

impl DeployContext {
    /// What the namespace's quota counts for this context: its service at the HPA's ceiling
    /// plus a surge pod, and its database's instances (plus a CloudNativePG job pod).
    fn workloads(&self) -> Vec<Workload> {
        let service = Workload {
            resources: self.resources,
            pods: self.max_replicas + 1,
            volumes: 0,
        };
        let database = match self.database {
            "cnpg" => Some((self.db_instances + 1, self.db_instances)),
            "statefulset" => Some((1, 1)),
            _ => None,
        };
        let mut out = vec![service];
        if let Some((pods, volumes)) = database {
            out.push(Workload {
                resources: self.db_resources,
                pods,
                volumes,
            });
        }
        if self.database == "cnpg" {
            // The Barman Cloud plugin's sidecar in each instance, sized by the LimitRange.
            out.push(Workload {
                resources: resources::CONTAINER_DEFAULT,
                pods: self.db_instances,
                volumes: 0,
            });
        }
        out
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
