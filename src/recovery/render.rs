//! `msaforge dr` output: the DR plan as an aligned text table with the recovery order (English or
//! Korean), or as JSON. Formatting only; the numbers come from `recovery::plan`.

use std::fmt::Write as _;

use clap::ValueEnum;

use super::Plan;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// The plan as pretty JSON with a final newline.
pub fn json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}

/// Terminal columns of a string: Hangul and other wide characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60 => 2,
            _ => 1,
        })
        .sum()
}

/// Rows as aligned columns (two spaces apart, wide characters counted twice); also `metrics`.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|k| rows.iter().map(|r| width(&r[k])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (k, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if k + 1 < columns {
                line.push_str(&" ".repeat(widths[k] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The table of every context and the recovery order, for a terminal.
pub fn human(plan: &Plan, lang: Lang) -> String {
    let system = &plan.system;
    let mut out = tr!(
        lang,
        "DR plan of `{system}` (RTO/RPO from the spec and msaforge's grade table; effective = through critical sync calls)\n\n",
        "`{system}`의 재해복구 계획 (RTO/RPO는 spec과 msaforge 등급표 기준, 실효값은 필수 동기 호출을 따라 계산)\n\n"
    );
    let mut rows = vec![
        lang.pick(
            [
                "context",
                "grade",
                "strategy",
                "store",
                "RTO",
                "RPO",
                "effective RTO",
                "effective RPO",
                "step",
            ],
            [
                "컨텍스트",
                "등급",
                "전략",
                "저장소",
                "RTO",
                "RPO",
                "실효 RTO",
                "실효 RPO",
                "복구 단계",
            ],
        )
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>(),
    ];
    for c in &plan.contexts {
        let via = |value: &str, chain: &[String]| {
            if chain.is_empty() {
                value.to_owned()
            } else {
                format!("{value} ({})", chain.join(" -> "))
            }
        };
        rows.push(vec![
            c.name.clone(),
            if c.stated {
                c.grade.to_string()
            } else {
                format!("{}*", c.grade)
            },
            c.strategy.as_str().to_owned(),
            c.store.as_str().to_owned(),
            c.rto.clone(),
            c.rpo.clone(),
            via(&c.effective_rto, &c.rto_via),
            via(&c.effective_rpo, &c.rpo_via),
            c.step.to_string(),
        ]);
    }
    out.push_str(&table(&rows));
    if plan.contexts.iter().any(|c| !c.stated) {
        out.push_str(lang.pick(
            "* no grade in the spec: held to grade 4 (MSA205)\n",
            "* spec에 등급이 없어 4등급으로 간주 (MSA205)\n",
        ));
    }
    out.push_str(lang.pick(
        "\nRecovery order (dependencies first; contexts in one step can recover in parallel):\n",
        "\n복구 순서 (의존 대상 먼저, 같은 단계의 컨텍스트는 병렬 복구 가능):\n",
    ));
    for step in &plan.order {
        let _ = write!(out, "  {}. {}", step.step, step.contexts.join(", "));
        for group in &step.together {
            let group = group.join(", ");
            out.push_str(&tr!(
                lang,
                "  [together, they call each other: {group}]",
                "  [서로 호출하므로 함께 복구: {group}]"
            ));
        }
        out.push('\n');
    }
    out
}
