//! A MariaDB server of its own (Debian's `mariadb-server`; what the `mysql` store runs against in
//! the tests): `mariadb-install-db` on a temp datadir, `mariadbd --no-defaults` on a free
//! 127.0.0.1 port (never the system service or /etc/mysql), with a password user that an init
//! file (re)creates at every start, ready once that user reads back this server's datadir over
//! TCP. As root, the server runs as the `mysql` user on a dir handed to it (else `--user=root`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

const USER: &str = "msaforge";
const PASSWORD: &str = "msaforge";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// Small InnoDB files and buffers: a test database holds a few rows.
const INNODB: [&str; 2] = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M"];

/// A running MariaDB server; dropping it stops it and removes its data.
#[derive(Debug)]
pub struct Mariadb {
    server: Server,
    port: u16,
    client: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

struct Programs {
    server: PathBuf,
    install: PathBuf,
    client: PathBuf,
}

impl Mariadb {
    /// A server for this test alone; `None` (skipped) when MariaDB is not installed.
    pub fn start() -> Option<Self> {
        Some(Self::start_with(programs()?))
    }

    /// The server this test process shares: take a database of its own with `fresh_database`.
    pub fn shared() -> Option<&'static Self> {
        static SHARED: OnceLock<Mariadb> = OnceLock::new();
        let programs = programs()?;
        Some(SHARED.get_or_init(|| Self::start_with(programs)))
    }

    fn start_with(programs: Programs) -> Self {
        let since = Instant::now();
        let dir = super::instance_dir("mariadb");
        let data = dir.path().join("data");
        // A tmpdir of its own: bootstraps running at once in /tmp clash on temporary table names.
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).expect("create the tmpdir");
        let user = run_as();
        if let Some((_, owner)) = &user {
            super::give_to(dir.path(), *owner);
        }
        let mut install = Command::new(&programs.install);
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--tmpdir={}", tmp.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .arg("--skip-name-resolve")
            .args(INNODB);
        if let Some((name, _)) = &user {
            install.arg(format!("--user={name}"));
        }
        let out = super::run(&mut install, None, START_TIMEOUT);
        assert!(
            out.status.success(),
            "mariadb-install-db failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let init = dir.path().join("init.sql");
        std::fs::write(
            &init,
            format!(
                "CREATE USER IF NOT EXISTS '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';\n\
                 GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%' WITH GRANT OPTION;\n"
            ),
        )
        .expect("write the init file");
        let log = dir.path().join("mariadb.log");
        let (server, port) = super::start_on_free_ports("MariaDB", || {
            let port = super::free_port();
            let launch = Launch {
                name: "mariadb",
                program: programs.server.clone(),
                args: server_args(&data, dir.path(), &init, port, user.as_ref().map(|u| u.0)),
                env: Vec::new(),
                graceful: "TERM",
                quick: "KILL",
            };
            let mut server = Server::start(launch, dir.path(), log.clone());
            wait_ready(&mut server, &programs.client, port, &data)?;
            Ok((server, port))
        });
        super::started("MariaDB", port, since);
        Self {
            server,
            port,
            client: programs.client,
            data,
            _dir: dir,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `mysql://msaforge:msaforge@127.0.0.1:PORT/<db>` (the user has every privilege).
    pub fn url(&self, db: &str) -> String {
        format!("mysql://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    pub fn create_database(&self, name: &str) {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{name:?}: use letters, digits and `_` for a database name"
        );
        self.sql("mysql", &format!("CREATE DATABASE `{name}`"));
    }

    /// Creates a database with a name no other test uses (on the shared server) and returns it.
    pub fn fresh_database(&self, prefix: &str) -> String {
        let name = super::unique_name(prefix);
        self.create_database(&name);
        name
    }

    /// Runs `sql` (one or more statements) in `db` with the `mariadb` client over TCP, failing
    /// the test on an error; the rows of every query, tab between columns, one per line.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        self.try_sql(db, sql)
            .unwrap_or_else(|e| panic!("mariadb in {db} failed on {sql:?}:\n{e}"))
    }

    /// `sql`, with an error (connection refused, a failed statement) as `Err(the client's message)`.
    pub fn try_sql(&self, db: &str, sql: &str) -> Result<String, String> {
        client(&self.client, self.port, db, sql)
    }

    /// Stops the server (a normal shutdown); the data and port stay.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the server again, stopping it first if it runs: same port, same data.
    pub fn restart(&mut self) {
        self.server.stop();
        let since = Instant::now();
        self.server.spawn();
        if let Err(log) = wait_ready(&mut self.server, &self.client, self.port, &self.data) {
            panic!("MariaDB did not start again on port {}:\n{log}", self.port);
        }
        super::started("MariaDB (restarted)", self.port, since);
    }
}

fn server_args(
    data: &Path,
    dir: &Path,
    init: &Path,
    port: u16,
    user: Option<&str>,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "--no-defaults".into(),
        format!("--datadir={}", data.display()).into(),
        format!("--tmpdir={}", dir.join("tmp").display()).into(),
        format!("--socket={}", dir.join("mariadbd.sock").display()).into(),
        format!("--pid-file={}", dir.join("mariadbd.pid").display()).into(),
        format!("--init-file={}", init.display()).into(),
        format!("--port={port}").into(),
        "--bind-address=127.0.0.1".into(),
        "--skip-name-resolve".into(),
        "--character-set-server=utf8mb4".into(),
        "--collation-server=utf8mb4_unicode_ci".into(),
        "--max-connections=200".into(),
    ];
    args.extend(INNODB.map(Into::into));
    if let Some(user) = user {
        args.push(format!("--user={user}").into());
    }
    args
}

