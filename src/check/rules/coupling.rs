//! Coupling rules from the microservice smell literature: two contexts that share a database or
//! a table (shared persistence), or model the same types (inappropriate intimacy).

use std::collections::HashMap;

use crate::check::list::{MAX_RELATED, listed, repeats};
use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::model::Store;
use crate::spec::resolve::TypeDef;
use crate::spec::{Path, Spec};

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

/// One finding per database and per table that more than one context claims, at the second
/// claim, pointing back at the others.
fn shared_persistence(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let stateful: Vec<usize> = (0..spec.contexts.len())
        .filter(|&i| spec.contexts[i].data.store != Store::None)
        .collect();
    let databases = repeats(
        stateful
            .iter()
            .map(|&i| spec.contexts[i].data.database.as_str()),
    );
    for group in databases {
        let claims: Vec<usize> = group.iter().map(|&g| stateful[g]).collect();
        let db = &spec.contexts[claims[0]].data.database;
        let path = |i: usize| ctx(i).key("data").key("database");
        let users = |i: usize| {
            tr!(
                lang,
                "`{}` uses it here",
                "`{}`가 여기서 사용",
                spec.contexts[i].name
            )
        };
        let others: Vec<String> = claims
            .iter()
            .filter(|&&i| i != claims[1])
            .map(|&i| format!("`{}`", spec.contexts[i].name))
            .collect();
        let others = listed(&others, lang);
        out.push(related_all(
            Finding::new(
                &MSA103,
                path(claims[1]),
                tr!(
                    lang,
                    "database `{db}` is also used by {others}: shared persistence",
                    "데이터베이스 `{db}`를 {others}도 사용합니다: 공유 영속성"
                ),
            )
            .help(tr!(
                lang,
                "give each context its own database; share data through its API or events",
                "컨텍스트마다 자기 데이터베이스를 두고, 데이터는 API나 이벤트로 공유하세요"
            )),
            claims
                .iter()
                .filter(|&&i| i != claims[1])
                .map(|&i| (path(i), users(i))),
        ));
    }
    // Each (context, table) once: a table listed twice by one context is MSA012's.
    let mut claims: Vec<(usize, usize)> = Vec::new();
    for &i in &stateful {
        for (t, table) in spec.contexts[i].data.tables.iter().enumerate() {
            if !spec.contexts[i].data.tables[..t].contains(table) {
                claims.push((i, t));
            }
        }
    }
    let table = |&(i, t): &(usize, usize)| spec.contexts[i].data.tables[t].as_str();
    for group in repeats(claims.iter().map(table)) {
        let group: Vec<(usize, usize)> = group.iter().map(|&g| claims[g]).collect();
        let (name, (here, t)) = (table(&group[0]), group[1]);
        let path = |(i, t): (usize, usize)| ctx(i).key("data").key("tables").index(t);
        let others: Vec<String> = group
            .iter()
            .filter(|c| c.0 != here)
            .map(|c| format!("`{}`", spec.contexts[c.0].name))
            .collect();
        let others = listed(&others, lang);
        out.push(related_all(
            Finding::new(&MSA103, path((here, t)), tr!(lang, "table `{name}` is also claimed by {others}: shared persistence", "테이블 `{name}`을(를) {others}도 소유합니다: 공유 영속성"))
                .help(tr!(lang, "one context owns each table; the other reads through the owner's API, or keeps its own copy fed by events", "테이블은 한 컨텍스트만 소유합니다. 다른 쪽은 소유자의 API로 읽거나 이벤트로 자기 사본을 유지하세요")),
            group.iter().filter(|c| c.0 != here).map(|&c| (path(c), tr!(lang, "claimed by `{}` here", "`{}`가 여기서 소유", spec.contexts[c.0].name))),
        ));
    }
}

/// Adds at most `MAX_RELATED` related places.
fn related_all(mut finding: Finding, places: impl Iterator<Item = (Path, String)>) -> Finding {
    for (path, label) in places.take(MAX_RELATED) {
        finding = finding.related(path, label);
    }
    finding
}

/// What identifies a type for overlap: its name (case-insensitive), and its sorted field names
/// when it has at least three.
fn keys(t: &TypeDef) -> impl Iterator<Item = String> {
    let name = format!("n:{}", t.name.to_ascii_lowercase());
    let shape = (t.fields.len() >= 3).then(|| format!("s:{}", shape_of(t).join(",")));
    std::iter::once(name).chain(shape)
}

