//! Regeneration never loses an edit: an edited file that is no longer generated is kept whatever
//! its policy, missing or altered merge bases turn edits into conflicts instead of overwriting
//! them, the recovery the damaged-lock help recommends loses nothing, file modes survive, and a
//! merge file that becomes managed keeps the edits merged into it. Every run goes through
//! `generate_as_planned` (plan's prediction checked against generate's result).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::regen_oracle::generate_as_planned;
use crate::regen_support::{edit, expect_exit, generate, msaforge, plan, read, specs, text};

fn planned(spec: &Path, out: &Path) -> String {
    let o = plan(spec, out, &[]);
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

const DEPENDENCY: &str = "[dependencies]\n";
const ADDED: &str = "[dependencies]\nregex = \"1\"  # ours\n";

#[test]
fn an_edited_merge_file_that_is_no_longer_generated_is_kept() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, s2, s3] = specs(tmp.path());
    expect_exit(&generate(&s1, &out, &[]), 0);
    let cargo = out.join("services/inventory/Cargo.toml");
    edit(&cargo, DEPENDENCY, ADDED);
    // Version 2 merges msaforge's changes into the edited file: the lock now records the merge.
    expect_exit(&generate_as_planned(&s2, &out, &[]), 0);
    let merged = read(&cargo);
    assert!(merged.contains(ADDED), "{merged}");
    // Version 3 drops the context: the edited Cargo.toml is orphaned and kept, untouched ones go.
    let shown = planned(&s3, &out);
    assert!(
        shown.contains("orphaned        services/inventory/Cargo.toml"),
        "{shown}"
    );
    expect_exit(&generate_as_planned(&s3, &out, &[]), 0);
    assert_eq!(read(&cargo), merged, "kept as the user left it");
    assert!(!out.join("services/inventory/src/generated/api.rs").exists());
    assert!(
        !out.join(".msaforge/base/services/inventory/Dockerfile")
            .exists()
    );
    // And it stays kept: nothing left to do, and a second run changes nothing.
    expect_exit(&plan(&s3, &out, &["--exit-code"]), 0);
    expect_exit(&generate_as_planned(&s3, &out, &[]), 0);
    assert_eq!(read(&cargo), merged);
}

/// Generates version 1, edits the README and nginx.conf (merge files), and generates version 2,
/// so that the lock records the merged texts: the edited files now match the lock.
fn merged_edits(tmp: &Path) -> (PathBuf, [PathBuf; 3]) {
    let out = tmp.join("system");
    let [s1, s2, s3] = specs(tmp);
    expect_exit(&generate(&s1, &out, &[]), 0);
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Team notes.\n",
    );
    edit(
        out.join("gateway/nginx.conf"),
        "worker_connections 1024;",
        "worker_connections 4096;",
    );
    expect_exit(&generate(&s2, &out, &[]), 0);
    (out, [s1, s2, s3])
}

#[test]
fn missing_merge_bases_turn_edits_into_conflicts_not_losses() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (out, [_, _, s3]) = merged_edits(tmp.path());
    std::fs::remove_dir_all(out.join(".msaforge/base")).expect("bases deleted");
    let shown = planned(&s3, &out);
    assert!(shown.contains("conflict        README.md"), "{shown}");
    assert!(
        shown.contains("conflict        gateway/nginx.conf"),
        "{shown}"
    );
    assert!(
        shown.contains("merge base(s) in .msaforge/base/ are missing"),
        "{shown}"
    );
    // Untouched merge files are exactly what msaforge generated: still merged normally.
    assert!(!shown.contains("conflict        compose.yaml"), "{shown}");
    let json: serde_json::Value =
        serde_json::from_slice(&plan(&s3, &out, &["--format", "json"]).stdout).expect("json");
    assert_eq!(
        json["lost_bases"],
        serde_json::json!(["README.md", "gateway/nginx.conf"])
    );

    let keep = tmp.path().join("keep-mine");
    copy_dir(&out, &keep);
    let o = generate_as_planned(&s3, &out, &[]);
    assert!(
        text(&o).contains("are missing or do not match the lock"),
        "{}",
        text(&o)
    );
    assert!(read(out.join("README.md")).contains("> Team notes."));
    assert!(read(out.join("gateway/nginx.conf")).contains("worker_connections 4096;"));
    assert!(read(out.join("README.md")).contains("<<<<<<< yours"));
    // keep-mine keeps the user's files as they are.
    let readme = read(keep.join("README.md"));
    expect_exit(
        &generate_as_planned(&s3, &keep, &["--on-conflict", "keep-mine"]),
        0,
    );
    assert_eq!(read(keep.join("README.md")), readme);
    // The bases are back: the next run merges normally again.
    expect_exit(&plan(&s3, &keep, &["--exit-code"]), 0);
}

