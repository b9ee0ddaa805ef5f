//! Safe regeneration on a real generated project: hand edits survive spec changes, `plan`
//! classifies every file (snapshotted), conflicts get markers and fail `check --output` until
//! resolved, escapes are refused, and a run killed in the middle of applying is repaired by the
//! next one.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::regen_support::{
    edit, expect_exit, generate, msaforge, plan, read, text, v1, v2, v3, write_spec,
};

/// The plan's human output with the temporary directory taken out.
fn plan_listing(spec: &Path, out: &Path) -> String {
    let o = plan(spec, out, &[]);
    expect_exit(&o, 0);
    String::from_utf8_lossy(&o.stdout).replace(out.to_str().expect("utf-8"), "[OUT]")
}

#[test]
fn hand_edits_survive_spec_changes_and_the_workspace_still_builds() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let specs = [
        write_spec(tmp.path(), "v1.yaml", &v1()),
        write_spec(tmp.path(), "v2.yaml", &v2()),
        write_spec(tmp.path(), "v3.yaml", &v3()),
    ];
    expect_exit(&generate(&specs[0], &out, &[]), 0);

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
        "worker_connections 1024;",
        "worker_connections 4096;",
    );
    let deployment = out.join("deploy/k8s/base/placement/deployment.yaml");
    edit(
        &deployment,
        "limits: { cpu: \"1\", memory: 512Mi }",
        "limits: { cpu: \"2\", memory: 1Gi }",
    );
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Team notes: ask the storage team before changing shelf codes.\n",
    );
    assert_eq!(
        plan(&specs[0], &out, &["--exit-code"]).status.code(),
        Some(0)
    );

    // Version 2: the plan, then generate.
    crate::settings().bind(|| {
        insta::assert_snapshot!("regenerate-plan-v2", plan_listing(&specs[1], &out));
    });
    assert_eq!(
        plan(&specs[1], &out, &["--exit-code"]).status.code(),
        Some(1)
    );
    expect_exit(&generate(&specs[1], &out, &[]), 0);
    assert!(read(&handlers).ends_with(handler_edit), "handler edit kept");
    let cargo = read(out.join("services/placement/Cargo.toml"));
    assert!(cargo.contains("run by the storage team"), "{cargo}");
    let nginx = read(out.join("gateway/nginx.conf"));
    assert!(nginx.contains("worker_connections 4096;"));
    assert!(nginx.contains("reading-room"), "new routes merged in");
    assert!(read(out.join("README.md")).contains("Team notes"));
    assert!(read(&deployment).contains("limits: { cpu: \"2\", memory: 1Gi }"));
    assert!(
        out.join("deploy/k8s/base/reading-room/deployment.yaml")
            .is_file()
    );
    assert!(read(out.join("services/placement/src/generated/api.rs")).contains("retire_shelf"));
    assert!(read(out.join("services/placement/src/generated/types.rs")).contains("pub note:"));
    assert!(out.join("services/reading-room/src/handlers.rs").is_file());
    assert!(read(out.join("Cargo.toml")).contains("\"services/reading-room\""));
    assert_eq!(
        plan(&specs[1], &out, &["--exit-code"]).status.code(),
        Some(0),
        "nothing left to do after generate"
    );
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs");
    crate::harness::build(&out, &logs);

    // Version 3: a context removed. Its untouched files go, the edited handler stays.
    crate::settings().bind(|| {
        insta::assert_snapshot!("regenerate-plan-v3", plan_listing(&specs[2], &out));
    });
    expect_exit(&generate(&specs[2], &out, &[]), 0);
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
    expect_exit(&generate(&v1, &out, &[]), 0);
    expect_exit(&msaforge(&["check", "--output", out_s], &[]), 0);
    // The user adds a workspace member exactly where version 2 adds one.
    let manifest = out.join("Cargo.toml");
    edit(
        &manifest,
        "    \"services/directory\",\n]",
        "    \"services/directory\",\n    \"tools/xtask\",\n]",
    );
    let mine = read(&manifest);

    let o = plan(&v2, &out, &["--diff"]);
    expect_exit(&o, 0);
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("conflict        Cargo.toml"), "{shown}");
    assert!(
        shown.contains("+<<<<<<< yours"),
        "the diff shows the markers: {shown}"
    );

    // abort: nothing is written at all.
    let lock_before = read(out.join(".msaforge/lock.json"));
    let o = generate(&v2, &out, &["--on-conflict", "abort"]);
    expect_exit(&o, 3);
    assert!(text(&o).contains("Cargo.toml"), "{}", text(&o));
    assert_eq!(read(out.join(".msaforge/lock.json")), lock_before);
    assert!(!out.join("services/reading-room").exists());

    // markers (the default): written, recorded, exit 4, and `check --output` fails.
    let o = generate(&v2, &out, &[]);
    expect_exit(&o, 4);
    let merged = read(&manifest);
    assert!(merged.contains("<<<<<<< yours\n"), "{merged}");
    assert!(merged.contains("    \"tools/xtask\",\n"));
    assert!(merged.contains("    \"services/reading-room\",\n"));
    assert!(merged.contains(">>>>>>> msaforge"));
    assert!(read(out.join(".msaforge/lock.json")).contains("\"conflict\": true"));
    let check = msaforge(&["check", "--output", out_s], &[]);
    expect_exit(&check, 1);
    let shown = String::from_utf8_lossy(&check.stdout);
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
    expect_exit(&msaforge(&["check", "--output", out_s], &[]), 0);
    // The next run keeps the resolution and clears the record.
    expect_exit(&generate(&v2, &out, &[]), 0);
    assert_eq!(read(&manifest), resolved);
    assert!(!read(out.join(".msaforge/lock.json")).contains("\"conflict\""));

    // keep-mine and take-new, on a fresh copy of the conflict.
    for (mode, expect_mine) in [("keep-mine", true), ("take-new", false)] {
        let dir = tmp.path().join(mode);
        expect_exit(&generate(&v1, &dir, &[]), 0);
        std::fs::write(dir.join("Cargo.toml"), &mine).expect("edit");
        expect_exit(&generate(&v2, &dir, &["--on-conflict", mode]), 0);
        let now = read(dir.join("Cargo.toml"));
        assert_eq!(now == mine, expect_mine, "{mode}: {now}");
        assert!(!now.contains("<<<<<<<"));
        expect_exit(
            &msaforge(&["check", "--output", dir.to_str().expect("utf-8")], &[]),
            0,
        );
    }
}

