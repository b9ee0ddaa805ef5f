//! Regeneration never loses an edit: an edited file that is no longer generated is kept whatever
//! its policy, missing or altered merge bases turn edits into conflicts instead of overwriting
//! them, the recovery the damaged-lock help recommends loses nothing, file modes survive, and a
//! merge file that becomes managed keeps the edits merged into it. Every run goes through
//! `generate_as_planned` (plan's prediction checked against generate's result).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::binary::Msaforge;
use crate::regen_oracle::generate_as_planned;
use crate::regen_support::{edit, generate, plan, read, specs};

fn planned(spec: &Path, out: &Path) -> String {
    let o = plan(spec, out, &[]);
    o.stdout() + &o.stderr()
}

const DEPENDENCY: &str = "[dependencies]\n";
const ADDED: &str = "[dependencies]\nregex = \"1\"  # ours\n";

#[test]
fn an_edited_merge_file_that_is_no_longer_generated_is_kept() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, s2, s3] = specs(tmp.path());
    generate(&s1, &out, &[]).code(0);
    let cargo = out.join("services/inventory/Cargo.toml");
    edit(&cargo, DEPENDENCY, ADDED);
    // Version 2 merges msaforge's changes into the edited file: the lock now records the merge.
    generate_as_planned(&s2, &out, &[]).code(0);
    let merged = read(&cargo);
    assert!(merged.contains(ADDED), "{merged}");
    // Version 3 drops the context: the edited Cargo.toml is orphaned and kept, untouched ones go.
    let shown = planned(&s3, &out);
    assert!(
        shown.contains("orphaned        services/inventory/Cargo.toml"),
        "{shown}"
    );
    generate_as_planned(&s3, &out, &[]).code(0);
    assert_eq!(read(&cargo), merged, "kept as the user left it");
    assert!(!out.join("services/inventory/src/generated/api.rs").exists());
    assert!(
        !out.join(".msaforge/base/services/inventory/Dockerfile")
            .exists()
    );
    // And it stays kept: nothing left to do, and a second run changes nothing.
    plan(&s3, &out, &["--exit-code"]).code(0);
    generate_as_planned(&s3, &out, &[]).code(0);
    assert_eq!(read(&cargo), merged);
}

/// Generates version 1, edits the README and nginx.conf (merge files), and generates version 2,
/// so that the lock records the merged texts: the edited files now match the lock.
fn merged_edits(tmp: &Path) -> (PathBuf, [PathBuf; 3]) {
    let out = tmp.join("system");
    let [s1, s2, s3] = specs(tmp);
    generate(&s1, &out, &[]).code(0);
    edit(
        out.join("README.md"),
        "(`records-archive`)\n",
        "(`records-archive`)\n\n> Team notes.\n",
    );
    edit(
        out.join("gateway/nginx.conf"),
        "worker_connections 4096;",
        "worker_connections 8192;",
    );
    generate(&s2, &out, &[]).code(0);
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
        o.text().contains("are missing or do not match the lock"),
        "{}",
        o.text()
    );
    assert!(read(out.join("README.md")).contains("> Team notes."));
    assert!(read(out.join("gateway/nginx.conf")).contains("worker_connections 8192;"));
    assert!(read(out.join("README.md")).contains("<<<<<<< yours"));
    // keep-mine keeps the user's files as they are.
    let readme = read(keep.join("README.md"));
    generate_as_planned(&s3, &keep, &["--on-conflict", "keep-mine"]).code(0);
    assert_eq!(read(keep.join("README.md")), readme);
    // The bases are back: the next run merges normally again.
    plan(&s3, &keep, &["--exit-code"]).code(0);
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
    generate_as_planned(&s3, &out, &[]).code(4);
    assert!(read(out.join("gateway/nginx.conf")).contains("worker_connections 8192;"));

    // A base that is a directory: refused by plan and generate alike, nothing written. (Back to
    // v1 drops v2's column: allowed here, so that the damaged base is what refuses the run.)
    let base = out.join(".msaforge/base/compose.yaml");
    std::fs::remove_file(&base).expect("rm base");
    std::fs::create_dir_all(base.join("x")).expect("a directory");
    let o = generate_as_planned(&s1, &out, &["--allow-destructive"]);
    o.code(3);
    assert!(
        o.text().contains(".msaforge/base/compose.yaml"),
        "{}",
        o.text()
    );
}

