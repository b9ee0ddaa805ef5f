//! Guarding output directories: a foreign non-empty directory is refused unless forced. Writing
//! (atomically, never outside the output) is `plan::apply`'s job.

use std::path::Path;

use super::GenerateError;

/// The marker msaforge leaves in every output directory it writes: its state directory. A
/// directory holding nothing else (a first run that stopped early, before its files were moved
/// into place) counts as empty.
pub const MARKER: &str = crate::plan::lock::STATE_DIR;

/// Refuses a file given as the output directory, and a non-empty directory without msaforge's
/// marker unless forced. A directory with `.msaforge/` is msaforge's even without a lock (an
/// interrupted first run, a lock deleted to recover from damage): planning then treats every file
/// that differs from the new render as edited by the user, so nothing is overwritten.
pub fn check_target(out: &Path, force: bool) -> Result<(), GenerateError> {
    if out.exists() && !out.is_dir() {
        return Err(GenerateError::NotADirectory {
            dir: out.display().to_string(),
        });
    }
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    // `symlink_metadata`: a `.msaforge` that is a link is msaforge's to refuse, with a reason
    // (`plan::guard`), not a foreign directory.
    if force || entries.next().is_none() || std::fs::symlink_metadata(out.join(MARKER)).is_ok() {
        return Ok(());
    }
    Err(GenerateError::NotOurs {
        dir: out.display().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_directories_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(check_target(dir.path(), false).is_ok());
        std::fs::write(dir.path().join("notes.txt"), "x").expect("write");
        assert!(matches!(
            check_target(dir.path(), false),
            Err(GenerateError::NotOurs { .. })
        ));
        assert!(check_target(dir.path(), true).is_ok());
        // msaforge's state alone (a first run that stopped early) or with files: msaforge's.
        std::fs::create_dir(dir.path().join(".msaforge")).expect("state");
        assert!(check_target(dir.path(), false).is_ok());
    }
}
