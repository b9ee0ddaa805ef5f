//! DR rules: effective RTO through critical calls (DR inversions), the gateway's grade, objectives a
//! strategy cannot meet, active-active writes, and contexts with no grade.
//!
//! The effective RTO itself is computed by `crate::recovery`, shared with `msaforge dr` and the DR plan.

use crate::check::Finding;
use crate::lang::Lang;
use crate::recovery::{effective_rto, level};
use crate::spec::model::Strategy;
use crate::spec::resolve::DrLevel;
use crate::spec::{Path, Spec};

use super::ctx;

/// Grade 5 (older local-government criteria) is treated as 4.
fn norm(grade: u8) -> u8 {
    grade.min(4)
}

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let effective = effective_rto(spec);
    for (i, c) in spec.contexts.iter().enumerate() {
        let at = ctx(i).key("dr");
        let Some(dr) = c.dr else {
            let name = &c.name;
            out.push(
                Finding::warning("MSA205", ctx(i).key("name"), tr!(lang, "context `{name}` states no DR grade; it is treated as grade 4", "컨텍스트 `{name}`에 DR 등급이 없어 4등급으로 간주합니다"))
                    .help(tr!(lang, "add `dr: {{ grade: N }}` with the system grade (1-4) from the information-system grading", "정보시스템 등급(1-4)에 맞춰 `dr: {{ grade: N }}`을 추가하세요")),
            );
            continue;
        };
        let (eff, chain) = &effective[i];
        if dr.rto < *eff {
            let shown = chain
                .iter()
                .map(|&j| format!("{} (RTO {})", spec.contexts[j].name, level(spec, j).rto))
                .collect::<Vec<_>>()
                .join(" -> ");
            let (rto, name) = (dr.rto, &c.name);
            let last = chain.last().map_or(name, |&j| &spec.contexts[j].name);
            let mut finding = Finding::error("MSA201", at.clone(), tr!(lang, "DR inversion: `{name}` promises RTO {rto} but depends critically on a slower recovery, so its effective RTO is {eff}: {shown}", "DR 역전: `{name}`은(는) RTO {rto}를 약속하지만 더 느리게 복구되는 대상에 결정적으로 의존하여 실효 RTO가 {eff}입니다: {shown}"))
                .at_key()
                .help(tr!(lang, "raise `{last}`'s grade (or RTO) to match, or make the call non-critical with a fallback (cache, queue, degraded mode)", "`{last}`의 등급(또는 RTO)을 올리거나, 대체 경로(캐시, 큐, 축소 운영)를 두고 호출을 비결정적(critical: false)으로 바꾸세요"));
            if let Some(&next) = chain.get(1)
                && let Some(k) = c
                    .calls
                    .iter()
                    .position(|call| call.critical && call.context == spec.contexts[next].name)
            {
                finding = finding.related(
                    ctx(i).key("calls").index(k),
                    tr!(lang, "the critical call", "결정적 호출"),
                );
            }
            out.push(finding);
        }
        impossible(spec, dr, at.clone(), &c.name, lang, out);
        if dr.strategy == Strategy::ActiveActive && c.is_stateful() && dr.write_strategy.is_none() {
            let (name, store) = (&c.name, format!("{:?}", c.data.store).to_lowercase());
            out.push(
                Finding::warning("MSA204", at, tr!(lang, "`{name}` is active-active with a {store} store but states no write strategy", "`{name}`은(는) {store} 저장소를 쓰는 active-active인데 쓰기 전략이 없습니다"))
                    .at_key()
                    .help(tr!(lang, "most databases accept one writer at a time: add `write_strategy: single-primary` (or `partitioned` / `conflict-free` if the data allows)", "대부분의 데이터베이스는 한 번에 한 곳만 씁니다: `write_strategy: single-primary`를 추가하세요 (데이터가 허락하면 `partitioned` / `conflict-free`)")),
            );
        }
    }
    gateway(spec, lang, out);
    for (k, &grade) in spec.dr_profile_grades.iter().enumerate() {
        if spec.dr_profile_grades[k + 1..].contains(&grade) {
            continue; // a later row for the same grade wins
        }
        let row = spec.dr_table.profile(grade);
        let level = DrLevel {
            grade,
            strategy: row.strategy,
            rto: row.rto,
            rpo: row.rpo,
            write_strategy: None,
        };
        impossible(
            spec,
            level,
            Path::root().key("dr_profiles").index(k),
            &format!("grade {grade}"),
            lang,
            out,
        );
    }
}

