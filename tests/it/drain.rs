//! A rollout without a failed request, measured on a real process (issue 13, item 4): several
//! clients keep sending requests on fresh connections while the service gets SIGTERM, a poller
//! watches `/readyz`, and one slow request is in flight as the listener closes. The service must
//! answer `/readyz` 503 at once, serve every request for its `SHUTDOWN_DELAY` (no failure is seen
//! before the delay is over), close its listener only then, finish the request in flight, and exit
//! 0 within delay + `SHUTDOWN_TIMEOUT` + the flush (the grace period less the preStop sleep).
//!
//! Used by `e2e` (rust-axum) and `spring` (spring-boot) with the services they built once. The
//! test here checks the numbers of the rendered manifests: the grace period of every service's
//! Deployment covers its preStop sleep, its ConfigMap's delay and timeout and the flush, and the
//! timeout covers every route timeout of its HTTPRoute.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::harness::{Processes, get, socket};

/// Clients sending at once (each on a new connection per request).
const CLIENTS: usize = 4;
/// `SHUTDOWN_DELAY` and `SHUTDOWN_TIMEOUT` of the services under test, and their environment.
const DELAY: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(3);
pub const ENV: [(&str, &str); 2] = [("SHUTDOWN_DELAY", "2s"), ("SHUTDOWN_TIMEOUT", "3s")];
/// The telemetry flush and the exit (`FLUSH_S` of `generate::deploy::shutdown`).
const FLUSH: Duration = Duration::from_secs(5);

/// What to send to the service under test, and the timings it was started with.
pub struct Drain<'a> {
    /// The process in `Processes` to stop.
    pub name: &'a str,
    pub addr: String,
    /// A GET the service answers 200.
    pub get: &'a str,
    /// A POST path and its JSON body: the slow request, its body sent in two halves.
    pub post: (&'a str, &'a str),
}

/// Processes whose logs go to a new temporary directory (kept as long as the first value).
pub fn processes(prefix: &str) -> (tempfile::TempDir, Processes) {
    let logs = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temp dir");
    let processes = Processes {
        children: Vec::new(),
        logs: logs.path().to_owned(),
    };
    (logs, processes)
}

/// One request of a client: when it started and ended, its status or its transport error.
struct Sent {
    ended: Instant,
    status: Result<u16, String>,
}

