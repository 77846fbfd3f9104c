//! Text: Unicode normalization, word tokens and sentences, each with its byte
//! span in the original text.
//!
//! Nothing here hashes; [`crate::sketch::shingle`] turns normalized tokens into
//! hashes. Matching works on *normalized* tokens (NFKC, case-folded, quotes and
//! dashes unified, punctuation stripped) while every token and sentence keeps
//! the half-open byte [`Span`] of the original text it came from, so a report
//! can always quote `&source[span.start..span.end]`.

pub mod lang;
pub mod script;
pub mod sentence;
pub mod synonyms;

use std::ops::Range;

use caseless::Caseless;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

pub use lang::{Language, LanguageSource, Lexicon};
pub use sentence::split_sentences;

use crate::util::Span;

/// Maps a character of an already NFKC-normalized, lower-cased string to the
/// form used for matching: typographic quotes become ASCII quotes and all
/// dashes become `-`.
pub fn unify_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c => c,
    }
}

/// Normalizes a text for display-level comparison: Unicode NFKC, case folding,
/// unified quotes and dashes, runs of whitespace collapsed to one space and
/// trimmed. Punctuation is kept (see [`normalize_word`] for the matching form).
///
/// ```
/// assert_eq!(syndic::text::normalize("  “Ｈello”\u{2014}World  "), "\"hello\"-world");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().default_case_fold() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(unify_char(c));
    }
    out
}

/// A character kept in a word's matching form: letters, digits, and the
/// combining marks that spell words in Brahmic, Thai and other scripts (a
/// virama, a Thai tone mark).
fn kept(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Appends the matching form of one word to `out`: NFKC, Unicode default case
/// folding (`caseless`; for ASCII, plain lower case), and only
/// its letters, digits and combining marks (so `U.S.` and `US` match, as do `don't` and
/// `don’t`). Returns false if nothing was appended (the word had no letter or
/// digit).
pub fn normalize_word(word: &str, out: &mut String) -> bool {
    let before = out.len();
    if word.is_ascii() {
        out.extend(
            word.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase() as char),
        );
    } else if is_nfkc_quick(word.chars()) == IsNormalized::Yes {
        out.extend(word.chars().default_case_fold().filter(|&c| kept(c)));
    } else {
        out.extend(word.nfkc().default_case_fold().filter(|&c| kept(c)));
    }
    out.len() > before
}

/// English function words, and name particles (al-, bin, van...), which do
/// not make two sentences share text.
pub const STOPWORDS: &[&str] = &[
    "a", "about", "after", "al", "all", "also", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "bin", "but", "by", "can", "could", "da", "de", "del", "der", "di",
    "did", "do", "does", "du", "el", "for", "from", "had", "has", "have", "he", "her", "him",
    "his", "how", "i", "ibn", "if", "in", "into", "is", "it", "its", "la", "le", "may", "me",
    "more", "most", "mr", "mrs", "ms", "my", "no", "not", "of", "on", "one", "or", "our", "out",
    "over", "s", "said", "says", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "to", "told", "up", "us",
    "van", "very", "von", "was", "we", "were", "what", "when", "which", "while", "who", "will",
    "with", "would", "you", "your",
];

/// True if the normalized word `w` is in [`STOPWORDS`].
pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

/// The word tokens of a text: original spans and normalized forms, stored
/// without one allocation per token.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    spans: Vec<Span>,
    /// All normalized tokens concatenated.
    norm: String,
    /// `norm_ends[i]` is where token `i` ends in `norm`.
    norm_ends: Vec<usize>,
}

impl Tokens {
    /// Tokenizes `text` into words (Unicode UAX #29 word boundaries), keeping
    /// segments that contain at least one letter or digit.
    pub fn new(text: &str) -> Tokens {
        Tokens::with_breaks(text, &[])
    }

