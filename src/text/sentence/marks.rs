//! Pass 2: terminal punctuation inside a segment, and whether a boundary
//! follows it.

use super::chars::*;
use super::lexicon::*;
use crate::util::Span;

/// Longest abbreviation-like word (in bytes) considered before a full stop.
pub(super) const MAX_ABBREV_SCAN: usize = 40;

/// Splits the segment `text[start..end]` (trimmed, no hard breaks inside).
pub(super) fn split_segment(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let t = &text[..end];
    let b = t.as_bytes();
    let mut ctx = Ctx {
        t,
        lo: start,
        sent_start: start,
        tok_start: 0,
        tok_end: 0,
        tok_special: false,
    };
    let mut i = start;
    while i < end {
        // Most bytes are ASCII that can neither end a sentence nor (a
        // space after ASCII) start the Thai/Lao rule: skip them in a tight
        // loop (the `match` below costs an indirect jump per byte).
        if b[i] != b' ' || i == 0 || b[i - 1] < 0x80 {
            while i < end && PLAIN[b[i] as usize] {
                i += 1;
            }
            if i == end {
                break;
            }
        }
        let step = match b[i] {
            b'.' | b'!' | b'?' => 0,
            // The Greek question mark is written as `;`.
            b';' if char_before(t, i).is_some_and(is_greek) => 0,
            // Thai and Lao end sentences with a space, not a mark.
            b' ' if i > ctx.sent_start && b[i - 1] >= 0x80 => {
                let n = skip_ws(t, i);
                if n < end
                    && char_before(t, i).is_some_and(is_spaced_script)
                    && char_at(t, n).is_some_and(is_spaced_script)
                {
                    out.push(Span::new(ctx.sent_start, i));
                    ctx.sent_start = n;
                }
                n - i
            }
            0..=0x7F => 1,
            _ => {
                let c = char_at(t, i).unwrap_or(' ');
                if terminal(c).is_some() {
                    0
                } else {
                    c.len_utf8().max(1)
                }
            }
        };
        if step > 0 {
            i += step;
            continue;
        }
        let mark = scan_mark(t, i);
        if ctx.decide(&mark) {
            out.push(Span::new(ctx.sent_start, mark.k));
            ctx.sent_start = skip_ws(t, mark.k);
        }
        i = mark.k;
    }
    if ctx.sent_start < end {
        out.push(Span::new(ctx.sent_start, end));
    }
}

/// ASCII bytes that [`split_segment`] steps over one at a time: all but
/// `.` `!` `?` `;` (a space is plain only after an ASCII byte, which the
/// caller checks); bytes from 0x80 are not plain.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = !matches!(i as u8, b'.' | b'!' | b'?' | b';');
        i += 1;
    }
    t
};

/// Kind of terminal punctuation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Term {
    Dot,
    Other,
    Cjk,
}

/// Terminal punctuation: the news-text set for Latin text (`.` with its
/// abbreviation rules, `!` `?` `…`), the CJK full stops (always a
/// boundary), and every other character with the Unicode `Sentence_Terminal`
/// property (`।` `۔` `؟` `։` `።` `။` `܀` `߹` ...), which behaves like `!`.
pub(super) fn terminal(c: char) -> Option<Term> {
    match c {
        '.' => Some(Term::Dot),
        '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' => Some(Term::Other),
        '。' | '！' | '？' | '｡' => Some(Term::Cjk),
        c if c.is_ascii() => None,
        c if crate::text::script::is_sentence_terminal(c) => Some(Term::Other),
        _ => None,
    }
}

/// Thai or Lao, scripts that put a space where others put a full stop.
fn is_spaced_script(c: char) -> bool {
    matches!(c, '\u{0E01}'..='\u{0E5B}' | '\u{0E81}'..='\u{0EDF}')
}

/// A Greek letter (before `;`, the Greek question mark).
pub(super) fn is_greek(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}')
}

/// A terminal cluster with its closers.
pub(super) struct Mark {
    /// Start of the cluster.
    pub(super) i: usize,
    /// End of the cluster.
    pub(super) j: usize,
    /// End of the closers (the candidate sentence end).
    pub(super) k: usize,
    /// The cluster is exactly one `.`.
    pub(super) single_dot: bool,
    /// The cluster contains a CJK full stop.
    pub(super) cjk: bool,
    /// The last char of the closers, if it is a quote or bracket.
    pub(super) last_closer: Option<char>,
}

