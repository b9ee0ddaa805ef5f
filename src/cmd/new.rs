//! `msaforge new`: design, check and generate in one command, in three announced stages; stops at
//! the first that fails, saying which, and keeps the designed spec.

use std::path::{Path, PathBuf};

use super::{CmdError, design, generate, output};
use crate::design::DesignError;
use crate::design::client::Llm;
use crate::design::repair::{self, Outcome};
use crate::design::settings::LlmArgs;
use crate::design::{output as files, session};
use crate::exit;
use crate::lang::Lang;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The description of the system, or `-` for stdin.
    brief: PathBuf,
    /// The directory to create: the spec goes to DIR/msaforge.yaml, the system next to it.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    #[command(flatten)]
    llm: LlmArgs,
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// A directory of templates that replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write into a non-empty directory that msaforge did not create.
    #[arg(long)]
    force: bool,
    /// List every generated file, not only the ones that need you.
    #[arg(short, long)]
    verbose: bool,
    #[arg(long, value_enum)]
    lang: Option<Lang>,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let spec_path = args.output.join("msaforge.yaml");
    let rejected = files::rejected_path(&spec_path);
    if !args.force && !only_holds(&args.output, &rejected) {
        crate::generate::write::check_target(&args.output, false)?;
    }
    // A spec from an earlier `new` may carry the user's edits: `generate` it, or pass --force.
    if !args.force && spec_path.exists() {
        return Err(DesignError::Exists {
            path: spec_path.display().to_string(),
        }
        .into());
    }
    let brief = session::read_brief(&args.brief)?;
    let llm = Llm::new(design::settings(&args.llm)?);
    stage(&format!(
        "== 1/3 design ({} via {})",
        llm.settings().model,
        llm.settings().provider.as_str()
    ));
    let (outcome, stats) = design::design(&llm, &brief, &spec_path, lang)?;
    let code = design::finish(&outcome, &stats, &spec_path, args.report.as_deref(), lang)?;
    let Outcome::Accepted { report, .. } = outcome else {
        stage("stopped at stage 1/3 (design): no spec without errors; nothing generated");
        return Ok(code);
    };
    stage(&format!(
        "== 2/3 check: no errors, {} warning(s)",
        repair::warnings(&report)
    ));
    let Some(spec) = report.spec.as_ref() else {
        stage("stopped at stage 2/3 (check): the spec could not be resolved");
        return Ok(exit::SPEC_ERRORS);
    };
    stage(&format!("== 3/3 generate into {}", args.output.display()));
    let options = crate::generate::Options {
        templates: args.templates,
        allow_destructive: false,
    };
    // The directory holds the new spec already; `force` lets generate write next to it, but only
    // the first time: an output msaforge has written to before (it has `.msaforge/`, even without
    // a lock) is regenerated safely, keeping the user's edits.
    let run = crate::generate::RunOptions {
        force: std::fs::symlink_metadata(args.output.join(crate::generate::write::MARKER)).is_err(),
        ..crate::generate::RunOptions::default()
    };
    let generated = crate::generate::run(spec, &args.output, &options, run, &mut |p| {
        generate::show(p, lang);
    })
    .inspect_err(|_| {
        stage(&format!(
            "stopped at stage 3/3 (generate); the spec is kept in {}",
            spec_path.display()
        ));
    })?;
    output::to_stdout(&generate::summary(
        &generated,
        &args.output,
        crate::stack::build_command(spec),
        args.verbose,
        lang,
    ))?;
    // A rejected attempt from an earlier run is stale now.
    let _ = std::fs::remove_file(&rejected);
    Ok(if generated.applied.conflicts.is_empty() {
        exit::OK
    } else {
        exit::CONFLICTS
    })
}

/// A stage line on standard error.
fn stage(line: &str) {
    output::to_stderr(&format!("{line}\n"));
}

/// True when `dir` holds nothing but `file` (a rejected attempt of an earlier `new`).
fn only_holds(dir: &Path, file: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.len() == 1 && names[0].file_name() == file.file_name()
}
