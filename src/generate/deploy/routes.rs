//! The Gateway API rules of a context's HTTPRoute (`ctx.deploy.route_rules`): one match per public
//! operation (method and whole path, HEAD beside GET), so that no internal operation is routed even
//! where its path shares a prefix with a public one.
//!
//! Paths without parameters match `Exact` (core support); paths with parameters match an anchored
//! `RegularExpression` with `[^/]+` per parameter (implementation-specific support, RE2 syntax, the
//! same under full-match and search semantics). Rules group operations of one timeout, GET/HEAD
//! apart from the rest so the opt-in retries component can retry only those, and hold at most 64
//! matches (the Gateway API limit). Pure data; no rendering.

use serde::Serialize;

use super::gateway_duration;
use crate::spec::model::{Exposure, Method};
use crate::spec::resolve::Context;

/// The most matches one HTTPRoute rule may hold (Gateway API v1).
pub const MAX_MATCHES: usize = 64;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RouteRule {
    /// Gateway API duration of the operations' timeout.
    pub timeout: String,
    /// Only GET and HEAD: safe to retry.
    pub retryable: bool,
    pub matches: Vec<RouteMatch>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RouteMatch {
    pub method: &'static str,
    /// `Exact` or `RegularExpression`.
    pub path_type: &'static str,
    pub path: String,
    /// The operation, for a comment beside the match.
    pub operation: String,
}

/// The rules of the public operations of `c` behind the gateway `prefix` (no trailing slash),
/// operations without a timeout taking `default_timeout_s`.
pub fn rules(c: &Context, prefix: &str, default_timeout_s: f64) -> Vec<RouteRule> {
    let mut out: Vec<RouteRule> = Vec::new();
    for o in c
        .operations
        .iter()
        .filter(|o| o.exposure == Exposure::Public)
    {
        let timeout =
            gateway_duration(o.timeout.map_or(default_timeout_s, |t| t.0 as f64 / 1000.0));
        let retryable = o.method == Method::Get;
        let (path_type, path) = path_match(prefix, &o.path);
        let methods: &[&'static str] = if retryable {
            &["GET", "HEAD"]
        } else {
            &[o.method.as_str()]
        };
        for &method in methods {
            let m = RouteMatch {
                method,
                path_type,
                path: path.clone(),
                operation: o.name.clone(),
            };
            match out.iter_mut().find(|r| {
                r.timeout == timeout && r.retryable == retryable && r.matches.len() < MAX_MATCHES
            }) {
                Some(rule) => rule.matches.push(m),
                None => out.push(RouteRule {
                    timeout: timeout.clone(),
                    retryable,
                    matches: vec![m],
                }),
            }
        }
    }
    out
}

/// The path match of an operation's path under the gateway prefix.
fn path_match(prefix: &str, path: &str) -> (&'static str, String) {
    let full = format!("{prefix}{path}");
    if !full.contains('{') {
        return ("Exact", full);
    }
    let segments: Vec<String> = full
        .split('/')
        .map(|s| {
            if s.starts_with('{') {
                "[^/]+".to_owned()
            } else {
                escape(s)
            }
        })
        .collect();
    ("RegularExpression", format!("^{}$", segments.join("/")))
}

/// `text` with every character RE2 treats specially escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if "\\.+*?()|[]{}^$".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_whole_with_parameters_as_one_segment() {
        assert_eq!(
            path_match("/api", "/v1/shelves"),
            ("Exact", "/api/v1/shelves".to_owned())
        );
        assert_eq!(
            path_match("/api", "/v1/shelves/{shelfId}/a.b"),
            (
                "RegularExpression",
                "^/api/v1/shelves/[^/]+/a\\.b$".to_owned()
            )
        );
        assert_eq!(path_match("", "/v1/x/{id}").1, "^/v1/x/[^/]+$");
    }
}
