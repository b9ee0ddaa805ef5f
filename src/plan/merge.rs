//! Merging a `merge` file: the user's file, msaforge's new render and, when it can be trusted, the
//! base (what msaforge generated last time). With a base it is a diff3 3-way merge; without one
//! nothing tells the user's lines from msaforge's, so every region where the two differ is a
//! conflict (lines both have are written once). Text only; choosing the base is `classify`'s job.

use std::ops::Range;

use similar::{Algorithm, ConflictStyle, DiffOp, TextMerge, capture_diff_slices};

/// The labels of diff3 conflict markers.
pub(super) struct Labels {
    pub(super) yours: String,
    pub(super) base: String,
    pub(super) new: String,
}

impl Labels {
    /// Short labels for tests.
    #[cfg(test)]
    pub(super) fn plain() -> Labels {
        Labels {
            yours: "yours".into(),
            base: "base".into(),
            new: "new".into(),
        }
    }
}

/// A merge result: the text (with conflict markers when conflicted) and its conflict count.
pub(super) struct Merged {
    pub(super) text: String,
    pub(super) conflicts: usize,
}

/// Merges `yours` and `new` over `base` (`None`: no trustworthy base). A file saved with CRLF
/// line endings (an editor or git on Windows) is merged line by line like any other and keeps its
/// CRLF; otherwise every line would differ.
pub(super) fn merge(base: Option<&str>, yours: &str, new: &str, labels: &Labels) -> Merged {
    let crlf = yours.contains("\r\n");
    let lf = |t: &str| {
        if crlf {
            t.replace("\r\n", "\n")
        } else {
            t.to_owned()
        }
    };
    let (base, yours_lf) = (base.map(lf), lf(yours));
    let mut merged = match &base {
        Some(base) => {
            let mut merge = TextMerge::from_lines(base.as_str(), yours_lf.as_str(), new);
            merge.conflict_style(ConflictStyle::Diff3).labels(
                &labels.base,
                &labels.yours,
                &labels.new,
            );
            Merged {
                text: merge.to_string(),
                conflicts: merge.conflict_count(),
            }
        }
        None => two_way(&yours_lf, new, labels),
    };
    if crlf {
        merged.text = merged.text.replace('\n', "\r\n");
    }
    merged
}

/// Every region where `yours` and `new` differ becomes a conflict with an empty base section.
fn two_way(yours: &str, new: &str, labels: &Labels) -> Merged {
    use std::fmt::Write as _;
    let mine: Vec<&str> = yours.split_inclusive('\n').collect();
    let theirs: Vec<&str> = new.split_inclusive('\n').collect();
    // Runs of equal lines, and the differing regions between them (adjacent edits joined).
    let mut regions: Vec<(bool, Range<usize>, Range<usize>)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &mine, &theirs) {
        let equal = matches!(op, DiffOp::Equal { .. });
        let (o, n) = (op.old_range(), op.new_range());
        match regions.last_mut() {
            Some((false, po, pn)) if !equal => {
                po.end = o.end;
                pn.end = n.end;
            }
            _ => regions.push((equal, o, n)),
        }
    }
    let mut text = String::with_capacity(yours.len() + new.len());
    let lines = |text: &mut String, lines: &[&str]| {
        text.push_str(&lines.concat());
        if !text.ends_with('\n') {
            text.push('\n');
        }
    };
    let mut conflicts = 0;
    for (equal, o, n) in regions {
        if equal {
            text.push_str(&mine[o].concat());
            continue;
        }
        conflicts += 1;
        let _ = writeln!(text, "<<<<<<< {}", labels.yours);
        lines(&mut text, &mine[o]);
        let _ = writeln!(text, "||||||| {} (base missing)\n=======", labels.base);
        lines(&mut text, &theirs[n]);
        let _ = writeln!(text, ">>>>>>> {}", labels.new);
    }
    Merged { text, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_base_each_difference_is_a_conflict_and_common_lines_stay_single() {
        let m = merge(None, "a\nB\nc\nd\n", "a\nb\nc\nd\ne\n", &Labels::plain());
        assert_eq!(m.conflicts, 2);
        assert_eq!(
            m.text,
            "a\n<<<<<<< yours\nB\n||||||| base (base missing)\n=======\nb\n>>>>>>> new\nc\nd\n\
             <<<<<<< yours\n||||||| base (base missing)\n=======\ne\n>>>>>>> new\n"
        );
        let same = merge(None, "a\n", "a\n", &Labels::plain());
        assert_eq!((same.text.as_str(), same.conflicts), ("a\n", 0));
    }

    #[test]
    fn crlf_is_kept_without_a_base_too() {
        let m = merge(None, "a\r\nB\r\n", "a\nb\n", &Labels::plain());
        assert_eq!(m.conflicts, 1);
        assert!(
            m.text.starts_with("a\r\n<<<<<<< yours\r\nB\r\n"),
            "{:?}",
            m.text
        );
    }
}
