//! What the page shows, gathered from a [`Comparison`] or an [`Alignment`]
//! and the documents' texts: one [`DocView`] per article (its text already
//! rendered as HTML), the heatmap rows, the shared-sentence matrix rows and
//! the data embedded for the script. Offsets are the reports' file offsets,
//! turned back into offsets of the decoded text here, once.

use std::collections::HashMap;
use std::ops::Range;

use super::text::{render_text, DocLayers, SideLayer};
use crate::align::{Alignment, Passage};
use crate::compare::{Comparison, Kind};
use crate::source::InputDoc;
use crate::text::Tokens;
use crate::util::lcs_pairs;

/// The matched sub-spans of a passage, on both sides, in file byte offsets
/// (the offsets of [`Passage`]), in order. Between two consecutive blocks
/// lies a gap: words inserted on one side, dropped from the other, which
/// the page shows as such.
///
/// This is the one place the HTML report takes a passage's blocks from:
/// the aligner's [`Passage::blocks`].
pub fn passage_blocks(p: &Passage) -> Vec<(Range<usize>, Range<usize>)> {
    p.blocks
        .iter()
        .map(|k| (k.a.start..k.a.end, k.b.start..k.b.end))
        .collect()
}

/// One article as the page shows it.
#[derive(Debug)]
pub(super) struct DocView {
    /// 1-based number, as the page labels it.
    pub n: usize,
    pub id: String,
    pub path: String,
    pub words: usize,
    pub reused_pct: String,
    pub own_pct: String,
    pub language: String,
    pub encoding: String,
    /// The stacked share bar: one segment per source, then own.
    pub bar: Vec<BarSegment>,
    /// Other articles this one is found in: (number, id, share).
    pub found_in: Vec<(usize, String, String)>,
    /// Passages with other articles.
    pub passages: usize,
    /// The full text with the highlights, as HTML (escaped).
    pub html: String,
}

/// A segment of a share bar.
#[derive(Debug)]
pub(super) struct BarSegment {
    /// Colour class (`c0`..`c7`, or `own`).
    pub class: String,
    /// Width in percent of the bar, as CSS wants it.
    pub width: String,
    /// What it means, in words.
    pub label: String,
}

/// A row of the heatmap.
#[derive(Debug)]
pub(super) struct HeatRow {
    pub n: usize,
    pub id: String,
    pub cells: Vec<HeatCell>,
}

/// A cell of the heatmap: share of the row article found in the column one.
#[derive(Debug)]
pub(super) struct HeatCell {
    pub text: String,
    /// 0 (none) to 5 (all): the colour, a second cue next to the number.
    pub level: u8,
    /// Link to the pair view, when the two share anything.
    pub href: Option<String>,
    pub label: String,
}

/// A pair of articles that share passages: the target of the heatmap's
/// links, filled in by the script.
#[derive(Debug)]
pub(super) struct PairView {
    /// 1-based numbers, lower first.
    pub lo: usize,
    pub hi: usize,
    pub id_lo: String,
    pub id_hi: String,
    pub passages: usize,
}

/// A row of the shared-sentence matrix.
#[derive(Debug)]
pub(super) struct GroupView {
    pub n: usize,
    pub kind: &'static str,
    pub glyph: &'static str,
    pub documents: usize,
    pub excerpt: String,
    /// One per article: a link to the sentence there, with its label.
    pub cells: Vec<Option<(String, String)>>,
}

/// The data the script reads (embedded once as JSON).
#[derive(Debug, serde::Serialize)]
pub(super) struct PassageData {
    pub docs: Vec<DocData>,
    pub passages: Vec<PassageRef>,
    pub groups: Vec<GroupRef>,
}

#[derive(Debug, serde::Serialize)]
pub(super) struct DocData {
    pub id: String,
    pub words: usize,
}

/// A passage for the script: the two articles (0-based) and its kind.
#[derive(Debug, serde::Serialize)]
pub(super) struct PassageRef {
    pub a: usize,
    pub b: usize,
    pub kind: &'static str,
    pub similarity: f64,
}

