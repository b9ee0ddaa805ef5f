//! One server process under a small bash supervisor, so that no server outlives the test process
//! that started it, whatever happens to that process (a panic, a failed assertion, SIGKILL).
//!
//! The supervisor holds the read end of a pipe whose only write end is this process's handle on
//! its stdin (Rust opens it close-on-exec, so no other child inherits it). When this process goes
//! away, by any path, the kernel closes that end, `cat` sees end of file, and the supervisor takes
//! the server down at once and removes the instance dir (statics such as the shared instances
//! are never dropped, so this is also how they go at the end of `cargo test`). On the normal path
//! `Server::stop` (and `Drop`) sends the supervisor SIGTERM: it stops the server gracefully
//! (SIGKILL after 30 s) and keeps the dir for a restart. The supervisor runs in a process group
//! of its own, so Ctrl-C reaches only the test process, and the pipe does the rest.
//!
//! No `unsafe` (the crate forbids it), so no `prctl(PR_SET_PDEATHSIG)`: the pipe is the signal.

use std::ffi::OsString;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// `$1`: the signal for a graceful stop, `$2`: the signal when the test process is gone, `$3`: the
/// dir to remove then, `$4...`: the server's command line.
const SUPERVISOR: &str = r#"
set -u
graceful=$1 quick=$2 dir=$3
shift 3
exec 3<&0 0</dev/null
"$@" 3<&- &
server=$!
cat <&3 >/dev/null 3<&- &
watcher=$!
exec 3<&-
halt() {
  kill -s "$1" "$server" 2>/dev/null
  for _ in $(seq 300); do kill -0 "$server" 2>/dev/null || return 0; sleep 0.1; done
  echo "msaforge supervisor: $server did not stop in 30 s: SIGKILL" >&2
  kill -s KILL "$server" 2>/dev/null
}
trap 'halt "$graceful"' TERM
trap '' INT HUP
while kill -0 "$server" 2>/dev/null && kill -0 "$watcher" 2>/dev/null; do
  wait -n "$server" "$watcher"
done
if ! kill -0 "$watcher" 2>/dev/null; then
  halt "$quick"
  wait "$server"
  rm -rf -- "$dir"
  exit 0
fi
kill "$watcher" 2>/dev/null
wait "$server"
"#;

/// How to run a server and how it wants to be stopped.
#[derive(Clone, Debug)]
pub struct Launch {
    pub name: &'static str,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    /// Graceful stop (`INT` is PostgreSQL's fast shutdown; `TERM` for the others).
    pub graceful: &'static str,
    /// When the test process is gone and the data goes too (`QUIT` for PostgreSQL, else `KILL`).
    pub quick: &'static str,
}

/// A running (or stopped, restartable) server. Dropping it stops it.
#[derive(Debug)]
pub struct Server {
    launch: Launch,
    dir: PathBuf,
    log: PathBuf,
    child: Option<(Child, ChildStdin)>,
}

impl Server {
    /// Starts `launch` with its output appended to `log`; `dir` is the instance dir the supervisor
    /// removes if this process dies.
    pub fn start(launch: Launch, dir: &Path, log: PathBuf) -> Self {
        let mut server = Self {
            launch,
            dir: dir.to_owned(),
            log,
            child: None,
        };
        server.spawn();
        server
    }

    /// Starts the server again with the same command line (same ports, same data).
    pub fn spawn(&mut self) {
        assert!(
            self.child.is_none(),
            "{} is already running",
            self.launch.name
        );
        let log = || {
            File::options()
                .create(true)
                .append(true)
                .open(&self.log)
                .unwrap_or_else(|e| panic!("open {}: {e}", self.log.display()))
        };
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(SUPERVISOR)
            .arg(format!("msaforge-supervise-{}", self.launch.name))
            .args([self.launch.graceful, self.launch.quick])
            .arg(&self.dir)
            .arg(&self.launch.program)
            .args(&self.launch.args)
            .envs(self.launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(log())
            .stderr(log())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.launch.name));
        let stdin = child.stdin.take().expect("the supervisor's stdin");
        self.child = Some((child, stdin));
    }

    /// Stops the server if it runs and starts it again (same command line, so same ports and
    /// data), failing the test unless `ready` then sees it ready; says how long that took.
    pub fn restart(&mut self, port: u16, ready: impl FnOnce(&mut Self) -> Result<(), String>) {
        self.stop();
        let since = Instant::now();
        self.spawn();
        if let Err(log) = ready(self) {
            panic!(
                "{} did not start again on port {port}:\n{log}",
                self.launch.name
            );
        }
        super::started(&format!("{} (restarted)", self.launch.name), port, since);
    }

    /// `Ok` while the server runs; its log when it has exited.
    pub fn alive(&mut self) -> Result<(), String> {
        let Some((child, _)) = &mut self.child else {
            return Err(format!("{} is stopped", self.launch.name));
        };
        match child.try_wait().expect("wait for the supervisor") {
            None => Ok(()),
            Some(status) => {
                self.child = None;
                Err(format!(
                    "{} exited ({status}); the end of {}:\n{}",
                    self.launch.name,
                    self.log.display(),
                    self.tail()
                ))
            }
        }
    }

    /// Stops the server gracefully and waits until it has exited (the data stays).
    pub fn stop(&mut self) {
        let Some((mut child, stdin)) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-s", "TERM", &child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        // The supervisor escalates to SIGKILL after 30 s; give it a little longer than that.
        let deadline = Instant::now() + Duration::from_secs(40);
        while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(child.try_wait(), Ok(None)) {
            // Closing its stdin is the other way to end it: the server goes, quickly.
            drop(stdin);
            let _ = child.wait();
        }
    }

    /// The last 60 lines of the server's log.
    pub fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let running = self.child.is_some();
        self.stop();
        if running && std::thread::panicking() {
            eprintln!(
                "---- {} ({})\n{}",
                self.launch.name,
                self.log.display(),
                self.tail()
            );
        }
    }
}
