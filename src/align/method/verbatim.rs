//! The verbatim path of the aligner: long runs of identical words.
//!
//! A verbatim copy needs no seeds, clustering or validation: its words are
//! the same words in the same order, and its boundaries are where they stop
//! being the same. The sentence-level pass is built for edited text, and on
//! verbatim copies it errs in two ways: it joins copies that lie in one
//! place of one document and several places of the other (each copy is
//! exact, the passage spans all of them), and it drops a copy whose
//! sentences overlap a stronger passage before its boundaries are refined.
//! Here every maximal run of at least [`RUN_MIN`] equal words is found by
//! hashing word n-grams, runs on one diagonal a few words apart are
//! chained, and chains of at least [`VERBATIM_MIN_WORDS`] words are
//! verbatim passages; [`reconcile`] lets them replace the ordinary passages
//! they explain (as Sanchez-Perez et al. 2015 choose a verbatim setting
//! when two documents share a long common substring, but per passage).

use std::ops::Range;

use ahash::AHashMap;

use super::{overlaps, AlignDoc, PassagePair};

/// Equal words in a row that start a run.
const RUN_MIN: usize = 8;
/// Runs at most this many words apart on both sides chain (a word
/// normalized differently, a dropped article).
const RUN_GAP: usize = 3;
/// A chain this long, in words on both sides, is a verbatim passage.
pub(super) const VERBATIM_MIN_WORDS: usize = 20;
/// An n-gram at more than this many places of a document is a formula,
/// not a copy.
const MAX_OCCURRENCES: usize = 4;
/// Share of an ordinary passage's aligned words inside verbatim chains
/// that makes it verbatim copies: the chains replace it.
const VERBATIM_SHARE: f64 = 0.8;

/// A verbatim chain: word ranges on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chain {
    pub a: Range<usize>,
    pub b: Range<usize>,
}

fn gram_hash(words: &[u64]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64;
    for &w in words {
        h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(31);
    }
    h
}

/// Maximal runs of equal words: (start in `a`, start in `b`, length).
fn runs(a: &[u64], b: &[u64]) -> Vec<(usize, usize, usize)> {
    if a.len() < RUN_MIN || b.len() < RUN_MIN {
        return Vec::new();
    }
    let mut at: AHashMap<u64, Vec<u32>> = AHashMap::new();
    for j in 0..=b.len() - RUN_MIN {
        at.entry(gram_hash(&b[j..j + RUN_MIN]))
            .or_default()
            .push(j as u32);
    }
    let mut count_a: AHashMap<u64, u32> = AHashMap::new();
    let grams_a: Vec<u64> = (0..=a.len() - RUN_MIN)
        .map(|i| gram_hash(&a[i..i + RUN_MIN]))
        .collect();
    for &h in &grams_a {
        *count_a.entry(h).or_default() += 1;
    }
    let mut out = Vec::new();
    for (i, h) in grams_a.iter().enumerate() {
        let Some(js) = at.get(h) else { continue };
        if js.len() > MAX_OCCURRENCES || count_a[h] as usize > MAX_OCCURRENCES {
            continue;
        }
        for &j in js {
            let j = j as usize;
            // Only the start of a maximal run.
            if i > 0 && j > 0 && a[i - 1] == b[j - 1] {
                continue;
            }
            if a[i..i + RUN_MIN] != b[j..j + RUN_MIN] {
                continue;
            }
            let len = a[i..]
                .iter()
                .zip(&b[j..])
                .take_while(|(x, y)| x == y)
                .count();
            out.push((i, j, len));
        }
    }
    out
}

