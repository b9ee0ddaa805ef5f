//! `msaforge check`: the findings of a spec (text, JSON or SARIF), and with `--output` the
//! unresolved conflicts of a generated directory. Exit 1 when either has errors.

use std::path::PathBuf;

use super::{CmdError, input, output};
use crate::check::{self, render};
use crate::exit;
use crate::lang::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec file (YAML or JSON), or `-` for standard input.
    #[arg(required_unless_present = "output")]
    spec: Option<PathBuf>,
    /// Also check a generated output directory: fails while merge conflicts are unresolved.
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    format: render::Format,
    /// Language of messages (default: from LANG).
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// A policy file (the `policy:` section as its own YAML file) that replaces the spec's policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let mut failed = false;
    if let Some(spec) = args.spec {
        let policy = args.policy.map(|p| input::read_policy(&p)).transpose()?;
        let (name, bytes) = input::read_spec(&spec)?;
        let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy });
        output::to_stdout(&match args.format {
            render::Format::Human => render::human(&report, lang, output::color_stdout()),
            render::Format::Json => render::json(&report),
            render::Format::Sarif => render::sarif(&report, lang),
        })?;
        failed |= report.has_errors();
    }
    if let Some(dir) = args.output {
        let problems = crate::plan::verify::verify(&dir)?;
        output::to_stdout(&crate::plan::report::problems(
            &dir,
            &problems,
            args.format,
            lang,
        ))?;
        failed |= !problems.is_empty();
    }
    Ok(if failed { exit::SPEC_ERRORS } else { exit::OK })
}
