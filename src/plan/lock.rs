//! The state msaforge keeps in an output directory, under `.msaforge/`: the lock file (tool version,
//! template-set hash, spec hash, and per file its path, policy and hash as written), the spec that
//! produced the output, and the pristine last-generated text of every `merge` file (the merge base).
//!
//! Reading and describing that state only; changing it is `plan::apply`'s job. Everything here is
//! commit-friendly: stable ordering, no timestamps.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::PlanError;
use super::Policy;

/// The directory msaforge owns inside an output directory.
pub const STATE_DIR: &str = ".msaforge";
/// The lock file, relative to the output directory. Its presence marks a directory as msaforge's.
pub const LOCK: &str = ".msaforge/lock.json";
/// The checked spec that produced the output, as JSON.
pub const SPEC: &str = ".msaforge/spec.json";
/// Where merge bases live: `.msaforge/base/<path>`.
pub const BASE_DIR: &str = ".msaforge/base";
/// The lock format; bump when its meaning changes.
pub const FORMAT: u32 = 1;

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

/// Reads the lock of an output directory: `None` when there is none (a new or foreign directory).
pub fn read(out: &Path) -> Result<Option<Lock>, PlanError> {
    let path = out.join(LOCK);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(PlanError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    let lock: Lock = serde_json::from_str(&text).map_err(|e| PlanError::BadLock {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    if lock.format != FORMAT {
        return Err(PlanError::BadLock {
            path: path.display().to_string(),
            detail: format!(
                "lock format {} is not the {FORMAT} this msaforge understands",
                lock.format
            ),
        });
    }
    Ok(Some(lock))
}

/// The stored merge base of `path`, if there is one.
pub fn read_base(out: &Path, path: &str) -> Option<String> {
    std::fs::read_to_string(out.join(BASE_DIR).join(path)).ok()
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
    pub fn read(path: &Path) -> OnDisk {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => OnDisk::Missing,
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

    #[test]
    fn lock_round_trips_and_refuses_other_formats() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(read(dir.path()).expect("no lock"), None);
        let lock = Lock {
            format: FORMAT,
            msaforge: "0.1.0".into(),
            templates: hash(b"t"),
            spec: hash(b"s"),
            files: vec![LockedFile {
                path: "a.txt".into(),
                policy: Policy::Merge,
                sha256: hash(b"a\n"),
                conflict: true,
            }],
        };
        std::fs::create_dir_all(dir.path().join(STATE_DIR)).expect("dir");
        std::fs::write(dir.path().join(LOCK), lock.to_text()).expect("write");
        assert_eq!(read(dir.path()).expect("reads"), Some(lock.clone()));
        let other = lock.to_text().replace("\"format\": 1", "\"format\": 9");
        std::fs::write(dir.path().join(LOCK), other).expect("write");
        assert!(matches!(read(dir.path()), Err(PlanError::BadLock { .. })));
    }

    #[test]
    fn conflict_markers_are_found_at_line_starts_only() {
        let text = "a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> new\n  <<<<<<< quoted\n";
        assert_eq!(conflict_lines(text).collect::<Vec<_>>(), [2]);
        assert!(!has_conflict_markers("no markers\n"));
    }
}
