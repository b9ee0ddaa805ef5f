//! `plan` predicts exactly what `generate` does: every regeneration scenario of the `regen_*`
//! tests goes through [`generate_as_planned`], which asks `plan --format json` first, runs
//! `generate` with the same flags, and checks every file against the prediction: what plan calls
//! unchanged, kept, orphaned or deleted stays byte for byte (and mode for mode) as it was, what it
//! creates, updates or merges changes, what it removes goes, and what it refuses `generate`
//! refuses too, writing nothing. After an interrupted run the comparison starts from the output
//! as `generate` completes it first.

use std::collections::BTreeMap;
use std::path::Path;

use crate::binary::Output;
use crate::regen_support::{generate, plan};

/// One entry of an output directory, as `generate` left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    File {
        bytes: Vec<u8>,
        mode: u32,
    },
    Link(std::path::PathBuf),
    /// A named pipe, a socket, a device: never opened.
    Special,
}

/// Every file and symbolic link under `dir` (links are not followed), by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    use std::os::unix::fs::PermissionsExt;
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let entry = if e.file_type().is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).expect("link"))
            } else if !e.file_type().is_file() {
                Entry::Special
            } else {
                let meta = std::fs::metadata(e.path()).expect("stat");
                Entry::File {
                    bytes: std::fs::read(e.path()).expect("readable"),
                    mode: meta.permissions().mode() & 0o7777,
                }
            };
            (rel.display().to_string(), entry)
        })
        .collect()
}

/// `sha256:<hex>`, as msaforge writes hashes.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold("sha256:".to_owned(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// The tree of `dir` as it will be once `generate` has completed an interrupted run there: each
/// journal step whose destination is still as planned, done; the transaction directory gone.
/// (Computed here from the journal's documented shape, independently of msaforge's own code.)
fn completed(dir: &Path) -> BTreeMap<String, Entry> {
    let mut now = tree(dir);
    let journal = dir.join(".msaforge/txn/journal.json");
    let steps: serde_json::Value = std::fs::read_to_string(&journal)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    // A step not in that shape (another version's journal) is not counted as done.
    let as_planned = |now: &BTreeMap<String, Entry>, step: &serde_json::Value| {
        let Some(path) = step["path"].as_str() else {
            return false;
        };
        let was = match now.get(path) {
            None => serde_json::Value::Null,
            Some(Entry::File { bytes, .. }) => sha256(bytes).into(),
            Some(Entry::Link(_)) => "a symbolic link".into(),
            Some(Entry::Special) => "not a regular file".into(),
        };
        path.starts_with(".msaforge/") || step["was"] == was
    };
    for step in steps["deletes"].as_array().into_iter().flatten() {
        if as_planned(&now, step) {
            now.remove(step["path"].as_str().unwrap_or_default());
        }
    }
    for step in steps["writes"].as_array().into_iter().flatten() {
        let staged = format!(
            ".msaforge/txn/{}",
            step["staged"].as_str().unwrap_or_default()
        );
        if let Some(entry) = now.get(&staged).cloned()
            && as_planned(&now, step)
        {
            now.insert(step["path"].as_str().unwrap_or_default().to_owned(), entry);
        }
    }
    now.retain(|path, _| !path.starts_with(".msaforge/txn/"));
    now
}

/// Runs `plan SPEC -o OUT --format json EXTRA`, then `generate SPEC -o OUT EXTRA`, and checks that
/// generate did exactly what plan said. Returns generate's output.
pub(crate) fn generate_as_planned(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut plan_args = vec!["--format", "json"];
    plan_args.extend_from_slice(extra);
    let planned = plan(spec, out, &plan_args);
    // A run plan refuses must leave everything as it is, an interrupted transaction included.
    let before = if planned.status.code() == Some(0) {
        completed(out)
    } else {
        tree(out)
    };
    let generated = generate(spec, out, extra);
    let after = tree(out);
    if planned.status.code() != Some(0) {
        assert_eq!(
            generated.status.code(),
            planned.status.code(),
            "generate refuses as plan did\nplan: {}\ngenerate: {}",
            planned.text(),
            generated.text()
        );
        assert!(before == after, "a refused run writes nothing");
        return generated;
    }
    let json: serde_json::Value = serde_json::from_slice(&planned.stdout).expect("plan json");
    let files = json["files"].as_array().expect("files");
    let keep_mine = extra.contains(&"keep-mine");
    // An edited generated file stops the run before anything is written.
    let refused = files.iter().any(|f| f["action"] == "edited");
    let mut conflicts = false;
    for f in files {
        let (path, action) = (f["path"].as_str().expect("path"), f["action"].as_str());
        let (was, now) = (before.get(path), after.get(path));
        let ok = match action.expect("action") {
            _ if refused => was == now,
            "create" => was.is_none() && now.is_some(),
            "update" | "merge" => now.is_some() && was != now,
            "conflict" if keep_mine => was == now,
            "conflict" => {
                conflicts = true;
                now.is_some() && was != now
            }
            "remove" => was.is_some() && now.is_none(),
            "unchanged" | "kept" | "orphaned" | "deleted-by-user" | "edited" => was == now,
            other => panic!("unknown action {other}"),
        };
        assert!(ok, "{path}: plan said {action:?}, generate did otherwise");
    }
    let planned_paths: Vec<&str> = files.iter().filter_map(|f| f["path"].as_str()).collect();
    for path in before.keys().chain(after.keys()) {
        if !path.starts_with(".msaforge/") && !planned_paths.contains(&path.as_str()) {
            assert!(
                before.get(path) == after.get(path),
                "{path} is not in the plan but changed"
            );
        }
    }
    if refused {
        generated.code(3);
        assert!(
            before == after,
            "an edited generated file stops the run before any write"
        );
    } else {
        generated.code(if conflicts { 4 } else { 0 });
        if json["changes"] == false {
            assert!(before == after, "plan said no changes");
        }
    }
    generated
}
