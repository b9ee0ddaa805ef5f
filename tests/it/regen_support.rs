//! What the regeneration tests share (`regenerate`, `regenerate_safety` and the `regen_*`
//! files): `generate` and `plan` through the one binary runner, reading and editing files, and the
//! three versions of the example spec that every scenario regenerates through.

use std::path::{Path, PathBuf};

use crate::binary::{Msaforge, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const EXAMPLE: &str = "examples/records-archive.yaml";

/// `msaforge generate SPEC -o OUT EXTRA..`, to the end.
pub(crate) fn generate(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    run("generate", spec, out, extra)
}

/// `msaforge plan SPEC -o OUT EXTRA..`, to the end.
pub(crate) fn plan(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    run("plan", spec, out, extra)
}

fn run(command: &str, spec: &Path, out: &Path, extra: &[&str]) -> Output {
    Msaforge::new()
        .arg(command)
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(extra)
        .run()
}

pub(crate) fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces the one occurrence of `from` in the file (the edit must apply).
pub(crate) fn edit(path: impl AsRef<Path>, from: &str, to: &str) {
    let path = path.as_ref();
    let old = read(path);
    assert_eq!(
        old.matches(from).count(),
        1,
        "{from:?} once in {}",
        path.display()
    );
    std::fs::write(path, old.replacen(from, to, 1)).expect("edit");
}

/// The example, version 1.
pub(crate) fn v1() -> String {
    read(Path::new(ROOT).join(EXAMPLE))
}

/// Version 2: an operation and a field more in `placement`, and a new context `reading-room`.
pub(crate) fn v2() -> String {
    let mut spec = v1();
    let op = "      - { name: registerBox, method: POST, path: /v1/boxes, request: ArchiveBox, response: ArchiveBox }\n";
    assert!(spec.contains(op));
    spec = spec.replacen(
        op,
        &format!("{op}      - {{ name: retireShelf, method: DELETE, path: \"/v1/shelves/{{shelfId}}\", response: Shelf }}\n"),
        1,
    );
    let field = "          - { name: slots, type: \"Slot[]\" }\n";
    assert!(spec.contains(field));
    spec = spec.replacen(
        field,
        &format!("{field}          - {{ name: note, type: string, optional: true }}\n"),
        1,
    );
    spec.push_str(
        r#"
  - name: reading-room
    title: 열람실
    purpose: 열람실 좌석 예약을 관리한다.
    team: access-team
    stack: rust-axum
    dr: { grade: 3 }
    data:
      store: postgres
      tables: [reservations]
    types:
      - name: Reservation
        aggregate: true
        fields:
          - { name: id, type: uuid }
          - { name: loanId, type: uuid }
          - { name: seat, type: string }
    operations:
      - { name: reserveSeat, method: POST, path: /v1/reservations, request: Reservation, response: Reservation }
      - { name: getReservation, method: GET, path: "/v1/reservations/{reservationId}", response: Reservation }
    calls:
      - { context: checkout, operation: getLoan, timeout: 1s, retries: 1, circuit_breaker: true }
"#,
    );
    spec
}

/// Version 3: version 2 without the `inventory` context (and `placement`'s subscription to it).
pub(crate) fn v3() -> String {
    let spec = v2();
    let start = spec.find("  - name: inventory\n").expect("inventory");
    let end = spec.find("  - name: directory\n").expect("directory");
    let spec = format!("{}{}", &spec[..start], &spec[end..]);
    let consume = "        - { name: DiscrepancyFound, from: inventory }\n";
    assert!(spec.contains(consume));
    spec.replacen(consume, "", 1)
}

pub(crate) fn write_spec(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("spec");
    Msaforge::new()
        .args(["check", path.to_str().expect("utf-8")])
        .run()
        .code(0);
    path
}

/// The three versions of the spec, written (and checked) in `dir`.
pub(crate) fn specs(dir: &Path) -> [PathBuf; 3] {
    [
        write_spec(dir, "v1.yaml", &v1()),
        write_spec(dir, "v2.yaml", &v2()),
        write_spec(dir, "v3.yaml", &v3()),
    ]
}
