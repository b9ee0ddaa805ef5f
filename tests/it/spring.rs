//! The Spring Boot stack, for real: `mvn -B -q package` of every `spring-boot` service of the
//! mixed-stack example `examples/civil-petition.yaml`, and one Spring Boot service (`petitions`)
//! and one Rust service (`citizens`) started behind the real nginx against real PostgreSQL, where
//! Flyway applies the migrations, a POSTed petition (stored with the generated repository) comes
//! back from a GET that crosses from one service to the other and carries one trace id into both
//! services' logs, health and readiness answer 200, readiness 503 while the database is stopped
//! and 200 once it is back, an unimplemented operation answers 501 with a problem body, and a
//! missing `DATABASE_URL` ends the service with one line; and `petitions` stopped under
//! load without a failed request (`drain`). The two services are built once per test process
//! (`civil_petition`).
//!
//! Skipped with a message when `mvn` or `java` is not on `PATH`, unless `MSAFORGE_JAVA_REQUIRED`
//! is set (CI sets it); the end-to-end test also needs `nginx` (`MSAFORGE_E2E_REQUIRED`) and
//! PostgreSQL (`MSAFORGE_DATA_REQUIRED`).
//! Maven downloads what it needs on the first run into its local repository (`~/.m2`, or
//! `MSAFORGE_MAVEN_REPO` when set), shared by every build.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::binary::Msaforge;
use crate::drain::{self, Drain, assert_drains};
use crate::harness::{
    BUILD_TIMEOUT, GATEWAY, Processes, ROOT, assert_free, assert_not_implemented, build, generate,
    get, json, keep_binaries, kept_dir, local, nginx, ports, post_created, required_tool,
    start_gateway, tail, wait_for,
};
use crate::infra::Postgres;
use crate::service_db::{TRICKY_PASSWORD, assert_ends_naming_database_url, owned_database};

const EXAMPLE: &str = "civil-petition.yaml";
/// The example's contexts in spec order with their local ports (`stack::common::BASE_PORT` + index).
const PETITIONS: (&str, u16) = ("petitions", 18_081);
const CITIZENS: (&str, u16) = ("citizens", 18_082);
/// `tests/fixtures/e2e/PetitionsController.java`: the petitioner it looks up.
const PETITIONER: &str = "5a0d7c3e-2f41-4b8e-9d6a-1c2b3e4f5a6b";
const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";

/// `mvn` and `java`, or `None` when the test is to be skipped.
pub fn java_tools() -> Option<PathBuf> {
    const INSTALL: &str = "Debian: apt-get install default-jdk-headless maven";
    let mvn = required_tool("mvn", "MSAFORGE_JAVA_REQUIRED", INSTALL)?;
    required_tool("java", "MSAFORGE_JAVA_REQUIRED", INSTALL)?;
    Some(mvn)
}

/// `mvn -B -q package` in `project`, its output in `log`; fails with the log's tail.
pub fn package(mvn: &Path, project: &Path, log: &Path) {
    maven(mvn, "package", project, log);
}

/// `mvn -B -q compile` in `project`, its output in `log`; fails with the log's tail.
pub fn compile(mvn: &Path, project: &Path, log: &Path) {
    maven(mvn, "compile", project, log);
}

/// `mvn -B -q <goal>` in `project`, its output in `log`; fails with the log's tail. One Maven at
/// a time: Maven 3.8 does not lock its local repository, and the tests share one.
fn maven(mvn: &Path, goal: &str, project: &Path, log: &Path) {
    static MAVEN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = MAVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut cmd = Command::new(mvn);
    cmd.args(["-B", "-q", goal]).current_dir(project);
    if let Some(repo) = std::env::var_os("MSAFORGE_MAVEN_REPO") {
        let mut arg = std::ffi::OsString::from("-Dmaven.repo.local=");
        arg.push(repo);
        cmd.arg(arg);
    }
    let out = File::create(log).expect("build log");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log handle"))
        .stderr(out)
        .spawn()
        .expect("mvn runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("mvn waits") {
            break status;
        }
        if started.elapsed() > BUILD_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "mvn package of {} took over {BUILD_TIMEOUT:?}",
                project.display()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        status.success(),
        "mvn {goal} of {} failed:\n{}",
        project.display(),
        tail(log)
    );
}

