//! `msaforge man [COMMAND]`: the manual page (roff) of msaforge or of one command, made from the
//! clap definition. No date in it: the same version gives the same page.

use super::{CmdError, output};
use crate::exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A command (like `generate`) for its own page `msaforge-COMMAND(1)`; omit for `msaforge(1)`.
    command: Option<String>,
}

pub fn run(args: &Args, mut root: clap::Command) -> Result<i32, CmdError> {
    root.build();
    let page = match &args.command {
        None => root,
        Some(name) => root
            .find_subcommand(name)
            .filter(|c| !c.is_hide_set())
            .cloned()
            .ok_or_else(|| CmdError::UnknownCommand(name.clone()))?,
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(concat!("msaforge ", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .map_err(CmdError::Write)?;
    output::to_stdout(&String::from_utf8_lossy(&roff))?;
    Ok(exit::OK)
}