/// A shared group for the script: its kind and the articles (0-based).
#[derive(Debug, serde::Serialize)]
pub(super) struct GroupRef {
    pub kind: &'static str,
    pub docs: Vec<usize>,
}

/// Everything the template renders.
#[derive(Debug)]
pub(super) struct Model {
    pub docs: Vec<DocView>,
    pub heat: Vec<HeatRow>,
    pub groups: Vec<GroupView>,
    pub pairs: Vec<PairView>,
    pub kinds: Vec<(&'static str, usize)>,
    pub data: PassageData,
    pub skipped: Vec<(String, String)>,
}

/// The kinds a highlight can have, in filter order.
pub(super) const KINDS: [&str; 5] = [
    "verbatim",
    "edited",
    "reordered",
    "paraphrase",
    "boilerplate",
];

fn pct(x: f64) -> String {
    let p = (x * 100.0).clamp(0.0, 100.0);
    if p > 0.0 && p < 1.0 {
        "<1%".to_string()
    } else {
        format!("{}%", p.round() as u64)
    }
}

/// The colour step of a heatmap cell: none, any, 5%, 15%, 35%, 65%.
fn heat_level(share: f64) -> u8 {
    [0.0, 0.05, 0.15, 0.35, 0.65]
        .iter()
        .filter(|&&t| share > t || (t > 0.0 && share >= t))
        .count() as u8
}

fn invalid(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, msg)
}

