//! Safe regeneration on a real generated project: hand edits survive spec changes, `plan`
//! classifies every file (snapshotted), conflicts get markers and fail `check --output` until
//! resolved. The helpers it shares with `regenerate_safety` and the `regen_*` tests live in
//! `regen_support`.

use std::path::Path;

use crate::binary::Msaforge;
use crate::regen_support::{edit, generate, plan, read, specs, v1, v2, write_spec};

/// The plan's human output (with `flags`) with the temporary directory taken out.
fn plan_listing(spec: &Path, out: &Path, flags: &[&str]) -> String {
    let o = plan(spec, out, flags);
    o.code(0);
    o.stdout().replace(out.to_str().expect("utf-8"), "[OUT]")
}

#[test]
fn hand_edits_survive_spec_changes_and_the_workspace_still_builds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let specs = specs(tmp.path());
    generate(&specs[0], &out, &[]).code(0);

    // Hand edits: a handler, a service's Cargo.toml, the gateway, a Kubernetes manifest, the README.
    let handler_edit = "\n/// Our own helper, kept across regenerations.\npub fn shelf_label(code: &str) -> String {\n    format!(\"shelf {code}\")\n}\n";
    let handlers = out.join("services/placement/src/handlers.rs");
    std::fs::write(&handlers, read(&handlers) + handler_edit).expect("edit handler");
    let inventory_handlers = out.join("services/inventory/src/handlers.rs");
    std::fs::write(
        &inventory_handlers,
        read(&inventory_handlers) + "// audit notes\n",
    )
    .expect("edit handler");
    edit(
        out.join("services/placement/Cargo.toml"),
        "description = \"기록물과 보존상자를 서가·칸에 배치하고 현재 위치를 추적한다.\"",
        "description = \"Placement service, run by the storage team\"",
    );
    edit(
        out.join("gateway/nginx.conf"),
        "worker_connections 4096;",
        "worker_connections 8192;",
    );
    let deployment = out.join("deploy/k8s/base/placement/deployment.yaml");
    edit(
        &deployment,
        "limits: { cpu: 1000m, memory: 256Mi, ephemeral-storage: 256Mi }",
        "limits: { cpu: 2000m, memory: 1Gi, ephemeral-storage: 256Mi }",
    );
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Team notes: ask the storage team before changing shelf codes.\n",
    );
    plan(&specs[0], &out, &["--exit-code"]).code(0);

    // Version 2: the plan, then generate.
    crate::snapshots("regenerate").bind(|| {
        insta::assert_snapshot!("plan-v2", plan_listing(&specs[1], &out, &[]));
        insta::assert_snapshot!(
            "plan-v2-verbose",
            plan_listing(&specs[1], &out, &["--verbose"])
        );
    });
    plan(&specs[1], &out, &["--exit-code"]).code(1);
    let o = generate(&specs[1], &out, &[]);
    o.code(0);
    // The summary: counts, then only the files that hold the user's edits.
    let summary = o.stdout().replace(out.to_str().expect("utf-8"), "[OUT]");
    crate::snapshots("regenerate").bind(|| insta::assert_snapshot!("generate-v2", summary));
    assert!(read(&handlers).ends_with(handler_edit), "handler edit kept");
    let cargo = read(out.join("services/placement/Cargo.toml"));
    assert!(cargo.contains("run by the storage team"), "{cargo}");
    let nginx = read(out.join("gateway/nginx.conf"));
    assert!(nginx.contains("worker_connections 8192;"));
    assert!(nginx.contains("reading-room"), "new routes merged in");
    assert!(read(out.join("README.md")).contains("Team notes"));
    assert!(
        read(&deployment).contains("limits: { cpu: 2000m, memory: 1Gi, ephemeral-storage: 256Mi }")
    );
    assert!(
        out.join("deploy/k8s/base/reading-room/deployment.yaml")
            .is_file()
    );
    assert!(read(out.join("services/placement/src/generated/api.rs")).contains("retire_shelf"));
    assert!(read(out.join("services/placement/src/generated/types.rs")).contains("pub note:"));
    assert!(out.join("services/reading-room/src/handlers.rs").is_file());
    assert!(read(out.join("Cargo.toml")).contains("\"services/reading-room\""));
    assert_eq!(
        plan(&specs[1], &out, &["--exit-code"]).exit_code(),
        Some(0),
        "nothing left to do after generate"
    );
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs");
    // The builds replace binaries in the shared target directory: not while an end-to-end test
    // is about to start its own.
    let _binaries = crate::harness::ports();
    crate::harness::build(&out, &logs);

    // Version 3: a context removed. Its untouched files go, the edited handler stays.
    crate::snapshots("regenerate").bind(|| {
        insta::assert_snapshot!("plan-v3", plan_listing(&specs[2], &out, &[]));
        insta::assert_snapshot!(
            "plan-v3-verbose",
            plan_listing(&specs[2], &out, &["--verbose"])
        );
    });
    generate(&specs[2], &out, &[]).code(0);
    assert!(!out.join("services/inventory/Cargo.toml").exists());
    assert!(!out.join("services/inventory/src/generated").exists());
    assert!(read(&inventory_handlers).ends_with("// audit notes\n"));
    assert!(!read(out.join("Cargo.toml")).contains("services/inventory"));
    assert!(read(&handlers).ends_with(handler_edit));
    assert!(read(&deployment).contains("memory: 1Gi"));
    assert!(
        !out.join("deploy/k8s/base/inventory/deployment.yaml")
            .exists()
    );
    crate::harness::build(&out, &logs);
}

