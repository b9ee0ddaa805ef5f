//! Prometheus and promtool from Debian's `prometheus` package: a server of its own on a free
//! 127.0.0.1 port with the test's configuration and TSDB in a temp dir (never the system
//! service), ready once its HTTP API reports this instance's TSDB path; PromQL through that API;
//! promtool's `check config`, `check rules` and `test rules` on files the test wrote.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

const START_TIMEOUT: Duration = Duration::from_secs(60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const INSTALL: &str = "Debian: apt-get install prometheus";

/// A running Prometheus; dropping it stops it and removes its TSDB.
#[derive(Debug)]
pub struct Prometheus {
    _server: Server,
    port: u16,
    dir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    /// Starts Prometheus with `config` (the text of prometheus.yml, scraping targets the test
    /// runs). `None` (skipped) when Prometheus is not installed.
    pub fn start(config: &str) -> Option<Self> {
        Self::start_with_files(config, &[])
    }

    /// `start`, with more files (rule files, say) written beside prometheus.yml first: `config`
    /// refers to them by their bare names.
    pub fn start_with_files(config: &str, files: &[(&str, &str)]) -> Option<Self> {
        let program = super::find_program("prometheus", &[])
            .or_else(|| super::missing("prometheus", INSTALL))?;
        let since = Instant::now();
        let tmp = super::instance_dir("prometheus");
        let dir = tmp.path().to_owned();
        for (name, text) in std::iter::once(&("prometheus.yml", config)).chain(files) {
            assert!(!name.contains('/'), "{name}: a bare file name");
            std::fs::write(dir.join(name), text).expect("write a Prometheus file");
        }
        let log = dir.join("prometheus.log");
        let (server, port) = super::start_on_free_ports("Prometheus", || {
            let port = super::free_port();
            let launch = Launch {
                name: "Prometheus",
                program: program.clone(),
                args: vec![
                    format!("--config.file={}", dir.join("prometheus.yml").display()).into(),
                    format!("--storage.tsdb.path={}", dir.join("data").display()).into(),
                    format!("--web.listen-address=127.0.0.1:{port}").into(),
                ],
                env: Vec::new(),
                graceful: "TERM",
                quick: "KILL",
            };
            let mut server = Server::start(launch, &dir, log.clone());
            let want = dir.join("data").display().to_string();
            super::wait_until(
                "Prometheus to answer its API",
                START_TIMEOUT,
                || server.alive(),
                || {
                    let flags = api(port, "/api/v1/status/flags", &[]).ok()?;
                    (flags["storage.tsdb.path"] == want.as_str()).then_some(())
                },
            )?;
            Ok((server, port))
        });
        super::started("Prometheus", port, since);
        Some(Self {
            _server: server,
            port,
            dir,
            _dir: tmp,
        })
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The dir holding prometheus.yml and the other files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An instant query: the `data.result` array of `/api/v1/query` (fails the test when
    /// Prometheus rejects the query).
    pub fn query(&self, promql: &str) -> serde_json::Value {
        let data = api(self.port, "/api/v1/query", &[("query", promql)])
            .unwrap_or_else(|e| panic!("query {promql:?}: {e}"));
        data["result"].clone()
    }

    /// Repeats `query` every 200 ms until `done` accepts the result (scrapes happen on an
    /// interval), failing after `timeout` with the last result and the targets' state.
    pub fn query_until(
        &self,
        promql: &str,
        timeout: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let result = self.query(promql);
            if done(&result) {
                return result;
            }
            if started.elapsed() > timeout {
                let targets = api(self.port, "/api/v1/targets", &[]);
                panic!("{promql:?} still gives {result} after {timeout:?}; targets: {targets:?}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The `data` of a successful API answer, or what went wrong.
fn api(port: u16, path: &str, query: &[(&str, &str)]) -> Result<serde_json::Value, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .into();
    let mut request = agent.get(format!("http://127.0.0.1:{port}{path}"));
    for (k, v) in query {
        request = request.query(*k, *v);
    }
    let mut response = request.call().map_err(|e| e.to_string())?;
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let json: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    if json["status"] == "success" {
        Ok(json["data"].clone())
    } else {
        Err(body)
    }
}

/// What a promtool run said.
#[derive(Debug)]
pub struct Outcome {
    pub success: bool,
    /// stdout, then stderr.
    pub output: String,
}

/// Debian's promtool.
#[derive(Debug)]
pub struct Promtool {
    program: PathBuf,
}

impl Promtool {
    /// `None` (skipped) when promtool is not installed.
    pub fn find() -> Option<Self> {
        let program =
            super::find_program("promtool", &[]).or_else(|| super::missing("promtool", INSTALL))?;
        Some(Self { program })
    }

    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Outcome {
        let mut cmd = Command::new(&self.program);
        cmd.args(args);
        let out = super::run(&mut cmd, None, Duration::from_secs(120));
        Outcome {
            success: out.status.success(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }

    /// `promtool check config FILE` (rule files it names are checked too).
    pub fn check_config(&self, file: &Path) -> Outcome {
        self.run(&[OsStr::new("check"), OsStr::new("config"), file.as_os_str()])
    }

    /// `promtool check rules FILES`.
    pub fn check_rules(&self, files: &[&Path]) -> Outcome {
        let mut args = vec![OsStr::new("check"), OsStr::new("rules")];
        args.extend(files.iter().map(|f| f.as_os_str()));
        self.run(&args)
    }

    /// `promtool test rules FILES` (rule unit tests).
    pub fn test_rules(&self, files: &[&Path]) -> Outcome {
        let mut args = vec![OsStr::new("test"), OsStr::new("rules")];
        args.extend(files.iter().map(|f| f.as_os_str()));
        self.run(&args)
    }
}
