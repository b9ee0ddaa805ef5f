//! The command line: clap types and the dispatch to each command. Commands print; the library below
//! them returns data and typed errors.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use miette::Diagnostic;
use thiserror::Error;

use crate::check::{self, render, rules};
use crate::exit;
use crate::lang::Lang;
use crate::plan::{OnConflict, PlanError};

/// What `generate` and `plan` work on, and how they treat an existing output.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The spec file (YAML or JSON).
    spec: PathBuf,
    /// The output directory (created if missing; an earlier output is regenerated safely).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// A directory of templates that replace the embedded ones of the same name.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write into a non-empty directory that msaforge did not create; overwrite generated files
    /// edited by hand; restore files you deleted.
    #[arg(long)]
    force: bool,
    /// What to do with a file whose merge conflicts.
    #[arg(long, value_enum, default_value_t)]
    on_conflict: OnConflict,
}

/// How `plan` prints.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum PlanFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "msaforge",
    version,
    about = "From a domain description to a production-shaped microservice system",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec against the format and the microservice rules; report every finding.
    Check {
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
    },
    /// Generate the system from a spec: services, gateway, compose file and docs.
    Generate {
        #[command(flatten)]
        target: Target,
        /// List what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Show what `generate` would do to an existing output, file by file; change nothing.
    Plan {
        #[command(flatten)]
        target: Target,
        /// Also print unified diffs of every change.
        #[arg(long)]
        diff: bool,
        /// Exit with 1 when anything would change (for drift checks in CI).
        #[arg(long)]
        exit_code: bool,
        #[arg(long, value_enum, default_value_t)]
        format: PlanFormat,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Design a spec from a description of the system with an LLM, checked and repaired in rounds.
    Design(crate::design::command::DesignArgs),
    /// Design, check and generate in one go: from a description to a generated system.
    New(crate::design::command::NewArgs),
    /// Print each context's DR grade, strategy, declared and effective RTO/RPO and the recovery order.
    Dr {
        /// The spec file (YAML or JSON), or `-` for standard input.
        spec: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: crate::recovery::render::Format,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Print the JSON Schema of the spec format (for editors: `# yaml-language-server: $schema=...`).
    Schema,
    /// Explain a rule: what it checks, why it matters, how to fix it, where the idea comes from.
    Explain {
        /// A rule code like MSA101; omit to list every rule.
        code: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
}

/// Errors of the command layer: everything that is not a finding in a spec.
#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    #[error("cannot read {path}")]
    #[diagnostic(code(msaforge::io), help("check that the file exists and is readable"))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write to standard output")]
    #[diagnostic(code(msaforge::io))]
    Write(#[source] std::io::Error),
    #[error("unknown rule code `{0}`")]
    #[diagnostic(
        code(msaforge::usage),
        help("run `msaforge explain` to list every rule")
    )]
    UnknownRule(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Generate(#[from] crate::generate::GenerateError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Design(#[from] crate::design::DesignError),
    #[error("the policy file {path} is not valid")]
    #[diagnostic(code(msaforge::usage), help("{detail}"))]
    Policy { path: String, detail: String },
}

/// Parses the command line, runs the command and returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(error) => {
            let code = match &error {
                CliError::Generate(
                    crate::generate::GenerateError::NotOurs { .. }
                    | crate::generate::GenerateError::UnsafePath { .. },
                ) => exit::REFUSED,
                CliError::Generate(crate::generate::GenerateError::Plan(e)) | CliError::Plan(e) => {
                    e.exit_code()
                }
                CliError::Design(e) => e.exit_code(),
                _ => exit::USAGE,
            };
            eprintln!("{:?}", miette::Report::new(error));
            code
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32, CliError> {
    match cli.command {
        Command::Check {
            spec,
            output,
            format,
            lang,
            policy,
        } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            let mut failed = false;
            if let Some(spec) = spec {
                let policy = policy.map(|p| read_policy(&p)).transpose()?;
                let (name, bytes) = read_input(&spec)?;
                let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy });
                let text = match format {
                    render::Format::Human => render::human(&report, lang, color_stdout()),
                    render::Format::Json => render::json(&report),
                    render::Format::Sarif => render::sarif(&report, lang),
                };
                print(&text)?;
                failed |= report.has_errors();
            }
            if let Some(dir) = output {
                let problems = crate::plan::verify::verify(&dir)?;
                print(&crate::plan::report::problems(
                    &dir, &problems, format, lang,
                ))?;
                failed |= !problems.is_empty();
            }
            Ok(if failed { exit::SPEC_ERRORS } else { exit::OK })
        }
        Command::Generate {
            target:
                Target {
                    spec,
                    output,
                    templates,
                    force,
                    on_conflict,
                },
            dry_run,
            lang,
        } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            let Some(checked) = checked_spec(&spec, lang)? else {
                return Ok(exit::SPEC_ERRORS);
            };
            let conflicts = crate::generate::run(
                &checked,
                &output,
                &crate::generate::Options { templates },
                crate::generate::RunOptions {
                    dry_run,
                    force,
                    on_conflict,
                    lang,
                },
            )?;
            Ok(if conflicts.is_empty() {
                exit::OK
            } else {
                exit::CONFLICTS
            })
        }
        Command::Plan {
            target:
                Target {
                    spec,
                    output,
                    templates,
                    force,
                    on_conflict,
                },
            diff,
            exit_code,
            format,
            lang,
        } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            let Some(checked) = checked_spec(&spec, lang)? else {
                return Ok(exit::SPEC_ERRORS);
            };
            let options = crate::generate::Options { templates };
            let plan = crate::generate::plan(&checked, &output, &options, force)?;
            let mut text = match format {
                PlanFormat::Human => crate::plan::report::human(&plan, lang),
                PlanFormat::Json => crate::plan::report::json(&plan),
            };
            if diff && matches!(format, PlanFormat::Human) {
                text.push_str(&crate::plan::report::diff(&plan, on_conflict));
            }
            print(&text)?;
            Ok(if exit_code && plan.has_changes() {
                exit::WOULD_CHANGE
            } else {
                exit::OK
            })
        }
        Command::Dr { spec, format, lang } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            let (name, bytes) = read_input(&spec)?;
            let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy: None });
            // A spec with rule errors (a sync cycle, a DR inversion) still has a plan worth showing;
            // the findings go to standard error and the exit code says the spec is not clean.
            if report.has_errors() {
                eprint!(
                    "{}",
                    render::human(&report, lang, std::io::stderr().is_terminal())
                );
            }
            let Some(checked) = report.spec.as_ref() else {
                return Ok(exit::SPEC_ERRORS);
            };
            let plan = crate::recovery::plan(checked);
            print(&match format {
                crate::recovery::render::Format::Human => {
                    crate::recovery::render::human(&plan, lang)
                }
                crate::recovery::render::Format::Json => crate::recovery::render::json(&plan),
            })?;
            Ok(if report.has_errors() {
                exit::SPEC_ERRORS
            } else {
                exit::OK
            })
        }
        Command::Design(args) => crate::design::command::design(args),
        Command::New(args) => crate::design::command::new(args),
        Command::Schema => {
            let schema = crate::spec::json_schema();
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            ))?;
            Ok(exit::OK)
        }
        Command::Explain { code, lang } => {
            let lang = lang.unwrap_or_else(Lang::from_env);
            let text = match code {
                Some(code) => {
                    let rule = rules::find(&code).ok_or(CliError::UnknownRule(code))?;
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
            print(&text)?;
            Ok(exit::OK)
        }
    }
}