/// The `spring-boot` contexts of the example, from the generated tree: a `pom.xml` per service.
fn spring_services(system: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(system.join("services"))
        .expect("services/")
        .flatten()
        .filter(|e| e.path().join("pom.xml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn every_spring_boot_service_packages() {
    let Some(mvn) = java_tools() else {
        return;
    };
    let tmp = tempfile::Builder::new()
        .prefix("msaforge-spring-")
        .tempdir()
        .expect("temp dir");
    let system = tmp.path().join("system");
    generate(EXAMPLE, &system);
    let services = spring_services(&system);
    assert_eq!(
        services,
        ["assignments", "petitions"],
        "spring-boot contexts"
    );
    for name in &services {
        let project = system.join("services").join(name);
        package(&mvn, &project, &tmp.path().join(format!("{name}-mvn.log")));
        let jar = project.join("target").join(format!("{name}.jar"));
        assert!(jar.is_file(), "{name}: no {}", jar.display());
    }
}

/// The other examples with every context switched to `spring-boot`: all their types, enums,
/// lists, decimals, operations and calls compile as Java too.
#[test]
fn every_example_compiles_as_spring_boot() {
    let Some(mvn) = java_tools() else {
        return;
    };
    let tmp = tempfile::Builder::new()
        .prefix("msaforge-spring-all-")
        .tempdir()
        .expect("temp dir");
    for example in ["records-archive.yaml", "permit-office.yaml"] {
        let text = std::fs::read_to_string(Path::new(ROOT).join("examples").join(example))
            .expect("example");
        let java = text.replace("stack: rust-axum", "stack: spring-boot");
        let contexts = java.matches("stack: spring-boot").count();
        assert!(contexts > 1, "{example} names the stack of its contexts");
        let spec = tmp.path().join(example);
        std::fs::write(&spec, java).expect("spec written");
        let system = tmp.path().join(example.trim_end_matches(".yaml"));
        Msaforge::new()
            .arg("generate")
            .arg(&spec)
            .arg("-o")
            .arg(&system)
            .run()
            .code(0);
        assert!(
            !system.join("Cargo.toml").exists(),
            "{example}: no Cargo workspace without rust-axum contexts"
        );
        let services = spring_services(&system);
        assert_eq!(
            services.len(),
            contexts,
            "{example}: one Maven project per context"
        );
        for name in services {
            let log = tmp.path().join(format!("{name}-mvn.log"));
            maven(&mvn, "compile", &system.join("services").join(&name), &log);
        }
    }
}

/// civil-petition, generated with the fixtures of `tests/fixtures/e2e/`: `petitions` packaged
/// (its jar) and `citizens` built (its binary, kept apart from the shared target directory).
struct Built {
    system: PathBuf,
    jar: PathBuf,
    citizens: PathBuf,
}

/// The example built once per test process; the caller holds `ports()` (the shared target
/// directory).
fn civil_petition(mvn: &Path) -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let started = Instant::now();
        let dir = kept_dir("civil-petition");
        let (system, logs, bin) = (dir.join("system"), dir.join("logs"), dir.join("bin"));
        std::fs::create_dir_all(&logs).expect("logs dir");
        std::fs::create_dir_all(&bin).expect("bin dir");
        generate(EXAMPLE, &system);
        let fixtures = Path::new(ROOT).join("tests/fixtures/e2e");
        for (fixture, target) in [
            (
                "PetitionsController.java",
                "services/petitions/src/main/java/kr/go/minwon/petitions/PetitionsController.java",
            ),
            ("citizens_handlers.rs", "services/citizens/src/handlers.rs"),
        ] {
            let target = system.join(target);
            assert!(
                target.is_file(),
                "the generated tree has {}",
                target.display()
            );
            std::fs::copy(fixtures.join(fixture), &target).expect("fixture copied");
        }
        let target = build(&system, &logs);
        keep_binaries(&target, &[CITIZENS.0], &bin);
        let petitions = system.join("services/petitions");
        package(mvn, &petitions, &logs.join("petitions-mvn.log"));
        eprintln!(
            "spring: civil-petition generated and built in {:?}",
            started.elapsed()
        );
        Built {
            jar: petitions.join("target/petitions.jar"),
            citizens: bin.join(CITIZENS.0),
            system,
        }
    })
}

/// `petitions`' jar with no `PORT`, `CITIZENS_URL` or `DATABASE_URL` of the test's environment.
fn java(built: &Built) -> Command {
    let mut cmd = Command::new("java");
    cmd.arg("-jar")
        .arg(&built.jar)
        .env_remove("PORT")
        .env_remove("CITIZENS_URL")
        .env_remove("DATABASE_URL")
        .env("MANAGEMENT_OTLP_TRACING_EXPORT_ENABLED", "false");
    cmd
}

