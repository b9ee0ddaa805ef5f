//! Content hashes as msaforge records them (`sha256:<hex>`): of generated files and the spec in the
//! lock, and of the whole template set. A leaf module, so that what is hashed and what records the
//! hash need not know each other.

use sha2::{Digest, Sha256};

/// `sha256:<hex>` of some bytes.
pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
    }
    out
}