fn gateway(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let strongest = spec
        .contexts
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.operations
                .iter()
                .any(|o| o.exposure == crate::spec::model::Exposure::Public)
        })
        .filter_map(|(i, c)| c.dr.map(|d| (norm(d.grade), i)))
        .min();
    let Some((grade, i)) = strongest else { return };
    let (gw, at) = match spec.gateway.dr {
        Some(d) => (
            norm(d.grade),
            Path::root().key("gateway").key("dr").key("grade"),
        ),
        None => (4, Path::root().key("gateway")),
    };
    if gw > grade {
        let name = &spec.contexts[i].name;
        let mut finding = Finding::error("MSA202", at, if spec.gateway.dr.is_some() {
            tr!(lang, "the gateway is grade {gw} but public context `{name}` is grade {grade}: every public call goes through the gateway, so it caps their recovery", "게이트웨이는 {gw}등급인데 공개 컨텍스트 `{name}`은(는) {grade}등급입니다: 모든 공개 호출이 게이트웨이를 거치므로 복구 수준이 게이트웨이에 묶입니다")
        } else {
            tr!(lang, "the gateway states no DR grade (treated as 4) but public context `{name}` is grade {grade}: every public call goes through the gateway, so it caps their recovery", "게이트웨이에 DR 등급이 없어 4등급으로 간주하는데 공개 컨텍스트 `{name}`은(는) {grade}등급입니다: 모든 공개 호출이 게이트웨이를 거치므로 복구 수준이 게이트웨이에 묶입니다")
        })
            .help(tr!(lang, "set `gateway.dr.grade: {grade}` (or stronger)", "`gateway.dr.grade: {grade}`(또는 더 높은 등급)로 설정하세요"))
            .related(ctx(i).key("dr"), tr!(lang, "the strongest public context", "가장 높은 등급의 공개 컨텍스트"));
        if spec.gateway.dr.is_none() {
            finding = finding.at_key();
        }
        out.push(finding);
    }
    if let Some(d) = spec.gateway.dr {
        impossible(
            spec,
            d,
            Path::root().key("gateway").key("dr"),
            "gateway",
            lang,
            out,
        );
    }
}

fn impossible(spec: &Spec, dr: DrLevel, at: Path, who: &str, lang: Lang, out: &mut Vec<Finding>) {
    let (fastest_rto, fastest_rpo) = spec.policy.strategy_limit(dr.strategy);
    let strategy = match dr.strategy {
        Strategy::ActiveActive => "active-active",
        Strategy::ActiveStandby => "active-standby",
        Strategy::BackupRestore => "backup-restore",
    };
    let stronger = match dr.strategy {
        Strategy::BackupRestore => "active-standby",
        _ => "active-active",
    };
    if dr.rpo < fastest_rpo {
        let rpo = dr.rpo;
        out.push(
            Finding::error("MSA203", at.clone().key("rpo"), tr!(lang, "{who}: RPO {rpo} is impossible with {strategy}, which loses up to {fastest_rpo} of data", "{who}: {strategy} 전략은 최대 {fastest_rpo}의 데이터를 잃으므로 RPO {rpo}는 불가능합니다"))
                .help(tr!(lang, "use `strategy: {stronger}` (replicated), or accept `rpo: {fastest_rpo}`", "`strategy: {stronger}`(복제)를 쓰거나 `rpo: {fastest_rpo}`를 받아들이세요")),
        );
    }
    if dr.rto < fastest_rto {
        let rto = dr.rto;
        out.push(
            Finding::error("MSA203", at.key("rto"), tr!(lang, "{who}: RTO {rto} is impossible with {strategy}, which needs at least {fastest_rto} to recover", "{who}: {strategy} 전략은 복구에 최소 {fastest_rto}가 걸리므로 RTO {rto}는 불가능합니다"))
                .help(tr!(lang, "use `strategy: {stronger}`, or set `rto: {fastest_rto}` or more", "`strategy: {stronger}`를 쓰거나 `rto`를 {fastest_rto} 이상으로 하세요")),
        );
    }
}