pub(super) fn scan_mark(t: &str, i: usize) -> Mark {
    let mut j = i;
    let mut count = 0;
    let mut dot = false;
    let mut cjk = false;
    while let Some(c) = char_at(t, j) {
        let kind = match terminal(c) {
            None if c == ';' && j == i => Some(Term::Other),
            k => k,
        };
        match kind {
            Some(kind) => {
                count += 1;
                dot = kind == Term::Dot;
                cjk |= kind == Term::Cjk;
                j += c.len_utf8();
            }
            None => break,
        }
    }
    let mut k = j;
    let mut last_closer = None;
    while let Some(c) = char_at(t, k) {
        if is_quote(c) || is_close_bracket(c) {
            last_closer = Some(c);
        } else if let Some(kind) = terminal(c) {
            cjk |= kind == Term::Cjk;
            last_closer = None;
        } else {
            break;
        }
        k += c.len_utf8();
    }
    Mark {
        i,
        j,
        k,
        single_dot: count == 1 && dot,
        cjk,
        last_closer,
    }
}

/// What the word before a full stop is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Prev {
    /// Title or `vs`/`e.g.`: never ends a sentence before a capital/number.
    Hard,
    /// Soft abbreviation, dotted acronym or initial: ends a sentence only
    /// before a common sentence starter.
    Soft,
    /// `a.m.` / `p.m.`.
    Time,
    /// A number; `enumerator` if it is a short number starting the sentence.
    Number { enumerator: bool },
    /// Anything else.
    Ordinary,
}

/// Scanning state for one segment.
pub(super) struct Ctx<'a> {
    /// Text up to the segment end.
    pub(super) t: &'a str,
    /// Segment start.
    pub(super) lo: usize,
    /// Start of the current sentence.
    pub(super) sent_start: usize,
    /// Cached whitespace-delimited token around the last attached full stop.
    pub(super) tok_start: usize,
    pub(super) tok_end: usize,
    /// The cached token contains `@`, `/` or `\`.
    pub(super) tok_special: bool,
}

impl Ctx<'_> {
    fn decide(&mut self, m: &Mark) -> bool {
        if m.i == self.sent_start {
            return false;
        }
        let Some(next) = char_at(self.t, m.k) else {
            return true;
        };
        if m.cjk {
            return true;
        }
        if next.is_whitespace() {
            self.decide_spaced(m)
        } else {
            self.decide_attached(m, next)
        }
    }

    fn decide_attached(&mut self, m: &Mark, next: char) -> bool {
        if !next.is_alphanumeric() {
            return false;
        }
        if let Some(q) = m.last_closer {
            if matches!(q, '\'' | '’') && next.is_alphabetic() {
                return false;
            }
            return next.is_uppercase();
        }
        if next.is_numeric() {
            return false;
        }
        if !m.single_dot {
            return next.is_uppercase();
        }
        let t = self.t;
        let Some(prev) = char_before(t, m.i) else {
            return false;
        };
        if prev.is_whitespace() || self.token_is_special(m.i) {
            return false;
        }
        let (nw_end, nw_len) = word_after(t, m.j);
        if prev.is_numeric() {
            return next.is_uppercase() && nw_len >= 2;
        }
        let (pw_start, pw_len) = word_before(t, self.sent_start, m.i);
        if pw_len == 1 || (nw_len == 1 && pw_len <= 2) {
            return false;
        }
        if t[pw_start..m.i].eq_ignore_ascii_case("www") {
            return false;
        }
        if nw_len < WORD_CAP {
            if t[nw_end..].starts_with('.')
                && char_at(t, nw_end + 1).is_some_and(char::is_alphanumeric)
            {
                return false;
            }
            if is_web_suffix(&t[m.j..nw_end]) {
                return false;
            }
        }
        match classify_prev(t, self.sent_start, m.i) {
            Prev::Hard => false,
            Prev::Soft => is_starter(t, m.j),
            _ => true,
        }
    }

    fn decide_spaced(&self, m: &Mark) -> bool {
        let t = self.t;
        let n = skip_ws(t, m.k);
        let Some(c0) = char_at(t, n) else {
            return true;
        };
        let prev = if m.single_dot {
            classify_prev(t, self.sent_start, m.i)
        } else {
            Prev::Ordinary
        };
        if is_dash(c0) {
            if matches!(prev, Prev::Hard | Prev::Soft | Prev::Time) {
                return false;
            }
            let a = skip_ws(t, n + c0.len_utf8());
            return !char_at(t, a).is_some_and(char::is_lowercase);
        }
        let (p, c) = skip_openers(t, n);
        let Some(c) = c else {
            return false;
        };
        if c.is_lowercase() || is_no_start(c) {
            return false;
        }
        if !m.single_dot {
            return true;
        }
        let numeric = c.is_numeric() || is_currency(c);
        match prev {
            Prev::Ordinary => true,
            Prev::Number { enumerator } => !enumerator,
            Prev::Hard => false,
            Prev::Soft => !numeric && c.is_alphabetic() && is_starter(t, p),
            Prev::Time => !(numeric || (c.is_alphabetic() && is_time_zone(t, p))),
        }
    }

    /// Whether the whitespace-delimited token containing byte `i` contains
    /// `@`, `/` or `\`.  Cached per token so that long tokens with many dots
    /// are scanned once.
    fn token_is_special(&mut self, i: usize) -> bool {
        if !(self.tok_start..self.tok_end).contains(&i) {
            let t = self.t;
            let start = t[self.lo..i]
                .char_indices()
                .rev()
                .find(|&(_, c)| c.is_whitespace())
                .map_or(self.lo, |(x, c)| self.lo + x + c.len_utf8());
            let end = t[i..]
                .char_indices()
                .find(|&(_, c)| c.is_whitespace())
                .map_or(t.len(), |(x, _)| i + x);
            self.tok_special = t.as_bytes()[start..end]
                .iter()
                .any(|&b| matches!(b, b'@' | b'/' | b'\\'));
            self.tok_start = start;
            self.tok_end = end;
        }
        self.tok_special
    }
}

