//! A finding: one thing wrong (or worth a look) in a spec, made from its rule, with its place and
//! help.
//!
//! Findings are data; turning them into text, JSON or SARIF is `check::render`'s job.

use serde::Serialize;

use crate::check::Rule;
use crate::spec::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A second place that explains a finding (the other side of a clash, the next hop of a chain).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub path: Path,
    pub message: String,
}

/// One finding, made from its rule: its code, severity and heuristic flag are the rule's and cannot
/// be set apart from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    rule: &'static Rule,
    pub message: String,
    pub path: Path,
    /// Underline the key that introduces `path` rather than its value.
    pub at_key: bool,
    pub help: Option<String>,
    /// The label under the underlined place (default: the path).
    pub label: Option<String>,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn new(rule: &'static Rule, path: Path, message: String) -> Self {
        Finding {
            rule,
            message,
            path,
            at_key: false,
            help: None,
            label: None,
            related: Vec::new(),
        }
    }

    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity
    }

    /// The rule is a heuristic: a hint for a human, not a proof.
    pub fn heuristic(&self) -> bool {
        self.rule.heuristic
    }

    #[must_use]
    pub fn help(mut self, help: String) -> Self {
        self.help = Some(help);
        self
    }

    #[must_use]
    pub fn label(mut self, label: String) -> Self {
        self.label = Some(label);
        self
    }

    #[must_use]
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    #[must_use]
    pub fn related(mut self, path: Path, message: String) -> Self {
        self.related.push(Related { path, message });
        self
    }
}

impl Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The closest candidate by edit distance, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggestions_only_for_near_misses() {
        let keys = ["operations", "events", "calls", "purpose"];
        assert_eq!(did_you_mean("operation", keys), Some("operations"));
        assert_eq!(did_you_mean("purpos", keys), Some("purpose"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
