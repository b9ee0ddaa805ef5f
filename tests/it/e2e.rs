//! End to end: `msaforge generate examples/records-archive.yaml`, three handlers filled in from
//! `tests/fixtures/e2e/` (`placement`'s `getRecordLocation` calls `directory`'s `getUser` through
//! the generated client; `placement` stores shelves and `checkout` loans with the generated
//! repositories), `cargo build` of the generated workspace, every service started on its local
//! port against a real database (PostgreSQL of its own, MariaDB for `checkout`: `store: mysql`),
//! a real nginx with the generated `gateway/nginx.local.conf` in front, and HTTP requests through
//! it on 127.0.0.1: health, readiness once the migrations are applied, 501 problem+json, 404, one
//! trace id carried across both services into their JSON logs, a POST then a GET that returns the
//! stored aggregate (the row is in the database), readiness 503 while PostgreSQL is stopped and
//! 200 once it is back, and a missing or malformed `DATABASE_URL` ending a service with one line;
//! and `directory` stopped under load without a failed request (`drain`). The example is
//! generated and built once per test process (`records_archive`).
//!
//! Skipped with a message when `nginx` is not on `PATH`, unless `MSAFORGE_E2E_REQUIRED` is set
//! (CI sets it), in which case that is a failure; without PostgreSQL or MariaDB likewise
//! (`MSAFORGE_DATA_REQUIRED`). Environment:
//! - `MSAFORGE_E2E_TARGET`: Cargo target directory for the generated workspace (default: a
//!   directory under the system temp dir, kept between runs so dependencies build once);
//! - `MSAFORGE_E2E_TEMPLATES`: a template directory passed to `generate --templates`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::json;

use crate::drain::{self, Drain, assert_drains};
use crate::harness::{
    GATEWAY, Processes, ROOT, assert_free, assert_not_implemented, build, generate, get, json,
    keep_binaries, kept_dir, local, nginx, ports, post_created, post_json, start_gateway, wait_for,
};
use crate::infra::{Mariadb, Postgres};
use crate::service_db::{
    TRICKY_PASSWORD, assert_ends_naming_database_url, owned_database, percent_encode,
};
/// The example's contexts in spec order, with their local ports (`stack::common::BASE_PORT` + index):
/// each service's default `PORT`, the port the gateway routes to, and the default peer URL.
const SERVICES: [(&str, u16); 4] = [
    ("placement", 18_081),
    ("checkout", 18_082),
    ("inventory", 18_083),
    ("directory", 18_084),
];
/// `tests/fixtures/e2e/placement_handlers.rs`: the archivist `directory` returns.
const PLACED_BY: &str = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const RECORD_ID: &str = "0b7e3a1c-5d2f-4e8a-9c61-3f4d2a1b0c9e";
const SHELF_ID: &str = "3f1c2b4a-8e7d-4c6b-a5f4-e3d2c1b0a9f8";

/// records-archive, generated with the handlers of `tests/fixtures/e2e/` and built: the tree and
/// a directory with its service binaries (kept apart from the shared target directory).
struct Built {
    system: PathBuf,
    bin: PathBuf,
}

/// The example built once per test process; the caller holds `ports()` (the shared target
/// directory).
fn records_archive() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let started = Instant::now();
        let dir = kept_dir("records-archive");
        let (system, bin) = (dir.join("system"), dir.join("bin"));
        let logs = dir.join("logs");
        std::fs::create_dir_all(&bin).expect("bin dir");
        std::fs::create_dir_all(&logs).expect("logs dir");
        generate("records-archive.yaml", &system);
        for (context, fixture) in [
            ("placement", "placement_handlers.rs"),
            ("checkout", "checkout_handlers.rs"),
            ("directory", "directory_handlers.rs"),
        ] {
            std::fs::copy(
                Path::new(ROOT).join("tests/fixtures/e2e").join(fixture),
                system
                    .join("services")
                    .join(context)
                    .join("src/handlers.rs"),
            )
            .expect("fixture copied over the generated handlers.rs");
        }
        let target = build(&system, &logs);
        keep_binaries(&target, &SERVICES.map(|(name, _)| name), &bin);
        eprintln!(
            "e2e: records-archive generated and built in {:?}",
            started.elapsed()
        );
        Built { system, bin }
    })
}

/// A service of the built example on its local port, with only what it needs: `PORT` and the
/// peers' URLs keep their generated defaults; no drain delay when the test stops it.
fn service(built: &Built, name: &str) -> Command {
    let mut cmd = Command::new(built.bin.join(name));
    cmd.env_clear()
        .env("BIND_ADDR", "127.0.0.1")
        .env("RUST_LOG", "info")
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("SHUTDOWN_DELAY", "0s");
    cmd
}

