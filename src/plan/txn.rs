//! Carrying a transaction out under `.msaforge/txn/`: staging new texts, committing the journal,
//! rolling it forward, and completing or discarding what an interrupted run left.
//!
//! Rolling forward touches only destinations that are still as the run planned them: a file
//! someone changed after an interrupted run was planned (the user went on editing after a Ctrl-C)
//! is left as it is and reported, and the next plan sees it as that person's edit. What goes into
//! a transaction is `plan::apply`'s decision; the journal's format is `plan::journal`'s.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use super::PlanError;
use super::dirs::{self, Dirs};
use super::journal::{self, JOURNAL, Journal, Step, TXN_DIR};
use super::lock::{self, OnDisk, State};
use super::paths::check_state;

/// The mode of a new file: readable by others (nginx or a container build running as another user
/// must read what was generated), whatever the umask, so that every machine gets the same files.
const NEW_FILE_MODE: u32 = 0o644;

/// One file to write: destination, text, and its hash when planned (`None`: did not exist).
pub(super) struct Write<'a> {
    pub(super) path: String,
    pub(super) text: Cow<'a, str>,
    pub(super) was: Option<String>,
}

/// True when an earlier run left a transaction behind.
pub fn interrupted(out: &Path) -> bool {
    std::fs::symlink_metadata(out.join(TXN_DIR)).is_ok()
}

/// Completes (after the commit point) or discards (before it) an interrupted transaction.
/// Returns `None` when there was none, otherwise the files it left as they were because they had
/// changed since it was planned. A journal that msaforge could not have written is refused and
/// nothing is moved.
pub fn recover(out: &Path) -> Result<Option<Vec<String>>, PlanError> {
    let Ok(root) = out.canonicalize() else {
        return Ok(None); // no directory, no transaction
    };
    check_state(&root, JOURNAL)?;
    if !interrupted(&root) {
        return Ok(None);
    }
    let left = match journal::read(&root)? {
        Some(journal) => roll_forward(&root, &journal)?,
        None => Vec::new(), // staged, never committed: discarded
    };
    finish(&root)?;
    Ok(Some(left))
}

/// What an interrupted, committed transaction will leave once completed, so that a plan made
/// before `generate` completes it predicts what `generate` does: every destination still as that
/// run planned it reads as its staged text, or as missing when it is to be deleted.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// Destination -> the staged file (relative, under `txn/`), or `None` to be deleted.
    steps: BTreeMap<String, Option<String>>,
}

impl Pending {
    /// The pending steps of `root`'s interrupted transaction (none when there is none, or when it
    /// was never committed). Refuses a journal msaforge could not have written.
    pub(super) fn read(root: &Path) -> Result<Pending, PlanError> {
        let mut pending = Pending::default();
        if !interrupted(root) {
            return Ok(pending);
        }
        let Some(journal) = journal::read(root)? else {
            return Ok(pending);
        };
        let as_planned = |step: &Step| -> Result<bool, PlanError> {
            Ok(step.is_state() || OnDisk::read(root, &step.path)?.hash() == step.was)
        };
        for step in &journal.deletes {
            if as_planned(step)? {
                pending.steps.insert(step.path.clone(), None);
            }
        }
        for step in &journal.writes {
            let staged = format!("{TXN_DIR}/{}", step.staged.as_deref().unwrap_or_default());
            if std::fs::symlink_metadata(root.join(&staged)).is_ok() && as_planned(step)? {
                pending.steps.insert(step.path.clone(), Some(staged));
            }
        }
        Ok(pending)
    }

    /// A file of the output as it will be.
    pub(super) fn file(&self, root: &Path, path: &str) -> Result<OnDisk, PlanError> {
        match self.steps.get(path) {
            None => OnDisk::read(root, path),
            Some(None) => Ok(OnDisk::Missing),
            Some(Some(staged)) => {
                check_state(root, staged)?;
                Ok(OnDisk::from_read(std::fs::read(root.join(staged))))
            }
        }
    }

    /// A file of msaforge's state as it will be.
    pub(super) fn state(&self, root: &Path, path: &str) -> Result<State, PlanError> {
        match self.steps.get(path) {
            None => lock::read_state(root, path),
            Some(None) => Ok(State::Missing),
            Some(Some(staged)) => lock::read_state(root, staged),
        }
    }
}

/// Removes the transaction directory once everything in it is done (or was never committed).
pub(super) fn finish(root: &Path) -> Result<(), PlanError> {
    let txn = root.join(TXN_DIR);
    std::fs::remove_dir_all(&txn).map_err(|source| incomplete(root, &txn, source))
}

