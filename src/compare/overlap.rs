//! Source overlap: from the aligned passages, each document's reused share,
//! where it was found and what it adds of its own.

use super::analysis::DocAnalysis;
use super::{DocumentSummary, Overlap, OwnSpan};
use crate::align::PassagePair;
use crate::source::InputDoc;
use crate::util::{merge_ranges, round4, Span};

/// Fills in each document's reused share, where it was found and what it
/// adds, from the aligned passages.
pub(super) fn source_overlap(
    documents: &mut [DocumentSummary],
    docs: &[InputDoc],
    analyses: &[DocAnalysis],
    aligned: &[((u32, u32), Vec<PassagePair>)],
) {
    let mut cover: Vec<Vec<(u32, std::ops::Range<usize>)>> = vec![Vec::new(); docs.len()];
    for &((a, b), ref ps) in aligned {
        // Only the aligned blocks count: text a paper inserted into a copy
        // is its own, a sentence it dropped is the source's own.
        for p in ps {
            for k in &p.blocks {
                cover[a as usize].push((b, k.a.words.clone()));
                cover[b as usize].push((a, k.b.words.clone()));
            }
        }
    }
    for (d, ranges) in cover.iter_mut().enumerate() {
        let tokens = &analyses[d].analyzed.tokens;
        let words = tokens.len();
        let share = |n: usize| {
            if words == 0 {
                0.0
            } else {
                round4(n as f64 / words as f64)
            }
        };
        ranges.sort_by_key(|(o, r)| (*o, r.start, r.end));
        // Per other document.
        let mut found_in: Vec<Overlap> = Vec::new();
        for chunk in ranges.chunk_by(|x, y| x.0 == y.0) {
            let merged = merge_ranges(chunk.iter().map(|(_, r)| r.clone()).collect());
            let n: usize = merged.iter().map(|r| r.len()).sum();
            found_in.push(Overlap {
                doc: docs[chunk[0].0 as usize].id.clone(),
                words: n,
                fraction: share(n),
            });
        }
        found_in.sort_by_key(|o| std::cmp::Reverse(o.words));
        // Any other document, and the complement: what this one adds.
        let merged = merge_ranges(ranges.iter().map(|(_, r)| r.clone()).collect());
        let reused: usize = merged.iter().map(|r| r.len()).sum();
        let mut own = Vec::new();
        let mut next = 0;
        for r in merged.iter().cloned().chain(std::iter::once(words..words)) {
            if r.start > next {
                let span = Span::new(tokens.span(next).start, tokens.span(r.start - 1).end);
                own.push(OwnSpan {
                    line: analyses[d].lines.line(span.start),
                    start: docs[d].file_offset(span.start),
                    end: docs[d].file_offset(span.end),
                    words: r.start - next,
                    text: span.slice(&docs[d].text).to_string(),
                });
            }
            next = next.max(r.end);
        }
        let doc = &mut documents[d];
        doc.reused_words = reused;
        doc.reused_fraction = share(reused);
        doc.found_in = found_in;
        doc.own = own;
    }
}
