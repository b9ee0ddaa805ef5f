//! Files `design` writes: the accepted spec, or `SPEC.rejected.yaml` with its findings as comments,
//! and the `--report` JSON. Every write goes through a temporary file in the same directory and a
//! rename, so a file is either the old one or the whole new one, readable like generated files
//! (0644 before the umask). The callers redact what they hand in; nothing here adds a secret.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::DesignError;
use super::prompts::FindingForModel;
use super::repair::Stats;
use crate::lang::Lang;

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
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(&dir).map_err(|e| err(&e))?;
    file.write_all(contents.as_bytes()).map_err(|e| err(&e))?;
    file.persist(path).map_err(|e| err(&e.error))?;
    Ok(())
}

/// Why the rejected attempt is all there is.
#[derive(Debug, Clone, Copy)]
pub enum Why<'a> {
    /// No answer passed within the rounds.
    Rounds(u32),
    /// The run stopped (timeout, context window, signal) with this message.
    Stopped(&'a str),
}

/// The rejected attempt: a comment block with the findings, then the candidate (or raw answer).
pub fn rejected_text(
    model: &str,
    why: Why<'_>,
    findings: &[FindingForModel],
    candidate: &str,
    lang: Lang,
) -> String {
    let mut out = match why {
        Why::Rounds(rounds) => lang.pick(
            format!("# REJECTED by `msaforge design`: the model {model} gave no spec without errors in {rounds} round(s).\n"),
            format!("# REJECTED by `msaforge design`: 모델 {model}이(가) {rounds}라운드 안에 오류 없는 spec을 내지 못했습니다.\n"),
        ),
        Why::Stopped(reason) => lang.pick(
            format!("# REJECTED by `msaforge design`: the run stopped before the model {model} gave a spec without errors: {reason}\n"),
            format!("# REJECTED by `msaforge design`: 모델 {model}이(가) 오류 없는 spec을 내기 전에 실행이 멈췄습니다: {reason}\n"),
        ),
    };
    out.push_str(lang.pick(
        "# This is its last attempt, kept for you to fix by hand or to learn from; it is not a valid spec.\n\
         # Findings of the last attempt:\n",
        "# 마지막 시도를 손으로 고치거나 참고하도록 남겨 둔 것이며, 올바른 spec이 아닙니다.\n\
         # 마지막 시도의 지적 사항:\n",
    ));
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

/// The error that ended a run, in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl ErrorReport {
    pub fn of(error: &DesignError, lang: Lang) -> Self {
        let (message, help) = error.localized(lang);
        ErrorReport {
            code: error.code_name(),
            message,
            help,
        }
    }
}

/// The `--report` file.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// `accepted`, `rejected`, `failed` or `interrupted`.
    pub outcome: &'a str,
    pub exit_code: i32,
    pub spec: Option<String>,
    pub rejected: Option<String>,
    #[serde(flatten)]
    pub stats: &'a Stats,
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<FindingForModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    /// `design --candidates`: every candidate (see `candidates`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<serde_json::Value>,
}

/// Writes the report, with every secret `redact` knows replaced.
pub fn write_report(
    path: &Path,
    report: &Report<'_>,
    redact: &dyn Fn(&str) -> String,
) -> Result<(), DesignError> {
    let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
    json.push('\n');
    write_atomically(path, &redact(&json))
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
        let text = rejected_text("m", Why::Rounds(3), &[f], "msaforge: 1", Lang::En);
        assert!(text.contains("#   error MSA106 at contexts[0].calls[0]: no timeout\n#     second line\n# ---\nmsaforge: 1\n"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_readable_like_generated_ones() {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("spec.yaml");
        write_atomically(&path, "x\n").expect("writes");
        // As `plan::apply` creates generated files: 0644 before the same umask.
        let generated = dir.path().join("generated");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&generated)
            .expect("creates");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&generated));
    }
}
