//! Rendering a check report: human (compiler-style snippets through miette), JSON (a stable array of
//! findings) and SARIF 2.1.0 (for CI systems that show findings inline).
//!
//! Pure functions from a report to a string; the caller decides where it goes.

use std::fmt::Write as _;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde::Serialize;
use serde_json::json;

use crate::check::snippet::Snippets;
use crate::check::{Finding, Report, Rule, Severity, rules};
use crate::lang::Lang;
use crate::spec::Place;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
    Sarif,
}

/// Renders findings like a compiler: code, message, file:line:col, the snippet, and help. The
/// text's line index is built once, so the cost is linear in findings plus file size.
pub fn human(report: &Report, lang: Lang, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(1);
    let source = Snippets::new(&report.source.name, &report.source.text);
    let mut out = String::new();
    for finding in &report.findings {
        let place = report.place(finding);
        let diagnostic = Rendered {
            finding,
            place,
            related: finding
                .related
                .iter()
                .filter_map(|r| report.map.best(&r.path).map(|p| (p, r.message.clone())))
                .collect(),
            source: place.map(|_| &source),
            lang,
        };
        // Writing to a String cannot fail.
        let _ = handler.render_report(&mut out, &diagnostic);
        if place.is_none() {
            let _ = writeln!(out, "  --> {}", report.source.name);
        }
        out.push('\n');
    }
    let (errors, warnings, name) = (report.errors(), report.warnings(), &report.source.name);
    let summary = if report.findings.is_empty() {
        tr!(lang, "{name}: no findings", "{name}: 발견 사항 없음")
    } else {
        tr!(
            lang,
            "{name}: {errors} error(s), {warnings} warning(s)",
            "{name}: 오류 {errors}개, 경고 {warnings}개"
        )
    };
    out.push_str(&summary);
    out.push('\n');
    out
}

struct Rendered<'a> {
    finding: &'a Finding,
    place: Option<Place>,
    related: Vec<(Place, String)>,
    source: Option<&'a Snippets<'a>>,
    lang: Lang,
}

impl std::fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)?;
        if self.finding.heuristic() {
            f.write_str(self.lang.pick(" (heuristic)", " (휴리스틱)"))?;
        }
        Ok(())
    }
}

impl std::error::Error for Rendered<'_> {}

fn span(place: Place) -> SourceSpan {
    SourceSpan::new(place.offset.into(), place.len.max(1))
}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.finding.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let place = self.place?;
        let label = self
            .finding
            .label
            .clone()
            .or_else(|| (!self.finding.path.is_root()).then(|| self.finding.path.to_string()));
        let primary = LabeledSpan::new_primary_with_span(label, span(place));
        let related = self
            .related
            .iter()
            .map(|(p, msg)| LabeledSpan::new_with_span(Some(msg.clone()), span(*p)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// One finding in the JSON output. Field order and names are a stable interface.
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    path: String,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    help: Option<&'a str>,
    heuristic: bool,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    path: String,
    line: Option<u32>,
    column: Option<u32>,
}

/// A JSON array of findings, one object each, ordered as in the human output.
pub fn json(report: &Report) -> String {
    let findings: Vec<JsonFinding<'_>> = report
        .findings
        .iter()
        .map(|f| {
            let place = report.place(f);
            JsonFinding {
                code: f.code(),
                severity: f.severity(),
                message: &f.message,
                path: f.path.to_string(),
                file: &report.source.name,
                line: place.map(|p| p.line),
                column: place.map(|p| p.column),
                help: f.help.as_deref(),
                heuristic: f.heuristic(),
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let place = report.map.best(&r.path);
                        JsonRelated {
                            message: &r.message,
                            path: r.path.to_string(),
                            line: place.map(|p| p.line),
                            column: place.map(|p| p.column),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    to_pretty(&findings)
}

/// A SARIF 2.1.0 log with one run: every rule as the driver's rules, one result per finding.
pub fn sarif(report: &Report, lang: Lang) -> String {
    let rules: Vec<_> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.title.get(lang) },
                "fullDescription": { "text": r.why.get(lang) },
                "help": { "text": r.fix.get(lang) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": if r.heuristic { vec!["heuristic"] } else { Vec::new() } },
            })
        })
        .collect();
    let results: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let place = report.place(f);
            let mut location = json!({
                "physicalLocation": { "artifactLocation": { "uri": report.source.name } },
                "logicalLocations": [{ "fullyQualifiedName": f.path.to_string() }],
            });
            if let Some(p) = place {
                location["physicalLocation"]["region"] =
                    json!({ "startLine": p.line, "startColumn": p.column });
            }
            let text = match &f.help {
                Some(help) => format!("{} ({help})", f.message),
                None => f.message.clone(),
            };
            json!({
                "ruleId": f.code(),
                "ruleIndex": rules::ALL.iter().position(|r| r.code == f.code()),
                "level": level(f.severity()),
                "message": { "text": text },
                "locations": [location],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "msaforge",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count Unicode scalar values (as in the JSON format), not SARIF's default
            // UTF-16 code units: the two differ after an emoji or other astral character.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    to_pretty(&log)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_pretty<T: Serialize>(value: &T) -> String {
    // Serializing plain data to a String cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// `msaforge explain CODE`: what a rule checks, why, how to fix it, and where it comes from.
pub fn explain(rule: &Rule, lang: Lang) -> String {
    let severity = match (rule.severity, lang) {
        (Severity::Error, Lang::En) => "error",
        (Severity::Warning, Lang::En) => "warning",
        (Severity::Error, Lang::Ko) => "오류",
        (Severity::Warning, Lang::Ko) => "경고",
    };
    let heuristic = if rule.heuristic {
        lang.pick(", heuristic", ", 휴리스틱")
    } else {
        ""
    };
    let (what, why, fix, source) = match lang {
        Lang::En => (
            "What it checks",
            "Why it matters",
            "How to fix it",
            "Where it comes from",
        ),
        Lang::Ko => ("검사 내용", "중요한 이유", "고치는 방법", "근거"),
    };
    format!(
        "{code} {name} ({severity}{heuristic})\n\n{what}:\n  {}\n\n{why}:\n  {}\n\n{fix}:\n  {}\n\n{source}:\n  {}\n",
        rule.title.get(lang),
        rule.why.get(lang),
        rule.fix.get(lang),
        rule.source,
        code = rule.code,
        name = rule.name,
    )
}