#[test]
fn generated_system_serves_through_the_gateway() {
    let Some(nginx) = nginx() else {
        return;
    };
    let Some(mut pg) = Postgres::start() else {
        return;
    };
    let Some(maria) = Mariadb::shared() else {
        return;
    };
    let _ports = ports();
    assert_free(std::iter::once(GATEWAY.to_owned()).chain(SERVICES.map(|(_, p)| local(p))));
    let started = Instant::now();

    let built = records_archive();
    let system = &built.system;
    let logs = tempfile::Builder::new()
        .prefix("msaforge-e2e-")
        .tempdir()
        .expect("temp dir");
    let logs = logs.path().to_owned();

    // Without a usable DATABASE_URL a service ends at start with one line naming it.
    let binary = |name: &str| built.bin.join(name);
    let bare = |name: &str| {
        let mut cmd = Command::new(binary(name));
        cmd.env_clear()
            .env("BIND_ADDR", "127.0.0.1")
            .env("PORT", "0");
        cmd
    };
    assert_ends_naming_database_url(&mut bare("placement"), "is not set", TRICKY_PASSWORD);
    assert_ends_naming_database_url(
        bare("checkout").env("DATABASE_URL", "mysql://app:s3cret-pw@[::1"),
        "is malformed",
        "s3cret-pw",
    );

    // placement: its role's password has `@`, `/`, `%` and `:`, given apart from the URL;
    // directory: the same role, percent-encoded in the URL; checkout: MariaDB.
    let placement_db = owned_database(&pg, "placement_app");
    let directory_db = owned_database(&pg, "placement_app");
    let inventory_db = pg.fresh_database("inventory");
    let checkout_db = maria.fresh_database("checkout");
    let database = |name: &str| -> Vec<(&'static str, String)> {
        match name {
            "placement" => vec![
                (
                    "DATABASE_URL",
                    format!("postgres://127.0.0.1:{}/{placement_db}", pg.port()),
                ),
                ("DATABASE_USER", "placement_app".to_owned()),
                ("DATABASE_PASSWORD", TRICKY_PASSWORD.to_owned()),
            ],
            "directory" => vec![(
                "DATABASE_URL",
                format!(
                    "postgres://placement_app:{}@127.0.0.1:{}/{directory_db}",
                    percent_encode(TRICKY_PASSWORD),
                    pg.port()
                ),
            )],
            "inventory" => vec![("DATABASE_URL", pg.url(&inventory_db))],
            "checkout" => vec![("DATABASE_URL", maria.url(&checkout_db))],
            other => panic!("no database for {other}"),
        }
    };

    let mut processes = Processes {
        children: Vec::new(),
        logs: logs.clone(),
    };
    for (name, _) in SERVICES {
        processes.start(name, service(built, name).envs(database(name)));
    }
    for (name, port) in SERVICES {
        let reply = wait_for(&mut processes, &format!("{name} /healthz"), || {
            get(&local(port), "/healthz", &[]).ok()
        });
        assert_eq!(reply.status, 200, "{name} /healthz: {reply:?}");
        assert_eq!(json(&reply)["status"], "ok", "{name} /healthz: {reply:?}");
        // Ready once its migrations are applied.
        wait_for(&mut processes, &format!("{name} /readyz 200"), || {
            get(&local(port), "/readyz", &[])
                .ok()
                .filter(|r| r.status == 200)
        });
    }
    eprintln!("e2e: services ready after {:?}", started.elapsed());

    start_gateway(&mut processes, &nginx, system);

    // An operation nobody implemented: 501 problem+json naming it.
    let reply = get(GATEWAY, "/api/v1/overdue-loans", &[]).expect("gateway answers");
    assert_not_implemented(&reply, "listOverdueLoans");

    // Unknown routes: outside every service (the gateway's 404) and inside one (the service's).
    for path in [
        "/api/v1/no-such-thing",
        "/api/v1/placements/x/no/such/thing",
    ] {
        let reply = get(GATEWAY, path, &[]).expect("gateway answers");
        assert_eq!(reply.status, 404, "{path}: {reply:?}");
    }

    // The implemented operation: placement calls directory, both on the caller's trace.
    let traceparent = format!("00-{TRACE_ID}-00f067aa0ba902b7-01");
    let reply = get(
        GATEWAY,
        &format!("/api/v1/placements/{RECORD_ID}"),
        &[("traceparent", &traceparent)],
    )
    .expect("gateway answers");
    assert_eq!(reply.status, 200, "{reply:?}");
    let location = json(&reply);
    assert_eq!(location["recordId"], RECORD_ID, "{reply:?}");
    assert_eq!(location["placedBy"], PLACED_BY, "{reply:?}");
    assert_eq!(location["status"], "in-place", "{reply:?}");
    for name in ["placement", "directory"] {
        let file = logs.join(format!("{name}.stdout.log"));
        wait_for(
            &mut processes,
            &format!("a log line of {name} with trace_id {TRACE_ID}"),
            || {
                let text = std::fs::read_to_string(&file).ok()?;
                text.lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .any(|l| l["trace_id"] == TRACE_ID)
                    .then_some(())
            },
        );
    }

    stored_aggregates_round_trip(&mut processes, &pg, maria, &placement_db, &checkout_db);
    readiness_follows_the_database(&mut processes, &mut pg);
    eprintln!("e2e: done after {:?}", started.elapsed());
}

