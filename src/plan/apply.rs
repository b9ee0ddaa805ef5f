//! Carrying out a plan as one journaled transaction, so that a crash, Ctrl-C or a full disk never
//! leaves a half-written file or a lock that disagrees with the files.
//!
//! Every new text (files, merge bases, spec, lock) is first staged under `.msaforge/txn/`; then a
//! journal naming every rename and deletion is written atomically: that is the commit point. The
//! renames follow, the lock last. A run interrupted before the commit point left the output
//! untouched (the stage is discarded); one interrupted after it is rolled forward by the next run
//! (`plan::txn`). Nothing is written outside the output directory: every path is checked,
//! symbolic links included, before anything is staged. Deciding what to write is this module's
//! job; the caller holds the directory's lock (`plan::guard`).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use super::journal::TXN_DIR;
use super::lock::{self, Lock, LockedFile, State};
use super::paths::{check_inside, check_not_in_the_way, check_state};
use super::txn::{Write, finish, roll_forward, stage};
use super::{Action, OnConflict, Plan, PlanError, Policy};

pub use super::txn::{interrupted, recover};

/// What applying did, for the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Files left with conflict markers.
    pub conflicts: Vec<String>,
    /// Files left as they were because someone changed them while the run was applying.
    pub left: Vec<String>,
}

/// What a transaction writes (the lock last) and deletes (with each file's hash as planned).
struct Transaction<'a> {
    writes: Vec<Write<'a>>,
    deletes: Vec<(String, Option<String>)>,
    applied: Applied,
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
    let txn = transaction(plan, &root, on_conflict)?;
    check(&root, &txn)?;
    let journal = match stage(&root, &txn.writes, txn.deletes) {
        Ok(journal) => journal,
        Err(e) => {
            // Before the commit point: nothing changed; give back the space the stage took.
            let _ = std::fs::remove_dir_all(root.join(TXN_DIR));
            return Err(e);
        }
    };
    let mut applied = txn.applied;
    applied.left = roll_forward(&root, &journal)?;
    finish(&root)?;
    Ok(applied)
}

/// Refuses, before anything is written, every path the transaction of `plan` would touch that
/// leads outside the output directory or where a file cannot go. `make` runs it too, so that
/// `plan` refuses exactly what `generate` refuses. Edited managed files are left out: `apply`
/// stops on them first.
pub(super) fn preflight(plan: &Plan, root: &Path) -> Result<(), PlanError> {
    check(root, &transaction(plan, root, OnConflict::Markers)?)
}

fn check(root: &Path, txn: &Transaction<'_>) -> Result<(), PlanError> {
    let writes = txn.writes.iter().map(|w| &w.path);
    for path in writes.chain(txn.deletes.iter().map(|(p, _)| p)) {
        if path.starts_with(".msaforge/") {
            check_state(root, path)?;
        } else {
            check_inside(root, path)?;
        }
    }
    for write in &txn.writes {
        check_not_in_the_way(root, &write.path)?;
    }
    Ok(())
}

/// Everything applying `plan` with `on_conflict` writes and deletes, the new lock last.
fn transaction<'a>(
    plan: &'a Plan,
    root: &Path,
    on_conflict: OnConflict,
) -> Result<Transaction<'a>, PlanError> {
    let mut writes: Vec<Write<'a>> = Vec::new();
    let mut deletes: Vec<(String, Option<String>)> = Vec::new();
    let state = |path: String, text: Cow<'a, str>| Write {
        path,
        text,
        was: None,
    };
    let mut files: Vec<LockedFile> = Vec::new();
    let mut applied = Applied::default();
    for change in plan.changes.iter().filter(|c| c.action != Action::Edited) {
        let after = change.after(on_conflict);
        if change.action.changes_files() {
            let was = change.current.hash();
            match after {
                Some(text) if change.current.text() != Some(text) => writes.push(Write {
                    path: change.path.clone(),
                    text: Cow::Borrowed(text),
                    was,
                }),
                Some(_) => {}
                None => deletes.push((change.path.clone(), was)),
            }
        }
        // Left alone (the user's, deleted by the user, orphaned): the entry and its base stay as
        // they were, so that the next run still knows what msaforge last generated there.
        let retained = matches!(
            change.action,
            Action::DeletedByUser | Action::Orphaned | Action::Kept
        ) && change.locked.is_some();
        let entry = match after {
            _ if retained => change.locked.clone(),
            Some(text) => {
                let was_conflict = change.locked.as_ref().is_some_and(|l| l.conflict)
                    || change.action == Action::Conflict;
                Some(LockedFile {
                    path: change.path.clone(),
                    policy: change.policy,
                    sha256: lock::hash(text.as_bytes()),
                    conflict: was_conflict && lock::has_conflict_markers(text),
                    base: (change.policy == Policy::Merge)
                        .then(|| change.rendered.as_deref().map(|r| lock::hash(r.as_bytes())))
                        .flatten(),
                })
            }
            None => None,
        };
        if let Some(entry) = entry {
            if entry.conflict {
                applied.conflicts.push(entry.path.clone());
            }
            files.push(entry);
        }
        // Merge bases: the pristine new render of every merge file msaforge wrote or merged.
        if let (Some(new), Policy::Merge, false) = (&change.rendered, change.policy, retained)
            && change.base.as_deref() != Some(new.as_str())
        {
            writes.push(state(lock::base_path(&change.path), Cow::Borrowed(new)));
        }
    }
    // A base goes when its file no longer has a merge entry.
    let merging: BTreeSet<&str> = files
        .iter()
        .filter(|f| f.policy == Policy::Merge)
        .map(|f| f.path.as_str())
        .collect();
    for old in plan.lock.iter().flat_map(|l| &l.files) {
        let base = lock::base_path(&old.path);
        if old.policy == Policy::Merge
            && !merging.contains(old.path.as_str())
            && std::fs::symlink_metadata(root.join(&base)).is_ok()
        {
            deletes.push((base, None));
        }
    }
    if !matches!(lock::read_state(root, lock::SPEC)?, State::Text(t) if t == plan.stamp.spec_json) {
        writes.push(state(
            lock::SPEC.to_owned(),
            Cow::Borrowed(&plan.stamp.spec_json),
        ));
    }
    if let Some(history) = &plan.stamp.migrations_json
        && !matches!(lock::read_state(root, lock::MIGRATIONS)?, State::Text(t) if t == *history)
    {
        writes.push(state(lock::MIGRATIONS.to_owned(), Cow::Borrowed(history)));
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
    writes.push(state(lock::LOCK.to_owned(), Cow::Owned(new_lock.to_text())));
    Ok(Transaction {
        writes,
        deletes,
        applied,
    })
}

fn write_err(path: &Path, source: std::io::Error) -> PlanError {
    PlanError::Write {
        path: path.display().to_string(),
        source,
    }
}
