//! Generate (render + plan + write) and plan-only regeneration for synthetic specs of 10, 100 and 500 contexts
//! (target: 100 contexts in under 1 s on one core). Prints the file count and bytes of each size.
//! `MSAFORGE_BENCH_DIR=/dev/shm cargo bench --bench generate` measures without the disk.
#![allow(clippy::print_stdout)] // the figures are the output

/// The same allocator as the `msaforge` binary, so the figures are the user's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::synthetic;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use msaforge::check::{self, Options};
use msaforge::generate;
use msaforge::plan::{OnConflict, apply::apply};

fn bench(c: &mut Criterion) {
    // Where the files go: `MSAFORGE_BENCH_DIR` (for example a tmpfs, to measure msaforge rather
    // than the disk), or target/tmp. On ext4 that has just freed many inodes (after builds and
    // earlier iterations), most of the write time goes to the kernel's inode allocator.
    let out = std::env::var_os("MSAFORGE_BENCH_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
        std::path::PathBuf::from,
    );
    println!("writing into {}", out.display());
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for n in [10, 100, 500] {
        let text = synthetic(n);
        let report = check::check_bytes("bench.yaml", text.as_bytes(), &Options::default());
        let spec = report.spec.expect("the synthetic spec loads");
        assert!(
            report.findings.is_empty(),
            "the synthetic spec is clean: {:?}",
            report.findings.first()
        );
        let files = generate::render(&spec, &generate::Options::default()).expect("renders");
        let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
        println!(
            "generate/{n} contexts: {} files, {bytes} bytes",
            files.len()
        );
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n} contexts")),
            &spec,
            |b, spec| {
                b.iter(|| {
                    let dir = tempfile::tempdir_in(&out).expect("temp dir");
                    let plan =
                        generate::plan(spec, dir.path(), &generate::Options::default(), false)
                            .expect("plans");
                    apply(&plan, OnConflict::Markers).expect("writes");
                });
            },
        );
        // Regenerating over an existing output with no changes: render, hash, read and compare
        // every file, write only the lock.
        let existing = tempfile::tempdir_in(&out).expect("temp dir");
        let first = generate::plan(&spec, existing.path(), &generate::Options::default(), false)
            .expect("plans");
        apply(&first, OnConflict::Markers).expect("writes");
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n} contexts, regenerate unchanged")),
            &spec,
            |b, spec| {
                b.iter(|| {
                    let plan =
                        generate::plan(spec, existing.path(), &generate::Options::default(), false)
                            .expect("plans");
                    assert!(!plan.has_changes());
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
