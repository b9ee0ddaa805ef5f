//! `msaforge explain`: one rule in full, or the list of every rule.

use std::fmt::Write as _;

use super::{CmdError, output};
use crate::check::{render, rules};
use crate::exit;
use crate::lang::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code like MSA101; omit to list every rule.
    code: Option<String>,
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let text = match args.code {
        Some(code) => {
            let rule = rules::find(&code).ok_or(CmdError::UnknownRule(code))?;
            render::explain(rule, lang)
        }
        None => {
            let mut list = String::new();
            for r in rules::ALL {
                let _ = writeln!(
                    list,
                    "{}  {:<8} {:<30} {}",
                    r.code,
                    r.severity.as_str(),
                    r.name,
                    r.title.get(lang)
                );
            }
            list
        }
    };
    output::to_stdout(&text)?;
    Ok(exit::OK)
}
