//! Character classes and small cursor helpers of the splitter.

// ---------------------------------------------------------------------------
// Character classes and small helpers
// ---------------------------------------------------------------------------

pub(super) fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '”'
            | '‘'
            | '’'
            | '«'
            | '»'
            | '„'
            | '‚'
            | '‹'
            | '›'
            | '「'
            | '」'
            | '『'
            | '』'
    )
}

pub(super) fn is_open_bracket(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '（' | '【' | '¿' | '¡')
}

pub(super) fn is_close_bracket(c: char) -> bool {
    matches!(c, ')' | ']' | '}' | '）' | '】')
}

pub(super) fn is_opener(c: char) -> bool {
    is_quote(c) || is_open_bracket(c)
}

pub(super) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '—' | '―' | '−')
}

/// Punctuation that cannot start a sentence: the Latin set, and outside
/// ASCII every character with the Unicode `Terminal_Punctuation` property
/// (`،` `؛` `、` `，` `।` ...).
pub(super) fn is_no_start(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '%' | ')' | ']' | '}' | '.' | '!' | '?' | '…' | '）' | '】'
    ) || (!c.is_ascii() && crate::text::script::is_terminal_punctuation(c))
}

pub(super) fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₽' | '₹' | '₩' | '₺')
}

pub(super) fn char_at(t: &str, i: usize) -> Option<char> {
    t.get(i..).and_then(|s| s.chars().next())
}

pub(super) fn char_before(t: &str, i: usize) -> Option<char> {
    t.get(..i).and_then(|s| s.chars().next_back())
}

/// First non-whitespace byte at or after `i` (or `t.len()`).
pub(super) fn skip_ws(t: &str, i: usize) -> usize {
    t[i..]
        .char_indices()
        .find(|&(_, c)| !c.is_whitespace())
        .map_or(t.len(), |(x, _)| i + x)
}

/// Skips at most eight opening quotes/brackets starting at `n`; returns the
/// position and char that follows them.
pub(super) fn skip_openers(t: &str, n: usize) -> (usize, Option<char>) {
    let mut p = n;
    for _ in 0..8 {
        match char_at(t, p) {
            Some(c) if is_opener(c) => p += c.len_utf8(),
            other => return (p, other),
        }
    }
    (p, char_at(t, p))
}