#[test]
fn a_merge_base_that_does_not_match_the_lock_is_not_trusted() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (out, [s1, _, s3]) = merged_edits(tmp.path());
    // A base overwritten with the user's own file would make every edit look like msaforge's.
    std::fs::write(
        out.join(".msaforge/base/gateway/nginx.conf"),
        read(out.join("gateway/nginx.conf")),
    )
    .expect("altered base");
    let shown = planned(&s3, &out);
    assert!(
        shown.contains("conflict        gateway/nginx.conf"),
        "{shown}"
    );
    assert!(shown.contains("merge base(s)"), "{shown}");
    expect_exit(&generate_as_planned(&s3, &out, &[]), 4);
    assert!(read(out.join("gateway/nginx.conf")).contains("worker_connections 4096;"));

    // A base that is a directory: refused by plan and generate alike, nothing written.
    let base = out.join(".msaforge/base/compose.yaml");
    std::fs::remove_file(&base).expect("rm base");
    std::fs::create_dir_all(base.join("x")).expect("a directory");
    let o = generate_as_planned(&s1, &out, &[]);
    expect_exit(&o, 3);
    assert!(
        text(&o).contains(".msaforge/base/compose.yaml"),
        "{}",
        text(&o)
    );
}

#[test]
fn following_the_damaged_lock_help_loses_no_edit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, _, _] = specs(tmp.path());
    expect_exit(&generate(&s1, &out, &[]), 0);
    let api = out.join("services/placement/src/generated/api.rs");
    let handlers = out.join("services/placement/src/handlers.rs");
    std::fs::write(&api, read(&api) + "// my managed change\n").expect("edit");
    std::fs::write(&handlers, read(&handlers) + "// my handler\n").expect("edit");
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Team notes.\n",
    );
    std::fs::write(
        out.join(".msaforge/lock.json"),
        "{ \"format\": 2, <<<<<<< HEAD",
    )
    .expect("damage");
    let o = generate(&s1, &out, &[]);
    expect_exit(&o, 3);
    let shown = text(&o).replace(['\n', '│', ' '], "");
    // The help names the recovery: delete only the lock, generate again without --force.
    assert!(
        shown.contains("deleteonlythatfileandrun`msaforgegenerate`again(without--force)"),
        "{}",
        text(&o)
    );

    std::fs::remove_file(out.join(".msaforge/lock.json")).expect("delete the lock");
    let o = generate_as_planned(&s1, &out, &[]);
    expect_exit(&o, 3);
    assert!(
        text(&o).contains("services/placement/src/generated/api.rs"),
        "{}",
        text(&o)
    );
    assert!(read(&api).ends_with("// my managed change\n"));
    // The user moves the managed change somewhere of their own, as that message says.
    std::fs::create_dir_all(out.join("notes")).expect("dir");
    std::fs::write(out.join("notes/api-change.rs"), read(&api)).expect("moved");
    std::fs::remove_file(&api).expect("moved away");
    let o = generate_as_planned(&s1, &out, &[]);
    expect_exit(&o, 4);
    assert!(read(&handlers).ends_with("// my handler\n"));
    assert!(read(out.join("README.md")).contains("> Team notes."));
    assert!(read(out.join("notes/api-change.rs")).ends_with("// my managed change\n"));
    assert!(!read(&api).contains("my managed change"), "regenerated");
}

#[test]
fn file_modes_survive_regeneration_and_new_files_get_0644_whatever_the_umask() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, s2, _] = specs(tmp.path());
    let mode = |p: &str| {
        std::fs::metadata(out.join(p))
            .expect(p)
            .permissions()
            .mode()
            & 0o7777
    };
    let umasked = std::process::Command::new("sh")
        .args(["-c", "umask 077 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_msaforge"))
        .args(["generate", s1.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .output()
        .expect("runs");
    expect_exit(&umasked, 0);
    for p in [
        "README.md",
        "services/placement/src/generated/api.rs",
        ".msaforge/lock.json",
    ] {
        assert_eq!(mode(p), 0o644, "{p}");
    }
    let set = |p: &str, m: u32| {
        std::fs::set_permissions(out.join(p), std::fs::Permissions::from_mode(m)).expect("chmod");
    };
    set("services/placement/src/generated/api.rs", 0o755); // managed, changes in version 2
    set("Cargo.toml", 0o600); // merge, changes in version 2
    set("README.md", 0o755); // merge, edited and merged
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Notes.\n",
    );
    expect_exit(&generate_as_planned(&s2, &out, &[]), 0);
    assert!(read(out.join("services/placement/src/generated/api.rs")).contains("retire_shelf"));
    assert!(read(out.join("Cargo.toml")).contains("reading-room"));
    assert_eq!(mode("services/placement/src/generated/api.rs"), 0o755);
    assert_eq!(mode("Cargo.toml"), 0o600);
    assert_eq!(mode("README.md"), 0o755);
    assert_eq!(mode("services/reading-room/Cargo.toml"), 0o644);
}

