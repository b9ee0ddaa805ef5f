//! Safe regeneration: what generating into an existing output directory would do, file by file,
//! and doing exactly that.
//!
//! `make` compares the new render with the lock (what msaforge last wrote), the stored merge bases
//! and the files on disk, and classifies every file; it reads and never writes. `apply` carries a
//! plan out as one journaled transaction. `report` shows a plan to people and tools; `lock` owns
//! the `.msaforge/` state. Rendering templates is `generate`'s job, not this module's.

pub mod apply;
mod classify;
mod dirs;
pub mod guard;
mod journal;
pub mod lock;
mod merge;
pub mod migrations;
mod paths;
mod rendered;
pub mod report;
mod txn;
pub mod verify;

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

pub use classify::make;
use lock::OnDisk;
pub use paths::output_path;
pub use rendered::{Policy, Rendered};

/// What regenerating does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// New: not on disk, not in the lock.
    Create,
    /// Untouched since msaforge wrote it: rewritten with the new text.
    Update,
    /// Edited by the user and changed by msaforge; the 3-way merge is clean.
    Merge,
    /// Edited by the user and changed by msaforge in the same lines.
    Conflict,
    /// A managed (generated) file edited by the user: generate stops unless `--force`.
    Edited,
    /// Already as it should be.
    Unchanged,
    /// The user's own file (`once`): left as it is.
    Kept,
    /// In the lock, but the user deleted it: left deleted.
    DeletedByUser,
    /// No longer generated and untouched: deleted.
    Remove,
    /// No longer generated but edited by the user: kept, and reported.
    Orphaned,
}

impl Action {
    pub const ALL: [Action; 10] = [
        Action::Create,
        Action::Update,
        Action::Merge,
        Action::Conflict,
        Action::Edited,
        Action::Unchanged,
        Action::Kept,
        Action::DeletedByUser,
        Action::Remove,
        Action::Orphaned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Merge => "merge",
            Action::Conflict => "conflict",
            Action::Edited => "edited",
            Action::Unchanged => "unchanged",
            Action::Kept => "kept",
            Action::DeletedByUser => "deleted-by-user",
            Action::Remove => "remove",
            Action::Orphaned => "orphaned",
        }
    }

    /// True when applying the plan changes the file on disk (given markers on conflict).
    pub fn changes_files(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Update | Action::Merge | Action::Conflict | Action::Remove
        )
    }
}

/// What to do with a file whose merge conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnConflict {
    /// Write the file with diff3 conflict markers, record it in the lock; `check --output` fails
    /// until they are resolved.
    #[default]
    Markers,
    /// Keep the file as you left it (msaforge's change to it is dropped; the new base is stored).
    KeepMine,
    /// Take msaforge's new text (your edits to that file are replaced).
    TakeNew,
    /// Write nothing at all when any file conflicts.
    Abort,
}

/// One file of a plan.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub policy: Policy,
    pub action: Action,
    /// The file as it is now.
    pub current: OnDisk,
    /// The new render, or `None` for a file no longer generated.
    pub rendered: Option<String>,
    /// The 3-way merge result (with markers when conflicted), for `Merge` and `Conflict`.
    pub merged: Option<String>,
    /// Conflicting regions, for `Conflict`.
    pub conflicts: usize,
    /// The lock entry before this run.
    pub locked: Option<lock::LockedFile>,
    /// The stored merge base as planning read it (`merge` files only), trusted or not.
    pub base: Option<String>,
    /// The stored merge base was missing or did not match the lock, and the file differs from
    /// what msaforge last generated: it is merged as if every difference were the user's edit.
    pub base_lost: bool,
}

impl Change {
    /// The text the file will have after `apply` with `mode`, or `None` when it will not exist.
    pub fn after(&self, mode: OnConflict) -> Option<&str> {
        match self.action {
            // An edited managed file is only ever applied when forced.
            Action::Create | Action::Update | Action::Edited => self.rendered.as_deref(),
            Action::Merge => self.merged.as_deref(),
            Action::Conflict => match mode {
                OnConflict::Markers | OnConflict::Abort => self.merged.as_deref(),
                OnConflict::KeepMine => self.current.text(),
                OnConflict::TakeNew => self.rendered.as_deref(),
            },
            Action::Unchanged | Action::Kept | Action::Orphaned => self.current.text(),
            Action::DeletedByUser | Action::Remove => None,
        }
    }
}

