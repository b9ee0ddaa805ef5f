//! The directories a transaction needs: each created once, parents first, and those a deletion
//! left empty removed again. Only below the output directory (`root`), never `root` itself; which
//! paths are allowed is `plan::paths`'s decision, made before anything here runs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The directories a transaction has made or found, so that each is created once: N files in D
/// directories cost D `mkdir` calls, not one per file (most failing with EEXIST) plus the retries
/// of `create_dir_all` for every missing parent.
#[derive(Debug, Default)]
pub(super) struct Dirs(HashSet<PathBuf>);

impl Dirs {
    /// Creates `dir` (inside `root`) and its missing parents, unless done before. On failure, the
    /// directory that could not be created and why.
    pub(super) fn create(
        &mut self,
        root: &Path,
        dir: &Path,
    ) -> Result<(), (PathBuf, std::io::Error)> {
        if dir == root || !dir.starts_with(root) || self.0.contains(dir) {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create(root, parent)?;
        }
        match std::fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err((dir.to_path_buf(), e)),
        }
        self.0.insert(dir.to_path_buf());
        Ok(())
    }
}

/// Removes the directories a deletion left empty, up to (not including) `root`.
pub(super) fn prune_empty(root: &Path, deleted: &Path) {
    let mut dir: Option<PathBuf> = deleted.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(&d).is_err() {
            break;
        }
        dir = d.parent().map(Path::to_path_buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_made_once_parents_first_and_pruned_when_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        let mut dirs = Dirs::default();
        dirs.create(&root, &root.join("a/b/c")).expect("creates");
        assert!(root.join("a/b/c").is_dir());
        // Known now: removing it behind the cache's back shows that it is not made again.
        std::fs::remove_dir(root.join("a/b/c")).expect("rm");
        dirs.create(&root, &root.join("a/b/c")).expect("cached");
        assert!(!root.join("a/b/c").exists());
        dirs.create(&root, &root.join("a/d")).expect("sibling");
        assert!(root.join("a/d").is_dir());
        // A file where a directory goes is an error naming it.
        std::fs::write(root.join("f"), "x").expect("file");
        let (at, _) = dirs
            .create(&root, &root.join("f/g"))
            .expect_err("a file in the way");
        assert_eq!(at, root.join("f"));
        // Outside the root: nothing is made.
        let outside = tempfile::tempdir().expect("temp dir");
        dirs.create(&root, &outside.path().join("x"))
            .expect("ignored");
        assert!(!outside.path().join("x").exists());
        std::fs::write(root.join("a/d/file"), "x").expect("file");
        std::fs::remove_file(root.join("a/d/file")).expect("rm");
        prune_empty(&root, &root.join("a/d/file"));
        assert!(!root.join("a/d").exists());
        assert!(root.join("a/b").is_dir(), "not empty: a holds b");
        assert!(root.is_dir());
    }
}
