//! The microservice rules, one file per family, each with the statics that describe its codes
//! beside the code that emits them. Every rule reads the checked `Spec` only and pushes findings;
//! none of them prints, and none stops the others.
//!
//! `ALL` lists every rule (these and the format family of `check::format`): `explain`, SARIF, the
//! policy's `ignore` list and the design prompt read it.

mod budget;
mod calls;
mod coupling;
mod data;
mod dr;
mod entries;
mod events;
mod fields;
mod infra;
mod references;
mod reserved;
mod routes;
mod size;
mod spelling;
mod structure;
mod teams;

use crate::check::{Finding, Rule, format};
use crate::lang::Lang;
use crate::spec::{Path, Spec};

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[
    &format::MSA001,
    &format::MSA002,
    &format::MSA003,
    &format::MSA004,
    &format::MSA005,
    &format::MSA006,
    &format::MSA007,
    &format::MSA010,
    &reserved::MSA011,
    &spelling::MSA012,
    &references::MSA013,
    &structure::MSA014,
    &format::MSA015,
    &format::MSA016,
    &fields::MSA017,
    &entries::MSA018,
    &entries::MSA019,
    &fields::MSA020,
    &calls::MSA101,
    &calls::MSA102,
    &coupling::MSA103,
    &coupling::MSA104,
    &routes::MSA105,
    &calls::MSA106,
    &calls::MSA107,
    &events::MSA108,
    &events::MSA109,
    &routes::MSA110,
    &size::MSA111,
    &size::MSA112,
    &calls::MSA113,
    &routes::MSA114,
    &budget::MSA115,
    &routes::MSA116,
    &events::MSA117,
    &events::MSA118,
    &teams::MSA120,
    &teams::MSA121,
    &teams::MSA122,
    &dr::MSA201,
    &dr::MSA202,
    &dr::MSA203,
    &dr::MSA204,
    &dr::MSA205,
    &dr::MSA206,
    &data::MSA301,
    &data::MSA302,
    &data::MSA303,
    &data::MSA304,
    &data::MSA305,
    &data::MSA306,
    &data::MSA307,
    &data::MSA308,
];

/// Looks a rule up by code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// `contexts[i]`.
fn ctx(i: usize) -> Path {
    Path::root().key("contexts").index(i)
}

/// Runs every rule family over the spec.
pub fn run(spec: &Spec, lang: Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    structure::check(spec, lang, &mut out);
    infra::check(spec, lang, &mut out);
    entries::check(spec, lang, &mut out);
    calls::check(spec, lang, &mut out);
    budget::check(spec, lang, &mut out);
    coupling::check(spec, lang, &mut out);
    routes::check(spec, lang, &mut out);
    events::check(spec, lang, &mut out);
    teams::check(spec, lang, &mut out);
    size::check(spec, lang, &mut out);
    dr::check(spec, lang, &mut out);
    data::check(spec, lang, &mut out);
    reserved::stack_clashes(spec, lang, &mut out);
    out
}

#[cfg(test)]
mod completeness;
