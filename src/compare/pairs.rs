//! Stage 7: per-document summaries from the groups, and document pairs:
//! which are listed, with exact Jaccard, containments and the MinHash
//! estimate.

use std::collections::BTreeSet;

use ahash::AHashMap;
use rayon::prelude::*;

use super::analysis::DocAnalysis;
use super::groups::RawGroup;
use super::{CompareConfig, DocumentSummary, Kind, PairStats};
use crate::error::Result;
use crate::sketch::lsh::{LshIndex, LshParams};
use crate::sketch::minhash::Signature;
use crate::sketch::shingle;
use crate::source::InputDoc;
use crate::util::round4;

/// Shared non-boilerplate groups per document pair `(a, b)`, `a < b`.
pub(super) type PairShared = AHashMap<(u32, u32), usize>;

/// Each document's summary (passage figures are filled in later) and the
/// groups pairs of documents share: every pair of a group's documents when
/// `all_pairs`, else each of them with the group's first document.
pub(super) fn summarize(
    docs: &[InputDoc],
    analyses: &[DocAnalysis],
    groups: &[RawGroup],
    all_pairs: bool,
) -> (Vec<DocumentSummary>, PairShared) {
    let mut shared_flag: Vec<Vec<Option<Kind>>> = analyses
        .iter()
        .map(|a| vec![None; a.analyzed.sentences.len()])
        .collect();
    let mut pair_shared = PairShared::new();
    for g in groups {
        for &(d, s) in &g.members {
            shared_flag[d as usize][s as usize] = Some(g.kind);
        }
        if g.kind == Kind::Boilerplate {
            continue;
        }
        let group_docs: BTreeSet<u32> = g.members.iter().map(|m| m.0).collect();
        let group_docs: Vec<u32> = group_docs.into_iter().collect();
        if all_pairs {
            for (i, &a) in group_docs.iter().enumerate() {
                for &b in &group_docs[i + 1..] {
                    *pair_shared.entry((a, b)).or_default() += 1;
                }
            }
        } else {
            // A family of k documents costs k - 1 pairs: each member with
            // the family's first document, as passim links clusters.
            for &b in &group_docs[1..] {
                *pair_shared.entry((group_docs[0], b)).or_default() += 1;
            }
        }
    }
    let reuse = |f: &Option<Kind>| matches!(f, Some(Kind::Verbatim | Kind::Near));
    let documents = docs
        .iter()
        .zip(analyses)
        .zip(&shared_flag)
        .map(|((d, a), flags)| {
            let sentences = &a.analyzed.sentences;
            let total: usize = sentences.iter().map(|s| s.span.len()).sum();
            let shared_bytes: usize = sentences
                .iter()
                .zip(flags)
                .filter(|(_, f)| reuse(f))
                .map(|(s, _)| s.span.len())
                .sum();
            DocumentSummary {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.file_len,
                encoding: d.encoding,
                language: a.analyzed.language,
                words: a.analyzed.tokens.len(),
                sentences: sentences.len(),
                shared_sentences: flags.iter().filter(|f| reuse(f)).count(),
                boilerplate_sentences: flags
                    .iter()
                    .filter(|f| **f == Some(Kind::Boilerplate))
                    .count(),
                shared_fraction: if total == 0 {
                    0.0
                } else {
                    round4(shared_bytes as f64 / total as f64)
                },
                reused_words: 0,
                reused_fraction: 0.0,
                found_in: Vec::new(),
                own: Vec::new(),
            }
        })
        .collect();
    (documents, pair_shared)
}

/// The document pairs to report: all of them up to
/// [`CompareConfig::all_pairs_limit`] documents, else the pairs that share a
/// group or that document LSH proposes and the exact similarity confirms.
pub(super) fn pair_list(
    analyses: &[DocAnalysis],
    doc_sigs: &[Signature],
    pair_shared: &PairShared,
    config: &CompareConfig,
) -> Result<Vec<(u32, u32)>> {
    let ndocs = analyses.len();
    if ndocs <= config.all_pairs_limit {
        return Ok((0..ndocs as u32)
            .flat_map(|a| (a + 1..ndocs as u32).map(move |b| (a, b)))
            .collect());
    }
    let params = LshParams::for_threshold(config.threshold, config.permutations, 0.5, 0.5)?;
    let candidates = LshIndex::candidates_of(params, doc_sigs, |_, _| true)?;
    // LSH proposes; the exact similarity decides.
    let mut list: Vec<(u32, u32)> = candidates
        .into_par_iter()
        .filter(|&(a, b)| {
            let (sa, sb) = (
                &analyses[a as usize].shingles,
                &analyses[b as usize].shingles,
            );
            shingle::jaccard(sa, sb) >= config.threshold
                || shingle::containment(sa, sb).max(shingle::containment(sb, sa))
                    >= config.containment
        })
        .collect();
    list.extend(pair_shared.keys().copied());
    list.sort_unstable();
    list.dedup();
    Ok(list)
}

/// Similarity figures of every listed pair.
pub(super) fn stats(
    pairs: &[(u32, u32)],
    docs: &[InputDoc],
    analyses: &[DocAnalysis],
    doc_sigs: &[Signature],
    pair_shared: &PairShared,
) -> Result<Vec<PairStats>> {
    pairs
        .par_iter()
        .map(|&(a, b)| -> Result<PairStats> {
            let (sa, sb) = (
                &analyses[a as usize].shingles,
                &analyses[b as usize].shingles,
            );
            Ok(PairStats {
                a: docs[a as usize].id.clone(),
                b: docs[b as usize].id.clone(),
                jaccard: round4(shingle::jaccard(sa, sb)),
                jaccard_estimate: round4(doc_sigs[a as usize].jaccard(&doc_sigs[b as usize])?),
                containment_a_in_b: round4(shingle::containment(sa, sb)),
                containment_b_in_a: round4(shingle::containment(sb, sa)),
                shared_sentences: pair_shared.get(&(a, b)).copied().unwrap_or(0),
            })
        })
        .collect()
}
