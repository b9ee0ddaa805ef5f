//! Property tests: whatever the bytes, loading and checking returns findings and never panics.

use msaforge::check::{self, render};
use msaforge::lang::Lang;
use proptest::prelude::*;

fn run(bytes: &[u8]) {
    let report = check::check_bytes("prop.yaml", bytes, &check::Options::default());
    // Rendering walks every place: it must not panic either.
    let _ = render::human(&report, Lang::En, false);
    let _ = render::json(&report);
}

const EXAMPLE: &str = include_str!("../../examples/records-archive.yaml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run(&bytes);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "[a-z:{}\\[\\],&*!|>'\"#\\- \n\t0-9서고]{0,300}") {
        run(text.as_bytes());
    }

    /// Deleting, duplicating or replacing lines of a real spec yields every kind of finding.
    #[test]
    fn mutated_example_never_panics(edits in proptest::collection::vec((0usize..400, 0u8..3, "[a-z{}:\\- ]{0,12}"), 1..6)) {
        let mut lines: Vec<String> = EXAMPLE.lines().map(str::to_owned).collect();
        for (at, op, text) in edits {
            let i = at % lines.len().max(1);
            match op {
                0 if !lines.is_empty() => { lines.remove(i); }
                1 if !lines.is_empty() => { let l = lines[i].clone(); lines.insert(i, l); }
                _ => lines.insert(i.min(lines.len()), text),
            }
        }
        run(lines.join("\n").as_bytes());
    }
}
