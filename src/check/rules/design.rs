//! Design rules from the microservice smell literature: shared persistence, inappropriate intimacy,
//! route clashes, unversioned public APIs, orphan events, team ownership, wrong cuts and nano-services.

use std::collections::{BTreeSet, HashMap};

use crate::check::{Finding, did_you_mean};
use crate::lang::Lang;
use crate::spec::Spec;
use crate::spec::model::{Exposure, Store};

use super::ctx;

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    shared_persistence(spec, lang, out);
    intimacy(spec, lang, out);
    routes(spec, lang, out);
    events(spec, lang, out);
    teams(spec, lang, out);
    heuristics(spec, lang, out);
}

fn shared_persistence(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut tables: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut databases: HashMap<&str, usize> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        if c.data.store == Store::None {
            continue;
        }
        if let Some(&j) = databases.get(c.data.database.as_str()) {
            let db = &c.data.database;
            let other = &spec.contexts[j].name;
            out.push(
                Finding::error(
                    "MSA103",
                    ctx(i).key("data").key("database"),
                    tr!(
                        lang,
                        "database `{db}` is also used by `{other}`: shared persistence",
                        "데이터베이스 `{db}`를 `{other}`도 사용합니다: 공유 영속성"
                    ),
                )
                .help(tr!(
                    lang,
                    "give each context its own database; share data through its API or events",
                    "컨텍스트마다 자기 데이터베이스를 두고, 데이터는 API나 이벤트로 공유하세요"
                ))
                .related(
                    ctx(j).key("data").key("database"),
                    tr!(lang, "`{other}` uses it here", "`{other}`가 여기서 사용"),
                ),
            );
        } else {
            databases.insert(&c.data.database, i);
        }
        for (t, table) in c.data.tables.iter().enumerate() {
            match tables.get(table.as_str()) {
                Some(&(j, u)) if j != i => {
                    let other = &spec.contexts[j].name;
                    out.push(
                        Finding::error("MSA103", ctx(i).key("data").key("tables").index(t), tr!(lang, "table `{table}` is also claimed by `{other}`: shared persistence", "테이블 `{table}`을(를) `{other}`도 소유합니다: 공유 영속성"))
                            .help(tr!(lang, "one context owns each table; the other reads through the owner's API, or keeps its own copy fed by events", "테이블은 한 컨텍스트만 소유합니다. 다른 쪽은 소유자의 API로 읽거나 이벤트로 자기 사본을 유지하세요"))
                            .related(ctx(j).key("data").key("tables").index(u), tr!(lang, "claimed by `{other}` here", "`{other}`가 여기서 소유")),
                    );
                }
                Some(_) => {}
                None => {
                    tables.insert(table, (i, t));
                }
            }
        }
    }
}

/// A type's identity for overlap: its name, and its field names when it has at least three.
fn signatures(c: &crate::spec::resolve::Context) -> (BTreeSet<String>, BTreeSet<Vec<String>>) {
    let names = c
        .types
        .iter()
        .map(|t| t.name.to_ascii_lowercase())
        .collect();
    let shapes = c
        .types
        .iter()
        .filter(|t| t.fields.len() >= 3)
        .map(|t| {
            let mut f: Vec<String> = t.fields.iter().map(|f| f.name.clone()).collect();
            f.sort();
            f
        })
        .collect();
    (names, shapes)
}

