//! The HTTPRoutes of every example (and the shapes spec) route exactly the public operations:
//! every rendered route is parsed and matched as the Gateway API v1 specifies (a rule matches
//! when one of its matches does; a match when its path and, if given, its method do; `Exact` the
//! whole path, `PathPrefix` whole segments, `RegularExpression` RE2 with implementation-specific
//! semantics: a request counts as routed if some implementation would route it (search), as
//! reached only if every one would (full match)), and no internal operation's request is routed
//! while every public one (HEAD beside GET) is.

use std::path::Path;

use msaforge::check;
use msaforge::spec::model::{Exposure, Method};

use crate::validate::{EXAMPLES, generated};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One match of a rule: method (none matches any) and path.
#[derive(Debug)]
struct Match {
    method: Option<String>,
    kind: String,
    value: String,
}

impl Match {
    /// `surely`: matched under every implementation's semantics, else under some.
    fn matches(&self, method: &str, path: &str, surely: bool) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        match self.kind.as_str() {
            "Exact" => path == self.value,
            "PathPrefix" => {
                let prefix = self.value.trim_end_matches('/');
                prefix.is_empty()
                    || path == prefix
                    || path
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with('/'))
            }
            "RegularExpression" => {
                let pattern = if surely {
                    format!("^(?:{})$", self.value)
                } else {
                    self.value.clone()
                };
                let re = regex::Regex::new(&pattern)
                    .unwrap_or_else(|e| panic!("{}: not RE2: {e}", self.value));
                re.is_match(path)
            }
            other => panic!("unknown path match type {other}"),
        }
    }
}

/// Every match of every HTTPRoute rule under `dir`'s deploy tree, with the route's name.
fn route_matches(dir: &Path) -> Vec<(String, Match)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir.join("deploy")) {
        let entry = entry.expect("walkable");
        if entry.path().extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("readable");
        for doc in text.split("\n---") {
            let Ok(value) = msaforge::spec::load::parse(doc) else {
                continue;
            };
            if value["kind"] != "HTTPRoute" {
                continue;
            }
            let name = value["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for rule in value["spec"]["rules"].as_array().expect("rules") {
                // A rule with no backend reaches no service: the HTTP listener's redirect to
                // HTTPS (`https-redirect.yaml`) answers every request itself.
                let redirects = rule["filters"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f["type"] == "RequestRedirect"));
                if redirects && rule["backendRefs"].as_array().is_none_or(Vec::is_empty) {
                    continue;
                }
                // A rule without matches matches every request (a prefix match of `/`).
                let Some(matches) = rule["matches"].as_array() else {
                    out.push((
                        name.clone(),
                        Match {
                            method: None,
                            kind: "PathPrefix".into(),
                            value: "/".into(),
                        },
                    ));
                    continue;
                };
                for m in matches {
                    let path = &m["path"];
                    out.push((
                        name.clone(),
                        Match {
                            method: m["method"].as_str().map(str::to_owned),
                            kind: path["type"].as_str().unwrap_or("PathPrefix").to_owned(),
                            value: path["value"].as_str().unwrap_or("/").to_owned(),
                        },
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn http_routes_match_exactly_the_public_operations() {
    let mut checked = 0;
    for example in EXAMPLES
        .iter()
        .map(|e| format!("examples/{e}"))
        .chain([crate::shapes::SHAPES.to_owned()])
    {
        let bytes = std::fs::read(format!("{ROOT}/{example}")).expect("spec");
        let report = check::check_bytes(&example, &bytes, &check::Options::default());
        let spec = report.spec.expect("a checked spec");
        let dir = generated(&example);
        let routes = route_matches(dir.path());
        let prefix = spec.gateway.prefix.trim_end_matches('/');
        for c in &spec.contexts {
            for o in &c.operations {
                // A request to the operation: every parameter a plausible value.
                let path: String = o
                    .path
                    .split('/')
                    .map(|s| if s.starts_with('{') { "x-1" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let path = format!("{prefix}{path}");
                let methods: &[&str] = if o.method == Method::Get {
                    &["GET", "HEAD"]
                } else {
                    &[o.method.as_str()]
                };
                for method in methods {
                    let surely = o.exposure == Exposure::Public;
                    let by: Vec<&String> = routes
                        .iter()
                        .filter(|(_, m)| m.matches(method, &path, surely))
                        .map(|(name, _)| name)
                        .collect();
                    match o.exposure {
                        Exposure::Public => assert!(
                            by.iter().any(|n| **n == c.name),
                            "{example}: public {}.{} ({method} {path}) is not routed to its context",
                            c.name,
                            o.name
                        ),
                        Exposure::Internal => assert!(
                            by.is_empty(),
                            "{example}: internal {}.{} ({method} {path}) is routed by {by:?}",
                            c.name,
                            o.name
                        ),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_matcher_follows_the_gateway_api() {
    let m = |kind: &str, value: &str, method: Option<&str>| Match {
        method: method.map(str::to_owned),
        kind: kind.into(),
        value: value.into(),
    };
    assert!(m("PathPrefix", "/api/v1", None).matches("POST", "/api/v1/x", true));
    assert!(!m("PathPrefix", "/api/v1", None).matches("GET", "/api/v1x", false));
    assert!(m("Exact", "/a/b", Some("GET")).matches("GET", "/a/b", true));
    assert!(!m("Exact", "/a/b", Some("GET")).matches("POST", "/a/b", false));
    assert!(!m("Exact", "/a/b", None).matches("GET", "/a/b/c", false));
    assert!(m("RegularExpression", "^/a/[^/]+$", None).matches("GET", "/a/x-1", true));
    assert!(!m("RegularExpression", "^/a/[^/]+$", None).matches("GET", "/a/x/y", false));
    // An unanchored expression routes `/a/b` somewhere (search) but not everywhere (full match).
    assert!(m("RegularExpression", "/a", None).matches("GET", "/a/b", false));
    assert!(!m("RegularExpression", "/a", None).matches("GET", "/a/b", true));
}
