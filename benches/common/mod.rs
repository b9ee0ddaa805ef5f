//! A synthetic spec of `n` contexts, shared by the benchmarks.
//!
//! Each context has 3 types, 4 operations, an event it publishes and one it consumes, a table, a DR
//! grade and a timed critical call to its neighbour (chains of up to 3 hops). The spec is clean: no
//! findings at all.

use std::fmt::Write as _;

pub fn synthetic(n: usize) -> String {
    let mut s = String::from("msaforge: 1\nsystem: { name: bench, title: Bench }\nteams:\n");
    for t in 0..n.div_ceil(3) {
        let _ = writeln!(s, "  - {{ name: team-{t}, title: Team {t} }}");
    }
    s.push_str("gateway: { prefix: /api, dr: { grade: 1 } }\ncontexts:\n");
    for i in 0..n {
        // Blocks of four contexts share a grade; inside a block each calls the one before it, so
        // chains stay within the default limit of 3 hops and no call inverts DR objectives.
        let grade = 1 + (i / 4) % 3;
        let _ = write!(
            s,
            "  - name: ctx-{i}\n    title: Context {i}\n    purpose: Synthetic context {i}.\n    team: team-{team}\n    dr: {{ grade: {grade}, strategy: active-standby }}\n    data: {{ store: postgres, tables: [t{i}_a, t{i}_b] }}\n    types:\n",
            team = i / 3
        );
        for t in 0..3 {
            let _ = writeln!(
                s,
                "      - name: T{i}x{t}\n        fields:\n          - {{ name: id, type: uuid }}\n          - {{ name: label{i}x{t}, type: string }}\n          - {{ name: amount, type: decimal, optional: true }}\n          - {{ name: state, type: enum, values: [open, closed] }}"
            );
        }
        s.push_str("    operations:\n");
        for (o, method) in ["GET", "POST", "PUT", "DELETE"].iter().enumerate() {
            let _ = writeln!(
                s,
                "      - {{ name: op{o}, method: {method}, path: \"/v1/c{i}/r{o}/{{id}}\", response: T{i}x0 }}"
            );
        }
        let _ = write!(
            s,
            "    events:\n      publishes:\n        - {{ name: E{i}, key: id, fields: [{{ name: id, type: uuid }}] }}\n"
        );
        let next = (i + 1) % n;
        let _ = writeln!(
            s,
            "      consumes:\n        - {{ name: E{next}, from: ctx-{next} }}"
        );
        let calls: Vec<usize> = if i % 4 == 0 { Vec::new() } else { vec![i - 1] };
        if !calls.is_empty() {
            s.push_str("    calls:\n");
            for c in calls {
                let _ = writeln!(
                    s,
                    "      - {{ context: ctx-{c}, operation: op0, timeout: 2s, retries: 1, circuit_breaker: true, critical: true }}"
                );
            }
        }
    }
    s
}
