//! Route rules: two operations on one route (a route clash), public operations of two contexts
//! under one gateway route, public paths without a version, and GET or DELETE with a body.

use std::collections::{HashMap, HashSet};

use crate::check::{Finding, Rule, Severity, Text};
use crate::lang::Lang;
use crate::spec::Spec;
use crate::spec::model::{Exposure, Method};

use super::ctx;

pub static MSA105: Rule = Rule {
    code: "MSA105",
    name: "route-clash",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Two operations with the same method and an equivalent path after the gateway prefix.",
        ko: "게이트웨이 접두사 뒤에서 메서드와 경로 꼴이 같은 두 오퍼레이션입니다.",
    },
    why: Text {
        en: "The gateway or the router can send a request to only one of them; the other becomes unreachable.",
        ko: "게이트웨이나 라우터는 요청을 하나에만 보낼 수 있어 다른 하나에는 도달할 수 없습니다.",
    },
    fix: Text {
        en: "Use distinct resource names per context.",
        ko: "컨텍스트마다 다른 리소스 이름을 쓰세요.",
    },
    source: "OpenAPI 3.1 section 4.8.8 (equivalent templated paths)",
};

pub static MSA110: Rule = Rule {
    code: "MSA110",
    name: "unversioned-api",
    severity: Severity::Warning,
    heuristic: false,
    title: Text {
        en: "A public operation whose path does not start with a version segment like `/v1`.",
        ko: "경로가 `/v1` 같은 버전 세그먼트로 시작하지 않는 공개 오퍼레이션입니다.",
    },
    why: Text {
        en: "Without a version a breaking change breaks every client at once.",
        ko: "버전이 없으면 호환되지 않는 변경이 모든 클라이언트를 한꺼번에 깨뜨립니다.",
    },
    fix: Text {
        en: "Prefix public paths with `/v1`; ship breaking changes as `/v2` beside it.",
        ko: "공개 경로 앞에 `/v1`을 붙이고, 호환되지 않는 변경은 `/v2`로 나란히 내세요.",
    },
    source: "Taibi, Lenarduzzi 2018 (no API versioning)",
};

pub static MSA114: Rule = Rule {
    code: "MSA114",
    name: "shared-route-prefix",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "Public operations of two contexts under the same gateway route (the first two path segments, like `/v1/records`).",
        ko: "두 컨텍스트의 공개 오퍼레이션이 같은 게이트웨이 경로(`/v1/records`처럼 경로의 앞 두 세그먼트) 아래에 있습니다.",
    },
    why: Text {
        en: "The gateway sends each route to one service: the other context's operations become unreachable from outside.",
        ko: "게이트웨이는 경로마다 한 서비스로 보내므로 다른 컨텍스트의 오퍼레이션에는 밖에서 도달할 수 없습니다.",
    },
    fix: Text {
        en: "Name each context's resources distinctly (`/v1/loans` and `/v1/shelves`, not `/v1/records` twice).",
        ko: "컨텍스트마다 리소스 이름을 다르게 쓰세요 (`/v1/records`를 두 번 쓰지 말고 `/v1/loans`, `/v1/shelves`).",
    },
    source: "Richardson: Microservices Patterns, 2018 (API gateway, routing)",
};

pub static MSA116: Rule = Rule {
    code: "MSA116",
    name: "body-without-semantics",
    severity: Severity::Error,
    heuristic: false,
    title: Text {
        en: "A GET or DELETE operation with a `request` body.",
        ko: "`request` 본문이 있는 GET 또는 DELETE 오퍼레이션입니다.",
    },
    why: Text {
        en: "A body on GET or DELETE has no defined meaning: browsers cannot send one, caches and proxies may drop it, and some servers reject the request as a smuggling attempt.",
        ko: "GET이나 DELETE의 본문에는 정해진 의미가 없습니다: 브라우저는 보낼 수 없고, 캐시와 프록시는 버릴 수 있으며, 일부 서버는 요청 밀반입(smuggling) 시도로 보고 거부합니다.",
    },
    fix: Text {
        en: "Put identifiers in the path; for a search with criteria, use POST (`POST /v1/records/search`).",
        ko: "식별자는 경로에 넣고, 조건이 있는 검색은 POST(`POST /v1/records/search`)로 바꾸세요.",
    },
    source: "RFC 9110 sections 9.3.1 and 9.3.5 (content in GET and DELETE requests)",
};

/// `/v1/shelves/{id}` and `/v1/shelves/{shelfId}` are the same route.
fn normalize(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
        .trim_end_matches('/')
        .to_owned()
}

pub fn check(spec: &Spec, lang: Lang, out: &mut Vec<Finding>) {
    let prefix = spec.gateway.prefix.trim_end_matches('/');
    let mut public: HashMap<(String, &str), (usize, usize)> = HashMap::new();
    let mut route_owner: HashMap<String, (usize, usize)> = HashMap::new();
    let mut reported: HashSet<(usize, String)> = HashSet::new();
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
            if matches!(op.method, Method::Get | Method::Delete) && op.request.is_some() {
                let (name, method) = (&op.name, op.method.as_str());
                out.push(
                    Finding::new(&MSA116, at.clone().key("request"), tr!(lang, "`{name}` is a {method} with a request body: a body on {method} has no defined meaning, and browsers, caches and proxies drop or refuse it", "`{name}`은(는) 요청 본문이 있는 {method}입니다: {method}의 본문에는 정해진 의미가 없어 브라우저, 캐시, 프록시가 버리거나 거부합니다"))
                        .help(tr!(lang, "put identifiers in the path, or make a search with criteria a POST (`POST /v1/records/search`)", "식별자는 경로에 넣거나, 조건이 있는 검색은 POST(`POST /v1/records/search`)로 바꾸세요")),
                );
            }
            let clash = |there: crate::spec::Path, other: &str| {
                Finding::new(
                    &MSA105,
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
                            Finding::new(&MSA114, at.clone().key("path"), tr!(lang, "the gateway route `{shown}` already goes to `{other}`", "게이트웨이 경로 `{shown}`은(는) 이미 `{other}`로 갑니다"))
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
                        Finding::new(&MSA110, at.key("path"), tr!(lang, "public path `{path}` has no version segment", "공개 경로 `{path}`에 버전 세그먼트가 없습니다"))
                            .help(tr!(lang, "start it with a version, like `/v1{path}`, so a breaking change can ship as `/v2` beside it", "`/v1{path}`처럼 버전으로 시작하면 호환되지 않는 변경을 `/v2`로 나란히 낼 수 있습니다")),
                    );
                }
            }
        }
    }
}
