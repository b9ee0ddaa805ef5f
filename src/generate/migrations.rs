//! The database migrations a run adds to the render: reads the output's migration history and
//! its migrations directories, brings the history up to the spec (`migrate::history::advance`),
//! and refuses a migration that would lose data unless the user allows it. The SQL itself is
//! `migrate`'s; writing is `plan`'s (the files with policy `once`, the history with the lock).

use std::path::Path;

use super::{GenerateError, Rendered};
use crate::migrate::history::{Advanced, History, HistoryError, Planned};
use crate::migrate::{Naming, files, schema_of};
use crate::plan::{Policy, lock};
use crate::spec::Spec;

/// What a run adds for the databases.
#[derive(Debug)]
pub struct Migrations {
    /// Every migration file of the history, old ones with their text as first written.
    pub files: Vec<Rendered>,
    /// The history to store; `None` when there is none and was none.
    pub history_json: Option<String>,
    pub planned: Vec<Planned>,
    /// What the new migrations would lose, when that is not allowed: the run must stop (after
    /// planning, so that damaged state is reported first).
    pub refused: Option<Vec<String>>,
}

impl Migrations {
    /// `Err` when a new migration would lose data and the user did not allow it.
    pub fn check(&self) -> Result<(), GenerateError> {
        match &self.refused {
            Some(risks) => Err(GenerateError::Destructive {
                risks: risks.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// Advances `out`'s migration history to `spec`. `allow_destructive`: write a migration that drops
/// data or cannot run on a table holding rows, instead of refusing it (`Migrations::check`).
pub fn prepare(
    spec: &Spec,
    out: &Path,
    allow_destructive: bool,
) -> Result<Migrations, GenerateError> {
    let (stored, locked) = crate::plan::read_state(out, lock::MIGRATIONS)?;
    let old = match &stored {
        Some(text) => History::parse(text).map_err(history_error)?,
        None => History::default(),
    };
    let schema = schema_of(spec);
    let naming = |context: &str| {
        spec.context(context)
            .map_or(Naming::Sqlx, |c| crate::stack::of(c.stack).migrations)
    };
    for ctx in &schema.contexts {
        let dir = format!("{}/", files::dir(&ctx.context));
        if old.context(&ctx.context).is_none()
            && let Some(path) = locked.iter().find(|p| p.starts_with(&dir))
        {
            return Err(GenerateError::HistoryLost {
                context: ctx.context.clone(),
                path: path.clone(),
            });
        }
    }
    let taken = |context: &str| taken_version(out, context, naming(context));
    let Advanced { history, planned } =
        crate::migrate::history::advance(&old, &schema, taken, naming).map_err(history_error)?;
    let risks: Vec<String> = planned
        .iter()
        .flat_map(|p| p.risks.iter().map(|r| format!("{}: {}", p.file, r.what)))
        .collect();
    let refused = (!risks.is_empty() && !allow_destructive).then_some(risks);
    let files = history
        .files(naming)
        .into_iter()
        .map(|(path, contents)| Rendered {
            path,
            contents,
            policy: Policy::Once,
        })
        .collect();
    let history_json =
        (stored.is_some() || !history.contexts.is_empty()).then(|| history.to_text());
    Ok(Migrations {
        files,
        history_json,
        planned,
        refused,
    })
}

fn history_error(e: HistoryError) -> GenerateError {
    match e {
        HistoryError::Damaged(detail) => GenerateError::Plan(crate::plan::PlanError::BadState {
            path: lock::MIGRATIONS.to_owned(),
            detail,
        }),
        HistoryError::DialectChanged { .. } => GenerateError::StoreChanged(e.to_string()),
    }
}

/// The highest migration version among the files in a context's migrations directory (the
/// user's own included), 0 when there is none.
fn taken_version(out: &Path, context: &str, naming: Naming) -> u32 {
    let Ok(entries) = std::fs::read_dir(out.join(files::dir(context))) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|name| naming.version_of(&name))
        .max()
        .unwrap_or(0)
}
