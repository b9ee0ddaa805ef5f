//! One writer at a time per output directory: an OS file lock on `.msaforge/run.lock`, exclusive
//! for `generate` (the whole run: recovery, planning, applying), shared for the readers (`plan`,
//! `generate --dry-run`, `check --output`). The OS releases it when the process exits, however it
//! exits (SIGKILL included), so there is no stale lock to clean up. A run that finds it taken
//! waits briefly, then refuses without writing anything.
//!
//! The lock file lives inside `.msaforge/` because msaforge never writes outside the output
//! directory; it is empty and never deleted (deleting a lock file while another process waits on
//! it would let two runs hold "the" lock at once). A directory holding nothing but `.msaforge/`
//! counts as empty (see `generate::write::check_target`), so a first run that stops early leaves a
//! directory the next run takes as new.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use super::PlanError;
use super::lock::STATE_DIR;
use super::paths::check_state;

/// The lock file, relative to the output directory.
pub const RUN_LOCK: &str = ".msaforge/run.lock";
/// How long a run waits for another one by default.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// A held lock; released when dropped (or when the process exits).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Takes the exclusive lock of `out`, creating `out` and `.msaforge/` when missing. Refuses a
/// `.msaforge` that is a symbolic link or not a directory.
pub fn exclusive(out: &Path) -> Result<DirLock, PlanError> {
    std::fs::create_dir_all(out).map_err(|source| write_err(out, source))?;
    check_state(out, RUN_LOCK)?;
    let state = out.join(STATE_DIR);
    match std::fs::create_dir(&state) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(source) => return Err(write_err(&state, source)),
    }
    check_state(out, RUN_LOCK)?; // created by someone else meanwhile: checked again
    let path = out.join(RUN_LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| write_err(&path, source))?;
    wait(out, &path, || file.try_lock())?;
    Ok(DirLock { _file: file })
}

/// Takes the shared lock of `out` when there is a lock file; `None` when there is none (nothing
/// generated there by this msaforge yet). Creates nothing.
pub fn shared(out: &Path) -> Result<Option<DirLock>, PlanError> {
    check_state(out, RUN_LOCK)?;
    let path = out.join(RUN_LOCK);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
        Err(source) => {
            return Err(PlanError::Read {
                path: path.display().to_string(),
                source,
            });
        }
    };
    wait(out, &path, || file.try_lock_shared())?;
    Ok(Some(DirLock { _file: file }))
}

/// Retries `try_lock` until it succeeds or the wait (`MSAFORGE_LOCK_WAIT` seconds, default 10)
/// is over.
fn wait(
    out: &Path,
    path: &Path,
    try_lock: impl Fn() -> Result<(), TryLockError>,
) -> Result<(), PlanError> {
    let patience = wait_time();
    let started = Instant::now();
    loop {
        match try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::Error(source)) => return Err(write_err(path, source)),
            Err(TryLockError::WouldBlock) if started.elapsed() >= patience => {
                return Err(PlanError::Busy {
                    dir: out.display().to_string(),
                    lock: path.display().to_string(),
                    waited_secs: patience.as_secs(),
                });
            }
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// `MSAFORGE_LOCK_WAIT`: seconds to wait for another run (decimals allowed, 0: do not wait).
fn wait_time() -> Duration {
    std::env::var("MSAFORGE_LOCK_WAIT")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .unwrap_or(DEFAULT_WAIT)
}

fn write_err(path: &Path, source: std::io::Error) -> PlanError {
    PlanError::Write {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_or_many_readers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        assert!(shared(&out).expect("no lock file yet").is_none());
        let writer = exclusive(&out).expect("locks");
        assert!(out.join(RUN_LOCK).is_file());
        // Another handle (as another process would have) cannot take it while it is held.
        let other = File::open(out.join(RUN_LOCK)).expect("opens");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        assert!(matches!(
            other.try_lock_shared(),
            Err(TryLockError::WouldBlock)
        ));
        drop(writer);
        let reader = shared(&out).expect("reads").expect("a lock");
        assert!(other.try_lock_shared().is_ok(), "readers share");
        assert!(matches!(
            File::open(out.join(RUN_LOCK)).expect("opens").try_lock(),
            Err(TryLockError::WouldBlock)
        ));
        drop(reader);
    }
}
