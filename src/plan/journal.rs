//! The journal of a transaction, `.msaforge/txn/journal.json`: which staged file goes where, what
//! is deleted, and what each destination held when the run was planned. Its format, and reading
//! it back.
//!
//! A journal is read back from disk, so it is checked like any other input before anything is
//! moved: every staged name is a plain file of `txn/`, every destination a path msaforge writes
//! (inside the output, or its own state), no path twice, no symbolic link leading out. A journal
//! that fails is refused as a whole. Carrying a journal out is `plan::txn`'s job.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PlanError;
use super::lock::{self, BASE_DIR, STATE_DIR, State};
use super::paths::{check_inside, check_state, is_output_path};

/// The transaction directory, relative to the output directory.
pub const TXN_DIR: &str = ".msaforge/txn";
pub(super) const JOURNAL: &str = ".msaforge/txn/journal.json";

/// The journal: what to move into place and what to delete, in order.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Journal {
    pub(super) writes: Vec<Step>,
    pub(super) deletes: Vec<Step>,
}

/// One rename or deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Step {
    /// The destination, relative to the output directory.
    pub(super) path: String,
    /// Writes: the staged file's name under `txn/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) staged: Option<String>,
    /// Files of the output (not msaforge's state): the destination's hash when the run was
    /// planned (`None`: it did not exist). A destination that differs when the step runs was
    /// changed since by someone else, and is left as it is.
    pub(super) was: Option<String>,
}

impl Step {
    /// True for msaforge's own files (lock, spec, bases), which are written unconditionally.
    pub(super) fn is_state(&self) -> bool {
        self.path.starts_with(&format!("{STATE_DIR}/"))
    }
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

/// Refuses a journal that names anything but plain staged files and paths msaforge writes.
fn validate(root: &Path, journal: &Journal) -> Result<(), String> {
    let mut names = BTreeSet::new();
    for step in &journal.writes {
        let Some(staged) = &step.staged else {
            return Err(format!("the write of `{}` names no staged file", step.path));
        };
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
    if let Some(step) = journal.deletes.iter().find(|s| s.staged.is_some()) {
        return Err(format!(
            "the deletion of `{}` names a staged file",
            step.path
        ));
    }
    let mut seen = BTreeSet::new();
    let writes = journal.writes.iter().map(|s| (s, true));
    let deletes = journal.deletes.iter().map(|s| (s, false));
    for (step, write) in writes.chain(deletes) {
        let dest = &step.path;
        let base = dest
            .strip_prefix(BASE_DIR)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(is_output_path);
        let state = base || dest == lock::LOCK || dest == lock::SPEC || dest == lock::MIGRATIONS;
        if !(is_output_path(dest) || base || (state && write)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn step(path: &str, staged: Option<&str>) -> Step {
        Step {
            path: path.to_owned(),
            staged: staged.map(str::to_owned),
            was: None,
        }
    }

    #[test]
    fn a_journal_msaforge_could_not_have_written_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        let outside = tempfile::tempdir().expect("temp dir");
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "secret\n").expect("write");
        let secret = secret.display().to_string();
        let w = |path: &str, staged: &str| step(path, Some(staged));
        let cases = [
            (vec![w("/tmp/x", "0")], vec![], "not a path msaforge writes"),
            (vec![w("../x", "0")], vec![], "not a path msaforge writes"),
            (
                vec![w("a/../../x", "0")],
                vec![],
                "not a path msaforge writes",
            ),
            (
                vec![w("a.txt", "../../x")],
                vec![],
                "not a file msaforge stages",
            ),
            (
                vec![w("a.txt", &secret)],
                vec![],
                "not a file msaforge stages",
            ),
            (
                vec![w("a.txt", "0"), w("a.txt", "1")],
                vec![],
                "named twice",
            ),
            (
                vec![w("a.txt", "0")],
                vec![step(&secret, None)],
                "not a path",
            ),
            (vec![w(".msaforge/txn/0", "0")], vec![], "not a path"),
            (vec![], vec![step(lock::LOCK, None)], "not a path"),
            (vec![step("a.txt", None)], vec![], "names no staged file"),
            (vec![], vec![w("a.txt", "0")], "names a staged file"),
        ];
        std::fs::create_dir_all(root.join(TXN_DIR)).expect("txn");
        std::fs::write(root.join(TXN_DIR).join("0"), "staged\n").expect("stage");
        for (writes, deletes, why) in cases {
            let journal = Journal { writes, deletes };
            let text = serde_json::to_string(&journal).expect("json");
            std::fs::write(root.join(JOURNAL), text).expect("journal");
            match read(&root) {
                Err(PlanError::BadJournal { detail, .. }) => {
                    assert!(detail.contains(why), "{why}: {detail}");
                }
                other => panic!("{why}: {other:?}"),
            }
        }
        let fine = Journal {
            writes: vec![w("a.txt", "0"), w(lock::LOCK, "1")],
            deletes: vec![step("old.txt", None), step(".msaforge/base/old.txt", None)],
        };
        let text = serde_json::to_string(&fine).expect("json");
        std::fs::write(root.join(JOURNAL), text).expect("journal");
        assert!(read(&root).expect("valid").is_some());
    }
}
