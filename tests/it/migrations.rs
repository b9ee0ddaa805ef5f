//! Generated migrations on real databases (PostgreSQL and MariaDB started by the tests): the
//! initial migrations of every example apply on both, each example also with its SQL stores
//! switched to the other dialect; regeneration on databases that hold rows writes only new
//! migrations, which apply on top and keep the rows; a destructive change is refused (exit 6)
//! until `--allow-destructive`; a migration the user edited is never touched.

use std::collections::BTreeMap;
use std::path::Path;

use crate::binary::Msaforge;
use crate::infra::{Mariadb, Postgres};

const EXAMPLES: [&str; 3] = [
    "records-archive.yaml",
    "civil-petition.yaml",
    "permit-office.yaml",
];

/// Both servers, or `None` (skipped, or failed when required) when one is not installed.
fn servers() -> Option<(&'static Postgres, &'static Mariadb)> {
    Some((Postgres::shared()?, Mariadb::shared()?))
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .expect("example")
}

fn generate(spec: &Path, out: &Path, extra: &[&str]) -> crate::binary::Output {
    Msaforge::new()
        .args(["generate"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(extra)
        .run()
}

/// Every migration file of the output: `services/<ctx>/migrations/<file>` -> its text.
fn migrations(out: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(services) = std::fs::read_dir(out.join("services")) else {
        return files;
    };
    for service in services.flatten() {
        let dir = service.path().join("migrations");
        for file in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let rel = file
                .path()
                .strip_prefix(out)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            files.insert(rel, std::fs::read_to_string(file.path()).expect("text"));
        }
    }
    files
}

/// The files of one context, in the order its migration tool runs them (by version).
fn of_context<'a>(files: &'a BTreeMap<String, String>, context: &str) -> Vec<(&'a str, &'a str)> {
    let dir = format!("services/{context}/migrations/");
    let mut mine: Vec<(u32, &str, &str)> = files
        .iter()
        .filter_map(|(path, text)| {
            let name = path.strip_prefix(&dir)?;
            let digits: String = name
                .trim_start_matches('V')
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            Some((digits.parse().ok()?, path.as_str(), text.as_str()))
        })
        .collect();
    mine.sort_unstable();
    mine.into_iter().map(|(_, p, t)| (p, t)).collect()
}

/// A fresh database on the server the migration's header names, the migrations applied in order.
enum Db {
    Pg(&'static Postgres, String),
    Maria(&'static Mariadb, String),
}

impl Db {
    fn for_migration(first: &str, (pg, maria): (&'static Postgres, &'static Mariadb)) -> Db {
        if first
            .lines()
            .next()
            .is_some_and(|l| l.contains("(PostgreSQL)"))
        {
            Db::Pg(pg, pg.fresh_database("mig"))
        } else {
            assert!(first.contains("(MySQL/MariaDB)"), "{first}");
            Db::Maria(maria, maria.fresh_database("mig"))
        }
    }

    fn sql(&self, sql: &str) -> String {
        match self {
            Db::Pg(s, db) => s.sql(db, sql),
            Db::Maria(s, db) => s.sql(db, sql),
        }
    }

    /// The tables of the database, sorted.
    fn tables(&self) -> Vec<String> {
        let query = match self {
            Db::Pg(..) => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            }
            Db::Maria(_, db) => &format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '{db}' ORDER BY 1"
            ),
        };
        self.sql(query).lines().map(str::to_owned).collect()
    }

    /// The columns of a table's primary key, in key order.
    fn primary_key(&self, table: &str) -> Vec<String> {
        let schema = match self {
            Db::Pg(..) => "'public'".to_owned(),
            Db::Maria(_, db) => format!("'{db}'"),
        };
        let query = format!(
            "SELECT k.column_name FROM information_schema.table_constraints c \
             JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name \
             AND k.table_schema = c.table_schema AND k.table_name = c.table_name \
             WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = {schema} \
             AND c.table_name = '{table}' ORDER BY k.ordinal_position"
        );
        self.sql(&query).lines().map(str::to_owned).collect()
    }

    /// A column's data type as the server reports it, `None` when it does not exist.
    fn column_type(&self, table: &str, column: &str) -> Option<String> {
        let schema = match self {
            Db::Pg(..) => "'public'".to_owned(),
            Db::Maria(_, db) => format!("'{db}'"),
        };
        let text = self.sql(&format!(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = {schema} AND table_name = '{table}' AND column_name = '{column}'"
        ));
        (!text.is_empty()).then(|| text.to_lowercase())
    }
}

