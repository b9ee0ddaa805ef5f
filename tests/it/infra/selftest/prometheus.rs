//! Prometheus scraping a target served by the test, and promtool passing good files and failing
//! bad ones.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::infra::{Outcome, Prometheus, Promtool};

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
    let ok = |outcome: Outcome| assert!(outcome.success, "{}", outcome.output);
    ok(promtool.check_config(&config));
    ok(promtool.check_rules(&[&rules]));
    ok(promtool.test_rules(&[&write("fires.yml", &rule_test(true))]));

    let bad = |outcome: Outcome, says: &str| {
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
