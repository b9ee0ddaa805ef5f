//! Guarding output directories and writing single files safely: a foreign non-empty directory is
//! refused unless forced; a single file is written atomically (temp file then rename) and never
//! through a symbolic link out of its root. Regenerating a whole output is `plan::apply`'s job.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::GenerateError;

/// The marker msaforge leaves in every output directory it writes: the lock file.
pub const MARKER: &str = crate::plan::lock::LOCK;

/// Refuses a non-empty directory without msaforge's marker, unless forced.
pub fn check_target(out: &Path, force: bool) -> Result<(), GenerateError> {
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

/// Writes `contents` to `root/relative` through a temporary file in the same directory, refusing
/// any directory that resolves outside `root`.
pub fn write_atomically(root: &Path, relative: &str, contents: &[u8]) -> Result<(), GenerateError> {
    let target: PathBuf = root.join(relative);
    let err = |source| GenerateError::Write {
        path: target.display().to_string(),
        source,
    };
    let dir = target.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(err)?;
    let real_dir = dir.canonicalize().map_err(err)?;
    if !real_dir.starts_with(root) {
        return Err(GenerateError::Escape {
            path: relative.to_owned(),
        });
    }
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(GenerateError::Escape {
            path: relative.to_owned(),
        });
    }
    // Readable by others (0644 before the umask), like any file a user writes: nginx or a container
    // build running as another user must be able to read what was generated.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(&real_dir).map_err(err)?;
    // No fsync per file: the rename already makes every file appear whole or not at all to readers
    // (also after Ctrl-C or a crash of msaforge), and a thousand fsyncs would cost seconds for
    // output that can always be generated again.
    temp.write_all(contents).map_err(err)?;
    temp.persist(&target).map_err(|e| err(e.error))?;
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_directory_are_refused() {
        let outside = tempfile::tempdir().expect("temp dir");
        let dir = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("services")).expect("link");
        let root = dir.path().canonicalize().expect("root");
        let result = write_atomically(&root, "services/x.txt", b"x");
        assert!(
            matches!(result, Err(GenerateError::Escape { .. })),
            "{result:?}"
        );
        assert!(!outside.path().join("x.txt").exists());
    }
}