/// The table names a migration creates.
fn created_tables(sql: &str) -> Vec<String> {
    sql.lines()
        .filter_map(|l| l.strip_prefix("CREATE TABLE "))
        .map(|l| l.strip_prefix("IF NOT EXISTS ").unwrap_or(l))
        .map(|l| l.trim_end_matches(" (").trim_matches(['"', '`']).to_owned())
        .collect()
}

#[test]
fn every_examples_initial_migrations_apply_on_postgresql_and_mariadb() {
    let Some(servers) = servers() else { return };
    let dir = tempfile::tempdir().expect("temp");
    let mut applied = (0, 0);
    for name in EXAMPLES {
        let text = example(name);
        // As written, and with PostgreSQL and MySQL swapped: every table on both dialects.
        let swapped = text
            .replace("store: postgres", "store: @@")
            .replace("store: mysql", "store: postgres")
            .replace("store: @@", "store: mysql");
        for (variant, spec_text) in [("as-written", text), ("swapped", swapped)] {
            let spec = dir.path().join(format!("{variant}-{name}"));
            std::fs::write(&spec, &spec_text).expect("write spec");
            let out = dir.path().join(format!("{variant}-{name}.out"));
            generate(&spec, &out, &[]).code(0);
            let files = migrations(&out);
            let contexts: std::collections::BTreeSet<&str> = files
                .keys()
                .filter_map(|p| p.strip_prefix("services/")?.split('/').next())
                .collect();
            assert!(!contexts.is_empty(), "{name} ({variant}) has no migrations");
            for context in contexts {
                let mine = of_context(&files, context);
                assert_eq!(mine.len(), 1, "{name}: one initial migration per context");
                let (path, sql) = mine[0];
                let db = Db::for_migration(sql, servers);
                db.sql(sql);
                let mut expected = created_tables(sql);
                expected.sort();
                assert!(!expected.is_empty(), "{path} creates no table:\n{sql}");
                assert_eq!(db.tables(), expected, "{name} ({variant}): {path}");
                match db {
                    Db::Pg(..) => applied.0 += 1,
                    Db::Maria(..) => applied.1 += 1,
                }
            }
        }
    }
    eprintln!(
        "initial migrations applied: {} on PostgreSQL, {} on MariaDB",
        applied.0, applied.1
    );
    assert!(applied.0 >= 7 && applied.1 >= 7, "{applied:?}");
}

/// Edits the spec text: `from` must occur.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the example no longer has {from:?}");
    text.replacen(from, to, 1)
}

/// What changes in the example between the runs of the regeneration test.
fn v2(v1: &str) -> String {
    let text = edit(
        v1,
        "          - { name: rowNo, type: int }",
        "          - { name: rowNo, type: long }",
    );
    let text = edit(
        &text,
        "          - { name: installedOn, type: date }",
        "          - { name: installedOn, type: date }\n          - { name: label, type: string }",
    );
    let text = edit(
        &text,
        "        - { name: record_locations, type: RecordLocation, key: recordId }",
        "        - { name: record_locations, type: RecordLocation, key: recordId }\n        - { name: shelf_inspections, type: ShelfInspection }",
    );
    let text = edit(
        &text,
        "      - name: Slot\n",
        "      - name: ShelfInspection\n        aggregate: true\n        fields:\n          - { name: id, type: uuid }\n          - { name: shelfId, type: uuid }\n          - { name: inspectedAt, type: datetime }\n      - name: Slot\n",
    );
    let text = edit(
        &text,
        "          - { name: dueDate, type: date }\n          - { name: insuredValue",
        "          - { name: dueDate, type: datetime }\n          - { name: insuredValue",
    );
    edit(
        &text,
        "          - { name: returns, type: \"ReturnReceipt[]\" }",
        "          - { name: returns, type: \"ReturnReceipt[]\" }\n          - { name: shelfCode, type: string, optional: true }",
    )
}

/// v2 with data-losing changes: a field of each table dropped (an enum's, with its check, in
/// MariaDB).
fn v3(v2: &str) -> String {
    let text = edit(
        v2,
        "          - { name: mobile, type: bool, description: 모동서가 여부 }\n",
        "",
    );
    edit(
        &text,
        "          - { name: purpose, type: enum, values: [reading, exhibition, conservation, digitization, legal-request] }\n          - { name: status, type: enum, values: [requested",
        "          - { name: status, type: enum, values: [requested",
    )
}

