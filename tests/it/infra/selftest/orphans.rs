//! A test process killed with SIGKILL (no unwinding, no destructor) leaves no server and no
//! instance dir behind: a child test process starts a cluster and is killed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::infra::Postgres;

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
                "infra::selftest::orphans::orphan_child",
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
