//! The state msaforge keeps in an output directory, under `.msaforge/`: the lock file (tool version,
//! template-set hash, spec hash, and per file its path, policy and hash as written), the spec that
//! produced the output, and the pristine last-generated text of every `merge` file (the merge base).
//!
//! Reading and describing that state only; changing it is `plan::apply`'s job. Everything read
//! back is checked like the spec's paths (see `plan::paths`): a lock that names a path outside the
//! output, inside `.msaforge/`, or one path twice is damaged, not obeyed. Everything here is
//! commit-friendly: stable ordering, no timestamps.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PlanError;
use super::Policy;
use super::paths::{check_inside, check_state, is_output_path};

/// The directory msaforge owns inside an output directory (defined with the rule for paths).
pub use super::paths::STATE_DIR;
/// The lock file, relative to the output directory. Not what marks a directory as msaforge's:
/// `STATE_DIR` does, even without a lock (an interrupted first run, a lock deleted to recover).
pub const LOCK: &str = ".msaforge/lock.json";
/// The checked spec that produced the output, as JSON.
pub const SPEC: &str = ".msaforge/spec.json";
/// The migration history (`migrate::history`): every migration written and the schema it left.
pub const MIGRATIONS: &str = ".msaforge/migrations.json";
/// Where merge bases live: `.msaforge/base/<path>`.
pub const BASE_DIR: &str = ".msaforge/base";
/// The lock format; bump when its meaning changes. Format 2 records the hash of every merge base;
/// format 1 (read, never written) did not.
pub const FORMAT: u32 = 2;

/// `.msaforge/lock.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub format: u32,
    /// The msaforge version that wrote the output.
    pub msaforge: String,
    /// `sha256:` of the template set (manifest and every template, overrides included).
    pub templates: String,
    /// `sha256:` of `.msaforge/spec.json`.
    pub spec: String,
    /// Every file msaforge manages here, sorted by path.
    pub files: Vec<LockedFile>,
}

/// One file as msaforge last left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedFile {
    pub path: String,
    pub policy: Policy,
    /// `sha256:` of the bytes msaforge wrote (a merge result, or with conflict markers).
    pub sha256: String,
    /// Written with conflict markers that the user has to resolve.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// `merge` files: `sha256:` of the stored merge base (the last generated text), so that a
    /// missing or altered base is noticed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

impl LockedFile {
    /// The hash of the file as msaforge last generated it, before any merge with the user's
    /// edits: a file on disk with this hash holds no edit. For a `merge` file that is its base
    /// (what msaforge wrote may be a merge holding the user's edits); for the others what msaforge
    /// wrote. `None` when unknown (a merge file whose base hash is not recorded).
    pub fn pristine(&self) -> Option<&str> {
        match self.policy {
            Policy::Merge => self.base.as_deref(),
            Policy::Managed | Policy::Once => Some(&self.sha256),
        }
    }
}

impl Lock {
    /// The entries by path.
    pub fn by_path(&self) -> BTreeMap<&str, &LockedFile> {
        self.files.iter().map(|f| (f.path.as_str(), f)).collect()
    }

