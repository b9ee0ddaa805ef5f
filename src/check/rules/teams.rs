//! Ownership rules: every context has a team, every team a context, and no team more contexts
//! than the policy allows (Team Topologies' cognitive load).

use std::collections::HashMap;

use crate::check::list::listed;
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;

use super::ctx;

pub static MSA120: Rule = Rule {
    code: "MSA120",
    name: "context-without-team",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A context with no owning team.",
        ko: "담당 팀이 없는 컨텍스트입니다.",
    },
    why: Text {
        en: "A service nobody owns is a service nobody fixes or recovers.",
        ko: "주인 없는 서비스는 아무도 고치거나 복구하지 않습니다.",
    },
    fix: Text {
        en: "Set `team:` to a team from `teams`.",
        ko: "`teams`의 팀으로 `team:`을 설정하세요.",
    },
    source: "Skelton, Pais: Team Topologies, 2019 (stream-aligned teams own services)",
};

pub static MSA121: Rule = Rule {
    code: "MSA121",
    name: "team-without-context",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A team that owns no context.",
        ko: "소유한 컨텍스트가 없는 팀입니다.",
    },
    why: Text {
        en: "Usually a leftover or a misspelt `team:` reference.",
        ko: "대개 남은 항목이거나 `team:` 참조의 오타입니다.",
    },
    fix: Text {
        en: "Assign it a context or remove it.",
        ko: "컨텍스트를 맡기거나 지우세요.",
    },
    source: "Skelton, Pais: Team Topologies, 2019",
};

pub static MSA122: Rule = Rule {
    code: "MSA122",
    name: "team-overloaded",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A team owning more contexts than `policy.max_contexts_per_team` (default 3).",
        ko: "`policy.max_contexts_per_team`(기본 3)보다 많은 컨텍스트를 소유한 팀입니다.",
    },
    why: Text {
        en: "Cognitive load: a team that owns too much cannot keep any of it healthy, and Conway's law then shapes the system after the overload.",
        ko: "인지 부하: 너무 많이 가진 팀은 어느 것도 건강하게 유지하지 못하고, 콘웨이 법칙에 따라 시스템도 그 과부하를 닮습니다.",
    },
    fix: Text {
        en: "Split the team, or move contexts to other teams.",
        ko: "팀을 나누거나 컨텍스트를 다른 팀으로 옮기세요.",
    },
    source: "Skelton, Pais: Team Topologies, 2019 (cognitive load); Conway 1968",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut owned: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        if let Some(team) = &c.team {
            owned.entry(team.as_str()).or_default().push(i);
        } else {
            {
                let name = &c.name;
                out.push(
                    Finding::new(&MSA120, ctx(i).key("name"), tr!(lang, "context `{name}` has no owning team", "컨텍스트 `{name}`에 담당 팀이 없습니다"))
                        .help(tr!(lang, "add `team:` with a name from `teams`; a service nobody owns is a service nobody fixes", "`teams`에 있는 이름으로 `team:`을 추가하세요. 주인 없는 서비스는 아무도 고치지 않습니다")),
                );
            }
        }
    }
    let max = spec.policy.max_contexts_per_team as usize;
    for (t, team) in spec.teams.iter().enumerate() {
        let name = team.name.as_str();
        let list = owned.get(name).map(Vec::as_slice).unwrap_or_default();
        if list.is_empty() {
            out.push(
                Finding::new(
                    &MSA121,
                    crate::spec::Path::root().key("teams").index(t).key("name"),
                    tr!(
                        lang,
                        "team `{name}` owns no context",
                        "팀 `{name}`이(가) 소유한 컨텍스트가 없습니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "assign it a context with `team: {name}`, or remove the team",
                    "`team: {name}`으로 컨텍스트를 맡기거나 팀을 지우세요"
                )),
            );
        } else if list.len() > max {
            let n = list.len();
            let names: Vec<&str> = list
                .iter()
                .map(|&i| spec.contexts[i].name.as_str())
                .collect();
            let names = listed(&names, lang);
            out.push(
                Finding::new(&MSA122, crate::spec::Path::root().key("teams").index(t).key("name"), tr!(lang, "team `{name}` owns {n} contexts ({names}); the policy allows {max}", "팀 `{name}`이(가) 컨텍스트 {n}개({names})를 소유합니다. 정책 한도는 {max}개입니다"))
                    .help(tr!(lang, "split the team or hand some contexts to another team (or raise `policy.max_contexts_per_team`)", "팀을 나누거나 일부 컨텍스트를 다른 팀에 넘기세요 (또는 `policy.max_contexts_per_team`을 늘리세요)")),
            );
        }
    }
}
