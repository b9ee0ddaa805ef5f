//! Coupling rules from the microservice smell literature: two contexts that share a database or
//! a table (shared persistence), or model the same types (inappropriate intimacy).

use std::collections::{BTreeSet, HashMap};

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;
use crate::spec::model::Store;

use super::ctx;

pub static MSA103: Rule = Rule {
    code: "MSA103",
    name: "shared-persistence",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A table or database claimed by two contexts.",
        ko: "두 컨텍스트가 같은 테이블이나 데이터베이스를 소유합니다.",
    },
    why: Text {
        en: "Shared tables couple schemas and deployments and defeat independent recovery; the DR grade of one leaks into the other.",
        ko: "공유 테이블은 스키마와 배포를 묶고 독립 복구를 막으며, 한쪽의 DR 등급이 다른 쪽에 새어 듭니다.",
    },
    fix: Text {
        en: "One owner per table; others read through its API or keep an event-fed copy.",
        ko: "테이블마다 소유자는 하나입니다. 다른 쪽은 API로 읽거나 이벤트로 사본을 유지하세요.",
    },
    source: "Taibi, Lenarduzzi 2018 (shared persistence); Richardson: Microservices Patterns, 2018 (database per service)",
};

pub static MSA104: Rule = Rule {
    code: "MSA104",
    name: "inappropriate-intimacy",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "Two contexts whose types overlap by more than `policy.intimacy_threshold` (default 80%) of the smaller one.",
        ko: "두 컨텍스트의 타입이 작은 쪽의 `policy.intimacy_threshold`(기본 80%)보다 많이 겹칩니다.",
    },
    why: Text {
        en: "Contexts that model the same things are one context cut in two: every change touches both.",
        ko: "같은 것을 모델링하는 컨텍스트는 둘로 잘린 하나의 컨텍스트이며, 모든 변경이 양쪽을 건드립니다.",
    },
    fix: Text {
        en: "Merge them, or give each only the fields it needs under its own names.",
        ko: "합치거나, 각자 필요한 필드만 자기 이름으로 두세요.",
    },
    source: "Taibi, Lenarduzzi 2018 (inappropriate service intimacy)",
};

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    shared_persistence(spec, lang, out);
    intimacy(spec, lang, out);
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
                Finding::new(
                    &MSA103,
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
                        Finding::new(&MSA103, ctx(i).key("data").key("tables").index(t), tr!(lang, "table `{table}` is also claimed by `{other}`: shared persistence", "테이블 `{table}`을(를) `{other}`도 소유합니다: 공유 영속성"))
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
                Finding::new(&MSA104, ctx(b).key("types"), tr!(lang, "`{nb}` and `{na}` share {shared} of {smaller} types ({pct}%): inappropriate intimacy", "`{nb}`와 `{na}`가 타입 {smaller}개 중 {shared}개를 공유합니다 ({pct}%): 부적절한 친밀성"))
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
