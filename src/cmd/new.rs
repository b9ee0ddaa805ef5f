//! `msaforge new`: design, check and generate in one command, in three announced stages; stops at
//! the first that fails, saying which, and keeps the designed spec.

use std::path::{Path, PathBuf};

use super::design::Designed;
use super::{CmdError, design, generate, output};
use crate::design::DesignError;
use crate::design::client::Llm;
use crate::design::repair;
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
    /// Also write the design's outcome, rounds, tokens, times and findings as JSON to this file.
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

pub fn run(args: &Args) -> Result<i32, CmdError> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let mut reported = false;
    let result = run_new(args, lang, &mut reported);
    design::failed(result, args.report.as_deref(), reported, lang)
}

fn run_new(args: &Args, lang: Lang, reported: &mut bool) -> Result<i32, CmdError> {
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
    let llm = Llm::new(design::settings(&args.llm, lang)?)?;
    let (model, provider) = (&llm.settings().model, llm.settings().provider.as_str());
    stage(&tr!(
        lang,
        "== 1/3 design ({model} via {provider})",
        "== 1/3 설계 ({model}, {provider})"
    ));
    let finished = design::design(&llm, &brief, &spec_path, lang);
    session::save(&llm, &finished, &spec_path, args.report.as_deref(), lang)?;
    *reported = true;
    let designed = design::finish(&llm, finished, &spec_path, lang).inspect_err(|_| {
        stage(lang.pick(
            "stopped at stage 1/3 (design); nothing generated",
            "1/3단계(설계)에서 멈춤; 아무것도 생성하지 않음",
        ));
    })?;
    let Designed::Spec(report) = designed else {
        stage(lang.pick(
            "stopped at stage 1/3 (design): no spec without errors; nothing generated",
            "1/3단계(설계)에서 멈춤: 오류 없는 spec이 없어 아무것도 생성하지 않음",
        ));
        return Ok(exit::DESIGN_REJECTED);
    };
    let warnings = repair::warnings(&report);
    stage(&tr!(
        lang,
        "== 2/3 check: no errors, {warnings} warning(s)",
        "== 2/3 검사: 오류 없음, 경고 {warnings}개"
    ));
    let Some(spec) = report.spec.as_ref() else {
        stage(lang.pick(
            "stopped at stage 2/3 (check): the spec could not be resolved",
            "2/3단계(검사)에서 멈춤: spec을 해석할 수 없음",
        ));
        return Ok(exit::SPEC_ERRORS);
    };
    let dir = args.output.display();
    stage(&tr!(
        lang,
        "== 3/3 generate into {dir}",
        "== 3/3 {dir}에 생성"
    ));
    let options = crate::generate::Options {
        templates: args.templates.clone(),
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
        let kept = spec_path.display();
        stage(&tr!(
            lang,
            "stopped at stage 3/3 (generate); the spec is kept in {kept}",
            "3/3단계(생성)에서 멈춤; spec은 {kept}에 남아 있음"
        ));
    })?;
    output::to_stdout(&generate::summary(
        &generated,
        &args.output,
        crate::stack::build_command(spec),
        args.verbose,
        lang,
    ))?;
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
