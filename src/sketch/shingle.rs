//! Word n-gram shingles hashed to 64 bits with a stable, seeded hash.
//!
//! # The hash
//! Each normalized token is hashed with XXH3-64 (`xxh3_64_with_seed`, from the
//! `xxhash-rust` crate) under the user's seed. A shingle of `n` consecutive
//! tokens is XXH3-64 of the `n` token hashes written as little-endian `u64`s,
//! under the same seed. XXH3 is specified bit for bit and its output does not
//! depend on the CPU, its features or the endianness, so the same text and
//! seed give the same shingle hashes everywhere. (`ahash` is used only for
//! in-memory hash maps: its output varies with CPU features.)
//!
//! # Short texts
//! A text with fewer than `n` tokens (but at least one) yields exactly one
//! shingle made of all its tokens, so short sentences and headlines can still
//! be compared; a text without tokens yields no shingle.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::text::Tokens;

/// Default shingle size for whole documents (word 5-grams).
pub const DEFAULT_DOCUMENT_SHINGLE: usize = 5;
/// Default shingle size for single sentences (word bigrams): sentences are
/// short, and with bigrams a changed word breaks only two shingles, so a
/// sentence with a few words changed stays above the threshold while a pair
/// that shares only a name stays far below it.
pub const DEFAULT_SENTENCE_SHINGLE: usize = 2;
/// Largest accepted shingle size.
pub const MAX_SHINGLE: usize = 64;

/// Shingling parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Shingler {
    size: usize,
    seed: u64,
}

impl Shingler {
    /// A shingler of word `size`-grams under `seed`; `size` must be in
    /// `1..=64`.
    pub fn new(size: usize, seed: u64) -> Result<Shingler> {
        if size == 0 || size > MAX_SHINGLE {
            return Err(Error::InvalidParameter {
                name: "shingle",
                value: size.to_string(),
                reason: "must be between 1 and 64 words",
            });
        }
        Ok(Shingler { size, seed })
    }

    /// The n-gram size in words.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Hash of one normalized token.
    #[inline]
    pub fn token_hash(&self, token: &str) -> u64 {
        xxh3_64_with_seed(token.as_bytes(), self.seed)
    }

    /// Hashes of all tokens, in order.
    pub fn token_hashes(&self, tokens: &Tokens) -> Vec<u64> {
        tokens.norms().map(|t| self.token_hash(t)).collect()
    }

    /// Calls `f` with the hash of every shingle of the token hash sequence,
    /// in order (duplicates included).
    pub fn for_each_shingle(&self, token_hashes: &[u64], mut f: impl FnMut(u64)) {
        let n = self.size.min(token_hashes.len());
        if n == 0 {
            return;
        }
        let mut buf = [0u8; 8 * MAX_SHINGLE];
        for window in token_hashes.windows(n) {
            for (chunk, h) in buf.chunks_exact_mut(8).zip(window) {
                chunk.copy_from_slice(&h.to_le_bytes());
            }
            f(xxh3_64_with_seed(&buf[..8 * n], self.seed));
        }
    }

