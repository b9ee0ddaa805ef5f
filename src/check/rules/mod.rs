//! The microservice rules, one file per family. Every rule reads the checked `Spec` only and pushes
//! findings; none of them prints, and none stops the others.

mod calls;
mod design;
pub mod dr;
mod infra;
mod java;
mod rust;
mod spelling;
mod structure;

use crate::check::Finding;
use crate::lang::Lang;
use crate::spec::{Path, Spec};

/// `contexts[i]`.
fn ctx(i: usize) -> Path {
    Path::root().key("contexts").index(i)
}

/// Runs every rule family over the spec.
pub fn run(spec: &Spec, lang: Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    structure::check(spec, lang, &mut out);
    infra::check(spec, lang, &mut out);
    calls::check(spec, lang, &mut out);
    design::check(spec, lang, &mut out);
    dr::check(spec, lang, &mut out);
    java::check(spec, lang, &mut out);
    rust::check(spec, lang, &mut out);
    out
}