/// What the next run will see of an output's state: a file of `.msaforge/` (`relative`) and the
/// paths the lock lists, an interrupted run's pending writes included. `None` and nothing for a
/// directory that does not exist yet. A damaged state file is refused, not ignored.
pub fn read_state(
    out: &std::path::Path,
    relative: &str,
) -> Result<(Option<String>, Vec<String>), PlanError> {
    let Ok(root) = out.canonicalize() else {
        return Ok((None, Vec::new()));
    };
    let pending = txn::Pending::read(&root)?;
    let text = match pending.state(&root, relative)? {
        lock::State::Missing => None,
        lock::State::Text(text) => Some(text),
        lock::State::Damaged(detail) => {
            return Err(PlanError::BadState {
                path: relative.to_owned(),
                detail,
            });
        }
    };
    let locked = lock::parse(&root, pending.state(&root, lock::LOCK)?)?
        .map(|l| l.files.into_iter().map(|f| f.path).collect())
        .unwrap_or_default();
    Ok((text, locked))
}

/// Hashes that identify what produced an output.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// The checked spec as JSON (stored as `.msaforge/spec.json`).
    pub spec_json: String,
    pub spec_hash: String,
    pub templates_hash: String,
    /// The migration history to store as `.msaforge/migrations.json`, when there is one.
    pub migrations_json: Option<String>,
}

/// A plan for one output directory.
#[derive(Debug, Clone)]
pub struct Plan {
    pub out: std::path::PathBuf,
    pub stamp: Stamp,
    /// The lock before this run (`None`: new or foreign directory).
    pub lock: Option<lock::Lock>,
    /// Sorted by path.
    pub changes: Vec<Change>,
    /// An earlier run was interrupted; `apply` completes it first.
    pub interrupted: bool,
    /// The database migrations this run adds (their files are among `changes`).
    pub migrations: Vec<crate::migrate::history::Planned>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// True when the output differs from what generating would leave: applying would change a
    /// file or the lock, or a generated file was edited by hand (which stops `generate`).
    pub fn has_changes(&self) -> bool {
        self.interrupted
            || self
                .changes
                .iter()
                .any(|c| c.action.changes_files() || c.action == Action::Edited)
            || self.lock.as_ref().is_none_or(|l| {
                l.spec != self.stamp.spec_hash || l.templates != self.stamp.templates_hash
            })
    }

    pub fn of(&self, action: Action) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.action == action)
    }

    /// The merge files whose stored base was missing or did not match the lock.
    pub fn lost_bases(&self) -> impl Iterator<Item = &str> {
        self.changes
            .iter()
            .filter(|c| c.base_lost)
            .map(|c| c.path.as_str())
    }
}

