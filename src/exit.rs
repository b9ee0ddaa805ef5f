//! Exit codes, named in one place. Scripts and CI rely on them; change them only with a major version.

/// Success: nothing to report, or warnings only.
pub const OK: i32 = 0;
/// The spec has errors (YAML syntax, schema or rules).
pub const SPEC_ERRORS: i32 = 1;
/// `plan --exit-code`: something would change (1, like `diff`). Same value as SPEC_ERRORS.
pub const WOULD_CHANGE: i32 = 1;
/// Usage or I/O error: bad flags, unreadable files, an unknown rule code.
pub const USAGE: i32 = 2;
/// Refused to protect the user's files: a foreign non-empty output directory, a path escaping it,
/// a directory in the way of a generated file, a generated file edited by hand (without --force),
/// a conflict with --on-conflict abort, an interrupted earlier run (`check --output`), or damaged
/// state in `.msaforge/` (a lock or journal naming paths outside, a symbolic link).
pub const REFUSED: i32 = 3;
/// Generated, but merge conflicts remain: files were written with conflict markers to resolve
/// (`msaforge check --output DIR` fails until they are).
pub const CONFLICTS: i32 = 4;
/// Another msaforge run holds the output directory's lock (`.msaforge/run.lock`) and did not
/// finish within the wait (`MSAFORGE_LOCK_WAIT`, 10 s by default); nothing was written. Run again.
pub const BUSY: i32 = 5;
/// `generate`/`plan`: a database migration would drop data or fail on the rows a table holds (a
/// dropped table or column, a narrowing type change, a required column without a default);
/// nothing was written. `--allow-destructive` writes it.
pub const DESTRUCTIVE: i32 = 6;
/// `design`/`new`: the LLM gave no spec without errors within the rounds; the last attempt is saved
/// as `SPEC.rejected.yaml` with its findings.
pub const DESIGN_REJECTED: i32 = 10;
/// `design`/`new`: no LLM is configured, or the endpoint failed (HTTP error, timeout, refusal).
pub const LLM_FAILED: i32 = 11;
/// `design`/`new`: stopped by Ctrl-C (SIGINT), 128 + 2 as shells report it; the last attempt so far
/// is kept as `SPEC.rejected.yaml`.
pub const INTERRUPTED: i32 = 130;
/// `design`/`new`: stopped by SIGTERM (128 + 15), keeping the last attempt like `INTERRUPTED`.
pub const TERMINATED: i32 = 143;

/// An error that knows the exit code it ends the process with. Each library error type says its
/// own; the command layer only asks.
pub trait ExitCode {
    fn exit_code(&self) -> i32;
}