#[test]
fn following_the_damaged_lock_help_loses_no_edit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, _, _] = specs(tmp.path());
    generate(&s1, &out, &[]).code(0);
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
    o.code(3);
    let shown = o.text().replace(['\n', '│', ' '], "");
    // The help names the recovery: delete only the lock, generate again without --force.
    assert!(
        shown.contains("deleteonlythatfileandrun`msaforgegenerate`again(without--force)"),
        "{}",
        o.text()
    );

    std::fs::remove_file(out.join(".msaforge/lock.json")).expect("delete the lock");
    let o = generate_as_planned(&s1, &out, &[]);
    o.code(3);
    assert!(
        o.text().contains("services/placement/src/generated/api.rs"),
        "{}",
        o.text()
    );
    assert!(read(&api).ends_with("// my managed change\n"));
    // The user moves the managed change somewhere of their own, as that message says.
    std::fs::create_dir_all(out.join("notes")).expect("dir");
    std::fs::write(out.join("notes/api-change.rs"), read(&api)).expect("moved");
    std::fs::remove_file(&api).expect("moved away");
    let o = generate_as_planned(&s1, &out, &[]);
    o.code(4);
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
    Msaforge::new()
        .umask(0o077)
        .args(["generate", s1.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .run()
        .code(0);
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
    generate_as_planned(&s2, &out, &[]).code(0);
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
    o.code(3);
    assert!(o.text().contains("README.md"), "{}", o.text());
    assert!(read(out.join("README.md")).contains("> Team notes."));

    // A template set may not write into msaforge's state either.
    let poisoned = manifest.replace(from, "path: .msaforge/base/README.md, policy: managed }");
    std::fs::write(templates.join("manifest.yaml"), poisoned).expect("manifest");
    let base = read(out.join(".msaforge/base/README.md"));
    let o = generate_as_planned(&s2, &out, &args);
    o.code(3);
    assert!(
        o.text().contains(".msaforge/base/README.md"),
        "{}",
        o.text()
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
    generate(&s1, &out, &[]).code(0);
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
    generate_as_planned(&s1, &out, &[]).code(3);
    // --force replaces the links themselves; what they pointed to is never written.
    generate_as_planned(&s1, &out, &["--force"]).code(0);
    assert!(!out.join("compose.yaml").is_symlink());
    assert!(
        out.join("services/placement/src/handlers.rs").is_symlink(),
        "yours: kept"
    );
    assert!(
        crate::regen_oracle::tree(&outside) == before,
        "nothing outside written"
    );
    Msaforge::new()
        .args(["check", "--output", out.to_str().expect("utf-8")])
        .run()
        .code(0);
}

#[test]
fn a_named_pipe_where_a_generated_file_goes_is_never_opened() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("system");
    let [s1, _, _] = specs(tmp.path());
    generate(&s1, &out, &[]).code(0);
    std::fs::remove_file(out.join("docs/architecture.md")).expect("rm");
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(out.join("docs/architecture.md"))
        .status()
        .expect("mkfifo runs");
    assert!(mkfifo.success());
    // Reading a pipe nobody writes to blocks forever: plan must finish without opening it.
    let mut child = Msaforge::new()
        .args(["plan", s1.to_str().expect("utf-8"), "-o"])
        .arg(&out)
        .spawn();
    let started = std::time::Instant::now();
    while child.try_wait().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let said = child.kill();
            panic!("plan blocked on the pipe\n{}", said.text());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let shown = child.finish().stdout();
    assert!(
        shown.contains("edited          docs/architecture.md"),
        "{shown}"
    );
    generate_as_planned(&s1, &out, &[]).code(3);
    generate_as_planned(&s1, &out, &["--force"]).code(0);
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
