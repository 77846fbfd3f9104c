//! Stage 4: a candidate pair of sentence classes verified exactly (shared
//! bigrams, then a word alignment carrying the count of content words).

use super::analysis::Class;
use super::CompareConfig;
use crate::sketch::shingle;
use crate::util::{lcs_with_flags, multiset_overlap_with};

/// Largest alignment table (cells) computed exactly; longer pairs are scored
/// by their shared words instead.
pub(super) const MAX_ALIGNMENT_CELLS: usize = 4_000_000;

/// Token alignment of two sentences: the longest common subsequence of their
/// normalized words. Returns (aligned words, aligned content words).
pub(super) fn align(a: &Class, b: &Class) -> (usize, usize) {
    if a.tokens.len() * b.tokens.len() > MAX_ALIGNMENT_CELLS {
        // Upper bound of the LCS: the multiset intersection of the words.
        let mut content = 0;
        let aligned = multiset_overlap_with(&a.tokens, &b.tokens, |i, j| {
            content += usize::from(a.content[i] && b.content[j]);
        });
        return (aligned, content);
    }
    lcs_with_flags(&a.tokens, &a.content, &b.tokens, &b.content)
}

/// Verifies a candidate pair of classes; returns (similarity, containment)
/// if the pair is near. See the module docs for the rule.
pub(super) fn verify(a: &Class, b: &Class, config: &CompareConfig) -> Option<(f64, f64)> {
    if a.fragment || b.fragment {
        return None;
    }
    // Exact evidence on the shingle sets first (cheap): enough shared
    // phrases, and not hopelessly far from the thresholds.
    let inter = shingle::intersection_len(&a.shingles, &b.shingles);
    if inter < config.min_shared_shingles {
        return None;
    }
    let smaller = a.shingles.len().min(b.shingles.len()).max(1);
    let union = a.shingles.len() + b.shingles.len() - inter;
    let jaccard = inter as f64 / union.max(1) as f64;
    if jaccard < config.threshold * PREFILTER
        && (inter as f64 / smaller as f64) < config.containment * PREFILTER
    {
        return None;
    }
    let (aligned, content) = align(a, b);
    if content < config.min_content_words {
        return None;
    }
    let similarity = 2.0 * aligned as f64 / (a.words + b.words) as f64;
    let containment = aligned as f64 / a.words.min(b.words) as f64;
    (similarity >= config.threshold || containment >= config.containment)
        .then_some((similarity, containment))
}

/// Share of the threshold that the exact shingle Jaccard (or containment)
/// must reach before the alignment is computed.
pub(super) const PREFILTER: f64 = 0.25;