fn intimacy(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let sigs: Vec<_> = spec.contexts.iter().map(signatures).collect();
    // Only pairs that share a type name or shape can overlap: index them instead of comparing all pairs.
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (names, shapes)) in sigs.iter().enumerate() {
        for n in names {
            by_key.entry(format!("n:{n}")).or_default().push(i);
        }
        for s in shapes {
            by_key
                .entry(format!("s:{}", s.join(",")))
                .or_default()
                .push(i);
        }
    }
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for members in by_key.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if a != b {
                    pairs.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    let threshold = spec.policy.intimacy_threshold;
    for (a, b) in pairs {
        let (ca, cb) = (&spec.contexts[a], &spec.contexts[b]);
        let smaller = ca.types.len().min(cb.types.len());
        if smaller < 2 {
            continue;
        }
        let shared = ca
            .types
            .iter()
            .filter(|t| {
                let shape = shape_of(t);
                cb.types.iter().any(|u| {
                    u.name.eq_ignore_ascii_case(&t.name)
                        || (shape.len() >= 3 && shape == shape_of(u))
                })
            })
            .count();
        let ratio = shared as f64 / smaller as f64;
        if ratio > threshold {
            let pct = (ratio * 100.0).round();
            let (na, nb) = (&ca.name, &cb.name);
            out.push(
                Finding::warning("MSA104", ctx(b).key("types"), tr!(lang, "`{nb}` and `{na}` share {shared} of {smaller} types ({pct}%): inappropriate intimacy", "`{nb}`와 `{na}`가 타입 {smaller}개 중 {shared}개를 공유합니다 ({pct}%): 부적절한 친밀성"))
                    .at_key()
                    .help(tr!(lang, "merge the two contexts, or keep only the fields each one really needs under names of its own", "두 컨텍스트를 합치거나, 각자 정말 필요한 필드만 자기 이름으로 두세요"))
                    .related(ctx(a).key("types"), tr!(lang, "`{na}`'s types", "`{na}`의 타입")),
            );
        }
    }
}

fn shape_of(t: &crate::spec::resolve::TypeDef) -> Vec<&str> {
    let mut f: Vec<&str> = t.fields.iter().map(|f| f.name.as_str()).collect();
    f.sort_unstable();
    f
}

/// `/v1/shelves/{id}` and `/v1/shelves/{shelfId}` are the same route.
fn normalize(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
        .trim_end_matches('/')
        .to_owned()
}

fn routes(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let prefix = spec.gateway.prefix.trim_end_matches('/');
    let mut public: HashMap<(String, &str), (usize, usize)> = HashMap::new();
    let mut route_owner: HashMap<String, (usize, usize)> = HashMap::new();
    let mut reported: std::collections::HashSet<(usize, String)> = std::collections::HashSet::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        let mut local: HashMap<(String, &str), usize> = HashMap::new();
        for (o, op) in c.operations.iter().enumerate() {
            let at = ctx(i).key("operations").index(o);
            let route = normalize(&op.path);
            let method = op.method.as_str();
            let shown = match op.exposure {
                Exposure::Public => format!("{method} {prefix}{}", op.path),
                Exposure::Internal => {
                    format!("{method} {} ({})", op.path, lang.pick("internal", "내부"))
                }
            };
            let clash = |there: crate::spec::Path, other: &str| {
                Finding::error(
                    "MSA105",
                    at.clone().key("path"),
                    tr!(
                        lang,
                        "`{shown}` clashes with `{other}`: same method and an equivalent path",
                        "`{shown}`이(가) `{other}`와 충돌합니다: 메서드가 같고 경로가 같은 꼴입니다"
                    ),
                )
                .help(tr!(
                    lang,
                    "give one of them a different path (for example a distinct resource name)",
                    "둘 중 하나의 경로를 바꾸세요 (예: 다른 리소스 이름)"
                ))
                .related(there, tr!(lang, "the other route", "충돌하는 다른 경로"))
            };
            if let Some(&p) = local.get(&(route.clone(), method)) {
                out.push(clash(
                    ctx(i).key("operations").index(p).key("path"),
                    &format!("{}.{}", c.name, c.operations[p].name),
                ));
                continue;
            }
            local.insert((route.clone(), method), o);
            if op.exposure == Exposure::Public {
                let gateway_route = crate::spec::resolve::route_prefix(&op.path);
                match route_owner.get(&gateway_route) {
                    Some(&(j, p)) if j != i && reported.insert((i, gateway_route.clone())) => {
                        let (other, shown) =
                            (&spec.contexts[j].name, format!("{prefix}{gateway_route}"));
                        out.push(
                            Finding::error("MSA114", at.clone().key("path"), tr!(lang, "the gateway route `{shown}` already goes to `{other}`", "게이트웨이 경로 `{shown}`은(는) 이미 `{other}`로 갑니다"))
                                .help(tr!(lang, "the gateway routes by the first two path segments: give this context's resources their own name", "게이트웨이는 경로의 앞 두 세그먼트로 라우팅합니다: 이 컨텍스트의 리소스에 고유한 이름을 쓰세요"))
                                .related(ctx(j).key("operations").index(p).key("path"), tr!(lang, "`{other}` serves it", "`{other}`가 제공")),
                        );
                    }
                    Some(_) => {}
                    None => {
                        route_owner.insert(gateway_route, (i, o));
                    }
                }
                if let Some(&(j, p)) = public.get(&(route.clone(), method)) {
                    let other = format!(
                        "{}.{}",
                        spec.contexts[j].name, spec.contexts[j].operations[p].name
                    );
                    out.push(clash(ctx(j).key("operations").index(p).key("path"), &other));
                } else {
                    public.insert((route, method), (i, o));
                }
                let first = op
                    .path
                    .split('/')
                    .find(|s| !s.is_empty())
                    .unwrap_or_default();
                let versioned = first
                    .strip_prefix('v')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                if !versioned {
                    let path = &op.path;
                    out.push(
                        Finding::warning("MSA110", at.key("path"), tr!(lang, "public path `{path}` has no version segment", "공개 경로 `{path}`에 버전 세그먼트가 없습니다"))
                            .help(tr!(lang, "start it with a version, like `/v1{path}`, so a breaking change can ship as `/v2` beside it", "`/v1{path}`처럼 버전으로 시작하면 호환되지 않는 변경을 `/v2`로 나란히 낼 수 있습니다")),
                    );
                }
            }
        }
    }
}