    /// Like [`Tokens::new`], but a word segment that contains one of the
    /// sorted byte offsets `breaks` is cut there. UAX #29 keeps
    /// `again.No` together as one word; when the sentence splitter has put a
    /// boundary inside it, each sentence must get its own part.
    pub fn with_breaks(text: &str, breaks: &[usize]) -> Tokens {
        let mut tokens = Tokens {
            spans: Vec::with_capacity(text.len() / 6),
            norm: String::with_capacity(text.len()),
            norm_ends: Vec::with_capacity(text.len() / 6),
        };
        let mut next_break = 0;
        for_each_segment(text, |start, word| {
            let first = word.as_bytes()[0];
            // Fast reject of whitespace and ASCII punctuation segments.
            if first.is_ascii() && !first.is_ascii_alphanumeric() && word.len() == 1 {
                return;
            }
            // Segments and breaks both come in order: one moving cursor.
            let end = start + word.len();
            while next_break < breaks.len() && breaks[next_break] <= start {
                next_break += 1;
            }
            let mut piece_start = start;
            while next_break < breaks.len() && breaks[next_break] < end {
                let b = breaks[next_break];
                tokens.push_word(&text[piece_start..b], piece_start);
                piece_start = b;
                next_break += 1;
            }
            tokens.push_word(&text[piece_start..end], piece_start);
        });
        tokens
    }

    fn push_word(&mut self, word: &str, start: usize) {
        if normalize_word(word, &mut self.norm) {
            self.spans.push(Span::new(start, start + word.len()));
            self.norm_ends.push(self.norm.len());
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True if there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The byte span of token `i` in the original text.
    pub fn span(&self, i: usize) -> Span {
        self.spans[i]
    }

    /// All token spans.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The normalized form of token `i`.
    pub fn norm(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.norm_ends[i - 1] };
        &self.norm[start..self.norm_ends[i]]
    }

    /// Normalized forms of all tokens, in order.
    pub fn norms(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.norm(i))
    }

    /// Index range of the tokens whose spans start inside `span`.
    pub fn range_within(&self, span: Span) -> Range<usize> {
        let lo = self.spans.partition_point(|s| s.start < span.start);
        let hi = self.spans.partition_point(|s| s.start < span.end);
        lo..hi
    }
}

/// A sentence: its byte span and the range of its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte span in the original text (trimmed of surrounding whitespace).
    pub span: Span,
    /// Indices into the document's [`Tokens`].
    pub tokens: Range<usize>,
}

/// A text split into tokens and sentences.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    /// The word tokens.
    pub tokens: Tokens,
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
    /// The language whose stemmer and stopwords apply.
    pub language: Language,
}

impl Analyzed {
    /// Tokenizes and sentence-splits `text`, and detects its language.
    pub fn new(text: &str) -> Analyzed {
        Analyzed::with_language(text, None)
    }

    /// Like [`Analyzed::new`], with the language given (`Some`) or
    /// detected (`None`).
    pub fn with_language(text: &str, language: Option<Language>) -> Analyzed {
        let spans = split_sentences(text);
        let starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
        let mut tokens = Tokens::with_breaks(text, &starts);
        // Grown by pushing: up to twice the memory needed. Many documents
        // are held at once (compare), so give the slack back.
        tokens.spans.shrink_to_fit();
        tokens.norm.shrink_to_fit();
        tokens.norm_ends.shrink_to_fit();
        let sentences = spans
            .into_iter()
            .map(|span| Sentence {
                span,
                tokens: tokens.range_within(span),
            })
            .collect();
        Analyzed {
            tokens,
            sentences,
            language: language.unwrap_or_else(|| Language::detect(text)),
        }
    }
}

// --- streaming words for crawl-scale dedup (issue 4) ---

