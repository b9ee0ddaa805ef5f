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

    /// The version of a file the tool would run (`0003_x.sql`: 3), `None` for other files. A
    /// version too large for `u32` counts as the largest.
    pub fn version_of(self, file: &str) -> Option<u32> {
        let stem = file.strip_suffix(".sql")?;
        let (digits, _) = match self {
            Naming::Sqlx => stem.split_once('_')?,
            Naming::Flyway => stem.strip_prefix('V')?.split_once("__")?,
        };
        let version = digits.split('.').next()?;
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(
            version
                .parse::<u64>()
                .map_or(u32::MAX, |v| u32::try_from(v).unwrap_or(u32::MAX)),
        )
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
        assert_eq!(Naming::Sqlx.version_of("0012_add_x.sql"), Some(12));
        assert_eq!(Naming::Flyway.version_of("V3__x.sql"), Some(3));
        assert_eq!(Naming::Flyway.version_of("V3.1__x.sql"), Some(3));
        assert_eq!(Naming::Sqlx.version_of("notes.sql"), None);
        assert_eq!(Naming::Sqlx.version_of("0002_x.up.sql"), Some(2));
    }
}
