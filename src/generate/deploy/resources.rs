//! What each pod may use and how it ranks: container resources (memory requested = limited, so
//! no pod is OOM-killed for using what it was given; ephemeral storage bounded), database
//! resources and storage classes by grade, a PriorityClass per DR grade, and the namespace's
//! ResourceQuota and LimitRange, summed from all of that.
//!
//! Numbers only; the templates under `templates/k8s/` write them. The storage class names are
//! placeholders the generated deploy/k8s/README.md lists.

use serde::Serialize;

use crate::stack::Runtime;

/// One container's requests and limits. Memory is requested and limited alike.
#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
pub struct Resources {
    pub cpu_request_m: u32,
    pub cpu_limit_m: u32,
    pub memory_mib: u32,
    pub ephemeral_request_mib: u32,
    pub ephemeral_limit_mib: u32,
}

/// A service container of a stack: its memory and CPU, one core at most, and ephemeral storage
/// for its 64Mi `/tmp` and its logs.
pub fn service(runtime: &Runtime) -> Resources {
    Resources {
        cpu_request_m: runtime.cpu_millis,
        cpu_limit_m: 1000,
        memory_mib: runtime.memory_mib,
        ephemeral_request_mib: 128,
        ephemeral_limit_mib: 256,
    }
}

/// The nginx gateway: request bodies it buffers go to its 256Mi `/tmp`.
pub const GATEWAY: Resources = Resources {
    cpu_request_m: 100,
    cpu_limit_m: 1000,
    memory_mib: 128,
    ephemeral_request_mib: 256,
    ephemeral_limit_mib: 512,
};

/// What the namespace's LimitRange gives a container that states no resources: the Barman
/// Cloud plugin's sidecar in every CloudNativePG pod, job pods operators add, debug containers.
pub const CONTAINER_DEFAULT: Resources = Resources {
    cpu_request_m: 100,
    cpu_limit_m: 500,
    memory_mib: 256,
    ephemeral_request_mib: 64,
    ephemeral_limit_mib: 256,
};

/// A database instance by grade (1-4): guaranteed memory for the shared buffers and the
/// connections of its service at the HPA's ceiling.
pub fn database(grade: u8) -> Resources {
    let (cpu_request_m, memory_mib) = match grade {
        1 | 2 => (1000, 2048),
        3 => (500, 1024),
        _ => (250, 512),
    };
    Resources {
        cpu_request_m,
        cpu_limit_m: 2000,
        memory_mib,
        ephemeral_request_mib: 256,
        ephemeral_limit_mib: 1024,
    }
}

/// The StorageClass of a database's volumes by grade: a placeholder per grade
/// (`storage-grade-1`), mapped to the site's classes (replicated, snapshot-capable storage for
/// grades 1 and 2) before the first apply.
pub fn storage_class(grade: u8) -> String {
    format!("storage-grade-{}", grade.min(4))
}

/// Size of one database volume.
pub const VOLUME_GIB: u32 = 10;

/// A PriorityClass of the system: higher grades are scheduled first and, for grades 1 and 2,
/// preempt lower ones when a site runs short (a failover into a smaller DR site).
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct PriorityClass {
    pub name: String,
    pub grade: u8,
    pub value: u32,
    pub preempts: bool,
}

/// The PriorityClass of `grade` in `system`. Values stay far below the system-critical classes
/// (two billion) and above the default of zero.
pub fn priority_class(system: &str, grade: u8) -> PriorityClass {
    let grade = grade.min(4);
    PriorityClass {
        name: format!("{system}-grade-{grade}"),
        grade,
        value: 10_000 * (5 - u32::from(grade)),
        preempts: grade <= 2,
    }
}

/// A workload the quota counts: its container resources, its pods at peak and its volumes.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    pub resources: Resources,
    pub pods: u32,
    pub volumes: u32,
}

/// The namespace's ResourceQuota: the sum over every workload at its peak.
#[derive(Debug, Serialize, Default, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub pods: u32,
    pub cpu_requests_m: u32,
    pub cpu_limits_m: u32,
    pub memory_mib: u32,
    pub ephemeral_requests_mib: u32,
    pub ephemeral_limits_mib: u32,
    pub volumes: u32,
    pub storage_gib: u32,
}

/// The quota that holds every workload at its peak: each HPA at its ceiling with one surge pod
/// of a rollout, each database with all its instances and a job pod of CloudNativePG.
pub fn quota(workloads: &[Workload]) -> Quota {
    workloads.iter().fold(Quota::default(), |q, w| {
        let r = w.resources;
        Quota {
            pods: q.pods + w.pods,
            cpu_requests_m: q.cpu_requests_m + w.pods * r.cpu_request_m,
            cpu_limits_m: q.cpu_limits_m + w.pods * r.cpu_limit_m,
            memory_mib: q.memory_mib + w.pods * r.memory_mib,
            ephemeral_requests_mib: q.ephemeral_requests_mib + w.pods * r.ephemeral_request_mib,
            ephemeral_limits_mib: q.ephemeral_limits_mib + w.pods * r.ephemeral_limit_mib,
            volumes: q.volumes + w.volumes,
            storage_gib: q.storage_gib + w.volumes * VOLUME_GIB,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_grades_rank_higher_and_only_they_preempt() {
        let classes: Vec<PriorityClass> = (1..=5).map(|g| priority_class("s", g)).collect();
        assert!(classes.windows(2).take(3).all(|w| w[0].value > w[1].value));
        assert_eq!(classes[4], classes[3], "grade 5 is treated as 4");
        assert!(classes[1].preempts && !classes[2].preempts);
        assert!(classes[0].value < 1_000_000_000);
    }

    #[test]
    fn the_quota_is_the_sum_at_peak() {
        let w = |pods, volumes| Workload {
            resources: GATEWAY,
            pods,
            volumes,
        };
        let q = quota(&[w(3, 0), w(2, 2)]);
        assert_eq!(q.pods, 5);
        assert_eq!(q.memory_mib, 5 * 128);
        assert_eq!(q.cpu_limits_m, 5000);
        assert_eq!(q.storage_gib, 2 * VOLUME_GIB);
    }
}
