//! One Apache Kafka 4.x node in KRaft mode (broker and controller in one JVM) from the Maven
//! Central jars that `.ci/kafka-lib` caches, on two free 127.0.0.1 ports, its log dirs formatted
//! with a fresh cluster id; ready once Kafka's own `ClusterTool` reads that cluster id back over
//! the client port (a metadata request). Clients are Kafka's console tools on the same jars, one
//! short JVM each (about a second): fine for a handful of records, not for load
//! (`console.rs`: their text formats).

use std::ffi::OsString;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::process::{Launch, Server};

mod console;
pub use console::{Outgoing, Record};

/// The version `.ci/kafka-lib` fetches by default; its cache dir is where tests look first.
const VERSION: &str = "4.1.1";
const START_TIMEOUT: Duration = Duration::from_secs(120);
const TOOL_TIMEOUT: Duration = Duration::from_secs(120);
/// A small heap and C1 only: a test broker starts fast on two shared cores and moves little data.
const BROKER_JVM: [&str; 6] = [
    "-Xms64m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
];
const TOOL_JVM: [&str; 5] = [
    "-Xmx128m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
];
/// A running Kafka node; dropping it stops it and removes its logs.
#[derive(Debug)]
pub struct Kafka {
    server: Server,
    port: u16,
    cluster_id: String,
    java: PathBuf,
    lib: PathBuf,
    _dir: tempfile::TempDir,
}

impl Kafka {
    /// A node for this test alone (for tests that stop or restart the broker); `None` (skipped)
    /// when Java or the Kafka jars are missing.
    pub fn start() -> Option<Self> {
        let (java, lib) = programs()?;
        Some(Self::start_with(java, lib))
    }

