//! The command line: the clap definition, the dispatch to one module per command, and the error
//! report. Each command module owns its arguments, its printing and its exit code; everything it
//! calls below (`spec`, `check`, `generate`, `plan`, `design`, `recovery`) returns data and typed
//! errors, prints nothing, and never imports this module. All output goes through `output`.

mod check;
mod completions;
mod design;
mod dr;
mod explain;
mod generate;
mod input;
mod korean;
mod man;
mod metrics;
mod new;
mod output;
mod plan;
mod schema;

use clap::{CommandFactory as _, Parser, Subcommand};
use miette::Diagnostic;
use thiserror::Error;

use crate::exit::{self, ExitCode};

#[derive(Debug, Parser)]
#[command(
    name = "msaforge",
    version,
    about = "From a domain description to a production-shaped microservice system",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec against the format and the microservice rules; report every finding.
    Check(check::Args),
    /// Generate the system from a spec: services, gateway, compose file and docs.
    Generate(generate::Args),
    /// Show what `generate` would do to an existing output; change nothing.
    Plan(plan::Args),
    /// Design a spec from a description of the system with an LLM, checked and repaired in rounds.
    Design(design::Args),
    /// Design, check and generate in one go: from a description to a generated system.
    New(new::Args),
    /// Print each context's DR grade, strategy, declared and effective RTO/RPO and the recovery order.
    Dr(dr::Args),
    /// Print coupling and size metrics per context and for the system: coupling, events, chains, teams, RTOs.
    Metrics(metrics::Args),
    /// Print the JSON Schema of the spec format (for editors: `# yaml-language-server: $schema=...`).
    Schema,
    /// Explain a rule: what it checks, why it matters, how to fix it, where the idea comes from.
    Explain(explain::Args),
    /// Print a shell completion script: `msaforge completions bash > ~/.local/share/bash-completion/completions/msaforge`.
    Completions(completions::Args),
    /// Print the manual page of msaforge or of one command, in roff (`msaforge man | man -l -`).
    Man(man::Args),
}

/// Errors of the command layer: reading the command's own input, writing its output, and every
/// library error, each keeping its own exit code.
#[derive(Debug, Error, Diagnostic)]
pub enum CmdError {
    #[error("cannot read {path}")]
    #[diagnostic(code(msaforge::io), help("check that the file exists and is readable"))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to standard output")]
    #[diagnostic(code(msaforge::io))]
    Write(#[source] std::io::Error),
    #[error("unknown rule code `{0}`")]
    #[diagnostic(
        code(msaforge::usage),
        help("run `msaforge explain` to list every rule")
    )]
    UnknownRule(String),
    #[error("unknown command `{0}`")]
    #[diagnostic(
        code(msaforge::usage),
        help(
            "run `msaforge help` to list the commands; `msaforge man` without a name is the main page"
        )
    )]
    UnknownCommand(String),
    #[error("the policy file {path} is not valid")]
    #[diagnostic(code(msaforge::usage), help("{detail}"))]
    Policy { path: String, detail: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Generate(#[from] crate::generate::GenerateError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Design(#[from] crate::design::DesignError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Localized(Localized),
}

/// A library error put into the user's language (`--lang ko`), keeping its code and exit code.
#[derive(Debug)]
pub struct Localized {
    message: String,
    code: String,
    help: Option<String>,
    exit: i32,
}

impl std::fmt::Display for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Localized {}

impl Diagnostic for Localized {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
}

impl CmdError {
    /// The error in `lang`: `design` errors have Korean texts; the others stay as they are.
    #[must_use]
    pub fn localized(self, lang: crate::lang::Lang) -> CmdError {
        match self {
            CmdError::Design(e) if lang != crate::lang::Lang::En => {
                let (message, help) = e.localized(lang);
                CmdError::Localized(Localized {
                    message,
                    code: e.code_name(),
                    help,
                    exit: e.exit_code(),
                })
            }
            other => other,
        }
    }
}

impl ExitCode for CmdError {
    fn exit_code(&self) -> i32 {
        match self {
            CmdError::Read { .. }
            | CmdError::Write(_)
            | CmdError::UnknownRule(_)
            | CmdError::UnknownCommand(_)
            | CmdError::Policy { .. } => exit::USAGE,
            CmdError::Generate(e) => e.exit_code(),
            CmdError::Plan(e) => e.exit_code(),
            CmdError::Design(e) => e.exit_code(),
            CmdError::Localized(e) => e.exit,
        }
    }
}

/// Parses the command line, runs the command and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that exit 0; a closed pipe is not worth a panic.
            let _ = e.print();
            return e.exit_code();
        }
    };
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(error) => {
            let code = error.exit_code();
            let korean = (korean::lang_of_args(std::env::args()) == crate::lang::Lang::Ko)
                .then(|| korean::report(&error))
                .flatten();
            let text = korean.unwrap_or_else(|| format!("{:?}\n", miette::Report::new(error)));
            output::to_stderr(&text);
            code
        }
    }
}

fn dispatch(command: Command) -> Result<i32, CmdError> {
    match command {
        Command::Check(args) => check::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Design(args) => design::run(&args),
        Command::New(args) => new::run(&args),
        Command::Dr(args) => dr::run(&args),
        Command::Metrics(args) => metrics::run(&args),
        Command::Schema => schema::run(),
        Command::Explain(args) => explain::run(args),
        Command::Completions(args) => completions::run(&args, Cli::command()),
        Command::Man(args) => man::run(&args, Cli::command()),
    }
}
