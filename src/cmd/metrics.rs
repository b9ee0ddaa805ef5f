//! `msaforge metrics`: coupling and size metrics of a spec, per context and for the system
//! (`metrics::measure`), as a table or JSON; `--definitions` prints what each one means and where
//! it comes from. A spec with rule errors is still measured; the findings go to standard error and
//! the exit code is 1.

use std::path::PathBuf;

use super::{CmdError, input, output};
use crate::check::{self, render};
use crate::exit;
use crate::lang::Lang;
use crate::metrics;
use crate::recovery::render::Format;

#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// The spec file (YAML or JSON), or `-` for standard input.
    #[arg(required_unless_present = "definitions")]
    spec: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Print what each metric means, how it is computed and its source, then exit.
    #[arg(long, conflicts_with = "spec")]
    definitions: bool,
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

const AFTER_HELP: &str = "\
Metrics (msaforge metrics --definitions for definitions and sources, --lang ko in Korean):
  afferent / efferent coupling   contexts calling it / called by it, synchronously (AIS, ADS; Bogner et al. 2017)
  service coupling factor        synchronous dependencies / n(n-1) (SCF; Bogner et al. 2017)
  event share                    events / (events + calls) among the dependencies
  longest chain                  hops of the longest synchronous (and critical) call chain (MSA102)
  operations per context         interface number (IFN; Jin et al. 2021)
  contexts per team, cross-team  calls whose two ends belong to different teams
  effective RTO spread           shortest and longest effective RTO (MSA201)";

pub fn run(args: &Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let Some(spec) = args.spec.as_ref().filter(|_| !args.definitions) else {
        output::to_stdout(&metrics::catalog::text(lang))?;
        return Ok(exit::OK);
    };
    let (name, bytes) = input::read_spec(spec)?;
    let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy: None });
    // A spec with rule errors (a cycle, a team overloaded) still has numbers worth showing.
    if report.has_errors() {
        output::to_stderr(&render::human(&report, lang, output::stderr_is_terminal()));
    }
    let Some(checked) = report.spec.as_ref() else {
        return Ok(exit::SPEC_ERRORS);
    };
    let measured = metrics::measure(checked);
    output::to_stdout(&match args.format {
        Format::Human => metrics::render::human(&measured, lang),
        Format::Json => metrics::render::json(&measured),
    })?;
    Ok(if report.has_errors() {
        exit::SPEC_ERRORS
    } else {
        exit::OK
    })
}
