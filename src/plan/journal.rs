//! The transaction log under `.msaforge/txn/`: staging new texts, the journal that commits them,
//! rolling a committed journal forward, and completing or discarding what an interrupted run left.
//!
//! A journal is read back from disk, so it is checked like any other input before anything is
//! moved: every staged name is a plain file of `txn/`, every destination a path msaforge writes
//! (inside the output, or its own state), no path twice, no symbolic link leading out. A journal
//! that fails is refused as a whole. What goes into the journal is `plan::apply`'s decision.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PlanError;
use super::lock::{self, BASE_DIR, State};
use super::paths::{check_inside, check_state, is_output_path};

/// The transaction directory, relative to the output directory.
pub const TXN_DIR: &str = ".msaforge/txn";
const JOURNAL: &str = ".msaforge/txn/journal.json";
/// The mode of a new file: readable by others (nginx or a container build running as another user
/// must read what was generated), whatever the umask, so that every machine gets the same files.
const NEW_FILE_MODE: u32 = 0o644;

/// The journal: what to move into place and what to delete, in order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Journal {
    /// (staged file name under `txn/`, destination path).
    pub(super) writes: Vec<(String, String)>,
    pub(super) deletes: Vec<String>,
}

/// True when an earlier run left a transaction behind.
pub fn interrupted(out: &Path) -> bool {
    std::fs::symlink_metadata(out.join(TXN_DIR)).is_ok()
}

/// Completes (after the commit point) or discards (before it) an interrupted transaction.
/// Returns whether there was one. A journal that msaforge could not have written is refused and
/// nothing is moved.
pub fn recover(out: &Path) -> Result<bool, PlanError> {
    let Ok(root) = out.canonicalize() else {
        return Ok(false); // no directory, no transaction
    };
    check_state(&root, JOURNAL)?;
    if !interrupted(&root) {
        return Ok(false);
    }
    if let Some(journal) = read(&root)? {
        roll_forward(&root, &journal)?;
    }
    finish(&root)?;
    Ok(true)
}

/// The committed journal of an interrupted transaction (`None`: staged, never committed),
/// refused unless msaforge could have written it. Moves nothing.
pub(super) fn read(root: &Path) -> Result<Option<Journal>, PlanError> {
    let bad = |detail: String| PlanError::BadJournal {
        path: root.join(JOURNAL).display().to_string(),
        detail,
    };
    match lock::read_state(root, JOURNAL)? {
        State::Missing => Ok(None),
        State::Damaged(detail) => Err(bad(detail)),
        State::Text(text) => {
            let journal: Journal = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
            validate(root, &journal).map_err(bad)?;
            Ok(Some(journal))
        }
    }
}

/// Removes the transaction directory once everything in it is done (or was never committed).
pub(super) fn finish(root: &Path) -> Result<(), PlanError> {
    let txn = root.join(TXN_DIR);
    std::fs::remove_dir_all(&txn).map_err(|source| incomplete(root, &txn, source))
}

/// Refuses a journal that names anything but plain staged files and paths msaforge writes.
fn validate(root: &Path, journal: &Journal) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for (staged, _) in &journal.writes {
        let plain =
            !staged.is_empty() && staged.len() < 10 && staged.bytes().all(|b| b.is_ascii_digit());
        if !plain || !names.insert(staged) {
            return Err(format!("`{staged}` is not a file msaforge stages"));
        }
        let at = format!("{TXN_DIR}/{staged}");
        check_state(root, &at).map_err(|e| e.to_string())?;
        match std::fs::symlink_metadata(root.join(&at)) {
            Ok(meta) if !meta.is_file() => return Err(format!("`{at}` is not a regular file")),
            _ => {}
        }
    }
    let writes = journal.writes.iter().map(|(_, dest)| (dest, true));
    let deletes = journal.deletes.iter().map(|dest| (dest, false));
    for (dest, write) in writes.chain(deletes) {
        let state = dest == lock::LOCK
            || dest == lock::SPEC
            || dest
                .strip_prefix(BASE_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(is_output_path);
        let allowed = is_output_path(dest) || (state && (write || dest.starts_with(BASE_DIR)));
        if !allowed {
            return Err(format!(
                "`{dest}` is not a path msaforge writes (absolute, `..`, or msaforge's own files)"
            ));
        }
        if !seen.insert(dest) {
            return Err(format!("`{dest}` is named twice"));
        }
        let checked = if state {
            check_state(root, dest)
        } else {
            check_inside(root, dest)
        };
        checked.map_err(|e| format!("`{dest}`: {e}"))?;
    }
    Ok(())
}