    /// The shingle hashes of token hashes stored as consecutive
    /// little-endian `u64`s (8 bytes per token, as `h.to_le_bytes()`), in
    /// order: the same hashes as [`Shingler::for_each_shingle`], each
    /// computed on its window of the bytes in place, without copying.
    pub fn shingles_le<'a>(&self, token_bytes: &'a [u8]) -> impl Iterator<Item = u64> + 'a {
        debug_assert_eq!(token_bytes.len() % 8, 0);
        let tokens = token_bytes.len() / 8;
        let n = self.size.min(tokens);
        let seed = self.seed;
        // No window at all when there is no token.
        let windows = if n == 0 { 0 } else { tokens - n + 1 };
        (0..windows).map(move |i| xxh3_64_with_seed(&token_bytes[8 * i..8 * (i + n)], seed))
    }

    /// All shingle hashes in order (duplicates included).
    pub fn shingles(&self, token_hashes: &[u64]) -> Vec<u64> {
        let mut out = Vec::with_capacity(token_hashes.len());
        self.for_each_shingle(token_hashes, |h| out.push(h));
        out
    }

    /// The shingle *set*: sorted, without duplicates.
    pub fn shingle_set(&self, token_hashes: &[u64]) -> Vec<u64> {
        let mut out = self.shingles(token_hashes);
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Exact Jaccard similarity `|a ∩ b| / |a ∪ b|` of two sorted, deduplicated
/// sets. Two empty sets have similarity 0.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let inter = intersection_len(a, b);
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Containment `|a ∩ b| / |a|` of sorted, deduplicated set `a` in `b` (0 when
/// `a` is empty).
pub fn containment(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() {
        0.0
    } else {
        intersection_len(a, b) as f64 / a.len() as f64
    }
}

/// Size of the intersection of two sorted, deduplicated sets.
pub fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, n: usize, seed: u64) -> Vec<u64> {
        let s = Shingler::new(n, seed).unwrap();
        s.shingle_set(&s.token_hashes(&Tokens::new(text)))
    }

    #[test]
    fn hashes_are_stable_across_runs_and_machines() {
        // Pinned values: if these change, every stored signature and index
        // changes meaning. XXH3 is specified bit for bit, so they must not.
        let s = Shingler::new(3, 42).unwrap();
        assert_eq!(s.token_hash("syria"), xxh3_64_with_seed(b"syria", 42));
        let hashes = s.shingles(&s.token_hashes(&Tokens::new("The quick brown fox")));
        assert_eq!(hashes.len(), 2);
        // Cross-checked against the reference C implementation (Python
        // `xxhash.xxh3_64_intdigest(b"syria", seed=42)`).
        assert_eq!(s.token_hash("syria"), 0xaa2d_6a94_7ef3_c90b);
        assert_eq!(hashes, [0x01e4_02ac_e44c_b337, 0x65c7_702f_2de9_98ac]);
    }

    #[test]
    fn shingles_of_little_endian_token_bytes_are_the_same() {
        for n in [1, 3, 5] {
            let s = Shingler::new(n, 11).unwrap();
            for text in ["", "one", "one two", "a b c d e f g h i j"] {
                let hashes = s.token_hashes(&Tokens::new(text));
                let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
                let got: Vec<u64> = s.shingles_le(&bytes).collect();
                assert_eq!(got, s.shingles(&hashes), "{n} {text}");
            }
        }
    }

    #[test]
    fn number_of_shingles() {
        let s = Shingler::new(3, 1).unwrap();
        let toks = s.token_hashes(&Tokens::new("a b c d e"));
        assert_eq!(s.shingles(&toks).len(), 3);
    }

    #[test]
    fn text_shorter_than_n_gives_one_shingle() {
        assert_eq!(set("two words", 5, 0).len(), 1);
        assert_eq!(set("...", 5, 0).len(), 0);
        assert_ne!(set("two words", 5, 0), set("other words", 5, 0));
    }

    #[test]
    fn normalization_makes_shingles_equal() {
        assert_eq!(
            set("“Don’t stop,” he SAID.", 2, 7),
            set("\"don't stop\" he said", 2, 7)
        );
    }

    #[test]
    fn seed_changes_hashes() {
        assert_ne!(set("a b c d", 2, 1), set("a b c d", 2, 2));
    }

    #[test]
    fn order_matters_within_a_shingle() {
        assert_ne!(set("a b", 2, 0), set("b a", 2, 0));
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(Shingler::new(0, 0).is_err());
        assert!(Shingler::new(65, 0).is_err());
    }

    #[test]
    fn exact_jaccard_and_containment() {
        let a = [1, 2, 3, 4];
        let b = [3, 4, 5];
        assert_eq!(intersection_len(&a, &b), 2);
        assert!((jaccard(&a, &b) - 0.4).abs() < 1e-12);
        assert!((containment(&b, &a) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }
}
