//! The helpers against the real components: rows stored and read back, a stopped server refusing
//! connections and its data back after the restart on the same port (here, for the databases),
//! records with headers through Kafka, a Prometheus scrape of a target served here, promtool
//! passing and failing, and no server left behind when the test process is killed.

mod kafka;
mod orphans;
mod prometheus;

use super::{Mariadb, Postgres};

fn refused(result: Result<String, String>, what: &str) {
    let err = result.expect_err("a stopped server answered");
    assert!(
        err.contains("refused") || err.contains("Can't connect"),
        "{what} stopped: expected a refused connection, got {err}"
    );
}

#[test]
fn postgres_keeps_rows_across_a_restart_on_the_same_port() {
    let Some(mut pg) = Postgres::start() else {
        return;
    };
    pg.create_database("shop");
    assert_eq!(
        pg.url("shop"),
        format!("postgres://msaforge:msaforge@127.0.0.1:{}/shop", pg.port())
    );
    pg.sql(
        "shop",
        "CREATE TABLE shelves (id int PRIMARY KEY, label text NOT NULL);\n\
         INSERT INTO shelves VALUES (1, '서고 A'), (2, 'stacks B');",
    );
    let rows = "1|서고 A\n2|stacks B";
    assert_eq!(
        pg.sql("shop", "SELECT id, label FROM shelves ORDER BY id"),
        rows
    );
    let bad = pg
        .try_sql("shop", "SELECT nope FROM shelves")
        .expect_err("a bad column");
    assert!(bad.contains("nope"), "{bad}");

    let port = pg.port();
    pg.stop();
    refused(pg.try_sql("shop", "SELECT 1"), "PostgreSQL");
    pg.restart();
    assert_eq!(pg.port(), port);
    assert_eq!(
        pg.sql("shop", "SELECT id, label FROM shelves ORDER BY id"),
        rows
    );
}

#[test]
fn postgres_shared_cluster_gives_each_test_its_own_database() {
    let Some(pg) = Postgres::shared() else {
        return;
    };
    let again = Postgres::shared().expect("the shared cluster");
    assert!(std::ptr::eq(pg, again), "one shared cluster per process");
    let (a, b) = (pg.fresh_database("selftest"), pg.fresh_database("selftest"));
    assert_ne!(a, b);
    pg.sql(&a, "CREATE TABLE t (v text); INSERT INTO t VALUES ('a')");
    assert_eq!(pg.sql(&a, "SELECT v FROM t"), "a");
    assert!(
        pg.try_sql(&b, "SELECT v FROM t").is_err(),
        "{b} sees {a}'s table"
    );
}

#[test]
fn mariadb_keeps_rows_across_a_restart_on_the_same_port() {
    let Some(mut db) = Mariadb::start() else {
        return;
    };
    db.create_database("shop");
    assert_eq!(
        db.url("shop"),
        format!("mysql://msaforge:msaforge@127.0.0.1:{}/shop", db.port())
    );
    db.sql(
        "shop",
        "CREATE TABLE shelves (id INT PRIMARY KEY, label VARCHAR(40) NOT NULL);\n\
         INSERT INTO shelves VALUES (1, '서고 A'), (2, 'stacks B');",
    );
    let rows = "1\t서고 A\n2\tstacks B";
    assert_eq!(
        db.sql("shop", "SELECT id, label FROM shelves ORDER BY id"),
        rows
    );
    let bad = db
        .try_sql("shop", "SELECT nope FROM shelves")
        .expect_err("a bad column");
    assert!(bad.contains("nope"), "{bad}");

    let port = db.port();
    db.stop();
    refused(db.try_sql("shop", "SELECT 1"), "MariaDB");
    db.restart();
    assert_eq!(db.port(), port);
    assert_eq!(
        db.sql("shop", "SELECT id, label FROM shelves ORDER BY id"),
        rows
    );
}

#[test]
fn mariadb_shared_server_gives_each_test_its_own_database() {
    let Some(db) = Mariadb::shared() else {
        return;
    };
    let (a, b) = (db.fresh_database("selftest"), db.fresh_database("selftest"));
    db.sql(&a, "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a')");
    assert_eq!(db.sql(&a, "SELECT v FROM t"), "a");
    assert!(
        db.try_sql(&b, "SELECT v FROM t").is_err(),
        "{b} sees {a}'s table"
    );
}
