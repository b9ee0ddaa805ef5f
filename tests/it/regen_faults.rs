//! Regeneration under faults, with real processes and a real file system: a first `generate`
//! killed (SIGKILL) while staging or while renaming is finished by the next plain `generate`, as is
//! one that ran out of disk space (a small tmpfs) once space is back; two runs at once take turns
//! through the directory lock, a run that cannot get it exits 5 and writes nothing, and the lock
//! of a killed run is released by the OS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::binary::{Msaforge, Running};
use crate::regen_oracle::{Entry, generate_as_planned, tree};
use crate::regen_support::{generate, specs};

/// `generate SPEC -o OUT` in the background, with the test hooks in `env`.
fn spawn(spec: &Path, out: &Path, env: &[(&str, &str)]) -> Running {
    Msaforge::new()
        .args(["generate", spec.to_str().expect("utf-8"), "-o"])
        .arg(out)
        .envs(env)
        .spawn()
}

/// Waits until `ready` holds while `child` is still running.
fn wait_for(child: &mut Running, what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(60), "never {what}");
        if let Some(status) = child.try_wait() {
            panic!("generate finished ({status}) before {what}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What clean, uninterrupted runs of `generate` with each of `specs` in turn leave in a new
/// directory.
fn clean(specs: &[&Path]) -> BTreeMap<String, Entry> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("clean");
    for spec in specs {
        generate(spec, &out, &[]).code(0);
    }
    tree(&out)
}

fn assert_same(out: &Path, clean: &BTreeMap<String, Entry>) {
    let now = tree(out);
    let paths = |t: &BTreeMap<String, Entry>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&now), paths(clean));
    for (path, entry) in &now {
        if let (Entry::File { bytes: a, .. }, Entry::File { bytes: b, .. }) = (&clean[path], entry)
        {
            let diff = similar::TextDiff::from_lines(
                &*String::from_utf8_lossy(a),
                &*String::from_utf8_lossy(b),
            )
            .unified_diff()
            .to_string();
            assert!(diff.is_empty(), "{path} differs from a clean run:\n{diff}");
        }
        assert!(clean[path] == *entry, "{path} differs from a clean run");
    }
}

#[test]
fn a_first_run_killed_while_staging_is_restarted_by_the_next() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [spec, _, _] = specs(tmp.path());
    let child = {
        let mut child = spawn(&spec, &out, &[("MSAFORGE_TEST_STAGE_PAUSE_MS", "20")]);
        wait_for(&mut child, "staging", || {
            out.join(".msaforge/txn/3").exists()
        });
        child
    };
    child.kill();
    assert!(
        !out.join(".msaforge/txn/journal.json").exists(),
        "not committed"
    );
    let o = Msaforge::new()
        .args(["check", "--output", out.to_str().expect("utf-8")])
        .run();
    o.code(3);
    assert!(o.text().contains("interrupted"), "{}", o.text());
    generate_as_planned(&spec, &out, &[]).code(0);
    assert_same(&out, &clean(&[&spec]));
}

#[test]
fn a_first_run_killed_while_renaming_is_completed_by_the_next() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [spec, _, _] = specs(tmp.path());
    let mut child = spawn(&spec, &out, &[("MSAFORGE_TEST_APPLY_PAUSE_MS", "20")]);
    wait_for(&mut child, "renaming", || out.join("services").exists());
    std::thread::sleep(Duration::from_millis(200)); // a few renames in
    child.kill();
    assert!(
        out.join(".msaforge/txn/journal.json").exists(),
        "killed half way"
    );
    assert!(
        !out.join(".msaforge/lock.json").exists(),
        "the lock goes last"
    );
    let o = generate_as_planned(&spec, &out, &[]);
    o.code(0);
    assert!(o.text().contains("interrupted"), "{}", o.text());
    assert_same(&out, &clean(&[&spec]));
}

/// A tmpfs mounted for one test (root, or passwordless sudo), unmounted when dropped.
struct Tmpfs {
    at: PathBuf,
    sudo: bool,
}

