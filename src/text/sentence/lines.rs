//! Pass 1: lines grouped into segments (blank lines, bullets, bylines, and
//! when a line break is joined inside a sentence).

use super::chars::*;
use super::lexicon::*;
use super::marks::*;

// ---------------------------------------------------------------------------
// Pass 1: lines
// ---------------------------------------------------------------------------

/// Longest line prefix (in chars) measured for the wrapped-prose heuristic.
pub(super) const MAX_WIDTH: usize = 400;

/// A run of non-blank lines whose line breaks were joined.
pub(super) struct Segment {
    /// Start of the first line's content.
    pub(super) start: usize,
    /// Start of the last line's content.
    pub(super) last_start: usize,
    /// End of the last line's content.
    pub(super) end: usize,
    /// Widest line so far, in chars (capped at [`MAX_WIDTH`]).
    pub(super) max_width: usize,
    /// Some break in this segment was joined for a strong reason.
    pub(super) wrapped: bool,
}

impl Segment {
    pub(super) fn new(text: &str, start: usize, end: usize) -> Segment {
        Segment {
            start,
            last_start: start,
            end,
            max_width: width(&text[start..end]),
            wrapped: false,
        }
    }

    pub(super) fn extend(&mut self, text: &str, start: usize, end: usize, strong: bool) {
        self.last_start = start;
        self.end = end;
        self.max_width = self.max_width.max(width(&text[start..end]));
        self.wrapped |= strong;
    }
}

/// How a single line break is treated.
pub(super) enum Join {
    /// Sentence boundary.
    No,
    /// Joined for a clear syntactic reason.
    Strong,
    /// Joined by the wrapped-prose heuristic.
    Weak,
}

pub(super) fn width(line: &str) -> usize {
    line.chars().take(MAX_WIDTH).count()
}

/// Finds the end of the line starting at `from`: returns the end of its
/// content, the start of the next line (if any) and whether the terminator
/// was a paragraph separator.
pub(super) fn find_line_end(bytes: &[u8], from: usize) -> (usize, Option<usize>, bool) {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => return (i, Some(i + 1), false),
            b'\r' => {
                let next = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                return (i, Some(next), false);
            }
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0xA8) => return (i, Some(i + 3), false),
                Some(0xA9) => return (i, Some(i + 3), true),
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    (bytes.len(), None, false)
}

/// Decides whether the break between the segment's last line and the line
/// `text[cs..ce]` (both trimmed, non-empty) is joined.
pub(super) fn line_join(text: &str, sg: &Segment, cs: usize, ce: usize) -> Join {
    let prev = &text[sg.last_start..sg.end];
    let cur = &text[cs..ce];
    if is_bullet(cur) || is_byline(cur) || is_byline(prev) {
        return Join::No;
    }
    let first = cur.chars().find(|&c| !is_opener(c));
    if first.is_some_and(|c| c.is_lowercase() || is_no_start(c)) {
        return Join::Strong;
    }
    let Some(last) = prev.chars().next_back() else {
        return Join::No;
    };
    if last == ','
        || last == ';'
        || last == '&'
        || last == '/'
        || is_dash(last)
        || is_open_bracket(last)
        || matches!(last, '“' | '‘' | '«' | '„')
    {
        return Join::Strong;
    }
    if last == '.' && classify_prev(text, sg.last_start, sg.end - 1) == Prev::Hard {
        return Join::Strong;
    }
    let lw = trailing_ascii_word(prev);
    if !lw.is_empty() {
        if is_function_word(lw) {
            return Join::Strong;
        }
        if is_title(lw) && first.is_some_and(char::is_uppercase) {
            return Join::Strong;
        }
    }
    if sg.wrapped && last.is_alphanumeric() {
        let w = width(prev);
        if w >= 40 && w * 10 >= sg.max_width * 8 {
            return Join::Weak;
        }
    }
    Join::No
}

/// The ASCII letters at the end of `s` (empty if longer than 12).
pub(super) fn trailing_ascii_word(s: &str) -> &str {
    let b = s.as_bytes();
    let mut n = 0;
    while n < b.len() && b[b.len() - 1 - n].is_ascii_alphabetic() {
        n += 1;
        if n > 12 {
            return "";
        }
    }
    let start = b.len() - n;
    // A letter preceded by a non-ASCII char is part of a longer word.
    if start > 0 && !b[start - 1].is_ascii() {
        return "";
    }
    &s[start..]
}

/// Whether a trimmed line starts with a bullet or list number.
pub(super) fn is_bullet(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some(
            '•' | '·' | '▪' | '◦' | '‣' | '●' | '○' | '■' | '□' | '►' | '▶' | '➢' | '➤' | '✓' | '✔'
            | '–' | '—' | '―',
        ) => true,
        Some('-' | '*' | '+') => chars.next().is_some_and(char::is_whitespace),
        Some(c) if c.is_ascii_digit() => {
            let b = line.as_bytes();
            let n = b.iter().take(4).take_while(|x| x.is_ascii_digit()).count();
            n <= 3
                && matches!(b.get(n), Some(b'.' | b')'))
                && b.get(n + 1).is_some_and(u8::is_ascii_whitespace)
        }
        Some('(') => {
            let b = line.as_bytes();
            let n = b[1..]
                .iter()
                .take(4)
                .take_while(|x| x.is_ascii_digit())
                .count();
            let n = if n == 0 && b.get(1).is_some_and(u8::is_ascii_alphabetic) {
                1
            } else {
                n
            };
            (1..=3).contains(&n)
                && b.get(n + 1) == Some(&b')')
                && b.get(n + 2).is_some_and(u8::is_ascii_whitespace)
        }
        _ => false,
    }
}

/// Whether a trimmed line is a byline: `By Jane Doe`, `— Julie Sanders`.
pub(super) fn is_byline(line: &str) -> bool {
    if line.len() > 100 {
        return false;
    }
    let (rest, max_words) =
        if let Some(r) = line.strip_prefix("By").or_else(|| line.strip_prefix("BY")) {
            if !r.starts_with(char::is_whitespace) {
                return false;
            }
            (r, 10)
        } else {
            match line.chars().next() {
                Some(c) if is_dash(c) => (&line[c.len_utf8()..], 6),
                _ => return false,
            }
        };
    let mut words = 0;
    for tok in rest.split_whitespace() {
        words += 1;
        if words > max_words {
            return false;
        }
        let Some(first) = tok.chars().find(|&c| !is_opener(c)) else {
            continue;
        };
        if first.is_alphabetic()
            && !first.is_uppercase()
            && !matches!(
                tok,
                "and"
                    | "de"
                    | "van"
                    | "von"
                    | "der"
                    | "den"
                    | "la"
                    | "le"
                    | "da"
                    | "di"
                    | "du"
                    | "del"
                    | "bin"
                    | "al"
                    | "el"
                    | "ibn"
                    | "y"
            )
        {
            return false;
        }
    }
    words > 0
}

// ---------------------------------------------------------------------------
// Pass 2: terminal punctuation inside a segment
// ---------------------------------------------------------------------------