/// The offset in `doc.text` of file offset `file`: the offsets are the
/// same for UTF-8; else the first text offset that maps at or past it,
/// moved back to a character boundary.
fn text_offset(doc: &InputDoc, file: usize) -> usize {
    let t = &doc.text;
    let mut at = match &doc.offsets {
        None => file.min(t.len()),
        Some(_) => {
            let (mut lo, mut hi) = (0, t.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if doc.file_offset(mid) < file {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        }
    };
    while at > 0 && !t.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn text_range(doc: &InputDoc, r: Range<usize>) -> Range<usize> {
    let s = text_offset(doc, r.start);
    s..text_offset(doc, r.end).max(s)
}

/// Words of `a[ra]` and `b[rb]` outside a longest common subsequence of
/// their normalized words: the word-level diff of a passage, as text ranges
/// on each side. Passages too long for the quadratic table get none.
fn word_diff(
    a: &str,
    ra: Range<usize>,
    b: &str,
    rb: Range<usize>,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    const MAX_CELLS: usize = 4_000_000;
    let (ta, tb) = (Tokens::new(&a[ra.clone()]), Tokens::new(&b[rb.clone()]));
    if ta.len().saturating_mul(tb.len()) > MAX_CELLS {
        return (Vec::new(), Vec::new());
    }
    let hash = |t: &Tokens| -> Vec<u64> {
        t.norms()
            .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
            .collect()
    };
    let pairs = lcs_pairs(&hash(&ta), &hash(&tb));
    let mut in_a = vec![false; ta.len()];
    let mut in_b = vec![false; tb.len()];
    for &(i, j) in &pairs {
        in_a[i] = true;
        in_b[j] = true;
    }
    let changed = |t: &Tokens, matched: &[bool], base: usize| -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for (i, &m) in matched.iter().enumerate() {
            if m {
                continue;
            }
            let s = t.span(i);
            let r = base + s.start..base + s.end;
            match out.last_mut() {
                // Consecutive changed words make one range (with the space
                // between them).
                Some(last) if i > 0 && !matched[i - 1] => last.end = r.end,
                _ => out.push(r),
            }
        }
        out
    };
    (changed(&ta, &in_a, ra.start), changed(&tb, &in_b, rb.start))
}

/// The blocks of `p` as text ranges, clipped to the passage and in order.
fn blocks_in_text(
    p: &Passage,
    da: &InputDoc,
    db: &InputDoc,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (ra, rb) in passage_blocks(p) {
        let ra = text_range(da, ra.start.max(p.a.start)..ra.end.min(p.a.end));
        let rb = text_range(db, rb.start.max(p.b.start)..rb.end.min(p.b.end));
        if !ra.is_empty() {
            a.push(ra);
        }
        if !rb.is_empty() {
            b.push(rb);
        }
    }
    a.sort_by_key(|r| r.start);
    b.sort_by_key(|r| r.start);
    (coalesce(a, &da.text), coalesce(b, &db.text))
}

/// Joins consecutive blocks of one side with no word between them (only
/// spaces and punctuation: the other side has a gap there, this one none),
/// so the page shows one highlight, not pieces.
fn coalesce(ranges: Vec<Range<usize>>, text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        if let Some(last) = out.last_mut() {
            let between = text.get(last.end..r.start).unwrap_or("x");
            if r.start >= last.end && !between.chars().any(char::is_alphanumeric) {
                last.end = r.end;
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// What every document of the report needs besides its passages.
struct DocIn<'a> {
    text: &'a InputDoc,
    id: String,
    path: String,
    words: usize,
    reused: f64,
    language: String,
    encoding: String,
    /// (other article, share of this one found there), most first.
    found_in: Vec<(usize, f64)>,
}

impl Model {
    pub(super) fn from_comparison(c: &Comparison, texts: &[InputDoc]) -> std::io::Result<Model> {
        let by_id: HashMap<&str, &InputDoc> = texts.iter().map(|d| (d.id.as_str(), d)).collect();
        let index: HashMap<&str, usize> = c
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let idx = |id: &str| -> std::io::Result<usize> {
            index.get(id).copied().ok_or_else(|| {
                invalid(format!(
                    "the report names a document {id:?} it does not list"
                ))
            })
        };
        let mut docs = Vec::with_capacity(c.documents.len());
        for d in &c.documents {
            let text = by_id
                .get(d.id.as_str())
                .copied()
                .ok_or_else(|| invalid(format!("no text given for document {:?}", d.id)))?;
            let mut found_in = Vec::new();
            for o in &d.found_in {
                found_in.push((idx(&o.doc)?, o.fraction));
            }
            docs.push(DocIn {
                text,
                id: d.id.clone(),
                path: d.path.clone(),
                words: d.words,
                reused: d.reused_fraction,
                language: d.language.name.to_string(),
                encoding: d.encoding.name.to_string(),
                found_in,
            });
        }
        let mut passages = Vec::with_capacity(c.passages.len());
        for p in &c.passages {
            passages.push((idx(&p.a.doc)?, idx(&p.b.doc)?, p));
        }
        let mut groups = Vec::with_capacity(c.shared.len());
        for g in &c.shared {
            let mut members = Vec::with_capacity(g.members.len());
            for m in &g.members {
                members.push((idx(&m.doc)?, m.start..m.end, m.text.as_str()));
            }
            groups.push((g.kind, g.documents, members));
        }
        let skipped = c
            .skipped
            .iter()
            .map(|s| (s.path.clone(), s.error.clone()))
            .collect();
        Ok(Model::build(docs, &passages, &groups, skipped))
    }

    pub(super) fn from_alignment(
        al: &Alignment,
        a: &InputDoc,
        b: &InputDoc,
    ) -> std::io::Result<Model> {
        fn doc<'t>(
            d: &crate::align::AlignedDocument,
            text: &'t InputDoc,
            other: usize,
        ) -> DocIn<'t> {
            let found_in = if d.reused_words > 0 {
                vec![(other, d.reused_fraction)]
            } else {
                Vec::new()
            };
            DocIn {
                text,
                id: d.id.clone(),
                path: d.path.clone(),
                words: d.words,
                reused: d.reused_fraction,
                language: d.language.name.to_string(),
                encoding: d.encoding.name.to_string(),
                found_in,
            }
        }
        let docs = vec![doc(&al.a, a, 1), doc(&al.b, b, 0)];
        let passages: Vec<_> = al.passages.iter().map(|p| (0, 1, p)).collect();
        Ok(Model::build(docs, &passages, &[], Vec::new()))
    }

    #[allow(clippy::type_complexity)]
    fn build(
        docs: Vec<DocIn>,
        passages: &[(usize, usize, &Passage)],
        groups: &[(Kind, usize, Vec<(usize, Range<usize>, &str)>)],
        skipped: Vec<(String, String)>,
    ) -> Model {
        let n = docs.len();
        let mut layers: Vec<DocLayers> = (0..n).map(|_| DocLayers::default()).collect();
        for (pi, &(a, b, p)) in passages.iter().enumerate() {
            let (da, db) = (docs[a].text, docs[b].text);
            let ra = text_range(da, p.a.start..p.a.end);
            let rb = text_range(db, p.b.start..p.b.end);
            let (blocks_a, blocks_b) = blocks_in_text(p, da, db);
            let (diff_a, diff_b) = if p.edit == crate::align::Edit::Verbatim {
                (Vec::new(), Vec::new())
            } else {
                word_diff(&da.text, ra.clone(), &db.text, rb.clone())
            };
            let kind = p.edit.as_str();
            layers[a].passages.push(SideLayer {
                passage: pi,
                side: 'a',
                other: b,
                kind,
                span: ra,
                blocks: blocks_a,
                changed: diff_a,
            });
            layers[b].passages.push(SideLayer {
                passage: pi,
                side: 'b',
                other: a,
                kind,
                span: rb,
                blocks: blocks_b,
                changed: diff_b,
            });
        }
        let mut group_views = Vec::with_capacity(groups.len());
        for (gi, (kind, documents, members)) in groups.iter().enumerate() {
            let mut cells: Vec<Option<(String, String)>> = vec![None; n];
            for (mi, (d, range, _)) in members.iter().enumerate() {
                let r = text_range(docs[*d].text, range.clone());
                let anchor = format!("s{gi}-{mi}");
                if *kind == Kind::Boilerplate {
                    layers[*d].boilerplate.push((gi, r.clone()));
                }
                layers[*d].anchors.push((r.start, anchor.clone()));
                if cells[*d].is_none() {
                    let label = format!(
                        "group {}, {} sentence in article {}",
                        gi + 1,
                        kind.as_str(),
                        d + 1
                    );
                    cells[*d] = Some((format!("#{anchor}"), label));
                }
            }
            let excerpt = members.first().map(|m| m.2).unwrap_or_default();
            let mut short: String = excerpt.chars().take(100).collect();
            if short.len() < excerpt.len() {
                short.push('…');
            }
            group_views.push(GroupView {
                n: gi + 1,
                kind: kind.as_str(),
                glyph: match kind {
                    Kind::Verbatim => "●",
                    Kind::Near => "◐",
                    Kind::Boilerplate => "□",
                },
                documents: *documents,
                excerpt: short,
                cells,
            });
        }
        // Most shared first; the group number breaks ties (stable sort).
        group_views.sort_by_key(|g| std::cmp::Reverse(g.documents));

        let mut views = Vec::with_capacity(n);
        let mut heat = Vec::with_capacity(n);
        for (i, (d, l)) in docs.iter().zip(&layers).enumerate() {
            let order: Vec<usize> = d.found_in.iter().map(|f| f.0).collect();
            let rendered = render_text(&d.text.text, l, &order);
            let mut bar = Vec::new();
            let total: usize = rendered.bytes_by_source.iter().map(|(_, b)| b).sum();
            for (src, bytes) in &rendered.bytes_by_source {
                if total == 0 || *bytes == 0 {
                    continue;
                }
                let w = d.reused * 100.0 * *bytes as f64 / total as f64;
                let share = d
                    .found_in
                    .iter()
                    .find(|f| f.0 == *src)
                    .map(|f| f.1)
                    .unwrap_or(0.0);
                bar.push(BarSegment {
                    class: format!("c{}", src % 8),
                    width: format!("{w:.2}%"),
                    label: format!(
                        "{} of article {} is found in article {} ({} first found there)",
                        pct(share),
                        i + 1,
                        src + 1,
                        pct(w / 100.0)
                    ),
                });
            }
            bar.push(BarSegment {
                class: "own".into(),
                width: format!("{:.2}%", (1.0 - d.reused).max(0.0) * 100.0),
                label: format!("{} of article {} is its own", pct(1.0 - d.reused), i + 1),
            });
            let found = |j: usize| d.found_in.iter().find(|f| f.0 == j).map(|f| f.1);
            let cells = (0..n)
                .map(|j| {
                    if j == i {
                        return HeatCell {
                            text: "–".into(),
                            level: 0,
                            href: None,
                            label: format!("article {} with itself", i + 1),
                        };
                    }
                    let share = found(j).unwrap_or(0.0);
                    let linked =
                        found(j).is_some() || layers[i].passages.iter().any(|s| s.other == j);
                    let (lo, hi) = (i.min(j), i.max(j));
                    HeatCell {
                        text: if share > 0.0 {
                            pct(share).trim_end_matches('%').to_string()
                        } else {
                            "0".into()
                        },
                        level: heat_level(share),
                        href: linked.then(|| format!("#pair-{}-{}", lo + 1, hi + 1)),
                        label: format!(
                            "{} of article {} is found in article {}",
                            pct(share),
                            i + 1,
                            j + 1
                        ),
                    }
                })
                .collect();
            heat.push(HeatRow {
                n: i + 1,
                id: d.id.clone(),
                cells,
            });
            views.push(DocView {
                n: i + 1,
                id: d.id.clone(),
                path: d.path.clone(),
                words: d.words,
                reused_pct: pct(d.reused),
                own_pct: pct(1.0 - d.reused),
                language: d.language.clone(),
                encoding: d.encoding.clone(),
                bar,
                found_in: d
                    .found_in
                    .iter()
                    .map(|&(j, f)| (j + 1, docs[j].id.clone(), pct(f)))
                    .collect(),
                passages: l.passages.len(),
                html: rendered.html,
            });
        }
        let mut pair_count: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
        for &(a, b, _) in passages {
            *pair_count.entry((a.min(b), a.max(b))).or_default() += 1;
        }
        for row in &heat {
            for c in &row.cells {
                if let Some(h) = &c.href {
                    let mut it = h.trim_start_matches("#pair-").split('-');
                    if let (Some(Ok(lo)), Some(Ok(hi))) = (
                        it.next().map(str::parse::<usize>),
                        it.next().map(str::parse::<usize>),
                    ) {
                        pair_count.entry((lo - 1, hi - 1)).or_default();
                    }
                }
            }
        }
        let pairs = pair_count
            .into_iter()
            .map(|((lo, hi), count)| PairView {
                lo: lo + 1,
                hi: hi + 1,
                id_lo: docs[lo].id.clone(),
                id_hi: docs[hi].id.clone(),
                passages: count,
            })
            .collect();
        let mut kinds: Vec<(&'static str, usize)> = KINDS.iter().map(|k| (*k, 0)).collect();
        for (_, _, p) in passages {
            if let Some(k) = kinds.iter_mut().find(|k| k.0 == p.edit.as_str()) {
                k.1 += 1;
            }
        }
        kinds[4].1 = groups.iter().filter(|g| g.0 == Kind::Boilerplate).count();
        let data = PassageData {
            docs: docs
                .iter()
                .map(|d| DocData {
                    id: d.id.clone(),
                    words: d.words,
                })
                .collect(),
            passages: passages
                .iter()
                .map(|&(a, b, p)| PassageRef {
                    a,
                    b,
                    kind: p.edit.as_str(),
                    similarity: p.similarity,
                })
                .collect(),
            groups: groups
                .iter()
                .map(|(k, _, m)| {
                    let mut d: Vec<usize> = m.iter().map(|x| x.0).collect();
                    d.dedup();
                    GroupRef {
                        kind: k.as_str(),
                        docs: d,
                    }
                })
                .collect(),
        };
        Model {
            docs: views,
            heat,
            groups: group_views,
            pairs,
            kinds,
            data,
            skipped,
        }
    }
}
