//! A rule's description: its code, name, severity, whether it is a heuristic, and what it checks,
//! why, how to fix it and where the idea comes from, in English and Korean.
//!
//! Each rule is a `static` beside the code that emits it (`check::rules::calls::MSA106`); a finding
//! is made from one (`Finding::new(&MSA106, ..)`) and takes its severity and heuristic flag from
//! it. `check::rules::ALL` lists them all for `explain`, SARIF, the docs and the design prompt.

use crate::check::Severity;
use crate::lang::Lang;

/// English and Korean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.en, self.ko)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    /// Short kebab-case name (SARIF `name`).
    pub name: &'static str,
    /// Every finding of the rule has this severity; `policy.ignore` can only drop it.
    pub severity: Severity,
    /// A hint for a human, not a proof: shown as such in every output.
    pub heuristic: bool,
    /// What it checks.
    pub title: Text,
    /// Why it matters.
    pub why: Text,
    /// How to fix it.
    pub fix: Text,
    /// Where the idea comes from.
    pub source: &'static str,
}