/// Stops `d.name` with SIGTERM under load and asserts the drain described in the module note.
pub fn assert_drains(processes: &mut Processes, d: &Drain<'_>) {
    let started = Instant::now();
    let reply = get(&d.addr, d.get, &[]).expect("the service answers");
    assert_eq!(reply.status, 200, "{} {}: {reply:?}", d.name, d.get);
    let expected_post = slow_post(&d.addr, d.post, || ()).expect("the POST is answered");

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (stop, addr, path) = (stop.clone(), d.addr.clone(), d.get.to_owned());
            std::thread::spawn(move || {
                let mut sent = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let status = get(&addr, &path, &[]).map(|r| r.status);
                    let status = status.map_err(|e| e.to_string());
                    sent.push(Sent {
                        ended: Instant::now(),
                        status,
                    });
                    std::thread::sleep(Duration::from_millis(20));
                }
                sent
            })
        })
        .collect();
    let readiness = {
        let (stop, addr) = (stop.clone(), d.addr.clone());
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let status = get(&addr, "/readyz", &[]).map(|r| r.status).ok();
                seen.push((Instant::now(), status));
                std::thread::sleep(Duration::from_millis(50));
            }
            seen
        })
    };
    std::thread::sleep(Duration::from_millis(500));

    let pid = processes
        .children
        .iter()
        .find(|(n, _)| n == d.name)
        .map(|(_, c)| c.id())
        .expect("the process was started");
    let sigterm = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success(), "kill -TERM {pid}");

    // The slow request: headers and half the body in the middle of the delay, the rest once
    // the listener is closed (a new connection is refused).
    std::thread::sleep(DELAY / 2);
    let mut closed = None;
    let in_flight = slow_post(&d.addr, d.post, || {
        let deadline = sigterm + DELAY + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect_timeout(&socket(&d.addr), Duration::from_millis(200)).is_err() {
                closed = Some(Instant::now());
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let Some(closed) = closed else {
        panic!(
            "{}: no request in flight as the listener closed: {in_flight:?} {:?} after SIGTERM (closed before SHUTDOWN_DELAY {:?}, or never)",
            d.name,
            sigterm.elapsed(),
            DELAY
        );
    };
    assert_eq!(
        in_flight.as_ref().ok(),
        Some(&expected_post),
        "{}: the request in flight as the listener closed got {in_flight:?}",
        d.name
    );

    let exit_by = sigterm + DELAY + TIMEOUT + FLUSH;
    let status = loop {
        let (_, child) = processes
            .children
            .iter_mut()
            .find(|(n, _)| n == d.name)
            .expect("the process");
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            Instant::now() < exit_by,
            "{}: still running {:?} after SIGTERM",
            d.name,
            exit_by - sigterm
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let exited = sigterm.elapsed();
    stop.store(true, Ordering::Relaxed);
    let sent: Vec<Sent> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client thread"))
        .collect();
    let readiness = readiness.join().expect("readiness thread");

    assert_eq!(status.code(), Some(0), "{}: exit status {status}", d.name);
    assert!(
        closed >= sigterm + DELAY,
        "{}: the listener closed {:?} after SIGTERM, before SHUTDOWN_DELAY {:?}",
        d.name,
        closed - sigterm,
        DELAY
    );
    let ready_503 = readiness
        .iter()
        .find(|(at, s)| *at > sigterm && *s == Some(503))
        .map_or_else(
            || panic!("{}: /readyz never answered 503: {readiness:?}", d.name),
            |(at, _)| *at,
        );
    assert!(
        ready_503 - sigterm < DELAY / 2,
        "{}: /readyz answered 503 only {:?} after SIGTERM",
        d.name,
        ready_503 - sigterm
    );
    let failed: Vec<_> = sent
        .iter()
        .filter(|s| s.status != Ok(200) && s.ended < sigterm + DELAY)
        .map(|s| (s.ended.saturating_duration_since(sigterm), &s.status))
        .collect();
    assert!(
        failed.is_empty(),
        "{}: requests failed during SHUTDOWN_DELAY (time after SIGTERM, result): {failed:?}",
        d.name
    );
    let served = sent
        .iter()
        .filter(|s| s.status == Ok(200) && s.ended > ready_503 && s.ended < closed)
        .count();
    assert!(
        served >= CLIENTS,
        "{}: only {served} requests served between /readyz 503 and the close",
        d.name
    );
    eprintln!(
        "drain {}: {} requests, {served} served while draining; /readyz 503 after {:?}, listener closed after {:?}, exit 0 after {exited:?} (test {:?})",
        d.name,
        sent.len(),
        ready_503 - sigterm,
        closed - sigterm,
        started.elapsed()
    );
}

/// A POST of `body` to `path` on a new connection: headers and all of the body but its last
/// byte, then `pause()`, then the last byte; returns the status of the answer.
fn slow_post(addr: &str, (path, body): (&str, &str), pause: impl FnOnce()) -> Result<u16, String> {
    let mut stream = TcpStream::connect(socket(addr)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, last) = body.split_at(body.len() - 1);
    stream
        .write_all(format!("{head}{first}").as_bytes())
        .map_err(|e| e.to_string())?;
    pause();
    stream
        .write_all(last.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("{e} after {answer:?}"))?;
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))
}

/// Seconds of a Gateway API or Spring-style duration (`5s`, `800ms`, `1m`), rounded up.
fn seconds(text: &str) -> u64 {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: u64 = n
        .parse()
        .unwrap_or_else(|_| panic!("not a duration: {text:?}"));
    match unit {
        "ms" => n.div_ceil(1000),
        "s" => n,
        "m" => n * 60,
        _ => panic!("not a duration: {text:?}"),
    }
}

fn yaml(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    msaforge::spec::load::parse(&text)
        .ok()
        .unwrap_or_else(|| panic!("{}: not YAML", path.display()))
}

#[test]
fn every_grace_period_covers_the_drain() {
    for example in crate::validate::EXAMPLES {
        let dir = crate::validate::generated(example);
        let base = dir.path().join("deploy/k8s/base");
        let mut checked = 0;
        for entry in std::fs::read_dir(&base).expect("base/").flatten() {
            let ctx = entry.path();
            if !ctx.join("configmap.yaml").is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let deployment = yaml(&ctx.join("deployment.yaml"));
            let config = &yaml(&ctx.join("configmap.yaml"))["data"];
            let pod = &deployment["spec"]["template"]["spec"];
            let grace = pod["terminationGracePeriodSeconds"]
                .as_u64()
                .expect("grace period");
            let pre_stop = pod["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
                .as_u64()
                .unwrap_or_else(|| panic!("{example} {name}: no preStop sleep"));
            let setting = |key: &str| {
                seconds(
                    config[key]
                        .as_str()
                        .unwrap_or_else(|| panic!("{example} {name}: no {key}")),
                )
            };
            let (delay, timeout) = (setting("SHUTDOWN_DELAY"), setting("SHUTDOWN_TIMEOUT"));
            assert!(
                pre_stop >= 1 && delay >= 1,
                "{example} {name}: preStop {pre_stop}s, delay {delay}s"
            );
            assert!(
                grace >= pre_stop + delay + timeout + FLUSH.as_secs(),
                "{example} {name}: grace {grace}s < preStop {pre_stop}s + delay {delay}s + timeout {timeout}s + flush"
            );
            let route = ctx.join("httproute.yaml");
            if route.is_file() {
                for rule in yaml(&route)["spec"]["rules"].as_array().expect("rules") {
                    let request = seconds(rule["timeouts"]["request"].as_str().expect("timeout"));
                    assert!(
                        request <= timeout,
                        "{example} {name}: a route waits {request}s, SHUTDOWN_TIMEOUT is {timeout}s"
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 1, "{example}: {checked} services checked");
    }
}
