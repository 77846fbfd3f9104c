//! An article's text as HTML, with its reused spans highlighted: the text
//! is cut at every boundary of every passage side, block, changed word and
//! boilerplate sentence, and each piece becomes one flat element (so no two
//! elements ever cross) carrying the passages it belongs to. All text goes
//! through askama's HTML escaper.

use std::fmt::Write as _;
use std::ops::Range;

use askama::filters::{Escaper, Html};

/// One side of one passage, in the text of the article it is in.
#[derive(Debug)]
pub(super) struct SideLayer {
    /// Index of the passage in the report.
    pub passage: usize,
    /// `'a'` or `'b'`: which side of the passage this is.
    pub side: char,
    /// The article on the other side (0-based).
    pub other: usize,
    /// The passage's edit label.
    pub kind: &'static str,
    /// The whole side, as a text range.
    pub span: Range<usize>,
    /// The matched blocks inside it, in order; the rest of `span` is gaps.
    pub blocks: Vec<Range<usize>>,
    /// Words changed against the other side (the word-level diff), in order.
    pub changed: Vec<Range<usize>>,
}

/// Everything highlighted in one article.
#[derive(Debug, Default)]
pub(super) struct DocLayers {
    pub passages: Vec<SideLayer>,
    /// (group, text range) of each boilerplate sentence.
    pub boilerplate: Vec<(usize, Range<usize>)>,
    /// (offset, id): the targets of the shared-sentence matrix.
    pub anchors: Vec<(usize, String)>,
}

/// An article rendered.
#[derive(Debug)]
pub(super) struct Rendered {
    pub html: String,
    /// Bytes highlighted, each given to the first of its sources in the
    /// order asked for: (source article, bytes), in that order.
    pub bytes_by_source: Vec<(usize, usize)>,
}

fn escape_into(out: &mut String, s: &str) {
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut *out, s);
}

fn inside(ranges: &[Range<usize>], x: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= x);
    i < ranges.len() && ranges[i].start <= x
}

fn join(out: &mut String, name: &str, values: &[usize]) {
    if values.is_empty() {
        return;
    }
    let _ = write!(out, " {name}=\"");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{v}");
    }
    out.push('"');
}

