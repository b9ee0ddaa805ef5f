//! Test support of the stacks' views: a one-context spec over the `Shelf` of `migrate`'s tests.
//! Only for unit tests; no stack-specific code here.

/// A one-context spec (`placement`, its store and tables as given) holding the `Shelf` of
/// `migrate`'s tests, with every kind of field; checked and resolved.
pub(crate) fn shelf_spec(store: &str, tables: &str) -> crate::spec::Spec {
    let types = include_str!("../migrate/testing.rs");
    let shelf = &types[types.find("      - name: Shelf").expect("Shelf")..];
    let shelf = &shelf[..shelf.find("\";").expect("end of SHELF")];
    let yaml = format!(
        "msaforge: 1\nsystem: {{ name: archive, title: Archive }}\ngateway: {{ prefix: /api }}\ncontexts:\n  - name: placement\n    title: Placement\n    purpose: Places records.\n    stack: rust-axum\n    data: {{ store: {store}, tables: {tables} }}\n    types:\n{shelf}\n"
    );
    let report =
        crate::check::check_bytes("t.yaml", yaml.as_bytes(), &crate::check::Options::default());
    assert!(!report.has_errors(), "{yaml}\n{:#?}", report.findings);
    report.spec.expect("the spec resolves")
}