/// Writes every new text under `txn/`, then the journal (the commit point). A file that replaces
/// another keeps that file's mode (a script the user made executable stays so); a new one gets
/// 0644. On failure nothing in the output was changed.
pub(super) fn stage(
    root: &Path,
    writes: &[(String, String)],
    deletes: Vec<String>,
) -> Result<Journal, PlanError> {
    let pause = test_pause("MSAFORGE_TEST_STAGE_PAUSE_MS");
    let txn = root.join(TXN_DIR);
    let failed = |path: &Path, source| PlanError::NotStarted {
        dir: root.display().to_string(),
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&txn).map_err(|source| failed(&txn, source))?;
    let mut journal = Journal {
        writes: Vec::with_capacity(writes.len()),
        deletes,
    };
    for (i, (dest, text)) in writes.iter().enumerate() {
        let name = format!("{i}");
        let staged = txn.join(&name);
        write_new(&staged, text.as_bytes(), mode_of(&root.join(dest)))
            .map_err(|source| failed(&staged, source))?;
        journal.writes.push((name, dest.clone()));
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    let mut text = serde_json::to_string(&journal).unwrap_or_default();
    text.push('\n');
    let tmp = txn.join("journal.json.tmp");
    write_new(&tmp, text.as_bytes(), NEW_FILE_MODE).map_err(|source| failed(&tmp, source))?;
    std::fs::rename(&tmp, root.join(JOURNAL)).map_err(|source| failed(&tmp, source))?;
    Ok(journal)
}

/// Moves every staged file into place and deletes what the journal says. Idempotent: a staged
/// file already moved is skipped, so an interrupted roll-forward can simply run again.
pub(super) fn roll_forward(root: &Path, journal: &Journal) -> Result<(), PlanError> {
    let pause = test_pause("MSAFORGE_TEST_APPLY_PAUSE_MS");
    let txn = root.join(TXN_DIR);
    for path in &journal.deletes {
        let target = root.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => prune_empty_dirs(root, &target),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(incomplete(root, &target, source)),
        }
    }
    for (staged, dest) in &journal.writes {
        let from = txn.join(staged);
        if std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        let to = root.join(dest);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|source| incomplete(root, dir, source))?;
        }
        std::fs::rename(&from, &to).map_err(|source| incomplete(root, &to, source))?;
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    Ok(())
}

/// Test hooks: `MSAFORGE_TEST_STAGE_PAUSE_MS` slows each staged write down,
/// `MSAFORGE_TEST_APPLY_PAUSE_MS` each rename, so that a test can kill the process in the middle
/// of a transaction or run a second one meanwhile. Not for any other use.
fn test_pause(var: &str) -> Option<std::time::Duration> {
    std::env::var(var)
        .ok()?
        .parse()
        .ok()
        .map(std::time::Duration::from_millis)
}

/// Removes the directories a deletion left empty, up to (not including) `root`.
fn prune_empty_dirs(root: &Path, deleted: &Path) {
    let mut dir: Option<PathBuf> = deleted.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(&d).is_err() {
            break;
        }
        dir = d.parent().map(Path::to_path_buf);
    }
}

/// The permission bits of the regular file at `path`, or the mode of a new file.
fn mode_of(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => meta.permissions().mode() & 0o7777,
            _ => NEW_FILE_MODE,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        NEW_FILE_MODE
    }
}

/// Creates `path` (which must not exist) with `bytes` and exactly `mode` (not masked by the umask).
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.write_all(bytes)
}

