//! `msaforge check --output DIR`: is a generated output in a finished state? It is not while a
//! file msaforge wrote with conflict markers still has them, while the lock is missing or damaged,
//! or while an interrupted run is not completed. Reads only, under the directory's shared lock.

use std::path::Path;

use serde::Serialize;

use super::PlanError;
use super::lock::{self, OnDisk};

/// One thing that keeps an output from being finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, relative to the output directory.
    pub path: String,
    /// 1-based line of the first conflict marker, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// How many conflict regions remain.
    pub conflicts: usize,
}

/// The problems of an output directory: unresolved conflicts, file by file.
pub fn verify(out: &Path) -> Result<Vec<Problem>, PlanError> {
    let not_generated = || PlanError::NotGenerated {
        dir: out.display().to_string(),
    };
    let root = out.canonicalize().map_err(|_| not_generated())?;
    let _shared = super::guard::shared(&root)?;
    if super::apply::interrupted(out) {
        return Err(PlanError::Interrupted {
            dir: out.display().to_string(),
        });
    }
    let Some(lock) = lock::read(&root)? else {
        return Err(not_generated());
    };
    let mut problems = Vec::new();
    for file in lock.files.iter().filter(|f| f.conflict) {
        if let OnDisk::Text(text) = OnDisk::read(&root, &file.path)? {
            let lines: Vec<usize> = lock::conflict_lines(&text).collect();
            if let Some(&first) = lines.first() {
                problems.push(Problem {
                    path: file.path.clone(),
                    line: Some(first),
                    conflicts: lines.len(),
                });
            }
        }
    }
    Ok(problems)
}