fn plan(spec: &Path, out: &Path, extra: &[&str]) -> crate::binary::Output {
    Msaforge::new()
        .args(["plan"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .args(extra)
        .run()
}

/// The files of `after` that `before` lacks; every file of `before` byte-identical in `after`.
fn added(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    for (path, text) in before {
        assert_eq!(
            after.get(path),
            Some(text),
            "{path} was rewritten or removed"
        );
    }
    after
        .keys()
        .filter(|p| !before.contains_key(*p))
        .cloned()
        .collect()
}

#[test]
fn regeneration_on_databases_holding_rows_only_adds_migrations_that_keep_the_rows() {
    let Some(servers) = servers() else { return };
    let dir = tempfile::tempdir().expect("temp");
    let (spec, out) = (dir.path().join("spec.yaml"), dir.path().join("out"));
    let v1 = example("records-archive.yaml");
    std::fs::write(&spec, &v1).expect("spec");
    generate(&spec, &out, &[]).code(0);
    let first = migrations(&out);
    let apply = |db: &Db, files: &BTreeMap<String, String>, paths: &[String]| {
        for path in paths {
            db.sql(&files[path]);
        }
    };
    let placement_v1: Vec<String> = of_context(&first, "placement")
        .iter()
        .map(|(p, _)| (*p).to_owned())
        .collect();
    let checkout_v1: Vec<String> = of_context(&first, "checkout")
        .iter()
        .map(|(p, _)| (*p).to_owned())
        .collect();
    assert_eq!(
        placement_v1,
        ["services/placement/migrations/0001_initial.sql"]
    );
    assert_eq!(
        checkout_v1,
        ["services/checkout/migrations/0001_initial.sql"]
    );
    let pg = Db::for_migration(&first[&placement_v1[0]], servers);
    let maria = Db::for_migration(&first[&checkout_v1[0]], servers);
    assert!(matches!((&pg, &maria), (Db::Pg(..), Db::Maria(..))));
    apply(&pg, &first, &placement_v1);
    apply(&maria, &first, &checkout_v1);
    let shelf = "INSERT INTO shelves VALUES ('6f1c2a4e-0c1b-4d8e-9b7a-3c2d1e0f9a8b', 'B2-03', 3, 5, 12000, TRUE, '2024-01-02', '[]')";
    pg.sql(shelf);
    maria.sql("INSERT INTO loans VALUES ('0b7d5a1e-2c3f-4e8d-9a6b-1c2d3e4f5a6b', '1b7d5a1e-2c3f-4e8d-9a6b-1c2d3e4f5a6b', '2b7d5a1e-2c3f-4e8d-9a6b-1c2d3e4f5a6b', 'reading', 'out', NULL, NULL, '2025-03-31', 1500000.5, '[]')");

    // v2: a field added (required, so existing rows get ''), a widening type change on each
    // dialect (int -> long, date -> datetime), a new table.
    let v2 = v2(&v1);
    std::fs::write(&spec, &v2).expect("spec");
    let shown = plan(&spec, &out, &["--exit-code"]);
    shown.code(1);
    let settings = {
        let mut s = crate::snapshots("migrations");
        s.add_filter(&regex::escape(&out.display().to_string()), "[OUT]");
        s
    };
    settings.bind(|| insta::assert_snapshot!("plan-v2", shown.stdout()));
    generate(&spec, &out, &[]).code(0);
    let second = migrations(&out);
    let new = added(&first, &second);
    assert_eq!(
        new,
        [
            "services/checkout/migrations/0002_alter_loans_due_date_and_more.sql",
            "services/placement/migrations/0002_alter_shelves_row_no_and_more.sql",
        ]
    );
    apply(&maria, &second, &new[..1]);
    apply(&pg, &second, &new[1..]);
    assert_eq!(
        pg.sql("SELECT room_code, row_no, capacity_mm, label = '' FROM shelves"),
        "B2-03|3|12000|t"
    );
    assert_eq!(
        pg.column_type("shelves", "row_no").as_deref(),
        Some("bigint")
    );
    assert!(pg.tables().contains(&"shelf_inspections".to_owned()));
    assert_eq!(
        maria.sql("SELECT purpose, due_date, insured_value, shelf_code FROM loans"),
        "reading\t2025-03-31 00:00:00.000000\t1500000.5000\tNULL"
    );
    assert_eq!(
        maria.column_type("loans", "due_date").as_deref(),
        Some("datetime")
    );

    // The same spec again: nothing new, nothing to do.
    generate(&spec, &out, &[]).code(0);
    assert_eq!(migrations(&out), second);
    plan(&spec, &out, &["--exit-code"]).code(0);

    // A migration the user edited stays as they left it (and is reported as theirs).
    let initial = out.join("services/placement/migrations/0001_initial.sql");
    let edited = format!("{}-- reviewed by the DBA\n", second[&placement_v1[0]]);
    std::fs::write(&initial, &edited).expect("edit");
    let verbose = plan(&spec, &out, &["--verbose"]);
    verbose.code(0);
    assert!(
        verbose
            .stdout()
            .contains("kept            services/placement/migrations/0001_initial.sql"),
        "{}",
        verbose.stdout()
    );
    generate(&spec, &out, &[]).code(0);
    assert_eq!(std::fs::read_to_string(&initial).expect("read"), edited);

    // v3 drops a column of each table: refused by plan and generate, nothing written.
    std::fs::write(&spec, v3(&v2)).expect("spec");
    let before = migrations(&out);
    for refused in [plan(&spec, &out, &[]), generate(&spec, &out, &[])] {
        refused.code(6);
        let err = refused.stderr();
        assert!(
            err.contains("`shelves.mobile` is dropped")
                && err.contains("`loans.purpose` is dropped"),
            "{err}"
        );
    }
    assert_eq!(migrations(&out), before);
    generate(&spec, &out, &["--allow-destructive"]).code(0);
    let third = migrations(&out);
    let new = added(&before, &third);
    assert_eq!(
        new,
        [
            "services/checkout/migrations/0003_drop_loans_purpose.sql",
            "services/placement/migrations/0003_drop_shelves_mobile.sql",
        ]
    );
    apply(&maria, &third, &new[..1]);
    apply(&pg, &third, &new[1..]);
    assert_eq!(pg.column_type("shelves", "mobile"), None);
    assert_eq!(maria.column_type("loans", "purpose"), None);
    assert_eq!(pg.sql("SELECT room_code FROM shelves"), "B2-03");
    assert_eq!(maria.sql("SELECT status FROM loans"), "out");

    // v4 moves each table's primary key: shelves to an existing text column (PostgreSQL), loans
    // to a new required string (MariaDB: a key column is VARCHAR, not TEXT). Refused by default
    // with what it risks; allowed, the keys move and the rows stay.
    let v4 = edit(
        &edit(
            &v3(&v2),
            "        - { name: shelves, type: Shelf }",
            "        - { name: shelves, type: Shelf, key: roomCode }",
        ),
        "          - { name: returns, type: \"ReturnReceipt[]\" }",
        "          - { name: returns, type: \"ReturnReceipt[]\" }\n          - { name: loanNo, type: string }",
    );
    let v4 = edit(
        &v4,
        "        - { name: loans, type: Loan }",
        "        - { name: loans, type: Loan, key: loanNo }",
    );
    std::fs::write(&spec, &v4).expect("spec");
    let before = migrations(&out);
    let refused = plan(&spec, &out, &[]);
    refused.code(6);
    // The report as one line: miette wraps it at the terminal's width, under `|` gutters.
    let said = refused
        .stderr()
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ");
    for table in [
        "the primary key of `shelves` moves from `id` to `room_code`: duplicate or NULL values of `room_code` stop the migration",
        "the primary key of `loans` moves from `id` to `loan_no`",
    ] {
        assert!(said.contains(table), "{}", refused.stderr());
    }
    generate(&spec, &out, &["--allow-destructive"]).code(0);
    let fourth = migrations(&out);
    let new = added(&before, &fourth);
    assert_eq!(
        new,
        [
            "services/checkout/migrations/0004_alter_loans_id_and_more.sql",
            "services/placement/migrations/0004_alter_shelves_id_and_more.sql",
        ]
    );
    apply(&maria, &fourth, &new[..1]);
    apply(&pg, &fourth, &new[1..]);
    assert_eq!(pg.primary_key("shelves"), ["room_code"]);
    assert_eq!(maria.primary_key("loans"), ["loan_no"]);
    assert_eq!(
        maria.column_type("loans", "loan_no").as_deref(),
        Some("varchar")
    );
    assert_eq!(pg.sql("SELECT room_code FROM shelves"), "B2-03");
    assert_eq!(
        maria.sql("SELECT status, loan_no = '' FROM loans"),
        "out\t1"
    );
}
