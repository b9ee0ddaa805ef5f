//! Showing a plan: one line per file that is not unchanged, a summary, unified diffs on request,
//! and JSON for tools. Formatting only; the plan itself is made by `plan::make`.

use std::fmt::Write as _;

use similar::TextDiff;

use super::{Action, Change, OnConflict, Plan};
use crate::lang::Lang;

mod json;
mod problems;

pub use json::json;
pub use problems::problems;

/// Why the action was chosen, in a few words.
fn note(change: &Change, lang: Lang) -> String {
    let (en, ko): (String, String) = match change.action {
        Action::Create => ("new".into(), "새 파일".into()),
        Action::Update => (
            "not edited by you: rewritten".into(),
            "수정되지 않음: 새로 씀".into(),
        ),
        Action::Merge => (
            "your edits kept, msaforge's changes merged in".into(),
            "사용자 수정 유지, 새 변경 병합".into(),
        ),
        Action::Conflict if change.base_lost => (
            format!(
                "merge base missing or damaged: your file and msaforge's differ in {} region(s), each a conflict",
                change.conflicts
            ),
            format!(
                "병합 기준본이 없거나 손상됨: 사용자 파일과 새 파일이 {}곳에서 달라 모두 충돌로 표시",
                change.conflicts
            ),
        ),
        Action::Conflict => (
            format!(
                "{} conflicting region(s) between your edits and msaforge's",
                change.conflicts
            ),
            format!("사용자 수정과 새 변경이 {}곳에서 충돌", change.conflicts),
        ),
        Action::Edited if change.current.text().is_none() => (
            "not a text file (binary, a symbolic link, a directory, a pipe or device, unreadable): generate stops (--force replaces a file or a link; move a directory away)".into(),
            "텍스트 파일이 아님 (바이너리, 심볼릭 링크, 디렉터리, 읽을 수 없음): generate 중단 (--force 시 파일과 링크는 교체, 디렉터리는 직접 옮기세요)".into(),
        ),
        Action::Edited => (
            "generated file edited by hand: generate stops (--force overwrites)".into(),
            "생성 파일을 직접 수정함: generate 중단 (--force 시 덮어씀)".into(),
        ),
        Action::Unchanged => ("up to date".into(), "최신".into()),
        Action::Kept => (
            "yours: never touched".into(),
            "사용자 소유: 건드리지 않음".into(),
        ),
        Action::DeletedByUser => (
            "you deleted it: left deleted (--force restores)".into(),
            "사용자가 삭제함: 그대로 둠 (--force 시 복원)".into(),
        ),
        Action::Remove => (
            "no longer generated, not edited: deleted".into(),
            "더 이상 생성하지 않고 수정도 없음: 삭제".into(),
        ),
        Action::Orphaned => (
            "no longer generated, edited by you: kept".into(),
            "더 이상 생성하지 않지만 사용자가 수정함: 유지".into(),
        ),
    };
    lang.pick(en, ko)
}

/// True for the actions that ask something of the user: files that hold their edits (merged,
/// conflicting, kept, orphaned), a generated file they edited, one they deleted. Shown without
/// `--verbose`; the others (create, update, remove) are only counted.
fn needs_you(action: Action) -> bool {
    matches!(
        action,
        Action::Merge
            | Action::Conflict
            | Action::Edited
            | Action::Kept
            | Action::Orphaned
            | Action::DeletedByUser
    )
}

/// The plan for people: the directory and the counts per action, then the files that need the
/// user (every changed file with `verbose`).
pub fn human(plan: &Plan, lang: Lang, verbose: bool) -> String {
    let mut out = String::new();
    let dir = plan.out.display();
    let counts = counts(plan, lang);
    let verdict = if plan.has_changes() {
        ""
    } else {
        lang.pick(" (no changes)", " (변경 없음)")
    };
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            format!("plan for {dir}: {counts}{verdict}"),
            format!("{dir} 생성 계획: {counts}{verdict}")
        )
    );
    if plan.interrupted {
        let _ = writeln!(
            out,
            "  {}",
            lang.pick(
                "note: an earlier run was interrupted; `msaforge generate` completes it before anything else (this plan counts it as completed)",
                "참고: 이전 실행이 중단됨. `msaforge generate`가 먼저 마무리함 (이 계획은 마무리된 상태 기준)"
            )
        );
    }
    out.push_str(&warnings(plan, lang));
    out.push_str(&files(plan, &[], lang, verbose));
    out.push_str(&super::migrations::human(plan, lang));
    out
}

/// How many files get each action, like `28 create, 16 update, 106 unchanged`.
fn counts(plan: &Plan, lang: Lang) -> String {
    let counts: Vec<String> = Action::ALL
        .iter()
        .filter_map(|&a| {
            let n = plan.count(a);
            (n > 0).then(|| format!("{n} {}", a.as_str()))
        })
        .collect();
    if counts.is_empty() {
        lang.pick("nothing to generate", "생성할 파일 없음")
            .to_owned()
    } else {
        counts.join(", ")
    }
}

