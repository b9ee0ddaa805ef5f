//! Putting rendered files on disk: only inside the output directory, atomically (temp file then
//! rename), never over a user-owned (`once`) file, never into a directory msaforge did not create
//! unless forced. Records what it wrote in `.msaforge/files.json`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::templates::Policy;
use super::{GenerateError, Rendered};

/// The marker msaforge leaves in every output directory it writes.
pub const MARKER: &str = ".msaforge/files.json";

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    /// A user-owned file that exists already: left as it is.
    Kept,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Kept => "kept",
        }
    }
}

#[derive(Debug, Serialize)]
struct Record<'a> {
    msaforge: &'static str,
    files: Vec<RecordFile<'a>>,
}

#[derive(Debug, Serialize)]
struct RecordFile<'a> {
    path: &'a str,
    policy: Policy,
}

/// Decides, per file, what writing would do. Changes nothing.
pub fn plan(files: &[Rendered], out: &Path) -> Vec<Action> {
    files
        .iter()
        .map(|f| match std::fs::read(out.join(&f.path)) {
            Err(_) => Action::Create,
            Ok(_) if f.policy == Policy::Once => Action::Kept,
            Ok(old) if old == f.contents.as_bytes() => Action::Unchanged,
            Ok(_) => Action::Update,
        })
        .collect()
}

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

/// Writes the files as `plan` decided, calling `progress` after each one.
pub fn apply(
    files: &[Rendered],
    actions: &[Action],
    out: &Path,
    mut progress: impl FnMut(&Rendered, Action),
) -> Result<(), GenerateError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| GenerateError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let root = out.canonicalize().map_err(io(out))?;
    for (file, &action) in files.iter().zip(actions) {
        if matches!(action, Action::Create | Action::Update) {
            write_atomically(&root, &file.path, file.contents.as_bytes())?;
        }
        progress(file, action);
    }
    let record = Record {
        msaforge: env!("CARGO_PKG_VERSION"),
        files: files
            .iter()
            .map(|f| RecordFile {
                path: &f.path,
                policy: f.policy,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&record).unwrap_or_default();
    json.push('\n');
    write_atomically(&root, MARKER, json.as_bytes())
}

/// Writes `contents` to `root/relative` through a temporary file in the same directory, refusing
/// any directory that resolves outside `root`.
fn write_atomically(root: &Path, relative: &str, contents: &[u8]) -> Result<(), GenerateError> {
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

    fn file(path: &str, policy: Policy) -> Rendered {
        Rendered {
            path: path.into(),
            contents: format!("{path}\n"),
            policy,
        }
    }

    #[test]
    fn writes_plans_and_keeps_user_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = vec![
            file("a/b.txt", Policy::Managed),
            file("user.rs", Policy::Once),
        ];
        assert_eq!(plan(&files, dir.path()), [Action::Create, Action::Create]);
        apply(&files, &plan(&files, dir.path()), dir.path(), |_, _| {}).expect("writes");
        std::fs::write(dir.path().join("user.rs"), "mine\n").expect("edit");
        assert_eq!(plan(&files, dir.path()), [Action::Unchanged, Action::Kept]);
        apply(&files, &plan(&files, dir.path()), dir.path(), |_, _| {}).expect("writes again");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("user.rs")).expect("read"),
            "mine\n"
        );
        assert!(dir.path().join(MARKER).is_file());
    }

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
        let files = vec![file("services/x.txt", Policy::Managed)];
        let result = apply(&files, &[Action::Create], dir.path(), |_, _| {});
        assert!(
            matches!(result, Err(GenerateError::Escape { .. })),
            "{result:?}"
        );
        assert!(!outside.path().join("x.txt").exists());
    }
}
