//! Placeholder sentence splitter (replaced by the full one).
use crate::text::Span;
/// Splits `text` into sentence spans.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    let b = text.as_bytes();
    for i in 0..b.len() {
        if start.is_none() && !b[i].is_ascii_whitespace() {
            start = Some(i);
        }
        let end = b[i] == b'\n' || (b[i] == b'.' && b.get(i + 1) == Some(&b' '));
        if end {
            if let Some(s) = start.take() {
                let e = if b[i] == b'.' { i + 1 } else { i };
                let t = text[s..e].trim_end();
                out.push(Span::new(s, s + t.len()));
            }
        }
    }
    if let Some(s) = start {
        let t = text[s..].trim_end();
        out.push(Span::new(s, s + t.len()));
    }
    out
}
