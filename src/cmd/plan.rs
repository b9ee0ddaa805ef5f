//! `msaforge plan`: what `generate` would do to an output directory, changing nothing. People get
//! the counts and the files that need them (`--verbose`: every changed file, `--diff`: the diffs);
//! tools get every file as JSON. `--exit-code` exits 1 when anything would change.

use super::generate::Target;
use super::{CmdError, output};
use crate::exit;
use crate::plan::report;

/// How `plan` prints.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    /// Every file with its action and policy, unchanged ones included.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// Also print unified diffs of every change.
    #[arg(long)]
    diff: bool,
    /// Exit with 1 when anything would change (for drift checks in CI).
    #[arg(long)]
    exit_code: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let target = args.target;
    let Some(spec) = target.checked_spec()? else {
        return Ok(exit::SPEC_ERRORS);
    };
    let plan = crate::generate::plan(&spec, &target.output, &target.options(), target.force)?;
    let mut text = match args.format {
        Format::Human => report::human(&plan, target.lang(), target.verbose),
        Format::Json => report::json(&plan),
    };
    if args.diff && matches!(args.format, Format::Human) {
        text.push_str(&report::diff(&plan, target.on_conflict));
    }
    output::to_stdout(&text)?;
    Ok(if args.exit_code && plan.has_changes() {
        exit::WOULD_CHANGE
    } else {
        exit::OK
    })
}
