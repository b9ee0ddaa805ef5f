//! The synchronous call graph of a spec: edges caller -> callee over resolved targets, cycles
//! (Tarjan's strongly connected components) and longest chains.
//!
//! Pure graph algorithms over context indices; judging (rules) and planning (DR) live elsewhere.
//! Unknown call targets are skipped: `check` reports them.

use super::Spec;

/// Edges `caller -> (callee, call index)` over resolved call targets.
pub struct Graph {
    pub edges: Vec<Vec<(usize, usize)>>,
}

impl Graph {
    pub fn new(spec: &Spec, only_critical: bool) -> Self {
        let edges = spec
            .contexts
            .iter()
            .map(|c| {
                let mut out: Vec<(usize, usize)> = c
                    .calls
                    .iter()
                    .enumerate()
                    .filter(|(_, call)| !only_critical || call.critical)
                    .filter_map(|(k, call)| spec.context_index(&call.context).map(|t| (t, k)))
                    .collect();
                out.sort_unstable();
                out.dedup_by_key(|(t, _)| *t);
                out
            })
            .collect();
        Graph { edges }
    }

    /// A graph from plain adjacency lists (tests and tools that have no spec).
    pub fn from_edges(edges: &[Vec<usize>]) -> Self {
        Graph {
            edges: edges
                .iter()
                .map(|e| e.iter().map(|&t| (t, 0)).collect())
                .collect(),
        }
    }

    /// Strongly connected components, each sorted, callees' components before their callers'
    /// (Tarjan's order: reverse topological).
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.edges.len();
        let mut state = Tarjan {
            index: vec![usize::MAX; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            sccs: Vec::new(),
        };
        for v in 0..n {
            if state.index[v] == usize::MAX {
                state.visit(self, v);
            }
        }
        for scc in &mut state.sccs {
            scc.sort_unstable();
        }
        state.sccs
    }

    /// Strongly connected components with a cycle (more than one node, or a self-call), each as a
    /// cycle path in call order starting from its smallest index.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.edges.len();
        let mut cycles = Vec::new();
        for scc in self.components() {
            let start = scc[0];
            let self_loop = self.edges[start].iter().any(|(t, _)| *t == start);
            if scc.len() == 1 && !self_loop {
                continue;
            }
            // Walk inside the component from its smallest node back to it: a concrete cycle.
            let mut path = vec![start];
            let mut seen = vec![false; n];
            seen[start] = true;
            if self.walk_back(start, start, &scc, &mut path, &mut seen) {
                cycles.push(path);
            }
        }
        cycles.sort();
        cycles
    }

    fn walk_back(
        &self,
        at: usize,
        goal: usize,
        scc: &[usize],
        path: &mut Vec<usize>,
        seen: &mut [bool],
    ) -> bool {
        for &(t, _) in &self.edges[at] {
            if t == goal {
                return true;
            }
            if scc.binary_search(&t).is_ok() && !seen[t] {
                seen[t] = true;
                path.push(t);
                if self.walk_back(t, goal, scc, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }

    /// The longest chain of calls starting at each node: its length in hops and the first node
    /// after it (only meaningful on a graph without cycles; nodes in cycles get no chain). Follow
    /// `next` for the chain itself: storing each node's whole chain is quadratic on a long line.
    pub fn longest_chains(&self) -> Vec<(usize, Option<usize>)> {
        let n = self.edges.len();
        let mut memo: Vec<Option<(usize, Option<usize>)>> = vec![None; n];
        let mut visiting = vec![false; n];
        for v in 0..n {
            self.longest_from(v, &mut memo, &mut visiting);
        }
        memo.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn longest_from(
        &self,
        v: usize,
        memo: &mut Vec<Option<(usize, Option<usize>)>>,
        visiting: &mut Vec<bool>,
    ) -> usize {
        if let Some((len, _)) = memo[v] {
            return len;
        }
        if visiting[v] {
            return 0;
        }
        visiting[v] = true;
        let mut best = (0, None);
        for &(t, _) in &self.edges[v] {
            let len = 1 + self.longest_from(t, memo, visiting);
            if len > best.0 {
                best = (len, Some(t));
            }
        }
        visiting[v] = false;
        memo[v] = Some(best);
        best.0
    }

    /// The nodes after `v` on its longest chain, from `longest_chains`.
    pub fn chain_after(chains: &[(usize, Option<usize>)], v: usize) -> Vec<usize> {
        std::iter::successors(chains[v].1, |&t| chains[t].1).collect()
    }
}

struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    sccs: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, g: &Graph, v: usize) {
        self.index[v] = self.next;
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &(w, _) in &g.edges[v] {
            if self.index[w] == usize::MAX {
                self.visit(g, w);
                self.low[v] = self.low[v].min(self.low[w]);
            } else if self.on_stack[w] {
                self.low[v] = self.low[v].min(self.index[w]);
            }
        }
        if self.low[v] == self.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            self.sccs.push(scc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Graph;

    fn graph(edges: &[&[usize]]) -> Graph {
        Graph::from_edges(&edges.iter().map(|e| e.to_vec()).collect::<Vec<_>>())
    }

    #[test]
    fn finds_cycles_and_self_calls() {
        assert_eq!(graph(&[&[1], &[2], &[0]]).cycles(), vec![vec![0, 1, 2]]);
        assert_eq!(graph(&[&[0]]).cycles(), vec![vec![0]]);
        assert!(graph(&[&[1, 2], &[2], &[]]).cycles().is_empty());
    }

    #[test]
    fn longest_chain_follows_the_deepest_branch() {
        let chains = graph(&[&[1, 3], &[2], &[], &[]]).longest_chains();
        assert_eq!(Graph::chain_after(&chains, 0), vec![1, 2]);
        assert_eq!(chains[0].0, 2);
        assert!(Graph::chain_after(&chains, 2).is_empty());
    }

    #[test]
    fn components_come_callees_first() {
        // 0 -> 1 <-> 2 -> 3
        let sccs = graph(&[&[1], &[2], &[1, 3], &[]]).components();
        assert_eq!(sccs, vec![vec![3], vec![1, 2], vec![0]]);
    }
}
