//! Stages 3, 5 and 6: candidate pairs of sentence classes from LSH, verified
//! pairs joined by union-find into groups, each group classified (verbatim,
//! near, boilerplate) and finally put in report form.

use std::collections::{BTreeMap, BTreeSet};

use ahash::AHashMap;
use rayon::prelude::*;

use super::analysis::{Class, DocAnalysis};
use super::verify::verify;
use super::{CompareConfig, Kind, Member, SharedGroup};
use crate::align::{span_rarity, AlignDoc, Background};
use crate::error::Result;
use crate::sketch::lsh::{LshIndex, LshParams};
use crate::sketch::minhash::MinHasher;
use crate::source::InputDoc;
use crate::util::{round4, Span, UnionFind};

/// A verified pair of classes and its (similarity, containment).
pub(super) type Edge = (u32, u32, (f64, f64));

/// A group before it is turned into report form.
pub(super) struct RawGroup {
    pub(super) kind: Kind,
    pub(super) similarity: f64,
    pub(super) containment: f64,
    /// (document, sentence), sorted.
    pub(super) members: Vec<(u32, u32)>,
}

/// Signs every non-fragment class, proposes pairs of classes from different
/// documents by LSH and verifies each exactly (in parallel, order kept).
pub(super) fn near_pairs(
    classes: &[Class],
    hasher: &MinHasher,
    lsh: LshParams,
    config: &CompareConfig,
) -> Result<Vec<Edge>> {
    let eligible: Vec<u32> = (0..classes.len() as u32)
        .filter(|&c| !classes[c as usize].fragment)
        .collect();
    // One flat row per class holding only the values banding reads (the
    // first bands × rows of the signature), no allocation per signature.
    let k = hasher.params().permutations;
    let w = lsh.bands * lsh.rows;
    if w > k {
        return Err(crate::Error::InvalidParameter {
            name: "permutations",
            value: k.to_string(),
            reason: "signature shorter than bands x rows",
        });
    }
    let mut rows = vec![0u32; eligible.len() * w];
    let mut filled = vec![false; eligible.len()];
    rows.par_chunks_mut(w.max(1))
        .zip(filled.par_iter_mut())
        .zip(eligible.par_iter())
        .for_each_init(
            || vec![0u32; k],
            |values, ((row, filled), &c)| {
                *filled = hasher.sign_into(&classes[c as usize].shingles, values);
                row.copy_from_slice(&values[..w]);
            },
        );
    let candidates = LshIndex::candidates_by(
        lsh,
        eligible.len(),
        |i| filled[i].then(|| &rows[i * w..(i + 1) * w]),
        |a, b| {
            let (ca, cb) = (
                &classes[eligible[a as usize] as usize],
                &classes[eligible[b as usize] as usize],
            );
            !(ca.single_doc.is_some() && ca.single_doc == cb.single_doc)
        },
    );
    drop((rows, filled));
    Ok(candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let (ia, ib) = (eligible[a as usize], eligible[b as usize]);
            verify(&classes[ia as usize], &classes[ib as usize], config).map(|s| (ia, ib, s))
        })
        .collect())
}

/// A near group in at least this many documents whose variants all have
/// the same content words is a template (boilerplate).
pub(super) const TEMPLATE_MIN_DOCS: usize = 10;
/// ... and it has at least this many variants.
pub(super) const TEMPLATE_MIN_VARIANTS: usize = 3;

/// True if every class has the same sequence of content words: the
/// variants differ only in names, numbers and function words, as a
/// templated line does ("Contact the <outlet> newsroom with tips and
/// corrections.", "Copyright 2017 <agency>").
fn same_content_words(classes: &[Class], members: &[usize]) -> bool {
    let content = |c: usize| {
        let class = &classes[c];
        class
            .tokens
            .iter()
            .zip(&class.content)
            .filter(|(_, &is)| is)
            .map(|(t, _)| *t)
    };
    let first = members[0];
    members[1..].iter().all(|&c| content(c).eq(content(first)))
}

