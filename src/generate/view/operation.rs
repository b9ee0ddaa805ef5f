//! The stack-neutral view of operations and calls: methods, paths, bodies, success status,
//! gateway exposure and timeouts, example requests for the README, and each call's resolved
//! settings. Each stack spells them in its own view.

use serde::Serialize;

use super::example;
use crate::spec::Spec;
use crate::spec::model::Exposure;
use crate::spec::resolve::{Body, Context, Operation};
use crate::stack::common::{self, CallPolicy, PeerAddress};

#[derive(Debug, Serialize)]
pub struct OperationView {
    /// camelCase operation id.
    pub name: String,
    pub method: &'static str,
    /// Lowercase method, for OpenAPI keys.
    pub method_lower: &'static str,
    pub idempotent: bool,
    pub path: String,
    /// Names of the path parameters, in order.
    pub params: Vec<String>,
    pub request: Option<BodyView>,
    pub response: Option<BodyView>,
    pub public: bool,
    pub timeout_s: Option<f64>,
    pub description: Option<String>,
    /// Success status: 204 when there is no response body, else 201 for POST and 200 otherwise.
    pub status: u16,
    /// The path with example values for its parameters (a UUID for `...Id`, else `example`).
    pub example_path: String,
    /// The path after its leading `/` as a regular expression: parameters `[^/]+`, dots escaped.
    pub path_regex: String,
    /// An internal operation under one of its context's public routes: the gateway refuses it
    /// explicitly, since the route's prefix would let it through.
    pub shadowed: bool,
}

#[derive(Debug, Serialize)]
pub struct BodyView {
    pub type_name: String,
    pub list: bool,
    /// An example JSON body the service accepts (required fields only, a few levels deep).
    pub example: String,
}

#[derive(Debug, Serialize)]
pub struct CallView {
    #[serde(flatten)]
    pub address: PeerAddress,
    pub operation: OperationView,
    #[serde(flatten)]
    pub policy: CallPolicy,
}

/// The operations of `c`.
pub fn operations(c: &Context) -> Vec<OperationView> {
    let owner = Owner::of(c);
    c.operations.iter().map(|o| owner.operation(o)).collect()
}

/// The calls of `c`, in spec order.
pub fn calls(spec: &Spec, c: &Context) -> Vec<CallView> {
    common::calls(spec, c)
        .iter()
        .map(|k| CallView {
            address: PeerAddress::of(spec, k.index),
            operation: Owner::of(k.peer).operation(k.operation),
            policy: k.policy(),
        })
        .collect()
}

/// The distinct gateway routes of the public operations of `c` (`/v1/shelves`), in operation order.
fn public_prefixes(c: &Context) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in c
        .operations
        .iter()
        .filter(|o| o.exposure == Exposure::Public)
    {
        let prefix = crate::spec::resolve::route_prefix(&o.path);
        if !out.contains(&prefix) {
            out.push(prefix);
        }
    }
    out
}

/// What the view of an operation needs to know about its context.
struct Owner<'a> {
    c: &'a Context,
    taken: Vec<String>,
    public_prefixes: Vec<String>,
}

impl<'a> Owner<'a> {
    fn of(c: &'a Context) -> Self {
        Owner {
            c,
            taken: common::taken(c),
            public_prefixes: public_prefixes(c),
        }
    }

    fn operation(&self, o: &Operation) -> OperationView {
        let body = |b: &Body| BodyView {
            type_name: b.type_name.clone(),
            list: b.list,
            example: example::body(self.c, b, &self.taken),
        };
        let public = o.exposure == Exposure::Public;
        OperationView {
            name: o.name.clone(),
            method: o.method.as_str(),
            method_lower: o.method.as_lower(),
            idempotent: o.method.is_idempotent(),
            path: o.path.clone(),
            params: o.params.clone(),
            request: o.request.as_ref().map(body),
            response: o.response.as_ref().map(body),
            public,
            timeout_s: o.timeout.map(|t| super::seconds(t.0)),
            description: o.description.clone(),
            status: common::status(o),
            example_path: example::path(o),
            path_regex: path_regex(&o.path),
            shadowed: !public && self.public_prefixes.iter().any(|p| under(&o.path, p)),
        }
    }
}

/// Whether `path` is `prefix` or below it (every path is below the empty prefix).
fn under(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Dots escaped for a regular expression (the other characters of a path need none).
pub fn escape_dots(text: &str) -> String {
    text.replace('.', "\\.")
}

fn path_regex(path: &str) -> String {
    path.split('/')
        .skip(1)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') {
                "[^/]+".to_owned()
            } else {
                escape_dots(s)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::{path_regex, under};

    #[test]
    fn paths_become_regular_expressions() {
        assert_eq!(path_regex("/v1/shelves/{id}/a.b"), "v1/shelves/[^/]+/a\\.b");
        assert_eq!(path_regex("/"), "");
    }

    #[test]
    fn a_path_is_under_its_own_prefix_only_at_segment_boundaries() {
        assert!(under("/v1/shelves", "/v1/shelves"));
        assert!(under("/v1/shelves/{id}", "/v1/shelves"));
        assert!(!under("/v1/shelvesx", "/v1/shelves"));
        assert!(under("/anything", ""));
    }
}
