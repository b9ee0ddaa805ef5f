//! Which paths msaforge may touch, and where. One rule for every path, whatever it comes from (the
//! spec, a template, or msaforge's own state read back from `.msaforge/`): relative, inside the
//! output directory, no `..`, no symbolic link leading out, and never into `.msaforge/` unless it is
//! msaforge's state; msaforge's state itself has no symbolic links at all. Checks; never writes.

use std::path::{Component, Path};

use super::PlanError;

/// The directory msaforge owns inside an output directory: its state, which no generated path
/// may enter (`plan::lock` describes what is in it).
pub const STATE_DIR: &str = ".msaforge";

/// A path msaforge may generate, trimmed: relative, `/`-separated, no empty, `.` or `..` segments,
/// no backslash or colon, and not inside `.msaforge/` (msaforge's state); `None` otherwise.
pub fn output_path(path: &str) -> Option<String> {
    let path = path.trim();
    let ok = relative(path) && path.split('/').next() != Some(STATE_DIR);
    ok.then(|| path.to_owned())
}

/// True when `path` is written exactly as [`output_path`] accepts it (state read back from disk
/// must already be in that form: nothing is trimmed or fixed up).
pub(super) fn is_output_path(path: &str) -> bool {
    output_path(path).as_deref() == Some(path)
}

/// A relative, `/`-separated path without empty, `.` or `..` segments, backslashes or colons.
pub(super) fn relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Refuses a relative path that is absolute, has `..`, or passes through a symbolic link that
/// resolves outside `root` (`root` canonical). The last component may be a link: msaforge never
/// writes through it (a rename replaces the link itself) and never reads through it.
pub(super) fn check_inside(root: &Path, relative: &str) -> Result<(), PlanError> {
    let escape = || PlanError::Escape {
        path: relative.to_owned(),
    };
    let rel = Path::new(relative);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(escape());
    }
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Err(_) => return Ok(()), // does not exist yet: created below a checked directory
            Ok(meta) if meta.file_type().is_symlink() => {
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

/// Refuses a path of msaforge's state (`.msaforge/...`) when any part of it, `.msaforge` included,
/// is a symbolic link, or when `.msaforge` is not a directory: state is read and written only in
/// a real directory inside the output.
pub(super) fn check_state(root: &Path, relative: &str) -> Result<(), PlanError> {
    let mut at = root.to_path_buf();
    let mut shown = String::new();
    for part in relative.split('/') {
        at.push(part);
        if !shown.is_empty() {
            shown.push('/');
        }
        shown.push_str(part);
        let Ok(meta) = std::fs::symlink_metadata(&at) else {
            return Ok(());
        };
        let detail = if meta.file_type().is_symlink() {
            "it is a symbolic link"
        } else if shown == STATE_DIR && !meta.is_dir() {
            "it is not a directory"
        } else {
            continue;
        };
        return Err(PlanError::BadState {
            path: shown,
            detail: detail.to_owned(),
        });
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
        let last = i + 1 == parts.len();
        let meta = if last {
            std::fs::symlink_metadata(&at) // a link where the file goes is replaced, not followed
        } else {
            std::fs::metadata(&at)
        };
        let Ok(meta) = meta else {
            return Ok(()); // does not exist yet: nothing in the way below
        };
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
    fn output_paths_are_relative_plain_and_outside_the_state() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../b",
            "a//b",
            "./a",
            "C:\\x",
            "a\\b",
            ".msaforge",
            ".msaforge/lock.json",
            " .msaforge/base/x",
        ] {
            assert_eq!(output_path(bad), None, "{bad}");
        }
        assert_eq!(
            output_path("services/placement/Cargo.toml").as_deref(),
            Some("services/placement/Cargo.toml")
        );
        assert!(output_path(".msaforgex/a").is_some());
        assert!(!is_output_path(" a.txt"), "state is not trimmed");
    }

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
    fn links_inside_are_followed_links_out_refused_and_a_linked_file_is_replaced() {
        let outside = tempfile::tempdir().expect("temp dir");
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::create_dir_all(root.join("real")).expect("dir");
        std::os::unix::fs::symlink(root.join("real"), root.join("inside")).expect("link");
        std::os::unix::fs::symlink(outside.path(), root.join("out")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("f"), root.join("file")).expect("link");
        assert!(check_inside(&root, "inside/a.txt").is_ok());
        assert!(check_inside(&root, "out/a.txt").is_err());
        // The link itself is inside: a rename replaces it, nothing goes through it.
        assert!(check_inside(&root, "file").is_ok());
        assert!(check_not_in_the_way(&root, "file").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn state_has_no_links_and_lives_in_a_real_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        assert!(check_state(&root, ".msaforge/lock.json").is_ok(), "missing");
        std::fs::write(root.join(".msaforge"), "a file").expect("file");
        assert!(check_state(&root, ".msaforge/lock.json").is_err());
        std::fs::remove_file(root.join(".msaforge")).expect("rm");
        std::fs::create_dir_all(root.join("elsewhere")).expect("dir");
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join(".msaforge")).expect("link");
        let Err(PlanError::BadState { path, .. }) = check_state(&root, ".msaforge/lock.json")
        else {
            panic!("a linked state directory is refused");
        };
        assert_eq!(path, ".msaforge");
        std::fs::remove_file(root.join(".msaforge")).expect("rm");
        std::fs::create_dir_all(root.join(".msaforge/base")).expect("dir");
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join(".msaforge/base/docs"))
            .expect("link");
        assert!(check_state(&root, ".msaforge/base/docs/a.md").is_err());
        assert!(check_state(&root, ".msaforge/base/README.md").is_ok());
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