/// Renders `text` with the highlights of `layers`; `order` ranks the source
/// articles (most shared first) for the colour of a piece found in several
/// and for the share bar.
pub(super) fn render_text(text: &str, layers: &DocLayers, order: &[usize]) -> Rendered {
    let len = text.len();
    let mut cuts: Vec<usize> = vec![0, len];
    for l in &layers.passages {
        cuts.extend([l.span.start, l.span.end]);
        for r in l.blocks.iter().chain(&l.changed) {
            cuts.extend([r.start, r.end]);
        }
    }
    for (_, r) in &layers.boilerplate {
        cuts.extend([r.start, r.end]);
    }
    cuts.extend(layers.anchors.iter().map(|a| a.0));
    cuts.retain(|&c| c <= len && text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();

    let mut by_start: Vec<&SideLayer> = layers.passages.iter().collect();
    by_start.sort_by_key(|l| (l.span.start, l.passage));
    let mut boiler: Vec<&(usize, Range<usize>)> = layers.boilerplate.iter().collect();
    boiler.sort_by_key(|b| (b.1.start, b.0));
    let mut anchors: Vec<&(usize, String)> = layers.anchors.iter().collect();
    anchors.sort_by_key(|a| a.0);
    let rank = |src: usize| order.iter().position(|&o| o == src).unwrap_or(usize::MAX);

    let mut html = String::with_capacity(len + len / 4 + 64);
    let mut bytes: Vec<(usize, usize)> = order.iter().map(|&o| (o, 0)).collect();
    let (mut next_layer, mut next_boiler, mut next_anchor) = (0, 0, 0);
    let mut active: Vec<&SideLayer> = Vec::new();
    let mut active_boiler: Vec<&(usize, Range<usize>)> = Vec::new();
    let mut boiler_badged: Vec<usize> = Vec::new();
    for w in cuts.windows(2) {
        let (x, y) = (w[0], w[1]);
        while next_anchor < anchors.len() && anchors[next_anchor].0 <= x {
            let _ = write!(
                html,
                "<span class=\"sa\" id=\"{}\"></span>",
                anchors[next_anchor].1
            );
            next_anchor += 1;
        }
        active.retain(|l| l.span.end > x);
        active_boiler.retain(|b| b.1.end > x);
        while next_layer < by_start.len() && by_start[next_layer].span.start <= x {
            let l = by_start[next_layer];
            next_layer += 1;
            if l.span.end <= x {
                continue;
            }
            let other_side = if l.side == 'a' { 'b' } else { 'a' };
            let _ = write!(
                html,
                "<a class=\"ref c{c} k-{k}\" id=\"p{p}{s}\" href=\"#p{p}{o}\" data-p=\"{p}\" \
                 aria-label=\"from article {n}, {k}\" title=\"from article {n}, {k}\">{n}</a>",
                c = l.other % 8,
                k = l.kind,
                p = l.passage,
                s = l.side,
                o = other_side,
                n = l.other + 1,
            );
            active.push(l);
        }
        while next_boiler < boiler.len() && boiler[next_boiler].1.start <= x {
            let b = boiler[next_boiler];
            next_boiler += 1;
            if b.1.end <= x {
                continue;
            }
            if !boiler_badged.contains(&b.0) {
                boiler_badged.push(b.0);
                let _ = write!(
                    html,
                    "<a class=\"ref bp\" href=\"#g{g}\" data-b=\"{g}\" \
                     aria-label=\"boilerplate, group {n}\" title=\"boilerplate, group {n}\">B</a>",
                    g = b.0,
                    n = b.0 + 1
                );
            }
            active_boiler.push(b);
        }
        let piece = &text[x..y];
        let mut matched: Vec<&SideLayer> = Vec::new();
        let (mut gaps, mut diffs) = (Vec::new(), Vec::new());
        for l in &active {
            if inside(&l.blocks, x) {
                matched.push(l);
                if inside(&l.changed, x) {
                    diffs.push(l.passage);
                }
            } else {
                gaps.push(l.passage);
            }
        }
        let boilers: Vec<usize> = active_boiler.iter().map(|b| b.0).collect();
        if matched.is_empty() && boilers.is_empty() && gaps.is_empty() {
            escape_into(&mut html, piece);
            continue;
        }
        if matched.is_empty() && boilers.is_empty() {
            html.push_str("<span class=\"gap\"");
            join(&mut html, "data-g", &gaps);
            html.push_str(" title=\"not in the other article\">");
            escape_into(&mut html, piece);
            html.push_str("</span>");
            continue;
        }
        matched.sort_by_key(|l| (rank(l.other), l.passage));
        match matched.first() {
            Some(first) => {
                if let Some(b) = bytes.iter_mut().find(|b| b.0 == first.other) {
                    b.1 += y - x;
                }
                let _ = write!(
                    html,
                    "<mark class=\"m c{} k-{}\"",
                    first.other % 8,
                    first.kind
                );
            }
            None => html.push_str("<mark class=\"m bp\""),
        }
        let mut ps: Vec<usize> = matched.iter().map(|l| l.passage).collect();
        ps.sort_unstable();
        join(&mut html, "data-p", &ps);
        diffs.sort_unstable();
        join(&mut html, "data-d", &diffs);
        gaps.sort_unstable();
        join(&mut html, "data-g", &gaps);
        join(&mut html, "data-b", &boilers);
        html.push('>');
        escape_into(&mut html, piece);
        html.push_str("</mark>");
    }
    while next_anchor < anchors.len() {
        let _ = write!(
            html,
            "<span class=\"sa\" id=\"{}\"></span>",
            anchors[next_anchor].1
        );
        next_anchor += 1;
    }
    Rendered {
        html,
        bytes_by_source: bytes,
    }
}
