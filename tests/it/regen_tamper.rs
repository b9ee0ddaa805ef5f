//! msaforge's own state is input too: a journal, a lock or a state directory that was tampered
//! with (absolute paths, `..`, symbolic links, a path listed twice, a path inside `.msaforge/`) is
//! refused with a message by `plan` and `generate` alike, and nothing outside the output directory
//! is read, moved or written.

use std::path::PathBuf;

use crate::regen_oracle::{generate_as_planned, sha256, tree};
use crate::regen_support::{generate, read, specs};

/// A generated output and, beside it, a directory with a file that must stay where it is.
struct Setup {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    outside: PathBuf,
    spec: PathBuf,
    v2: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("dir");
    std::fs::write(outside.join("secret.txt"), "secret\n").expect("write");
    let [spec, v2, _] = specs(tmp.path());
    generate(&spec, &out, &[]).code(0);
    Setup {
        out,
        outside,
        spec,
        v2,
        _tmp: tmp,
    }
}

/// Asserts that `generate` (and `plan` before it) refuse with exit 3 and `expect` in the message,
/// and that the outside directory is exactly as it was.
fn refused(s: &Setup, expect: &str) {
    let outside = tree(&s.outside);
    let o = generate_as_planned(&s.spec, &s.out, &[]);
    o.code(3);
    assert!(o.text().contains(expect), "{expect}: {}", o.text());
    assert!(tree(&s.outside) == outside, "nothing outside changed");
    assert_eq!(read(s.outside.join("secret.txt")), "secret\n");
}

fn journal(s: &Setup, writes: &[(&str, &str)], deletes: &[&str]) {
    let txn = s.out.join(".msaforge/txn");
    let _ = std::fs::remove_dir_all(&txn);
    std::fs::create_dir_all(&txn).expect("txn");
    std::fs::write(txn.join("0"), "staged\n").expect("staged");
    let writes: Vec<_> = writes
        .iter()
        .map(|(staged, path)| serde_json::json!({ "path": path, "staged": staged, "was": null }))
        .collect();
    let deletes: Vec<_> = deletes
        .iter()
        .map(|path| serde_json::json!({ "path": path, "was": "sha256:0" }))
        .collect();
    let doc = serde_json::json!({ "writes": writes, "deletes": deletes });
    std::fs::write(txn.join("journal.json"), doc.to_string()).expect("journal");
}

#[test]
fn a_tampered_journal_is_refused_and_nothing_outside_is_moved() {
    let s = setup();
    let secret = s.outside.join("secret.txt");
    let secret = secret.to_str().expect("utf-8");
    // The case: a staged "file" that is a path outside, moved into the output.
    journal(&s, &[(secret, "stolen.txt")], &[]);
    refused(&s, "not one msaforge wrote");
    assert!(!s.out.join("stolen.txt").exists());
    for (writes, deletes) in [
        (vec![("0", secret)], vec![]),
        (vec![("0", "../outside/secret.txt")], vec![]),
        (vec![("0", "docs/../../outside/secret.txt")], vec![]),
        (vec![("../../outside/secret.txt", "x.txt")], vec![]),
        (vec![("0", "README.md")], vec!["../outside/secret.txt"]),
        (vec![("0", "README.md")], vec![secret]),
        (vec![("0", ".msaforge/txn/journal.json")], vec![]),
    ] {
        journal(&s, &writes, &deletes);
        refused(&s, "not one msaforge wrote");
    }
    // A parent replaced by a link to the outside after the journal was written.
    std::fs::remove_dir_all(s.out.join("docs")).expect("rm");
    std::os::unix::fs::symlink(&s.outside, s.out.join("docs")).expect("link");
    journal(&s, &[("0", "docs/secret.txt")], &[]);
    refused(&s, "leads outside the output directory");
}

/// Rewrites the lock with `change` applied to its JSON.
fn tamper_lock(s: &Setup, change: impl FnOnce(&mut serde_json::Value)) {
    let path = s.out.join(".msaforge/lock.json");
    let mut lock: serde_json::Value = serde_json::from_str(&read(&path)).expect("lock");
    change(&mut lock);
    std::fs::write(&path, serde_json::to_string_pretty(&lock).expect("json")).expect("write");
}

fn entry(path: &str, bytes: &[u8]) -> serde_json::Value {
    serde_json::json!({ "path": path, "policy": "managed", "sha256": sha256(bytes) })
}

#[test]
fn a_tampered_lock_is_refused_and_nothing_outside_is_read_or_removed() {
    let s = setup();
    let original = read(s.out.join(".msaforge/lock.json"));
    let secret = s.outside.join("secret.txt");
    let spec_json = std::fs::read(s.out.join(".msaforge/spec.json")).expect("spec");
    let cases: Vec<(&str, serde_json::Value)> = vec![
        (
            "not a path msaforge generates",
            entry(secret.to_str().expect("utf-8"), b"secret\n"),
        ),
        (
            "not a path msaforge generates",
            entry("../outside/secret.txt", b"secret\n"),
        ),
        (
            "not a path msaforge generates",
            entry(".msaforge/spec.json", &spec_json),
        ),
        ("listed twice", entry("compose.yaml", b"other\n")),
    ];
    for (why, extra) in cases {
        std::fs::write(s.out.join(".msaforge/lock.json"), &original).expect("restore");
        tamper_lock(&s, |lock| {
            lock["files"].as_array_mut().expect("files").push(extra);
        });
        refused(&s, why);
        assert!(s.out.join(".msaforge/spec.json").is_file());
    }
    std::fs::write(s.out.join(".msaforge/lock.json"), &original).expect("restore");
    generate_as_planned(&s.spec, &s.out, &[]).code(0);
}

#[test]
fn a_state_directory_reached_through_a_symbolic_link_is_refused() {
    let s = setup();
    let v2 = &s.v2;
    // The whole of .msaforge/ moved outside and linked back.
    let state = s.outside.join("state");
    std::fs::rename(s.out.join(".msaforge"), &state).expect("move");
    std::os::unix::fs::symlink(&state, s.out.join(".msaforge")).expect("link");
    let o = generate_as_planned(v2, &s.out, &[]);
    o.code(3);
    assert!(
        o.text().contains("msaforge's state `.msaforge` is damaged"),
        "{}",
        o.text()
    );
    std::fs::remove_file(s.out.join(".msaforge")).expect("unlink");
    std::fs::rename(&state, s.out.join(".msaforge")).expect("move back");
    // Only the bases linked out.
    let bases = s.outside.join("bases");
    std::fs::rename(s.out.join(".msaforge/base"), &bases).expect("move");
    std::os::unix::fs::symlink(&bases, s.out.join(".msaforge/base")).expect("link");
    let before = tree(&bases);
    let o = generate_as_planned(v2, &s.out, &[]);
    o.code(3);
    assert!(o.text().contains(".msaforge/base"), "{}", o.text());
    assert!(tree(&bases) == before);
}
