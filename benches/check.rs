//! Load + check on synthetic specs of 200 and 1,000 contexts (target: 1,000 in under 100 ms on one core).
//! The spec is built by `common::synthetic`.

/// The same allocator as the `msaforge` binary, so the figures are the user's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::synthetic;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use msaforge::check::{self, Options};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("load+check");
    group.sample_size(20);
    for n in [200, 1000] {
        let text = synthetic(n);
        let report = check::check_bytes("bench.yaml", text.as_bytes(), &Options::default());
        assert!(
            !report.has_errors(),
            "the synthetic spec is clean: {:?}",
            report.findings.first()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n} contexts")),
            &text,
            |b, text| {
                b.iter(|| check::check_bytes("bench.yaml", text.as_bytes(), &Options::default()));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
