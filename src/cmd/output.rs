//! The one writer of msaforge's standard output and standard error; nothing else in `src/` prints.
//!
//! A closed pipe (`msaforge plan SPEC -o DIR | head`, or standard error closed) ends the output
//! quietly, never the run: the command still finishes its work and exits with its own code.

use std::io::{IsTerminal, Write};

use super::CmdError;

/// Writes `text` to standard output. A closed pipe is not an error; any other failure (a full
/// disk behind a redirect) is, since the output is what the user asked for.
pub fn to_stdout(text: &str) -> Result<(), CmdError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(CmdError::Write),
    }
}

/// Writes `text` to standard error, ignoring every failure: there is nowhere left to report it.
pub fn to_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Colours on standard output: a terminal, and `NO_COLOR` unset.
pub fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Standard error is a terminal (findings rendered there get colours).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