fn events(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut consumed: HashMap<(&str, &str), bool> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.consumes.iter().enumerate() {
            consumed.insert((e.from.as_str(), e.name.as_str()), true);
            let Some(from) = spec.context(&e.from) else {
                continue;
            };
            if from.publishes.iter().any(|p| p.name == e.name) {
                continue;
            }
            let (name, source) = (&e.name, &e.from);
            let mut finding = Finding::error(
                "MSA108",
                ctx(i).key("events").key("consumes").index(k).key("name"),
                tr!(
                    lang,
                    "`{name}` is consumed from `{source}`, which does not publish it",
                    "`{name}`을(를) `{source}`에서 구독하지만 `{source}`는 발행하지 않습니다"
                ),
            );
            let publisher = spec
                .contexts
                .iter()
                .find(|o| o.publishes.iter().any(|p| p.name == e.name));
            finding = match (
                publisher,
                did_you_mean(
                    name,
                    from.publishes.iter().map(|p| p.name.as_str()).filter(|p| {
                        !c.consumes
                            .iter()
                            .any(|other| other.from == e.from && other.name == *p)
                    }),
                ),
            ) {
                (Some(p), _) => {
                    let p = &p.name;
                    finding.help(tr!(
                        lang,
                        "`{p}` publishes it: write `from: {p}`",
                        "`{p}`가 발행합니다: `from: {p}`로 쓰세요"
                    ))
                }
                (None, Some(near)) => finding.help(tr!(
                    lang,
                    "did you mean `{near}`?",
                    "`{near}`을(를) 의도했나요?"
                )),
                (None, None) => finding.help(tr!(
                    lang,
                    "add `{name}` to `{source}`'s `events.publishes`, or remove this subscription",
                    "`{source}`의 `events.publishes`에 `{name}`을(를) 추가하거나 이 구독을 지우세요"
                )),
            };
            out.push(finding);
        }
    }
    for (i, c) in spec.contexts.iter().enumerate() {
        for (k, e) in c.publishes.iter().enumerate() {
            if !consumed.contains_key(&(c.name.as_str(), e.name.as_str())) {
                let name = &e.name;
                out.push(
                    Finding::warning("MSA109", ctx(i).key("events").key("publishes").index(k).key("name"), tr!(lang, "`{name}` is published but no context consumes it", "`{name}`을(를) 발행하지만 구독하는 컨텍스트가 없습니다"))
                        .help(tr!(lang, "add a consumer (`events.consumes: [{{ name: {name}, from: {} }}]`) or drop the event until someone needs it", "구독자를 추가하거나 (`events.consumes: [{{ name: {name}, from: {} }}]`) 필요해질 때까지 이벤트를 빼세요", c.name)),
                );
            }
        }
    }
}

