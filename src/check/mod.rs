//! `msaforge check`: reads a spec, checks it against the JSON Schema and the microservice rules, and
//! returns every finding with its place.
//!
//! Each family of rules has its own file; `render` turns findings into text, JSON or SARIF.
//! Nothing here writes files or prints: the command layer does.

mod finding;
mod format;
pub mod list;
pub mod render;
mod rule;
pub mod rules;
mod schema;
mod snippet;
mod syntax_ko;

use std::collections::HashSet;

use serde::Deserialize;

pub use finding::{Finding, Related, Severity, did_you_mean};
pub use rule::{Rule, Text};

use crate::lang::Lang;
use crate::spec::load::{self, LoadProblem, SyntaxKind};
use crate::spec::{Path, Place, Source, SourceMap, Spec, SpecFile, model};
use format::{MSA001, MSA004};

/// The result of checking one spec file.
#[derive(Debug)]
pub struct Report {
    pub source: Source,
    pub map: SourceMap,
    pub findings: Vec<Finding>,
    /// The checked model, when the file got far enough to build one.
    pub spec: Option<Spec>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Where a finding points in the file.
    pub fn place(&self, finding: &Finding) -> Option<Place> {
        if finding.at_key {
            self.map.key(&finding.path)
        } else {
            self.map.best(&finding.path)
        }
    }
}

/// Options of a check run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Lang,
    /// Replaces the spec's own `policy:` section (an SI firm's shared policy file).
    pub policy: Option<model::Policy>,
}

