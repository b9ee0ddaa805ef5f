//! The tables of a context's events, the same in every stack: the transactional outbox of a
//! publisher and the inbox of a consumer. Part of `migrate`; pure. Their DDL is fixed (it is the
//! contract the generated relays and consumers of both stacks read and write), so they are not
//! mapped from spec types like aggregate tables.
//!
//! - `msaforge_outbox`: one row per event written in the transaction of the state change that
//!   caused it. `seq` orders them; the relay sends unsent rows in `seq` order (so per message key
//!   in commit order), sets `sent_at` once Kafka acknowledged, and counts failed `attempts` with
//!   the `last_error`. `headers` is a JSON object of the Kafka headers (the CloudEvents `ce_*`
//!   attributes and the W3C `traceparent`), `payload` the message's JSON text, kept byte for byte.
//! - `msaforge_inbox`: the id of every event a consumer's handler has applied, inserted in the
//!   handler's transaction: a redelivered event finds its id there and has no second effect.
//!
//! Both are created with `IF NOT EXISTS` and never dropped by msaforge: a context that stops
//! publishing may still hold unsent rows.

use serde::{Deserialize, Serialize};

use super::Dialect;

/// A table of the events machinery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Messaging {
    Outbox,
    Inbox,
}

impl Messaging {
    pub const fn table(self) -> &'static str {
        match self {
            Messaging::Outbox => "msaforge_outbox",
            Messaging::Inbox => "msaforge_inbox",
        }
    }

    /// Its `CREATE TABLE` (and index) statements.
    pub fn create(self, dialect: Dialect) -> Vec<String> {
        let text = match (self, dialect) {
            (Messaging::Outbox, Dialect::Postgres) => vec![
                r#"CREATE TABLE IF NOT EXISTS "msaforge_outbox" (
    "seq" BIGINT GENERATED ALWAYS AS IDENTITY,
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "message_key" TEXT,
    "event_type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "headers" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    CONSTRAINT "msaforge_outbox_pkey" PRIMARY KEY ("seq"),
    CONSTRAINT "msaforge_outbox_id_key" UNIQUE ("id")
);"#,
                r#"CREATE INDEX IF NOT EXISTS "msaforge_outbox_unsent" ON "msaforge_outbox" ("seq") WHERE "sent_at" IS NULL;"#,
            ],
            (Messaging::Outbox, Dialect::Mysql) => vec![
                r"CREATE TABLE IF NOT EXISTS `msaforge_outbox` (
    `seq` BIGINT NOT NULL AUTO_INCREMENT,
    `id` CHAR(36) NOT NULL,
    `topic` VARCHAR(255) NOT NULL,
    `message_key` TEXT,
    `event_type` VARCHAR(255) NOT NULL,
    `payload` MEDIUMTEXT NOT NULL,
    `headers` TEXT NOT NULL,
    `occurred_at` DATETIME(6) NOT NULL,
    `sent_at` DATETIME(6),
    `attempts` INT NOT NULL DEFAULT 0,
    `last_error` TEXT,
    CONSTRAINT `msaforge_outbox_pkey` PRIMARY KEY (`seq`),
    CONSTRAINT `msaforge_outbox_id_key` UNIQUE (`id`),
    INDEX `msaforge_outbox_unsent` (`sent_at`, `seq`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;",
            ],
            (Messaging::Inbox, Dialect::Postgres) => vec![
                r#"CREATE TABLE IF NOT EXISTS "msaforge_inbox" (
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "msaforge_inbox_pkey" PRIMARY KEY ("event_id")
);"#,
            ],
            (Messaging::Inbox, Dialect::Mysql) => vec![
                r"CREATE TABLE IF NOT EXISTS `msaforge_inbox` (
    `event_id` VARCHAR(255) NOT NULL,
    `event_type` VARCHAR(255) NOT NULL,
    `topic` VARCHAR(255) NOT NULL,
    `received_at` DATETIME(6) NOT NULL,
    CONSTRAINT `msaforge_inbox_pkey` PRIMARY KEY (`event_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;",
            ],
        };
        text.into_iter().map(str::to_owned).collect()
    }

    /// What the table is for, for `plan`.
    pub const fn purpose(self) -> &'static str {
        match self {
            Messaging::Outbox => "the transactional outbox of the events it publishes",
            Messaging::Inbox => "the inbox that makes its event handlers apply each event once",
        }
    }
}

/// The events tables a context needs: the outbox when it publishes, the inbox when it consumes.
pub fn needed(publishes: bool, consumes: bool) -> Vec<Messaging> {
    let mut out = Vec::new();
    if publishes {
        out.push(Messaging::Outbox);
    }
    if consumes {
        out.push(Messaging::Inbox);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_name_the_same_tables_and_columns() {
        for m in [Messaging::Outbox, Messaging::Inbox] {
            let pg = m.create(Dialect::Postgres).join("\n");
            let my = m.create(Dialect::Mysql).join("\n").replace('`', "\"");
            assert!(pg.contains(&format!("\"{}\"", m.table())));
            let columns = |sql: &str| -> Vec<String> {
                sql.lines()
                    .filter_map(|l| l.trim().strip_prefix('"'))
                    .filter_map(|l| l.split('"').next())
                    .map(str::to_owned)
                    .collect()
            };
            assert_eq!(columns(&pg), columns(&my), "{m:?}");
        }
    }

    #[test]
    fn only_what_the_context_does_is_needed() {
        assert_eq!(needed(true, false), [Messaging::Outbox]);
        assert_eq!(needed(true, true), [Messaging::Outbox, Messaging::Inbox]);
        assert!(needed(false, false).is_empty());
    }
}
