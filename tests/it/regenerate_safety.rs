//! Regeneration that must not harm anything outside the output or leave it half written:
//! escapes (a linked directory, a manifest writing to `../`) are refused, and a run killed in the
//! middle of applying is completed by the next one.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::binary::Msaforge;
use crate::regen_support::{generate, plan, read, v1, v2, write_spec};

#[cfg(unix)]
#[test]
fn escapes_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    generate(&v1, &out, &[]).code(0);
    // A directory of the output replaced by a link to somewhere else.
    std::fs::remove_dir_all(out.join("docs")).expect("rm docs");
    std::os::unix::fs::symlink(&outside, out.join("docs")).expect("link");
    let o = generate(&v1, &out, &["--force"]);
    o.code(3);
    assert!(o.text().contains("docs/architecture.md"), "{}", o.text());
    assert_eq!(std::fs::read_dir(&outside).expect("dir").count(), 0);

    // A template set whose manifest writes to `../`.
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    std::fs::write(
        templates.join("manifest.yaml"),
        "files:\n  - { template: system/README.md.j2, path: \"../escape.txt\" }\n",
    )
    .expect("manifest");
    let fresh = tmp.path().join("fresh");
    let o = generate(
        &v1,
        &fresh,
        &["--templates", templates.to_str().expect("utf-8")],
    );
    o.code(3);
    assert!(o.text().contains("../escape.txt"), "{}", o.text());
    assert!(!tmp.path().join("escape.txt").exists());
}

#[test]
fn a_run_killed_while_applying_is_completed_by_the_next() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    let v2 = write_spec(tmp.path(), "v2.yaml", &v2());
    generate(&v1, &out, &[]).code(0);
    let handlers = out.join("services/placement/src/handlers.rs");
    std::fs::write(&handlers, read(&handlers) + "// mine\n").expect("edit");

    // Slow each rename down and kill the process once the transaction is committed.
    let mut child = Msaforge::new()
        .args(["generate", v2.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .env("MSAFORGE_TEST_APPLY_PAUSE_MS", "40")
        .spawn();
    let journal = out.join(".msaforge/txn/journal.json");
    let started = Instant::now();
    while !journal.exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "no journal");
        if let Some(status) = child.try_wait() {
            panic!("generate finished ({status}) before it could be interrupted");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300)); // a few renames in
    child.kill(); // SIGKILL: no cleanup of any kind

    // Half done: the lock is still the old one and the transaction is pending.
    assert!(journal.exists(), "killed in the middle");
    let o = plan(&v2, &out, &[]);
    assert!(o.text().contains("interrupted"), "{}", o.text());
    let o = Msaforge::new()
        .args(["check", "--output", out.to_str().expect("utf-8")])
        .run();
    o.code(3);

    // The next run completes it; the result equals an uninterrupted run plus the user's edit.
    let o = generate(&v2, &out, &[]);
    o.code(0);
    assert!(o.text().contains("interrupted"), "{}", o.text());
    assert!(!out.join(".msaforge/txn").exists());
    plan(&v2, &out, &["--exit-code"]).code(0);
    // The uninterrupted run goes from v1 to v2 as well: its migrations are v1's and then v2's.
    let clean = tmp.path().join("clean");
    generate(&v1, &clean, &[]).code(0);
    generate(&v2, &clean, &[]).code(0);
    std::fs::write(
        clean.join("services/placement/src/handlers.rs"),
        read(&handlers),
    )
    .expect("same edit");
    let lock = |dir: &Path| read(dir.join(".msaforge/lock.json"));
    let files = |dir: &Path| -> Vec<(String, String)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("inside");
                (rel.display().to_string(), read(e.path()))
            })
            .collect()
    };
    assert_eq!(files(&out).len(), files(&clean).len());
    for ((pa, ta), (pb, tb)) in files(&out).iter().zip(files(&clean).iter()) {
        assert_eq!(pa, pb);
        if pa != ".msaforge/lock.json" && !pa.ends_with("handlers.rs") {
            assert!(ta == tb, "{pa} differs after the repaired run");
        }
    }
    // The locks differ only in the user's handler edit, which both record as kept.
    assert_eq!(lock(&out).lines().count(), lock(&clean).lines().count());
}
