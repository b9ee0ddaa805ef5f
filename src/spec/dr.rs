//! The DR grade table and the limits of each strategy, as data the user can override.
//!
//! msaforge's own proposal (no official RTO/RPO per grade is published): see `msaforge explain MSA203`
//! and the README. This module only holds and looks up the table; rules that judge it live in `check`.

use serde::Serialize;

use super::model::{DrProfile, Strategy, StrategyLimit};
use super::names::Millis;

/// One grade's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GradeProfile {
    pub grade: u8,
    pub strategy: Strategy,
    pub rto: Millis,
    pub rpo: Millis,
}

/// The grade -> profile table in force for one spec: built-in rows replaced by `dr_profiles`.
#[derive(Debug, Clone, Serialize)]
pub struct DrTable {
    rows: Vec<GradeProfile>,
}

/// msaforge's built-in table (grades 1-5; 5 is the older local-government grade, treated as 4).
pub const BUILTIN: [GradeProfile; 5] = [
    GradeProfile {
        grade: 1,
        strategy: Strategy::ActiveActive,
        rto: Millis::from_minutes(15),
        rpo: Millis(0),
    },
    GradeProfile {
        grade: 2,
        strategy: Strategy::ActiveStandby,
        rto: Millis::from_hours(4),
        rpo: Millis::from_minutes(15),
    },
    GradeProfile {
        grade: 3,
        strategy: Strategy::BackupRestore,
        rto: Millis::from_hours(24),
        rpo: Millis::from_hours(24),
    },
    GradeProfile {
        grade: 4,
        strategy: Strategy::BackupRestore,
        rto: Millis::from_hours(72),
        rpo: Millis::from_hours(24),
    },
    GradeProfile {
        grade: 5,
        strategy: Strategy::BackupRestore,
        rto: Millis::from_hours(72),
        rpo: Millis::from_hours(24),
    },
];

/// The fastest recovery each strategy can honestly promise (msaforge's defaults).
pub const BUILTIN_LIMITS: [(Strategy, Millis, Millis); 3] = [
    (Strategy::ActiveActive, Millis(0), Millis(0)),
    (Strategy::ActiveStandby, Millis::from_minutes(5), Millis(0)),
    (
        Strategy::BackupRestore,
        Millis::from_hours(4),
        Millis::from_hours(1),
    ),
];

impl DrTable {
    /// The built-in table with the user's rows applied on top (a later row for the same grade wins).
    pub fn with_overrides(overrides: &[DrProfile]) -> Self {
        let mut rows = BUILTIN.to_vec();
        for o in overrides {
            let (Some(rto), Some(rpo)) = (o.rto.parse(), o.rpo.parse()) else {
                continue;
            };
            if let Some(row) = rows.iter_mut().find(|r| r.grade == o.grade) {
                *row = GradeProfile {
                    grade: o.grade,
                    strategy: o.strategy,
                    rto,
                    rpo,
                };
            }
        }
        DrTable { rows }
    }

    /// The profile of a grade. Grades outside 1-5 fall back to the weakest grade.
    pub fn profile(&self, grade: u8) -> GradeProfile {
        let grade = grade.clamp(1, 5);
        self.rows
            .iter()
            .copied()
            .find(|r| r.grade == grade)
            .unwrap_or(BUILTIN[4])
    }

    pub fn rows(&self) -> &[GradeProfile] {
        &self.rows
    }
}

/// The per-strategy limits in force: built-in rows replaced by the policy's `strategy_limits`.
pub fn strategy_limit(overrides: &[StrategyLimit], strategy: Strategy) -> (Millis, Millis) {
    overrides
        .iter()
        .rev()
        .find(|l| l.strategy == strategy)
        .and_then(|l| Some((l.min_rto.parse()?, l.min_rpo.parse()?)))
        .or_else(|| {
            BUILTIN_LIMITS
                .iter()
                .find(|(s, _, _)| *s == strategy)
                .map(|(_, rto, rpo)| (*rto, *rpo))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::names::Duration;

    #[test]
    fn overrides_replace_one_grade() {
        let table = DrTable::with_overrides(&[DrProfile {
            grade: 2,
            strategy: Strategy::ActiveStandby,
            rto: Duration::Text("2h".into()),
            rpo: Duration::Text("5m".into()),
        }]);
        assert_eq!(table.profile(2).rto, Millis::from_hours(2));
        assert_eq!(table.profile(2).rpo, Millis::from_minutes(5));
        assert_eq!(table.profile(1), BUILTIN[0]);
        assert_eq!(table.profile(5).rto, table.profile(4).rto);
    }
}
