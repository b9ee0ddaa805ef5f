//! The closed word lists of the spec format (strategies, stacks, stores, methods, exposure): serde
//! and schemars enums with their spellings as written in the spec. Part of `spec::model`, which
//! re-exports them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a context survives the loss of a site.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Two or more sites serve at the same time (mirror site).
    ActiveActive,
    /// A hot standby site takes over (hot site).
    ActiveStandby,
    /// Restore from backups in another site (warm or cold site).
    BackupRestore,
}

impl Strategy {
    /// As written in the spec: `active-active`.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::ActiveActive => "active-active",
            Strategy::ActiveStandby => "active-standby",
            Strategy::BackupRestore => "backup-restore",
        }
    }
}

/// Write coordination for active-active contexts with a stateful store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WriteStrategy {
    /// One writable primary at a time; the other site holds a replica and forwards writes.
    SinglePrimary,
    /// Data is partitioned so that each site writes its own keys.
    Partitioned,
    /// Conflict-free replicated data (CRDTs, last-writer-wins by design).
    ConflictFree,
}

/// Technology stack of a generated service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Stack {
    /// Rust with axum and tokio.
    #[default]
    RustAxum,
    /// Java 17 with Spring Boot 3 (Maven).
    SpringBoot,
}

impl Stack {
    /// Every stack, in the order generated READMEs list them (what each one is: `src/stack/`).
    pub const ALL: &[Stack] = &[Stack::RustAxum, Stack::SpringBoot];

    pub fn as_str(self) -> &'static str {
        match self {
            Stack::RustAxum => "rust-axum",
            Stack::SpringBoot => "spring-boot",
        }
    }
}

/// Kind of datastore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Store {
    Postgres,
    Mysql,
    Mongodb,
    Redis,
    None,
}

impl Store {
    /// As written in the spec: `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Store::Postgres => "postgres",
            Store::Mysql => "mysql",
            Store::Mongodb => "mongodb",
            Store::Redis => "redis",
            Store::None => "none",
        }
    }
}

/// HTTP method.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// GET, PUT and DELETE may be retried safely (RFC 9110 section 9.2.2).
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }

    /// Lowercase, as OpenAPI keys and axum's routing functions spell it.
    pub fn as_lower(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// Routed through the gateway.
    #[default]
    Public,
    /// Reachable only by other contexts inside the system.
    Internal,
}