/// Calls `f` with the normalized form of every word of `text`: exactly the
/// tokens of [`Tokens::new`] (`Tokens::new(text).norms()`), but without
/// spans and without allocating beyond the reusable `scratch`.
///
/// ASCII stretches take a fast path that applies the UAX #29 word rules for
/// ASCII characters directly (see `ascii_words` in the source); only the stretches
/// around non-ASCII characters go through the Unicode segmenter and NFKC.
/// The two meet at *clean points*: a position after an ASCII character that
/// can never be part of a word (not a letter, digit, `_`, `.`, `:`, `'`, `,`
/// or `;`) and before an ASCII character. No UAX #29 rule looks across such
/// a point for a segment that holds a letter or digit (the rules that join
/// across one, WB3 `CR × LF` and WB3d space × space, only join segments
/// without any), so segmenting both sides apart gives the same words. A
/// property test checks this against the Unicode path on random ASCII and
/// mixed text.
pub fn for_each_word(text: &str, scratch: &mut String, mut f: impl FnMut(&str)) {
    for_each_word_span(text, scratch, |_, w| f(w));
}

/// Like [`for_each_word`], with each word's byte span in `text`: the same
/// words, the same cost. The span is that of its word segment, as
/// [`Tokens::span`] gives it, except that a segment beginning with
/// whitespace (UAX #29 attaches a combining mark to the spaces before it)
/// may begin later in that whitespace.
pub fn for_each_word_span(text: &str, scratch: &mut String, mut f: impl FnMut(Span, &str)) {
    let b = text.as_bytes();
    let mut start = 0;
    while start < b.len() {
        let Some(off) = b[start..].iter().position(|&x| !x.is_ascii()) else {
            ascii_words(&text[start..], start, scratch, &mut f);
            return;
        };
        let j = start + off;
        // The last clean point at or before the non-ASCII character.
        let mut c = j.saturating_sub(1).max(start);
        while c > start && !is_clean_point(b, c) {
            c -= 1;
        }
        // The first clean point after it (non-ASCII characters on the way
        // extend the stretch).
        let mut e = j + 1;
        while e < b.len() && !is_clean_point(b, e) {
            e += 1;
        }
        ascii_words(&text[start..c], start, scratch, &mut f);
        unicode_words(&text[c..e], c, scratch, &mut f);
        start = e;
    }
}

/// True if the ASCII byte `x` can never belong to a word segment that holds
/// a letter or digit: not a letter, digit, `_` (ExtendNumLet), `.` `:` `'`
/// (MidNumLet, MidLetter, Single_Quote) or `,` `;` (MidNum).
#[inline]
fn never_in_word(x: u8) -> bool {
    x.is_ascii()
        && !x.is_ascii_alphanumeric()
        && !matches!(x, b'_' | b'.' | b':' | b'\'' | b',' | b';')
}

/// A clean point: `0 < p < len`, `b[p - 1]` never in a word, `b[p]` ASCII.
#[inline]
fn is_clean_point(b: &[u8], p: usize) -> bool {
    p > 0 && p < b.len() && never_in_word(b[p - 1]) && b[p].is_ascii()
}

/// The reference path: UAX #29 word segments (`unicode-segmentation`), each
/// normalized by [`normalize_word`].
fn unicode_words(text: &str, base: usize, scratch: &mut String, f: &mut impl FnMut(Span, &str)) {
    for_each_segment(text, |start, word| {
        let first = word.as_bytes()[0];
        if first.is_ascii() && !first.is_ascii_alphanumeric() && word.len() == 1 {
            return;
        }
        scratch.clear();
        if normalize_word(word, scratch) {
            let start = base + start;
            f(Span::new(start, start + word.len()), scratch);
        }
    });
}

