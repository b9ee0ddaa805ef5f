//! Where a transaction may write: inside the output directory only (no `..`, no symbolic link
//! leading out), and only where a file can go (not over a directory, not below a file). Checks;
//! never writes.

use std::path::{Component, Path};

use super::PlanError;

/// Refuses a relative path that is absolute, has `..`, or passes through a symbolic link that
/// resolves outside `root`; also refuses a destination that is itself a symbolic link.
pub(super) fn check_inside(root: &Path, relative: &str) -> Result<(), PlanError> {
    let escape = || PlanError::Escape {
        path: relative.to_owned(),
    };
    let rel = Path::new(relative);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(escape());
    }
    let mut at = root.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Err(_) => return Ok(()), // does not exist yet: created below a checked directory
            Ok(meta) if meta.file_type().is_symlink() => {
                if at.as_path() == root.join(rel) {
                    return Err(escape()); // never write through a link
                }
                let real = at.canonicalize().map_err(|_| escape())?;
                if !real.starts_with(root) {
                    return Err(escape());
                }
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Refuses, before the commit point, a destination that cannot become a file: it is a
/// directory, or one of its parents is a file. Found after the commit point, it would stop the
/// transaction half applied.
pub(super) fn check_not_in_the_way(root: &Path, relative: &str) -> Result<(), PlanError> {
    let mut at = root.to_path_buf();
    let parts: Vec<_> = Path::new(relative).components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let Ok(meta) = std::fs::metadata(&at) else {
            return Ok(()); // does not exist yet: nothing in the way below
        };
        let last = i + 1 == parts.len();
        if meta.is_dir() == last {
            return Err(PlanError::InTheWay {
                path: relative.to_owned(),
                blocking: at.strip_prefix(root).unwrap_or(&at).display().to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside_the_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        for bad in ["../x", "a/../../x", "/etc/passwd", "./a"] {
            assert!(check_inside(&root, bad).is_err(), "{bad}");
        }
        assert!(check_inside(&root, "new/dir/file.txt").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_followed_links_out_and_linked_files_are_refused() {
        let outside = tempfile::tempdir().expect("temp dir");
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::create_dir_all(root.join("real")).expect("dir");
        std::os::unix::fs::symlink(root.join("real"), root.join("inside")).expect("link");
        std::os::unix::fs::symlink(outside.path(), root.join("out")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("f"), root.join("file")).expect("link");
        assert!(check_inside(&root, "inside/a.txt").is_ok());
        assert!(check_inside(&root, "out/a.txt").is_err());
        assert!(check_inside(&root, "file").is_err());
    }

    #[test]
    fn a_directory_where_a_file_goes_or_a_file_where_a_directory_goes_is_in_the_way() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::create_dir_all(root.join("compose.yaml")).expect("dir");
        std::fs::write(root.join("services"), "a file").expect("file");
        std::fs::create_dir_all(root.join("docs")).expect("dir");
        std::fs::write(root.join("docs/plan.md"), "old").expect("file");
        let blocking = |path: &str| match check_not_in_the_way(&root, path) {
            Err(PlanError::InTheWay { blocking, .. }) => Some(blocking),
            _ => None,
        };
        assert_eq!(blocking("compose.yaml").as_deref(), Some("compose.yaml"));
        assert_eq!(
            blocking("services/a/Cargo.toml").as_deref(),
            Some("services")
        );
        assert_eq!(blocking("docs/plan.md"), None);
        assert_eq!(blocking("docs/new/file.md"), None);
        assert_eq!(blocking("fresh/file.md"), None);
    }
}