/// Fresh databases of both services on one PostgreSQL: `citizens`' URL and `petitions`' JDBC URL
/// (its role, `petitions_app`, has the tricky password).
struct Databases {
    citizens: String,
    petitions: String,
    petitions_db: String,
}

fn databases(pg: &Postgres) -> Databases {
    let petitions_db = owned_database(pg, "petitions_app");
    let citizens_db = pg.fresh_database("citizens");
    Databases {
        citizens: pg.url(&citizens_db),
        petitions: format!("jdbc:postgresql://127.0.0.1:{}/{petitions_db}", pg.port()),
        petitions_db,
    }
}

/// Starts `citizens` (Rust) and `petitions` (Spring Boot) on their local ports with only what
/// they need: `PORT` and `CITIZENS_URL` keep their generated defaults. No collector runs here,
/// so spans are not exported, and no drain delay when the test stops them (`petitions_env` may
/// set one). Waits until both are healthy and ready.
fn start_both(
    processes: &mut Processes,
    built: &Built,
    databases: &Databases,
    petitions_env: &[(&str, &str)],
) {
    let mut cmd = Command::new(&built.citizens);
    cmd.env_clear()
        .env("BIND_ADDR", "127.0.0.1")
        .env("RUST_LOG", "info")
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("SHUTDOWN_DELAY", "0s")
        .env("DATABASE_URL", &databases.citizens);
    processes.start(CITIZENS.0, &mut cmd);
    // The role's password has `@`, `/`, `%` and `:`: given apart from the JDBC URL, as it is.
    let mut cmd = java(built);
    cmd.env("SHUTDOWN_DELAY", "0s")
        .env("DATABASE_URL", &databases.petitions)
        .env("DATABASE_USER", "petitions_app")
        .env("DATABASE_PASSWORD", TRICKY_PASSWORD)
        .envs(petitions_env.iter().copied());
    processes.start(PETITIONS.0, &mut cmd);
    // Spring Boot answers 503 (liveness and readiness not yet published) between the start of
    // its web server and the end of its startup: wait for 200.
    for (name, port) in [CITIZENS, PETITIONS] {
        for probe in ["/healthz", "/readyz"] {
            wait_for(processes, &format!("{name} {probe} 200"), || {
                get(&local(port), probe, &[])
                    .ok()
                    .filter(|r| r.status == 200)
            });
        }
    }
}

