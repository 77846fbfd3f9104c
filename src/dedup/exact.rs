//! Exact Jaccard similarity of given document pairs, in passes over the
//! input with bounded memory.
//!
//! Pairs `(a, b)` have `a < b`. Streaming the documents in order, the shingle
//! set of a *left* document `a` is kept from when `a` is read until its last
//! partner `b` has been read and compared; a right document's set is
//! compared at once and dropped. When the kept sets reach the memory budget,
//! further left documents are deferred to another pass (the first left
//! document of a pass is always kept, so every pass makes progress). Which
//! pairs a pass resolves depends only on the pairs and the set sizes, so the
//! result is the same at any thread count.

use rayon::prelude::*;

use super::pass::{check_same, run_pass, PassInput, PassSummary};
use super::Progress;
use crate::error::Result;
use crate::sketch::shingle::{self, Shingler};
use crate::text::for_each_word;

/// The word shingle set of a text, as [`Shingler::shingle_set`] of its
/// [`crate::text::Tokens`].
pub(crate) fn shingle_set(shingler: &Shingler, text: &str, scratch: &mut String) -> Vec<u64> {
    let mut hashes = Vec::with_capacity(text.len() / 5);
    for_each_word(text, scratch, |w| hashes.push(shingler.token_hash(w)));
    shingler.shingle_set(&hashes)
}

/// What exact passes need: the input, the first pass's summary (to check
/// that later passes see the same documents), the shingler, the memory
/// budget, progress.
pub(crate) struct Exact<'a> {
    pub input: &'a PassInput,
    pub first: &'a PassSummary,
    pub shingler: &'a Shingler,
    pub budget_bytes: usize,
    pub progress: &'a dyn Progress,
}

/// Exact Jaccard of every pair (in the order given); `passes_so_far` counts
/// the passes over the input.
pub(crate) fn exact_jaccards(
    ctx: &Exact,
    pairs: &[(u32, u32)],
    stage: &'static str,
    passes_so_far: &mut usize,
) -> Result<Vec<f64>> {
    let Exact {
        input,
        first,
        shingler,
        budget_bytes,
        progress,
    } = *ctx;
    let mut result = vec![f64::NAN; pairs.len()];
    // Pair indices by left and by right document.
    let mut by_left: Vec<u32> = (0..pairs.len() as u32).collect();
    by_left.sort_unstable_by_key(|&i| (pairs[i as usize].0, pairs[i as usize].1));
    let mut by_right: Vec<u32> = by_left.clone();
    by_right.sort_unstable_by_key(|&i| (pairs[i as usize].1, pairs[i as usize].0));
    let mut pending = pairs.len();
    while pending > 0 {
        *passes_so_far += 1;
        // Documents in a pending pair, sorted.
        let mut involved: Vec<u32> = Vec::new();
        for (i, &(a, b)) in pairs.iter().enumerate() {
            if result[i].is_nan() {
                involved.push(a);
                involved.push(b);
            }
        }
        involved.sort_unstable();
        involved.dedup();
        let mut next_involved = 0usize;
        let mut left_cursor = 0usize;
        let mut right_cursor = 0usize;
        // Kept left sets: doc -> (set, pending partners).
        let mut kept: ahash::AHashMap<u32, (Vec<u64>, usize)> = Default::default();
        let mut kept_bytes = 0usize;
        let summary = run_pass(input, false, None, progress, stage, |base, batch| {
            let end = base + batch.len() as u64;
            let start_inv = next_involved;
            while next_involved < involved.len() && (involved[next_involved] as u64) < end {
                next_involved += 1;
            }
            let docs = &involved[start_inv..next_involved];
            let sets: Vec<Vec<u64>> = docs
                .par_iter()
                .map_init(String::new, |scratch, &d| {
                    shingle_set(shingler, batch.text((d as u64 - base) as usize), scratch)
                })
                .collect();
            for (&d, set) in docs.iter().zip(sets) {
                // As a right document: compare with every kept left partner.
                while right_cursor < by_right.len() && pairs[by_right[right_cursor] as usize].1 < d
                {
                    right_cursor += 1;
                }
                while right_cursor < by_right.len() && pairs[by_right[right_cursor] as usize].1 == d
                {
                    let pi = by_right[right_cursor] as usize;
                    right_cursor += 1;
                    if !result[pi].is_nan() {
                        continue;
                    }
                    let a = pairs[pi].0;
                    if let Some((left_set, left_pending)) = kept.get_mut(&a) {
                        result[pi] = shingle::jaccard(left_set, &set);
                        pending -= 1;
                        *left_pending -= 1;
                        if *left_pending == 0 {
                            let (s, _) = kept.remove(&a).expect("present");
                            kept_bytes -= s.len() * 8;
                        }
                    }
                }
                // As a left document: keep the set if the budget allows.
                while left_cursor < by_left.len() && pairs[by_left[left_cursor] as usize].0 < d {
                    left_cursor += 1;
                }
                let mut partners = 0usize;
                let mut c = left_cursor;
                while c < by_left.len() && pairs[by_left[c] as usize].0 == d {
                    if result[by_left[c] as usize].is_nan() {
                        partners += 1;
                    }
                    c += 1;
                }
                if partners > 0 && (kept.is_empty() || kept_bytes < budget_bytes) {
                    kept_bytes += set.len() * 8;
                    kept.insert(d, (set, partners));
                }
            }
            Ok(())
        })?;
        check_same(first, &summary, *passes_so_far)?;
        debug_assert!(kept.is_empty(), "every kept set met its partners");
    }
    Ok(result)
}
