//! A PostgreSQL cluster of its own (Debian's server binaries): `initdb` in a temp dir, `postgres`
//! on a free 127.0.0.1 port with password (SCRAM) authentication, ready once `psql` reads back
//! this cluster's data directory. As root, both run as the `postgres` user (`setpriv`) on a dir
//! handed to that user. `fsync=off`: the data survives a stop or a killed server, not a machine
//! crash, which no test makes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

const USER: &str = "msaforge";
const PASSWORD: &str = "msaforge";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// A running PostgreSQL cluster; dropping it stops it and removes its data.
#[derive(Debug)]
pub struct Postgres {
    server: Server,
    port: u16,
    bin: PathBuf,
    data: PathBuf,
    // Dropped after `server` (fields drop in order): the data goes once the server has stopped.
    _dir: tempfile::TempDir,
}

impl Postgres {
    /// A cluster for this test alone (for tests that stop or restart it); `None` (skipped) when
    /// PostgreSQL is not installed.
    pub fn start() -> Option<Self> {
        Some(Self::start_with(bin_dir()?))
    }

    /// The cluster this test process shares: take a database of its own with `fresh_database`.
    /// Never stopped by a test; it goes when the process exits.
    pub fn shared() -> Option<&'static Self> {
        static SHARED: OnceLock<Postgres> = OnceLock::new();
        let bin = bin_dir()?;
        Some(SHARED.get_or_init(|| Self::start_with(bin)))
    }

    fn start_with(bin: PathBuf) -> Self {
        let since = Instant::now();
        let dir = super::instance_dir("postgres");
        let data = dir.path().join("data");
        let owner = run_as();
        if let Some(owner) = owner {
            super::give_to(dir.path(), owner);
        }
        let pwfile = dir.path().join("password");
        std::fs::write(&pwfile, PASSWORD).expect("write the password file");
        if let Some(owner) = owner {
            super::give_to(&pwfile, owner);
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
        let out = super::run(&mut initdb, None, START_TIMEOUT);
        assert!(
            out.status.success(),
            "initdb failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let log = dir.path().join("postgres.log");
        let (server, port) = super::start_on_free_ports("PostgreSQL", || {
            let port = super::free_port();
            let launch = launch(owner, &bin, &data, dir.path(), port);
            let mut server = Server::start(launch, dir.path(), log.clone());
            wait_ready(&mut server, &bin, port, &data)?;
            Ok((server, port))
        });
        super::started("PostgreSQL", port, since);
        Self {
            server,
            port,
            bin,
            data,
            _dir: dir,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://msaforge:msaforge@127.0.0.1:PORT/<db>` (the user is a superuser).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    pub fn create_database(&self, name: &str) {
        assert_identifier(name);
        self.sql("postgres", &format!("CREATE DATABASE \"{name}\""));
    }

    /// Creates a database with a name no other test uses (on the shared cluster) and returns it.
    pub fn fresh_database(&self, prefix: &str) -> String {
        let name = super::unique_name(prefix);
        self.create_database(&name);
        name
    }

    /// Runs `sql` (one or more statements) in `db` with `psql`, failing the test on an error;
    /// the rows of every query, `|` between columns, one per line.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        self.try_sql(db, sql)
            .unwrap_or_else(|e| panic!("psql in {db} failed on {sql:?}:\n{e}"))
    }

    /// `sql`, with an error (connection refused, a failed statement) as `Err(psql's message)`.
    pub fn try_sql(&self, db: &str, sql: &str) -> Result<String, String> {
        psql(&self.bin, self.port, db, sql)
    }

    /// Stops the server (fast shutdown: clients are disconnected); the data and port stay.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the server again, stopping it first if it runs: same port, same data.
    pub fn restart(&mut self) {
        self.server.stop();
        let since = Instant::now();
        self.server.spawn();
        if let Err(log) = wait_ready(&mut self.server, &self.bin, self.port, &self.data) {
            panic!(
                "PostgreSQL did not start again on port {}:\n{log}",
                self.port
            );
        }
        super::started("PostgreSQL (restarted)", self.port, since);
    }

    /// The cluster's data directory (`postmaster.pid` is there while it runs).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }
}

fn wait_ready(server: &mut Server, bin: &Path, port: u16, data: &Path) -> Result<(), String> {
    let data = data.to_string_lossy();
    super::wait_until(
        "PostgreSQL to answer a query",
        START_TIMEOUT,
        || server.alive(),
        || {
            let out = psql(
                bin,
                port,
                "postgres",
                "SELECT current_setting('data_directory')",
            );
            (out.as_deref().map(str::trim) == Ok(&*data)).then_some(())
        },
    )
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
        name: "postgres",
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

/// Database names are interpolated into SQL: keep them plain.
fn assert_identifier(name: &str) {
    assert!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "{name:?}: use letters, digits and `_` for a database name"
    );
}
