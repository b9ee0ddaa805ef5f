//! `msaforge generate`: check the spec, write the system (or with `--dry-run` show the plan), then
//! a summary people read: the counts, the files that need the user (every changed file with
//! `--verbose`), and the next step. Exit 4 when conflict markers were written.

use std::path::{Path, PathBuf};

use super::{CmdError, input, output};
use crate::exit;
use crate::generate::{self, Generated, Progress, RunOptions};
use crate::lang::Lang;
use crate::plan::{Action, Change, OnConflict, report};

/// What `generate` and `plan` work on, and how they treat an existing output.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The spec file (YAML or JSON).
    pub spec: PathBuf,
    /// The output directory (created if missing; an earlier output is regenerated safely).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// A directory of templates that replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write into a non-empty directory that msaforge did not create; overwrite generated files
    /// edited by hand; restore files you deleted.
    #[arg(long)]
    pub force: bool,
    /// Write a database migration that drops a table or column, narrows a type or adds a required
    /// column without a default (data would go, or the migration fails on a table holding rows);
    /// without it such a change is refused with exit code 6.
    #[arg(long)]
    pub allow_destructive: bool,
    /// What to do with a file whose merge conflicts.
    #[arg(long, value_enum, default_value_t)]
    pub on_conflict: OnConflict,
    /// List every file that changes, not only the ones that need you.
    #[arg(short, long)]
    pub verbose: bool,
    /// Language of messages (default: from LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

impl Target {
    pub fn lang(&self) -> Lang {
        self.lang.unwrap_or_else(Lang::from_env)
    }

    /// The checked spec; `None`, its findings printed, when it has errors.
    pub fn checked_spec(&self) -> Result<Option<crate::spec::Spec>, CmdError> {
        input::checked_spec(&self.spec, self.lang())
    }

    pub fn options(&self) -> generate::Options {
        generate::Options {
            templates: self.templates.clone(),
            allow_destructive: self.allow_destructive,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// Show what would be written, write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> Result<i32, CmdError> {
    let target = args.target;
    let lang = target.lang();
    let Some(spec) = target.checked_spec()? else {
        return Ok(exit::SPEC_ERRORS);
    };
    let options = target.options();
    if args.dry_run {
        let plan = generate::plan(&spec, &target.output, &options, target.force)?;
        output::to_stdout(&report::human(&plan, lang, target.verbose))?;
        output::to_stdout(&format!(
            "{}\n",
            lang.pick("dry run: nothing written", "시험 실행: 기록하지 않음")
        ))?;
        return Ok(exit::OK);
    }
    let run = RunOptions {
        force: target.force,
        on_conflict: target.on_conflict,
    };
    let mut on_progress = |progress: Progress<'_>| show(progress, lang);
    let generated = generate::run(&spec, &target.output, &options, run, &mut on_progress)?;
    output::to_stdout(&summary(
        &generated,
        &target.output,
        crate::stack::build_command(&spec),
        target.verbose,
        lang,
    ))?;
    Ok(if generated.applied.conflicts.is_empty() {
        exit::OK
    } else {
        exit::CONFLICTS
    })
}

/// Reports at once, on standard error, what `generate::run` did or found before applying: the
/// completion of an interrupted run (and the files it left as they were), and what the user must
/// know about the plan (merge bases that were lost). Shown even when the run then stops.
pub fn show(progress: Progress<'_>, lang: Lang) {
    match progress {
        Progress::Recovered { left } => output::to_stderr(&format!(
            "{}\n{}",
            lang.pick(
                "completed an earlier run that was interrupted",
                "중단되었던 이전 실행을 마무리함"
            ),
            report::left(left, lang)
        )),
        Progress::Planned(plan) => output::to_stderr(&report::warnings(plan, lang)),
    }
}

/// What was written, the files that need the user, and what to do next (`build`: the command
/// that builds the whole system, when it has one: `stack::build_command`; the README's Build
/// section has the steps of every stack).
pub fn summary(
    generated: &Generated,
    out: &Path,
    build: Option<&str>,
    verbose: bool,
    lang: Lang,
) -> String {
    let plan = &generated.plan;
    let (conflicts, left) = (&generated.applied.conflicts, &generated.applied.left);
    let dir = out.display();
    // In the commands to copy: quoted for the shell when it has spaces or quotes.
    let shell_dir = out.to_string_lossy();
    let shell_dir = shlex::try_quote(&shell_dir).unwrap_or(shell_dir.clone());
    let n = plan.changes.iter().filter(|c| c.rendered.is_some()).count();
    // What was done: a file left as it was (changed while this run applied) counts as kept, not
    // as what was planned for it.
    let done = |c: &&Change| !left.contains(&c.path);
    let count = |actions: &[Action]| {
        (plan.changes.iter().filter(done))
            .filter(|c| actions.contains(&c.action))
            .count()
    };
    let created = count(&[Action::Create]);
    let updated = count(&[Action::Update, Action::Remove]);
    let merged = count(&[Action::Merge, Action::Conflict]);
    let kept = count(&[Action::Kept, Action::Orphaned, Action::DeletedByUser]) + left.len();
    let mut text = lang.pick(
        format!("Generated {n} files in {dir}: {created} created, {updated} updated or removed, {merged} merged, {kept} kept as you left them.\n"),
        format!("{dir}에 파일 {n}개 생성: 새로 만듦 {created}, 갱신·삭제 {updated}, 병합 {merged}, 사용자 파일 유지 {kept}.\n"),
    );
    text.push_str(&report::files(plan, left, lang, verbose));
    let next = if conflicts.is_empty() {
        let build = build.map_or(String::new(), |b| format!("{b} && "));
        lang.pick(
            format!("Next: cd {shell_dir} && {build}cat README.md"),
            format!("다음: cd {shell_dir} && {build}cat README.md"),
        )
    } else {
        let (k, list) = (conflicts.len(), conflicts.join(", "));
        lang.pick(
            format!("{k} file(s) have conflict markers to resolve: {list}\nResolve them, then `msaforge check --output {shell_dir}` passes."),
            format!("충돌 표시를 해결할 파일 {k}개: {list}\n해결한 뒤 `msaforge check --output {shell_dir}`가 통과합니다."),
        )
    };
    text.push_str(&next);
    text.push('\n');
    text
}