fn teams(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let mut owned: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in spec.contexts.iter().enumerate() {
        if let Some(team) = &c.team {
            owned.entry(team.as_str()).or_default().push(i);
        } else {
            {
                let name = &c.name;
                out.push(
                    Finding::warning("MSA120", ctx(i).key("name"), tr!(lang, "context `{name}` has no owning team", "컨텍스트 `{name}`에 담당 팀이 없습니다"))
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
                Finding::warning(
                    "MSA121",
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
            let names = list
                .iter()
                .map(|&i| spec.contexts[i].name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Finding::warning("MSA122", crate::spec::Path::root().key("teams").index(t).key("name"), tr!(lang, "team `{name}` owns {n} contexts ({names}); the policy allows {max}", "팀 `{name}`이(가) 컨텍스트 {n}개({names})를 소유합니다. 정책 한도는 {max}개입니다"))
                    .help(tr!(lang, "split the team or hand some contexts to another team (or raise `policy.max_contexts_per_team`)", "팀을 나누거나 일부 컨텍스트를 다른 팀에 넘기세요 (또는 `policy.max_contexts_per_team`을 늘리세요)")),
            );
        }
    }
}

fn heuristics(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let counts: Vec<f64> = spec.contexts.iter().map(|c| c.types.len() as f64).collect();
    let n = counts.len() as f64;
    // With five or fewer contexts no value can lie more than two standard deviations from the
    // mean (the bound is the square root of n - 1), so the rule needs at least six to say anything.
    if counts.len() >= 6 {
        let mean = counts.iter().sum::<f64>() / n;
        let sd = (counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / n).sqrt();
        let sigma = spec.policy.wrong_cut_sigma;
        if sd > 0.0 {
            for (i, c) in spec.contexts.iter().enumerate() {
                let z = (counts[i] - mean) / sd;
                if z.abs() > sigma {
                    let (name, count) = (&c.name, c.types.len());
                    let mean = format!("{mean:.1}");
                    let (msg, help) = if z > 0.0 {
                        (
                            tr!(
                                lang,
                                "`{name}` has {count} types, far above the mean of {mean}: possibly a wrong cut (too big)",
                                "`{name}`의 타입이 {count}개로 평균 {mean}보다 훨씬 많습니다: 잘못 자른 경계일 수 있습니다 (너무 큼)"
                            ),
                            tr!(
                                lang,
                                "look for a second aggregate with its own lifecycle and split it out",
                                "수명주기가 다른 두 번째 애그리거트를 찾아 분리하세요"
                            ),
                        )
                    } else {
                        (
                            tr!(
                                lang,
                                "`{name}` has {count} types, far below the mean of {mean}: possibly a wrong cut (too small)",
                                "`{name}`의 타입이 {count}개로 평균 {mean}보다 훨씬 적습니다: 잘못 자른 경계일 수 있습니다 (너무 작음)"
                            ),
                            tr!(
                                lang,
                                "consider merging it into the context it works with most",
                                "가장 많이 협력하는 컨텍스트에 합치는 것을 검토하세요"
                            ),
                        )
                    };
                    out.push(
                        Finding::warning("MSA111", ctx(i).key("types"), msg)
                            .at_key()
                            .help(help)
                            .heuristic(),
                    );
                }
            }
        }
    }
    for (i, c) in spec.contexts.iter().enumerate() {
        if c.types.len() <= 1
            && c.operations.len() <= 1
            && c.publishes.is_empty()
            && c.consumes.is_empty()
        {
            let name = &c.name;
            out.push(
                Finding::warning("MSA112", ctx(i).key("name"), tr!(lang, "`{name}` has at most one type, one operation and no events: a nano-service", "`{name}`은(는) 타입 1개 이하, 오퍼레이션 1개 이하, 이벤트 없음: 나노서비스입니다"))
                    .help(tr!(lang, "a service this small costs more to run than it gives; merge it into a neighbour unless it must scale or fail alone", "이렇게 작은 서비스는 운영 비용이 더 큽니다. 따로 확장하거나 격리해야 할 이유가 없다면 이웃 컨텍스트에 합치세요"))
                    .heuristic(),
            );
        }
    }
}
