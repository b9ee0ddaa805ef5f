//! Classifying every file of a regeneration: the new render against the lock, the stored merge
//! base and the file on disk. Reads the output directory, never writes to it.

use std::collections::BTreeMap;
use std::path::Path;

use super::lock::{self, Lock, LockedFile, OnDisk, State};
use super::merge::{Labels, merge};
use super::txn::Pending;
use super::{Action, Change, Plan, PlanError, Stamp, apply};
use super::{Policy, Rendered};

/// Plans regenerating `files` into `out`. With `force`, edited managed files and files the user
/// deleted are planned to be written again instead of stopping or staying deleted. Refuses what
/// `apply` would refuse before writing anything (a path leading outside, something in the way),
/// and reads nothing outside `out`.
pub fn make(
    files: Vec<Rendered>,
    out: &Path,
    stamp: Stamp,
    force: bool,
) -> Result<Plan, PlanError> {
    // A directory that does not exist yet holds nothing: every file is new.
    let root = out.canonicalize().ok();
    // An interrupted run is planned as `generate` sees it: completed first (a tampered journal is
    // refused here as there).
    let pending = root
        .as_deref()
        .map(Pending::read)
        .transpose()?
        .unwrap_or_default();
    let lock = match &root {
        Some(root) => lock::parse(root, pending.state(root, lock::LOCK)?)?,
        None => None,
    };
    let locked: BTreeMap<&str, &LockedFile> = lock.as_ref().map(Lock::by_path).unwrap_or_default();
    let old_spec = lock.as_ref().map_or("", |l| lock::short(&l.spec));
    let labels = Labels {
        yours: "yours".to_owned(),
        base: format!("generated (spec {old_spec})"),
        new: format!(
            "msaforge {} (spec {})",
            env!("CARGO_PKG_VERSION"),
            lock::short(&stamp.spec_hash)
        ),
    };
    let read = |path: &str| match &root {
        Some(root) => pending.file(root, path),
        None => Ok(OnDisk::Missing),
    };
    let mut changes = Vec::with_capacity(files.len());
    let mut rendered_paths = std::collections::BTreeSet::new();
    for file in files {
        rendered_paths.insert(file.path.clone());
        let old = locked.get(file.path.as_str()).copied();
        let current = read(&file.path)?;
        let base = match (&root, file.policy) {
            (Some(root), Policy::Merge) => {
                match pending.state(root, &lock::base_path(&file.path))? {
                    State::Text(text) => Some(text),
                    State::Missing | State::Damaged(_) => None,
                }
            }
            _ => None,
        };
        let mut change = classify(file, old, current, base.as_deref(), force, &labels);
        change.base = base;
        changes.push(change);
    }
    for (path, old) in &locked {
        if rendered_paths.contains(*path) {
            continue;
        }
        let current = read(path)?;
        let action = match current.hash() {
            None => continue, // gone already: the lock simply forgets it
            Some(h) if old.pristine() == Some(h.as_str()) => Action::Remove,
            Some(_) => Action::Orphaned,
        };
        changes.push(Change {
            path: (*path).to_owned(),
            policy: old.policy,
            action,
            current,
            rendered: None,
            merged: None,
            conflicts: 0,
            locked: Some((*old).clone()),
            base: None,
            base_lost: false,
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    let plan = Plan {
        out: out.to_path_buf(),
        stamp,
        interrupted: apply::interrupted(out),
        lock,
        changes,
        migrations: Vec::new(),
    };
    if let Some(root) = &root {
        apply::preflight(&plan, root)?;
    }
    Ok(plan)
}

fn classify(
    file: Rendered,
    old: Option<&LockedFile>,
    current: OnDisk,
    base: Option<&str>,
    force: bool,
    labels: &Labels,
) -> Change {
    let mut change = Change {
        path: file.path,
        policy: file.policy,
        action: Action::Unchanged,
        current,
        rendered: None,
        merged: None,
        conflicts: 0,
        locked: old.cloned(),
        base: None,
        base_lost: false,
    };
    let new = file.contents;
    // What msaforge last generated here, before any merge: a file with that hash holds no edit.
    let pristine = old.and_then(LockedFile::pristine);
    let untouched = |now: &OnDisk| pristine.is_some_and(|p| now.hash().as_deref() == Some(p));
    // The stored base counts only when the lock vouches for it.
    let trusted = base.filter(|b| {
        old.is_some_and(|o| {
            o.policy == Policy::Merge
                && o.base.as_deref() == Some(lock::hash(b.as_bytes()).as_str())
        })
    });
    change.action = match (&change.current, old) {
        (OnDisk::Missing, Some(_)) if !force => Action::DeletedByUser,
        (OnDisk::Missing, _) => Action::Create,
        (OnDisk::Text(text), _) if *text == new => Action::Unchanged,
        _ if file.policy == Policy::Once => Action::Kept,
        // Merge files are always merged: what msaforge last wrote may itself hold the user's
        // edits (an earlier merge), so "untouched since written" does not mean "pristine".
        (OnDisk::Text(text), _) if file.policy == Policy::Merge => {
            let base = match trusted {
                Some(base) => Some(base),
                // No trustworthy base: a file that is exactly what msaforge last generated is its
                // own base; otherwise every difference is the user's, and a conflict they decide.
                None if untouched(&change.current) => Some(text.as_str()),
                None => {
                    change.base_lost = old.is_some_and(|o| o.policy == Policy::Merge);
                    None
                }
            };
            let merged = merge(base, text, &new, labels);
            change.conflicts = merged.conflicts;
            let action = if merged.conflicts > 0 {
                Action::Conflict
            } else if merged.text == new {
                Action::Update
            } else if merged.text == *text {
                Action::Unchanged
            } else {
                Action::Merge
            };
            change.merged = Some(merged.text);
            action
        }
        (now, _) if untouched(now) => Action::Update,
        // A managed file edited by the user (or written by someone else before msaforge kept a
        // lock here), or a merge file that is not text: nothing to merge with.
        _ if force => Action::Update,
        _ => Action::Edited,
    };
    change.rendered = Some(new);
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock entry of a file msaforge wrote as `text`, recording `base` as its merge base.
    fn locked(text: &str, policy: Policy, base: Option<&str>) -> LockedFile {
        LockedFile {
            path: "f".into(),
            policy,
            sha256: lock::hash(text.as_bytes()),
            conflict: false,
            base: (policy == Policy::Merge)
                .then(|| base.map(|b| lock::hash(b.as_bytes())))
                .flatten(),
        }
    }

    /// Classifies a file msaforge last wrote as `old` (recording `base`, or `old` when there is
    /// none, as the base in the lock), that is `now` on disk, with `base` stored.
    fn run(
        policy: Policy,
        old: Option<&str>,
        now: Option<&str>,
        base: Option<&str>,
        new: &str,
    ) -> Change {
        let old = old.map(|t| locked(t, policy, base.or(Some(t))));
        stored(policy, old.as_ref(), now, base, new)
    }

    fn stored(
        policy: Policy,
        old: Option<&LockedFile>,
        now: Option<&str>,
        base: Option<&str>,
        new: &str,
    ) -> Change {
        let current = now.map_or(OnDisk::Missing, |t| OnDisk::Text(t.to_owned()));
        let file = Rendered {
            path: "f".into(),
            contents: new.into(),
            policy,
        };
        classify(file, old, current, base, false, &Labels::plain())
    }

    #[test]
    fn a_missing_or_altered_base_makes_every_difference_a_conflict() {
        let (base, mine, new) = ("a\nb\nc\n", "A\nb\nc\n", "a\nb\nc\nd\n");
        // What msaforge last wrote was a merge holding the user's edit (`mine`).
        let old = locked(mine, Policy::Merge, Some(base));
        let trusted = stored(Policy::Merge, Some(&old), Some(mine), Some(base), new);
        assert_eq!(trusted.action, Action::Merge);
        assert!(!trusted.base_lost);
        for (why, stored_base) in [("missing", None), ("altered", Some(mine))] {
            let c = stored(Policy::Merge, Some(&old), Some(mine), stored_base, new);
            assert_eq!(c.action, Action::Conflict, "{why}");
            assert!(c.base_lost, "{why}");
            let merged = c.merged.expect("markers");
            assert!(
                merged.contains("<<<<<<< yours\nA\n"),
                "{why}: the edit is kept: {merged}"
            );
        }
        // A file exactly as last generated is its own base, whatever happened to the stored one.
        let pristine = locked(base, Policy::Merge, Some(base));
        let c = stored(Policy::Merge, Some(&pristine), Some(base), None, new);
        assert_eq!((c.action, c.base_lost), (Action::Update, false));
        // A lock that recorded no base hash (format 1, base gone): nothing is known to be pristine.
        let unknown = locked(base, Policy::Merge, None);
        let c = stored(Policy::Merge, Some(&unknown), Some(base), None, new);
        assert_eq!((c.action, c.base_lost), (Action::Conflict, true));
    }

    #[test]
    fn a_merge_file_that_becomes_managed_keeps_the_edits_msaforge_merged_in() {
        let old = locked("A\nb\n", Policy::Merge, Some("a\nb\n"));
        let c = stored(
            Policy::Managed,
            Some(&old),
            Some("A\nb\n"),
            None,
            "a\nb\nc\n",
        );
        assert_eq!(c.action, Action::Edited);
        let untouched = locked("a\nb\n", Policy::Merge, Some("a\nb\n"));
        let c = stored(
            Policy::Managed,
            Some(&untouched),
            Some("a\nb\n"),
            None,
            "x\n",
        );
        assert_eq!(c.action, Action::Update);
    }

    #[test]
    fn every_policy_is_classified_as_documented() {
        use Action::{Conflict, Create, DeletedByUser, Edited, Kept, Unchanged, Update};
        use Policy::{Managed, Once};
        let m = Policy::Merge;
        let merged = Action::Merge;
        let a = "a\nb\nc\n";
        let cases = [
            (Managed, None, None, None, a, Create),
            (Managed, Some(a), Some(a), None, a, Unchanged),
            (Managed, Some(a), Some(a), None, "x\n", Update),
            (Managed, Some(a), Some("mine\n"), None, "x\n", Edited),
            (Managed, Some(a), None, None, a, DeletedByUser),
            (Once, Some(a), Some("mine\n"), None, "x\n", Kept),
            (Once, Some(a), Some(a), None, "x\n", Kept),
            // What msaforge last wrote was a merge holding the user's edit: still merged.
            (
                m,
                Some("A\nb\nc\n"),
                Some("A\nb\nc\n"),
                Some(a),
                "a\nb\nc\nd\n",
                merged,
            ),
            (m, Some(a), Some(a), None, "x\n", Update),
            (m, Some(a), Some("mine\n"), None, "x\n", Conflict),
            (m, Some(a), Some(a), Some(a), "a\nb\nc\nd\n", Update),
            (
                m,
                Some(a),
                Some("A\nb\nc\n"),
                Some(a),
                "a\nb\nc\nd\n",
                merged,
            ),
            (
                m,
                Some(a),
                Some("a\nB\nc\n"),
                Some(a),
                "a\nX\nc\n",
                Conflict,
            ),
            (m, Some(a), Some("A\nb\nc\n"), Some(a), a, Unchanged),
        ];
        for (policy, old, now, base, new, want) in cases {
            let got = run(policy, old, now, base, new).action;
            assert_eq!(got, want, "{policy:?} old={old:?} now={now:?} new={new:?}");
        }
    }

    #[test]
    fn a_clean_merge_keeps_the_edit_and_adds_the_new_lines() {
        let c = run(
            Policy::Merge,
            Some("a\nb\nc\n"),
            Some("A\nb\nc\n"),
            Some("a\nb\nc\n"),
            "a\nb\nc\nd\n",
        );
        assert_eq!(c.merged.as_deref(), Some("A\nb\nc\nd\n"));
    }

    #[test]
    fn a_file_saved_with_crlf_merges_line_by_line_and_keeps_crlf() {
        let c = run(
            Policy::Merge,
            Some("a\nb\nc\n"),
            Some("A\r\nb\r\nc\r\n"),
            Some("a\nb\nc\n"),
            "a\nb\nc\nd\n",
        );
        assert_eq!(c.action, Action::Merge);
        assert_eq!(c.merged.as_deref(), Some("A\r\nb\r\nc\r\nd\r\n"));
        // Only the line endings changed: msaforge's change still merges in, as CRLF.
        let c = run(
            Policy::Merge,
            Some("a\nb\n"),
            Some("a\r\nb\r\n"),
            Some("a\nb\n"),
            "a\nb\nc\n",
        );
        assert_eq!(c.action, Action::Merge);
        assert_eq!(c.merged.as_deref(), Some("a\r\nb\r\nc\r\n"));
    }

    #[test]
    fn a_conflict_carries_labelled_diff3_markers() {
        let c = run(
            Policy::Merge,
            Some("a\nb\nc\n"),
            Some("a\nB\nc\n"),
            Some("a\nb\nc\n"),
            "a\nX\nc\n",
        );
        assert_eq!(c.conflicts, 1);
        assert_eq!(
            c.merged.as_deref(),
            Some("a\n<<<<<<< yours\nB\n||||||| base\nb\n=======\nX\n>>>>>>> new\nc\n")
        );
    }
}
