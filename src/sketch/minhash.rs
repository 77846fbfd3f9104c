//! Seeded MinHash signatures: one-permutation hashing with optimal
//! densification.
//!
//! # Scheme
//! A signature has `k` bins (`--permutations`, default 128). Each shingle hash
//! `x` is re-mixed with the seed, `h = fmix64(x ^ seed')`; the high 32 bits of
//! `h` pick the bin (`(hi * k) >> 32`) and the low 32 bits are the value, and
//! each bin keeps its minimum value. This is *one-permutation hashing*
//! (Li, Owen & Zhang, NIPS 2012): one hash per shingle instead of `k`, so a
//! signature costs O(|set| + k) rather than O(|set| · k).
//!
//! Bins that no shingle fell into are filled by *optimal densification*
//! (Shrivastava, ICML 2017): empty bin `i` probes bins
//! `g(i, 1), g(i, 2), …` (a seeded hash of the bin and attempt number) and
//! copies the value of the first non-empty one. Both sets of a pair probe the
//! same sequence, so the probability that bin `i` agrees is again the Jaccard
//! similarity, and the variance is close to that of `k` independent
//! permutations even for sets much smaller than `k` (short sentences).
//!
//! Values are 32 bits, so a 128-bin signature takes 512 bytes. Everything is a
//! pure function of the shingle hashes and the seed: signatures are identical
//! on every machine and at every thread count.

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Default number of permutations (bins).
pub const DEFAULT_PERMUTATIONS: usize = 128;
/// Largest number of permutations. Densifying a one-shingle set probes
/// about k² bins (67M at 8192, a fraction of a second); far larger k would
/// turn tiny sets into hangs, and no use of MinHash needs it.
pub const MAX_PERMUTATIONS: usize = 8192;
/// Identifies the scheme in reports and compatibility checks.
pub const SCHEME: &str = "oph-optimal-densification/xxh3-fmix64/u32";

/// Parameters that a signature carries; signatures are comparable only when
/// all of them are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct MinHashParams {
    /// Number of bins (permutations).
    pub permutations: usize,
    /// Seed for the bin/value hash and the densification probes.
    pub seed: u64,
    /// Word n-gram size of the shingles that were hashed.
    pub shingle_size: usize,
}

impl std::fmt::Display for MinHashParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} permutations={} seed={} shingle={}",
            SCHEME, self.permutations, self.seed, self.shingle_size
        )
    }
}

/// A MinHash signature with the parameters it was built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    params: MinHashParams,
    /// True if the shingle set was empty (then every value is `u32::MAX`).
    empty: bool,
    values: Box<[u32]>,
}

impl Signature {
    /// The parameters the signature was built with.
    pub fn params(&self) -> &MinHashParams {
        &self.params
    }

    /// The bin values.
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// True if it was built from an empty set.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// A signature from stored values (a signature read back from a file,
    /// or unpickled): `values` must hold one value per permutation of
    /// `params`, and `params` must be valid for [`MinHasher::new`]. `empty`
    /// marks the signature of a text without shingles.
    pub fn from_values(params: MinHashParams, values: Vec<u32>, empty: bool) -> Result<Signature> {
        MinHasher::new(params)?;
        if values.len() != params.permutations {
            return Err(Error::IncompatibleSignatures {
                left: params.to_string(),
                right: format!("{} values", values.len()),
            });
        }
        Ok(Signature {
            params,
            empty,
            values: values.into_boxed_slice(),
        })
    }

    /// Estimated Jaccard similarity: the fraction of bins that agree. An error
    /// if the signatures were built with different parameters; 0 if either
    /// set was empty.
    pub fn jaccard(&self, other: &Signature) -> Result<f64> {
        if self.params != other.params {
            return Err(Error::IncompatibleSignatures {
                left: self.params.to_string(),
                right: other.params.to_string(),
            });
        }
        if self.empty || other.empty {
            return Ok(0.0);
        }
        let equal = self
            .values
            .iter()
            .zip(other.values.iter())
            .filter(|(a, b)| a == b)
            .count();
        Ok(equal as f64 / self.values.len() as f64)
    }
}

/// Builds signatures for given parameters.
#[derive(Debug, Clone)]
pub struct MinHasher {
    params: MinHashParams,
    mix_seed: u64,
    probe_seed: u64,
}

