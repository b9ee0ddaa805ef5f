//! `check` of a spec and the rendering of its findings, in the human and the JSON format, on
//! synthetic specs: 1,000 clean contexts (`common::synthetic`, about 2 MiB), 10,000 lean contexts
//! with three warnings each, and the shapes that were quadratic: a chain of 1,000 and of 2,000
//! critical calls, 300 copies of one context (`common/shapes.rs`).
//!
//! Targets: 1,000 contexts in at most 50 ms of CPU, 10,000 in at most 1 s, peak memory at most 20
//! times the file size. After the timings, the peak resident memory of `msaforge check` on each
//! spec is measured with `/usr/bin/time` (when installed) and printed with its ratio to the file
//! size, less the binary's own footprint on a one-context spec.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the figures are the output

/// The same allocator as the `msaforge` binary, so the figures are the user's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;
#[path = "common/shapes.rs"]
mod shapes;

use std::process::Command;

use common::synthetic;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use msaforge::check::{self, Options, render};
use msaforge::lang::Lang;

fn inputs() -> Vec<(String, String)> {
    vec![
        ("synthetic-1000".into(), synthetic(1000)),
        ("lean-10000".into(), shapes::lean(10_000)),
        ("chain-1000".into(), shapes::chain(1000)),
        ("chain-2000".into(), shapes::chain(2000)),
        ("copies-300".into(), shapes::copies(300)),
    ]
}

fn run(text: &str, human: bool) -> String {
    let report = check::check_bytes("bench.yaml", text.as_bytes(), &Options::default());
    if human {
        render::human(&report, Lang::En, false)
    } else {
        render::json(&report)
    }
}

fn bench(c: &mut Criterion) {
    let inputs = inputs();
    let clean = check::check_bytes("bench.yaml", inputs[0].1.as_bytes(), &Options::default());
    assert!(
        clean.findings.is_empty(),
        "the synthetic spec is clean: {:?}",
        clean.findings.first()
    );
    for (format, human) in [("human", true), ("json", false)] {
        let mut group = c.benchmark_group(format!("check+{format}"));
        group.sample_size(10);
        for (name, text) in &inputs {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
                b.iter(|| run(text, human));
            });
        }
        group.finish();
    }
    memory(&inputs);
}

/// Peak resident memory of the CLI on each input, from `/usr/bin/time -f %M` (KiB).
fn memory(inputs: &[(String, String)]) {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.is_file() {
        eprintln!("memory: SKIPPED (/usr/bin/time is not installed: apt-get install time)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let peak = |text: &str, format: &str| -> u64 {
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, text).expect("spec written");
        let out = Command::new(time)
            .args(["-f", "%M", env!("CARGO_BIN_EXE_msaforge"), "check"])
            .arg(&path)
            .args(["--format", format])
            .stdout(std::process::Stdio::null())
            .output()
            .expect("/usr/bin/time runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        stderr
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("no peak memory in {stderr:?}"))
    };
    let base = peak(&shapes::lean(1), "json");
    println!("\npeak memory of `msaforge check` (baseline on a one-context spec: {base} KiB)");
    println!(
        "{:<16} {:>7} {:>10} {:>12} {:>8}",
        "spec", "format", "file KiB", "peak KiB", "ratio"
    );
    for (name, text) in inputs {
        for format in ["human", "json"] {
            let kib = peak(text, format);
            let file = text.len() as f64 / 1024.0;
            let ratio = kib.saturating_sub(base) as f64 / file;
            println!("{name:<16} {format:>7} {file:>10.0} {kib:>12} {ratio:>7.1}x");
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
