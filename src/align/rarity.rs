//! Rarity: how many matches as good as one found would arise by chance.
//!
//! A passage, a shared sentence or a short quote matches a sequence of
//! content words (stems, stopwords left out) in two documents. Its *rarity*
//! is the expected number of chance matches of that sequence between
//! documents of these lengths, in the manner of an alignment E-value
//! (Karlin and Altschul, *Methods for assessing the statistical significance
//! of molecular sequence features*, PNAS 1990): `E = m · n · P(seq) · F`,
//! where `m` and `n` are the two documents' content words, `P(seq)` the
//! probability of the matched words under a background language model, and
//! `F` the number of ways the matched words can sit in the spans that hold
//! them (`C(span_a, k) · C(span_b, k)`, 1 for a contiguous match).
//!
//! The background model is a bigram model of content stems, interpolated
//! with a unigram model (Jelinek–Mercer smoothing, λ = 0.5):
//! `P(w_i | w_{i-1}) = λ·c'(w_{i-1} w_i)/c'(w_{i-1}) + (1−λ)·p(w_i)`. The
//! bigram counts `c'` come from the compared documents *other than the two
//! matched*, so a phrase that the whole collection uses ("Vladimir Putin
//! said") is likely and its match explains nothing, while a phrase only this
//! pair shares is as unlikely as its words. The unigram `p(w)` is over every
//! compared document (add-½ smoothed), so frequent words weigh little.
//!
//! A rarity far below 1 means chance cannot explain the match; a long
//! passage's is astronomically small (reported as 0 below `1e-300`).

use ahash::AHashMap;

use super::method::AlignDoc;

/// Jelinek–Mercer weight of the bigram model.
const LAMBDA: f64 = 0.5;

/// Counts of content stems and stem bigrams over a set of documents.
/// [`Background::default`] is the background of just the two documents
/// matched (no other documents: the unigram model of the pair, counted from
/// the two documents themselves).
#[derive(Debug, Clone, Default)]
pub struct Background {
    /// Content stem → occurrences in every document.
    uni: AHashMap<u64, u32>,
    /// Content tokens in every document.
    total: f64,
    /// Stem bigram → occurrences.
    bi: AHashMap<(u64, u64), u32>,
    /// Stem → occurrences as the first word of a bigram.
    first: AHashMap<u64, u32>,
}

impl Background {
    /// The background of a collection of prepared documents.
    pub fn new<'a, 't: 'a>(docs: impl IntoIterator<Item = &'a AlignDoc<'t>>) -> Background {
        let mut bg = Background::default();
        for d in docs {
            for &(w, n) in d.stem_counts() {
                *bg.uni.entry(w).or_default() += n;
                bg.total += n as f64;
            }
            for &(x, y, n) in d.stem_bigrams() {
                *bg.bi.entry((x, y)).or_default() += n;
                *bg.first.entry(x).or_default() += n;
            }
        }
        bg
    }

    /// The smoothed unigram probability of `w`; without a collection, from
    /// the pair `a`, `b`.
    fn unigram(&self, a: &AlignDoc, b: &AlignDoc, w: u64) -> f64 {
        let (c, total, vocab) = if self.uni.is_empty() {
            (
                (a.stem_count(w) + b.stem_count(w)) as f64,
                (a.content_words() + b.content_words()) as f64,
                (a.stem_counts().len() + b.stem_counts().len()) as f64,
            )
        } else {
            (
                self.uni.get(&w).copied().unwrap_or(0) as f64,
                self.total,
                self.uni.len() as f64,
            )
        };
        (c + 0.5) / (total + 0.5 * vocab + 1.0)
    }

    /// The rarity of `matched` (content stems in order) matched between
    /// `a` and `b`, spread over `span_a` and `span_b` content words.
    pub fn rarity(
        &self,
        a: &AlignDoc,
        b: &AlignDoc,
        matched: &[u64],
        span_a: usize,
        span_b: usize,
    ) -> f64 {
        if matched.is_empty() {
            return 1.0f64.max(a.content_words() as f64 * b.content_words() as f64);
        }
        let mut log =
            (a.content_words().max(1) as f64).ln() + (b.content_words().max(1) as f64).ln();
        let k = matched.len();
        log += ln_choose(span_a.max(k), k) + ln_choose(span_b.max(k), k);
        log += self.unigram(a, b, matched[0]).ln();
        for w in matched.windows(2) {
            let (x, y) = (w[0], w[1]);
            let pair = |d: &AlignDoc| d.stem_bigram(x, y) as f64;
            let firsts = |d: &AlignDoc| d.stem_first(x) as f64;
            let c_xy = self.bi.get(&(x, y)).copied().unwrap_or(0) as f64 - pair(a) - pair(b);
            let c_x = self.first.get(&x).copied().unwrap_or(0) as f64 - firsts(a) - firsts(b);
            let uni = self.unigram(a, b, y);
            let p = if c_x > 0.0 {
                LAMBDA * (c_xy.max(0.0) / c_x) + (1.0 - LAMBDA) * uni
            } else {
                uni
            };
            log += p.ln();
        }
        significant(log.exp())
    }
}

/// `ln C(n, k)`.
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum()
}

/// `x` to 3 significant digits (0 below `1e-300`), so that reports do not
/// print floating-point noise.
fn significant(x: f64) -> f64 {
    if x.is_nan() || x < 1e-300 {
        return 0.0;
    }
    if x.is_infinite() {
        return f64::MAX;
    }
    let e = x.log10().floor();
    let scale = 10f64.powf(2.0 - e);
    let r = (x * scale).round() / scale;
    // Re-parse through the shortest decimal form for stable printing.
    format!("{r:.3e}").parse().unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose() {
        assert!((ln_choose(5, 2) - 10f64.ln()).abs() < 1e-12);
        assert_eq!(ln_choose(7, 7), 0.0);
        assert_eq!(ln_choose(7, 0), 0.0);
    }

    #[test]
    fn significant_digits() {
        assert_eq!(significant(0.000123456), 0.000123);
        assert_eq!(significant(12345.0), 12300.0);
        assert_eq!(significant(1e-301), 0.0);
        assert_eq!(significant(f64::NAN), 0.0);
    }
}
