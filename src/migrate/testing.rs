//! Specs for the unit tests of `migrate`.

use crate::spec::Spec;

/// A one-context spec: store `store`, `tables` as written, an aggregate `Shelf` of every kind
/// of field.
pub fn spec(store: &str, tables: &str) -> Spec {
    spec_with(store, tables, SHELF)
}

pub const SHELF: &str = "
      - name: Shelf
        aggregate: true
        fields:
          - { name: id, type: uuid }
          - { name: roomCode, type: string }
          - { name: capacity, type: int }
          - { name: usedMeters, type: decimal, optional: true }
          - { name: serial, type: long }
          - { name: sealed, type: bool }
          - { name: openedOn, type: date, optional: true }
          - { name: checkedAt, type: datetime }
          - { name: status, type: enum, values: [open, full] }
          - { name: location, type: Location, optional: true }
          - { name: tags, type: 'string[]' }
          - { name: boxes, type: 'Location[]' }
      - name: Location
        fields:
          - { name: aisle, type: int }";

/// Like `spec`, with the context's types as written (YAML list items at 6 spaces).
pub fn spec_with(store: &str, tables: &str, types: &str) -> Spec {
    let yaml = format!(
        "
msaforge: 1
system: {{ name: archive, title: Archive }}
gateway: {{ prefix: /api }}
contexts:
  - name: placement
    title: Placement
    purpose: Places records on shelves.
    stack: rust-axum
    data: {{ store: {store}, tables: {tables} }}
    types:{types}
    operations: [{{ name: getShelf, method: GET, path: '/v1/shelves/{{id}}', response: Shelf }}]
"
    );
    let report =
        crate::check::check_bytes("t.yaml", yaml.as_bytes(), &crate::check::Options::default());
    assert!(!report.has_errors(), "{yaml}\n{:#?}", report.findings);
    report.spec.expect("the spec resolves")
}