impl Tmpfs {
    /// `None` (the test skips, saying why) when mounting is not possible here, unless
    /// `MSAFORGE_TMPFS_REQUIRED` is set.
    fn mount(at: &Path, options: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("mount point");
        for sudo in [false, true] {
            let ok = mount_cmd(sudo, &["-t", "tmpfs", "-o", options, "tmpfs"], at);
            if ok {
                return Some(Tmpfs {
                    at: at.to_path_buf(),
                    sudo,
                });
            }
        }
        assert!(
            std::env::var_os("MSAFORGE_TMPFS_REQUIRED").is_none(),
            "MSAFORGE_TMPFS_REQUIRED is set but a tmpfs cannot be mounted (needs root or sudo)"
        );
        eprintln!(
            "SKIPPED: cannot mount a tmpfs (needs root or passwordless sudo; set MSAFORGE_TMPFS_REQUIRED=1 to make this a failure)"
        );
        None
    }

    fn remount(&self, options: &str) {
        let remount = format!("remount,{options}");
        assert!(mount_cmd(self.sudo, &["-o", &remount], &self.at), "remount");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let mut cmd = Command::new(if self.sudo { "sudo" } else { "umount" });
        if self.sudo {
            cmd.args(["-n", "umount"]);
        }
        let _ = cmd.arg(&self.at).status();
    }
}

fn mount_cmd(sudo: bool, args: &[&str], at: &Path) -> bool {
    let mut cmd = Command::new(if sudo { "sudo" } else { "mount" });
    if sudo {
        cmd.args(["-n", "mount"]);
    }
    cmd.args(args)
        .arg(at)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_first_run_on_a_full_disk_is_completed_once_space_is_freed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let [spec, _, _] = specs(tmp.path());
    let clean = clean(&[&spec]);
    // Too little space to stage: nothing is changed, the stage is given back.
    let Some(disk) = Tmpfs::mount(&tmp.path().join("small"), "size=256k") else {
        return;
    };
    let out = disk.at.join("system");
    let o = generate(&spec, &out, &[]);
    o.code(2);
    assert!(o.text().contains("No space left on device"), "{}", o.text());
    assert!(o.text().contains("was changed"), "{}", o.text());
    assert!(!out.join(".msaforge/txn").exists(), "the stage is removed");
    disk.remount("size=64m");
    generate_as_planned(&spec, &out, &[]).code(0);
    assert_same(&out, &clean);
    drop(disk);

    // Space for the stage but no inode left for the directories the renames need: the run stops
    // after its commit point, and the next one completes it. The inode count that does this is
    // found by trying the few around the number of files.
    let files = clean.len();
    let mut found = false;
    for inodes in files..files + 12 {
        let Some(disk) = Tmpfs::mount(
            &tmp.path().join(format!("inodes-{inodes}")),
            &format!("size=64m,nr_inodes={inodes}"),
        ) else {
            return;
        };
        let out = disk.at.join("system");
        let o = generate(&spec, &out, &[]);
        if o.status.code() == Some(0) || !out.join(".msaforge/txn/journal.json").exists() {
            continue; // failed while staging (covered above), or enough inodes
        }
        o.code(2);
        assert!(o.text().contains("stopped half applied"), "{}", o.text());
        disk.remount("nr_inodes=100000");
        let o = generate_as_planned(&spec, &out, &[]);
        o.code(0);
        assert!(o.text().contains("interrupted"), "{}", o.text());
        assert_same(&out, &clean);
        found = true;
        break;
    }
    assert!(
        found,
        "no inode count made the renames fail after the commit point"
    );
}