/// Pairs of contexts whose types overlap too much, joined into groups (connected components): one
/// finding per group, so 300 copies of one context are one finding, not 44,850.
fn intimacy(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let n = spec.contexts.len();
    let size = |i: usize| spec.contexts[i].types.len();
    // A context with fewer than two types is never intimate: leave it out of the index.
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in spec
        .contexts
        .iter()
        .enumerate()
        .filter(|(i, _)| size(*i) >= 2)
    {
        for t in &c.types {
            for key in keys(t) {
                let list = by_key.entry(key).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    let threshold = spec.policy.intimacy_threshold;
    let mut groups = UnionFind::new(n);
    // `shared[b]`: how many of `a`'s types some type of `b` matches; `seen[b]` the last type of
    // `a` counted for `b`, so a type matching by name and by shape counts once.
    let (mut shared, mut seen) = (vec![0usize; n], vec![usize::MAX; n]);
    let mut touched = Vec::new();
    let mut overlaps: HashMap<(usize, usize), usize> = HashMap::new();
    for a in (0..n).filter(|&a| size(a) >= 2) {
        for (t, ty) in spec.contexts[a].types.iter().enumerate() {
            for key in keys(ty) {
                for &b in by_key.get(&key).map(Vec::as_slice).unwrap_or_default() {
                    if b > a && seen[b] != t {
                        seen[b] = t;
                        if shared[b] == 0 {
                            touched.push(b);
                        }
                        shared[b] += 1;
                    }
                }
            }
        }
        for b in touched.drain(..) {
            let ratio = shared[b] as f64 / size(a).min(size(b)) as f64;
            if ratio > threshold {
                groups.join(a, b);
                overlaps.insert((a, b), shared[b]);
            }
            (shared[b], seen[b]) = (0, usize::MAX);
        }
    }
    for members in groups.groups() {
        let (a, b) = (members[0], members[1]);
        let (na, nb) = (&spec.contexts[a].name, &spec.contexts[b].name);
        let finding = if members.len() == 2 {
            let smaller = size(a).min(size(b));
            let shared = overlaps.get(&(a, b)).copied().unwrap_or_default();
            let pct = (shared as f64 / smaller as f64 * 100.0).round();
            Finding::new(
                &MSA104,
                ctx(b).key("types"),
                tr!(
                    lang,
                    "`{nb}` and `{na}` share {shared} of {smaller} types ({pct}%): inappropriate intimacy",
                    "`{nb}`와 `{na}`가 타입 {smaller}개 중 {shared}개를 공유합니다 ({pct}%): 부적절한 친밀성"
                ),
            )
        } else {
            let count = members.len();
            let pct = (threshold * 100.0).round();
            let names: Vec<String> = members
                .iter()
                .map(|&i| format!("`{}`", spec.contexts[i].name))
                .collect();
            let names = listed(&names, lang);
            Finding::new(
                &MSA104,
                ctx(b).key("types"),
                tr!(
                    lang,
                    "{count} contexts model largely the same types, each sharing more than {pct}% of its types with another of them: {names}: inappropriate intimacy",
                    "컨텍스트 {count}개가 거의 같은 타입을 모델링합니다. 각각 타입의 {pct}% 넘게 다른 하나와 공유합니다: {names}: 부적절한 친밀성"
                ),
            )
        };
        out.push(related_all(
            finding
                .at_key()
                .help(if members.len() == 2 {
                    tr!(lang, "merge the two contexts, or keep only the fields each one really needs under names of its own", "두 컨텍스트를 합치거나, 각자 정말 필요한 필드만 자기 이름으로 두세요")
                } else {
                    tr!(lang, "merge the contexts, or keep only the fields each one really needs under names of its own", "컨텍스트들을 합치거나, 각자 정말 필요한 필드만 자기 이름으로 두세요")
                }),
            members.iter().filter(|&&i| i != b).map(|&i| {
                (ctx(i).key("types"), tr!(lang, "`{}`'s types", "`{}`의 타입", spec.contexts[i].name))
            }),
        ));
    }
}

fn shape_of(t: &TypeDef) -> Vec<&str> {
    let mut f: Vec<&str> = t.fields.iter().map(|f| f.name.as_str()).collect();
    f.sort_unstable();
    f
}

/// Disjoint sets of context indices.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        self.parent[ra.max(rb)] = ra.min(rb);
    }

    /// Every set of two or more, each sorted, ordered by its smallest member.
    fn groups(mut self) -> Vec<Vec<usize>> {
        let mut by_root = std::collections::BTreeMap::<usize, Vec<usize>>::new();
        for i in 0..self.parent.len() {
            let r = self.root(i);
            by_root.entry(r).or_default().push(i);
        }
        by_root.into_values().filter(|g| g.len() > 1).collect()
    }
}
