//! A clean spec always builds: `tests/fixtures/shapes/shapes.yaml` holds the unusual but valid
//! shapes (recursive types through optional fields and lists, self and mutual; types holding
//! types; one-value enums; operations without request or response; a context without operations;
//! names at their length limits; a Rust context on Redis; Korean titles and descriptions with
//! quotes, backslashes and comment markers). It passes `check` without errors, and the generated
//! system compiles in both stacks: one `cargo build` of the workspace (the Rust services) and one
//! `mvn compile` of the Spring Boot service. The Redis context then runs against a real Redis
//! server: its readiness is 503 while Redis is stopped and 200 once it is back. The validators of `validate.rs` (nginx, OpenAPI, compose, yamllint) read
//! it too.
//!
//! The Maven build skips with a message without `mvn` and `java` unless `MSAFORGE_JAVA_REQUIRED`
//! is set (CI sets it).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::binary::Msaforge;
use crate::harness::{Processes, ROOT, build, get, local, ports, wait_for};
use crate::infra::Redis;
use crate::spring::{compile, java_tools};

pub const SHAPES: &str = "tests/fixtures/shapes/shapes.yaml";

#[test]
fn the_shapes_spec_is_clean() {
    let bytes = std::fs::read(Path::new(ROOT).join(SHAPES)).expect("shapes spec");
    let report = msaforge::check::check_bytes(SHAPES, &bytes, &msaforge::check::Options::default());
    assert!(
        !report.has_errors(),
        "{}",
        msaforge::check::render::human(&report, msaforge::lang::Lang::En, false)
    );
}

#[test]
fn every_shape_compiles_in_both_stacks() {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("msaforge-shapes-")
        .tempdir()
        .expect("temp dir");
    let (system, logs) = (tmp.path().join("system"), tmp.path().join("logs"));
    std::fs::create_dir_all(&logs).expect("logs dir");
    Msaforge::new()
        .args(["generate", SHAPES, "-o"])
        .arg(&system)
        .run()
        .code(0);
    let rust_types = std::fs::read_to_string(
        system.join("services/records-of-the-national-archive-registry/src/generated/types.rs"),
    )
    .expect("types.rs");
    assert!(
        rust_types.contains("pub annex: Option<Box<Shelf>>"),
        "a type holding itself is boxed:\n{rust_types}"
    );
    {
        let _ports = ports(); // the shared target directory and the local ports
        let target = build(&system, &logs);
        readiness_follows_redis(&target.join("debug/lookup-cache"), &logs);
    }
    eprintln!("shapes: cargo build in {:?}", started.elapsed());
    let Some(mvn) = java_tools() else {
        return;
    };
    compile(
        &mvn,
        &system.join("services/java-shapes"),
        &logs.join("java-shapes-mvn.log"),
    );
    eprintln!(
        "shapes: cargo build and mvn compile in {:?}",
        started.elapsed()
    );
}

/// `lookup-cache` (Rust, `store: redis`) against a real Redis: ready (200) while Redis answers,
/// 503 while it is stopped, 200 once it is back. The caller holds `ports()`.
fn readiness_follows_redis(binary: &Path, logs: &Path) {
    const PORT: u16 = 18_084; // the spec's fourth context
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let mut processes = Processes {
        children: Vec::new(),
        logs: logs.to_owned(),
    };
    let mut cmd = Command::new(binary);
    cmd.env_clear()
        .env("BIND_ADDR", "127.0.0.1")
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("SHUTDOWN_DELAY", "0s")
        .env("DATABASE_URL", redis.url());
    processes.start("lookup-cache", &mut cmd);
    let ready = |status: u16| {
        move || {
            get(&local(PORT), "/readyz", &[])
                .ok()
                .filter(|r| r.status == status)
        }
    };
    wait_for(&mut processes, "lookup-cache /readyz 200", ready(200));
    redis.stop();
    wait_for(
        &mut processes,
        "lookup-cache /readyz 503 without Redis",
        ready(503),
    );
    redis.restart();
    wait_for(&mut processes, "lookup-cache /readyz 200 again", ready(200));
}