#[test]
fn concurrent_runs_take_turns_and_one_that_cannot_wait_writes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, s2, s3] = specs(tmp.path());
    generate(&s1, &out, &[]).code(0);
    let journal = out.join(".msaforge/txn/journal.json");
    let slow = [("MSAFORGE_TEST_APPLY_PAUSE_MS", "100")];
    let short = [("MSAFORGE_LOCK_WAIT", "0.3")];
    let dir = out.to_str().expect("utf-8");
    let v3_s = s3.to_str().expect("utf-8");

    // A second run, a plan and a check while a generate is applying: each refuses with exit 5.
    let mut first = spawn(&s2, &out, &slow);
    wait_for(&mut first, "committing", || journal.exists());
    for args in [
        vec!["generate", v3_s, "-o", dir],
        vec!["plan", v3_s, "-o", dir],
        vec!["generate", v3_s, "-o", dir, "--dry-run"],
        vec!["check", "--output", dir],
    ] {
        let o = Msaforge::new().args(args).envs(&short).run();
        o.code(5);
        assert!(
            o.text().contains("another msaforge run is using"),
            "{}",
            o.text()
        );
    }
    let o = first.finish();
    o.code(0);
    assert_same(&out, &clean(&[&s1, &s2])); // the refused version 3 run wrote nothing

    // A run that may wait long enough starts when the first has finished, and sees it finished.
    let mut first = spawn(&s3, &out, &slow);
    wait_for(&mut first, "committing", || journal.exists());
    let second = spawn(&s2, &out, &[("MSAFORGE_LOCK_WAIT", "300")]);
    first.finish().code(0);
    let o = second.finish();
    o.code(0);
    assert!(!o.text().contains("interrupted"), "{}", o.text());
    assert_same(&out, &clean(&[&s1, &s2, &s3, &s2]));

    // A killed run leaves no stale lock: the next run gets it at once, and completes the kill's.
    let mut first = spawn(&s3, &out, &slow);
    wait_for(&mut first, "committing", || journal.exists());
    first.kill();
    let o = Msaforge::new()
        .args(["generate", v3_s, "-o", dir])
        .env("MSAFORGE_LOCK_WAIT", "0")
        .run();
    o.code(0);
    assert!(o.text().contains("interrupted"), "{}", o.text());
    assert_same(&out, &clean(&[&s1, &s2, &s3, &s2, &s3]));
}

#[test]
fn edits_made_after_a_run_was_killed_survive_its_completion() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, _, s3] = specs(tmp.path());
    generate(&s1, &out, &[]).code(0);
    // Version 3 rewrites placement's generated API (a managed file) and deletes inventory's files;
    // the rewrite comes late in the transaction, the last deletion early.
    let rewritten = "services/placement/src/generated/api.rs";
    let lock = crate::regen_support::read(out.join(".msaforge/lock.json"));
    let deleted = lock
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("\"path\": \"services/inventory/src/generated/")
        })
        .filter_map(|l| l.strip_suffix("\","))
        .next_back()
        .map(|name| format!("services/inventory/src/generated/{name}"))
        .expect("inventory's generated files");
    let journal = out.join(".msaforge/txn/journal.json");
    let mut child = spawn(&s3, &out, &[("MSAFORGE_TEST_APPLY_PAUSE_MS", "100")]);
    wait_for(&mut child, "committing", || journal.exists());
    child.kill(); // within the first steps
    // The user edits both before running generate again.
    let edit_after = |path: &str| {
        let file = out.join(path);
        let text = std::fs::read_to_string(&file).ok()?;
        std::fs::write(&file, text + "// edited after the kill\n").expect("edit");
        Some(())
    };
    assert!(
        !crate::regen_support::read(out.join(rewritten)).contains("retire_shelf"),
        "not rewritten yet"
    );
    edit_after(rewritten).expect("still there");
    let pending_delete = edit_after(&deleted).is_some();
    let o = generate_as_planned(&s3, &out, &[]);
    o.code(3); // the edited generated file stops the new plan, as any edit does
    let kept = |path: &str| {
        assert!(
            o.text().contains(&format!("left-as-is      {path}")),
            "{}",
            o.text()
        );
        let now = crate::regen_support::read(out.join(path));
        assert!(now.ends_with("// edited after the kill\n"), "{path}");
    };
    kept(rewritten);
    assert!(
        pending_delete,
        "{deleted} was deleted before the run could be killed"
    );
    kept(&deleted);
    assert!(
        !out.join(".msaforge/txn").exists(),
        "the killed run is completed"
    );
}
