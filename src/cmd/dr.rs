//! `msaforge dr`: each context's DR grade, strategy, RTO/RPO and the recovery order. A spec with
//! rule errors still gets its plan; the findings go to standard error and the exit code is 1.

use std::path::PathBuf;

use super::{CmdError, input, output};
use crate::check::{self, render};
use crate::exit;
use crate::lang::Lang;
use crate::recovery::render::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file (YAML or JSON), or `-` for standard input.
    spec: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: &Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let (name, bytes) = input::read_spec(&args.spec)?;
    let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy: None });
    // A spec with rule errors (a sync cycle, a DR inversion) still has a plan worth showing.
    if report.has_errors() {
        output::to_stderr(&render::human(&report, lang, output::stderr_is_terminal()));
    }
    let Some(checked) = report.spec.as_ref() else {
        return Ok(exit::SPEC_ERRORS);
    };
    let plan = crate::recovery::plan(checked);
    output::to_stdout(&match args.format {
        Format::Human => crate::recovery::render::human(&plan, lang),
        Format::Json => crate::recovery::render::json(&plan),
    })?;
    Ok(if report.has_errors() {
        exit::SPEC_ERRORS
    } else {
        exit::OK
    })
}
