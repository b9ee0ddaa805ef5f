//! DR rules: effective RTO through critical calls (DR inversions), the gateway's grade, objectives a
//! strategy cannot meet, active-active writes (and active-active PostgreSQL, refused), and
//! contexts with no grade.
//!
//! The effective RTO itself is computed by `crate::recovery`, shared with `msaforge dr` and the DR plan.

use crate::check::list::chained;
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::recovery::{effective_rto_next, level};
use crate::spec::model::{Store, Strategy};
use crate::spec::resolve::DrLevel;
use crate::spec::{Path, Spec};

use super::ctx;

pub static MSA201: Rule = Rule {
    code: "MSA201",
    name: "dr-inversion",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A context's declared RTO is better than its effective RTO: the worst declared RTO along its critical synchronous calls.",
        ko: "선언한 RTO가 실효 RTO(필수 동기 호출을 따라간 가장 나쁜 RTO)보다 좋습니다.",
    },
    why: Text {
        en: "A service cannot be back before the services it cannot work without. The September 2025 national data centre fire showed it: recovery took 95 days largely because linked systems had to come back together.",
        ko: "서비스는 그것 없이는 동작하지 못하는 서비스보다 먼저 돌아올 수 없습니다. 2025년 9월 국가정보자원관리원 화재에서 연계 시스템을 함께 복구해야 해서 완전 복구에 95일이 걸린 것이 그 예입니다.",
    },
    fix: Text {
        en: "Raise the callee's grade, or make the call non-critical with a fallback (cache, queue, degraded mode).",
        ko: "피호출자의 등급을 올리거나, 대체 경로(캐시, 큐, 축소 운영)를 두고 호출을 필수가 아닌 호출로 바꾸세요.",
    },
    source: "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2 (정보시스템 등급제); msaforge's effective-RTO rule",
};

pub static MSA202: Rule = Rule {
    code: "MSA202",
    name: "gateway-grade",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "The gateway's DR grade is weaker than the strongest public context's.",
        ko: "게이트웨이의 DR 등급이 가장 높은 공개 컨텍스트보다 낮습니다.",
    },
    why: Text {
        en: "Every public request passes the gateway; its recovery caps that of everything behind it.",
        ko: "모든 공개 요청이 게이트웨이를 거치므로 그 복구 수준이 뒤의 모든 것을 제한합니다.",
    },
    fix: Text {
        en: "Set `gateway.dr.grade` to the strongest public context's grade.",
        ko: "`gateway.dr.grade`를 가장 높은 공개 컨텍스트의 등급으로 설정하세요.",
    },
    source: "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2",
};

pub static MSA203: Rule = Rule {
    code: "MSA203",
    name: "impossible-objective",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An RTO or RPO the strategy cannot meet (RPO 0 with backup-restore; minutes of RTO from backups). Limits per strategy are msaforge's defaults: active-standby needs 5m RTO, backup-restore 4h RTO and 1h RPO; override them with `policy.strategy_limits`.",
        ko: "전략이 달성할 수 없는 RTO나 RPO입니다 (backup-restore로 RPO 0, 백업 복원으로 몇 분 RTO). 전략별 한도는 msaforge 기본값(active-standby RTO 5m, backup-restore RTO 4h·RPO 1h)이며 `policy.strategy_limits`로 바꿀 수 있습니다.",
    },
    why: Text {
        en: "A promise the architecture cannot keep is found out during the disaster.",
        ko: "아키텍처가 지킬 수 없는 약속은 재해 때 드러납니다.",
    },
    fix: Text {
        en: "Choose a stronger strategy, or state the objective the strategy can meet.",
        ko: "더 강한 전략을 고르거나 전략이 달성할 수 있는 목표를 쓰세요.",
    },
    source: "TTA TTAK.KO-12.0009/R1 (mirror, hot, warm and cold sites)",
};

pub static MSA204: Rule = Rule {
    code: "MSA204",
    name: "active-active-writes",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "An active-active context with a stateful store and no `write_strategy`.",
        ko: "상태 저장소를 쓰는 active-active 컨텍스트에 `write_strategy`가 없습니다.",
    },
    why: Text {
        en: "Most databases accept one writer at a time; two sites writing the same rows lose updates or split the brain.",
        ko: "대부분의 데이터베이스는 한 곳만 쓸 수 있어, 두 사이트가 같은 행을 쓰면 갱신이 사라지거나 스플릿 브레인이 됩니다.",
    },
    fix: Text {
        en: "State `write_strategy: single-primary` (one writer, the other site forwards), `partitioned`, or `conflict-free`.",
        ko: "`write_strategy: single-primary`(한 곳이 쓰고 다른 사이트는 전달), `partitioned`, `conflict-free` 중 하나를 쓰세요.",
    },
    source: "CloudNativePG replica clusters (one primary at a time); Kleppmann: Designing Data-Intensive Applications, 2017, ch. 5",
};

