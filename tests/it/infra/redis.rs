//! Redis from Debian's `redis-server`: a server of its own on a free 127.0.0.1 port, its
//! working dir in a temp dir, no persistence (`--save ""`, no append-only file), never the
//! system service or /etc/redis; ready once it answers `PING` with `+PONG` over its protocol.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

const START_TIMEOUT: Duration = Duration::from_secs(30);
const INSTALL: &str = "Debian: apt-get install redis-server";

/// A running (or stopped, restartable) Redis; dropping it stops it and removes its dir.
#[derive(Debug)]
pub struct Redis {
    server: Server,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Redis {
    /// A server for this test alone; `None` (skipped) when Redis is not installed.
    pub fn start() -> Option<Self> {
        let program = super::find_program("redis-server", &["/usr/bin", "/usr/sbin"])
            .or_else(|| super::missing("redis-server", INSTALL))?;
        let since = Instant::now();
        let tmp = super::instance_dir("redis");
        let dir = tmp.path().to_owned();
        let log = dir.join("redis.log");
        let (server, port) = super::start_on_free_ports("Redis", || {
            let port = super::free_port();
            let launch = Launch {
                name: "Redis",
                program: program.clone(),
                args: vec![
                    "--bind".into(),
                    "127.0.0.1".into(),
                    "--port".into(),
                    port.to_string().into(),
                    "--dir".into(),
                    dir.clone().into(),
                    "--save".into(),
                    "".into(),
                    "--appendonly".into(),
                    "no".into(),
                    "--daemonize".into(),
                    "no".into(),
                ],
                env: Vec::new(),
                graceful: "TERM",
                quick: "KILL",
            };
            let mut server = Server::start(launch, &dir, log.clone());
            wait_ready(&mut server, port)?;
            Ok((server, port))
        });
        super::started("Redis", port, since);
        Some(Self {
            server,
            port,
            _dir: tmp,
        })
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server; the port stays its own.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the server again on the same port, stopping it first if it runs.
    pub fn restart(&mut self) {
        let port = self.port;
        self.server.restart(port, |server| wait_ready(server, port));
    }
}

fn wait_ready(server: &mut Server, port: u16) -> Result<(), String> {
    super::wait_until(
        "Redis to answer PING",
        START_TIMEOUT,
        || server.alive(),
        || ping(port).then_some(()),
    )
}

/// Whether the server on `port` answers `PING` with `+PONG`.
fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}
