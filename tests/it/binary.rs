//! The msaforge binary under test, run the one way every test runs it: a builder for the
//! arguments, environment, standard input, working directory, umask and closed output pipes, and
//! the captured output with assertions that show everything the process said when they fail. A run either goes to
//! the end ([`Msaforge::run`]) or runs in the background ([`Msaforge::spawn`]) for a test that
//! watches it, stops it midway or starts another beside it.
//!
//! By default the process runs in the repository root with no colour, no locale (English
//! messages), no LLM settings and no test hooks inherited from the developer's shell.

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;

/// Variables of the developer's environment that would change what msaforge does.
const SCRUBBED: [&str; 11] = [
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "MSAFORGE_LLM_API_KEY",
    "MSAFORGE_LLM_BASE_URL",
    "MSAFORGE_LLM_MODEL",
    "MSAFORGE_LOCK_WAIT",
    "MSAFORGE_TEST_APPLY_PAUSE_MS",
    "MSAFORGE_TEST_STAGE_PAUSE_MS",
];

/// One run of the binary: `Msaforge::new().args(["check", spec]).run().code(0)`.
pub struct Msaforge {
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    dir: PathBuf,
    stdin: Vec<u8>,
    umask: Option<u32>,
    closed_stdout: bool,
    closed_stderr: bool,
}

impl Msaforge {
    pub fn new() -> Self {
        Msaforge {
            args: Vec::new(),
            env: Vec::new(),
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            stdin: Vec::new(),
            umask: None,
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
        self.env
            .push((OsString::from(key), value.as_ref().to_owned()));
        self
    }

    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Self {
        self.env.extend(
            vars.into_iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        );
        self
    }

    /// Bytes on standard input (none by default: it is closed at once).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// The working directory (the repository root by default).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        dir.as_ref().clone_into(&mut self.dir);
        self
    }

    /// The file mode creation mask msaforge starts with (the test process's own by default).
    /// Set by `sh`, which then becomes msaforge (`exec`): the umask is the shell's builtin.
    pub fn umask(mut self, mask: u32) -> Self {
        self.umask = Some(mask);
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
    pub fn run(self) -> Output {
        self.spawn().finish()
    }

    /// Starts it in the background. Its output (the streams not closed) is read all along (a
    /// full pipe never blocks it) and handed over by [`Running::finish`] or [`Running::kill`].
    pub fn spawn(self) -> Running {
        let bin = env!("CARGO_BIN_EXE_msaforge");
        let mut cmd = match self.umask {
            None => Command::new(bin),
            Some(mask) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("umask {mask:03o} && exec \"$0\" \"$@\""))
                    .arg(bin);
                sh
            }
        };
        cmd.args(&self.args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1");
        for var in SCRUBBED {
            cmd.env_remove(var);
        }
        let stream = |closed| {
            if closed {
                closed_pipe()
            } else {
                Stdio::piped()
            }
        };
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(stream(self.closed_stdout))
            .stderr(stream(self.closed_stderr));
        let mut child = cmd.spawn().expect("msaforge starts");
        let mut input = child.stdin.take().expect("stdin is piped");
        let bytes = self.stdin;
        // A separate writer: a process that answers before reading all its input cannot block us.
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&bytes);
        });
        Running {
            args: self.args,
            stdout: child.stdout.take().map(drain),
            stderr: child.stderr.take().map(drain),
            writer,
            child,
        }
    }
}

/// Reads a stream to its end on a thread of its own.
fn drain(mut stream: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        bytes
    })
}

/// A run started by [`Msaforge::spawn`], still going or finished but not yet collected.
pub struct Running {
    args: Vec<OsString>,
    child: Child,
    writer: JoinHandle<()>,
    /// `None` for a stream that was closed.
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Running {
    /// The process id, for sending it a signal.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status if it has finished, without waiting.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("msaforge's status")
    }

    /// Waits for the end and returns all it said.
    pub fn finish(mut self) -> Output {
        let status = self.child.wait().expect("msaforge finishes");
        self.writer.join().expect("stdin writer");
        Output {
            args: self.args,
            status,
            stdout: collect(self.stdout, "stdout reader"),
            stderr: collect(self.stderr, "stderr reader"),
        }
    }

    /// SIGKILL: no cleanup of any kind. Returns what it had said until then.
    pub fn kill(mut self) -> Output {
        self.child.kill().expect("kill");
        self.finish()
    }
}

/// What a stream's reader read (nothing for a closed stream).
fn collect(reader: Option<JoinHandle<Vec<u8>>>, what: &str) -> Vec<u8> {
    reader.map_or_else(Vec::new, |r| r.join().expect(what))
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