    /// The lock as written to disk: pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

pub use crate::digest::hash;

/// The short form of a hash for messages and conflict labels: `sha256:0123abcd` -> `0123abcd`.
pub fn short(hash: &str) -> &str {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    &hex[..hex.len().min(8)]
}

/// Reads the lock of an output directory (`root` canonical): `None` when there is none (a new or
/// foreign directory). A lock that fails the checks of [`validate`] is damaged.
pub fn read(root: &Path) -> Result<Option<Lock>, PlanError> {
    parse(root, read_state(root, LOCK)?)
}

/// The lock in `state` (as read from `root`'s lock file, or from a transaction about to replace
/// it), checked like [`read`] does.
pub fn parse(root: &Path, state: State) -> Result<Option<Lock>, PlanError> {
    let path = root.join(LOCK);
    let damaged = |detail: String| PlanError::BadLock {
        path: path.display().to_string(),
        detail,
    };
    let text = match state {
        State::Missing => return Ok(None),
        State::Damaged(detail) => return Err(damaged(detail)),
        State::Text(text) => text,
    };
    let mut lock: Lock = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
    if lock.format != FORMAT && lock.format != 1 {
        return Err(damaged(format!(
            "lock format {} is not the {FORMAT} this msaforge understands",
            lock.format
        )));
    }
    validate(&lock).map_err(damaged)?;
    if lock.format == 1 {
        // Format 1 kept no base hashes: the stored bases are taken as they are, once.
        for file in lock.files.iter_mut().filter(|f| f.policy == Policy::Merge) {
            if let State::Text(base) = read_state(root, &base_path(&file.path))? {
                file.base = Some(hash(base.as_bytes()));
            }
        }
        lock.format = FORMAT;
    }
    Ok(Some(lock))
}

/// Refuses a lock whose paths are not exactly what a template could generate, that names a path
/// twice, or whose hashes are not `sha256:` hex.
fn validate(lock: &Lock) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for file in &lock.files {
        if !is_output_path(&file.path) {
            return Err(format!(
                "`{}` is not a path msaforge generates (absolute, `..`, or inside .msaforge/)",
                file.path
            ));
        }
        if !seen.insert(file.path.as_str()) {
            return Err(format!("`{}` is listed twice", file.path));
        }
        for h in std::iter::once(&file.sha256).chain(&file.base) {
            if !is_hash(h) {
                return Err(format!("`{}` has a malformed hash `{h}`", file.path));
            }
        }
    }
    Ok(())
}

/// `sha256:` and 64 lowercase hex digits.
fn is_hash(h: &str) -> bool {
    h.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A file of msaforge's state as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Missing,
    Text(String),
    /// There, but not a readable UTF-8 file (a directory, binary, unreadable): why.
    Damaged(String),
}

/// Reads a file of msaforge's state (`relative` under `.msaforge/`), refusing symbolic links on
/// the way (see [`check_state`]).
pub fn read_state(root: &Path, relative: &str) -> Result<State, PlanError> {
    check_state(root, relative)?;
    let path = root.join(relative);
    if std::fs::metadata(&path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        // A named pipe or a device would block or never end: never opened.
        return Ok(State::Damaged("not a regular file".to_owned()));
    }
    Ok(match std::fs::read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::Missing,
        Err(e) => State::Damaged(e.to_string()),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => State::Text(text),
            Err(_) => State::Damaged("not UTF-8 text".to_owned()),
        },
    })
}

/// The relative path of the merge base of `path`.
pub fn base_path(path: &str) -> String {
    format!("{BASE_DIR}/{path}")
}

/// What a file on disk looks like right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnDisk {
    Missing,
    /// A file whose bytes are text (UTF-8).
    Text(String),
    /// Something that is not a UTF-8 file: binary, a directory, unreadable. Never merged.
    Other {
        hash: String,
    },
}

