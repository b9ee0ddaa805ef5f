//! What commands read: a spec file or standard input (size-limited), a policy file, and a spec
//! checked before `generate`, `plan` or `new` may use it.

use std::io::Read;
use std::path::Path;

use super::{CmdError, output};
use crate::check::{self, render};
use crate::lang::Lang;

/// The bytes of `path`, or of standard input for `-`, with the name findings show for it.
pub fn read_spec(path: &Path) -> Result<(String, Vec<u8>), CmdError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(crate::spec::load::MAX_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| CmdError::Read {
                path: "<stdin>".into(),
                source,
            })?;
        return Ok(("<stdin>".into(), bytes));
    }
    let name = path.display().to_string();
    let bytes = read_limited(path).map_err(|source| CmdError::Read {
        path: name.clone(),
        source,
    })?;
    Ok((name, bytes))
}

/// Reads at most one byte past the size limit, so a huge file is refused without loading it.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(crate::spec::load::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A `--policy` file: the `policy:` section of a spec as its own YAML file.
pub fn read_policy(path: &Path) -> Result<crate::spec::model::Policy, CmdError> {
    let name = path.display().to_string();
    let bytes = read_limited(path).map_err(|source| CmdError::Read {
        path: name.clone(),
        source,
    })?;
    let invalid = |detail: String| CmdError::Policy {
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

/// Reads and checks a spec; prints the findings on standard error and returns `None` when it has
/// errors.
pub fn checked_spec(path: &Path, lang: Lang) -> Result<Option<crate::spec::Spec>, CmdError> {
    let (name, bytes) = read_spec(path)?;
    let report = check::check_bytes(&name, &bytes, &check::Options { lang, policy: None });
    if let Some(spec) = report.spec.clone().filter(|_| !report.has_errors()) {
        return Ok(Some(spec));
    }
    output::to_stderr(&render::human(&report, lang, output::stderr_is_terminal()));
    output::to_stderr(&format!(
        "{}\n",
        lang.pick(
            "msaforge generates only from a spec without errors.",
            "msaforge는 오류가 없는 spec에서만 생성합니다."
        )
    ));
    Ok(None)
}
