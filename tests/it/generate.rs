//! `msaforge generate`: whole generated trees snapshotted for every example, determinism, the
//! refusals that protect user files, dry runs and template overrides.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use msaforge::check;
use msaforge::generate;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn spec(example: &str) -> msaforge::spec::Spec {
    let bytes = std::fs::read(format!("{ROOT}/examples/{example}")).expect("example");
    let report = check::check_bytes(example, &bytes, &check::Options::default());
    assert!(!report.has_errors());
    report.spec.expect("a checked spec")
}

fn msaforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msaforge"))
        .args(args)
        .current_dir(ROOT)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("readable"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn generated_trees_are_snapshotted() {
    for example in [
        "records-archive.yaml",
        "permit-office.yaml",
        "civil-petition.yaml",
    ] {
        let files =
            generate::render(&spec(example), &generate::Options::default()).expect("renders");
        let stem = example.trim_end_matches(".yaml");
        let mut listing = String::new();
        for f in &files {
            let policy = format!("{:?}", f.policy).to_lowercase();
            let _ = writeln!(listing, "{policy:<8} {}", f.path);
        }
        crate::settings().bind(|| {
            insta::assert_snapshot!(format!("generate-{stem}-files"), listing);
            for f in &files {
                insta::assert_snapshot!(
                    format!("generate-{stem}@{}", f.path.replace('/', "__")),
                    f.contents
                );
            }
        });
    }
}

#[test]
fn output_is_identical_across_runs() {
    let (a, b) = (
        tempfile::tempdir().expect("temp"),
        tempfile::tempdir().expect("temp"),
    );
    for dir in [a.path(), b.path()] {
        let out = msaforge(&[
            "generate",
            "examples/records-archive.yaml",
            "-o",
            dir.to_str().expect("utf-8"),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (ta, tb) = (tree(a.path()), tree(b.path()));
    assert!(ta.len() > 1);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(tb[path] == *bytes, "{path} differs between two runs");
    }
}

#[test]
fn specs_with_errors_are_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let out_dir = dir.path().join("out");
    let out = msaforge(&[
        "generate",
        "tests/fixtures/check/MSA101-cycle.yaml",
        "-o",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MSA101"));
    assert!(!out_dir.exists(), "nothing is written");
}

#[test]
fn foreign_directories_are_refused_unless_forced() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let path = dir.path().to_str().expect("utf-8");
    let refused = msaforge(&["generate", "examples/records-archive.yaml", "-o", path]);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(tree(dir.path()).len(), 1, "nothing was written");
    let forced = msaforge(&[
        "generate",
        "examples/records-archive.yaml",
        "-o",
        path,
        "--force",
    ]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"),
        "mine"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let out_dir = dir.path().join("out");
    let out = msaforge(&[
        "generate",
        "examples/records-archive.yaml",
        "-o",
        out_dir.to_str().expect("utf-8"),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("create") && text.contains("README.md") && text.contains("nothing written"),
        "{text}"
    );
    assert!(!out_dir.exists());
}

/// A `--templates` directory that replaces only the system README.
fn readme_override(template: &str) -> tempfile::TempDir {
    let templates = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(templates.path().join("system")).expect("mkdir");
    std::fs::write(templates.path().join("system/README.md.j2"), template).expect("write");
    templates
}

#[test]
fn template_overrides_win_and_user_files_are_kept() {
    let templates = readme_override("# {{ system.name }} by ACME SI\n");
    let out = tempfile::tempdir().expect("temp");
    let args = [
        "generate",
        "examples/records-archive.yaml",
        "-o",
        out.path().to_str().expect("utf-8"),
        "--templates",
        templates.path().to_str().expect("utf-8"),
    ];
    assert_eq!(msaforge(&args).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(out.path().join("README.md")).expect("readme"),
        "# records-archive by ACME SI\n"
    );

    let once: Vec<String> =
        generate::render(&spec("records-archive.yaml"), &generate::Options::default())
            .expect("renders")
            .into_iter()
            .filter(|f| f.policy == generate::templates::Policy::Once)
            .map(|f| f.path)
            .collect();
    assert!(!once.is_empty(), "handlers are user-owned files");
    for path in &once {
        std::fs::write(out.path().join(path), "// my code\n").expect("edit");
    }
    assert_eq!(msaforge(&args).status.code(), Some(0));
    for path in &once {
        assert_eq!(
            std::fs::read_to_string(out.path().join(path)).expect("kept"),
            "// my code\n",
            "{path}"
        );
    }
}

#[test]
fn broken_templates_name_the_template() {
    let templates = readme_override("{{ system.nmae }}\n");
    let out = tempfile::tempdir().expect("temp");
    let result = msaforge(&[
        "generate",
        "examples/records-archive.yaml",
        "-o",
        out.path().to_str().expect("utf-8"),
        "--templates",
        templates.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("system/README.md.j2"), "{stderr}");
    assert!(
        !out.path().join("README.md").exists(),
        "nothing is written when rendering fails"
    );
}
