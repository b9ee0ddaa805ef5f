//! Generate (render + write) for synthetic specs of 10, 100 and 500 contexts
//! (target: 100 contexts in under 1 s on one core). Prints the file count and bytes of each size.

/// The same allocator as the `msaforge` binary, so the figures are the user's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::synthetic;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use msaforge::check::{self, Options};
use msaforge::generate::{self, write};

fn bench(c: &mut Criterion) {
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
                    let dir = tempfile::tempdir().expect("temp dir");
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
