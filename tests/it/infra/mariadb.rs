//! A MariaDB server of its own (Debian's `mariadb-server`; what the `mysql` store runs against in
//! the tests): `mariadb-install-db` on a temp datadir, `mariadbd --no-defaults` on a free
//! 127.0.0.1 port (never the system service or /etc/mysql), with a password user that an init
//! file (re)creates at every start, SQL through the `mariadb` client over TCP. As root, the
//! server runs as the `mysql` user on a dir handed to it (else `--user=root`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::database::{Database, Engine, PASSWORD, USER};
use super::process::Launch;

const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);
/// Small InnoDB files and buffers: a test database holds a few rows.
const INNODB: [&str; 2] = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M"];

/// A running MariaDB server (the methods are `Database`'s); dropping it stops it and removes
/// its data.
pub type Mariadb = Database<Maria>;

/// MariaDB's client.
#[derive(Debug)]
pub struct Maria {
    client: PathBuf,
}

impl Engine for Maria {
    const NAME: &'static str = "MariaDB";
    const SCHEME: &'static str = "mysql";
    const ADMIN_DB: &'static str = "mysql";

    fn create_database(name: &str) -> String {
        format!("CREATE DATABASE `{name}`")
    }

    fn whoami(data: &Path) -> (&'static str, String) {
        // MariaDB reports its datadir with a trailing slash.
        ("SELECT @@datadir", format!("{}/", data.display()))
    }

    fn client(&self, port: u16, db: &str, sql: &str) -> Result<String, String> {
        client(&self.client, port, db, sql)
    }
}

struct Programs {
    server: PathBuf,
    install: PathBuf,
    client: PathBuf,
}

impl Database<Maria> {
    /// A server for this test alone (for tests that stop or restart it); `None` (skipped) when
    /// MariaDB is not installed.
    pub fn start() -> Option<Self> {
        Some(start_with(programs()?))
    }

    /// The server this test process shares: take a database of its own with `fresh_database`.
    /// Never stopped by a test; it goes when the process exits.
    pub fn shared() -> Option<&'static Self> {
        static SHARED: OnceLock<Mariadb> = OnceLock::new();
        let programs = programs()?;
        Some(SHARED.get_or_init(|| start_with(programs)))
    }
}

fn start_with(programs: Programs) -> Mariadb {
    let Programs {
        server,
        install,
        client,
    } = programs;
    let since = Instant::now();
    let dir = super::instance_dir("mariadb");
    let data = dir.path().join("data");
    // A tmpdir of its own: bootstraps running at once in /tmp clash on temporary table names.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).expect("create the tmpdir");
    let init = dir.path().join("init.sql");
    std::fs::write(
        &init,
        format!(
            "CREATE USER IF NOT EXISTS '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';\n\
             GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%' WITH GRANT OPTION;\n"
        ),
    )
    .expect("write the init file");
    let user = run_as();
    if let Some((_, owner)) = &user {
        super::give_to(dir.path(), *owner);
    }
    let mut cmd = Command::new(&install);
    cmd.arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--tmpdir={}", tmp.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .arg("--skip-name-resolve")
        .args(INNODB);
    if let Some((name, _)) = &user {
        cmd.arg(format!("--user={name}"));
    }
    let out = super::run(&mut cmd, None, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "mariadb-install-db failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let (instance, data_dir) = (dir.path().to_owned(), data.clone());
    let launch = move |port| Launch {
        name: "MariaDB",
        program: server.clone(),
        args: server_args(
            &data_dir,
            &instance,
            &init,
            port,
            user.as_ref().map(|u| u.0),
        ),
        env: Vec::new(),
        graceful: "TERM",
        quick: "KILL",
    };
    Database::start_server(Maria { client }, dir, data, launch, since)
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