#[test]
fn conflicts_get_markers_and_fail_check_until_resolved() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let out_s = out.to_str().expect("utf-8");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    let v2 = write_spec(tmp.path(), "v2.yaml", &v2());
    generate(&v1, &out, &[]).code(0);
    Msaforge::new()
        .args(["check", "--output", out_s])
        .run()
        .code(0);
    // The user adds a workspace member exactly where version 2 adds one.
    let manifest = out.join("Cargo.toml");
    edit(
        &manifest,
        "    \"services/directory\",\n]",
        "    \"services/directory\",\n    \"tools/xtask\",\n]",
    );
    let mine = read(&manifest);

    let o = plan(&v2, &out, &["--diff"]);
    o.code(0);
    let shown = o.stdout();
    assert!(shown.contains("conflict        Cargo.toml"), "{shown}");
    assert!(
        shown.contains("+<<<<<<< yours"),
        "the diff shows the markers: {shown}"
    );

    // abort: nothing is written at all.
    let lock_before = read(out.join(".msaforge/lock.json"));
    let o = generate(&v2, &out, &["--on-conflict", "abort"]);
    o.code(3);
    assert!(o.text().contains("Cargo.toml"), "{}", o.text());
    assert_eq!(read(out.join(".msaforge/lock.json")), lock_before);
    assert!(!out.join("services/reading-room").exists());

    // markers (the default): written, recorded, exit 4, and `check --output` fails.
    let o = generate(&v2, &out, &[]);
    o.code(4);
    let merged = read(&manifest);
    assert!(merged.contains("<<<<<<< yours\n"), "{merged}");
    assert!(merged.contains("    \"tools/xtask\",\n"));
    assert!(merged.contains("    \"services/reading-room\",\n"));
    assert!(merged.contains(">>>>>>> msaforge"));
    assert!(read(out.join(".msaforge/lock.json")).contains("\"conflict\": true"));
    let check = Msaforge::new().args(["check", "--output", out_s]).run();
    check.code(1);
    let shown = check.stdout();
    assert!(
        shown.contains("error[conflict]") && shown.contains("Cargo.toml:"),
        "{shown}"
    );

    // The user resolves it: both members stay.
    let start = merged.find("<<<<<<< yours\n").expect("start");
    let end = merged.find(">>>>>>> ").expect("end");
    let end = end + merged[end..].find('\n').expect("line end") + 1;
    let resolved = format!(
        "{}    \"tools/xtask\",\n    \"services/reading-room\",\n{}",
        &merged[..start],
        &merged[end..]
    );
    std::fs::write(&manifest, &resolved).expect("resolve");
    Msaforge::new()
        .args(["check", "--output", out_s])
        .run()
        .code(0);
    // The next run keeps the resolution and clears the record.
    generate(&v2, &out, &[]).code(0);
    assert_eq!(read(&manifest), resolved);
    assert!(!read(out.join(".msaforge/lock.json")).contains("\"conflict\""));

    // keep-mine and take-new, on a fresh copy of the conflict.
    for (mode, expect_mine) in [("keep-mine", true), ("take-new", false)] {
        let dir = tmp.path().join(mode);
        generate(&v1, &dir, &[]).code(0);
        std::fs::write(dir.join("Cargo.toml"), &mine).expect("edit");
        generate(&v2, &dir, &["--on-conflict", mode]).code(0);
        let now = read(dir.join("Cargo.toml"));
        assert_eq!(now == mine, expect_mine, "{mode}: {now}");
        assert!(!now.contains("<<<<<<<"));
        Msaforge::new()
            .args(["check", "--output", dir.to_str().expect("utf-8")])
            .run()
            .code(0);
    }
}

#[test]
fn edited_generated_files_stop_generate_unless_forced() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    generate(&v1, &out, &[]).code(0);
    let api = out.join("services/placement/src/generated/api.rs");
    std::fs::write(&api, read(&api) + "// my change\n").expect("edit");
    let o = generate(&v1, &out, &[]);
    o.code(3);
    assert!(
        o.text().contains("services/placement/src/generated/api.rs"),
        "{}",
        o.text()
    );
    assert!(
        read(&api).ends_with("// my change\n"),
        "nothing overwritten"
    );
    // A deleted file stays deleted, and is reported.
    std::fs::remove_file(out.join("docs/architecture.md")).expect("delete");
    let shown = plan(&v1, &out, &[]).stdout();
    assert!(
        shown.contains("deleted-by-user docs/architecture.md"),
        "{shown}"
    );
    assert!(
        shown.contains("edited          services/placement/src/generated/api.rs"),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&plan(&v1, &out, &["--format", "json"]).stdout).expect("json");
    assert_eq!(json["changes"], true);
    assert_eq!(json["summary"]["edited"], 1);
    assert_eq!(json["summary"]["deleted-by-user"], 1);
    let edited = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["action"] == "edited")
        .expect("an edited file");
    assert_eq!(edited["path"], "services/placement/src/generated/api.rs");
    assert_eq!(edited["policy"], "managed");
    // --force overwrites the edit and restores the deleted file.
    generate(&v1, &out, &["--force"]).code(0);
    assert!(!read(&api).contains("// my change"));
    assert!(out.join("docs/architecture.md").is_file());
    plan(&v1, &out, &["--exit-code"]).code(0);
}