/// The verbatim chains of `a` and `b`, at most one per word on each side:
/// the longest win.
pub(super) fn chains(a: &AlignDoc, b: &AlignDoc) -> Vec<Chain> {
    let mut runs = runs(&a.exact, &b.exact);
    runs.sort_unstable();
    let mut chains: Vec<Chain> = Vec::new();
    for (i, j, len) in runs {
        let joins = |c: &Chain| {
            i >= c.a.end && i - c.a.end <= RUN_GAP && j >= c.b.end && j - c.b.end <= RUN_GAP
        };
        match chains.iter_mut().rev().find(|c| joins(c)) {
            Some(c) => {
                c.a.end = i + len;
                c.b.end = j + len;
            }
            None => chains.push(Chain {
                a: i..i + len,
                b: j..j + len,
            }),
        }
    }
    // A run that goes on into the next sentence by a stopword or two ("...
    // on the island. The") ends with its sentence.
    for c in &mut chains {
        let cut = super::stopword_tail(a, &c.a);
        c.a.end -= cut;
        c.b.end -= cut;
    }
    chains.retain(|c| c.a.len() >= VERBATIM_MIN_WORDS && c.b.len() >= VERBATIM_MIN_WORDS);
    chains.sort_by(|x, y| {
        (y.a.len() + y.b.len())
            .cmp(&(x.a.len() + x.b.len()))
            .then_with(|| (x.a.start, x.b.start).cmp(&(y.a.start, y.b.start)))
    });
    let mut kept: Vec<Chain> = Vec::new();
    for c in chains {
        if !kept
            .iter()
            .any(|k| overlaps(&k.a, &c.a) || overlaps(&k.b, &c.b))
        {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| (c.a.start, c.b.start));
    kept
}

/// Words of `r` inside any of `inside`.
fn covered(r: &Range<usize>, inside: &[&Range<usize>]) -> usize {
    inside
        .iter()
        .map(|c| r.end.min(c.end).saturating_sub(r.start.max(c.start)))
        .sum()
}

/// Whether the chains `mine` inside passage `p` are pieces of one copy:
/// in order on both sides, at most [`PIECE_GAP`] words apart on each, and
/// spanning at least [`HULL_SHARE`] of the passage on each side (an edited
/// copy with long unedited stretches). Copies from different places of
/// one document are far apart, or out of order, on the other.
fn one_copy(p: &PassagePair, mine: &[&Chain]) -> bool {
    let mut sorted: Vec<&Chain> = mine.to_vec();
    sorted.sort_by_key(|c| (c.a.start, c.b.start));
    let in_order = sorted.windows(2).all(|w| {
        let (x, y) = (w[0], w[1]);
        y.a.start >= x.a.end
            && y.b.start >= x.b.end
            && (y.a.start - x.a.end <= PIECE_GAP || y.b.start - x.b.end <= PIECE_GAP)
    });
    let (first, last) = (sorted[0], sorted[sorted.len() - 1]);
    let spans = |hull: usize, outer: usize| hull as f64 >= HULL_SHARE * outer as f64;
    in_order
        && spans(last.a.end - first.a.start, p.a.words.len())
        && spans(last.b.end - first.b.start, p.b.words.len())
}

/// Largest gap, in words on each side, between verbatim pieces of one
/// edited copy (see [`one_copy`]).
const PIECE_GAP: usize = 30;
/// Share of a passage's words on each side the verbatim pieces of one copy
/// span (see [`one_copy`]).
const HULL_SHARE: f64 = 0.8;

/// Puts the verbatim chains in place of the ordinary passages they explain.
/// An ordinary passage whose aligned blocks lie at least
/// [`VERBATIM_SHARE`] inside chains that overlap it on both sides is
/// verbatim copies (perhaps several, joined) and is replaced by those
/// chains, unless they are pieces of one edited copy ([`one_copy`]); any other passage stays, and chains overlapping it on either
/// side are dropped (a verbatim stretch inside an edited copy belongs to
/// the copy). Chains overlapping no remaining passage are added (copies
/// the ordinary pass lost). `make` turns a chain into a passage.
pub(super) fn reconcile(
    passages: Vec<PassagePair>,
    chains: &[Chain],
    make: impl Fn(&Chain) -> PassagePair,
) -> Vec<PassagePair> {
    if chains.is_empty() {
        return passages;
    }
    let mut kept: Vec<PassagePair> = Vec::with_capacity(passages.len());
    for p in passages {
        let mine: Vec<&Chain> = chains
            .iter()
            .filter(|c| overlaps(&c.a, &p.a.words) && overlaps(&c.b, &p.b.words))
            .collect();
        if mine.is_empty() {
            kept.push(p);
            continue;
        }
        let ca: Vec<&Range<usize>> = mine.iter().map(|c| &c.a).collect();
        let cb: Vec<&Range<usize>> = mine.iter().map(|c| &c.b).collect();
        let (mut aligned, mut inside) = (0usize, 0usize);
        for k in &p.blocks {
            aligned += k.a.words.len() + k.b.words.len();
            inside += covered(&k.a.words, &ca) + covered(&k.b.words, &cb);
        }
        if one_copy(&p, &mine) || (inside as f64) < VERBATIM_SHARE * aligned as f64 {
            kept.push(p);
        }
    }
    let free = |c: &Chain, kept: &[PassagePair]| {
        !kept
            .iter()
            .any(|p| overlaps(&c.a, &p.a.words) || overlaps(&c.b, &p.b.words))
    };
    let added: Vec<PassagePair> = chains.iter().filter(|c| free(c, &kept)).map(make).collect();
    kept.extend(added);
    kept.sort_by_key(|p| (p.a.words.start, p.b.words.start));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: every maximal common run of at least RUN_MIN words.
    /// Its run-length count repeats the one in `runs` on purpose: the
    /// oracle shares no code with what it checks.
    fn brute(a: &[u64], b: &[u64]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for i in 0..a.len() {
            for j in 0..b.len() {
                if i > 0 && j > 0 && a[i - 1] == b[j - 1] {
                    continue;
                }
                let len = a[i..]
                    .iter()
                    .zip(&b[j..])
                    .take_while(|(x, y)| x == y)
                    .count();
                if len >= RUN_MIN {
                    out.push((i, j, len));
                }
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn runs_are_the_maximal_common_runs(
            a in proptest::collection::vec(0u64..6, 0..120),
            b in proptest::collection::vec(0u64..6, 0..120),
            copy in 0usize..60, at in 0usize..60,
        ) {
            // Plant a copy of a stretch of `a` in `b` so that long runs exist.
            let mut b = b;
            if a.len() > copy + 20 {
                let at = at.min(b.len());
                b.splice(at..at, a[copy..copy + 20].iter().copied());
            }
            let mut got = runs(&a, &b);
            got.sort_unstable();
            let mut want = brute(&a, &b);
            // Runs whose n-gram repeats too often are left out on purpose.
            want.retain(|&(i, _, _)| {
                let g = &a[i..i + RUN_MIN];
                let occ = |d: &[u64]| d.windows(RUN_MIN).filter(|w| *w == g).count();
                occ(&a) <= MAX_OCCURRENCES && occ(&b) <= MAX_OCCURRENCES
            });
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
