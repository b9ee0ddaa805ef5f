//! Files `design` writes: the accepted spec, or `SPEC.rejected.yaml` with its findings as comments,
//! and the `--report` JSON. Every write goes through a temporary file in the same directory and a
//! rename, so SPEC is either the old file or the whole new one. No file holds the API key.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::DesignError;
use super::prompts::FindingForModel;
use super::repair::Stats;

/// `SPEC.rejected.yaml` next to `SPEC` (`spec.yaml` -> `spec.rejected.yaml`).
pub fn rejected_path(spec: &Path) -> PathBuf {
    let stem = spec
        .file_stem()
        .map_or_else(|| "spec".into(), |s| s.to_string_lossy().into_owned());
    spec.with_file_name(format!("{stem}.rejected.yaml"))
}

/// Writes `contents` to `path` atomically, creating the parent directory.
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), DesignError> {
    let err = |e: &dyn std::fmt::Display| DesignError::Write {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| err(&e))?;
    let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(|e| err(&e))?;
    file.write_all(contents.as_bytes()).map_err(|e| err(&e))?;
    file.persist(path).map_err(|e| err(&e.error))?;
    Ok(())
}

/// The rejected attempt: a comment block with the findings, then the candidate (or raw answer).
pub fn rejected_text(
    model: &str,
    rounds: u32,
    findings: &[FindingForModel],
    candidate: &str,
) -> String {
    let mut out = format!(
        "# REJECTED by `msaforge design`: the model {model} gave no spec without errors in {rounds} round(s).\n\
         # This is its last attempt, kept for you to fix by hand or to learn from; it is not a valid spec.\n\
         # Findings of the last attempt:\n"
    );
    for f in findings {
        let line = format!("{} {} at {}: {}", f.severity, f.code, f.path, f.message);
        for (n, part) in line.lines().enumerate() {
            out.push_str(if n == 0 { "#   " } else { "#     " });
            out.push_str(part);
            out.push('\n');
        }
    }
    out.push_str("# ---\n");
    out.push_str(candidate);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The `--report` file.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// `accepted` or `rejected`.
    pub outcome: &'a str,
    pub spec: Option<String>,
    pub rejected: Option<String>,
    #[serde(flatten)]
    pub stats: &'a Stats,
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<FindingForModel>,
}

pub fn write_report(path: &Path, report: &Report<'_>) -> Result<(), DesignError> {
    let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
    json.push('\n');
    write_atomically(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_file_sits_next_to_the_spec() {
        assert_eq!(
            rejected_path(Path::new("out/spec.yaml")),
            PathBuf::from("out/spec.rejected.yaml")
        );
        assert_eq!(
            rejected_path(Path::new("x")),
            PathBuf::from("x.rejected.yaml")
        );
    }

    #[test]
    fn findings_become_comments() {
        let f = FindingForModel {
            code: "MSA106".into(),
            severity: "error".into(),
            path: "contexts[0].calls[0]".into(),
            message: "no timeout\nsecond line".into(),
            help: None,
        };
        let text = rejected_text("m", 3, &[f], "msaforge: 1");
        assert!(text.contains("#   error MSA106 at contexts[0].calls[0]: no timeout\n#     second line\n# ---\nmsaforge: 1\n"), "{text}");
    }
}
