//! The summary path of the aligner (PAN, [`AlignConfig::summary_spread`]):
//! a short passage condensing a long one.
//!
//! A summary takes a few words from every part of what it condenses, in
//! its own order: its sentences match few source sentences well enough to
//! seed, and the seeds they make lie anywhere in the source region. The
//! seed clustering ([`super::summaries`]) finds that such a pair exists;
//! the order-based steps that follow (anchors of in-order word matches,
//! growth by neighbouring sentences) then cut the long side down to the
//! few places where the summary kept whole phrases, which loses most of
//! the condensed region. Here the long side is found by *content*, as
//! Glinos (PAN 2014) clusters summary evidence rather than aligning it in
//! order: every unit of the long document that shares at least
//! [`SUPPORT_TERMS`] distinct content terms with the summary *supports*
//! it, and the region grows from the seeds' extent over supporting units
//! at most [`AlignConfig::max_gap`] units apart, the gap that ordinary
//! passages allow between seeds. A topical neighbour that shares a term
//! here and there does not support; a condensed source region does, sentence
//! after sentence.
//!
//! [`AlignConfig::summary_spread`]: super::AlignConfig::summary_spread
//! [`AlignConfig::max_gap`]: super::AlignConfig::max_gap

use std::ops::Range;

use ahash::AHashSet;

use super::{extend_exact, make_pair, trim, AlignConfig, AlignDoc, Cluster, PassagePair, Weights};
use crate::util::Span;

/// Distinct content terms a unit of the long side must share with the
/// summary to be part of the region the summary condenses.
pub(super) const SUPPORT_TERMS: usize = 2;

/// Words from the first to the last unit of `r`.
fn unit_words(d: &AlignDoc, r: &Range<usize>) -> usize {
    d.units[r.end - 1].words.end - d.units[r.start].words.start
}

/// Grows the `b` side of summary cluster `c` over the units that support
/// its `a` side (see the module docs), at most `gap` units apart, when `a`
/// is the shorter side. The path is directional: `a` condenses `b` (PAN's
/// suspicious document summarizes its source, and Sanchez-Perez et al.'s
/// summary test is directional in the same way); a long `a` side against a
/// short `b` is an expanded copy, not a summary, and is left alone.
pub(super) fn spread(a: &AlignDoc, b: &AlignDoc, c: &mut Cluster, gap: usize) {
    if unit_words(a, &c.a) > unit_words(b, &c.b) {
        return;
    }
    c.b = region(a, &c.a, b, c.b.clone(), gap);
    c.words = unit_words(a, &c.a).min(unit_words(b, &c.b));
}

/// The region of `long` around `r` that supports units `short_r` of
/// `short`.
fn region(
    short: &AlignDoc,
    short_r: &Range<usize>,
    long: &AlignDoc,
    mut r: Range<usize>,
    gap: usize,
) -> Range<usize> {
    let terms: AHashSet<u64> = short.units[short_r.clone()]
        .iter()
        .flat_map(|u| u.terms.iter().map(|t| t.0))
        .collect();
    let support: Vec<bool> = long
        .units
        .iter()
        .map(|u| u.terms.iter().filter(|t| terms.contains(&t.0)).count() >= SUPPORT_TERMS)
        .collect();
    loop {
        let mut moved = false;
        // The farthest supporting unit within reach on each end.
        let lo = r.start.saturating_sub(gap + 1);
        if let Some(k) = (lo..r.start).find(|&k| support[k]) {
            r.start = k;
            moved = true;
        }
        let hi = (r.end + gap + 1).min(support.len());
        if let Some(k) = (r.end..hi).rev().find(|&k| support[k]) {
            r.end = k + 1;
            moved = true;
        }
        if !moved {
            return r;
        }
    }
}

/// Word-level boundaries of a summary passage: each side from its first to
/// its last content word whose stem the other side has (no anchors: a
/// summary's matches are out of order by nature), then out over equal
/// words.
pub(super) fn refine(a: &AlignDoc, b: &AlignDoc, c: &Cluster) -> Option<PassagePair> {
    let wa = a.units[c.a.start].words.start..a.units[c.a.end - 1].words.end;
    let wb = b.units[c.b.start].words.start..b.units[c.b.end - 1].words.end;
    let ta = trim(&a.stems, wa, &b.stems[wb.clone()])?;
    let tb = trim(&b.stems, wb, &a.stems[ta.clone()])?;
    let (ta, tb) = extend_exact(a, b, ta, tb);
    Some(make_pair(a, b, ta, tb, c.similarity))
}

