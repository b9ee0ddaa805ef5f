//! Bounded lists inside findings: names in a message ("a, b, c and 997 more"), chains of calls
//! ("a -> b -> ... 995 more ... -> z"), related places, and the groups of repeated keys that
//! become one finding each instead of one per pair. A finding's size stays bounded whatever the
//! size of the spec, so every output format stays linear in the spec.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;

use crate::lang::Lang;

/// Names shown in a message before the rest is counted.
pub const MAX_LISTED: usize = 10;
/// Related places attached to one finding; the message counts all of them.
pub const MAX_RELATED: usize = 8;
/// Hops of a chain shown at each end before the middle is counted.
const CHAIN_ENDS: usize = 3;

/// `a, b, c` or `a, b, c and 7 more` (`a, b, c 외 7개`).
pub fn listed<T: Display>(items: &[T], lang: Lang) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(ToString::to_string)
        .collect();
    let shown = shown.join(", ");
    match items.len().saturating_sub(MAX_LISTED) {
        0 => shown,
        more => tr!(lang, "{shown} and {more} more", "{shown} 외 {more}개"),
    }
}

/// `a -> b -> c`, or with the middle of a long chain counted: `a -> b -> c -> (994 more) -> y -> z`.
pub fn chained<T: Display>(items: &[T], lang: Lang) -> String {
    let all: Vec<String> = if items.len() <= 2 * CHAIN_ENDS + 1 {
        items.iter().map(ToString::to_string).collect()
    } else {
        let more = items.len() - 2 * CHAIN_ENDS;
        let head = items[..CHAIN_ENDS].iter().map(ToString::to_string);
        let tail = items[items.len() - CHAIN_ENDS..]
            .iter()
            .map(ToString::to_string);
        head.chain(std::iter::once(tr!(lang, "({more} more)", "(외 {more}개)")))
            .chain(tail)
            .collect()
    };
    all.join(" -> ")
}

/// The indices of every key that occurs more than once, one group per key in the order of the
/// key's first occurrence; each group in file order.
pub fn repeats<K: Hash + Eq>(keys: impl IntoIterator<Item = K>) -> Vec<Vec<usize>> {
    // Per key: its first index and, once it repeats, its group. Unique keys (the common case)
    // allocate no group of their own.
    let keys = keys.into_iter();
    let mut first: HashMap<K, (usize, Option<usize>)> = HashMap::with_capacity(keys.size_hint().0);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, key) in keys.enumerate() {
        match first.get_mut(&key) {
            Some((_, Some(g))) => groups[*g].push(i),
            Some((at, group @ None)) => {
                *group = Some(groups.len());
                groups.push(vec![*at, i]);
            }
            None => {
                first.insert(key, (i, None));
            }
        }
    }
    // Groups in the order of their key's first occurrence.
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_counted() {
        let names: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        assert_eq!(listed(&names[..2], Lang::En), "c0, c1");
        assert_eq!(
            listed(&names, Lang::En),
            "c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 990 more"
        );
        assert!(listed(&names, Lang::Ko).ends_with("c9 외 990개"));
        assert_eq!(chained(&names[..3], Lang::En), "c0 -> c1 -> c2");
        assert_eq!(
            chained(&names, Lang::En),
            "c0 -> c1 -> c2 -> (994 more) -> c997 -> c998 -> c999"
        );
    }

    #[test]
    fn repeats_are_grouped_by_key() {
        assert_eq!(
            repeats(["a", "b", "a", "c", "b", "a"]),
            [vec![0, 2, 5], vec![1, 4]]
        );
        assert!(repeats(["a", "b"]).is_empty());
    }
}