fn incomplete(root: &Path, path: &Path, source: std::io::Error) -> PlanError {
    PlanError::Incomplete {
        dir: root.display().to_string(),
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_transaction_is_discarded_a_committed_one_completed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::write(root.join("keep.txt"), "old\n").expect("write");
        // Staged but not committed: discarded, the output untouched.
        std::fs::create_dir_all(root.join(TXN_DIR)).expect("txn");
        std::fs::write(root.join(TXN_DIR).join("0"), "new\n").expect("stage");
        assert!(recover(&root).expect("recovers"));
        assert_eq!(
            std::fs::read_to_string(root.join("keep.txt")).expect("read"),
            "old\n"
        );
        assert!(!interrupted(&root));
        // Committed: completed, also when half of it was done already.
        let journal = stage(
            &root,
            &[
                ("keep.txt".into(), "new\n".into()),
                ("sub/added.txt".into(), "added\n".into()),
            ],
            vec!["gone.txt".into()],
        )
        .expect("stages");
        std::fs::write(root.join("gone.txt"), "x").expect("write");
        std::fs::rename(
            root.join(TXN_DIR).join(&journal.writes[0].0),
            root.join("keep.txt"),
        )
        .expect("first rename done before the crash");
        assert!(recover(&root).expect("recovers"));
        assert_eq!(
            std::fs::read_to_string(root.join("keep.txt")).expect("read"),
            "new\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join("sub/added.txt")).expect("read"),
            "added\n"
        );
        assert!(!root.join("gone.txt").exists());
        assert!(!interrupted(&root));
    }

    #[test]
    fn a_journal_msaforge_could_not_have_written_is_refused_whole() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        let outside = tempfile::tempdir().expect("temp dir");
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "secret\n").expect("write");
        let secret = secret.display().to_string();
        let cases: [Case; 8] = [
            (&[("0", "/tmp/x")], &[], "not a path msaforge writes"),
            (&[("0", "../x")], &[], "not a path msaforge writes"),
            (&[("0", "a/../../x")], &[], "not a path msaforge writes"),
            (&[("../../x", "a.txt")], &[], "not a file msaforge stages"),
            (
                &[(secret.as_str(), "a.txt")],
                &[],
                "not a file msaforge stages",
            ),
            (&[("0", "a.txt"), ("1", "a.txt")], &[], "named twice"),
            (&[("0", "a.txt")], &[&secret], "not a path msaforge writes"),
            (
                &[("0", ".msaforge/txn/0")],
                &[],
                "not a path msaforge writes",
            ),
        ];
        for (writes, deletes, why) in cases {
            std::fs::create_dir_all(root.join(TXN_DIR)).expect("txn");
            std::fs::write(root.join(TXN_DIR).join("0"), "staged\n").expect("stage");
            let journal = Journal {
                writes: writes
                    .iter()
                    .map(|(s, d)| ((*s).to_owned(), (*d).to_owned()))
                    .collect(),
                deletes: deletes.iter().map(|d| (*d).to_owned()).collect(),
            };
            let text = serde_json::to_string(&journal).expect("json");
            std::fs::write(root.join(JOURNAL), text).expect("journal");
            match recover(&root) {
                Err(PlanError::BadJournal { detail, .. }) => {
                    assert!(detail.contains(why), "{why}: {detail}");
                }
                other => panic!("{why}: {other:?}"),
            }
            assert!(root.join(TXN_DIR).join("0").exists(), "nothing moved");
            assert!(!root.join("a.txt").exists());
            std::fs::remove_dir_all(root.join(TXN_DIR)).expect("clean");
        }
        assert_eq!(
            std::fs::read_to_string(outside.path().join("secret.txt")).expect("read"),
            "secret\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn staged_files_keep_the_mode_of_the_file_they_replace() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::write(root.join("run.sh"), "old\n").expect("write");
        std::fs::set_permissions(root.join("run.sh"), std::fs::Permissions::from_mode(0o750))
            .expect("chmod");
        let journal = stage(
            &root,
            &[
                ("run.sh".into(), "new\n".into()),
                ("new.txt".into(), "new\n".into()),
            ],
            Vec::new(),
        )
        .expect("stages");
        roll_forward(&root, &journal).expect("applies");
        let mode = |p: &str| {
            std::fs::metadata(root.join(p))
                .expect("stat")
                .permissions()
                .mode()
                & 0o7777
        };
        assert_eq!(mode("run.sh"), 0o750);
        assert_eq!(mode("new.txt"), 0o644);
    }
}
