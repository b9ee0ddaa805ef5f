//! End to end: `msaforge generate examples/records-archive.yaml`, two handlers filled in from
//! `tests/fixtures/e2e/` (`placement`'s `getRecordLocation` calls `directory`'s `getUser` through
//! the generated client), `cargo build` of the generated workspace, every service started on its
//! local port, a real nginx with the generated `gateway/nginx.local.conf` in front, and HTTP
//! requests through it on 127.0.0.1: health, 501 problem+json, 404, and one trace id carried
//! across both services into their JSON logs.
//!
//! Skipped with a message when `nginx` is not on `PATH`, unless `MSAFORGE_E2E_REQUIRED` is set
//! (CI sets it), in which case that is a failure. Environment:
//! - `MSAFORGE_E2E_TARGET`: Cargo target directory for the generated workspace (default: a
//!   directory under the system temp dir, kept between runs so dependencies build once);
//! - `MSAFORGE_E2E_TEMPLATES`: a template directory passed to `generate --templates`.

use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where `gateway/nginx.local.conf` listens.
const GATEWAY: &str = "127.0.0.1:18080";
/// The example's contexts in spec order, with their local ports (`view::BASE_PORT` + index):
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

const BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const START_TIMEOUT: Duration = Duration::from_secs(60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

#[test]
fn generated_system_serves_through_the_gateway() {
    let Some(nginx) = find_on_path("nginx") else {
        assert!(
            std::env::var_os("MSAFORGE_E2E_REQUIRED").is_none(),
            "MSAFORGE_E2E_REQUIRED is set but `nginx` is not on PATH (Debian: apt-get install \
             nginx-core)"
        );
        eprintln!(
            "SKIPPED e2e: `nginx` is not on PATH (install nginx-core; set MSAFORGE_E2E_REQUIRED=1 \
             to make this a failure)"
        );
        return;
    };
    for addr in std::iter::once(GATEWAY.to_owned()).chain(SERVICES.map(|(_, p)| local(p))) {
        assert!(
            TcpStream::connect_timeout(&socket(&addr), Duration::from_millis(300)).is_err(),
            "{addr} is already in use: stop whatever listens there before running the e2e test"
        );
    }

    let tmp = tempfile::Builder::new()
        .prefix("msaforge-e2e-")
        .tempdir()
        .expect("temp dir");
    let system = tmp.path().join("system");
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs dir");
    generate(&system);
    for (context, fixture) in [
        ("placement", "placement_handlers.rs"),
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

    let mut processes = Processes {
        children: Vec::new(),
        logs: logs.clone(),
    };
    for (name, _) in SERVICES {
        let mut cmd = Command::new(target.join("debug").join(name));
        // Only what the service needs: PORT and the peers' URLs keep their generated defaults.
        cmd.env_clear()
            .env("BIND_ADDR", "127.0.0.1")
            .env("RUST_LOG", "info")
            .env("OTEL_TRACES_EXPORTER", "none");
        processes.start(name, &mut cmd);
    }
    for (name, port) in SERVICES {
        let reply = wait_for(&mut processes, &format!("{name} /healthz"), || {
            get(&local(port), "/healthz", &[]).ok()
        });
        assert_eq!(reply.status, 200, "{name} /healthz: {reply:?}");
        assert_eq!(json(&reply)["status"], "ok", "{name} /healthz: {reply:?}");
    }

    let conf = system.join("gateway/nginx.local.conf");
    assert!(
        conf.is_file(),
        "the generated tree has no gateway/nginx.local.conf (written by templates/gateway/)"
    );
    // nginx's prefix is the logs directory: its error.log and access.log are shown on failure.
    let mut cmd = Command::new(nginx);
    cmd.arg("-p")
        .arg(format!("{}/", logs.display()))
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off;"]);
    processes.start("nginx", &mut cmd);
    wait_for(&mut processes, "the gateway", || {
        get(GATEWAY, "/api/", &[]).ok()
    });

    // An operation nobody implemented: 501 problem+json naming it.
    let reply = get(GATEWAY, "/api/v1/shelves/S-1", &[]).expect("gateway answers");
    assert_eq!(reply.status, 501, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{reply:?}"
    );
    let problem = json(&reply);
    assert_eq!(problem["status"], 501, "{reply:?}");
    assert_eq!(problem["title"], "Not Implemented", "{reply:?}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("getShelf")),
        "{reply:?}"
    );

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
}

/// Runs the msaforge binary under test: the example into `out`.
fn generate(out: &Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msaforge"));
    cmd.current_dir(ROOT)
        .args(["generate", "examples/records-archive.yaml", "-o"])
        .arg(out)
        .env("NO_COLOR", "1");
    if let Some(templates) = std::env::var_os("MSAFORGE_E2E_TEMPLATES") {
        cmd.arg("--templates").arg(templates);
    }
    let output = cmd.output().expect("msaforge runs");
    assert!(
        output.status.success(),
        "msaforge generate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `cargo build` of the generated workspace; returns the target directory.
pub(crate) fn build(system: &Path, logs: &Path) -> PathBuf {
    let target = std::env::var_os("MSAFORGE_E2E_TARGET").map_or_else(
        || std::env::temp_dir().join("msaforge-e2e-target"),
        PathBuf::from,
    );
    let log = logs.join("cargo-build.log");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .arg("build")
        .current_dir(system)
        .env("CARGO_TARGET_DIR", &target)
        .stdout(Stdio::null())
        .stderr(File::create(&log).expect("build log"))
        .spawn()
        .expect("cargo runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cargo waits") {
            break status;
        }
        if started.elapsed() > BUILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "cargo build of the generated workspace took over {BUILD_TIMEOUT:?}:\n{}",
                tail(&log)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        status.success(),
        "cargo build of the generated workspace failed:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    target
}

/// The started processes. Dropping it (also while a failed assertion unwinds) stops every one:
/// SIGTERM first so nginx takes its workers down and services shut down cleanly, SIGKILL after
/// five seconds. On failure, the tail of every log is printed.
struct Processes {
    children: Vec<(String, Child)>,
    logs: PathBuf,
}

impl Processes {
    fn start(&mut self, name: &str, cmd: &mut Command) {
        let log = |stream: &str| {
            File::create(self.logs.join(format!("{name}.{stream}.log"))).expect("log file")
        };
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log("stdout"))
            .stderr(log("stderr"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.children.push((name.to_owned(), child));
    }

    /// Fails if a process has exited: nothing it was to answer will come.
    fn assert_running(&mut self) {
        for (name, child) in &mut self.children {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("{name} exited early ({status})");
            }
        }
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        for (_, child) in self.children.iter_mut().rev() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        for (_, child) in &mut self.children {
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            let mut names: Vec<_> = std::fs::read_dir(&self.logs)
                .map(|dir| {
                    dir.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "log"))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            for path in names {
                eprintln!("---- {}\n{}", path.display(), tail(&path));
            }
        }
    }
}

/// Polls `probe` every 200 ms for up to `START_TIMEOUT`, failing early if a process died.
fn wait_for<T>(processes: &mut Processes, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        processes.assert_running();
        assert!(
            started.elapsed() < START_TIMEOUT,
            "gave up waiting for {what} after {START_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// An HTTP answer, as much as the test looks at.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {reply:?}"))
}

/// A GET with `ureq`; any status is an answer (the test asserts on 404 and 501 too).
fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Reply> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into();
    let mut request = agent.get(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().map_err(ureq::Error::into_io)?;
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(ureq::Error::into_io)?;
    Ok(Reply {
        status: response.status().as_u16(),
        headers,
        body,
    })
}

fn local(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

fn socket(addr: &str) -> SocketAddr {
    addr.parse().expect("a 127.0.0.1 socket address")
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// The last 40 lines of a log file.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