fn wait_ready(
    server: &mut Server,
    client_bin: &Path,
    port: u16,
    data: &Path,
) -> Result<(), String> {
    // MariaDB reports its datadir with a trailing slash.
    let want = format!("{}/", data.display());
    super::wait_until(
        "MariaDB to answer a query",
        START_TIMEOUT,
        || server.alive(),
        || {
            let got = client(client_bin, port, "mysql", "SELECT @@datadir");
            (got.as_deref() == Ok(want.as_str())).then_some(())
        },
    )
}

fn client(program: &Path, port: u16, db: &str, sql: &str) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1"])
        .args([
            "-P",
            &port.to_string(),
            "-u",
            USER,
            "--connect-timeout=5",
            "-N",
            "-B",
            db,
        ])
        .env("MYSQL_PWD", PASSWORD);
    let out = super::run(&mut cmd, Some(sql), CLIENT_TIMEOUT);
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// As root: the user `mariadbd` switches to (`mysql` when it exists, else `root`) and the owner
/// of the instance dir.
fn run_as() -> Option<(&'static str, (u32, u32))> {
    if !super::is_root() {
        return None;
    }
    Some(super::system_user("mysql").map_or(("root", (0, 0)), |owner| ("mysql", owner)))
}

fn programs() -> Option<Programs> {
    let sbin = ["/usr/sbin", "/usr/libexec", "/usr/local/sbin"];
    let server =
        super::find_program("mariadbd", &sbin).or_else(|| super::find_program("mysqld", &sbin));
    let install = super::find_program("mariadb-install-db", &sbin)
        .or_else(|| super::find_program("mysql_install_db", &sbin));
    let client = super::find_program("mariadb", &[]).or_else(|| super::find_program("mysql", &[]));
    match (server, install, client) {
        (Some(server), Some(install), Some(client)) => Some(Programs {
            server,
            install,
            client,
        }),
        _ => super::missing(
            "MariaDB (mariadbd, mariadb-install-db, mariadb)",
            "Debian: apt-get install mariadb-server",
        ),
    }
}