/// Checks the bytes of a spec file named `name`.
pub fn check_bytes(name: &str, bytes: &[u8], options: &Options) -> Report {
    let lang = options.lang;
    let mut report = Report {
        source: Source {
            name: name.to_owned(),
            text: String::new(),
        },
        map: SourceMap::default(),
        findings: Vec::new(),
        spec: None,
    };
    match load::decode(bytes) {
        Ok(text) => report.source.text = text,
        Err(problem) => {
            report.findings.push(load_finding(&problem, lang));
            return report;
        }
    }
    let value = match load::parse(&report.source.text) {
        Ok(value) => value,
        Err(problem) => {
            let finding = load_finding(&problem, lang);
            if let LoadProblem::Syntax {
                place: Some(place), ..
            } = problem
            {
                report.map = SourceMap::single(place);
            }
            report.findings.push(finding);
            return report;
        }
    };
    // The schema and the typed model read the same value: on two cores they run side by side.
    // The model's findings count only when the schema accepted the document (the rules are
    // written for valid specs); freeing the value happens off the main path too.
    let (schema_findings, typed) = std::thread::scope(|scope| {
        let schema = scope.spawn(|| schema::validate(&value, lang));
        let typed = SpecFile::deserialize(&value).map(|mut file| {
            if let Some(policy) = &options.policy {
                file.policy = Some(policy.clone());
            }
            file
        });
        let findings = schema
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (findings, typed)
    });
    report.findings = schema_findings;
    if report.findings.is_empty() {
        match typed {
            Ok(file) => std::thread::scope(|scope| {
                scope.spawn(move || drop(value));
                let spec = crate::spec::resolve(file);
                report.findings = rules::run(&spec, lang);
                report.spec = Some(spec);
            }),
            Err(plain) => report
                .findings
                .push(shape_finding(&report.source.text, &plain, lang)),
        }
    }
    let ignored: HashSet<&str> = report
        .spec
        .as_ref()
        .map(|s| s.policy.ignore.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut findings = std::mem::take(&mut report.findings);
    findings.retain(|f| !ignored.contains(f.code()));
    if !findings.is_empty() {
        // Only now is it worth reading the text again for positions.
        report.map = load::places(&report.source.text);
    }
    findings.sort_by_cached_key(|f| {
        (
            report.place(f).map_or(0, |p| p.offset),
            f.code(),
            f.path.to_string(),
        )
    });
    findings.dedup();
    report.findings = findings;
    report
}

/// A value the schema accepted but the types refused (a schema/type mismatch; should not happen).
/// Tracking the path doubles the cost of deserializing, so it is done only here, on a second read.
fn shape_finding(text: &str, plain: &serde_json::Error, lang: Lang) -> Finding {
    let located = load::parse(text)
        .ok()
        .and_then(|v| serde_path_to_error::deserialize::<_, SpecFile>(v).err());
    let (path, inner) = match located {
        Some(e) => (
            Path::from_pointer(&pointer_of(e.path())),
            e.into_inner().to_string(),
        ),
        None => (Path::root(), plain.to_string()),
    };
    Finding::new(
        &MSA004,
        path,
        tr!(
            lang,
            "this value does not fit the spec format: {inner}",
            "이 값은 spec 형식에 맞지 않습니다 (`msaforge schema` 참고)"
        ),
    )
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(key),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

fn load_finding(problem: &LoadProblem, lang: Lang) -> Finding {
    let root = Path::root();
    match problem {
        LoadProblem::Empty => Finding::new(
            &MSA001,
            root,
            tr!(lang, "the file is empty (nothing but blank lines or comments)", "파일이 비어 있습니다 (빈 줄이나 주석뿐)"),
        )
        .help(tr!(
            lang,
            "start from an example (copy examples/records-archive.yaml) or let `msaforge design` write one",
            "예제에서 시작하세요: `examples/records-archive.yaml`을 복사하거나 `msaforge design`을 실행하세요"
        )),
        LoadProblem::TooLarge => {
            let max = load::MAX_BYTES / (1024 * 1024);
            Finding::new(
                &MSA001,
                root,
                tr!(lang, "the file is larger than {max} MiB, the most a spec may be", "파일이 spec 최대 크기인 {max} MiB보다 큽니다"),
            )
            .help(tr!(lang, "check that this is the spec you meant; a thousand contexts fit in about 2 MiB", "의도한 spec 파일인지 확인하세요. 컨텍스트 1,000개도 약 2 MiB입니다"))
        }
        LoadProblem::NotText { offset } => Finding::new(
            &MSA001,
            root,
            tr!(lang, "the file is not UTF-8 text (binary data at byte {offset})", "파일이 UTF-8 텍스트가 아닙니다 (바이트 {offset}에 이진 데이터)"),
        )
        .help(tr!(lang, "save the spec as UTF-8 YAML or JSON", "spec을 UTF-8 YAML 또는 JSON으로 저장하세요")),
        LoadProblem::Syntax { kind, message, .. } => {
            let help = match kind {
                SyntaxKind::Expansion => tr!(lang, "a spec never needs this many nodes: remove the nested anchors and aliases (`&a`, `*a`)", "spec에 이렇게 많은 노드는 필요 없습니다: 중첩된 앵커와 별칭(`&a`, `*a`)을 지우세요"),
                SyntaxKind::Depth => tr!(lang, "the spec format needs fewer than 10 levels: look for unclosed brackets or runaway indentation", "spec 형식은 10단계 미만이면 충분합니다: 닫히지 않은 괄호나 잘못된 들여쓰기를 찾으세요"),
                SyntaxKind::DuplicateKey => tr!(lang, "remove or rename one of the two keys; YAML keeps only one and msaforge will not guess which", "두 키 중 하나를 지우거나 이름을 바꾸세요. YAML은 하나만 남기며 msaforge는 어느 쪽인지 추측하지 않습니다"),
                SyntaxKind::Tabs => tr!(lang, "indent with spaces: YAML does not allow tabs for indentation", "공백으로 들여쓰세요: YAML은 탭 들여쓰기를 허용하지 않습니다"),
                SyntaxKind::Other => tr!(lang, "check the indentation and quote values that contain `: ` or start with a special character", "들여쓰기를 확인하고 `: `가 들어가거나 특수문자로 시작하는 값은 따옴표로 감싸세요"),
            };
            let message = match lang {
                Lang::En => format!("YAML syntax error: {message}"),
                Lang::Ko => format!("YAML 문법 오류: {}", syntax_ko::korean(message)),
            };
            let finding = Finding::new(&MSA001, root, message).help(help);
            if *kind == SyntaxKind::Tabs {
                finding.label(tr!(lang, "a tab", "탭"))
            } else {
                finding
            }
        }
    }
}