/// A shelf (PostgreSQL) and a loan (MariaDB) POSTed through the gateway come back from a GET, and
/// their rows are in the databases.
fn stored_aggregates_round_trip(
    processes: &mut Processes,
    pg: &Postgres,
    maria: &Mariadb,
    placement_db: &str,
    checkout_db: &str,
) {
    let shelf = json!({
        "id": SHELF_ID,
        "roomCode": "B2-03",
        "rowNo": 4,
        "levels": 7,
        "capacityMm": 12_000,
        "mobile": true,
        "installedOn": "2024-05-02",
        "slots": [{"code": "B2-03-04-1", "level": 1, "occupiedMm": 350, "status": "partial"}],
    });
    let created = post_created(GATEWAY, "/api/v1/shelves", &shelf);
    assert_eq!(created, shelf, "the created shelf");
    let reply = get(GATEWAY, &format!("/api/v1/shelves/{SHELF_ID}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(json(&reply), shelf, "the stored shelf: {reply:?}");
    let row = pg.sql(
        placement_db,
        &format!("SELECT room_code, capacity_mm, slots->0->>'status' FROM shelves WHERE id = '{SHELF_ID}'"),
    );
    assert_eq!(row.trim(), "B2-03|12000|partial", "the shelf's row");
    // The same key again: 409 from the primary key, as problem+json.
    let reply = post_json(GATEWAY, "/api/v1/shelves", &shelf).expect("gateway answers");
    assert_eq!(reply.status, 409, "{reply:?}");
    let reply =
        get(GATEWAY, &format!("/api/v1/shelves/{RECORD_ID}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 404, "no such shelf: {reply:?}");

    let request = json!({
        "recordId": RECORD_ID,
        "requesterId": PLACED_BY,
        "purpose": "legal-request",
        "dueDate": "2026-12-31",
    });
    let loan = post_created(GATEWAY, "/api/v1/loans", &request);
    let id = loan["id"].as_str().expect("the loan's id").to_owned();
    assert_eq!(loan["purpose"], "legal-request", "{loan}");
    assert_eq!(loan["status"], "requested", "{loan}");
    let reply = get(GATEWAY, &format!("/api/v1/loans/{id}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(json(&reply), loan, "the stored loan: {reply:?}");
    let row = maria.sql(
        checkout_db,
        &format!("SELECT purpose, due_date, checked_out_at, returns FROM loans WHERE id = '{id}'"),
    );
    assert_eq!(
        row.trim(),
        "legal-request\t2026-12-31\t2026-11-23 00:30:00.123456\t[]",
        "the loan's row"
    );
    processes.assert_running();
}

/// `/readyz` answers 503 while PostgreSQL is stopped and 200 once it is back; the stored shelf is
/// still there.
fn readiness_follows_the_database(processes: &mut Processes, pg: &mut Postgres) {
    let placement = local(SERVICES[0].1);
    pg.stop();
    let reply = wait_for(processes, "placement /readyz 503", || {
        get(&placement, "/readyz", &[])
            .ok()
            .filter(|r| r.status == 503)
    });
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{reply:?}"
    );
    let reply = get(GATEWAY, &format!("/api/v1/shelves/{SHELF_ID}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 503, "the database is down: {reply:?}");
    pg.restart();
    wait_for(processes, "placement /readyz 200 again", || {
        get(&placement, "/readyz", &[])
            .ok()
            .filter(|r| r.status == 200)
    });
    let reply = get(GATEWAY, &format!("/api/v1/shelves/{SHELF_ID}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "back: {reply:?}");
    assert_eq!(json(&reply)["roomCode"], "B2-03", "{reply:?}");
}

/// `directory` stopped with SIGTERM while clients keep calling `getUser` (implemented by the
/// fixture) and a `registerUser` is in flight: see `drain`.
#[test]
fn a_rust_service_stops_without_failing_a_request() {
    if nginx().is_none() {
        return; // the same tools as the other end-to-end test (it builds the same system)
    }
    let Some(pg) = Postgres::shared() else {
        return;
    };
    let _ports = ports();
    let (name, port) = SERVICES[3];
    assert_free([local(port)]);
    let built = records_archive();
    let (_logs, mut processes) = drain::processes("msaforge-drain-");
    let mut cmd = service(built, name);
    let db = pg.fresh_database("drain_directory");
    cmd.envs(drain::ENV).env("DATABASE_URL", pg.url(&db));
    processes.start(name, &mut cmd);
    wait_for(&mut processes, "directory /readyz", || {
        get(&local(port), "/readyz", &[])
            .ok()
            .filter(|r| r.status == 200)
    });
    assert_drains(
        &mut processes,
        &Drain {
            name,
            addr: local(port),
            get: &format!("/v1/users/{PLACED_BY}"),
            post: (
                "/v1/users",
                r#"{"name":"김서고","email":"archivist@example.org","organization":"국가기록원"}"#,
            ),
        },
    );
}