#[test]
fn edited_generated_files_stop_generate_unless_forced() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    expect_exit(&generate(&v1, &out, &[]), 0);
    let api = out.join("services/placement/src/generated/api.rs");
    std::fs::write(&api, read(&api) + "// my change\n").expect("edit");
    let o = generate(&v1, &out, &[]);
    expect_exit(&o, 3);
    assert!(
        text(&o).contains("services/placement/src/generated/api.rs"),
        "{}",
        text(&o)
    );
    assert!(
        read(&api).ends_with("// my change\n"),
        "nothing overwritten"
    );
    // A deleted file stays deleted, and is reported.
    std::fs::remove_file(out.join("docs/architecture.md")).expect("delete");
    let shown = String::from_utf8_lossy(&plan(&v1, &out, &[]).stdout).into_owned();
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
    expect_exit(&generate(&v1, &out, &["--force"]), 0);
    assert!(!read(&api).contains("// my change"));
    assert!(out.join("docs/architecture.md").is_file());
    expect_exit(&plan(&v1, &out, &["--exit-code"]), 0);
}

#[cfg(unix)]
#[test]
fn escapes_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    expect_exit(&generate(&v1, &out, &[]), 0);
    // A directory of the output replaced by a link to somewhere else.
    std::fs::remove_dir_all(out.join("docs")).expect("rm docs");
    std::os::unix::fs::symlink(&outside, out.join("docs")).expect("link");
    let o = generate(&v1, &out, &["--force"]);
    expect_exit(&o, 3);
    assert!(text(&o).contains("docs/architecture.md"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(&outside).expect("dir").count(), 0);

    // A template set whose manifest writes to `../`.
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    std::fs::write(
        templates.join("manifest.yaml"),
        "files:\n  - { template: system/README.md.j2, path: \"../escape.txt\" }\n",
    )
    .expect("manifest");
    let fresh = tmp.path().join("fresh");
    let o = generate(
        &v1,
        &fresh,
        &["--templates", templates.to_str().expect("utf-8")],
    );
    expect_exit(&o, 3);
    assert!(text(&o).contains("../escape.txt"), "{}", text(&o));
    assert!(!tmp.path().join("escape.txt").exists());
}

#[test]
fn a_run_killed_while_applying_is_completed_by_the_next() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let v1 = write_spec(tmp.path(), "v1.yaml", &v1());
    let v2 = write_spec(tmp.path(), "v2.yaml", &v2());
    expect_exit(&generate(&v1, &out, &[]), 0);
    let handlers = out.join("services/placement/src/handlers.rs");
    std::fs::write(&handlers, read(&handlers) + "// mine\n").expect("edit");

    // Slow each rename down and kill the process once the transaction is committed.
    let mut child = Command::new(env!("CARGO_BIN_EXE_msaforge"))
        .args(["generate", v2.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .env("MSAFORGE_TEST_APPLY_PAUSE_MS", "40")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let journal = out.join(".msaforge/txn/journal.json");
    let started = Instant::now();
    while !journal.exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "no journal");
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("generate finished ({status}) before it could be interrupted");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300)); // a few renames in
    child.kill().expect("kill"); // SIGKILL: no cleanup of any kind
    child.wait().expect("reaped");

    // Half done: the lock is still the old one and the transaction is pending.
    assert!(journal.exists(), "killed in the middle");
    let o = plan(&v2, &out, &[]);
    assert!(text(&o).contains("interrupted"), "{}", text(&o));
    let o = msaforge(&["check", "--output", out.to_str().expect("utf-8")], &[]);
    expect_exit(&o, 3);

    // The next run completes it; the result equals an uninterrupted run plus the user's edit.
    let o = generate(&v2, &out, &[]);
    expect_exit(&o, 0);
    assert!(text(&o).contains("interrupted"), "{}", text(&o));
    assert!(!out.join(".msaforge/txn").exists());
    expect_exit(&plan(&v2, &out, &["--exit-code"]), 0);
    let clean = tmp.path().join("clean");
    expect_exit(&generate(&v2, &clean, &[]), 0);
    std::fs::write(
        clean.join("services/placement/src/handlers.rs"),
        read(&handlers),
    )
    .expect("same edit");
    let lock = |dir: &Path| read(dir.join(".msaforge/lock.json"));
    let files = |dir: &Path| -> Vec<(String, String)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("inside");
                (rel.display().to_string(), read(e.path()))
            })
            .collect()
    };
    assert_eq!(files(&out).len(), files(&clean).len());
    for ((pa, ta), (pb, tb)) in files(&out).iter().zip(files(&clean).iter()) {
        assert_eq!(pa, pb);
        if pa != ".msaforge/lock.json" && !pa.ends_with("handlers.rs") {
            assert!(ta == tb, "{pa} differs after the repaired run");
        }
    }
    // The locks differ only in the user's handler edit, which both record as kept.
    assert_eq!(lock(&out).lines().count(), lock(&clean).lines().count());
}
