//! The helpers against the real components: rows stored and read back, a stopped server refusing
//! connections and its data back after the restart on the same port (here, for the databases),
//! records with headers through Kafka, a Prometheus scrape of a target served here, promtool
//! passing and failing, and no server left behind when the test process is killed.

mod kafka;
mod orphans;
mod prometheus;

use super::database::{Database, Engine};
use super::{Mariadb, Postgres};

/// Rows in, the same rows out (Korean text too); a failed statement is an error naming it; a
/// stopped server refuses connections; after the restart the port and the rows are the same.
/// `column` is the client's column separator.
fn keeps_rows_across_a_restart<E: Engine>(mut db: Database<E>, scheme: &str, column: &str) {
    db.create_database("shop");
    let url = format!("{scheme}://msaforge:msaforge@127.0.0.1:{}/shop", db.port());
    assert_eq!(db.url("shop"), url);
    db.sql(
        "shop",
        "CREATE TABLE shelves (id INT PRIMARY KEY, label VARCHAR(40) NOT NULL);\n\
         INSERT INTO shelves VALUES (1, '서고 A'), (2, 'stacks B');",
    );
    let rows = format!("1{column}서고 A\n2{column}stacks B");
    let select = "SELECT id, label FROM shelves ORDER BY id";
    assert_eq!(db.sql("shop", select), rows);
    let bad = db.try_sql("shop", "SELECT nope FROM shelves");
    let bad = bad.expect_err("a bad column");
    assert!(bad.contains("nope"), "{bad}");

    let port = db.port();
    db.stop();
    let err = db
        .try_sql("shop", "SELECT 1")
        .expect_err("a stopped server answered");
    assert!(
        err.contains("refused") || err.contains("Can't connect"),
        "{} stopped: expected a refused connection, got {err}",
        E::NAME
    );
    db.restart();
    assert_eq!(db.port(), port);
    assert_eq!(db.sql("shop", select), rows);
}

/// Two fresh databases on the shared server do not see each other's tables.
fn gives_each_test_its_own_database<E: Engine>(db: &Database<E>) {
    let (a, b) = (db.fresh_database("selftest"), db.fresh_database("selftest"));
    assert_ne!(a, b);
    db.sql(
        &a,
        "CREATE TABLE t (v VARCHAR(10)); INSERT INTO t VALUES ('a')",
    );
    assert_eq!(db.sql(&a, "SELECT v FROM t"), "a");
    let other = db.try_sql(&b, "SELECT v FROM t");
    assert!(other.is_err(), "{b} sees {a}'s table: {other:?}");
}

#[test]
fn postgres_keeps_rows_across_a_restart_on_the_same_port() {
    if let Some(pg) = Postgres::start() {
        keeps_rows_across_a_restart(pg, "postgres", "|");
    }
}

#[test]
fn postgres_shared_cluster_gives_each_test_its_own_database() {
    let Some(pg) = Postgres::shared() else {
        return;
    };
    let again = Postgres::shared().expect("the shared cluster");
    assert!(std::ptr::eq(pg, again), "one shared cluster per process");
    gives_each_test_its_own_database(pg);
}

#[test]
fn mariadb_keeps_rows_across_a_restart_on_the_same_port() {
    if let Some(db) = Mariadb::start() {
        keeps_rows_across_a_restart(db, "mysql", "\t");
    }
}

#[test]
fn mariadb_shared_server_gives_each_test_its_own_database() {
    if let Some(db) = Mariadb::shared() {
        gives_each_test_its_own_database(db);
    }
}