/// Writes every new text under `txn/`, then the journal (the commit point). A file that replaces
/// another keeps that file's mode (a script the user made executable stays so); a new one gets
/// 0644. On failure nothing in the output was changed.
pub(super) fn stage(
    root: &Path,
    writes: &[Write<'_>],
    deletes: Vec<(String, Option<String>)>,
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
        deletes: deletes
            .into_iter()
            .map(|(path, was)| Step {
                path,
                staged: None,
                was,
            })
            .collect(),
    };
    for (i, write) in writes.iter().enumerate() {
        let name = format!("{i}");
        let staged = txn.join(&name);
        write_new(
            &staged,
            write.text.as_bytes(),
            mode_of(&root.join(&write.path)),
        )
        .map_err(|source| failed(&staged, source))?;
        journal.writes.push(Step {
            path: write.path.clone(),
            staged: Some(name),
            was: write.was.clone(),
        });
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

/// Moves every staged file into place and deletes what the journal says, leaving alone (and
/// returning) the files that changed since the run was planned. Idempotent: a step already done
/// is skipped, so an interrupted roll-forward can simply run again.
pub(super) fn roll_forward(root: &Path, journal: &Journal) -> Result<Vec<String>, PlanError> {
    let pause = test_pause("MSAFORGE_TEST_APPLY_PAUSE_MS");
    let txn = root.join(TXN_DIR);
    let mut left = Vec::new();
    let mut dirs = Dirs::default();
    let as_planned = |step: &Step| -> Result<bool, PlanError> {
        Ok(step.is_state() || OnDisk::read(root, &step.path)?.hash() == step.was)
    };
    for step in &journal.deletes {
        let target = root.join(&step.path);
        if std::fs::symlink_metadata(&target).is_err() {
            continue; // done already
        }
        if !as_planned(step)? {
            left.push(step.path.clone());
            continue;
        }
        match std::fs::remove_file(&target) {
            Ok(()) => dirs::prune_empty(root, &target),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(incomplete(root, &target, source)),
        }
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    for step in &journal.writes {
        let from = txn.join(step.staged.as_deref().unwrap_or_default());
        if std::fs::symlink_metadata(&from).is_err() {
            continue; // moved already
        }
        if !as_planned(step)? {
            left.push(step.path.clone());
            continue;
        }
        let to = root.join(&step.path);
        if let Some(dir) = to.parent() {
            dirs.create(root, dir)
                .map_err(|(dir, source)| incomplete(root, &dir, source))?;
        }
        std::fs::rename(&from, &to).map_err(|source| incomplete(root, &to, source))?;
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    Ok(left)
}

/// Test hooks: `MSAFORGE_TEST_STAGE_PAUSE_MS` slows each staged write down,
/// `MSAFORGE_TEST_APPLY_PAUSE_MS` each rename and deletion, so that a test can kill the process in the middle
/// of a transaction or run a second one meanwhile. Not for any other use.
fn test_pause(var: &str) -> Option<std::time::Duration> {
    std::env::var(var)
        .ok()?
        .parse()
        .ok()
        .map(std::time::Duration::from_millis)
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
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
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
    use crate::plan::lock::hash;

    fn write<'a>(path: &str, text: &'a str, was: Option<&str>) -> Write<'a> {
        Write {
            path: path.to_owned(),
            text: Cow::Borrowed(text),
            was: was.map(|w| hash(w.as_bytes())),
        }
    }

    fn read(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).expect("read")
    }

    #[test]
    fn an_uncommitted_transaction_is_discarded_a_committed_one_completed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::write(root.join("keep.txt"), "old\n").expect("write");
        // Staged but not committed: discarded, the output untouched.
        std::fs::create_dir_all(root.join(TXN_DIR)).expect("txn");
        std::fs::write(root.join(TXN_DIR).join("0"), "new\n").expect("stage");
        assert_eq!(recover(&root).expect("recovers"), Some(Vec::new()));
        assert_eq!(read(&root, "keep.txt"), "old\n");
        assert!(!interrupted(&root));
        // Committed: completed, also when half of it was done already.
        std::fs::write(root.join("gone.txt"), "x").expect("write");
        let journal = stage(
            &root,
            &[
                write("keep.txt", "new\n", Some("old\n")),
                write("sub/added.txt", "added\n", None),
            ],
            vec![("gone.txt".into(), Some(hash(b"x")))],
        )
        .expect("stages");
        let first = journal.writes[0].staged.as_deref().expect("staged");
        std::fs::rename(root.join(TXN_DIR).join(first), root.join("keep.txt"))
            .expect("first rename done before the crash");
        assert_eq!(recover(&root).expect("recovers"), Some(Vec::new()));
        assert_eq!(read(&root, "keep.txt"), "new\n");
        assert_eq!(read(&root, "sub/added.txt"), "added\n");
        assert!(!root.join("gone.txt").exists());
        assert!(!interrupted(&root));
        assert_eq!(recover(&root).expect("nothing to do"), None);
    }

    #[test]
    fn files_changed_after_the_run_was_planned_are_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::write(root.join("a.txt"), "old\n").expect("write");
        std::fs::write(root.join("gone.txt"), "x").expect("write");
        stage(
            &root,
            &[
                write("a.txt", "new\n", Some("old\n")),
                write("b.txt", "new\n", None),
            ],
            vec![("gone.txt".into(), Some(hash(b"x")))],
        )
        .expect("stages");
        // Interrupted here; then the user edits all three.
        std::fs::write(root.join("a.txt"), "mine\n").expect("edit");
        std::fs::write(root.join("b.txt"), "mine too\n").expect("edit");
        std::fs::write(root.join("gone.txt"), "edited\n").expect("edit");
        let left = recover(&root).expect("recovers").expect("there was one");
        assert_eq!(left, ["gone.txt", "a.txt", "b.txt"]);
        assert_eq!(read(&root, "a.txt"), "mine\n");
        assert_eq!(read(&root, "b.txt"), "mine too\n");
        assert_eq!(read(&root, "gone.txt"), "edited\n");
        assert!(!interrupted(&root));
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
                write("run.sh", "new\n", Some("old\n")),
                write("new.txt", "new\n", None),
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
