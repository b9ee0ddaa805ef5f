//! Where a context's migrations live and what they are called, per migration tool: sqlx
//! (`<version>_<name>.sql`, the version an `i64` above zero) and Flyway (`V<version>__<name>.sql`).
//! Both sort by the version's number; versions start at 1 and never repeat.

use serde::{Deserialize, Serialize};

/// The migration tool a stack's services run their migrations with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Naming {
    /// `sqlx::migrate!`: `0001_initial.sql`.
    Sqlx,
    /// Flyway: `V1__initial.sql`.
    Flyway,
}

impl Naming {
    /// The file name of migration `version` called `name` (snake_case).
    pub fn file_name(self, version: u32, name: &str) -> String {
        match self {
            Naming::Sqlx => format!("{version:04}_{name}.sql"),
            Naming::Flyway => format!("V{version}__{name}.sql"),
        }
    }
}

/// The directory of a context's migrations, relative to the output directory.
pub fn dir(context: &str) -> String {
    format!("services/{context}/migrations")
}

/// The path of one migration file, relative to the output directory.
pub fn path(context: &str, naming: Naming, version: u32, name: &str) -> String {
    format!("{}/{}", dir(context), naming.file_name(version, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_each_tool() {
        assert_eq!(
            path("placement", Naming::Sqlx, 1, "initial"),
            "services/placement/migrations/0001_initial.sql"
        );
        assert_eq!(Naming::Sqlx.file_name(12, "add_x"), "0012_add_x.sql");
        assert_eq!(Naming::Flyway.file_name(2, "add_x"), "V2__add_x.sql");
    }
}
