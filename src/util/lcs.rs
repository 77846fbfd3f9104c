//! Longest common subsequences and multiset overlaps of hashed word
//! sequences: the alignment kernels of the comparer and the aligner.

use ahash::AHashMap;

/// Length of the longest common subsequence, bit-parallel (Hyyrö 2004):
/// `O(|a|·|b|/64)` word operations.
pub fn lcs_len(a: &[u64], b: &[u64]) -> usize {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if a.is_empty() {
        return 0;
    }
    let words = a.len().div_ceil(64);
    let mut masks: AHashMap<u64, Vec<u64>> = AHashMap::new();
    for (i, &x) in a.iter().enumerate() {
        masks.entry(x).or_insert_with(|| vec![0u64; words])[i / 64] |= 1u64 << (i % 64);
    }
    let mut v = vec![!0u64; words];
    for y in b {
        let Some(m) = masks.get(y) else { continue };
        let mut carry = false;
        for k in 0..words {
            let u = v[k] & m[k];
            let (s1, c1) = v[k].overflowing_add(u);
            let (s2, c2) = s1.overflowing_add(carry as u64);
            carry = c1 || c2;
            v[k] = s2 | (v[k] & !u);
        }
    }
    let mut zeros = 0usize;
    for (k, &x) in v.iter().enumerate() {
        let bits = if k + 1 == words && a.len() % 64 != 0 {
            a.len() % 64
        } else {
            64
        };
        let mask = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
        zeros += (!x & mask).count_ones() as usize;
    }
    zeros
}

/// An order-preserving alignment of `a` and `b`: the matched index pairs of
/// a longest common subsequence, in order.
pub fn lcs_pairs(a: &[u64], b: &[u64]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let w = m + 1;
    let mut t = vec![0u32; (n + 1) * w];
    for i in 1..=n {
        for j in 1..=m {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let mut out = Vec::with_capacity(t[n * w + m] as usize);
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if a[i - 1] == b[j - 1] && t[i * w + j] == t[(i - 1) * w + j - 1] + 1 {
            out.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if t[(i - 1) * w + j] >= t[i * w + j - 1] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out.reverse();
    out
}

/// The longest common subsequence of `a` and `b` by dynamic programming,
/// carrying how many of its matches are flagged on both sides
/// (`a_flag[i] && b_flag[j]`): `(length, flagged)`, maximizing the length
/// first, then the flagged count. `O(|a|·|b|)` time, `O(|b|)` memory.
pub fn lcs_with_flags(a: &[u64], a_flag: &[bool], b: &[u64], b_flag: &[bool]) -> (usize, usize) {
    let m = b.len();
    let mut prev = vec![(0u32, 0u32); m + 1];
    let mut cur = vec![(0u32, 0u32); m + 1];
    for i in 0..a.len() {
        for j in 0..m {
            let skip = prev[j + 1].max(cur[j]);
            cur[j + 1] = if a[i] == b[j] {
                let (l, c) = prev[j];
                (l + 1, c + u32::from(a_flag[i] && b_flag[j])).max(skip)
            } else {
                skip
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (l, c) = prev[m];
    (l as usize, c as usize)
}

/// Size of the multiset intersection of `a` and `b` (an upper bound of
/// their LCS).
pub fn multiset_overlap(a: &[u64], b: &[u64]) -> usize {
    multiset_overlap_with(a, b, |_, _| ())
}

/// Size of the multiset intersection of `a` and `b`, calling
/// `matched(i, j)` for every element `b[j]` that is matched, with `i` the
/// first position of that value in `a`.
pub fn multiset_overlap_with(a: &[u64], b: &[u64], mut matched: impl FnMut(usize, usize)) -> usize {
    let mut counts: AHashMap<u64, (u32, usize)> = AHashMap::new();
    for (i, &x) in a.iter().enumerate() {
        counts.entry(x).or_insert((0, i)).0 += 1;
    }
    let mut n = 0;
    for (j, y) in b.iter().enumerate() {
        if let Some(e) = counts.get_mut(y) {
            if e.0 > 0 {
                e.0 -= 1;
                n += 1;
                matched(e.1, j);
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcs_oracle(a: &[u64], b: &[u64]) -> usize {
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                dp[i][j] = if a[i - 1] == b[j - 1] {
                    dp[i - 1][j - 1] + 1
                } else {
                    dp[i - 1][j].max(dp[i][j - 1])
                };
            }
        }
        dp[a.len()][b.len()]
    }

    #[test]
    fn bit_parallel_lcs_matches_the_dynamic_programme() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..300 {
            let n = rng.gen_range(0..200);
            let m = rng.gen_range(0..200);
            let k = rng.gen_range(1..12u64);
            let a: Vec<u64> = (0..n).map(|_| rng.gen_range(0..k)).collect();
            let b: Vec<u64> = (0..m).map(|_| rng.gen_range(0..k)).collect();
            assert_eq!(lcs_len(&a, &b), lcs_oracle(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn lcs_pairs_is_a_longest_common_subsequence() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..200 {
            let a: Vec<u64> = (0..rng.gen_range(0..60))
                .map(|_| rng.gen_range(0..6))
                .collect();
            let b: Vec<u64> = (0..rng.gen_range(0..60))
                .map(|_| rng.gen_range(0..6))
                .collect();
            let pairs = lcs_pairs(&a, &b);
            assert_eq!(pairs.len(), lcs_oracle(&a, &b));
            for w in pairs.windows(2) {
                assert!(w[0].0 < w[1].0 && w[0].1 < w[1].1);
            }
            for &(i, j) in &pairs {
                assert_eq!(a[i], b[j]);
            }
        }
    }

    #[test]
    fn flagged_lcs_matches_the_plain_one_and_counts_flags() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..200 {
            let a: Vec<u64> = (0..rng.gen_range(0..40))
                .map(|_| rng.gen_range(0..5))
                .collect();
            let b: Vec<u64> = (0..rng.gen_range(0..40))
                .map(|_| rng.gen_range(0..5))
                .collect();
            let all = |v: &[u64]| vec![true; v.len()];
            let none = |v: &[u64]| vec![false; v.len()];
            let want = lcs_oracle(&a, &b);
            assert_eq!(lcs_with_flags(&a, &all(&a), &b, &all(&b)), (want, want));
            assert_eq!(lcs_with_flags(&a, &none(&a), &b, &all(&b)), (want, 0));
        }
    }

    #[test]
    fn multiset_overlap_counts_repeats_once_each() {
        assert_eq!(multiset_overlap(&[1, 1, 2, 3], &[1, 2, 2, 4, 1, 1]), 3);
        let mut firsts = Vec::new();
        multiset_overlap_with(&[7, 8, 7], &[7, 7, 7], |i, j| firsts.push((i, j)));
        assert_eq!(firsts, vec![(0, 0), (0, 1)]);
    }
}
