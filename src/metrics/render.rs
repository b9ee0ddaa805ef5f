//! `msaforge metrics` output: a table of the contexts and the system's numbers (English or Korean),
//! or JSON. Formatting only; the numbers come from `metrics::measure`.

use std::fmt::Write as _;

use super::Metrics;
use crate::lang::Lang;
use crate::recovery::render::table;

/// The metrics as pretty JSON with a final newline.
pub fn json(metrics: &Metrics) -> String {
    let mut text = serde_json::to_string_pretty(metrics).unwrap_or_default();
    text.push('\n');
    text
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".into(), |s| format!("{:.0}%", s * 100.0))
}

/// Hops of a chain (its contexts less one), `-` without one.
fn hops(chain: Option<&Vec<String>>) -> String {
    chain.map_or_else(|| "-".into(), |c| c.len().saturating_sub(1).to_string())
}

/// The table of every context, then the system's lines, for a terminal.
pub fn human(m: &Metrics, lang: Lang) -> String {
    let mut out = table(&rows(m, lang));
    out.push('\n');
    for line in summary(m, lang) {
        let _ = writeln!(out, "{line}");
    }
    out.push_str(lang.pick(
        "\nWhat each number means and where it comes from: msaforge metrics --definitions\n",
        "\n각 수치의 뜻과 출처: msaforge metrics --definitions --lang ko\n",
    ));
    out
}

/// The same table and lines as `human`, in Markdown (the generated `docs/architecture.md`).
pub fn markdown(m: &Metrics, lang: Lang) -> String {
    let rows = rows(m, lang);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, cell)| {
                let cell = cell.replace('|', "\\|");
                if i > 0 && j == 0 {
                    format!("`{cell}`")
                } else {
                    cell
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        if i == 0 {
            let _ = writeln!(out, "|{}", "---|".repeat(row.len()));
        }
    }
    out.push('\n');
    for line in summary(m, lang) {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// The header and one row per context.
fn rows(m: &Metrics, lang: Lang) -> Vec<Vec<String>> {
    let header = lang.pick(
        [
            "context",
            "team",
            "Ca",
            "Ce",
            "events in/out",
            "event share",
            "chain",
            "critical",
            "operations",
            "cross-team",
            "RTO",
            "effective RTO",
        ],
        [
            "컨텍스트",
            "팀",
            "Ca",
            "Ce",
            "이벤트 구독/발행",
            "이벤트 비율",
            "체인",
            "필수 체인",
            "오퍼레이션",
            "팀 경계 호출",
            "RTO",
            "실효 RTO",
        ],
    );
    let mut rows = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for c in &m.contexts {
        rows.push(vec![
            c.name.clone(),
            c.team.clone().unwrap_or_else(|| "-".into()),
            c.afferent.to_string(),
            c.efferent.to_string(),
            format!("{}/{}", c.consumes_from, c.consumed_by),
            percent(c.event_share),
            hops(c.longest_chain.as_ref()),
            hops(c.longest_critical_chain.as_ref()),
            format!("{} ({})", c.operations, c.public_operations),
            c.cross_team_calls.to_string(),
            c.rto.to_string(),
            c.effective_rto.to_string(),
        ]);
    }
    rows
}

/// The system's numbers, one line each.
fn summary(m: &Metrics, lang: Lang) -> Vec<String> {
    let s = &m.system;
    let chain = |c: Option<&Vec<String>>| match c {
        Some(c) => tr!(
            lang,
            "{} hop(s) ({})",
            "{}단계 ({})",
            hops(Some(c)),
            c.join(" -> ")
        ),
        None => lang
            .pick("none: the calls form a cycle", "없음: 호출이 순환합니다")
            .into(),
    };
    let deps = s.sync_dependencies + s.event_dependencies;
    let mut lines = vec![
        tr!(
            lang,
            "service coupling factor (SCF): {0:.3} ({1} synchronous dependencies of {2} possible)",
            "서비스 결합 계수 (SCF): {0:.3} (가능한 {2}개 중 동기 의존 {1}개)",
            s.service_coupling_factor,
            s.sync_dependencies,
            s.contexts * s.contexts.saturating_sub(1)
        ),
        tr!(
            lang,
            "event share: {0} ({1} of {2} dependencies are events)",
            "이벤트 비율: {0} (의존 {2}개 중 이벤트 {1}개)",
            percent(s.event_share),
            s.event_dependencies,
            deps
        ),
        tr!(
            lang,
            "longest synchronous chain: {}; critical: {}",
            "최장 동기 호출 체인: {}; 필수: {}",
            chain(s.longest_chain.as_ref()),
            chain(s.longest_critical_chain.as_ref())
        ),
        tr!(
            lang,
            "operations per context: {:.1} on average, {} at most",
            "컨텍스트당 오퍼레이션: 평균 {:.1}, 최대 {}",
            s.operations_per_context,
            s.most_operations
        ),
    ];
    let teams: Vec<String> = m
        .teams
        .iter()
        .map(|t| {
            let name = t
                .name
                .clone()
                .unwrap_or_else(|| lang.pick("(no team)", "(팀 없음)").into());
            format!("{name} {}", t.contexts)
        })
        .collect();
    lines.push(tr!(
        lang,
        "contexts per team: {0}; cross-team calls: {1} of {2} ({3})",
        "팀당 컨텍스트: {0}; 팀 경계를 넘는 호출: {2}개 중 {1}개 ({3})",
        teams.join(", "),
        s.cross_team_calls,
        s.sync_dependencies,
        percent(super::share(s.cross_team_calls, s.sync_dependencies))
    ));
    let ratio = s
        .effective_rto_ratio
        .map_or_else(String::new, |r| tr!(lang, " ({r:.1}x)", " ({r:.1}배)"));
    lines.push(tr!(
        lang,
        "effective RTO: {} to {}{ratio}",
        "실효 RTO: {} ~ {}{ratio}",
        s.effective_rto_min,
        s.effective_rto_max
    ));
    lines
}
