//! What the PostgreSQL and MariaDB helpers share: a server with the superuser `msaforge`
//! (password `msaforge`) on a free port, databases made for tests, SQL through the server's own
//! command-line client, ready once that client reads back this server's data directory (not some
//! other server's on the port), and stop and restart on the same port and data.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

pub const USER: &str = "msaforge";
pub const PASSWORD: &str = "msaforge";
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// One kind of SQL server.
pub trait Engine: std::fmt::Debug {
    const NAME: &'static str;
    /// The URL scheme (`postgres`, `mysql`).
    const SCHEME: &'static str;
    /// A database that always exists, to create others from.
    const ADMIN_DB: &'static str;
    /// `CREATE DATABASE` with the engine's quoting.
    fn create_database(name: &str) -> String;
    /// A query that returns the data directory, and its answer for `data`.
    fn whoami(data: &Path) -> (&'static str, String);
    /// Runs `sql` in `db` with the engine's client: the rows, or the client's error message.
    fn client(&self, port: u16, db: &str, sql: &str) -> Result<String, String>;
}

/// A running database server (`Postgres`, `Mariadb`); dropping it stops it and removes its data.
#[derive(Debug)]
pub struct Database<E: Engine> {
    server: Server,
    port: u16,
    data: PathBuf,
    engine: E,
    // Dropped after `server` (fields drop in order): the data goes once the server has stopped.
    _dir: tempfile::TempDir,
}

impl<E: Engine> Database<E> {
    /// Starts `launch(port)` on a free port with its data in `data` under `dir`, and waits
    /// until it is ready; `since` is when the set-up (initdb, ...) began.
    pub(super) fn start_server(
        engine: E,
        dir: tempfile::TempDir,
        data: PathBuf,
        launch: impl Fn(u16) -> Launch,
        since: Instant,
    ) -> Self {
        let log = dir.path().join(format!("{}.log", E::NAME.to_lowercase()));
        let (server, port) = super::start_on_free_ports(E::NAME, || {
            let port = super::free_port();
            let mut server = Server::start(launch(port), dir.path(), log.clone());
            wait_ready(&mut server, &engine, port, &data)?;
            Ok((server, port))
        });
        super::started(E::NAME, port, since);
        Self {
            server,
            port,
            data,
            engine,
            _dir: dir,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `<scheme>://msaforge:msaforge@127.0.0.1:PORT/<db>` (a user with every privilege).
    pub fn url(&self, db: &str) -> String {
        format!(
            "{}://{USER}:{PASSWORD}@127.0.0.1:{}/{db}",
            E::SCHEME,
            self.port
        )
    }

    /// Creates the database `name` (letters, digits and `_`).
    pub fn create_database(&self, name: &str) {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{name:?}: use letters, digits and `_` for a database name"
        );
        self.sql(E::ADMIN_DB, &E::create_database(name));
    }

    /// Creates a database with a name no other test uses (on a shared server) and returns it.
    pub fn fresh_database(&self, prefix: &str) -> String {
        let name = super::unique_name(prefix);
        self.create_database(&name);
        name
    }

    /// Runs `sql` (one or more statements) in `db` with the server's client over TCP, failing
    /// the test on an error; the rows of every query, one per line (columns: `|` for psql, tab
    /// for mariadb).
    pub fn sql(&self, db: &str, sql: &str) -> String {
        self.try_sql(db, sql)
            .unwrap_or_else(|e| panic!("{} in {db} failed on {sql:?}:\n{e}", E::NAME))
    }

    /// `sql`, with an error (connection refused, a failed statement) as `Err(the client's message)`.
    pub fn try_sql(&self, db: &str, sql: &str) -> Result<String, String> {
        self.engine.client(self.port, db, sql)
    }

    /// Stops the server (clients are disconnected); the data and port stay.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the server again, stopping it first if it runs: same port, same data.
    pub fn restart(&mut self) {
        let (engine, port, data) = (&self.engine, self.port, &self.data);
        self.server
            .restart(port, |server| wait_ready(server, engine, port, data));
    }

    /// The server's data directory (PostgreSQL's `postmaster.pid` is there while it runs).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }
}

fn wait_ready<E: Engine>(
    server: &mut Server,
    engine: &E,
    port: u16,
    data: &Path,
) -> Result<(), String> {
    let (query, want) = E::whoami(data);
    super::wait_until(
        &format!("{} to answer a query", E::NAME),
        START_TIMEOUT,
        || server.alive(),
        || (engine.client(port, E::ADMIN_DB, query).as_deref() == Ok(want.as_str())).then_some(()),
    )
}