#[test]
fn a_merge_file_that_becomes_managed_keeps_the_edits_merged_into_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (out, [_, s2, _]) = merged_edits(tmp.path());
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("dir");
    let manifest = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/manifest.yaml"));
    let from = "path: README.md, policy: merge }";
    assert!(manifest.contains(from));
    std::fs::write(
        templates.join("manifest.yaml"),
        manifest.replace(from, "path: README.md, policy: managed }"),
    )
    .expect("manifest");
    let args = ["--templates", templates.to_str().expect("utf-8")];
    let o = generate_as_planned(&s2, &out, &args);
    expect_exit(&o, 3);
    assert!(text(&o).contains("README.md"), "{}", text(&o));
    assert!(read(out.join("README.md")).contains("> Team notes."));

    // A template set may not write into msaforge's state either.
    let poisoned = manifest.replace(from, "path: .msaforge/base/README.md, policy: managed }");
    std::fs::write(templates.join("manifest.yaml"), poisoned).expect("manifest");
    let base = read(out.join(".msaforge/base/README.md"));
    let o = generate_as_planned(&s2, &out, &args);
    expect_exit(&o, 3);
    assert!(
        text(&o).contains(".msaforge/base/README.md"),
        "{}",
        text(&o)
    );
    assert_eq!(read(out.join(".msaforge/base/README.md")), base);
}

#[test]
fn a_generated_file_replaced_by_a_symbolic_link_is_never_followed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).expect("dir");
    let [s1, _, _] = specs(tmp.path());
    expect_exit(&generate(&s1, &out, &[]), 0);
    // Links where a managed, a merge and a user-owned file were, to files outside the output;
    // the outside copies even hold the generated text.
    for p in [
        "docs/architecture.md",
        "compose.yaml",
        "services/placement/src/handlers.rs",
    ] {
        let target = outside.join(p.replace('/', "_"));
        std::fs::write(&target, read(out.join(p))).expect("copy");
        std::fs::remove_file(out.join(p)).expect("rm");
        std::os::unix::fs::symlink(&target, out.join(p)).expect("link");
    }
    let before = crate::regen_oracle::tree(&outside);
    let shown = planned(&s1, &out);
    assert!(
        shown.contains("edited          docs/architecture.md"),
        "{shown}"
    );
    assert!(shown.contains("edited          compose.yaml"), "{shown}");
    assert!(shown.contains("symbolic link"), "{shown}");
    expect_exit(&generate_as_planned(&s1, &out, &[]), 3);
    // --force replaces the links themselves; what they pointed to is never written.
    expect_exit(&generate_as_planned(&s1, &out, &["--force"]), 0);
    assert!(!out.join("compose.yaml").is_symlink());
    assert!(
        out.join("services/placement/src/handlers.rs").is_symlink(),
        "yours: kept"
    );
    assert!(
        crate::regen_oracle::tree(&outside) == before,
        "nothing outside written"
    );
    let check = msaforge(&["check", "--output", out.to_str().expect("utf-8")], &[]);
    expect_exit(&check, 0);
}

#[test]
fn a_named_pipe_where_a_generated_file_goes_is_never_opened() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, _, _] = specs(tmp.path());
    expect_exit(&generate(&s1, &out, &[]), 0);
    std::fs::remove_file(out.join("docs/architecture.md")).expect("rm");
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(out.join("docs/architecture.md"))
        .status()
        .expect("mkfifo runs");
    assert!(mkfifo.success());
    // Reading a pipe nobody writes to blocks forever: plan must finish without opening it.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_msaforge"))
        .args(["plan", s1.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("plan blocked on the pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let shown =
        String::from_utf8_lossy(&child.wait_with_output().expect("output").stdout).into_owned();
    assert!(
        shown.contains("edited          docs/architecture.md"),
        "{shown}"
    );
    expect_exit(&generate_as_planned(&s1, &out, &[]), 3);
    expect_exit(&generate_as_planned(&s1, &out, &["--force"]), 0);
    assert!(out.join("docs/architecture.md").is_file());
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).expect("inside");
        if e.file_type().is_dir() {
            std::fs::create_dir_all(to.join(rel)).expect("dir");
        } else {
            std::fs::copy(e.path(), to.join(rel)).expect("copy");
        }
    }
}