impl OnDisk {
    /// Reads `relative` in the output directory `root` (canonical). Refuses a path leading outside
    /// it (see [`check_inside`]); never follows a symbolic link where the file should be.
    pub fn read(root: &Path, relative: &str) -> Result<OnDisk, PlanError> {
        check_inside(root, relative)?;
        let path = root.join(relative);
        Ok(match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => OnDisk::Missing,
            Ok(meta) if meta.file_type().is_symlink() => OnDisk::Other {
                hash: "a symbolic link".to_owned(),
            },
            Ok(meta) if meta.is_dir() => OnDisk::Other {
                hash: "a directory".to_owned(),
            },
            // A named pipe or a device would block or never end: never opened.
            Ok(meta) if !meta.is_file() => OnDisk::Other {
                hash: "not a regular file".to_owned(),
            },
            _ => OnDisk::from_read(std::fs::read(&path)),
        })
    }

    /// A regular file as read: text, or not.
    pub fn from_read(read: std::io::Result<Vec<u8>>) -> OnDisk {
        match read {
            Err(e) => OnDisk::Other {
                hash: format!("unreadable: {e}"),
            },
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => OnDisk::Text(text),
                Err(e) => OnDisk::Other {
                    hash: hash(e.as_bytes()),
                },
            },
        }
    }

    pub fn hash(&self) -> Option<String> {
        match self {
            OnDisk::Missing => None,
            OnDisk::Text(t) => Some(hash(t.as_bytes())),
            OnDisk::Other { hash } => Some(hash.clone()),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            OnDisk::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// True when a line of `text` starts a conflict region left by a merge.
pub fn has_conflict_markers(text: &str) -> bool {
    conflict_lines(text).next().is_some()
}

/// The 1-based line numbers where conflict regions start.
pub fn conflict_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("<<<<<<< "))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_prefixed_hex() {
        let h = hash(b"abc");
        assert_eq!(
            h,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(short(&h), "ba7816bf");
    }

    fn sample() -> Lock {
        Lock {
            format: FORMAT,
            msaforge: "0.1.0".into(),
            templates: hash(b"t"),
            spec: hash(b"s"),
            files: vec![LockedFile {
                path: "a.txt".into(),
                policy: Policy::Merge,
                sha256: hash(b"a\n"),
                conflict: true,
                base: Some(hash(b"base\n")),
            }],
        }
    }

    #[test]
    fn lock_round_trips_and_refuses_other_formats() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        assert_eq!(read(&root).expect("no lock"), None);
        let lock = sample();
        std::fs::create_dir_all(root.join(STATE_DIR)).expect("dir");
        std::fs::write(root.join(LOCK), lock.to_text()).expect("write");
        assert_eq!(read(&root).expect("reads"), Some(lock.clone()));
        let other = lock.to_text().replace("\"format\": 2", "\"format\": 9");
        std::fs::write(root.join(LOCK), other).expect("write");
        assert!(matches!(read(&root), Err(PlanError::BadLock { .. })));
    }

    #[test]
    fn a_format_1_lock_takes_its_stored_bases_as_they_are() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        let mut old = sample();
        old.format = 1;
        old.files[0].base = None;
        std::fs::create_dir_all(root.join(BASE_DIR)).expect("dir");
        std::fs::write(root.join(LOCK), old.to_text()).expect("write");
        let read_back = read(&root).expect("reads").expect("a lock");
        assert_eq!(read_back.format, FORMAT);
        assert_eq!(read_back.files[0].base, None, "no base stored");
        std::fs::write(root.join(base_path("a.txt")), "base\n").expect("base");
        let read_back = read(&root).expect("reads").expect("a lock");
        assert_eq!(read_back.files[0].base, Some(hash(b"base\n")));
    }

    #[test]
    fn a_lock_naming_paths_outside_or_twice_is_damaged() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("root");
        std::fs::create_dir_all(root.join(STATE_DIR)).expect("dir");
        let twice = {
            let mut l = sample();
            l.files.push(l.files[0].clone());
            l
        };
        let mut cases = vec![("listed twice", twice)];
        for (path, why) in [
            ("/etc/passwd", "not a path"),
            ("../outside.txt", "not a path"),
            ("a/../../b", "not a path"),
            (".msaforge/spec.json", "not a path"),
        ] {
            let mut l = sample();
            l.files[0].path = path.into();
            cases.push((why, l));
        }
        let mut bad_hash = sample();
        bad_hash.files[0].sha256 = "sha256:../../x".into();
        cases.push(("malformed hash", bad_hash));
        for (why, lock) in cases {
            std::fs::write(root.join(LOCK), lock.to_text()).expect("write");
            match read(&root) {
                Err(PlanError::BadLock { detail, .. }) => assert!(detail.contains(why), "{detail}"),
                other => panic!("{why}: {other:?}"),
            }
        }
    }

    #[test]
    fn conflict_markers_are_found_at_line_starts_only() {
        let text = "a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> new\n  <<<<<<< quoted\n";
        assert_eq!(conflict_lines(text).collect::<Vec<_>>(), [2]);
        assert!(!has_conflict_markers("no markers\n"));
    }
}
