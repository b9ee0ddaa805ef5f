//! The report of `check --output`: unresolved merge conflicts the way a compiler reports errors.
//! Formatting only.

use std::fmt::Write as _;

use crate::lang::Lang;

/// The report of `check --output`: each unresolved conflict the way a compiler reports an error.
pub fn problems(
    dir: &std::path::Path,
    problems: &[crate::plan::verify::Problem],
    format: crate::check::render::Format,
    lang: Lang,
) -> String {
    use crate::check::render::Format;
    if !matches!(format, Format::Human) {
        let doc = serde_json::json!({ "output": dir.display().to_string(), "conflicts": problems });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let mut out = String::new();
    for p in problems {
        let place = dir.join(&p.path);
        let _ = writeln!(
            out,
            "error[conflict]: {}:{}:1: {}",
            place.display(),
            p.line.unwrap_or(1),
            lang.pick(
                format!(
                    "{} unresolved merge conflict(s) left by msaforge generate",
                    p.conflicts
                ),
                format!(
                    "msaforge generate가 남긴 미해결 병합 충돌 {}곳",
                    p.conflicts
                )
            )
        );
        let _ = writeln!(
            out,
            "  = help: {}",
            lang.pick(
                "between `<<<<<<< yours` and `>>>>>>>` keep the lines you want, delete the rest and the marker lines",
                "`<<<<<<< yours`와 `>>>>>>>` 사이에서 남길 줄만 두고 나머지와 표시 줄을 지우세요"
            )
        );
    }
    let _ = writeln!(
        out,
        "{}",
        if problems.is_empty() {
            lang.pick(
                format!("{}: no unresolved conflicts", dir.display()),
                format!("{}: 미해결 충돌 없음", dir.display()),
            )
        } else {
            lang.pick(
                format!(
                    "{}: {} file(s) with unresolved conflicts",
                    dir.display(),
                    problems.len()
                ),
                format!(
                    "{}: 미해결 충돌이 있는 파일 {}개",
                    dir.display(),
                    problems.len()
                ),
            )
        }
    );
    out
}
