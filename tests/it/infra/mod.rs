//! Real data-plane components for the tests: PostgreSQL, MariaDB and Redis (Debian's packages), Apache
//! Kafka 4.x in KRaft mode (Maven Central jars on the JDK) and Prometheus with promtool (Debian),
//! each started in a temp dir on a free 127.0.0.1 port, used only once it answers a real request
//! (a query, a metadata request), and stopped by a `Drop` guard or, if the test process dies, by
//! the supervisor each server runs under (`process.rs`). A component that is not installed skips
//! the test with a message, unless `MSAFORGE_DATA_REQUIRED` is set (`.ci/run` sets it).
//!
//! Owns: finding, starting, readiness, stopping, and the few client calls tests need (psql,
//! mariadb, Kafka's console tools, Prometheus' HTTP API, promtool). Must not: assert what a system
//! under test does (the tests do), or touch a system-wide server, port or data directory.
//!
//! Use: a test that stops or restarts a server starts its own (`Postgres::start()`, also
//! `Mariadb`, `Kafka`, `Redis`); the others share one per test process (`Postgres::shared()` then
//! `fresh_database`, `Kafka::shared()` with topics and groups from `unique_name`): Kafka takes
//! 5 to 20 s to start, PostgreSQL 1 to 2 s, MariaDB 2 to 5 s, Prometheus well under a second.
//!
//! Environment: `MSAFORGE_DATA_REQUIRED` (a missing component fails), `MSAFORGE_KAFKA_LIB` (the
//! Kafka jars; default: the cache `.ci/kafka-lib` fills), `MSAFORGE_PG_BIN` (PostgreSQL's server
//! binaries; default: the newest `/usr/lib/postgresql/<major>/bin`).

mod database;
mod kafka;
mod mariadb;
mod postgres;
mod process;
mod prometheus;
mod redis;
mod selftest;

pub use database::{PASSWORD, USER};
pub use kafka::{Kafka, Outgoing, Record};
pub use mariadb::Mariadb;
pub use postgres::Postgres;
pub use prometheus::{Outcome, Prometheus, Promtool};
pub use redis::Redis;

use std::collections::HashSet;
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Set (to anything) to make a missing component a test failure instead of a skip.
pub const REQUIRED: &str = "MSAFORGE_DATA_REQUIRED";

/// `None` after saying the test is skipped because `what` is missing (or failing the test when
/// `MSAFORGE_DATA_REQUIRED` is set): the shape of `harness::required_tool`.
fn missing<T>(what: &str, install: &str) -> Option<T> {
    assert!(
        std::env::var_os(REQUIRED).is_none(),
        "{REQUIRED} is set but this test needs {what} ({install})"
    );
    eprintln!("SKIPPED: missing {what} ({install}; set {REQUIRED}=1 to make this a failure)");
    None
}

/// A name no other test of this process (nor another process on this machine) uses, for
/// databases, topics and consumer groups on a shared instance: `<prefix>_<pid>_<n>` (a database
/// name needs a prefix of letters, digits and `_`).
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{n}", std::process::id())
}

/// A port on 127.0.0.1 that nothing listened on a moment ago and that this process has not
/// handed out before. A server that then fails to bind it is retried on another (`start_on_free_ports`).
fn free_port() -> u16 {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let given = given.get_or_insert_with(HashSet::new);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port on 127.0.0.1")
            .port();
        if given.insert(port) {
            return port;
        }
    }
}

/// Runs `start` (which picks its ports with `free_port`) up to three times while the server it
/// starts dies saying its address is in use: another process took the port in between.
fn start_on_free_ports<T>(what: &str, mut start: impl FnMut() -> Result<T, String>) -> T {
    let mut last = String::new();
    for _ in 0..3 {
        match start() {
            Ok(server) => return server,
            Err(log) if log.to_lowercase().contains("already in use") => last = log,
            Err(log) => panic!("{what} did not start:\n{log}"),
        }
    }
    panic!("{what} found its port taken three times:\n{last}")
}

/// Whether this process runs as root (servers that refuse root then run as their own user).
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The uid and gid of a system user such as `postgres`, if it exists.
fn system_user(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() > 3 && fields[0] == name)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

/// Hands `dir` and everything in it to `owner` (a server that must not run as root writes there).
fn give_to(dir: &Path, (uid, gid): (u32, u32)) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk the instance dir");
        std::os::unix::fs::lchown(entry.path(), Some(uid), Some(gid))
            .unwrap_or_else(|e| panic!("chown {}: {e}", entry.path().display()));
    }
}

/// `program` on `PATH` or in one of `extra` (`/usr/sbin` is not on a normal user's `PATH`).
fn find_program(program: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A temp dir for one instance, named after the component (its supervisor removes it if the test
/// process dies; `TempDir` does on the normal path).
fn instance_dir(component: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("msaforge-{component}-"))
        .tempdir()
        .expect("temp dir")
}

/// Runs a client command to completion, killing it after `timeout`; stdin is closed unless
/// `input` is given.
fn run(cmd: &mut Command, input: Option<&str>, timeout: Duration) -> Output {
    use std::io::{Read, Write};
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .expect("write to the client's stdin");
    }
    // Read both pipes on threads so a chatty client cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the client") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} took over {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Says on stderr how long a start took (shown with `--nocapture` and for failed tests).
fn started(what: &str, port: u16, since: Instant) {
    eprintln!(
        "infra: {what} ready on 127.0.0.1:{port} after {:.1} s",
        since.elapsed().as_secs_f64()
    );
}

/// Polls `probe` every 100 ms until it gives a value, `alive` says the server died (`Err` with
/// its log), or `timeout` passes (a panic naming `what`).
fn wait_until<T>(
    what: &str,
    timeout: Duration,
    mut alive: impl FnMut() -> Result<(), String>,
    mut probe: impl FnMut() -> Option<T>,
) -> Result<T, String> {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return Ok(value);
        }
        alive()?;
        assert!(
            started.elapsed() < timeout,
            "gave up waiting for {what} after {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
