//! Classifying every file of a regeneration: the new render against the lock, the stored merge
//! base and the file on disk. Reads the output directory, never writes to it.

use std::collections::BTreeMap;
use std::path::Path;

use similar::{ConflictStyle, TextMerge};

use super::lock::{self, Lock, LockedFile, OnDisk};
use super::{Action, Change, Plan, PlanError, Stamp, apply};
use super::{Policy, Rendered};

/// Plans regenerating `files` into `out`. With `force`, edited managed files and files the user
/// deleted are planned to be written again instead of stopping or staying deleted.
pub fn make(
    files: Vec<Rendered>,
    out: &Path,
    stamp: Stamp,
    force: bool,
) -> Result<Plan, PlanError> {
    let lock = lock::read(out)?;
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
    let mut changes = Vec::with_capacity(files.len());
    let mut rendered_paths = std::collections::BTreeSet::new();
    for file in files {
        rendered_paths.insert(file.path.clone());
        let old = locked.get(file.path.as_str()).copied();
        let current = OnDisk::read(&out.join(&file.path));
        let base = (file.policy == Policy::Merge)
            .then(|| lock::read_base(out, &file.path))
            .flatten();
        let mut change = classify(file, old, current, base.as_deref(), force, &labels);
        change.base = base;
        changes.push(change);
    }
    for (path, old) in &locked {
        if rendered_paths.contains(*path) {
            continue;
        }
        let current = OnDisk::read(&out.join(path));
        let action = match current.hash() {
            None => continue, // gone already: the lock simply forgets it
            Some(h) if h == old.sha256 => Action::Remove,
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
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Plan {
        out: out.to_path_buf(),
        stamp,
        interrupted: apply::interrupted(out),
        lock,
        changes,
    })
}

/// The labels of diff3 conflict markers.
struct Labels {
    yours: String,
    base: String,
    new: String,
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
    };
    let new = file.contents;
    let untouched = |now: &OnDisk| old.is_some_and(|o| now.hash().as_deref() == Some(&*o.sha256));
    change.action = match (&change.current, old) {
        (OnDisk::Missing, Some(_)) if !force => Action::DeletedByUser,
        (OnDisk::Missing, _) => Action::Create,
        (OnDisk::Text(text), _) if *text == new => Action::Unchanged,
        _ if file.policy == Policy::Once => Action::Kept,
        // Merge files are always merged: what msaforge last wrote may itself hold the user's
        // edits (an earlier merge), so "untouched since written" does not mean "pristine".
        (OnDisk::Text(text), _) if file.policy == Policy::Merge => {
            let base = match base {
                Some(base) => base,
                // The stored base is gone: an untouched file is its own base; otherwise every
                // difference is a conflict the user decides.
                None if untouched(&change.current) => text.as_str(),
                None => "",
            };
            // A file saved with CRLF line endings (an editor or git on Windows) is merged line by
            // line like any other and keeps its CRLF; otherwise every line would differ.
            let crlf = text.contains("\r\n");
            let (base, yours) = if crlf {
                (base.replace("\r\n", "\n"), text.replace("\r\n", "\n"))
            } else {
                (base.to_owned(), text.clone())
            };
            let mut merge = TextMerge::from_lines(&base, &yours, new.as_str());
            merge.conflict_style(ConflictStyle::Diff3).labels(
                &labels.base,
                &labels.yours,
                &labels.new,
            );
            let merged = if crlf {
                merge.to_string().replace('\n', "\r\n")
            } else {
                merge.to_string()
            };
            change.conflicts = merge.conflict_count();
            let action = if merge.is_conflicted() {
                Action::Conflict
            } else if merged == new {
                Action::Update
            } else if merged == *text {
                Action::Unchanged
            } else {
                Action::Merge
            };
            change.merged = Some(merged);
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

    fn labels() -> Labels {
        Labels {
            yours: "yours".into(),
            base: "base".into(),
            new: "new".into(),
        }
    }

    fn locked(text: &str, policy: Policy) -> LockedFile {
        LockedFile {
            path: "f".into(),
            policy,
            sha256: lock::hash(text.as_bytes()),
            conflict: false,
        }
    }

    fn run(
        policy: Policy,
        old: Option<&str>,
        now: Option<&str>,
        base: Option<&str>,
        new: &str,
    ) -> Change {
        let old = old.map(|t| locked(t, policy));
        let current = now.map_or(OnDisk::Missing, |t| OnDisk::Text(t.to_owned()));
        let file = Rendered {
            path: "f".into(),
            contents: new.into(),
            policy,
        };
        classify(file, old.as_ref(), current, base, false, &labels())
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