/// Calls `f` with every word segment of `text` and its byte offset: UAX #29
/// (`unicode-segmentation`), except that a run of UAX #29 segments holding
/// Thai, Lao, Khmer, Myanmar, Chinese or Japanese characters (scripts
/// written without spaces between words, which UAX #29 cuts into single
/// characters) is segmented again by ICU4X's word segmenter with its
/// compiled dictionaries (`icu_segmenter`). Deciding per run, not per text,
/// keeps the segments of a stretch independent of the text around it, which
/// the ASCII fast path of [`for_each_word`] relies on.
fn for_each_segment<'t>(text: &'t str, mut f: impl FnMut(usize, &'t str)) {
    if text.is_ascii() {
        for (start, word) in text.split_word_bound_indices() {
            f(start, word);
        }
        return;
    }
    // The dictionary run being gathered: its start and end.
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: &mut Option<(usize, usize)>, f: &mut dyn FnMut(usize, &'t str)| {
        if let Some((s, e)) = run.take() {
            let segmenter = icu_segmenter::WordSegmenter::new_dictionary(Default::default());
            let piece = &text[s..e];
            let mut last = 0;
            for b in segmenter.segment_str(piece) {
                if b > last {
                    f(s + last, &piece[last..b]);
                    last = b;
                }
            }
        }
    };
    for (start, word) in text.split_word_bound_indices() {
        if !word.is_ascii() && word.chars().any(script::needs_dictionary) {
            run = Some(run.map_or((start, start + word.len()), |(s, _)| {
                (s, start + word.len())
            }));
        } else {
            flush(&mut run, &mut f);
            f(start, word);
        }
    }
    flush(&mut run, &mut f);
}

/// Word-break class of an ASCII byte, as the fast path needs it.
const SEP: u8 = 0;
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 3;
const UNDERSCORE: u8 = 4;
/// `:` joins letters only (MidLetter).
const MID_LETTER: u8 = 5;
/// `.` and `'` join letters and digits (MidNumLet, Single_Quote).
const MID_BOTH: u8 = 6;
/// `,` and `;` join digits only (MidNum).
const MID_NUM: u8 = 7;

static ASCII_CLASS: [u8; 128] = {
    let mut t = [SEP; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = match c {
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            b'0'..=b'9' => DIGIT,
            b'_' => UNDERSCORE,
            b':' => MID_LETTER,
            b'.' | b'\'' => MID_BOTH,
            b',' | b';' => MID_NUM,
            _ => SEP,
        };
        i += 1;
    }
    t
};

/// UAX #29 word segmentation and [`normalize_word`] for ASCII text, in one
/// scan. For ASCII the word-break classes are: letters (ALetter), digits
/// (Numeric), `_` (ExtendNumLet), `:` (MidLetter), `.` (MidNumLet), `'`
/// (Single_Quote, joining like MidNumLet), `,` `;` (MidNum), and characters
/// that never join. Letters, digits and `_` join each other (WB5, WB8-10,
/// WB13a-b); a letter, then `:` `.` `'`, then a letter join (WB6-7); a digit,
/// then `,` `;` `.` `'`, then a digit join (WB11-12); everything else breaks.
/// A segment's normalized form is its letters and digits, lower-cased; a
/// segment without any (`_`) yields nothing. A segment of lower-case letters
/// and digits only (most words) is passed to `f` straight from `b`, with
/// its span shifted by `base` (where `text` starts in the caller's text).
fn ascii_words(text: &str, base: usize, scratch: &mut String, f: &mut impl FnMut(Span, &str)) {
    let b = text.as_bytes();
    debug_assert!(b.is_ascii());
    let class = |x: u8| ASCII_CLASS[(x & 0x7f) as usize];
    let n = b.len();
    let mut i = 0;
    while i < n {
        // Skip separators and middle characters not inside a word.
        while i < n && !matches!(class(b[i]), LOWER | UPPER | DIGIT | UNDERSCORE) {
            i += 1;
        }
        if i == n {
            break;
        }
        // A run of lower-case letters and digits: the common word.
        let start = i;
        i = simple_run_end(b, i);
        let simple_end = i > start
            && (i == n
                || match class(b[i]) {
                    SEP => true,
                    MID_LETTER | MID_BOTH | MID_NUM => !continues(b, i, class(b[i - 1])),
                    _ => false,
                });
        if simple_end {
            // ASCII, so every offset is a character boundary.
            f(Span::new(base + start, base + i), &text[start..i]);
            continue;
        }
        // The general case: upper case, `_`, or joining middle characters.
        scratch.clear();
        scratch.push_str(&text[start..i]);
        let mut last = if i > start { class(b[i - 1]) } else { SEP };
        while i < n {
            let c = class(b[i]);
            match c {
                LOWER | DIGIT => scratch.push(b[i] as char),
                UPPER => scratch.push(b[i].to_ascii_lowercase() as char),
                UNDERSCORE => {}
                _ => {
                    if last != SEP && continues(b, i, last) {
                        // Skip the middle character; the next one is a
                        // letter or digit and is taken in the next step.
                        i += 1;
                        continue;
                    }
                    break;
                }
            }
            last = c;
            i += 1;
        }
        if !scratch.is_empty() {
            f(Span::new(base + start, base + i), scratch);
        }
    }
}

