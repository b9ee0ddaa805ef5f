//! The msaforge binary under test, run the one way every test runs it: a builder for the
//! arguments, environment, standard input and working directory, and the captured output with
//! assertions that show everything the process said when they fail.
//!
//! By default the process runs in the repository root with no colour, no locale (English
//! messages) and no LLM settings inherited from the developer's shell.

use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

/// Variables of the developer's environment that would change what msaforge does.
const SCRUBBED: [&str; 9] = [
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "MSAFORGE_LLM_API_KEY",
    "MSAFORGE_LLM_BASE_URL",
    "MSAFORGE_LLM_MODEL",
    "MSAFORGE_TEST_APPLY_PAUSE_MS",
];

/// One run of the binary: `Msaforge::new().args(["check", spec]).run().code(0)`.
pub struct Msaforge {
    cmd: Command,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    closed_stdout: bool,
    closed_stderr: bool,
}

impl Msaforge {
    pub fn new() -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_msaforge"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1");
        for var in SCRUBBED {
            cmd.env_remove(var);
        }
        Msaforge {
            cmd,
            args: Vec::new(),
            stdin: Vec::new(),
            closed_stdout: false,
            closed_stderr: false,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Self {
        self.cmd.envs(vars.into_iter().copied());
        self
    }

    /// Bytes on standard input (none by default: it is closed at once).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// The working directory (the repository root by default).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Standard output is a pipe whose reader has gone (`msaforge ... | head -0`): every write
    /// to it fails with EPIPE, and `Output::stdout` is empty.
    pub fn closed_stdout(mut self) -> Self {
        self.closed_stdout = true;
        self
    }

    /// Standard error is a pipe whose reader has gone; `Output::stderr` is empty.
    pub fn closed_stderr(mut self) -> Self {
        self.closed_stderr = true;
        self
    }

    /// Runs to the end, capturing both output streams (those not closed).
    pub fn run(mut self) -> Output {
        let stream = |closed| {
            if closed {
                closed_pipe()
            } else {
                Stdio::piped()
            }
        };
        self.cmd
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(stream(self.closed_stdout))
            .stderr(stream(self.closed_stderr));
        let mut child = self.cmd.spawn().expect("msaforge starts");
        let mut input = child.stdin.take().expect("stdin is piped");
        let bytes = std::mem::take(&mut self.stdin);
        // A separate writer: a process that answers before reading all its input cannot block us.
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&bytes);
        });
        let out = child.wait_with_output().expect("msaforge finishes");
        writer.join().expect("stdin writer");
        Output {
            args: self.args,
            status: out.status,
            stdout: out.stdout,
            stderr: out.stderr,
        }
    }

    /// Starts it in the background with its output discarded, for a test that stops it midway.
    pub fn spawn(mut self) -> Child {
        self.cmd
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("msaforge starts")
    }
}

/// A pipe whose read end is closed before the process starts.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    writer.into()
}

/// What a finished run left: its exit status and both output streams.
pub struct Output {
    args: Vec<OsString>,
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// Asserts the exit code, showing the command line and everything it printed otherwise.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        let args: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        assert_eq!(
            self.status.code(),
            Some(expected),
            "msaforge {}\n{}",
            args.join(" "),
            self.text()
        );
        self
    }

    /// The exit code (`None` when a signal ended the process).
    pub fn exit_code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The exit code and both streams: all the process said, for searching and failure messages.
    pub fn text(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.status.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

impl Default for Msaforge {
    fn default() -> Self {
        Self::new()
    }
}