/// MurmurHash3's 64-bit finalizer: a bijective, well-avalanching mixer.
#[inline]
fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// SplitMix64 step, used to derive sub-seeds.
fn splitmix64(x: u64) -> u64 {
    fmix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

impl MinHasher {
    /// A hasher for `params`; `permutations` must be in
    /// `1..=MAX_PERMUTATIONS` and `shingle_size` at least 1.
    pub fn new(params: MinHashParams) -> Result<MinHasher> {
        if params.permutations == 0 || params.permutations > MAX_PERMUTATIONS {
            return Err(Error::InvalidParameter {
                name: "permutations",
                value: params.permutations.to_string(),
                reason: "must be between 1 and 8192",
            });
        }
        if params.shingle_size == 0 {
            return Err(Error::InvalidParameter {
                name: "shingle",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let mix_seed = splitmix64(params.seed ^ 0x6d69_6e68_6173_6831);
        let probe_seed = splitmix64(mix_seed);
        Ok(MinHasher {
            params,
            mix_seed,
            probe_seed,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &MinHashParams {
        &self.params
    }

    /// The signature of a set of shingle hashes (duplicates are harmless).
    pub fn signature(&self, shingles: &[u64]) -> Signature {
        let mut values = vec![0u32; self.params.permutations].into_boxed_slice();
        let nonempty = self.sign_into(shingles, &mut values);
        Signature {
            params: self.params,
            empty: !nonempty,
            values,
        }
    }

    /// Writes the signature values of `shingles` into `values` (which must
    /// hold exactly `permutations` values) without allocating; the same
    /// values as [`MinHasher::signature`]. Returns false if `shingles` is
    /// empty (then every value is `u32::MAX`).
    pub fn sign_into(&self, shingles: &[u64], values: &mut [u32]) -> bool {
        self.sign_iter(shingles.iter().copied(), values)
    }

    /// Like [`MinHasher::sign_into`], for shingle hashes produced on the
    /// fly (duplicates are harmless): the same values as for the slice of
    /// them.
    pub fn sign_iter(&self, shingles: impl IntoIterator<Item = u64>, values: &mut [u32]) -> bool {
        let k = self.params.permutations;
        assert_eq!(
            values.len(),
            k,
            "values must hold one value per permutation"
        );
        values.fill(u32::MAX);
        let mut filled = [0u64; MAX_PERMUTATIONS / 64];
        let is_filled = |f: &[u64], i: usize| f[i >> 6] & (1 << (i & 63)) != 0;
        // Branch-free: a bin's first value replaces u32::MAX, later ones
        // keep the minimum; the bitmap tells filled bins apart from bins
        // whose minimum happens to be u32::MAX.
        for x in shingles {
            let h = fmix64(x ^ self.mix_seed);
            let bin = (((h >> 32) * k as u64) >> 32) as usize;
            filled[bin >> 6] |= 1 << (bin & 63);
            values[bin] = values[bin].min(h as u32);
        }
        let nonempty: usize = filled[..k.div_ceil(64)]
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum();
        if nonempty == 0 {
            return false;
        }
        if nonempty < k {
            for i in 0..k {
                if is_filled(&filled, i) {
                    continue;
                }
                let mut attempt = 1u64;
                loop {
                    let g = fmix64(
                        self.probe_seed
                            ^ (((i as u64) << 32) | attempt).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    );
                    let j = (((g >> 32) * k as u64) >> 32) as usize;
                    if is_filled(&filled, j) {
                        values[i] = values[j];
                        break;
                    }
                    attempt += 1;
                }
            }
        }
        true
    }

    /// Signatures of many sets, computed in parallel with rayon; the result is
    /// in input order and identical at any thread count.
    pub fn signatures<S: AsRef<[u64]> + Sync>(&self, sets: &[S]) -> Vec<Signature> {
        sets.par_iter()
            .map(|s| self.signature(s.as_ref()))
            .collect()
    }
}

/// Fraction of equal values of two signatures' values: the MinHash estimate
/// of Jaccard similarity. Unchecked: both must have the same parameters
/// (use [`Signature::jaccard`] or [`SignatureRows::estimate_between`] for a
/// checked comparison).
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len() as f64
}

/// Many signatures made with one set of parameters, stored as rows of
/// `permutations` values in fixed-size chunks (the store never reallocates
/// and untouched pages of the last chunk cost no memory).
#[derive(Debug, Clone)]
pub struct SignatureRows {
    params: MinHashParams,
    len: usize,
    chunks: Vec<Box<[u32]>>,
}

impl SignatureRows {
    /// Rows per chunk.
    pub const CHUNK: usize = 1 << 14;

    /// No rows yet.
    pub fn new(params: MinHashParams) -> SignatureRows {
        SignatureRows {
            params,
            len: 0,
            chunks: Vec::new(),
        }
    }

    /// The parameters of every row.
    pub fn params(&self) -> &MinHashParams {
        &self.params
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if there is no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends a row; `values` are the `permutations` values of a signature
    /// made with these parameters (else [`Error::IncompatibleSignatures`]).
    pub fn push(&mut self, values: &[u32]) -> Result<()> {
        let k = self.params.permutations;
        if values.len() != k {
            return Err(Error::IncompatibleSignatures {
                left: self.params.to_string(),
                right: format!("{} values", values.len()),
            });
        }
        let (c, o) = (self.len / Self::CHUNK, self.len % Self::CHUNK);
        if o == 0 {
            // calloc'ed: untouched pages of the last chunk cost no memory.
            self.chunks
                .push(vec![0u32; Self::CHUNK * k].into_boxed_slice());
        }
        self.chunks[c][o * k..(o + 1) * k].copy_from_slice(values);
        self.len += 1;
        Ok(())
    }

    /// The values of row `i`.
    pub fn row(&self, i: usize) -> &[u32] {
        let k = self.params.permutations;
        let (c, o) = (i / Self::CHUNK, i % Self::CHUNK);
        &self.chunks[c][o * k..(o + 1) * k]
    }

    /// The estimate of Jaccard similarity of rows `i` and `j`.
    pub fn estimate(&self, i: usize, j: usize) -> f64 {
        estimate(self.row(i), self.row(j))
    }

    /// The estimate between row `i` here and row `j` of `other`, checked:
    /// different parameters are [`Error::IncompatibleSignatures`].
    pub fn estimate_between(&self, i: usize, other: &SignatureRows, j: usize) -> Result<f64> {
        if self.params != other.params {
            return Err(Error::IncompatibleSignatures {
                left: self.params.to_string(),
                right: other.params.to_string(),
            });
        }
        Ok(estimate(self.row(i), other.row(j)))
    }

    /// Frees every row.
    pub fn clear(&mut self) {
        self.chunks = Vec::new();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(k: usize, seed: u64) -> MinHasher {
        MinHasher::new(MinHashParams {
            permutations: k,
            seed,
            shingle_size: 5,
        })
        .unwrap()
    }

    #[test]
    fn identical_sets_estimate_one() {
        let h = hasher(128, 1);
        let a: Vec<u64> = (0..50).collect();
        assert_eq!(h.signature(&a).jaccard(&h.signature(&a)).unwrap(), 1.0);
    }

    #[test]
    fn disjoint_sets_estimate_near_zero() {
        let h = hasher(128, 1);
        let a: Vec<u64> = (0..500).collect();
        let b: Vec<u64> = (1000..1500).collect();
        assert!(h.signature(&a).jaccard(&h.signature(&b)).unwrap() < 0.05);
    }

    #[test]
    fn single_element_sets_fill_every_bin() {
        let h = hasher(64, 3);
        let s = h.signature(&[42]);
        assert!(!s.is_empty());
        assert!(s.values().iter().all(|&v| v == s.values()[0]));
    }

    #[test]
    fn empty_set_is_flagged_and_scores_zero() {
        let h = hasher(16, 0);
        let e = h.signature(&[]);
        assert!(e.is_empty());
        assert_eq!(e.jaccard(&e).unwrap(), 0.0);
    }

    #[test]
    fn incompatible_signatures_are_an_error() {
        let a = hasher(128, 1).signature(&[1, 2, 3]);
        let b = hasher(128, 2).signature(&[1, 2, 3]);
        let c = hasher(64, 1).signature(&[1, 2, 3]);
        assert!(matches!(
            a.jaccard(&b),
            Err(Error::IncompatibleSignatures { .. })
        ));
        assert!(a.jaccard(&c).is_err());
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(MinHasher::new(MinHashParams {
            permutations: 0,
            seed: 0,
            shingle_size: 5
        })
        .is_err());
    }

    #[test]
    fn signature_is_pinned() {
        // The scheme is part of the output format: pin a few values.
        let s = hasher(8, 7).signature(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(
            s.values(),
            [
                569611083, 3574501189, 4008823414, 2815947204, 1714232271, 413995928, 3848092121,
                2815947204
            ]
        );
    }

    #[test]
    fn signature_rows_keep_rows_and_check_parameters() {
        let p = MinHashParams {
            permutations: 4,
            seed: 1,
            shingle_size: 5,
        };
        let mut rows = SignatureRows::new(p);
        for i in 0..(SignatureRows::CHUNK as u32 + 3) {
            rows.push(&[i, 1, 2, 3]).unwrap();
        }
        assert_eq!(
            rows.row(SignatureRows::CHUNK + 1),
            [SignatureRows::CHUNK as u32 + 1, 1, 2, 3]
        );
        assert_eq!(rows.estimate(0, 1), 0.75);
        assert!(rows.push(&[1, 2]).is_err());
        let other = SignatureRows::new(MinHashParams { seed: 2, ..p });
        assert!(matches!(
            rows.estimate_between(0, &other, 0),
            Err(Error::IncompatibleSignatures { .. })
        ));
        assert_eq!(rows.estimate_between(0, &rows, 0).unwrap(), 1.0);
    }
}