pub static MSA205: Rule = Rule {
    code: "MSA205",
    name: "no-dr-grade",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A context with no DR grade; it is treated as grade 4.",
        ko: "DR 등급이 없는 컨텍스트이며 4등급으로 간주합니다.",
    },
    why: Text {
        en: "Every system in the public sector has a grade; leaving it out hides the recovery promise.",
        ko: "공공 정보시스템은 모두 등급이 있으며, 빠뜨리면 복구 약속이 가려집니다.",
    },
    fix: Text {
        en: "Add `dr: { grade: N }`.",
        ko: "`dr: { grade: N }`을 추가하세요.",
    },
    source: "행정기관 및 공공기관 정보시스템 구축·운영 지침 제48조의2",
};

pub static MSA206: Rule = Rule {
    code: "MSA206",
    name: "active-active-postgres",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "An active-active context with a PostgreSQL store: in the DR site its services would run against a read-only replica.",
        ko: "PostgreSQL 저장소를 쓰는 active-active 컨텍스트입니다: DR 사이트의 서비스가 읽기 전용 복제본을 쓰게 됩니다.",
    },
    why: Text {
        en: "PostgreSQL has one writable primary and no multi-primary mode, and the DR site's CloudNativePG replica cluster is read-only until it is promoted: every write the DR site's services take would fail. `write_strategy` cannot change that (partitioned or conflict-free writes need a store with several writers), and sending the DR site's writes across to the primary site would stop them exactly when the sites are cut apart, the case DR is for. msaforge refuses the combination rather than generate a DR site that cannot write.",
        ko: "PostgreSQL은 쓰기 가능한 프라이머리가 하나뿐이고 멀티 프라이머리가 없으며, DR 사이트의 CloudNativePG 복제 클러스터는 승격 전까지 읽기 전용입니다: DR 사이트 서비스가 받는 쓰기는 모두 실패합니다. `write_strategy`로도 바뀌지 않으며(분할·무충돌 쓰기는 여러 곳이 쓰는 저장소가 필요합니다), DR 사이트의 쓰기를 주 사이트 프라이머리로 보내면 두 사이트가 끊긴 순간, 즉 DR이 필요한 바로 그때 쓰기가 멈춥니다. msaforge는 쓸 수 없는 DR 사이트를 생성하는 대신 이 조합을 거부합니다.",
    },
    fix: Text {
        en: "Give the context `strategy: active-standby` (a hot standby: the replica cluster is promoted and the services start in the DR site on failover; its RTO is that switch), or keep what both sites must serve in a stateless context.",
        ko: "컨텍스트에 `strategy: active-standby`를 주세요(핫 스탠바이: 장애 전환 때 복제 클러스터를 승격하고 DR 사이트에서 서비스를 시작하며, RTO는 그 전환 시간입니다). 또는 두 사이트가 함께 처리해야 하는 일은 상태 없는 컨텍스트로 옮기세요.",
    },
    source: "CloudNativePG, Replica clusters (read-only until promoted); PostgreSQL documentation, High Availability, Load Balancing, and Replication (one primary)",
};

