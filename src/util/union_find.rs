//! Union-find over `0..n` (path halving) whose root is always the smallest
//! member, so the root of a set is its earliest element whatever the order
//! of the unions.

/// Disjoint sets of `u32` elements.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons; `n` must fit in `u32`.
    pub fn new(n: usize) -> UnionFind {
        assert!(
            n <= u32::MAX as usize,
            "union-find over more than 2^32 elements"
        );
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// The root (smallest member) of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; true if they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[hi as usize] = lo;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: connected components by repeated relabelling.
    fn oracle(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let mut label: Vec<u32> = (0..n as u32).collect();
        loop {
            let mut changed = false;
            for &(a, b) in edges {
                let m = label[a as usize].min(label[b as usize]);
                for x in [a, b] {
                    if label[x as usize] != m {
                        label[x as usize] = m;
                        changed = true;
                    }
                }
            }
            if !changed {
                return label;
            }
        }
    }

    #[test]
    fn union_find_root_is_the_smallest() {
        let mut u = UnionFind::new(6);
        assert!(u.union(4, 5));
        assert!(u.union(5, 2));
        assert!(!u.union(4, 2));
        assert!(u.union(3, 1));
        assert_eq!(u.find(5), 2);
        assert_eq!(u.find(3), 1);
        assert!(u.union(1, 4));
        assert_eq!(u.find(5), 1);
        assert_eq!(u.find(0), 0);
    }

    proptest::proptest! {
        #[test]
        fn roots_are_the_smallest_member(edges in proptest::collection::vec((0u32..40, 0u32..40), 0..60)) {
            let mut uf = UnionFind::new(40);
            for &(a, b) in &edges {
                uf.union(a, b);
            }
            let want = oracle(40, &edges);
            for x in 0..40u32 {
                proptest::prop_assert_eq!(uf.find(x), want[x as usize]);
            }
        }
    }
}
