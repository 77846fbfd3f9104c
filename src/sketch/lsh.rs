//! Locality-sensitive hashing by banding MinHash signatures.
//!
//! A signature of `k` values is cut into `b` bands of `r` rows (`b · r ≤ k`);
//! two signatures become candidates when all rows of at least one band agree,
//! which happens with probability `1 − (1 − s^r)^b` for Jaccard similarity
//! `s`. [`LshParams::for_threshold`] picks `b` and `r` for a threshold `t` by
//! minimising the weighted false-positive area `∫₀ᵗ P(s) ds` plus the
//! false-negative area `∫ₜ¹ 1 − P(s) ds` (as in datasketch and gaoya).
//! Candidates are only candidates: callers verify them against the exact
//! similarity.

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::sketch::minhash::Signature;

/// Banding parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

/// Probability that a pair with Jaccard similarity `s` becomes a candidate
/// under `bands` × `rows` banding.
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    // Composite Simpson's rule; the integrands are smooth.
    const STEPS: usize = 256;
    if hi <= lo {
        return 0.0;
    }
    let h = (hi - lo) / STEPS as f64;
    let mut sum = f(lo) + f(hi);
    for i in 1..STEPS {
        let x = lo + i as f64 * h;
        sum += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    sum * h / 3.0
}

impl LshParams {
    /// Chooses bands and rows for `permutations` values and a similarity
    /// `threshold` in `(0, 1)`, minimising `fp_weight · FP + fn_weight · FN`
    /// (see the module docs).
    pub fn for_threshold(
        threshold: f64,
        permutations: usize,
        fp_weight: f64,
        fn_weight: f64,
    ) -> Result<LshParams> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(Error::InvalidParameter {
                name: "threshold",
                value: threshold.to_string(),
                reason: "must be strictly between 0 and 1",
            });
        }
        if permutations == 0 {
            return Err(Error::InvalidParameter {
                name: "permutations",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
        for bands in 1..=permutations {
            for rows in 1..=permutations / bands {
                let fp = integrate(|s| candidate_probability(s, bands, rows), 0.0, threshold);
                let fneg = integrate(
                    |s| 1.0 - candidate_probability(s, bands, rows),
                    threshold,
                    1.0,
                );
                let err = fp_weight * fp + fn_weight * fneg;
                if err < best.0 {
                    best = (err, LshParams { bands, rows });
                }
            }
        }
        Ok(best.1)
    }
}

/// An LSH index. Each band keeps a vector of `(band hash, item id)`; finding
/// candidates sorts each band (in parallel across bands) and pairs the items
/// of every run of equal hashes. This avoids one allocation per bucket, which
/// dominates a hash-map index when most buckets hold a single item.
#[derive(Debug, Clone)]
pub struct LshIndex {
    params: LshParams,
    bands: Vec<Vec<(u64, u32)>>,
}

impl LshIndex {
    /// An empty index.
    pub fn new(params: LshParams) -> LshIndex {
        LshIndex {
            params,
            bands: vec![Vec::new(); params.bands],
        }
    }

    /// The banding parameters.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// Hash of band `band` of a signature (stable: XXH3 of the values).
    pub fn band_key(&self, signature: &Signature, band: usize) -> u64 {
        let r = self.params.rows;
        band_hash(&signature.values()[band * r..(band + 1) * r], band)
    }

    fn check(&self, signature: &Signature) -> Result<()> {
        if signature.values().len() < self.params.bands * self.params.rows {
            return Err(Error::InvalidParameter {
                name: "permutations",
                value: signature.values().len().to_string(),
                reason: "signature shorter than bands x rows",
            });
        }
        Ok(())
    }

    /// Adds item `id`. Signatures of empty sets are not indexed.
    pub fn insert(&mut self, id: u32, signature: &Signature) -> Result<()> {
        self.check(signature)?;
        if signature.is_empty() {
            return Ok(());
        }
        for band in 0..self.params.bands {
            let key = self.band_key(signature, band);
            self.bands[band].push((key, id));
        }
        Ok(())
    }

    /// Adds items `0..signatures.len()` (ids are positions), hashing bands in
    /// parallel.
    pub fn insert_all(&mut self, signatures: &[Signature]) -> Result<()> {
        for s in signatures {
            self.check(s)?;
        }
        let params = self.params;
        let this = &*self;
        let added: Vec<Vec<(u64, u32)>> = (0..params.bands)
            .into_par_iter()
            .map(|band| {
                signatures
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !s.is_empty())
                    .map(|(id, s)| (this.band_key(s, band), id as u32))
                    .collect()
            })
            .collect();
        for (band, items) in self.bands.iter_mut().zip(added) {
            band.extend(items);
        }
        Ok(())
    }

    /// All candidate pairs `(a, b)` with `a < b`, sorted and without
    /// duplicates. `keep(a, b)` can drop pairs early (e.g. two sentences of
    /// the same document).
    pub fn candidates(&mut self, keep: impl Fn(u32, u32) -> bool + Sync) -> Vec<(u32, u32)> {
        let per_band: Vec<Vec<(u32, u32)>> = self
            .bands
            .par_iter_mut()
            .map(|band| {
                band.sort_unstable();
                bucket_pairs(band, &keep)
            })
            .collect();
        let mut out: Vec<(u32, u32)> = per_band.into_iter().flatten().collect();
        out.par_sort_unstable();
        out.dedup();
        out
    }
}