/// Joins verified pairs into groups of sentences in at least two documents,
/// classified and sorted (verbatim, near, boilerplate; larger first).
pub(super) fn build(
    classes: &[Class],
    edges: &[Edge],
    ndocs: usize,
    config: &CompareConfig,
) -> Vec<RawGroup> {
    let mut uf = UnionFind::new(classes.len());
    for &(a, b, _) in edges {
        uf.union(a, b);
    }
    let mut components: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for c in 0..classes.len() {
        components.entry(uf.find(c as u32)).or_default().push(c);
    }
    let mut min_sim: AHashMap<u32, (f64, f64)> = AHashMap::new();
    for &(a, _, (j, c)) in edges {
        let e = min_sim.entry(uf.find(a)).or_insert((1.0, 1.0));
        *e = (e.0.min(j), e.1.min(c));
    }

    // (The small epsilon keeps 0.3 × 10 = 3.0000000000000004 from rounding up.)
    let boilerplate_min = ((config.boilerplate_docs * ndocs as f64 - 1e-9).ceil() as usize).max(4);
    let mut groups: Vec<RawGroup> = Vec::new();
    for (root, members_classes) in &components {
        let mut members: Vec<(u32, u32)> = members_classes
            .iter()
            .flat_map(|&c| classes[c].members.iter().copied())
            .collect();
        members.sort_unstable();
        let distinct_docs = members.iter().map(|m| m.0).collect::<BTreeSet<_>>().len();
        if distinct_docs < 2 {
            continue;
        }
        let all_fragments = members_classes.iter().all(|&c| classes[c].fragment);
        let templated = distinct_docs >= TEMPLATE_MIN_DOCS
            && members_classes.len() >= TEMPLATE_MIN_VARIANTS
            && same_content_words(classes, members_classes);
        let kind = if all_fragments || templated || distinct_docs >= boilerplate_min {
            Kind::Boilerplate
        } else if members_classes.len() == 1 {
            Kind::Verbatim
        } else {
            Kind::Near
        };
        let sim = if members_classes.len() == 1 {
            (1.0, 1.0)
        } else {
            min_sim.get(root).copied().unwrap_or((1.0, 1.0))
        };
        groups.push(RawGroup {
            kind,
            similarity: sim.0,
            containment: sim.1,
            members,
        });
    }
    groups.sort_by(|x, y| {
        x.kind
            .cmp(&y.kind)
            .then_with(|| x.members.len().cmp(&y.members.len()).reverse())
            .then_with(|| x.members.cmp(&y.members))
    });
    groups
}

/// The groups in report form: every member with its line, offsets and text.
/// The rarity of every group: of its first two members in different
/// documents (see [`crate::align::Background`]), in parallel.
pub(super) fn rarities(
    groups: &[RawGroup],
    analyses: &[DocAnalysis],
    align_docs: &[AlignDoc],
    background: &Background,
) -> Vec<f64> {
    groups
        .par_iter()
        .map(|g| {
            let Some(&(d1, s1)) = g.members.first() else {
                return 1.0;
            };
            let Some(&(d2, s2)) = g.members.iter().find(|m| m.0 != d1) else {
                return 1.0;
            };
            let words = |d: u32, s: u32| {
                analyses[d as usize].analyzed.sentences[s as usize]
                    .tokens
                    .clone()
            };
            span_rarity(
                &align_docs[d1 as usize],
                &align_docs[d2 as usize],
                background,
                words(d1, s1),
                words(d2, s2),
            )
        })
        .collect()
}

pub(super) fn report(
    groups: Vec<RawGroup>,
    rarities: &[f64],
    docs: &[InputDoc],
    analyses: &[DocAnalysis],
) -> Vec<SharedGroup> {
    groups
        .into_iter()
        .zip(rarities)
        .map(|(g, &rarity)| {
            let distinct = g.members.iter().map(|m| m.0).collect::<BTreeSet<_>>().len();
            SharedGroup {
                kind: g.kind,
                rarity,
                similarity: round4(g.similarity),
                containment: round4(g.containment),
                documents: distinct,
                members: g
                    .members
                    .into_iter()
                    .map(|(d, s)| {
                        let a = &analyses[d as usize];
                        let span: Span = a.analyzed.sentences[s as usize].span;
                        Member {
                            doc: docs[d as usize].id.clone(),
                            line: a.lines.line(span.start),
                            start: docs[d as usize].file_offset(span.start),
                            end: docs[d as usize].file_offset(span.end),
                            text: span.slice(&docs[d as usize].text).to_owned(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}
