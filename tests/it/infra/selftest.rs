//! The helpers against the real components: rows stored and read back, a stopped server refusing
//! connections and its data back after the restart, records with headers through Kafka, a
//! Prometheus scrape of a target served here, promtool passing and failing, and no server left
//! behind when the test process is killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Kafka, Mariadb, Outgoing, Postgres, Prometheus, Promtool, Record, unique_name};

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

#[test]
fn kafka_carries_keys_values_and_headers_and_commits_group_offsets() {
    let Some(kafka) = Kafka::shared() else {
        return;
    };
    let topic = unique_name("selftest.orders");
    kafka.create_topic(&topic, 3);
    assert!(kafka.topics().contains(&topic), "{:?}", kafka.topics());
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let headers = [
        ("ce_id", "e-1"),
        ("traceparent", traceparent),
        ("ce_type", ""),
    ];
    kafka.produce_all(
        &topic,
        &[
            Outgoing {
                key: Some("shelf-1"),
                value: r#"{"id":"shelf-1","label":"서고 A, 1층"}"#,
                headers: &headers,
            },
            Outgoing {
                key: Some("shelf-1"),
                value: "second",
                headers: &[],
            },
        ],
    );
    kafka.produce(&topic, None, "keyless", &[("ce_id", "e-3")]);

    let group = unique_name("selftest");
    let mut got: Vec<Record> = kafka.consume(&topic, &group, 3, Duration::from_secs(20));
    assert_eq!(got.len(), 3, "{got:?}");
    got.sort_by_key(|r| (r.partition, r.offset));
    let first = got
        .iter()
        .find(|r| r.offset == 0 && r.key.as_deref() == Some("shelf-1"));
    let first = first.expect("the first record of shelf-1");
    assert_eq!(
        first.value.as_deref(),
        Some(r#"{"id":"shelf-1","label":"서고 A, 1층"}"#)
    );
    assert_eq!(first.header("traceparent"), Some(traceparent));
    assert_eq!(first.header("ce_type"), Some(""));
    assert_eq!(first.headers.len(), 3, "{first:?}");
    let second = got
        .iter()
        .find(|r| r.value.as_deref() == Some("second"))
        .expect("second");
    assert_eq!(
        (second.partition, second.offset),
        (first.partition, 1),
        "one key, one partition, in order"
    );
    assert!(second.headers.is_empty(), "{second:?}");
    let keyless = got
        .iter()
        .find(|r| r.key.is_none())
        .expect("the keyless record");
    assert_eq!(keyless.header("ce_id"), Some("e-3"));

    // The group committed what it read; another group starts from the beginning.
    assert_eq!(
        kafka.consume(&topic, &group, 1, Duration::from_secs(3)),
        Vec::new()
    );
    let other = kafka.consume(&topic, &unique_name("selftest"), 3, Duration::from_secs(20));
    assert_eq!(other.len(), 3, "{other:?}");
}

#[test]
fn kafka_keeps_records_across_a_broker_restart() {
    let Some(mut kafka) = Kafka::start() else {
        return;
    };
    kafka.create_topic("restart", 1);
    kafka.produce("restart", Some("k"), "before", &[("h", "1")]);
    let bootstrap = kafka.bootstrap();
    kafka.stop();
    let addr = bootstrap.parse().expect("an address");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "a stopped broker took a connection on {bootstrap}"
    );
    kafka.restart();
    assert_eq!(kafka.bootstrap(), bootstrap);
    kafka.produce("restart", Some("k"), "after", &[]);
    let got = kafka.consume("restart", "g", 2, Duration::from_secs(20));
    let values: Vec<_> = got.iter().map(|r| r.value.as_deref()).collect();
    assert_eq!(values, [Some("before"), Some("after")], "{got:?}");
    assert_eq!(got[0].header("h"), Some("1"));
}