impl LshIndex {
    /// The candidate pairs of `signatures` under `params`, exactly as
    /// [`LshIndex::insert_all`] then [`LshIndex::candidates`] give them, but
    /// band by band (see [`LshIndex::candidates_by`]).
    pub fn candidates_of(
        params: LshParams,
        signatures: &[Signature],
        keep: impl Fn(u32, u32) -> bool + Sync,
    ) -> Result<Vec<(u32, u32)>> {
        let index = LshIndex::new(params);
        for s in signatures {
            index.check(s)?;
        }
        Ok(Self::candidates_by(
            params,
            signatures.len(),
            |i| (!signatures[i].is_empty()).then(|| signatures[i].values()),
            keep,
        ))
    }

    /// The candidate pairs of `n` signatures given by `row(i)` (`None` for
    /// an empty set, which is never a candidate; every row must hold at
    /// least `bands × rows` values), band by band: as many bands at once as
    /// there are threads, so that memory holds one band's keys per thread
    /// instead of every band's. Sorted, without duplicates.
    pub fn candidates_by<'a>(
        params: LshParams,
        n: usize,
        row: impl Fn(usize) -> Option<&'a [u32]> + Sync,
        keep: impl Fn(u32, u32) -> bool + Sync,
    ) -> Vec<(u32, u32)> {
        let r = params.rows;
        let bands: Vec<usize> = (0..params.bands).collect();
        let mut out: Vec<(u32, u32)> = Vec::new();
        for chunk in bands.chunks(rayon::current_num_threads().max(1)) {
            let per_band: Vec<Vec<(u32, u32)>> = chunk
                .par_iter()
                .map(|&band| {
                    let mut keys: Vec<(u64, u32)> = (0..n)
                        .filter_map(|id| {
                            row(id)
                                .map(|v| (band_hash(&v[band * r..(band + 1) * r], band), id as u32))
                        })
                        .collect();
                    keys.sort_unstable();
                    bucket_pairs(&keys, &keep)
                })
                .collect();
            out.extend(per_band.into_iter().flatten());
            out.par_sort_unstable();
            out.dedup();
        }
        out
    }
}

/// Every pair `(a, b)`, `a < b`, of ids sharing a key in the sorted
/// `(key, id)` list `keys`, that `keep` accepts.
fn bucket_pairs(keys: &[(u64, u32)], keep: &(impl Fn(u32, u32) -> bool + Sync)) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for run in keys.chunk_by(|x, y| x.0 == y.0) {
        for (i, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[i + 1..] {
                let pair = if a < b { (a, b) } else { (b, a) };
                if pair.0 != pair.1 && keep(pair.0, pair.1) {
                    out.push(pair);
                }
            }
        }
    }
    out
}

// --- banding for crawl-scale dedup (issue 4) ---

/// Hash of one band's values: XXH3-64 of the values as little-endian `u32`s,
/// seeded with the band number (what [`LshIndex::band_key`] computes).
pub fn band_hash(values: &[u32], band: usize) -> u64 {
    let mut buf = [0u8; 4 * 64];
    if values.len() <= 64 {
        for (c, v) in buf.chunks_exact_mut(4).zip(values) {
            c.copy_from_slice(&v.to_le_bytes());
        }
        xxh3_64_with_seed(&buf[..4 * values.len()], band as u64)
    } else {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        xxh3_64_with_seed(&bytes, band as u64)
    }
}

