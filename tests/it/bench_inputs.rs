//! The benchmarks' inputs stay what their docs say as the rules grow: the synthetic spec of
//! `benches/common` is clean (`cargo bench --bench check` asserts it too, but CI does not run
//! the benchmarks; a new rule once made it fail there unseen).

#[path = "../../benches/common/mod.rs"]
mod common;

#[test]
fn the_synthetic_bench_spec_is_clean() {
    for n in [1, 12, 40] {
        let text = common::synthetic(n);
        let report = msaforge::check::check_bytes(
            "synthetic.yaml",
            text.as_bytes(),
            &msaforge::check::Options::default(),
        );
        assert!(
            report.findings.is_empty(),
            "synthetic({n}) has findings:\n{}",
            msaforge::check::render::human(&report, msaforge::lang::Lang::En, false)
        );
    }
}
