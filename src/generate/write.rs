//! Guarding output directories: a foreign non-empty directory is refused unless forced. Writing
//! (atomically, never outside the output) is `plan::apply`'s job.

use std::path::Path;

use super::GenerateError;

/// The marker msaforge leaves in every output directory it writes: the lock file.
pub const MARKER: &str = crate::plan::lock::LOCK;

/// Refuses a file given as the output directory, and a non-empty directory without msaforge's
/// marker unless forced.
pub fn check_target(out: &Path, force: bool) -> Result<(), GenerateError> {
    if out.exists() && !out.is_dir() {
        return Err(GenerateError::NotADirectory {
            dir: out.display().to_string(),
        });
    }
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if force || entries.next().is_none() || out.join(MARKER).is_file() {
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
    }
}