/// Why planning or applying failed.
#[derive(Debug, Error, Diagnostic)]
pub enum PlanError {
    #[error("cannot read {path}")]
    #[diagnostic(code(msaforge::io))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    #[diagnostic(code(msaforge::io))]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the lock file {path} is damaged: {detail}")]
    #[diagnostic(
        code(msaforge::lock),
        help(
            "restore .msaforge/lock.json from version control; or delete only that file and run `msaforge generate` again (without --force): with no lock every file that differs from the new render is treated as edited by you (merge files get conflict markers, edited generated files stop the run), so nothing is overwritten"
        )
    )]
    BadLock { path: String, detail: String },
    #[error("msaforge's state `{path}` is damaged: {detail}")]
    #[diagnostic(
        code(msaforge::state),
        help(
            "msaforge keeps its state in a real directory .msaforge/ inside the output, without symbolic links; restore it from version control, or move the link away (nothing was read through it or written)"
        )
    )]
    BadState { path: String, detail: String },
    #[error("the journal of an interrupted run, {path}, is not one msaforge wrote: {detail}")]
    #[diagnostic(
        code(msaforge::journal),
        help(
            "nothing was moved. If you did not change it, restore .msaforge/txn/ from a backup; otherwise delete .msaforge/txn/ (the interrupted run is then dropped, not completed) and generate again"
        )
    )]
    BadJournal { path: String, detail: String },
    #[error("another msaforge run is using {dir} (waited {waited_secs} s for it)")]
    #[diagnostic(
        code(msaforge::busy),
        help(
            "let the other `msaforge generate` finish, then run again (nothing was written); MSAFORGE_LOCK_WAIT=SECONDS waits longer. The lock is {lock}, held by the running process and released when it exits, even when it is killed"
        )
    )]
    Busy {
        dir: String,
        lock: String,
        waited_secs: u64,
    },
    #[error("cannot write {path}: nothing in {dir} was changed")]
    #[diagnostic(
        code(msaforge::io),
        help(
            "fix the cause (free some space, check permissions), then generate again; the output is as it was before this run"
        )
    )]
    NotStarted {
        dir: String,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: the run in {dir} stopped half applied")]
    #[diagnostic(
        code(msaforge::io),
        help(
            "fix the cause (free some space, check permissions), then run `msaforge generate` again: it completes this run first (its journal is in .msaforge/txn/)"
        )
    )]
    Incomplete {
        dir: String,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` leads outside the output directory (through a symbolic link)")]
    #[diagnostic(
        code(msaforge::unsafe_path),
        help("remove the link, or generate into another directory")
    )]
    Escape { path: String },
    #[error("cannot write the generated file `{path}`: `{blocking}` is in the way")]
    #[diagnostic(
        code(msaforge::in_the_way),
        help(
            "`{blocking}` is a directory where msaforge writes a file, or a file where it needs a directory; move it elsewhere, then generate again (nothing was written)"
        )
    )]
    InTheWay { path: String, blocking: String },
    #[error("an earlier msaforge run in {dir} was interrupted and is not completed yet")]
    #[diagnostic(
        code(msaforge::interrupted),
        help("run `msaforge generate` again: it completes the interrupted run first, then plans")
    )]
    Interrupted { dir: String },
    #[error("{dir} has no .msaforge/lock.json: it was not generated by msaforge")]
    #[diagnostic(
        code(msaforge::not_generated),
        help("pass the directory given to `msaforge generate -o DIR`")
    )]
    NotGenerated { dir: String },
    #[error("{} generated file(s) were edited by hand:\n  {}", paths.len(), paths.join("\n  "))]
    #[diagnostic(
        code(msaforge::edited),
        help(
            "generated (managed) files are rewritten on every run. Move your change into a user-owned file (like src/handlers.rs), or undo it; `msaforge plan --diff` shows it; --force overwrites it"
        )
    )]
    EditedManaged { paths: Vec<String> },
    #[error("{} file(s) would conflict; nothing was written (--on-conflict abort):\n  {}", paths.len(), paths.join("\n  "))]
    #[diagnostic(
        code(msaforge::conflict),
        help(
            "`msaforge plan --diff` shows the changes; choose --on-conflict markers, keep-mine or take-new"
        )
    )]
    Conflicts { paths: Vec<String> },
}

impl crate::exit::ExitCode for PlanError {
    fn exit_code(&self) -> i32 {
        use crate::exit;
        match self {
            PlanError::Busy { .. } => exit::BUSY,
            PlanError::Escape { .. }
            | PlanError::InTheWay { .. }
            | PlanError::EditedManaged { .. }
            | PlanError::Conflicts { .. }
            | PlanError::Interrupted { .. }
            | PlanError::BadLock { .. }
            | PlanError::BadState { .. }
            | PlanError::BadJournal { .. } => exit::REFUSED,
            PlanError::Read { .. }
            | PlanError::Write { .. }
            | PlanError::NotStarted { .. }
            | PlanError::Incomplete { .. }
            | PlanError::NotGenerated { .. } => exit::USAGE,
        }
    }
}
