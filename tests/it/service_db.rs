//! What the end-to-end tests of generated services need around their databases: an application
//! role whose password has `@`, `/`, `%` and `:` (the characters a URL must percent-encode), a
//! database it owns, the two ways to hand it to a service (credentials apart, or percent-encoded
//! in the URL), and a service that must end at start with one line.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::infra::Postgres;

/// The password of the application roles the tests create.
pub const TRICKY_PASSWORD: &str = "p@ss/w%rd:1";

/// Creates role `role` (password [`TRICKY_PASSWORD`], once per cluster) and a fresh database it
/// owns; returns the database's name.
pub fn owned_database(pg: &Postgres, role: &str) -> String {
    let exists = pg.sql(
        "postgres",
        &format!("SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"),
    );
    if exists.trim() == "0" {
        pg.sql(
            "postgres",
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{TRICKY_PASSWORD}'"),
        );
    }
    let db = pg.fresh_database(role);
    pg.sql("postgres", &format!("ALTER DATABASE {db} OWNER TO {role}"));
    db
}

/// `s` with everything but unreserved characters percent-encoded (RFC 3986 userinfo).
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs `cmd` to its end (within 60 s): its status and standard error.
pub fn run_to_end(cmd: &mut Command) -> (ExitStatus, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the service starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let out = child.wait_with_output().expect("its stderr");
            return (status, String::from_utf8_lossy(&out.stderr).into_owned());
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the service did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Asserts `cmd` ends at start, non-zero, with exactly one line on standard error that names
/// `DATABASE_URL` and says `what` (`is not set`, `is malformed`), never echoing `secret`.
pub fn assert_ends_naming_database_url(cmd: &mut Command, what: &str, secret: &str) -> String {
    let (status, stderr) = run_to_end(cmd);
    assert!(!status.success(), "ends with a failure: {status}\n{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr:?}");
    let line = lines[0].to_owned();
    assert!(
        line.contains("DATABASE_URL") && line.contains(what),
        "one line naming DATABASE_URL ({what}): {stderr:?}"
    );
    assert!(
        !stderr.contains(secret),
        "the URL's password is not printed: {stderr:?}"
    );
    line
}

#[test]
fn percent_encoding_covers_what_a_url_reserves() {
    assert_eq!(percent_encode(TRICKY_PASSWORD), "p%40ss%2Fw%25rd%3A1");
}