/// A scrape target served here: a fixed /metrics text, counting the scrapes.
struct Target {
    addr: String,
    scrapes: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Target {
    fn serve(metrics: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a target port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("its address").to_string();
        let scrapes = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, done) = (scrapes.clone(), stop.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                let _ = conn.set_nonblocking(false);
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut request = [0u8; 4096];
                let n = conn.read(&mut request).unwrap_or(0);
                if !String::from_utf8_lossy(&request[..n]).starts_with("GET /metrics") {
                    let _ = conn.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
                    continue;
                }
                count.fetch_add(1, Ordering::Relaxed);
                let _ = conn.write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{metrics}",
                        metrics.len()
                    )
                    .as_bytes(),
                );
            }
        });
        Self {
            addr,
            scrapes,
            stop,
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn prometheus_scrapes_a_target_and_answers_promql() {
    let target = Target::serve(
        "# TYPE msaforge_selftest_orders_total counter\n\
         msaforge_selftest_orders_total{context=\"shop\"} 42\n",
    );
    let config = format!(
        "global: {{scrape_interval: 1s, evaluation_interval: 1s}}\n\
         scrape_configs:\n  - job_name: shop\n    static_configs: [{{targets: ['{}']}}]\n",
        target.addr
    );
    let Some(prom) = Prometheus::start(&config) else {
        return;
    };
    let result = prom.query_until(
        "msaforge_selftest_orders_total",
        Duration::from_secs(30),
        |r| r.as_array().is_some_and(|a| !a.is_empty()),
    );
    assert_eq!(result[0]["value"][1], "42", "{result}");
    assert_eq!(result[0]["metric"]["context"], "shop", "{result}");
    assert_eq!(
        result[0]["metric"]["instance"],
        target.addr.as_str(),
        "{result}"
    );
    assert!(
        target.scrapes.load(Ordering::Relaxed) > 0,
        "Prometheus never scraped the target"
    );
    assert_eq!(prom.query("sum(up{job=\"shop\"})")[0]["value"][1], "1");
    assert!(prom.dir().join("prometheus.yml").is_file());
    let mut conn = TcpStream::connect(prom.addr()).expect("connect to Prometheus");
    conn.write_all(b"GET /-/healthy HTTP/1.0\r\n\r\n")
        .expect("send");
    let mut reply = String::new();
    conn.read_to_string(&mut reply).expect("read");
    assert!(reply.starts_with("HTTP/1.0 200"), "{reply}");
}

const RULES: &str = "groups:
  - name: selftest
    rules:
      - alert: OrdersStalled
        expr: rate(msaforge_selftest_orders_total[5m]) == 0
        for: 10m
        labels: {severity: page}
";

/// A rule unit test: a flat counter for 30 minutes fires the alert (or, with `fires` false,
/// expects it not to, which promtool must report as a failure).
fn rule_test(fires: bool) -> String {
    let alerts = if fires {
        "[{exp_labels: {severity: page, context: shop}}]"
    } else {
        "[]"
    };
    format!(
        "rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'msaforge_selftest_orders_total{{context=\"shop\"}}'
        values: '5x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: OrdersStalled
        exp_alerts: {alerts}
"
    )
}

#[test]
fn promtool_passes_good_files_and_fails_bad_ones() {
    let Some(promtool) = Promtool::find() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let rules = write("rules.yml", RULES);
    let config = write(
        "prometheus.yml",
        "global: {scrape_interval: 15s}\nrule_files: [rules.yml]\n\
         scrape_configs: [{job_name: shop, static_configs: [{targets: ['127.0.0.1:9']}]}]\n",
    );
    let ok = |outcome: super::Outcome| assert!(outcome.success, "{}", outcome.output);
    ok(promtool.check_config(&config));
    ok(promtool.check_rules(&[&rules]));
    ok(promtool.test_rules(&[&write("fires.yml", &rule_test(true))]));

    let bad = |outcome: super::Outcome, says: &str| {
        assert!(!outcome.success, "promtool passed: {}", outcome.output);
        assert!(outcome.output.contains(says), "{}", outcome.output);
    };
    let config = write(
        "bad.yml",
        "scrape_configs: [{job_name: shop, scrape_interval: soon}]\n",
    );
    bad(promtool.check_config(&config), "soon");
    let rules = write("bad-rules.yml", &RULES.replace("[5m])", "[5m]"));
    bad(promtool.check_rules(&[&rules]), "bad-rules.yml");
    bad(
        promtool.test_rules(&[&write("quiet.yml", &rule_test(false))]),
        "OrdersStalled",
    );
}

/// Run only as the child of `no_server_outlives_a_killed_test_process`: starts a cluster, says
/// where, and waits to be killed.
#[test]
#[ignore = "the child half of no_server_outlives_a_killed_test_process"]
fn orphan_child() {
    if std::env::var_os("MSAFORGE_INFRA_ORPHAN_CHILD").is_none() {
        return;
    }
    let Some(pg) = Postgres::start() else {
        println!("MISSING");
        return;
    };
    println!("READY {}", pg.data_dir().display());
    std::thread::sleep(Duration::from_secs(120));
}

/// A child test process, killed with SIGKILL and reaped when dropped.
struct ChildTest(std::process::Child);

impl Drop for ChildTest {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn no_server_outlives_a_killed_test_process() {
    let mut child = ChildTest(
        Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "infra::selftest::orphan_child",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env("MSAFORGE_INFRA_ORPHAN_CHILD", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the child test process"),
    );
    let stdout = BufReader::new(child.0.stdout.take().expect("its stdout"));
    let said = stdout
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with("READY ") || line == "MISSING")
        .expect("the child started a cluster or said it is missing");
    let Some(data) = said.strip_prefix("READY ") else {
        return; // PostgreSQL is missing: the child said SKIPPED
    };
    let data = Path::new(data);
    let pid_file = std::fs::read_to_string(data.join("postmaster.pid")).expect("postmaster.pid");
    let postmaster = pid_file.lines().next().expect("its pid").trim().to_owned();
    assert!(
        live(&postmaster),
        "the postmaster {postmaster} is not running"
    );

    drop(child); // SIGKILL: no unwinding, no destructor runs in the child
    let started = Instant::now();
    while (live(&postmaster) || data.exists()) && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !live(&postmaster),
        "the postmaster {postmaster} outlived its test process"
    );
    let instance = data.parent().expect("the instance dir");
    assert!(!instance.exists(), "{} was left behind", instance.display());
}

/// Whether `pid` is a running (not zombie) process.
fn live(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}
