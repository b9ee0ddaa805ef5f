//! `msaforge completions SHELL`: a completion script made from the clap definition, so it always
//! knows every command, flag and value.

use clap_complete::Shell;

use super::{CmdError, output};
use crate::exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: &Args, mut command: clap::Command) -> Result<i32, CmdError> {
    // Rendered into memory first: the generators panic when their writer fails.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "msaforge", &mut script);
    output::to_stdout(&String::from_utf8_lossy(&script))?;
    Ok(exit::OK)
}
