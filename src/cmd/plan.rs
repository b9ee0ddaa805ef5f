//! `msaforge plan`: what `generate` would do to an output directory, changing nothing. People get
//! the counts and the files that need them (`--verbose`: every changed file, `--diff`: the diffs);
//! tools get every file as JSON. `--exit-code` exits 1 when anything would change.

use super::generate::Target;
use super::{CmdError, input, output};
use crate::exit;
use crate::lang::Lang;
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
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let target = args.target;
    let Some(spec) = input::checked_spec(&target.spec, lang)? else {
        return Ok(exit::SPEC_ERRORS);
    };
    let options = crate::generate::Options {
        templates: target.templates,
    };
    let plan = crate::generate::plan(&spec, &target.output, &options, target.force)?;
    let mut text = match args.format {
        Format::Human => report::human(&plan, lang, target.verbose),
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