/// Reads and checks a spec; prints the findings and returns `None` when it has errors.
fn checked_spec(path: &PathBuf, lang: Lang) -> Result<Option<crate::spec::Spec>, CliError> {
    let (name, bytes) = read_input(path)?;
    let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy: None });
    if let Some(spec) = report.spec.clone().filter(|_| !report.has_errors()) {
        return Ok(Some(spec));
    }
    eprint!(
        "{}",
        render::human(&report, lang, std::io::stderr().is_terminal())
    );
    eprintln!(
        "{}",
        lang.pick(
            "msaforge generates only from a spec without errors.",
            "msaforge는 오류가 없는 spec에서만 생성합니다."
        )
    );
    Ok(None)
}

fn read_input(path: &PathBuf) -> Result<(String, Vec<u8>), CliError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(crate::spec::load::MAX_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| CliError::Read {
                path: "<stdin>".into(),
                source,
            })?;
        return Ok(("<stdin>".into(), bytes));
    }
    let name = path.display().to_string();
    let bytes = read_limited(path).map_err(|source| CliError::Read {
        path: name.clone(),
        source,
    })?;
    Ok((name, bytes))
}

/// Reads at most one byte past the size limit, so a huge file is refused without loading it.
fn read_limited(path: &PathBuf) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(crate::spec::load::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn read_policy(path: &PathBuf) -> Result<crate::spec::model::Policy, CliError> {
    let name = path.display().to_string();
    let bytes = read_limited(path).map_err(|source| CliError::Read {
        path: name.clone(),
        source,
    })?;
    let invalid = |detail: String| CliError::Policy {
        path: name.clone(),
        detail,
    };
    let text = crate::spec::load::decode(&bytes).map_err(|p| invalid(p.to_string()))?;
    let value = crate::spec::load::parse(&text).map_err(|p| invalid(p.to_string()))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        invalid(format!("{path}: {}", e.into_inner()))
    })
}

fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`msaforge check x | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(CliError::Write),
    }
}