/// Classifies the word ending right before the full stop at byte `i`,
/// looking no further back than `lo`.
pub(super) fn classify_prev(t: &str, lo: usize, i: usize) -> Prev {
    let before = &t[lo..i];
    let mut ws = i;
    for (idx, ch) in before.char_indices().rev() {
        if ch.is_alphabetic() || ch == '.' {
            ws = lo + idx;
            if i - ws > MAX_ABBREV_SCAN {
                return Prev::Ordinary;
            }
        } else {
            break;
        }
    }
    let word = t[ws..i].trim_start_matches('.');
    if word.is_empty() {
        let digits = before
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .take(4)
            .count();
        if digits == 0 {
            return Prev::Ordinary;
        }
        return Prev::Number {
            enumerator: digits <= 3 && i - digits == lo,
        };
    }
    if word.contains('.') {
        match word {
            "e.g" | "i.e" | "E.g" | "I.e" => return Prev::Hard,
            "a.m" | "p.m" | "A.M" | "P.M" => return Prev::Time,
            _ => {}
        }
        if word
            .split('.')
            .all(|part| (1..=2).contains(&part.chars().count()))
        {
            return Prev::Soft;
        }
        let last = word.rsplit('.').next().unwrap_or("");
        return classify_word(t, i - last.len(), last);
    }
    classify_word(t, i - word.len(), word)
}

/// Classifies the plain word `w` starting at byte `start` of `t`.
pub(super) fn classify_word(t: &str, start: usize, w: &str) -> Prev {
    let mut chars = w.chars();
    if chars.next().is_none() {
        return Prev::Ordinary;
    }
    if chars.next().is_none() {
        // A single letter is an initial unless glued to a digit (`3D`).
        return if char_before(t, start).is_some_and(char::is_alphanumeric) {
            Prev::Ordinary
        } else {
            Prev::Soft
        };
    }
    if is_title(w) || is_never_final(w) {
        Prev::Hard
    } else if is_soft_abbrev(w) {
        Prev::Soft
    } else {
        Prev::Ordinary
    }
}

/// Cap on the letters counted by [`word_after`] / [`word_before`].
pub(super) const WORD_CAP: usize = 32;

/// The run of letters starting at `j`: (end byte, length in chars, capped).
pub(super) fn word_after(t: &str, j: usize) -> (usize, usize) {
    let mut end = j;
    let mut n = 0;
    for c in t[j..].chars() {
        if !c.is_alphabetic() || n >= WORD_CAP {
            break;
        }
        end += c.len_utf8();
        n += 1;
    }
    (end, n)
}

/// The run of letters ending at `i`, not before `lo`: (start byte, length in
/// chars, capped).
pub(super) fn word_before(t: &str, lo: usize, i: usize) -> (usize, usize) {
    let mut start = i;
    let mut n = 0;
    for c in t[lo..i].chars().rev() {
        if !c.is_alphabetic() || n >= WORD_CAP {
            break;
        }
        start -= c.len_utf8();
        n += 1;
    }
    (start, n)
}

/// The ASCII word starting at `p` if it has at most `cap` letters.
pub(super) fn ascii_word_at(t: &str, p: usize, cap: usize) -> Option<&str> {
    let b = &t.as_bytes()[p..];
    let n = b
        .iter()
        .take(cap + 1)
        .take_while(|x| x.is_ascii_alphabetic())
        .count();
    if n == 0 || n > cap || b.get(n).is_some_and(|&x| x >= 0x80) {
        return None;
    }
    Some(&t[p..p + n])
}