/// One line per file that needs the user (per file that is not unchanged, with `verbose`): its
/// action, its path and why; then how many changed files were only counted. `left`: the files a
/// run left as they were because they changed while it applied (`apply::Applied::left`); they
/// need the user too, and are shown as `left-as-is` instead of their planned action.
pub fn files(plan: &Plan, left: &[String], lang: Lang, verbose: bool) -> String {
    let mut out = String::new();
    let (shown, counted): (Vec<&Change>, Vec<&Change>) = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Unchanged && !left.contains(&c.path))
        .partition(|c| verbose || needs_you(c.action));
    let width = (shown.iter().map(|c| c.path.as_str()))
        .chain(left.iter().map(String::as_str))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let listed = !shown.is_empty() || !left.is_empty();
    for c in shown {
        let _ = writeln!(
            out,
            "  {:<15} {:<width$}  {}",
            c.action.as_str(),
            c.path,
            note(c, lang)
        );
    }
    for path in left {
        let _ = writeln!(out, "  {LEFT:<15} {path:<width$}  {}", left_note(lang));
    }
    let n = counted.len();
    let hint = match (n, listed) {
        (0, _) => None,
        (_, false) => Some(lang.pick(
            format!("(--verbose lists the {n} changed file(s))"),
            format!("(--verbose로 변경 파일 {n}개를 표시)"),
        )),
        _ => Some(lang.pick(
            format!("(--verbose lists the other {n} changed file(s))"),
            format!("(--verbose로 나머지 변경 파일 {n}개를 표시)"),
        )),
    };
    if let Some(hint) = hint {
        let _ = writeln!(out, "  {hint}");
    }
    out
}

/// What the user must know before trusting a plan, one `  note:` line each (or nothing): merge
/// bases that were missing or did not match the lock. `generate` prints the same lines.
pub fn warnings(plan: &Plan, lang: Lang) -> String {
    let lost: Vec<&str> = plan.lost_bases().collect();
    if lost.is_empty() {
        return String::new();
    }
    let list = lost.join(", ");
    format!(
        "  {}\n",
        lang.pick(
            format!(
                "note: {} merge base(s) in .msaforge/base/ are missing or do not match the lock, so msaforge cannot tell your edits from its own: {list} are treated as edited by you (conflicts to resolve, or --on-conflict keep-mine). Restore .msaforge/base/ from version control to merge them normally.",
                lost.len()
            ),
            format!(
                "참고: .msaforge/base/의 병합 기준본 {}개가 없거나 잠금 파일과 맞지 않아 사용자 수정과 구별할 수 없음: {list} 파일은 사용자가 수정한 것으로 처리 (충돌 해결 또는 --on-conflict keep-mine). 버전 관리에서 .msaforge/base/를 복원하면 정상 병합됨.",
                lost.len()
            ),
        )
    )
}

/// How a file a transaction left alone is listed.
const LEFT: &str = "left-as-is";

fn left_note(lang: Lang) -> &'static str {
    lang.pick(
        "changed after this run was planned: not overwritten (the next plan shows it)",
        "실행 계획 후 변경됨: 덮어쓰지 않음 (다음 plan에 표시)",
    )
}

/// The files a transaction left alone because they changed after it was planned, one line each
/// (for the files of an interrupted run that `generate` completed; see [`files`] for this run's).
pub fn left(paths: &[String], lang: Lang) -> String {
    let mut out = String::new();
    for path in paths {
        let _ = writeln!(out, "  {LEFT:<15} {path}  {}", left_note(lang));
    }
    out
}

/// Unified diffs (3 lines of context) from each file as it is to what `apply` would leave.
pub fn diff(plan: &Plan, mode: OnConflict) -> String {
    let mut out = String::new();
    for c in &plan.changes {
        let before = c.current.text().unwrap_or("");
        let after = match c.action {
            // Show what stops the run, and what --force would write.
            Action::Edited => c.rendered.as_deref().unwrap_or(""),
            _ if !c.action.changes_files() => continue,
            _ => c.after(mode).unwrap_or(""),
        };
        if before == after {
            continue;
        }
        let diff = TextDiff::from_lines(before, after);
        let (a, b) = (format!("a/{}", c.path), format!("b/{}", c.path));
        let _ = write!(
            out,
            "{}",
            diff.unified_diff().context_radius(3).header(&a, &b)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Policy;
    use crate::plan::lock::OnDisk;

    fn edited(current: OnDisk) -> Change {
        Change {
            path: "compose.yaml".into(),
            policy: Policy::Merge,
            action: Action::Edited,
            current,
            rendered: Some("new\n".into()),
            merged: None,
            conflicts: 0,
            locked: None,
            base: None,
            base_lost: false,
        }
    }

    #[test]
    fn a_file_that_is_not_text_is_not_called_edited_by_hand() {
        let text = note(&edited(OnDisk::Text("mine\n".into())), Lang::En);
        assert!(text.contains("edited by hand"), "{text}");
        let dir = edited(OnDisk::Other {
            hash: "unreadable: Is a directory (os error 21)".into(),
        });
        let shown = note(&dir, Lang::En);
        assert!(shown.contains("not a text file"), "{shown}");
        assert!(shown.contains("move a directory away"), "{shown}");
    }
}
