//! Byte spans into an original text, line numbers of byte offsets, and
//! unions of ranges.

use std::ops::Range;

/// A half-open byte range `start..end` into an original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A new span; `start <= end`.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True if the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text this span covers in `source`.
    pub fn slice<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Maps byte offsets to 1-based line numbers. A line ends at `\n`, `\r\n`
/// or a lone `\r` (old Mac files), as in the sentence splitter.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Offset of the last byte of every line terminator.
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line breaks of `text`.
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let newlines = b
            .iter()
            .enumerate()
            .filter_map(|(i, &c)| {
                (c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n'))).then_some(i)
            })
            .collect();
        LineIndex { newlines }
    }

    /// The 1-based line containing byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    /// The longest line: (1-based line number, length in bytes).
    pub fn longest_line(&self, text_len: usize) -> (usize, usize) {
        let mut best = (1, 0);
        let mut start = 0;
        for (i, &nl) in self
            .newlines
            .iter()
            .chain(std::iter::once(&text_len))
            .enumerate()
        {
            if nl - start > best.1 {
                best = (i + 1, nl - start);
            }
            start = nl + 1;
        }
        best
    }
}

/// Sorts and merges overlapping or touching ranges.
pub fn merge_ranges(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Total length of the union of `ranges`.
pub fn union_len(ranges: Vec<Range<usize>>) -> usize {
    merge_ranges(ranges).iter().map(|r| r.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_return_line_endings() {
        let idx = LineIndex::new("a\rb\r\nc\nd");
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(5), 3);
        assert_eq!(idx.line(7), 4);
    }

    #[test]
    fn line_index() {
        let text = "a\nbb\n\nccc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 2);
        assert_eq!(idx.line(6), 4);
        assert_eq!(idx.longest_line(text.len()), (4, 3));
    }

    #[test]
    fn ranges_merge_when_they_overlap_or_touch() {
        assert_eq!(merge_ranges(vec![5..7, 0..2, 1..3, 3..4]), vec![0..4, 5..7]);
        assert_eq!(union_len(vec![5..7, 0..2, 1..3]), 5);
        assert_eq!(union_len(vec![]), 0);
    }
}
