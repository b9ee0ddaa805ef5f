//! The Spring Boot stack on MariaDB (`store: mysql`), for real: `tests/fixtures/e2e/
//! checkout-spring.yaml` (one context, a loan with a column of every kind) generated, its
//! service packaged with the user's controller of `tests/fixtures/e2e/CheckoutController.java`,
//! and started behind the real nginx against a MariaDB server of its own. Flyway applies the
//! MySQL migration; a loan POSTed through the gateway is stored by the generated repository
//! (UUIDs as text, the date-time in UTC, the nested list as JSON: the row is read with MariaDB's
//! client) and comes back equal from a GET; readiness answers 503 while MariaDB is stopped and
//! 200 once it is back.
//!
//! Skipped like `spring` when `mvn`, `java`, `nginx` or MariaDB is missing, unless CI's
//! `MSAFORGE_*_REQUIRED` variables make that a failure.

use std::process::Command;

use crate::binary::Msaforge;
use crate::harness::{
    GATEWAY, Processes, ROOT, assert_free, assert_not_implemented, get, json, kept_dir, local,
    nginx, ports, post_created, start_gateway, wait_for,
};
use crate::infra::Mariadb;
use crate::spring::{java_tools, package};

const SPEC: &str = "tests/fixtures/e2e/checkout-spring.yaml";
const CONTROLLER: &str =
    "services/checkout/src/main/java/com/example/records_checkout/checkout/CheckoutController.java";
/// `checkout`'s local port: the spec's only context.
const CHECKOUT: u16 = 18_081;
const RECORD: &str = "7c1e2f3a-4b5d-4e6f-8a9b-0c1d2e3f4a5b";

#[test]
fn a_spring_boot_service_stores_and_reads_its_aggregate_on_mariadb() {
    let Some(mvn) = java_tools() else {
        return;
    };
    let Some(nginx) = nginx() else {
        return;
    };
    let Some(mut maria) = Mariadb::start() else {
        return;
    };
    let dir = kept_dir("checkout-spring");
    let system = dir.join("system");
    Msaforge::new()
        .args(["generate", SPEC, "-o"])
        .arg(&system)
        .run()
        .code(0);
    let controller = system.join(CONTROLLER);
    assert!(controller.is_file(), "the generated tree has {CONTROLLER}");
    std::fs::copy(
        std::path::Path::new(ROOT).join("tests/fixtures/e2e/CheckoutController.java"),
        &controller,
    )
    .expect("fixture copied");
    let project = system.join("services/checkout");
    package(&mvn, &project, &dir.join("checkout-mvn.log"));

    let _ports = ports();
    assert_free([GATEWAY.to_owned(), local(CHECKOUT)]);
    let db = maria.fresh_database("checkout");
    let mut processes = Processes {
        children: Vec::new(),
        logs: dir.clone(),
    };
    let mut cmd = Command::new("java");
    cmd.arg("-jar")
        .arg(project.join("target/checkout.jar"))
        .env_remove("PORT")
        .env(
            "DATABASE_URL",
            format!("jdbc:mysql://127.0.0.1:{}/{db}", maria.port()),
        )
        .env("DATABASE_USER", "msaforge")
        .env("DATABASE_PASSWORD", "msaforge")
        .env("SHUTDOWN_DELAY", "0s")
        .env("MANAGEMENT_OTLP_TRACING_EXPORT_ENABLED", "false");
    processes.start("checkout", &mut cmd);
    for probe in ["/healthz", "/readyz"] {
        wait_for(&mut processes, &format!("checkout {probe} 200"), || {
            get(&local(CHECKOUT), probe, &[])
                .ok()
                .filter(|r| r.status == 200)
        });
    }
    start_gateway(&mut processes, &nginx, &system);

    let reply = get(GATEWAY, "/api/v1/overdue-loans", &[]).expect("gateway answers");
    assert_not_implemented(&reply, "listOverdueLoans");

    let request = serde_json::json!({
        "recordId": RECORD,
        "purpose": "legal-request",
        "dueDate": "2026-12-24",
    });
    let posted = post_created(GATEWAY, "/api/v1/loans", &request);
    let id = posted["id"].as_str().expect("an id").to_owned();

    // The row as MariaDB holds it: the migration's types, the values the dialect binds.
    let row = maria.sql(
        &db,
        &format!(
            "SELECT record_id, purpose, approved_by IS NULL, checked_out_at, due_date, \
             insured_value, copies, pages, urgent, JSON_VALUE(returns, '$[0].returnedAt') \
             FROM loans WHERE id = '{id}'"
        ),
    );
    let columns: Vec<&str> = row.trim().split('\t').collect();
    assert_eq!(
        columns,
        [
            RECORD,
            "legal-request",
            "1",
            "2026-11-23 00:30:00.123456",
            "2026-12-24",
            "2500000.2500",
            "3",
            "5000000000",
            "1",
            "2026-11-30T18:00:00+09:00",
        ],
        "the loan's row: UUIDs as text, the date-time as its UTC wall time to the microsecond, \
         the list as the API's JSON"
    );
    let history = maria.sql(
        &db,
        "SELECT script, success FROM flyway_schema_history WHERE version = '1'",
    );
    assert_eq!(history.trim(), "V1__initial.sql\t1", "Flyway's history");

    let reply = get(GATEWAY, &format!("/api/v1/loans/{id}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "{reply:?}");
    // As stored: the date-times in UTC, the decimal to the column's 4 places, no absent field.
    let loan = json(&reply);
    let expected = serde_json::json!({
        "id": id,
        "recordId": RECORD,
        "purpose": "legal-request",
        "checkedOutAt": "2026-11-23T00:30:00.123456Z",
        "dueDate": "2026-12-24",
        "insuredValue": "2500000.2500",
        "copies": 3,
        "pages": 5_000_000_000_i64,
        "urgent": true,
        "returns": [{
            "receivedBy": RECORD,
            "returnedAt": "2026-11-30T09:00:00Z",
            "damaged": false,
        }],
    });
    assert_eq!(
        loan, expected,
        "the stored loan (answered at POST as {posted})"
    );
    let reply = get(
        GATEWAY,
        "/api/v1/loans/00000000-0000-0000-0000-000000000000",
        &[],
    )
    .expect("gateway answers");
    assert_eq!(reply.status, 404, "{reply:?}");

    // Readiness includes MariaDB: 503 while it is stopped, 200 once it is back.
    maria.stop();
    wait_for(&mut processes, "checkout /readyz 503", || {
        get(&local(CHECKOUT), "/readyz", &[])
            .ok()
            .filter(|r| r.status == 503)
    });
    maria.restart();
    wait_for(&mut processes, "checkout /readyz 200 again", || {
        get(&local(CHECKOUT), "/readyz", &[])
            .ok()
            .filter(|r| r.status == 200)
    });
    let reply = get(GATEWAY, &format!("/api/v1/loans/{id}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "back: {reply:?}");
}
