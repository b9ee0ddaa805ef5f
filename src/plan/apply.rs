//! Carrying out a plan as one journaled transaction, so that a crash or Ctrl-C never leaves a
//! half-written file or a lock that disagrees with the files.
//!
//! Every new text (files, merge bases, spec, lock) is first staged under `.msaforge/txn/`; then a
//! journal naming every rename and deletion is written atomically: that is the commit point. The
//! renames follow, the lock last. A run interrupted before the commit point left the output
//! untouched (the stage is discarded); one interrupted after it is rolled forward by the next run.
//! Nothing is written outside the output directory: every path is checked, symbolic links included.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Policy;
use super::lock::{self, Lock, LockedFile};
use super::paths::{check_inside, check_not_in_the_way};
use super::{Action, OnConflict, Plan, PlanError};

/// The transaction directory, relative to the output directory.
pub const TXN_DIR: &str = ".msaforge/txn";
const JOURNAL: &str = ".msaforge/txn/journal.json";

/// The journal: what to move into place and what to delete, in order.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    /// (staged file name under `txn/`, destination path).
    writes: Vec<(String, String)>,
    deletes: Vec<String>,
}

/// What applying did, for the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Files left with conflict markers.
    pub conflicts: Vec<String>,
}

/// True when an earlier run left a transaction behind.
pub fn interrupted(out: &Path) -> bool {
    out.join(TXN_DIR).exists()
}

