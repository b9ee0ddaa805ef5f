//! The generated Java clients under faults a real peer cannot produce on demand: two scripted
//! HTTP peers on 127.0.0.1 stand in for `citizens` (answers too late) and `assignments` (answers
//! 503), and the generated `petitions` Spring Boot service, with the e2e fixture controller,
//! calls them. A GET times out after each of its 800 ms attempts and is retried twice (504); a
//! POST is never retried (502); five failed calls in a row open its circuit (503, no request).
//! A third scripted peer stands in for the OpenTelemetry collector (none runs here): the service
//! exports its spans to the endpoint in `MANAGEMENT_OTLP_TRACING_ENDPOINT`.
//!
//! Skipped like the other Spring Boot tests when `mvn` or `java` is missing, unless
//! `MSAFORGE_JAVA_REQUIRED` is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{Processes, ROOT, generate, get, json, local, post_json, wait_for};
use crate::spring::{java_tools, package};

/// A scripted peer: counts the requests it reads, keeps their request lines, and answers each
/// with `answer` after `delay`. Stops accepting when dropped.
struct Peer {
    addr: String,
    requests: Arc<AtomicUsize>,
    lines: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Peer {
    fn start(delay: Duration, answer: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("bound").to_string();
        let requests = Arc::new(AtomicUsize::new(0));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, seen, done) = (Arc::clone(&requests), Arc::clone(&lines), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (count, seen) = (Arc::clone(&count), Arc::clone(&seen));
                        std::thread::spawn(move || serve(stream, &count, &seen, delay, answer));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Peer {
            addr,
            requests,
            lines,
            stop,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads one request (head and `Content-Length` body), counts it, waits, answers, closes.
fn serve(
    stream: TcpStream,
    count: &AtomicUsize,
    seen: &Mutex<Vec<String>>,
    delay: Duration,
    answer: &str,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    let mut request_line = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if request_line.is_empty() {
            line.trim_end().clone_into(&mut request_line);
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    seen.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(request_line);
    count.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(delay);
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "{answer}\r\ncontent-type: application/problem+json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
    );
    let _ = stream.flush();
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    listener.local_addr().expect("bound").port()
}

#[test]
fn java_clients_time_out_retry_idempotent_calls_and_open_their_circuit() {
    let Some(mvn) = java_tools() else {
        return;
    };
    let tmp = tempfile::Builder::new()
        .prefix("msaforge-spring-clients-")
        .tempdir()
        .expect("temp dir");
    let system = tmp.path().join("system");
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs dir");
    generate("civil-petition.yaml", &system);
    let petitions = system.join("services/petitions");
    std::fs::copy(
        Path::new(ROOT).join("tests/fixtures/e2e/PetitionsController.java"),
        petitions.join("src/main/java/kr/go/minwon/petitions/PetitionsController.java"),
    )
    .expect("fixture copied");
    package(&mvn, &petitions, &logs.join("petitions-mvn.log"));

    // `citizens.getCitizen`: 800 ms per attempt, 2 retries. `assignments.assignPetition`: a POST.
    let citizens = Peer::start(Duration::from_millis(1_500), "HTTP/1.1 200 OK");
    let assignments = Peer::start(Duration::ZERO, "HTTP/1.1 503 Service Unavailable");
    let collector = Peer::start(Duration::ZERO, "HTTP/1.1 200 OK");
    let port = free_port();
    let service = local(port);
    let mut processes = Processes {
        children: Vec::new(),
        logs,
    };
    let mut cmd = Command::new("java");
    cmd.arg("-jar")
        .arg(petitions.join("target/petitions.jar"))
        .env("PORT", port.to_string())
        .env("CITIZENS_URL", format!("http://{}", citizens.addr))
        .env("ASSIGNMENTS_URL", format!("http://{}", assignments.addr))
        .env("SHUTDOWN_DELAY", "0s")
        .env(
            "MANAGEMENT_OTLP_TRACING_ENDPOINT",
            format!("http://{}/v1/traces", collector.addr),
        );
    processes.start("petitions", &mut cmd);
    wait_for(&mut processes, "petitions /readyz", || {
        get(&service, "/readyz", &[])
            .ok()
            .filter(|r| r.status == 200)
    });

    let started = Instant::now();
    let reply = get(
        &service,
        "/v1/petitions/9c1e5f2a-7b3d-4c8e-a1f0-2d3e4b5c6a7f",
        &[],
    )
    .expect("petitions answers");
    let elapsed = started.elapsed();
    assert_eq!(reply.status, 504, "a peer that answers too late: {reply:?}");
    assert_eq!(json(&reply)["status"], 504, "{reply:?}");
    assert_eq!(citizens.requests(), 3, "one attempt and two retries");
    assert!(
        elapsed >= Duration::from_millis(3 * 800),
        "three attempts of 800 ms each, took {elapsed:?}"
    );

    let draft = serde_json::json!({
        "citizenId": "5a0d7c3e-2f41-4b8e-9d6a-1c2b3e4f5a6b",
        "category": "inquiry",
        "subject": "Opening hours",
        "content": "When does the archive open?",
        "attachments": [],
    });
    for call in 1..=5 {
        let reply = post_json(&service, "/v1/petitions", &draft).expect("petitions answers");
        assert_eq!(
            reply.status, 502,
            "a peer answering 503 (call {call}): {reply:?}"
        );
        assert_eq!(assignments.requests(), call, "a POST is never retried");
    }
    let reply = post_json(&service, "/v1/petitions", &draft).expect("petitions answers");
    assert_eq!(
        reply.status, 503,
        "five failures in a row open the circuit: {reply:?}"
    );
    assert_eq!(
        assignments.requests(),
        5,
        "an open circuit sends no request"
    );

    // A request that does not validate never reaches the peer: 400 problem+json.
    let reply = post_json(
        &service,
        "/v1/petitions",
        &serde_json::json!({ "subject": "x" }),
    )
    .expect("petitions answers");
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{reply:?}"
    );

    // The spans of these requests, exported in a batch within seconds.
    let lines = wait_for(&mut processes, "spans exported to the collector", || {
        let lines = collector.lines();
        (!lines.is_empty()).then_some(lines)
    });
    assert!(
        lines.iter().all(|l| l.starts_with("POST /v1/traces ")),
        "OTLP over HTTP to the configured endpoint: {lines:?}"
    );
}
