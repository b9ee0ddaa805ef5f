//! Generate (render + write) for synthetic specs of 10, 100 and 500 contexts
//! (target: 100 contexts in under 1 s on one core). Prints the file count and bytes of each size.
//! `MSAFORGE_BENCH_DIR=/dev/shm cargo bench --bench generate` measures without the disk.

/// The same allocator as the `msaforge` binary, so the figures are the user's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::synthetic;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use msaforge::check::{self, Options};
use msaforge::generate::{self, write};

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
                    let files =
                        generate::render(spec, &generate::Options::default()).expect("renders");
                    let actions = write::plan(&files, dir.path());
                    write::apply(&files, &actions, dir.path(), |_, _| {}).expect("writes");
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