    /// The node this test process shares (starting one costs 5 to 20 s): give each test its own
    /// topics and groups (`super::unique_name`). Never stopped by a test.
    pub fn shared() -> Option<&'static Self> {
        static SHARED: OnceLock<Kafka> = OnceLock::new();
        let (java, lib) = programs()?;
        Some(SHARED.get_or_init(|| Self::start_with(java, lib)))
    }

    fn start_with(java: PathBuf, lib: PathBuf) -> Self {
        let since = Instant::now();
        let dir = super::instance_dir("kafka");
        let config = dir.path().join("server.properties");
        let classpath = classpath(&lib);
        let tool = |args: &[&str]| {
            let mut cmd = Command::new(&java);
            cmd.args(TOOL_JVM).arg("-cp").arg(&classpath).args(args);
            let out = super::run(&mut cmd, None, TOOL_TIMEOUT);
            assert!(
                out.status.success(),
                "kafka {args:?} failed:\n{}",
                text(&out)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        let cluster_id = new_cluster_id();
        write_config(&config, dir.path(), super::free_port(), super::free_port());
        tool(&[
            "kafka.tools.StorageTool",
            "format",
            "-t",
            &cluster_id,
            "-c",
            &path_str(&config),
        ]);
        let log = dir.path().join("kafka.log");
        let (server, port) = super::start_on_free_ports("Kafka", || {
            let (port, controller) = (super::free_port(), super::free_port());
            write_config(&config, dir.path(), port, controller);
            let mut args: Vec<OsString> = BROKER_JVM.map(Into::into).into();
            args.extend([
                "-cp".into(),
                classpath.clone(),
                "kafka.Kafka".into(),
                config.clone().into(),
            ]);
            let launch = Launch {
                name: "Kafka",
                program: java.clone(),
                args,
                env: Vec::new(),
                graceful: "TERM",
                quick: "KILL",
            };
            let mut server = Server::start(launch, dir.path(), log.clone());
            wait_ready(&mut server, &java, &lib, port, &cluster_id)?;
            Ok((server, port))
        });
        super::started("Kafka", port, since);
        Self {
            server,
            port,
            cluster_id,
            java,
            lib,
            _dir: dir,
        }
    }

    /// `127.0.0.1:PORT`, for `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn create_topic(&self, name: &str, partitions: u32) {
        let partitions = partitions.to_string();
        self.cli(
            "org.apache.kafka.tools.TopicCommand",
            &[
                "--create",
                "--topic",
                name,
                "--partitions",
                &partitions,
                "--replication-factor",
                "1",
            ],
        );
    }

    /// The topics, internal ones (`__consumer_offsets`) included, sorted.
    pub fn topics(&self) -> Vec<String> {
        let out = self.cli("org.apache.kafka.tools.TopicCommand", &["--list"]);
        let mut topics: Vec<String> = out.lines().map(str::to_owned).collect();
        topics.sort();
        topics
    }

    /// Writes one record (acks=all) and returns once the broker has it.
    pub fn produce(&self, topic: &str, key: Option<&str>, value: &str, headers: &[(&str, &str)]) {
        self.produce_all(
            topic,
            &[Outgoing {
                key,
                value,
                headers,
            }],
        );
    }

    /// Writes `records` in order with one producer.
    pub fn produce_all(&self, topic: &str, records: &[Outgoing<'_>]) {
        let args = console::producer_args(topic);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let input = console::producer_input(records);
        let out = self.tool(
            "org.apache.kafka.tools.ConsoleProducer",
            &args,
            Some(&input),
        );
        assert!(
            out.status.success(),
            "producing to {topic} failed:\n{}",
            text(&out)
        );
    }

    /// Reads up to `n` records of `topic` as consumer group `group` (from the earliest offset
    /// when the group has none, committed as it goes), waiting at most `idle` for the next one;
    /// fewer than `n` when no more came in time.
    pub fn consume(&self, topic: &str, group: &str, n: usize, idle: Duration) -> Vec<Record> {
        let args = console::consumer_args(topic, group, n, idle);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.tool(
            "org.apache.kafka.tools.consumer.ConsoleConsumer",
            &args,
            None,
        );
        // Running out of time before `n` records is an exit with a TimeoutException.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || stderr.contains("TimeoutException"),
            "consuming {topic} failed:\n{}",
            text(&out)
        );
        console::parse_records(&String::from_utf8_lossy(&out.stdout))
    }

    /// Runs a Kafka command-line class against this node (`--bootstrap-server` is added) and
    /// returns its stdout, failing the test when it fails.
    pub fn cli(&self, class: &str, args: &[&str]) -> String {
        let out = self.tool(class, args, None);
        assert!(
            out.status.success(),
            "{class} {args:?} failed:\n{}",
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn tool(&self, class: &str, args: &[&str], input: Option<&str>) -> Output {
        let mut cmd = Command::new(&self.java);
        cmd.args(TOOL_JVM)
            .arg("-cp")
            .arg(classpath(&self.lib))
            .arg(class)
            .args(["--bootstrap-server", &self.bootstrap()])
            .args(args);
        super::run(&mut cmd, input, TOOL_TIMEOUT)
    }

    /// Stops the broker (a controlled shutdown); its logs and ports stay.
    pub fn stop(&mut self) {
        self.server.stop();
    }

    /// Starts the broker again, stopping it first if it runs: same ports, same logs.
    pub fn restart(&mut self) {
        let (java, lib, port, id) = (&self.java, &self.lib, self.port, &self.cluster_id);
        self.server
            .restart(port, |server| wait_ready(server, java, lib, port, id));
    }
}

/// A cluster id no other node on this machine has: 22 base64url characters (16 bytes, as
/// `StorageTool random-uuid` makes, without a JVM start), the last one `A` so the bits past the
/// 16th byte are zero.
fn new_cluster_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) % 1_000_000;
    format!("msaforge{:07}{n:06}A", std::process::id() % 10_000_000)
}