/// Passages next to each other on the first side whose second sides lie
/// apart are pieces of one summary (its sentences condense places of the
/// source far from each other): each run of them in adjacent or shared
/// units of the first side, whose extent is summary-shaped
/// ([`AlignConfig::summary_ratio`]), becomes one summary passage, spread
/// over the region it condenses and refined as a summary. Passages on the
/// first side sorted.
pub(super) fn join_pieces(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    passages: Vec<PassagePair>,
    config: &AlignConfig,
) -> Vec<PassagePair> {
    let unit_of = |d: &AlignDoc, word: usize| d.units.partition_point(|u| u.words.end <= word);
    let units = |d: &AlignDoc, words: &Range<usize>| {
        unit_of(d, words.start)..(unit_of(d, words.end - 1) + 1).min(d.units.len())
    };
    let mut out: Vec<PassagePair> = Vec::with_capacity(passages.len());
    let mut run: Vec<PassagePair> = Vec::new();
    let flush = |run: &mut Vec<PassagePair>, out: &mut Vec<PassagePair>| {
        if run.len() >= 2 {
            let ra = units(a, &run[0].a.words).start..units(a, &run[run.len() - 1].a.words).end;
            let rb = run
                .iter()
                .map(|p| units(b, &p.b.words).start)
                .min()
                .unwrap_or(0)
                ..run
                    .iter()
                    .map(|p| units(b, &p.b.words).end)
                    .max()
                    .unwrap_or(0);
            let (la, lb) = (unit_words(a, &ra) as f64, unit_words(b, &rb) as f64);
            if lb >= config.summary_ratio * la.max(1.0) {
                let mut c = Cluster {
                    similarity: w.cosine(a, ra.clone(), b, rb.clone()),
                    words: 0,
                    a: ra,
                    b: rb,
                    summary: true,
                };
                // Each piece passed validation; the whole is not validated
                // again (the region between the pieces dilutes it).
                spread(a, b, &mut c, config.max_gap);
                if let Some(p) = refine(a, b, &c) {
                    out.push(p);
                    run.clear();
                    return;
                }
            }
        }
        out.append(run);
    };
    for p in passages {
        let near = run.last().is_some_and(|last| {
            let (ul, up) = (units(a, &last.a.words), units(a, &p.a.words));
            up.start <= ul.end
        });
        if !near {
            flush(&mut run, &mut out);
        }
        run.push(p);
    }
    flush(&mut run, &mut out);
    out
}

/// Share of a unit's weighted terms that must occur in the other document
/// for the unit to belong to a summary window.
const WINDOW_COVER: f64 = 0.8;
/// A window's coverage must be this many times the mean coverage of the
/// rest of its document.
const WINDOW_CONTRAST: f64 = 2.0;
/// Fewest units of a summary window.
const WINDOW_UNITS: usize = 2;

/// Summary windows: passages found by content alone, for pairs where no
/// seed cluster survives (a summary whose sentences each condense several
/// source sentences matches none of them well enough to seed). A summary
/// is text that comes from the other document inside one that does not
/// (here: a run of `a` against `b`, as in [`spread`]):
/// a run of at least [`WINDOW_UNITS`] units each of whose weighted terms
/// occur at least [`WINDOW_COVER`] in the other document, standing out
/// ([`WINDOW_CONTRAST`]) from how well the rest of its document is covered
/// (a document on the same topic is covered everywhere). Its other side is
/// the region of the other document that supports it ([`region`]), grown
/// from the unit sharing most terms with it; the pair must be
/// summary-shaped and pass the ordinary validation.
pub(super) fn windows(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    config: &AlignConfig,
) -> Vec<Cluster> {
    let mut out = Vec::new();
    // Directional, as [`spread`]: `a` condenses `b`.
    {
        let (x, y, a_short) = (a, b, true);
        let cover: Vec<f64> = (0..x.units.len())
            .map(|u| {
                let (mut hit, mut all) = (0f64, 0f64);
                for (t, &wt) in x.units[u].terms.iter().zip(w.unit(x, a_short, u)) {
                    all += wt as f64;
                    if y.df.binary_search_by_key(&t.0, |d| d.0).is_ok() {
                        hit += wt as f64;
                    }
                }
                if all > 0.0 {
                    hit / all
                } else {
                    0.0
                }
            })
            .collect();
        let mut i = 0;
        while i < cover.len() {
            if cover[i] < WINDOW_COVER {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < cover.len() && cover[j] >= WINDOW_COVER {
                j += 1;
            }
            let rest = cover.len() - (j - i);
            let rest_mean = cover[..i].iter().chain(&cover[j..]).sum::<f64>() / rest.max(1) as f64;
            let mean = cover[i..j].iter().sum::<f64>() / (j - i) as f64;
            if j - i >= WINDOW_UNITS && mean >= WINDOW_CONTRAST * rest_mean {
                if let Some(c) = window_cluster(x, i..j, y, w, a_short, config) {
                    out.push(c);
                }
            }
            i = j;
        }
    }
    out
}

/// The summary cluster of window `run` of `x` against `y`, if it is
/// summary-shaped and validates.
fn window_cluster(
    x: &AlignDoc,
    run: Range<usize>,
    y: &AlignDoc,
    w: &Weights,
    x_is_a: bool,
    config: &AlignConfig,
) -> Option<Cluster> {
    let terms: AHashSet<u64> = x.units[run.clone()]
        .iter()
        .flat_map(|u| u.terms.iter().map(|t| t.0))
        .collect();
    let shared = |k: usize| {
        y.units[k]
            .terms
            .iter()
            .filter(|t| terms.contains(&t.0))
            .count()
    };
    let best = (0..y.units.len()).max_by_key(|&k| (shared(k), std::cmp::Reverse(k)))?;
    if shared(best) < SUPPORT_TERMS {
        return None;
    }
    let r = region(x, &run, y, best..best + 1, config.max_gap);
    let chars = |d: &AlignDoc, r: &Range<usize>| {
        let span = Span::new(d.units[r.start].span.start, d.units[r.end - 1].span.end);
        d.chars.chars(span).len() as f64
    };
    if chars(y, &r) < config.summary_ratio * chars(x, &run) {
        return None;
    }
    let (ra, rb) = if x_is_a { (run, r) } else { (r, run) };
    let (da, db) = if x_is_a { (x, y) } else { (y, x) };
    let similarity = w.cosine(da, ra.clone(), db, rb.clone());
    if similarity < config.validation {
        return None;
    }
    let words = unit_words(da, &ra).min(unit_words(db, &rb));
    Some(Cluster {
        a: ra,
        b: rb,
        similarity,
        words,
        summary: true,
    })
}