/// The end of the run of lower-case ASCII letters and digits that starts at
/// `b[i]` (`b` is ASCII), eight bytes at a time.
#[inline]
fn simple_run_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // For bytes below 0x80, `x + (0x80 - c)` sets a byte's high bit exactly
    // when the byte is at least `c`, without carries between bytes.
    let at_least = |x: u64, c: u8| x.wrapping_add(ONES * u64::from(0x80 - c)) & HIGH;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let lower = at_least(x, b'a') & !at_least(x, b'z' + 1);
        let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
        let other = !(lower | digit) & HIGH;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && matches!(ASCII_CLASS[(b[i] & 0x7f) as usize], LOWER | DIGIT) {
        i += 1;
    }
    i
}

/// Whether the middle character at `b[i]` joins the word whose last
/// character has class `last` with the character after it (WB6-7, WB11-12).
#[inline]
fn continues(b: &[u8], i: usize, last: u8) -> bool {
    let Some(&next) = b.get(i + 1) else {
        return false;
    };
    let next = ASCII_CLASS[(next & 0x7f) as usize];
    match ASCII_CLASS[(b[i] & 0x7f) as usize] {
        MID_LETTER => matches!(last, LOWER | UPPER) && matches!(next, LOWER | UPPER),
        MID_BOTH => {
            (matches!(last, LOWER | UPPER) && matches!(next, LOWER | UPPER))
                || (last == DIGIT && next == DIGIT)
        }
        MID_NUM => last == DIGIT && next == DIGIT,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        Tokens::new(text).norms().map(str::to_owned).collect()
    }

    #[test]
    fn tokens_are_normalized_and_spans_match_source() {
        let text = "“Don’t” — said the U.S. envoy, ﬁnally; 20% of 3.5 ÉLAN";
        let tokens = Tokens::new(text);
        assert_eq!(
            norms(text),
            ["dont", "said", "the", "us", "envoy", "finally", "20", "of", "35", "élan"]
        );
        let originals: Vec<&str> = tokens.spans().iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            originals,
            ["Don’t", "said", "the", "U.S", "envoy", "ﬁnally", "20", "of", "3.5", "ÉLAN"]
        );
    }

    #[test]
    fn words_of_scripts_without_spaces_come_from_dictionaries() {
        assert_eq!(norms("ทุกสองสัปดาห์"), ["ทุก", "สอง", "สัปดาห์"]);
        // Marks stay in the matching form (the virama of क्ष).
        assert_eq!(norms("क्षेत्र"), ["क्षेत्र"]);
        assert_eq!(norms("こんにちは世界"), ["こんにちは", "世界"]);
        // Chinese: dictionary words, not one token per ideograph.
        let zh = norms("国家统计局今天发布数据");
        assert!(zh.len() >= 3 && zh.len() < 11, "{zh:?}");
        // Khmer, Lao and Myanmar are segmented too; spans stay exact, and
        // Latin words inside keep their UAX #29 form.
        for text in [
            "ព័ត៌មានថ្មីៗពីកម្ពុជា",
            "ສະບາຍດີປະເທດລາວ",
            "မြန်မာနိုင်ငံသတင်း",
            "東京でiPhone 15が発売された。U.S. sales",
        ] {
            let t = Tokens::new(text);
            assert!(t.len() >= 2, "{text}: {:?}", t.norms().collect::<Vec<_>>());
            for i in 0..t.len() {
                let s = t.span(i);
                assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            }
        }
        let mixed: Vec<String> = norms("東京でiPhone 15が発売された。U.S. sales");
        assert!(
            mixed.contains(&"iphone".to_string()) && mixed.contains(&"us".to_string()),
            "{mixed:?}"
        );
    }

    #[test]
    fn quotes_and_apostrophes_unify() {
        assert_eq!(norms("don't"), norms("don’t"));
        assert_eq!(norms("al-Assad"), norms("al‐Assad"));
        assert_eq!(normalize("a – b"), normalize("a - b"));
        assert_eq!(normalize("‘x’"), "'x'");
    }

    #[test]
    fn fullwidth_and_compatibility_forms_fold() {
        assert_eq!(norms("ＡＢＣ１２３"), ["abc123"]);
        // Full Unicode case folding, not just lower case.
        assert_eq!(norms("Straße"), norms("STRASSE"));
        assert_eq!(norms("ὈΔΥΣΣΕΎΣ"), norms("ὀδυσσεύς"));
    }

    #[test]
    fn punctuation_only_yields_no_tokens() {
        assert!(Tokens::new("-- ... !!! “ ”").is_empty());
        assert!(Tokens::new("").is_empty());
    }

    #[test]
    fn range_within_selects_tokens_of_a_sentence() {
        let text = "One two. Three four five.";
        let a = Analyzed::new(text);
        assert_eq!(a.sentences.len(), 2);
        assert_eq!(a.sentences[0].tokens, 0..2);
        assert_eq!(a.sentences[1].tokens, 2..5);
    }

    #[test]
    fn token_glued_across_a_sentence_boundary_is_cut() {
        let text = "I have to say once again.No one has shown us a fact.";
        let a = Analyzed::new(text);
        assert_eq!(a.sentences.len(), 2);
        let first: Vec<&str> = a.sentences[0]
            .tokens
            .clone()
            .map(|i| a.tokens.norm(i))
            .collect();
        let second: Vec<&str> = a.sentences[1]
            .tokens
            .clone()
            .map(|i| a.tokens.norm(i))
            .collect();
        assert_eq!(first.last(), Some(&"again"));
        assert_eq!(second.first(), Some(&"no"));
        for t in a.tokens.spans() {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
    }

    #[test]
    fn for_each_word_gives_the_tokens() {
        for text in [
            "“Don’t” — said the U.S. envoy, ﬁnally; 20% of 3.5 ÉLAN",
            "again.No one; Straße x-y ... \n\n 北京 ok",
            "",
        ] {
            let mut got = Vec::new();
            for_each_word(text, &mut String::new(), |w| got.push(w.to_owned()));
            assert_eq!(got, norms(text), "{text}");
        }
    }

    // --- the ASCII fast path of for_each_word against the Unicode path ---

    /// The words of `for_each_word`, after checking that
    /// `for_each_word_span` gives the same words with `Tokens::new`'s spans.
    fn fast(text: &str) -> Vec<String> {
        let mut got = Vec::new();
        for_each_word(text, &mut String::new(), |w| got.push(w.to_owned()));
        let mut with_spans = Vec::new();
        let mut spans = Vec::new();
        for_each_word_span(text, &mut String::new(), |span, w| {
            spans.push(span);
            with_spans.push(w.to_owned());
        });
        assert_eq!(with_spans, got, "{text:?}");
        let want = Tokens::new(text);
        assert_eq!(spans.len(), want.len(), "{text:?}");
        for (got, want) in spans.iter().zip(want.spans()) {
            // Equal, but for a segment that begins with whitespace (spaces
            // before a combining mark): it may begin later in that
            // whitespace.
            assert_eq!(got.end, want.end, "{text:?}");
            assert!(want.start <= got.start, "{text:?}");
            assert!(
                text[want.start..got.start].chars().all(char::is_whitespace),
                "{text:?}: {got:?} {want:?}"
            );
        }
        got
    }

    fn reference(text: &str) -> Vec<String> {
        let mut want = Vec::new();
        unicode_words(text, 0, &mut String::new(), &mut |_, w: &str| {
            want.push(w.to_owned())
        });
        assert_eq!(want, norms(text), "the reference is Tokens::new");
        want
    }

    #[test]
    fn ascii_fast_path_follows_uax29_joins() {
        for (text, words) in [
            (
                "U.S. don't 3.5 1,000,000 a:b x_y _ __ a_1",
                &["us", "dont", "35", "1000000", "ab", "xy", "a1"][..],
            ),
            (
                "a.1 1.a a..b 1,,2 a,b 1:2 a'b' 'a",
                &[
                    "a", "1", "1", "a", "a", "b", "1", "2", "a", "b", "1", "2", "ab", "a",
                ],
            ),
            ("end. of,line;\r\n next", &["end", "of", "line", "next"]),
        ] {
            assert_eq!(fast(text), words, "{text}");
            assert_eq!(fast(text), reference(text), "{text}");
        }
    }

    #[test]
    fn fast_path_around_non_ascii() {
        for text in [
            "© 2026 Will To Journal. All rights reserved.",
            "cafe\u{301} naïve e\u{301}t\u{e9} x\u{200d}y a\u{ad}b",
            "“Don’t” — said the U.S. envoy, ﬁnally; 20% of 3.5 ÉLAN",
            "abc©def 12é34 a.é a é.b 🇺🇸🇺 👍\u{200d}👍 \u{301}x \n\u{301}y",
            "שלום\"ם a\"b ア\u{30a2}_x",
        ] {
            assert_eq!(fast(text), reference(text), "{text}");
        }
    }

    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let atoms = prop::sample::select(vec![
            "a", "Z", "q", "bc", "7", "0", "_", ".", ":", "'", ",", ";", " ", "  ", "\t", "\n",
            "\r", "\r\n", "\u{b}", "-", "\"", "!", "|", "©", "é", "É", "\u{301}", "\u{200d}",
            "\u{ad}", "\u{2060}", "’", "“", "—", "ß", "ﬁ", "Ａ", "１", "א", "ש", "ア", "ー", "北",
            "🇺", "🇸", "👍", "\u{a0}", "\u{3000}", "x.y", "3.5", "U.S.", "İ", "ǅ",
        ]);
        prop::collection::vec(atoms, 0..48).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_path_equals_unicode_path_on_ascii(text in "[ -~\t\n\r]{0,160}") {
            proptest::prop_assert_eq!(fast(&text), reference(&text));
        }

        #[test]
        fn fast_path_equals_unicode_path_on_long_words(
            text in "([a-z0-9]{1,24}[ .,'_:;A-Z\n-]{1,2}){0,12}[a-z0-9]{0,20}"
        ) {
            proptest::prop_assert_eq!(fast(&text), reference(&text));
        }

        #[test]
        fn fast_path_equals_unicode_path_on_mixed_text(text in mixed_text()) {
            proptest::prop_assert_eq!(fast(&text), reference(&text));
        }

        #[test]
        fn fast_path_equals_unicode_path_on_any_text(text in "\\PC{0,80}") {
            proptest::prop_assert_eq!(fast(&text), reference(&text));
        }
    }
}
