//! The HTML report: one self-contained file (no network, no external
//! fonts, scripts or styles) with an overview (per-article shares and the
//! asymmetric N x N heatmap), the shared-sentence matrix, every article's
//! text with its reused spans highlighted and linked to their counterparts,
//! and a pair view built on demand (two articles side by side, scrolled
//! together, with a word-level diff inside each passage). The views are
//! described in `docs/report.md`.
//!
//! Rust renders everything that depends on offsets: the highlights are HTML
//! made here from the byte spans ([`text`]), so the script never converts
//! an offset. The page is an [askama] template (`report.html`), compiled
//! with the crate and escaping every value; the article text, which askama
//! does not see, is escaped by the same escaper ([`askama::filters::Html`]).
//! The data the script needs (ids, passages, groups) is embedded once as
//! JSON in a `<script type="application/json">` with `<`, `>` and `&`
//! written as `\u003c`, `\u003e`, `\u0026`. A Content-Security-Policy meta
//! tag allows only the page's own script (by its SHA-256) and inline styles:
//! no fetch, no connection, no remote anything.

mod model;
mod text;

use std::io::Write;

use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::align::Alignment;
use crate::compare::Comparison;
use crate::source::InputDoc;

pub use model::passage_blocks;
use model::{DocView, GroupView, HeatRow, Model, PairView, PassageData};

/// The page's stylesheet (inline: the file needs nothing else).
const STYLE: &str = include_str!("style.css");
/// The page's script: vanilla, one delegated event listener.
const SCRIPT: &str = include_str!("script.js");

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: &'a str,
    mode: &'a str,
    csp: &'a str,
    style: &'a str,
    script: &'a str,
    data_json: &'a str,
    docs: &'a [DocView],
    heat: &'a [HeatRow],
    groups: &'a [GroupView],
    pairs: &'a [PairView],
    kinds: &'a [(&'static str, usize)],
    passages: usize,
    skipped: &'a [(String, String)],
}

/// Writes `comparison` as the HTML report. `texts` are the documents the
/// comparison was made of (any order; matched by id): the report shows
/// their full text.
pub fn write_html(
    out: &mut dyn Write,
    comparison: &Comparison,
    texts: &[InputDoc],
) -> std::io::Result<()> {
    let model = Model::from_comparison(comparison, texts)?;
    render(out, &model, "syndic report", "compare")
}

/// Writes the pair view of an alignment of two documents (`a` and `b` are
/// the documents that were aligned).
pub fn write_alignment_html(
    out: &mut dyn Write,
    alignment: &Alignment,
    a: &InputDoc,
    b: &InputDoc,
) -> std::io::Result<()> {
    let model = Model::from_alignment(alignment, a, b)?;
    let title = format!("syndic: {} and {}", alignment.a.id, alignment.b.id);
    render(out, &model, &title, "pair")
}

fn render(out: &mut dyn Write, model: &Model, title: &str, mode: &str) -> std::io::Result<()> {
    let data_json = embed_json(&model.data)?;
    let csp = csp();
    let page = Page {
        title,
        mode,
        csp: &csp,
        style: STYLE,
        script: SCRIPT,
        data_json: &data_json,
        docs: &model.docs,
        heat: &model.heat,
        groups: &model.groups,
        pairs: &model.pairs,
        kinds: &model.kinds,
        passages: model.data.passages.len(),
        skipped: &model.skipped,
    };
    page.write_into(out)
}

/// The Content-Security-Policy of the page: nothing may be loaded or
/// connected to; the only script is the page's own, named by its hash.
fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; \
         img-src data:; connect-src 'none'; font-src 'none'; object-src 'none'; \
         media-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; \
         base-uri 'none'; form-action 'none'"
    )
}

/// `data` as JSON safe inside a `<script>` element: `<`, `>` and `&` are
/// escaped as `\u003c`, `\u003e`, `\u0026` (outside strings JSON has none),
/// so no `</script` or `<!--` can appear and the text parses back equal.
fn embed_json(data: &PassageData) -> std::io::Result<String> {
    let json = serde_json::to_string(data)?;
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
