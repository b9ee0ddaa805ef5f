//! Specs of the shapes that made `check` slow, for the check benchmark: many small contexts full
//! of warnings, a long chain of critical calls, and hundreds of copies of one context.

use std::fmt::Write as _;

const HEAD: &str =
    "msaforge: 1\nsystem: { name: shapes, title: Shapes }\ngateway: { prefix: /api }\ncontexts:\n";

fn context(s: &mut String, name: &str, extra: &str) {
    let _ = write!(
        s,
        "  - name: {name}\n    title: {name}\n    purpose: p\n    types: [{{ name: T, fields: [{{ name: id, type: uuid }}] }}]\n    operations: [{{ name: get, method: GET, path: \"/v1/{name}/{{id}}\", response: T }}]\n{extra}"
    );
}

/// `n` one-type, one-operation contexts without team or DR grade: three warnings each.
pub fn lean(n: usize) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        context(&mut s, &format!("c{i}"), "");
    }
    s
}

/// `n` contexts, each calling the next critically (no timeout, no breaker), all grade 1 but the
/// last: a DR inversion per context along a chain of `n`.
pub fn chain(n: usize) -> String {
    let mut s = String::from(HEAD);
    for i in 0..n {
        let grade = if i + 1 < n { 1 } else { 4 };
        let mut extra = format!("    dr: {{ grade: {grade} }}\n");
        if i + 1 < n {
            let _ = writeln!(
                extra,
                "    calls: [{{ context: c{}, operation: get, critical: true }}]",
                i + 1
            );
        }
        context(&mut s, &format!("c{i}"), &extra);
    }
    s
}

/// `n` copies of one context: one name, database, tables, types and routes, `n` times.
pub fn copies(n: usize) -> String {
    let one = "  - name: same\n    title: Same\n    purpose: p\n    data: { store: postgres, tables: [a, b] }\n    types:\n      - { name: A, fields: [{ name: id, type: uuid }, { name: x, type: string }, { name: y, type: string }] }\n      - { name: B, fields: [{ name: id, type: uuid }] }\n    operations:\n      - { name: get, method: GET, path: \"/v1/same/{id}\", response: A }\n      - { name: put, method: PUT, path: \"/v1/same/{id}\", request: A }\n";
    String::from(HEAD) + &one.repeat(n)
}
