//! A PostgreSQL cluster of its own (Debian's server binaries): `initdb` in a temp dir, `postgres`
//! on a free 127.0.0.1 port with password (SCRAM) authentication, SQL through `psql`. As root,
//! both run as the `postgres` user (`setpriv`) on a dir handed to that user. `fsync=off`: the
//! data survives a stop or a killed server, not a machine crash, which no test makes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::database::{Database, Engine, PASSWORD, USER};
use super::process::Launch;

const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// A running PostgreSQL cluster (the methods are `Database`'s); dropping it stops it and
/// removes its data.
pub type Postgres = Database<Pg>;

/// PostgreSQL's binaries.
#[derive(Debug)]
pub struct Pg {
    bin: PathBuf,
}

impl Engine for Pg {
    const NAME: &'static str = "PostgreSQL";
    const SCHEME: &'static str = "postgres";
    const ADMIN_DB: &'static str = "postgres";

    fn create_database(name: &str) -> String {
        format!("CREATE DATABASE \"{name}\"")
    }

    fn whoami(data: &Path) -> (&'static str, String) {
        let query = "SELECT current_setting('data_directory')";
        (query, data.display().to_string())
    }

    fn client(&self, port: u16, db: &str, sql: &str) -> Result<String, String> {
        psql(&self.bin, port, db, sql)
    }
}

impl Database<Pg> {
    /// A cluster for this test alone (for tests that stop or restart it); `None` (skipped) when
    /// PostgreSQL is not installed.
    pub fn start() -> Option<Self> {
        Some(start_with(bin_dir()?))
    }

    /// The cluster this test process shares: take a database of its own with `fresh_database`.
    /// Never stopped by a test; it goes when the process exits.
    pub fn shared() -> Option<&'static Self> {
        static SHARED: OnceLock<Postgres> = OnceLock::new();
        let bin = bin_dir()?;
        Some(SHARED.get_or_init(|| start_with(bin)))
    }
}

fn start_with(bin: PathBuf) -> Postgres {
    let since = Instant::now();
    let dir = super::instance_dir("postgres");
    let data = dir.path().join("data");
    let owner = run_as();
    let pwfile = dir.path().join("password");
    std::fs::write(&pwfile, PASSWORD).expect("write the password file");
    if let Some(owner) = owner {
        super::give_to(dir.path(), owner);
    }
    let mut initdb = as_owner(owner, &bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            USER,
            "--auth=scram-sha-256",
            "--no-sync",
            "--no-locale",
        ])
        .args(["-E", "UTF8"])
        .arg(format!("--pwfile={}", pwfile.display()));
    let out = super::run(&mut initdb, None, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "initdb failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let (server_bin, sockets, data_dir) = (bin.clone(), dir.path().to_owned(), data.clone());
    let launch_on = move |port| launch(owner, &server_bin, &data_dir, &sockets, port);
    Database::start_server(Pg { bin }, dir, data, launch_on, since)
}

fn psql(bin: &Path, port: u16, db: &str, sql: &str) -> Result<String, String> {
    let mut cmd = Command::new(bin.join("psql"));
    cmd.args([
        "-X",
        "-A",
        "-t",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
    ])
    .args(["-p", &port.to_string(), "-U", USER, "-d", db, "-f", "-"])
    .env("PGPASSWORD", PASSWORD)
    .env("PGCONNECT_TIMEOUT", "5");
    let out = super::run(&mut cmd, Some(sql), CLIENT_TIMEOUT);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn launch(owner: Option<(u32, u32)>, bin: &Path, data: &Path, dir: &Path, port: u16) -> Launch {
    let server = bin.join("postgres");
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    let program = match owner {
        Some(owner) => {
            args.extend(setpriv_args(owner).into_iter().map(Into::into));
            args.push(server.into());
            PathBuf::from("setpriv")
        }
        None => server,
    };
    args.extend(["-D".into(), data.into(), "-k".into(), dir.into()]);
    for setting in [
        format!("port={port}"),
        "listen_addresses=127.0.0.1".to_owned(),
        "fsync=off".to_owned(),
        "max_connections=200".to_owned(),
    ] {
        args.extend(["-c".into(), setting.into()]);
    }
    Launch {
        name: "PostgreSQL",
        program,
        args,
        env: Vec::new(),
        graceful: "INT",
        quick: "QUIT",
    }
}

/// As root, the user the cluster runs as: `postgres` (Debian's package creates it) or `nobody`.
fn run_as() -> Option<(u32, u32)> {
    if !super::is_root() {
        return None;
    }
    let user = super::system_user("postgres").or_else(|| super::system_user("nobody"));
    Some(user.expect("a `postgres` or `nobody` user to run PostgreSQL as (it refuses root)"))
}

fn setpriv_args((uid, gid): (u32, u32)) -> Vec<String> {
    vec![
        format!("--reuid={uid}"),
        format!("--regid={gid}"),
        "--clear-groups".to_owned(),
    ]
}

fn as_owner(owner: Option<(u32, u32)>, program: &Path) -> Command {
    match owner {
        Some(owner) => {
            let mut cmd = Command::new("setpriv");
            cmd.args(setpriv_args(owner)).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// `MSAFORGE_PG_BIN`, else the newest `/usr/lib/postgresql/<major>/bin` (Debian), else the
/// directory of `initdb` on `PATH`.
fn bin_dir() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["initdb", "postgres", "psql"]
            .iter()
            .all(|p| dir.join(p).is_file())
    };
    if let Some(dir) = std::env::var_os("MSAFORGE_PG_BIN") {
        let dir = PathBuf::from(dir);
        assert!(
            complete(&dir),
            "MSAFORGE_PG_BIN={} lacks initdb, postgres or psql",
            dir.display()
        );
        return Some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, dir)| complete(dir))
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    let on_path = super::find_program("initdb", &[])
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .filter(|dir| complete(dir));
    on_path.or_else(|| {
        super::missing(
            "PostgreSQL (initdb, postgres, psql)",
            "Debian: apt-get install postgresql; or set MSAFORGE_PG_BIN",
        )
    })
}