impl LshParams {
    /// Bands and rows for a recall-first search: among all `b · r ≤
    /// permutations` whose probability of proposing a pair *at* the
    /// threshold is at least `min_probability`, the one with the smallest
    /// false-positive area `∫₀ᵗ P(s) ds`; if none reaches it, the one with
    /// the highest probability at the threshold. For `t = 0.8` and 128
    /// permutations at 0.99 this is 16 bands of 6 rows (a pair at 0.85 is
    /// missed with probability 5·10⁻⁴), where the balanced
    /// [`LshParams::for_threshold`] picks 9 × 13 and misses 31 % of the pairs
    /// at 0.85.
    pub fn for_recall(
        threshold: f64,
        permutations: usize,
        min_probability: f64,
    ) -> Result<LshParams> {
        // Validates the arguments the same way.
        LshParams::for_threshold(threshold, permutations.min(1), 0.5, 0.5)?;
        if permutations == 0 {
            return Err(Error::InvalidParameter {
                name: "permutations",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let mut best: Option<(f64, LshParams)> = None;
        let mut fallback = (f64::NEG_INFINITY, LshParams { bands: 1, rows: 1 });
        for rows in 1..=permutations {
            // For a given r, more bands only raise both curves: take the
            // fewest bands that reach the probability.
            let p_row = threshold.powi(rows as i32);
            let max_bands = permutations / rows;
            let p_at = |b: usize| 1.0 - (1.0 - p_row).powi(b as i32);
            if p_at(max_bands) > fallback.0 {
                fallback = (
                    p_at(max_bands),
                    LshParams {
                        bands: max_bands,
                        rows,
                    },
                );
            }
            let Some(bands) = (1..=max_bands).find(|&b| p_at(b) >= min_probability) else {
                continue;
            };
            let fp = integrate(|s| candidate_probability(s, bands, rows), 0.0, threshold);
            if best.is_none_or(|(f, _)| fp < f) {
                best = Some((fp, LshParams { bands, rows }));
            }
        }
        Ok(best.map(|b| b.1).unwrap_or(fallback.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sketch::minhash::{MinHashParams, MinHasher};

    #[test]
    fn params_fit_in_permutations_and_place_the_s_curve_near_the_threshold() {
        for &t in &[0.3, 0.5, 0.8, 0.9] {
            let p = LshParams::for_threshold(t, 128, 0.5, 0.5).unwrap();
            assert!(p.bands * p.rows <= 128);
            // The S-curve's steepest point (1/b)^(1/r) lies close to t.
            let knee = (1.0 / p.bands as f64).powf(1.0 / p.rows as f64);
            assert!((knee - t).abs() < 0.12, "t={t} {p:?} knee={knee}");
            assert!(candidate_probability(t + 0.15, p.bands, p.rows) > 0.8);
        }
    }

    #[test]
    fn higher_threshold_means_more_rows() {
        let lo = LshParams::for_threshold(0.3, 128, 0.5, 0.5).unwrap();
        let hi = LshParams::for_threshold(0.9, 128, 0.5, 0.5).unwrap();
        assert!(hi.rows > lo.rows);
    }

    #[test]
    fn recall_first_params() {
        let p = LshParams::for_recall(0.8, 128, 0.99).unwrap();
        assert_eq!(p, LshParams { bands: 16, rows: 6 });
        assert!(candidate_probability(0.8, p.bands, p.rows) >= 0.99);
        assert!(candidate_probability(0.85, p.bands, p.rows) > 0.999);
        // Too few permutations to reach it: the best possible.
        let q = LshParams::for_recall(0.9, 4, 0.999).unwrap();
        assert!(q.bands * q.rows <= 4);
        assert!(LshParams::for_recall(1.5, 128, 0.99).is_err());
    }

    #[test]
    fn rejects_bad_threshold() {
        assert!(LshParams::for_threshold(0.0, 128, 0.5, 0.5).is_err());
        assert!(LshParams::for_threshold(1.0, 128, 0.5, 0.5).is_err());
        assert!(LshParams::for_threshold(f64::NAN, 128, 0.5, 0.5).is_err());
    }

    #[test]
    fn similar_sets_collide_dissimilar_do_not() {
        let h = MinHasher::new(MinHashParams {
            permutations: 128,
            seed: 9,
            shingle_size: 3,
        })
        .unwrap();
        let a: Vec<u64> = (0..100).collect();
        let b: Vec<u64> = (5..105).collect(); // J = 95/105
        let c: Vec<u64> = (1000..1100).collect();
        let p = LshParams::for_threshold(0.7, 128, 0.5, 0.5).unwrap();
        let mut idx = LshIndex::new(p);
        idx.insert(0, &h.signature(&a)).unwrap();
        idx.insert(1, &h.signature(&b)).unwrap();
        idx.insert(2, &h.signature(&c)).unwrap();
        assert_eq!(idx.candidates(|_, _| true), vec![(0, 1)]);
        let mut bulk = LshIndex::new(p);
        bulk.insert_all(&[h.signature(&a), h.signature(&b), h.signature(&c)])
            .unwrap();
        assert_eq!(bulk.candidates(|_, _| true), vec![(0, 1)]);
        assert!(idx.candidates(|_, _| false).is_empty());
    }
}