/// Grade 5 (older local-government criteria) is treated as 4.
fn norm(grade: u8) -> u8 {
    grade.min(4)
}

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let effective = effective_rto_next(spec);
    for (i, c) in spec.contexts.iter().enumerate() {
        let at = ctx(i).key("dr");
        let Some(dr) = c.dr else {
            let name = &c.name;
            out.push(
                Finding::new(&MSA205, ctx(i).key("name"), tr!(lang, "context `{name}` states no DR grade; it is treated as grade 4", "컨텍스트 `{name}`에 DR 등급이 없어 4등급으로 간주합니다"))
                    .help(tr!(lang, "add `dr: {{ grade: N }}` with the system grade (1-4) from the information-system grading", "정보시스템 등급(1-4)에 맞춰 `dr: {{ grade: N }}`을 추가하세요")),
            );
            continue;
        };
        let eff = effective[i].0;
        if dr.rto < eff {
            let mut chain = vec![i];
            while let Some(next) = effective[chain[chain.len() - 1]].1 {
                chain.push(next);
            }
            let hops: Vec<Hop<'_>> = chain.iter().map(|&j| Hop(spec, j)).collect();
            let shown = chained(&hops, lang);
            let (rto, name) = (dr.rto, &c.name);
            let last = chain.last().map_or(name, |&j| &spec.contexts[j].name);
            let mut finding = Finding::new(&MSA201, at.clone(), tr!(lang, "DR inversion: `{name}` promises RTO {rto} but depends critically on a slower recovery, so its effective RTO is {eff}: {shown}", "DR 역전: `{name}`은(는) RTO {rto}를 약속하지만 더 느리게 복구되는 대상에 필수로 의존하여 실효 RTO가 {eff}입니다: {shown}"))
                .at_key()
                .help(tr!(lang, "raise `{last}`'s grade (or RTO) to match, or make the call non-critical with a fallback (cache, queue, degraded mode)", "`{last}`의 등급(또는 RTO)을 올리거나, 대체 경로(캐시, 큐, 축소 운영)를 두고 호출을 필수가 아닌 호출(`critical: false`)로 바꾸세요"));
            if let Some(&next) = chain.get(1)
                && let Some(k) = c
                    .calls
                    .iter()
                    .position(|call| call.critical && call.context == spec.contexts[next].name)
            {
                finding = finding.related(
                    ctx(i).key("calls").index(k),
                    tr!(lang, "the critical call", "필수 호출"),
                );
            }
            out.push(finding);
        }
        impossible(spec, dr, at.clone(), &c.name, lang, out);
        if dr.strategy == Strategy::ActiveActive && c.data.store == Store::Postgres {
            let name = &c.name;
            out.push(
                Finding::new(&MSA206, at, tr!(lang, "`{name}` is active-active with a postgres store: the DR site's replica cluster is read-only, so its services there could not write", "`{name}`은(는) `postgres` 저장소를 쓰는 active-active입니다: DR 사이트의 복제 클러스터는 읽기 전용이라 그곳 서비스는 쓸 수 없습니다"))
                    .at_key()
                    .help(tr!(lang, "PostgreSQL has one writable primary: add `strategy: active-standby` to `dr` (the replica is promoted on failover)", "`postgres`는 쓰기 가능한 프라이머리가 하나입니다: `dr`에 `strategy: active-standby`를 추가하세요(장애 전환 때 복제본을 승격합니다)")),
            );
        } else if dr.strategy == Strategy::ActiveActive
            && c.is_stateful()
            && dr.write_strategy.is_none()
        {
            let (name, store) = (&c.name, format!("{:?}", c.data.store).to_lowercase());
            out.push(
                Finding::new(&MSA204, at, tr!(lang, "`{name}` is active-active with a {store} store but states no write strategy", "`{name}`은(는) `{store}` 저장소를 쓰는 active-active인데 쓰기 전략이 없습니다"))
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
            &tr!(lang, "grade {grade}", "{grade}등급"),
            lang,
            out,
        );
    }
}

/// A context on a chain, shown with its RTO only when the message shows it.
struct Hop<'a>(&'a Spec, usize);

impl std::fmt::Display for Hop<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Hop(spec, j) = *self;
        write!(f, "{} (RTO {})", spec.contexts[j].name, level(spec, j).rto)
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
        let mut finding = Finding::new(&MSA202, at, if spec.gateway.dr.is_some() {
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
            lang.pick("gateway", "게이트웨이"),
            lang,
            out,
        );
    }
}

fn impossible(spec: &Spec, dr: DrLevel, at: Path, who: &str, lang: Lang, out: &mut Vec<Finding>) {
    let (fastest_rto, fastest_rpo) = spec.policy.strategy_limit(dr.strategy);
    let strategy = dr.strategy.as_str();
    let stronger = match dr.strategy {
        Strategy::BackupRestore => "active-standby",
        _ => "active-active",
    };
    if dr.rpo < fastest_rpo {
        let rpo = dr.rpo;
        out.push(
            Finding::new(&MSA203, at.clone().key("rpo"), tr!(lang, "{who}: RPO {rpo} is impossible with {strategy}, which loses up to {fastest_rpo} of data", "{who}: {strategy} 전략은 최대 {fastest_rpo}의 데이터를 잃으므로 RPO {rpo}는 불가능합니다"))
                .help(tr!(lang, "use `strategy: {stronger}` (replicated), or accept `rpo: {fastest_rpo}`", "`strategy: {stronger}`(복제)를 쓰거나 `rpo: {fastest_rpo}`를 받아들이세요")),
        );
    }
    if dr.rto < fastest_rto {
        let rto = dr.rto;
        out.push(
            Finding::new(&MSA203, at.key("rto"), tr!(lang, "{who}: RTO {rto} is impossible with {strategy}, which needs at least {fastest_rto} to recover", "{who}: {strategy} 전략은 복구에 최소 {fastest_rto}가 걸리므로 RTO {rto}는 불가능합니다"))
                .help(tr!(lang, "use `strategy: {stronger}`, or set `rto: {fastest_rto}` or more", "`strategy: {stronger}`를 쓰거나 `rto`를 {fastest_rto} 이상으로 하세요")),
        );
    }
}
