//! Type names that generated Rust code cannot carry: a spec type or event named like a type the
//! generated modules import or take from the prelude (`Result`, `Json`, `Operation`) would shadow
//! it or be shadowed, and one named `<Operation>Params` would be defined twice.
//!
//! Only `rust-axum` contexts and the contexts they call (whose types the Rust clients declare)
//! are looked at. Reported by `check` (MSA011); the keywords are in the stack's `KEYWORDS`.

use heck::ToUpperCamelCase;

use crate::lang::Lang;
use crate::spec::model::Stack;
use crate::spec::{Path, Spec};
use crate::stack::Clash;

/// Type names the generated Rust modules holding the spec's types use: the prelude's, and those
/// imported by `types.rs`, `api.rs` and the client modules. Sorted.
const TYPES: &[&str] = &[
    "ApiError",
    "Arc",
    "Box",
    "CircuitBreaker",
    "ClientError",
    "Clients",
    "Deserialize",
    "Duration",
    "Future",
    "Handlers",
    "Json",
    "JsonRejection",
    "Method",
    "Operation",
    "Option",
    "OriginalUri",
    "Path",
    "PathRejection",
    "PeerClient",
    "Problem",
    "Response",
    "Result",
    "Router",
    "Serialize",
    "State",
    "StatusCode",
    "String",
    "Vec",
];

pub fn clashes(spec: &Spec, lang: Lang) -> Vec<Clash> {
    let mut out = Vec::new();
    let called_by_rust: std::collections::HashSet<&str> = spec
        .contexts
        .iter()
        .filter(|r| r.stack == Stack::RustAxum)
        .flat_map(|r| r.calls.iter().map(|k| k.context.as_str()))
        .collect();
    for (i, c) in spec.contexts.iter().enumerate() {
        if c.stack != Stack::RustAxum && !called_by_rust.contains(c.name.as_str()) {
            continue;
        }
        let params: Vec<String> = c
            .operations
            .iter()
            .map(|o| format!("{}Params", o.name.to_upper_camel_case()))
            .collect();
        let at = Path::root().key("contexts").index(i);
        let types = c.types.iter().enumerate().map(|(t, ty)| {
            let path = at.clone().key("types").index(t).key("name");
            (path, ty.name.as_str())
        });
        let events = c.publishes.iter().enumerate().map(|(e, ev)| {
            let path = at
                .clone()
                .key("events")
                .key("publishes")
                .index(e)
                .key("name");
            (path, ev.name.as_str())
        });
        for (path, name) in types.chain(events) {
            if TYPES.binary_search(&name).is_ok() || params.iter().any(|p| p == name) {
                out.push(hidden(name, &c.name, path, lang));
            }
        }
    }
    out
}

fn hidden(name: &str, context: &str, path: Path, lang: Lang) -> Clash {
    let pascal = context.to_upper_camel_case();
    Clash::new(
        path,
        tr!(
            lang,
            "type `{name}` clashes with a type of that name in the generated Rust code of `{context}`",
            "타입 `{name}`은(는) `{context}`의 생성 Rust 코드에 있는 같은 이름의 타입과 충돌합니다"
        ),
        tr!(
            lang,
            "choose a more specific name, for example `{pascal}{name}`",
            "더 구체적인 이름을 쓰세요. 예: `{pascal}{name}`"
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn types_are_sorted_for_binary_search() {
        assert!(super::TYPES.windows(2).all(|w| w[0] < w[1]));
    }
}