#[test]
fn spring_and_rust_services_share_one_trace_through_the_gateway() {
    let Some(mvn) = java_tools() else {
        return;
    };
    let Some(nginx) = nginx() else {
        return;
    };
    let Some(mut pg) = Postgres::start() else {
        return;
    };
    let _ports = ports();
    assert_free([GATEWAY.to_owned(), local(PETITIONS.1), local(CITIZENS.1)]);
    let built = civil_petition(&mvn);
    assert_ends_naming_database_url(&mut java(built), "is not set", TRICKY_PASSWORD);
    let databases = databases(&pg);
    let petitions_db = &databases.petitions_db;
    let system = &built.system;
    let tmp = tempfile::Builder::new()
        .prefix("msaforge-spring-e2e-")
        .tempdir()
        .expect("temp dir");
    let logs = tmp.path().to_owned();
    let mut processes = Processes {
        children: Vec::new(),
        logs: logs.clone(),
    };
    start_both(&mut processes, built, &databases, &[]);
    start_gateway(&mut processes, &nginx, system);

    // An operation of the Spring Boot service nobody implemented: 501 problem+json naming it.
    let reply = get(GATEWAY, "/api/v1/petitions", &[]).expect("gateway answers");
    assert_not_implemented(&reply, "listPetitions");

    // A petition stored with the generated repository (Flyway made its table).
    let draft = serde_json::json!({
        "citizenId": PETITIONER,
        "category": "inquiry",
        "subject": "Opening hours",
        "content": "열람실 운영 시간",
        "attachments": ["scan-1.pdf", "scan-2.pdf"],
    });
    let id = post_created(GATEWAY, "/api/v1/petitions", &draft)["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let row = pg.sql(
        petitions_db,
        &format!(
            "SELECT category, status, attachments->>1, fee_krw FROM petitions WHERE id = '{id}'"
        ),
    );
    assert_eq!(
        row.trim(),
        "inquiry|received|scan-2.pdf|1500.5000",
        "the petition's row"
    );

    // Read back: Spring Boot -> Rust on the caller's trace.
    let traceparent = format!("00-{TRACE_ID}-b7ad6b7169203331-01");
    let reply = get(
        GATEWAY,
        &format!("/api/v1/petitions/{id}"),
        &[("traceparent", &traceparent)],
    )
    .expect("gateway answers");
    assert_eq!(reply.status, 200, "{reply:?}");
    let petition = json(&reply);
    assert_eq!(petition["id"], id.as_str(), "{reply:?}");
    assert_eq!(petition["citizenId"], PETITIONER, "{reply:?}");
    assert_eq!(petition["content"], "열람실 운영 시간", "{reply:?}");
    assert_eq!(petition["category"], "inquiry", "{reply:?}");
    assert_eq!(petition["status"], "received", "{reply:?}");
    assert_eq!(petition["dueOn"], "2026-12-07", "{reply:?}");
    assert_eq!(
        petition["feeKrw"], "1500.5000",
        "NUMERIC(19,4) keeps 4 places: {reply:?}"
    );
    assert_eq!(petition["attachments"], draft["attachments"], "{reply:?}");
    let received = petition["receivedAt"].as_str().unwrap_or_default();
    assert!(
        received.starts_with("2026-11-23T00:00"),
        "09:00+09:00 comes back as the same instant in UTC: {reply:?}"
    );

    let citizens_log = logs.join("citizens.stdout.log");
    wait_for(
        &mut processes,
        &format!("a JSON log line of citizens with trace_id {TRACE_ID}"),
        || {
            let text = std::fs::read_to_string(&citizens_log).ok()?;
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .any(|l| l["trace_id"] == TRACE_ID)
                .then_some(())
        },
    );
    let petitions_log = logs.join("petitions.stdout.log");
    let marker = format!("[petitions,{TRACE_ID},");
    let lines = wait_for(
        &mut processes,
        &format!("log lines of petitions with {marker}"),
        || {
            let text = std::fs::read_to_string(&petitions_log).ok()?;
            let lines: Vec<String> = text
                .lines()
                .filter(|l| l.contains(&marker))
                .map(str::to_owned)
                .collect();
            lines
                .iter()
                .any(|l| l.contains(&format!("GET /v1/petitions/{id} -> 200")))
                .then_some(lines)
        },
    );
    assert!(
        lines.iter().any(|l| l.contains("petitioner")),
        "the controller's own log line carries the trace too: {lines:#?}"
    );

    // Readiness includes the database: 503 while it is stopped, 200 once it is back.
    pg.stop();
    wait_for(&mut processes, "petitions /readyz 503", || {
        get(&local(PETITIONS.1), "/readyz", &[])
            .ok()
            .filter(|r| r.status == 503)
    });
    pg.restart();
    wait_for(&mut processes, "petitions /readyz 200 again", || {
        get(&local(PETITIONS.1), "/readyz", &[])
            .ok()
            .filter(|r| r.status == 200)
    });
    let reply = get(GATEWAY, &format!("/api/v1/petitions/{id}"), &[]).expect("gateway answers");
    assert_eq!(reply.status, 200, "back: {reply:?}");
}

/// `petitions` stopped with SIGTERM while clients keep calling `getPetition` (the fixture's, which
/// calls `citizens`) and a `submitPetition` is in flight: see `drain`.
#[test]
fn a_spring_boot_service_stops_without_failing_a_request() {
    let Some(mvn) = java_tools() else {
        return;
    };
    if nginx().is_none() {
        return; // the same tools as the other end-to-end test (it builds the same system)
    }
    let Some(pg) = Postgres::shared() else {
        return;
    };
    let _ports = ports();
    assert_free([local(PETITIONS.1), local(CITIZENS.1)]);
    let built = civil_petition(&mvn);
    let (_logs, mut processes) = drain::processes("msaforge-spring-drain-");
    start_both(&mut processes, built, &databases(pg), &drain::ENV);
    // A stored petition for the GETs (it reads the row and calls `citizens`).
    let draft = serde_json::json!({
        "citizenId": PETITIONER,
        "category": "inquiry",
        "subject": "주차",
        "content": "문의",
        "attachments": [],
    });
    let id = post_created(&local(PETITIONS.1), "/v1/petitions", &draft)["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_drains(
        &mut processes,
        &Drain {
            name: PETITIONS.0,
            addr: local(PETITIONS.1),
            get: &format!("/v1/petitions/{id}"),
            // The slow POST is sent twice (before SIGTERM and in flight at the close): a body
            // Spring rejects (400, an unknown category) answers the same both times, where a
            // stored petition would be 201 and then 409.
            post: (
                "/v1/petitions",
                &format!(
                    r#"{{"citizenId":"{PETITIONER}","category":"no-such-category","subject":"주차","content":"문의","attachments":[]}}"#
                ),
            ),
        },
    );
}