fn write_config(config: &Path, dir: &Path, port: u16, controller: u16) {
    let logs = dir.join("logs");
    let text = format!(
        "process.roles=broker,controller\n\
         node.id=1\n\
         controller.quorum.voters=1@127.0.0.1:{controller}\n\
         listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}\n\
         advertised.listeners=PLAINTEXT://127.0.0.1:{port}\n\
         controller.listener.names=CONTROLLER\n\
         inter.broker.listener.name=PLAINTEXT\n\
         listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n\
         log.dirs={}\n\
         offsets.topic.replication.factor=1\n\
         offsets.topic.num.partitions=1\n\
         transaction.state.log.replication.factor=1\n\
         transaction.state.log.min.isr=1\n\
         transaction.state.log.num.partitions=1\n\
         share.coordinator.state.topic.replication.factor=1\n\
         share.coordinator.state.topic.min.isr=1\n\
         share.coordinator.state.topic.num.partitions=1\n\
         group.initial.rebalance.delay.ms=0\n\
         num.network.threads=2\n\
         num.io.threads=2\n\
         background.threads=2\n\
         log.cleaner.dedupe.buffer.size=8388608\n",
        logs.display()
    );
    std::fs::write(config, text).expect("write server.properties");
}

/// Ready when the client port takes connections and a metadata request returns this node's
/// cluster id (not some other broker that happens to be on the port).
fn wait_ready(
    server: &mut Server,
    java: &Path,
    lib: &Path,
    port: u16,
    cluster_id: &str,
) -> Result<(), String> {
    let addr = format!("127.0.0.1:{port}");
    let socket = addr.parse().expect("a socket address");
    super::wait_until(
        "Kafka to answer a metadata request",
        START_TIMEOUT,
        || server.alive(),
        || {
            TcpStream::connect_timeout(&socket, Duration::from_millis(200)).ok()?;
            let mut cmd = Command::new(java);
            cmd.args(TOOL_JVM).arg("-cp").arg(classpath(lib)).args([
                "org.apache.kafka.tools.ClusterTool",
                "cluster-id",
                "--bootstrap-server",
                &addr,
            ]);
            let out = super::run(&mut cmd, None, TOOL_TIMEOUT);
            String::from_utf8_lossy(&out.stdout)
                .contains(&format!("Cluster ID: {cluster_id}"))
                .then_some(())
        },
    )
}

fn classpath(lib: &Path) -> OsString {
    lib.join("*").into_os_string()
}

fn path_str(path: &Path) -> String {
    path.to_str().expect("a UTF-8 temp path").to_owned()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `java` (from `JAVA_HOME` or `PATH`) and the jar directory: `MSAFORGE_KAFKA_LIB`, else the
/// cache `.ci/kafka-lib` fills.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let install = "run `bash .ci/kafka-lib` (Maven Central) or set MSAFORGE_KAFKA_LIB; Java 17+";
    let java = std::env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin/java"))
        .filter(|p| p.is_file())
        .or_else(|| super::find_program("java", &[]));
    let lib = match std::env::var_os("MSAFORGE_KAFKA_LIB") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                has_jars(&dir),
                "MSAFORGE_KAFKA_LIB={} lacks the Kafka jars",
                dir.display()
            );
            Some(dir)
        }
        // `.ci/kafka-lib` writes `.complete` once every jar is there.
        None => Some(default_lib()).filter(|dir| dir.join(".complete").is_file() && has_jars(dir)),
    };
    match (java, lib) {
        (Some(java), Some(lib)) => Some((java, lib)),
        (None, _) => super::missing("Java (for Kafka)", install),
        (_, None) => super::missing(&format!("the Kafka {VERSION} jars"), install),
    }
}

/// `${XDG_CACHE_HOME:-$HOME/.cache}/msaforge/kafka-<VERSION>/lib`, as in `.ci/kafka-lib`.
fn default_lib() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache"),
        PathBuf::from,
    );
    cache.join(format!("msaforge/kafka-{VERSION}/lib"))
}

/// Whether `dir` has the broker and the tools.
fn has_jars(dir: &Path) -> bool {
    let has = |prefix: &str| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(prefix) && name.ends_with(".jar")
            })
    };
    has("kafka_2.13-") && has("kafka-tools-")
}
