//! Shared by the end-to-end tests (`e2e`, `spring`): generating an example, building it, the
//! started processes (stopped by a `Drop` guard, logs shown on failure), polling, plain HTTP
//! requests on 127.0.0.1, and the lock that keeps two systems from using the same local ports.
//!
//! Helpers only: what a system must answer is asserted by the tests themselves.

use std::fs::File;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::binary::Msaforge;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where `gateway/nginx.local.conf` listens.
pub const GATEWAY: &str = "127.0.0.1:18080";

pub const BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
pub const START_TIMEOUT: Duration = Duration::from_secs(90);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Every generated system listens on the gateway port and on `stack::common::BASE_PORT` onwards: one at a
/// time, also across test processes (two checkouts tested at once on one machine). Hold the guard
/// for the whole test: a mutex for this process and an OS file lock for the others, both released
/// when it drops (the OS releases the file lock when a killed process exits). A test that only
/// builds a generated workspace (`build`) holds it too: all share one target directory, and a
/// build replaces the binaries another test is about to start.
pub fn ports() -> PortsGuard {
    static PORTS: Mutex<()> = Mutex::new(());
    let local = PORTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = std::env::temp_dir().join("msaforge-e2e-ports.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", path.display()));
    PortsGuard {
        _file: file,
        _local: local,
    }
}

/// Holds the local ports of generated systems for one test (see `ports`).
pub struct PortsGuard {
    _file: File,
    _local: MutexGuard<'static, ()>,
}

/// Fails when something already listens on one of `addrs`.
pub fn assert_free(addrs: impl IntoIterator<Item = String>) {
    for addr in addrs {
        assert!(
            TcpStream::connect_timeout(&socket(&addr), Duration::from_millis(300)).is_err(),
            "{addr} is already in use: stop whatever listens there before running the e2e test"
        );
    }
}

/// `nginx` (Debian's), or `None` when the test is to be skipped (a failure with
/// `MSAFORGE_E2E_REQUIRED`).
pub fn nginx() -> Option<PathBuf> {
    required_tool(
        "nginx",
        "MSAFORGE_E2E_REQUIRED",
        "Debian: apt-get install nginx-core",
    )
}

/// Starts nginx with the generated `gateway/nginx.local.conf` of `system`, its prefix (pid file,
/// error and access logs) in the processes' log directory, and waits until it answers.
pub fn start_gateway(processes: &mut Processes, nginx: &Path, system: &Path) {
    let conf = system.join("gateway/nginx.local.conf");
    assert!(
        conf.is_file(),
        "the generated tree has no gateway/nginx.local.conf (written by templates/gateway/)"
    );
    let mut cmd = Command::new(nginx);
    cmd.arg("-p")
        .arg(format!("{}/", processes.logs.display()))
        .arg("-c")
        .arg(&conf)
        .args(["-g", "daemon off;"]);
    processes.start("nginx", &mut cmd);
    wait_for(processes, "the gateway", || get(GATEWAY, "/api/", &[]).ok());
}

/// Runs the msaforge binary under test: `examples/<example>` into `out`, with the templates of
/// `MSAFORGE_E2E_TEMPLATES` when set.
pub fn generate(example: &str, out: &Path) {
    let mut cmd = Msaforge::new()
        .args(["generate", &format!("examples/{example}"), "-o"])
        .arg(out);
    if let Some(templates) = std::env::var_os("MSAFORGE_E2E_TEMPLATES") {
        cmd = cmd.arg("--templates").arg(templates);
    }
    cmd.run().code(0);
}

/// A directory of this test process for what it builds once and shares between its tests (a
/// generated system, its binaries): `<temp>/msaforge-e2e-kept/<pid>/<name>`, empty. The
/// directories of test processes that are gone are removed first (Linux: by `/proc/<pid>`).
pub fn kept_dir(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join("msaforge-e2e-kept");
    if Path::new("/proc/self").exists() {
        for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            if !Path::new("/proc").join(entry.file_name()).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = root.join(std::process::id().to_string()).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Links (or copies, across file systems) the debug binaries `names` of `target` into `dir`:
/// a later build into the shared target directory replaces its files, not these.
pub fn keep_binaries(target: &Path, names: &[&str], dir: &Path) {
    for name in names {
        let (from, to) = (target.join("debug").join(name), dir.join(name));
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", from.display()));
        }
    }
}

/// `cargo build` of the generated workspace; returns the target directory.
pub fn build(system: &Path, logs: &Path) -> PathBuf {
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
pub struct Processes {
    pub children: Vec<(String, Child)>,
    pub logs: PathBuf,
}

impl Processes {
    pub fn start(&mut self, name: &str, cmd: &mut Command) {
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
    pub fn assert_running(&mut self) {
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
pub fn wait_for<T>(
    processes: &mut Processes,
    what: &str,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
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
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A 501 problem+json answer (an operation nobody implemented yet) that names `operation`.
pub fn assert_not_implemented(reply: &Reply, operation: &str) {
    assert_eq!(reply.status, 501, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{reply:?}"
    );
    let problem = json(reply);
    assert_eq!(problem["status"], 501, "{reply:?}");
    assert_eq!(problem["title"], "Not Implemented", "{reply:?}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains(operation)),
        "{reply:?}"
    );
}

pub fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {reply:?}"))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into()
}

/// A GET with `ureq`; any status is an answer (the test asserts on 404 and 501 too).
pub fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Reply> {
    let mut request = agent().get(format!("http://{addr}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.call())
}

/// A POST of a JSON body with `ureq`; any status is an answer.
pub fn post_json(addr: &str, path: &str, body: &serde_json::Value) -> std::io::Result<Reply> {
    let request = agent()
        .post(format!("http://{addr}{path}"))
        .header("content-type", "application/json");
    reply(request.send(body.to_string()))
}

/// A POST of `body` that must create (201): the JSON it answers.
pub fn post_created(addr: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
    let reply = post_json(addr, path, body).unwrap_or_else(|e| panic!("{addr} answers: {e}"));
    assert_eq!(reply.status, 201, "{reply:?}");
    json(&reply)
}

fn reply(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> std::io::Result<Reply> {
    let mut response = response.map_err(ureq::Error::into_io)?;
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

pub fn local(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

pub fn socket(addr: &str) -> SocketAddr {
    addr.parse().expect("a 127.0.0.1 socket address")
}

pub fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// The last 40 lines of a log file.
pub fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// `program` on `PATH`; `None` (the test skips, saying why) when it is missing, unless the
/// environment variable `required` is set, which makes a missing program a failure.
pub fn required_tool(program: &str, required: &str, install: &str) -> Option<PathBuf> {
    let found = find_on_path(program);
    if found.is_none() {
        assert!(
            std::env::var_os(required).is_none(),
            "{required} is set but `{program}` is not on PATH ({install})"
        );
        eprintln!(
            "SKIPPED: `{program}` is not on PATH ({install}; set {required}=1 to make this a failure)"
        );
    }
    found
}