/// Completes (after the commit point) or discards (before it) an interrupted transaction.
/// Returns whether there was one.
pub fn recover(out: &Path) -> Result<bool, PlanError> {
    let txn = out.join(TXN_DIR);
    if !txn.exists() {
        return Ok(false);
    }
    match std::fs::read_to_string(out.join(JOURNAL)) {
        Ok(text) => {
            let journal: Journal = serde_json::from_str(&text).map_err(|e| PlanError::BadLock {
                path: out.join(JOURNAL).display().to_string(),
                detail: e.to_string(),
            })?;
            roll_forward(out, &journal)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => return Err(read_err(&out.join(JOURNAL), source)),
    }
    std::fs::remove_dir_all(&txn).map_err(|source| write_err(&txn, source))?;
    Ok(true)
}

/// Applies `plan`: writes, merges, deletes, stores merge bases, the spec and the lock. Refuses
/// (writing nothing) when a managed file was edited and the plan was not made with `--force`, or
/// when a file conflicts and `on_conflict` is `Abort`.
pub fn apply(plan: &Plan, on_conflict: OnConflict) -> Result<Applied, PlanError> {
    let edited: Vec<String> = plan.of(Action::Edited).map(|c| c.path.clone()).collect();
    if !edited.is_empty() {
        return Err(PlanError::EditedManaged { paths: edited });
    }
    if on_conflict == OnConflict::Abort && plan.count(Action::Conflict) > 0 {
        let paths = plan.of(Action::Conflict).map(|c| c.path.clone()).collect();
        return Err(PlanError::Conflicts { paths });
    }
    let out = &plan.out;
    if plan.interrupted || interrupted(out) {
        // The plan was made against files an unfinished transaction is about to change.
        return Err(PlanError::Interrupted {
            dir: out.display().to_string(),
        });
    }
    std::fs::create_dir_all(out).map_err(|source| write_err(out, source))?;
    let root = out
        .canonicalize()
        .map_err(|source| write_err(out, source))?;

    let mut writes: Vec<(String, String)> = Vec::new(); // (destination, text)
    let mut deletes: Vec<String> = Vec::new();
    let mut files: Vec<LockedFile> = Vec::new();
    let mut applied = Applied::default();
    for change in &plan.changes {
        let after = change.after(on_conflict);
        if change.action.changes_files() {
            match after {
                Some(text) if change.current.text() != Some(text) => {
                    writes.push((change.path.clone(), text.to_owned()));
                }
                Some(_) => {}
                None => deletes.push(change.path.clone()),
            }
        }
        let entry = match (change.action, after) {
            (Action::DeletedByUser | Action::Orphaned | Action::Kept, _)
                if change.locked.is_some() =>
            {
                change.locked.clone()
            }
            (_, Some(text)) => {
                let was_conflict = change.locked.as_ref().is_some_and(|l| l.conflict)
                    || change.action == Action::Conflict;
                Some(LockedFile {
                    path: change.path.clone(),
                    policy: change.policy,
                    sha256: lock::hash(text.as_bytes()),
                    conflict: was_conflict && lock::has_conflict_markers(text),
                })
            }
            (_, None) => None,
        };
        if let Some(entry) = entry {
            if entry.conflict {
                applied.conflicts.push(entry.path.clone());
            }
            files.push(entry);
        }
        // Merge bases: the pristine new render of every merge file that is still generated.
        let base = lock::base_path(&change.path);
        match (&change.rendered, change.policy) {
            (Some(new), Policy::Merge) if change.base.as_deref() != Some(new.as_str()) => {
                writes.push((base, new.clone()));
            }
            (Some(_), Policy::Merge) => {}
            _ if out.join(&base).exists() => deletes.push(base),
            _ => {}
        }
    }
    if std::fs::read_to_string(out.join(lock::SPEC))
        .ok()
        .as_deref()
        != Some(plan.stamp.spec_json.as_str())
    {
        writes.push((lock::SPEC.to_owned(), plan.stamp.spec_json.clone()));
    }
    let new_lock = Lock {
        format: lock::FORMAT,
        msaforge: env!("CARGO_PKG_VERSION").to_owned(),
        templates: plan.stamp.templates_hash.clone(),
        spec: plan.stamp.spec_hash.clone(),
        files,
    };
    // The lock goes last: whatever happens before it, the next run sees the old lock and the
    // journal, and completes the transaction.
    writes.push((lock::LOCK.to_owned(), new_lock.to_text()));
    for path in writes.iter().map(|(p, _)| p).chain(&deletes) {
        check_inside(&root, path)?;
    }
    for (path, _) in &writes {
        check_not_in_the_way(&root, path)?;
    }
    let journal = stage(&root, &writes, deletes)?;
    roll_forward(&root, &journal)?;
    let txn = root.join(TXN_DIR);
    std::fs::remove_dir_all(&txn).map_err(|source| write_err(&txn, source))?;
    Ok(applied)
}

/// Writes every new text under `txn/`, then the journal (the commit point).
fn stage(
    root: &Path,
    writes: &[(String, String)],
    deletes: Vec<String>,
) -> Result<Journal, PlanError> {
    let txn = root.join(TXN_DIR);
    std::fs::create_dir_all(&txn).map_err(|source| write_err(&txn, source))?;
    let mut journal = Journal {
        writes: Vec::with_capacity(writes.len()),
        deletes,
    };
    for (i, (dest, text)) in writes.iter().enumerate() {
        let name = format!("{i}");
        let staged = txn.join(&name);
        let mut file = create_readable(&staged).map_err(|source| write_err(&staged, source))?;
        file.write_all(text.as_bytes())
            .map_err(|source| write_err(&staged, source))?;
        journal.writes.push((name, dest.clone()));
    }
    let mut text = serde_json::to_string(&journal).unwrap_or_default();
    text.push('\n');
    let tmp = txn.join("journal.json.tmp");
    std::fs::write(&tmp, text).map_err(|source| write_err(&tmp, source))?;
    std::fs::rename(&tmp, root.join(JOURNAL)).map_err(|source| write_err(&tmp, source))?;
    Ok(journal)
}

/// Moves every staged file into place and deletes what the journal says. Idempotent: a staged
/// file already moved is skipped, so an interrupted roll-forward can simply run again.
fn roll_forward(root: &Path, journal: &Journal) -> Result<(), PlanError> {
    let pause = test_pause();
    let txn = root.join(TXN_DIR);
    let mut dirs = Dirs::default();
    for path in &journal.deletes {
        check_inside(root, path)?;
        let target = root.join(path);
        match std::fs::remove_file(&target) {
            Ok(()) => prune_empty_dirs(root, &target),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(write_err(&target, source)),
        }
    }
    for (staged, dest) in &journal.writes {
        let from = txn.join(staged);
        if !from.exists() {
            continue;
        }
        check_inside(root, dest)?;
        let to = root.join(dest);
        if let Some(dir) = to.parent() {
            dirs.create(root, dir)?;
        }
        std::fs::rename(&from, &to).map_err(|source| write_err(&to, source))?;
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    Ok(())
}

/// The directories a transaction has made or found, so that each is created once, parents
/// first: N files in D directories cost D `mkdir` calls, not one per file (most failing with
/// EEXIST) plus the retries of `create_dir_all` for every missing parent.
#[derive(Default)]
struct Dirs(std::collections::HashSet<PathBuf>);

impl Dirs {
    /// Creates `dir` (inside `root`) and its missing parents, unless done before.
    fn create(&mut self, root: &Path, dir: &Path) -> Result<(), PlanError> {
        if dir == root || !dir.starts_with(root) || self.0.contains(dir) {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create(root, parent)?;
        }
        match std::fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(source) => return Err(write_err(dir, source)),
        }
        self.0.insert(dir.to_path_buf());
        Ok(())
    }
}

/// Test hook: `MSAFORGE_TEST_APPLY_PAUSE_MS` slows each rename down, so that a test can kill the
/// process in the middle of a transaction. Not for any other use.
fn test_pause() -> Option<std::time::Duration> {
    std::env::var("MSAFORGE_TEST_APPLY_PAUSE_MS")
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

/// A new file readable by others (0644 before the umask): nginx or a container build running as
/// another user must be able to read what was generated.
fn create_readable(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o644);
    }
    options.open(path)
}

fn write_err(path: &Path, source: std::io::Error) -> PlanError {
    PlanError::Write {
        path: path.display().to_string(),
        source,
    }
}

fn read_err(path: &Path, source: std::io::Error) -> PlanError {
    PlanError::Read {
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
}
