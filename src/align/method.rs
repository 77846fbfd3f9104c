//! The aligner's method: units, seeds, extension, validation, summaries,
//! overlaps and word-level boundaries (see the module docs of
//! [`crate::align`]).

use std::ops::Range;

use ahash::{AHashMap, AHashSet};

use super::rarity::Background;
use crate::error::{Error, Result};
use crate::sketch::shingle::intersection_len;
use crate::text::{Analyzed, Language, Tokens};
use crate::util::{lcs_len, lcs_pairs, multiset_overlap, round4, Span};

mod summary;
mod verbatim;

/// Configuration of the aligner.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignConfig {
    /// Seed of the word hashes.
    pub seed: u64,
    /// A sentence with fewer content words than this is joined to the next.
    pub min_unit_terms: usize,
    /// tf·isf cosine a unit pair must exceed to be a seed.
    pub seed_cosine: f64,
    /// Dice coefficient of the term sets a unit pair must exceed to be a seed.
    pub seed_dice: f64,
    /// Terms a unit pair must share to be a seed.
    pub min_shared_terms: usize,
    /// A unit pair sharing this many consecutive exact words is a seed.
    pub ngram: usize,
    /// Largest gap, in units, between seeds of one passage.
    pub max_gap: usize,
    /// Smallest gap tried when a passage fails validation.
    pub min_gap: usize,
    /// tf·isf cosine a whole passage pair must reach.
    pub validation: f64,
    /// Gap, in units, of the summary clustering.
    pub summary_gap: usize,
    /// Length ratio (longer side / shorter side) that makes a passage from the
    /// summary clustering a summary; 0 turns summary detection off.
    pub summary_ratio: f64,
    /// Passages at most this many words apart on both sides are merged.
    pub merge_gap_words: usize,
    /// Shortest passage, in words, on either side.
    pub min_words: usize,
    /// Shortest passage, in characters, on either side.
    pub min_chars: usize,
    /// The editor's extras, off for PAN: a passage that overlaps a stronger
    /// one is still reported when its aligned blocks fall in the stronger
    /// one's gaps (a sentence moved out of the copy's order); short quotes
    /// (under [`AlignConfig::min_words`]) are reported when their rarity is
    /// at most [`AlignConfig::max_rarity`]; every passage gets its rarity.
    pub editorial: bool,
    /// Largest rarity (expected chance matches, see [`Background`]) of a
    /// reported short quote.
    pub max_rarity: f64,
    /// Classify the pair before reporting (PAN): a pair sharing a verbatim
    /// run of at least 256 characters (`VERBATIM_PAIR_CHARS`) on both sides is
    /// a verbatim pair, and only its verbatim passages are reported; in
    /// other pairs the verbatim path is off. Off for the editor, where
    /// every passage stands on its own evidence.
    pub classify_pairs: bool,
    /// A passage whose rarity (expected number of chance matches as good,
    /// see [`Background`]) exceeds this is dropped: chance explains it (the
    /// no-plagiarism guard; PAN: 1). Infinite: every passage is reported
    /// with its rarity, for the editor to judge.
    pub chance_guard: f64,
    /// The summary path (PAN): the second document's side of a
    /// summary-shaped passage (see [`AlignConfig::summary_ratio`]) whose
    /// first side is the shorter covers the whole region that the first
    /// side condenses, found by content (the units sharing terms with the
    /// summary, wherever they are in the region), not by the order of its
    /// seeds; a pair with no seed cluster is searched for a summary by
    /// content alone. Directional: the first document condenses the second
    /// (PAN's suspicious document and its source). Off for the editor,
    /// whose passages end where the matched words end.
    pub summary_spread: bool,
    /// Cuts the longer side of every edited passage that is not
    /// summary-shaped to the sentences its aligned blocks reach (PAN): a
    /// copy's two sides are about as long, and what the longer side holds
    /// beyond its blocks' sentences is a neighbour that shares a few words
    /// with the copy (grown into by the edge growth or a chance seed), not
    /// copied text. Off for the editor, whose figures already count only
    /// the blocks and whose passages show their gaps.
    pub block_sides: bool,
    /// A unit whose seeds lie in places of the other document farther
    /// apart than [`AlignConfig::max_gap`] units keeps only the seeds near
    /// its best one (PAN, both sides): a sentence is copied to one place,
    /// and its weaker matches elsewhere (a source that repeats its words)
    /// would stretch a passage over text that is not the copy, or make two
    /// copies overlap so that one of them is lost. Off for the editor, who
    /// is shown every place a sentence was reused.
    pub one_place: bool,
    /// A side of an edited passage that leaves out at most this many words
    /// of its first or last sentence (unit) takes them in (PAN: 8; 0: off).
    /// An edited copy's edge words are the ones most often changed, so its
    /// matched words stop a few words inside the sentences that were
    /// copied; a sentence left out by more than this is a neighbour the
    /// copy only touches. Off for the editor, whose passages end where the
    /// matched words end.
    pub sentence_edges: usize,
    /// The first document of a pair matches the second's words through
    /// WordNet synonyms too (English only; see [`AlignDoc::toward`]).
    pub synonyms: bool,
    /// The language of every document (`--language`); `None`: detected
    /// per document.
    pub language: Option<Language>,
}

impl Default for AlignConfig {
    /// Settings for comparing articles: short passages (a reused sentence)
    /// count.
    fn default() -> Self {
        AlignConfig {
            seed: crate::DEFAULT_SEED,
            min_unit_terms: 3,
            seed_cosine: 0.33,
            seed_dice: 0.33,
            min_shared_terms: 3,
            ngram: 6,
            max_gap: 4,
            min_gap: 2,
            validation: 0.34,
            summary_gap: 24,
            summary_ratio: 3.0,
            merge_gap_words: 3,
            min_words: 8,
            min_chars: 0,
            editorial: true,
            max_rarity: 0.001,
            classify_pairs: false,
            chance_guard: f64::INFINITY,
            summary_spread: false,
            block_sides: false,
            one_place: false,
            sentence_edges: 0,
            synonyms: false,
            language: None,
        }
    }
}

impl AlignConfig {
    /// Settings for the PAN text-alignment task: plagiarism cases are long
    /// (PAN cases are at least a few sentences), so passages shorter than 150
    /// characters are dropped.
    pub fn pan() -> AlignConfig {
        AlignConfig {
            min_chars: 150,
            // PAN scores long cases once, however they were edited inside.
            editorial: false,
            classify_pairs: true,
            chance_guard: 1.0,
            summary_spread: true,
            block_sides: true,
            one_place: true,
            sentence_edges: 8,
            // PAN's random obfuscation replaces words by WordNet synonyms,
            // as article spinners do.
            synonyms: true,
            // PAN scores a case once: passages of one case cut apart by a
            // clause that matches nothing are one passage.
            merge_gap_words: 25,
            ..AlignConfig::default()
        }
    }

    /// Checks that every value is in range.
    pub fn validate(&self) -> Result<()> {
        let unit = |name: &'static str, v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    name,
                    value: v.to_string(),
                    reason: "must be in [0, 1)",
                })
            }
        };
        unit("seed-cosine", self.seed_cosine)?;
        unit("seed-dice", self.seed_dice)?;
        unit("validation", self.validation)?;
        if self.min_gap > self.max_gap {
            return Err(Error::InvalidParameter {
                name: "min-gap",
                value: self.min_gap.to_string(),
                reason: "must not exceed max-gap",
            });
        }
        if self.ngram == 0 {
            return Err(Error::InvalidParameter {
                name: "ngram",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if !(self.summary_ratio == 0.0 || self.summary_ratio >= 1.0) {
            return Err(Error::InvalidParameter {
                name: "summary-ratio",
                value: self.summary_ratio.to_string(),
                reason: "must be 0 (off) or at least 1",
            });
        }
        Ok(())
    }
}

/// Most WordNet synonym stems a word may have for [`AlignConfig::synonyms`]
/// to match it through them: a word with more (`make`, `run`, `set`) has
/// many senses, and its synonyms mostly belong to the others.
const MAX_SYNONYMS: usize = 20;

/// Characters of the longest verbatim run that make a pair a verbatim pair
/// when [`AlignConfig::classify_pairs`] is on (Sanchez-Perez et al. 2015
/// use 256).
pub const VERBATIM_PAIR_CHARS: usize = 256;

/// In a verbatim pair (see [`AlignConfig::classify_pairs`]), a passage
/// away from the verbatim copies is kept with at least this tf·isf cosine
/// (a translated or heavily edited copy) ...
const STRONG_SIMILARITY: f64 = 0.6;
/// ... or this share of its words in order ([`PassagePair::sequence`]):
/// a verbatim copy the verbatim path did not chain.
const VERBATIM_SEQUENCE: f64 = 0.9;

/// How a reused passage was edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edit {
    /// The same words in the same order (after normalization).
    Verbatim,
    /// Mostly the same words in the same order; some inserted, deleted or
    /// replaced.
    Edited,
    /// Mostly the same words, in a different order.
    Reordered,
    /// Aligned, but few words in common: rewritten or condensed.
    Paraphrase,
}

impl Edit {
    /// The label as written in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Edit::Verbatim => "verbatim",
            Edit::Edited => "edited",
            Edit::Reordered => "reordered",
            Edit::Paraphrase => "paraphrase",
        }
    }
}

/// One side of a passage pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// Byte span in the document.
    pub span: Span,
    /// Character span (Unicode scalar values), for formats that count
    /// characters.
    pub chars: Span,
    /// Word tokens covered.
    pub words: Range<usize>,
}

/// A stretch of a passage matched on both sides: word ranges of the two
/// documents. The words of a side that no block covers are its gaps: text
/// inserted on that side, or dropped from the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The stretch of the first document.
    pub a: Side,
    /// The stretch of the second document.
    pub b: Side,
}

/// A reused passage: aligned spans in two documents.
#[derive(Debug, Clone, PartialEq)]
pub struct PassagePair {
    /// The span in the first document (PAN: the suspicious document).
    pub a: Side,
    /// The span in the second document (PAN: the source).
    pub b: Side,
    /// The aligned blocks, by position in the first document: on each side
    /// disjoint and inside the side's words (in the second document they
    /// may come in another order when the copy was reordered). What they
    /// leave out of a side is not reused.
    pub blocks: Vec<Block>,
    /// What the blocks leave out of each side, by position: `(true, side)`
    /// for words of the first document the second lacks, `(false, side)`
    /// for the reverse.
    pub gaps: Vec<(bool, Side)>,
    /// tf·isf cosine of the two passages' stemmed content words, in [0, 1].
    pub similarity: f64,
    /// Share of the words, over both sides, in the longest common
    /// subsequence of normalized words: `2·LCS/(|a|+|b|)`.
    pub sequence: f64,
    /// How the passage was edited.
    pub edit: Edit,
    /// Expected number of chance matches as good as this one (see
    /// [`Background`]); `None` outside [`AlignConfig::editorial`].
    pub rarity: Option<f64>,
}

/// Character offsets of byte offsets (PAN counts characters), in `O(1)`
/// memory for ASCII text and one `u32` per 64 bytes otherwise: the
/// characters before every 64-byte block, then a count of the lead bytes
/// inside the block.
#[derive(Debug, Clone)]
pub struct CharIndex<'t> {
    text: &'t str,
    /// Characters before each 64-byte block (`None` for pure ASCII, where
    /// byte and character offsets are equal).
    blocks: Option<Vec<u32>>,
}

/// Bytes per block of [`CharIndex`].
const CHAR_BLOCK: usize = 64;

impl<'t> CharIndex<'t> {
    /// Indexes `text`.
    pub fn new(text: &'t str) -> CharIndex<'t> {
        if text.is_ascii() {
            return CharIndex { text, blocks: None };
        }
        let mut blocks = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
        let mut chars = 0u32;
        for chunk in text.as_bytes().chunks(CHAR_BLOCK) {
            blocks.push(chars);
            chars += chunk.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32;
        }
        CharIndex {
            text,
            blocks: Some(blocks),
        }
    }

    /// The character offset of byte offset `byte` (a char boundary).
    pub fn char_offset(&self, byte: usize) -> usize {
        match &self.blocks {
            None => byte,
            Some(blocks) => {
                let block = byte / CHAR_BLOCK;
                let Some(&before) = blocks.get(block) else {
                    // `byte` is the end of a text whose length is a
                    // multiple of the block size.
                    let last = blocks.len() - 1;
                    return blocks[last] as usize
                        + lead_bytes(&self.text.as_bytes()[last * CHAR_BLOCK..]);
                };
                before as usize + lead_bytes(&self.text.as_bytes()[block * CHAR_BLOCK..byte])
            }
        }
    }

    /// The character span of byte span `span`.
    pub fn chars(&self, span: Span) -> Span {
        Span::new(self.char_offset(span.start), self.char_offset(span.end))
    }
}

/// UTF-8 lead bytes (characters) in `b`.
fn lead_bytes(b: &[u8]) -> usize {
    b.iter().filter(|&&x| (x & 0xC0) != 0x80).count()
}

/// A unit: a sentence, or short sentences joined, and its term vector.
#[derive(Debug, Clone)]
struct Unit {
    /// Byte span, from the first sentence's start to the last one's end.
    span: Span,
    /// Word tokens.
    words: Range<usize>,
    /// Distinct terms (stem hashes), sorted, with their counts.
    terms: Vec<(u64, u32)>,
}

/// A document prepared for alignment; build it once, align it with many
/// others.
#[derive(Debug, Clone)]
pub struct AlignDoc<'t> {
    text: &'t str,
    tokens: std::borrow::Cow<'t, Tokens>,
    /// Hash of every normalized word.
    exact: Vec<u64>,
    /// Hash of every word's stem, or 0 for stopwords.
    stems: Vec<u64>,
    units: Vec<Unit>,
    /// Every term and the number of units it occurs in, sorted by term.
    df: Vec<(u64, u32)>,
    /// Where each unit's terms start in the flattened term list (one more
    /// entry than units).
    term_start: Vec<u32>,
    /// Exact word n-grams (hash, unit), sorted.
    ngrams: Vec<(u64, u32)>,
    chars: CharIndex<'t>,
    language: Language,
    /// Every content stem and its occurrences, sorted.
    stem_tf: Vec<(u64, u32)>,
    /// Every bigram of consecutive content stems (stopwords left out) and
    /// its occurrences, sorted.
    bigrams: Vec<(u64, u64, u32)>,
    /// Every content stem and its occurrences as a bigram's first word,
    /// sorted.
    firsts: Vec<(u64, u32)>,
}

impl<'t> AlignDoc<'t> {
    /// Tokenizes, stems and splits `text` into units.
    pub fn new(text: &'t str, config: &AlignConfig) -> AlignDoc<'t> {
        AlignDoc::analyze(text, config, None)
    }

    /// Like [`AlignDoc::new`], with every content word that `other` lacks
    /// but whose WordNet synonym `other` has taking that synonym's stem: a
    /// word replaced by a synonym matches. English documents only (others
    /// are as [`AlignDoc::new`] makes them).
    pub fn toward(text: &'t str, config: &AlignConfig, other: &AlignDoc) -> AlignDoc<'t> {
        AlignDoc::analyze(text, config, Some(other))
    }

    fn analyze(text: &'t str, config: &AlignConfig, toward: Option<&AlignDoc>) -> AlignDoc<'t> {
        let Analyzed {
            tokens,
            sentences,
            language,
        } = Analyzed::with_language(text, config.language);
        AlignDoc::from_parts(
            text,
            std::borrow::Cow::Owned(tokens),
            &sentences,
            language,
            config,
            toward,
        )
    }

    /// Like [`AlignDoc::new`], from an analysis of `text` already made (its
    /// tokens are borrowed, not copied).
    pub fn from_analyzed(
        text: &'t str,
        analyzed: &'t Analyzed,
        config: &AlignConfig,
    ) -> AlignDoc<'t> {
        AlignDoc::from_parts(
            text,
            std::borrow::Cow::Borrowed(&analyzed.tokens),
            &analyzed.sentences,
            analyzed.language,
            config,
            None,
        )
    }

    fn from_parts(
        text: &'t str,
        tokens: std::borrow::Cow<'t, Tokens>,
        sentences: &[crate::text::Sentence],
        language: Language,
        config: &AlignConfig,
        toward: Option<&AlignDoc>,
    ) -> AlignDoc<'t> {
        let lexicon = language.lexicon();
        // A word's stem, hashed; 0 marks a stopword, and a stem hashing to
        // 0 becomes 1.
        let stem_hash = |w: &str| -> u64 {
            if lexicon.is_stopword(w) {
                0
            } else {
                xxhash_rust::xxh3::xxh3_64_with_seed(lexicon.stem(w).as_bytes(), !config.seed)
                    .max(1)
            }
        };
        let toward = toward
            .filter(|o| language.iso1() == Some("en") && o.language.iso1() == Some("en"))
            .map(|o| (o, crate::text::synonyms::by_stem(config.seed, stem_hash)));
        let mut exact = Vec::with_capacity(tokens.len());
        let mut stems = Vec::with_capacity(tokens.len());
        for norm in tokens.norms() {
            exact.push(xxhash_rust::xxh3::xxh3_64_with_seed(
                norm.as_bytes(),
                config.seed,
            ));
            let mut h = stem_hash(norm);
            if let Some((o, synonyms)) = toward {
                // A content word the other document lacks takes the stem of
                // its first synonym (by hash) the other document has, unless
                // it has so many that they are mostly other senses.
                if h != 0 && !o.has_stem(h) {
                    if let Some(&g) = synonyms
                        .get(&h)
                        .filter(|v| v.len() <= MAX_SYNONYMS)
                        .and_then(|v| v.iter().find(|&&g| o.has_stem(g)))
                    {
                        h = g;
                    }
                }
            }
            stems.push(h);
        }
        let mut units: Vec<Unit> = Vec::new();
        let mut open: Option<(Span, Range<usize>)> = None;
        for s in sentences {
            let (span, words) = match open.take() {
                Some((span, words)) => {
                    (Span::new(span.start, s.span.end), words.start..s.tokens.end)
                }
                None => (s.span, s.tokens.clone()),
            };
            let content = stems[words.clone()].iter().filter(|&&h| h != 0).count();
            if content < config.min_unit_terms {
                open = Some((span, words));
            } else {
                units.push(Unit {
                    span,
                    terms: term_counts(&stems[words.clone()]),
                    words,
                });
            }
        }
        if let Some((span, words)) = open {
            if let Some(last) = units.last_mut() {
                last.span.end = span.end;
                last.words.end = words.end;
                last.terms = term_counts(&stems[last.words.clone()]);
            } else if !words.is_empty() {
                units.push(Unit {
                    span,
                    terms: term_counts(&stems[words.clone()]),
                    words,
                });
            }
        }
        let mut all: Vec<u64> = units
            .iter()
            .flat_map(|u| u.terms.iter().map(|t| t.0))
            .collect();
        all.sort_unstable();
        let df = term_counts(&all);
        let n = config.ngram;
        let mut ngrams: Vec<(u64, u32)> = Vec::new();
        for (j, u) in units.iter().enumerate() {
            if u.words.len() >= n {
                for start in u.words.start..=u.words.end - n {
                    ngrams.push((ngram_hash(&exact[start..start + n]), j as u32));
                }
            }
        }
        ngrams.sort_unstable();
        ngrams.dedup();
        let mut term_start = Vec::with_capacity(units.len() + 1);
        let mut k = 0u32;
        term_start.push(0);
        for u in &units {
            k += u.terms.len() as u32;
            term_start.push(k);
        }
        let content: Vec<u64> = stems.iter().copied().filter(|&h| h != 0).collect();
        let stem_tf = term_counts(&content);
        let mut pairs: Vec<(u64, u64)> = content.windows(2).map(|w| (w[0], w[1])).collect();
        pairs.sort_unstable();
        let mut bigrams: Vec<(u64, u64, u32)> = Vec::with_capacity(pairs.len());
        for (x, y) in pairs {
            match bigrams.last_mut() {
                Some(l) if l.0 == x && l.1 == y => l.2 += 1,
                _ => bigrams.push((x, y, 1)),
            }
        }
        let mut firsts: Vec<(u64, u32)> = Vec::new();
        for &(x, _, n) in &bigrams {
            match firsts.last_mut() {
                Some(l) if l.0 == x => l.1 += n,
                _ => firsts.push((x, n)),
            }
        }
        AlignDoc {
            text,
            tokens,
            exact,
            stems,
            units,
            df,
            term_start,
            ngrams,
            chars: CharIndex::new(text),
            language,
            stem_tf,
            bigrams,
            firsts,
        }
    }

    /// Whether the content stem (hashed) `h` occurs in the document.
    fn has_stem(&self, h: u64) -> bool {
        self.stem_tf.binary_search_by_key(&h, |t| t.0).is_ok()
    }

    /// Content words (tokens that are not stopwords).
    pub fn content_words(&self) -> usize {
        self.stem_tf.iter().map(|t| t.1 as usize).sum()
    }

    /// Every content stem (hashed) and its occurrences, sorted.
    pub fn stem_counts(&self) -> &[(u64, u32)] {
        &self.stem_tf
    }

    /// Every bigram of consecutive content stems and its occurrences,
    /// sorted.
    pub fn stem_bigrams(&self) -> &[(u64, u64, u32)] {
        &self.bigrams
    }

    /// Occurrences of content stem `w`.
    pub fn stem_count(&self, w: u64) -> u32 {
        self.stem_tf
            .binary_search_by_key(&w, |t| t.0)
            .map_or(0, |k| self.stem_tf[k].1)
    }

    /// Occurrences of the content-stem bigram `x y`.
    pub fn stem_bigram(&self, x: u64, y: u64) -> u32 {
        self.bigrams
            .binary_search_by(|b| (b.0, b.1).cmp(&(x, y)))
            .map_or(0, |k| self.bigrams[k].2)
    }

    /// Occurrences of stem `x` as the first word of a content bigram.
    pub fn stem_first(&self, x: u64) -> u32 {
        self.firsts
            .binary_search_by_key(&x, |f| f.0)
            .map_or(0, |k| self.firsts[k].1)
    }

    /// The language whose stemmer and stopwords were used.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The word tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// The character index of the text.
    pub fn char_index(&self) -> &CharIndex<'t> {
        &self.chars
    }

    /// Number of alignment units (sentences, short ones joined).
    pub fn units(&self) -> usize {
        self.units.len()
    }
}

fn term_counts(stems: &[u64]) -> Vec<(u64, u32)> {
    let mut v: Vec<u64> = stems.iter().copied().filter(|&h| h != 0).collect();
    v.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(v.len());
    for h in v {
        match out.last_mut() {
            Some((last, n)) if *last == h => *n += 1,
            _ => out.push((h, 1)),
        }
    }
    out
}

/// A seed: units `a` and `b` are similar.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seed {
    a: u32,
    b: u32,
}

/// A candidate passage in unit coordinates.
#[derive(Debug, Clone, PartialEq)]
struct Cluster {
    a: Range<usize>,
    b: Range<usize>,
    similarity: f64,
    /// Words on the shorter side.
    words: usize,
    /// From the summary clustering ([`summaries`]): a short passage
    /// condensing a long one.
    summary: bool,
}

/// Fewest units isf is computed over (see [`Weights::new`]).
const MIN_ISF_UNITS: usize = 10;

/// tf·isf weights of both documents' units. isf is over the units of both
/// documents; only the terms the two share need a per-pair count, the others
/// keep their own document's count.
struct Weights {
    /// Units in both documents.
    n: f32,
    /// Terms in both documents: (units of `a` with it, units of `b` with it).
    shared: AHashMap<u64, (u32, u32)>,
    /// Weight of every unit term of `a`, units in order, terms in order.
    wa: Vec<f32>,
    /// The same for `b`.
    wb: Vec<f32>,
}

impl Weights {
    fn new(a: &AlignDoc, b: &AlignDoc) -> Weights {
        let mut shared = AHashMap::new();
        let (mut i, mut j) = (0, 0);
        while i < a.df.len() && j < b.df.len() {
            match a.df[i].0.cmp(&b.df[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared.insert(a.df[i].0, (a.df[i].1, b.df[j].1));
                    i += 1;
                    j += 1;
                }
            }
        }
        let mut w = Weights {
            // Two short documents (one unpunctuated paragraph each) have so
            // few units that every shared term is in all of them and would
            // weigh nothing: count at least MIN_ISF_UNITS units, as if the
            // pair came from a larger collection. Pairs with more units
            // (every PAN pair, the five articles) are unchanged.
            n: (a.units.len() + b.units.len()).max(MIN_ISF_UNITS) as f32,
            shared,
            wa: Vec::new(),
            wb: Vec::new(),
        };
        let all = |w: &Weights, d: &AlignDoc| -> Vec<f32> {
            d.units
                .iter()
                .flat_map(|u| u.terms.iter().map(|&(t, tf)| w.weight(d, t, tf)))
                .collect()
        };
        w.wa = all(&w, a);
        w.wb = all(&w, b);
        w
    }

    /// Cached weights of the terms of unit `u` of side `a` (or `b`).
    fn unit(&self, doc: &AlignDoc, side_a: bool, u: usize) -> &[f32] {
        let r = doc.term_start[u] as usize..doc.term_start[u + 1] as usize;
        if side_a {
            &self.wa[r]
        } else {
            &self.wb[r]
        }
    }

    /// Weight of `term` occurring `tf` times in a unit of `doc`.
    fn weight(&self, doc: &AlignDoc, term: u64, tf: u32) -> f32 {
        let df = match self.shared.get(&term) {
            Some(&(x, y)) => x + y,
            None => doc
                .df
                .binary_search_by_key(&term, |d| d.0)
                .map(|k| doc.df[k].1)
                .unwrap_or(1),
        };
        tf as f32 * (self.n / df as f32).ln().max(0.0)
    }

    /// The weighted vector of units `r` of `doc`, summed: (term, weight),
    /// sorted by term.
    fn vector(&self, doc: &AlignDoc, side_a: bool, r: Range<usize>) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = Vec::new();
        for u in r {
            let ws = self.unit(doc, side_a, u);
            v.extend(doc.units[u].terms.iter().zip(ws).map(|(t, &w)| (t.0, w)));
        }
        v.sort_unstable_by_key(|x| x.0);
        let mut out: Vec<(u64, f32)> = Vec::with_capacity(v.len());
        for (t, w) in v {
            match out.last_mut() {
                Some(last) if last.0 == t => last.1 += w,
                _ => out.push((t, w)),
            }
        }
        out
    }

    /// Cosine of units `ra` of `a` and `rb` of `b`, taken as whole passages.
    fn cosine(&self, a: &AlignDoc, ra: Range<usize>, b: &AlignDoc, rb: Range<usize>) -> f64 {
        let va = self.vector(a, true, ra);
        let vb = self.vector(b, false, rb);
        let (mut i, mut j, mut dot) = (0, 0, 0f64);
        while i < va.len() && j < vb.len() {
            match va[i].0.cmp(&vb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += va[i].1 as f64 * vb[j].1 as f64;
                    i += 1;
                    j += 1;
                }
            }
        }
        let norm = |v: &[(u64, f32)]| v.iter().map(|x| (x.1 as f64).powi(2)).sum::<f64>().sqrt();
        let (na, nb) = (norm(&va), norm(&vb));
        if na == 0.0 || nb == 0.0 {
            0.0
        } else {
            (dot / (na * nb)).min(1.0)
        }
    }
}

/// Aligns two documents: the passages of `b` reused in `a`. The result
/// depends only on the two documents and the configuration. Rarity is
/// measured against the pair alone; [`align_with`] takes the background of
/// a whole collection.
pub fn align(a: &AlignDoc, b: &AlignDoc, config: &AlignConfig) -> Vec<PassagePair> {
    align_with(a, b, &Background::default(), config)
}

/// Aligns two documents of a collection whose word statistics are `bg`
/// (see [`Background`]): like [`align`], with the rarity of every passage
/// and the short quotes measured against the collection.
pub fn align_with(
    a: &AlignDoc,
    b: &AlignDoc,
    bg: &Background,
    config: &AlignConfig,
) -> Vec<PassagePair> {
    let mut passages = if a.units.is_empty() || b.units.is_empty() {
        Vec::new()
    } else {
        seeded_passages(a, b, config)
    };
    if config.chance_guard.is_finite() {
        // A summary's matches are few and out of order by nature, and its
        // long side makes any count of them look like chance: the guard
        // judges the other passages only.
        passages.retain(|p| {
            summary_shaped(p, config) || passage_rarity(a, b, bg, p) <= config.chance_guard
        });
    }
    if config.block_sides {
        // After the guard: the guard judges the region where the matches
        // were found, and a cut side would make chance matches look rarer.
        passages = passages
            .into_iter()
            .map(|p| block_sides(a, b, p, config))
            .collect();
    }
    if config.sentence_edges > 0 {
        passages = passages
            .into_iter()
            .map(|p| sentence_edges(a, b, p, config.sentence_edges))
            .collect();
    }
    if config.editorial {
        let quotes = short_quotes(a, b, bg, &passages, config);
        passages.extend(quotes);
        passages.sort_by_key(|p| (p.a.words.start, p.b.words.start));
        for p in &mut passages {
            if p.rarity.is_none() {
                p.rarity = Some(passage_rarity(a, b, bg, p));
            }
        }
    }
    passages
}

/// Whether one side of `p` is at least [`AlignConfig::summary_ratio`] times
/// the other, in words.
fn summary_shaped(p: &PassagePair, config: &AlignConfig) -> bool {
    let (la, lb) = (p.a.words.len() as f64, p.b.words.len() as f64);
    config.summary_ratio > 0.0 && la.max(lb) >= config.summary_ratio * la.min(lb)
}

/// The passage with its longer side cut to the sentences (units) its
/// blocks reach, for [`AlignConfig::block_sides`]. Verbatim passages (exact
/// extent already) and summary-shaped ones (whose long side is the region
/// condensed, found by content) are left as they are, as is a passage the
/// cut would make shorter than [`AlignConfig::min_chars`]: the cut refines
/// boundaries and never drops what was found.
fn block_sides(a: &AlignDoc, b: &AlignDoc, p: PassagePair, config: &AlignConfig) -> PassagePair {
    if p.edit == Edit::Verbatim || p.blocks.is_empty() || summary_shaped(&p, config) {
        return p;
    }
    let first = p.a.chars.len() > p.b.chars.len();
    let (d, outer) = if first {
        (a, &p.a.words)
    } else {
        (b, &p.b.words)
    };
    let side = |k: &Block| {
        if first {
            k.a.words.clone()
        } else {
            k.b.words.clone()
        }
    };
    let start = p
        .blocks
        .iter()
        .map(|k| side(k).start)
        .min()
        .unwrap_or(outer.start);
    let end = p
        .blocks
        .iter()
        .map(|k| side(k).end)
        .max()
        .unwrap_or(outer.end);
    let first_unit = d.units.partition_point(|u| u.words.end <= start);
    let last_unit = d.units.partition_point(|u| u.words.end < end);
    let (Some(u0), Some(u1)) = (d.units.get(first_unit), d.units.get(last_unit)) else {
        return p;
    };
    let cut = u0.words.start.max(outer.start)..u1.words.end.min(outer.end);
    if cut.is_empty() || cut.len() >= outer.len() {
        return p;
    }
    let q = if first {
        make_pair(a, b, cut, p.b.words.clone(), p.similarity)
    } else {
        make_pair(a, b, p.a.words.clone(), cut, p.similarity)
    };
    let long_enough = |d: &AlignDoc, s: Span| d.chars.chars(s).len() >= config.min_chars;
    if long_enough(a, q.a.span) && long_enough(b, q.b.span) {
        q
    } else {
        p
    }
}

/// Word range `w` of `d` from the start of its first unit to the end of
/// its last.
fn whole_units(d: &AlignDoc, w: &Range<usize>) -> Range<usize> {
    let unit_of = |word: usize| d.units.partition_point(|u| u.words.end <= word);
    match (
        d.units.get(unit_of(w.start)),
        d.units.get(unit_of(w.end - 1)),
    ) {
        (Some(first), Some(last)) => first.words.start.min(w.start)..last.words.end.max(w.end),
        _ => w.clone(),
    }
}

/// The passage with each side taken out to the edges of its first and
/// last sentence where it leaves out at most `words` words of them, for
/// [`AlignConfig::sentence_edges`]. Verbatim passages keep their exact
/// extent.
fn sentence_edges(a: &AlignDoc, b: &AlignDoc, p: PassagePair, words: usize) -> PassagePair {
    if p.edit == Edit::Verbatim {
        return p;
    }
    let edges = |d: &AlignDoc, w: &Range<usize>| {
        let whole = whole_units(d, w);
        let start = if w.start - whole.start <= words {
            whole.start
        } else {
            w.start
        };
        let end = if whole.end - w.end <= words {
            whole.end
        } else {
            w.end
        };
        start..end
    };
    let (wa, wb) = (edges(a, &p.a.words), edges(b, &p.b.words));
    if (&wa, &wb) == (&p.a.words, &p.b.words) {
        return p;
    }
    make_pair(a, b, wa, wb, p.similarity)
}

/// Largest rarity (see [`Background`]) of a passage shorter than
/// [`AlignConfig::min_chars`] that may become a piece of a summary
/// ([`summary::join_pieces`]) or be merged into a neighbouring passage;
/// a piece that stays alone is dropped by the final length filter.
const SHORT_PIECE_RARITY: f64 = 1e-5;

/// Largest rarity (see [`Background`]) of a passage shorter than
/// [`AlignConfig::min_chars`] that is reported because it is its pair's
/// only evidence (PAN). Far below [`SHORT_PIECE_RARITY`]: a pair of
/// unrelated documents on one topic shares a sentence of the same facts
/// at rarities down to about 1e-12 (the no-plagiarism pairs of the PAN
/// 2013 training corpus).
const LONE_RARITY: f64 = 1e-16;

/// The passages found from seeds: units, seeds, extension, validation,
/// summaries, overlaps, boundaries, merging, filtering.
fn seeded_passages(a: &AlignDoc, b: &AlignDoc, config: &AlignConfig) -> Vec<PassagePair> {
    let weights = Weights::new(a, b);
    let mut seeds = find_seeds(a, b, &weights, config);
    if config.one_place {
        seeds = one_place(a, b, &weights, seeds, true, config.max_gap);
        seeds = one_place(a, b, &weights, seeds, false, config.max_gap);
    }
    if seeds.is_empty() && !config.summary_spread {
        return Vec::new();
    }
    let mut clusters = extend(a, b, &weights, &seeds, config.max_gap, config);
    if config.summary_ratio > 0.0 && config.summary_gap > config.max_gap {
        // A summary passage must be summary-shaped (one side at least
        // `summary_ratio` times the other) and must contain every ordinary
        // passage it overlaps: it replaces pieces of itself, never a passage
        // that reaches outside it.
        for s in summaries(a, b, &weights, &seeds, config) {
            let inside = |c: &Cluster| contains(&s.a, &c.a) && contains(&s.b, &c.b);
            let touching = |c: &Cluster| overlaps(&s.a, &c.a) || overlaps(&s.b, &c.b);
            if clusters.iter().filter(|c| touching(c)).all(inside) {
                clusters.retain(|c| !touching(c));
                clusters.push(s);
            }
        }
    }
    for c in &mut clusters {
        grow_units(a, b, c);
    }
    // Length filter on the sentence-level passages: refinement may trim an
    // edited copy well inside its sentences, and must not lose it for that.
    let long_enough = |c: &Cluster| {
        let chars = |d: &AlignDoc, r: &Range<usize>| {
            let span = Span::new(d.units[r.start].span.start, d.units[r.end - 1].span.end);
            d.chars.chars(span).len()
        };
        chars(a, &c.a) >= config.min_chars && chars(b, &c.b) >= config.min_chars
    };
    let (mut clusters, short): (Vec<Cluster>, Vec<Cluster>) =
        clusters.into_iter().partition(|c| long_enough(c));
    if config.summary_spread && clusters.is_empty() {
        // No seed cluster: look for a summary by content alone.
        clusters = summary::windows(a, b, &weights, config);
        clusters.retain(|c| long_enough(c));
    }
    let clusters = resolve_overlaps(a, b, &weights, clusters, config);
    // Clusters shorter than a case may still be pieces of a summary (one
    // summary sentence condensing one source sentence): they yield to
    // every long cluster and are kept for [`summary::join_pieces`] only.
    let short: Vec<Cluster> = if config.summary_spread {
        resolve_overlaps(a, b, &weights, short, config)
            .into_iter()
            .filter(|s| {
                !clusters
                    .iter()
                    .any(|k| overlaps(&k.a, &s.a) || overlaps(&k.b, &s.b))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut passages: Vec<PassagePair> = clusters
        .into_iter()
        .filter_map(|c| {
            if config.summary_spread && c.summary {
                // A copy inside a summary-shaped cluster (a chance seed
                // far away made the cluster long) is a copy: its in-order
                // matches say so, and it keeps their boundaries.
                let copy = refine(a, b, &c);
                if copy.as_ref().is_some_and(|p| !summary_shaped(p, config)) {
                    return copy;
                }
                let mut s = c.clone();
                summary::spread(a, b, &mut s, config.max_gap);
                summary::refine(a, b, &s)
            } else {
                refine(a, b, &c)
            }
        })
        .collect();
    // A short piece joins a summary only on evidence chance cannot
    // explain: short chance matches of two texts on one topic next to a
    // real copy would otherwise turn it into a summary of the whole source.
    passages.extend(
        short
            .iter()
            .filter_map(|c| refine(a, b, c))
            .filter(|p| !summary_shaped(p, config))
            .filter(|p| passage_rarity(a, b, &Background::default(), p) <= SHORT_PIECE_RARITY),
    );
    passages.sort_by_key(|p| (p.a.words.start, p.b.words.start));
    // Verbatim copies get their exact extent from the verbatim path.
    let chars = |d: &AlignDoc, w: &Range<usize>| {
        let span = Span::new(d.tokens.span(w.start).start, d.tokens.span(w.end - 1).end);
        d.chars.chars(span).len()
    };
    let chains: Vec<verbatim::Chain> = verbatim::chains(a, b)
        .into_iter()
        .filter(|c| chars(a, &c.a) >= config.min_chars && chars(b, &c.b) >= config.min_chars)
        .collect();
    let make = |c: &verbatim::Chain| make_pair(a, b, c.a.clone(), c.b.clone(), 1.0);
    let verbatim_pair = chains
        .iter()
        .any(|c| chars(a, &c.a).min(chars(b, &c.b)) >= VERBATIM_PAIR_CHARS);
    let mut passages = if !config.classify_pairs {
        verbatim::reconcile(passages, &chains, make)
    } else if verbatim_pair {
        // A verbatim pair: a weak passage the chains do not explain or
        // touch is chance similarity of the same topic.
        let mut kept = verbatim::reconcile(passages, &chains, make);
        kept.retain(|p| {
            p.similarity >= STRONG_SIMILARITY
                || p.sequence >= VERBATIM_SEQUENCE
                || chains
                    .iter()
                    .any(|c| overlaps(&c.a, &p.a.words) && overlaps(&c.b, &p.b.words))
        });
        kept
    } else {
        passages
    };
    if config.editorial {
        fill_gaps(a, b, &weights, &seeds, &mut passages, config);
    }
    passages.sort_by_key(|p| (p.a.words.start, p.b.words.start));
    if config.summary_spread && !verbatim_pair {
        passages = summary::join_pieces(a, b, &weights, passages, config);
    }
    let passages = merge_adjacent(a, b, passages, config.merge_gap_words);
    let long_enough = |p: &PassagePair| {
        a.chars.chars(p.a.span).len() >= config.min_chars
            && b.chars.chars(p.b.span).len() >= config.min_chars
    };
    // A pair whose only evidence is short passages that chance cannot
    // explain, even over their whole sentences (an edited copy whose
    // refinement cut it to a few matched words): they are the copy, over
    // those sentences. In a verbatim pair, or beside a passage of full
    // length, a short one is the same topic's sentences.
    let lone = config.min_chars > 0 && !verbatim_pair && !passages.iter().any(long_enough);
    passages
        .into_iter()
        .filter(|p| p.a.words.len() >= config.min_words && p.b.words.len() >= config.min_words)
        .filter_map(|p| {
            // PAN: refinement cuts a passage to its matched words, and
            // a passage that ends up shorter than a case is a pair of
            // same-topic sentences (or a summary's stray piece).
            if long_enough(&p) {
                Some(p)
            } else if lone && passage_rarity(a, b, &Background::default(), &p) <= LONE_RARITY {
                // Over its whole sentences too.
                let (wa, wb) = (whole_units(a, &p.a.words), whole_units(b, &p.b.words));
                let whole = make_pair(a, b, wa, wb, p.similarity);
                (passage_rarity(a, b, &Background::default(), &whole) <= LONE_RARITY)
                    .then_some(whole)
            } else {
                None
            }
        })
        .collect()
}

/// The seeds with those of every unit of one side (the first document's
/// when `first`) whose matches lie farther apart than `gap` units cut to
/// the ones within `gap` of its best match (highest cosine), for
/// [`AlignConfig::one_place`]. Sorted by `(a, b)`.
fn one_place(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    mut seeds: Vec<Seed>,
    first: bool,
    gap: usize,
) -> Vec<Seed> {
    let unit = |s: &Seed| if first { s.a } else { s.b };
    let place = |s: &Seed| if first { s.b } else { s.a };
    let cosine = |s: &Seed| {
        let (i, j) = (s.a as usize, s.b as usize);
        w.cosine(a, i..i + 1, b, j..j + 1)
    };
    seeds.sort_by_key(|s| (unit(s), place(s)));
    let mut kept = Vec::with_capacity(seeds.len());
    for group in seeds.chunk_by(|x, y| unit(x) == unit(y)) {
        let (first_place, last_place) = (place(&group[0]), place(&group[group.len() - 1]));
        if (last_place - first_place) as usize <= gap {
            kept.extend_from_slice(group);
            continue;
        }
        // Ties go to the earlier place, for the same output on every run.
        let best = group
            .iter()
            .map(|s| (cosine(s), place(s)))
            .fold((f64::NEG_INFINITY, 0), |m, x| if x.0 > m.0 { x } else { m })
            .1;
        kept.extend(
            group
                .iter()
                .filter(|s| place(s).abs_diff(best) as usize <= gap),
        );
    }
    kept.sort_by_key(|s| (s.a, s.b));
    kept
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn overlaps(x: &Range<usize>, y: &Range<usize>) -> bool {
    x.start < y.end && y.start < x.end
}

/// Unit pairs similar enough to seed a passage.
fn find_seeds(a: &AlignDoc, b: &AlignDoc, w: &Weights, config: &AlignConfig) -> Vec<Seed> {
    let mut seeds = Vec::new();
    // Units sharing an exact word n-gram: a merge of the sorted lists.
    let (mut i, mut j) = (0, 0);
    while i < a.ngrams.len() && j < b.ngrams.len() {
        let (ha, hb) = (a.ngrams[i].0, b.ngrams[j].0);
        if ha < hb {
            i += 1;
        } else if hb < ha {
            j += 1;
        } else {
            let ie = i + a.ngrams[i..].partition_point(|x| x.0 == ha);
            let je = j + b.ngrams[j..].partition_point(|x| x.0 == hb);
            // An n-gram repeated all over both documents is a formula, not
            // a copy: at most a few units a side.
            if ie - i <= MAX_NGRAM_UNITS && je - j <= MAX_NGRAM_UNITS {
                for x in &a.ngrams[i..ie] {
                    for y in &b.ngrams[j..je] {
                        seeds.push(Seed { a: x.1, b: y.1 });
                    }
                }
            }
            i = ie;
            j = je;
        }
    }
    if w.shared.len() >= config.min_shared_terms {
        // Postings of b for the shared terms only: (term, unit, weight).
        let mut postings: Vec<(u64, u32, f32)> = Vec::new();
        let mut norms_b = Vec::with_capacity(b.units.len());
        for (j, u) in b.units.iter().enumerate() {
            let mut norm = 0f32;
            for (&(t, _), &wt) in u.terms.iter().zip(w.unit(b, false, j)) {
                norm += wt * wt;
                if w.shared.contains_key(&t) {
                    postings.push((t, j as u32, wt));
                }
            }
            norms_b.push(norm.sqrt());
        }
        postings.sort_unstable_by_key(|p| (p.0, p.1));
        let mut dot = vec![0f32; b.units.len()];
        let mut shared = vec![0u32; b.units.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (i, u) in a.units.iter().enumerate() {
            let mut norm = 0f32;
            for (&(t, _), &wa) in u.terms.iter().zip(w.unit(a, true, i)) {
                norm += wa * wa;
                if !w.shared.contains_key(&t) {
                    continue;
                }
                let lo = postings.partition_point(|p| p.0 < t);
                for &(_, j, wb) in postings[lo..].iter().take_while(|p| p.0 == t) {
                    if shared[j as usize] == 0 {
                        touched.push(j);
                    }
                    shared[j as usize] += 1;
                    dot[j as usize] += wa * wb;
                }
            }
            let norm = norm.sqrt();
            for &j in &touched {
                let ju = j as usize;
                let denom = norm * norms_b[ju];
                let cos = if denom > 0.0 { dot[ju] / denom } else { 0.0 };
                let terms = (u.terms.len() + b.units[ju].terms.len()) as f64;
                let dice = 2.0 * shared[ju] as f64 / terms;
                if cos as f64 > config.seed_cosine
                    && dice > config.seed_dice
                    && shared[ju] as usize >= config.min_shared_terms
                {
                    seeds.push(Seed { a: i as u32, b: j });
                }
                dot[ju] = 0.0;
                shared[ju] = 0;
            }
            touched.clear();
        }
    }
    seeds.sort_by_key(|s| (s.a, s.b));
    seeds.dedup();
    if NEIGHBOUR_COSINE < config.seed_cosine {
        neighbour_seeds(a, b, w, &mut seeds, config);
    }
    seeds
}

/// Adds the unit pairs next to a seed (within [`AlignConfig::max_gap`] on
/// both sides) that pass weaker thresholds: a sentence next to a copied
/// one needs less evidence to be copied too (random obfuscation leaves a
/// few shared words in a sentence). Repeated until nothing is added.
fn neighbour_seeds(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    seeds: &mut Vec<Seed>,
    config: &AlignConfig,
) {
    let g = config.max_gap.min(NEIGHBOUR_REACH) as i64;
    let mut frontier = seeds.clone();
    let mut known: AHashSet<(u32, u32)> = seeds.iter().map(|s| (s.a, s.b)).collect();
    let mut tried: AHashSet<(u32, u32)> = AHashSet::new();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for s in &frontier {
            for di in -g..=g {
                for dj in -g..=g {
                    let (i, j) = (s.a as i64 + di, s.b as i64 + dj);
                    if i < 0 || j < 0 || i >= a.units.len() as i64 || j >= b.units.len() as i64 {
                        continue;
                    }
                    let key = (i as u32, j as u32);
                    if known.contains(&key) || !tried.insert(key) {
                        continue;
                    }
                    let (ua, ub) = (&a.units[i as usize], &b.units[j as usize]);
                    let ids = |u: &Unit| u.terms.iter().map(|t| t.0).collect::<Vec<u64>>();
                    let shared = intersection_len(&ids(ua), &ids(ub));
                    let dice =
                        2.0 * shared as f64 / (ua.terms.len() + ub.terms.len()).max(1) as f64;
                    if shared < NEIGHBOUR_SHARED || dice <= NEIGHBOUR_DICE {
                        continue;
                    }
                    let cos =
                        w.cosine(a, i as usize..i as usize + 1, b, j as usize..j as usize + 1);
                    if cos > NEIGHBOUR_COSINE {
                        known.insert(key);
                        next.push(Seed { a: key.0, b: key.1 });
                    }
                }
            }
        }
        seeds.extend(next.iter().copied());
        frontier = next;
    }
    seeds.sort_by_key(|s| (s.a, s.b));
}

/// tf·isf cosine a unit pair next to a seed must exceed to be a seed.
const NEIGHBOUR_COSINE: f64 = 0.25;
/// Dice coefficient a unit pair next to a seed must exceed.
const NEIGHBOUR_DICE: f64 = 0.25;
/// Terms a unit pair next to a seed must share.
const NEIGHBOUR_SHARED: usize = 2;
/// How far (in units, on both sides) from a seed a neighbour seed is looked for.
const NEIGHBOUR_REACH: usize = 2;

/// Most units on one side an exact n-gram may occur in and still seed.
const MAX_NGRAM_UNITS: usize = 4;

fn ngram_hash(words: &[u64]) -> u64 {
    let mut h = 0x9E37_79B9_7F4A_7C15u64;
    for &w in words {
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01B3).rotate_left(29);
    }
    h
}

/// Clusters seeds into validated passages (unit coordinates).
fn extend(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    seeds: &[Seed],
    gap: usize,
    config: &AlignConfig,
) -> Vec<Cluster> {
    let mut out = Vec::new();
    for group in cluster(seeds.to_vec(), gap) {
        validate_cluster(a, b, w, group, gap, config.min_gap, config, &mut out);
    }
    out
}

/// Unit ranges of a group of seeds.
fn ranges(group: &[Seed]) -> (Range<usize>, Range<usize>) {
    let ra = group.iter().map(|s| s.a).min().unwrap_or(0) as usize
        ..group.iter().map(|s| s.a).max().unwrap_or(0) as usize + 1;
    let rb = group.iter().map(|s| s.b).min().unwrap_or(0) as usize
        ..group.iter().map(|s| s.b).max().unwrap_or(0) as usize + 1;
    (ra, rb)
}

/// Summary-shaped passages: clusters at the summary gap with at least two
/// seeds whose longer side is [`AlignConfig::summary_ratio`] times the
/// shorter, validated at that gap only (smaller gaps are the ordinary pass).
fn summaries(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    seeds: &[Seed],
    config: &AlignConfig,
) -> Vec<Cluster> {
    let mut out = Vec::new();
    for group in cluster(seeds.to_vec(), config.summary_gap) {
        let (ra, rb) = ranges(&group);
        let la = (a.units[ra.end - 1].span.end - a.units[ra.start].span.start) as f64;
        let lb = (b.units[rb.end - 1].span.end - b.units[rb.start].span.start) as f64;
        if group.len() < 2 || la.max(lb) < config.summary_ratio * la.min(lb).max(1.0) {
            continue;
        }
        if config.summary_spread && la > lb {
            // The summary path is directional: the first document
            // condenses the second, never the reverse.
            continue;
        }
        let gap = config.summary_gap;
        let first = out.len();
        if config.summary_spread {
            // A summary cluster that fails validation may hold a smaller
            // summary that passes (a chance seed far away diluted it): it
            // is clustered again, down to just above the ordinary gap, and
            // what stays summary-shaped is kept.
            validate_cluster(a, b, w, group, gap, config.max_gap + 1, config, &mut out);
            let mut k = first;
            while k < out.len() {
                let c = &out[k];
                let la = (a.units[c.a.end - 1].span.end - a.units[c.a.start].span.start) as f64;
                let lb = (b.units[c.b.end - 1].span.end - b.units[c.b.start].span.start) as f64;
                if la.max(lb) < config.summary_ratio * la.min(lb).max(1.0) {
                    out.remove(k);
                } else {
                    k += 1;
                }
            }
        } else {
            validate_cluster(a, b, w, group, gap, gap, config, &mut out);
        }
        out[first..].iter_mut().for_each(|c| c.summary = true);
    }
    out
}

/// Validates a group of seeds, clustering it again with a smaller gap (down
/// to `min_gap`) if it fails.
#[allow(clippy::too_many_arguments)]
fn validate_cluster(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    group: Vec<Seed>,
    gap: usize,
    min_gap: usize,
    config: &AlignConfig,
    out: &mut Vec<Cluster>,
) {
    let (ra, rb) = ranges(&group);
    let sim = w.cosine(a, ra.clone(), b, rb.clone());
    if sim >= config.validation {
        let words = (a.units[ra.end - 1].words.end - a.units[ra.start].words.start)
            .min(b.units[rb.end - 1].words.end - b.units[rb.start].words.start);
        out.push(Cluster {
            a: ra,
            b: rb,
            similarity: sim,
            words,
            summary: false,
        });
    } else if gap > min_gap {
        for g in cluster(group, gap - 1) {
            validate_cluster(a, b, w, g, gap - 1, min_gap, config, out);
        }
    }
}

/// Splits seeds where consecutive positions (by `a`, then by `b`) are more
/// than `gap` units apart, until no split happens.
fn cluster(seeds: Vec<Seed>, gap: usize) -> Vec<Vec<Seed>> {
    let mut done = Vec::new();
    let mut work = vec![seeds];
    while let Some(group) = work.pop() {
        let by_a = split(group, gap, |s| (s.a, s.b));
        if by_a.len() > 1 {
            work.extend(by_a);
            continue;
        }
        let group = by_a.into_iter().next().unwrap_or_default();
        let by_b = split(group, gap, |s| (s.b, s.a));
        if by_b.len() > 1 {
            work.extend(by_b);
        } else {
            done.extend(by_b);
        }
    }
    done.sort_by_key(|g| g.first().map(|s| (s.a, s.b)));
    done
}

fn split(mut seeds: Vec<Seed>, gap: usize, key: impl Fn(&Seed) -> (u32, u32)) -> Vec<Vec<Seed>> {
    seeds.sort_by_key(&key);
    let mut out: Vec<Vec<Seed>> = Vec::new();
    let mut last: Option<u32> = None;
    for s in seeds {
        let k = key(&s).0;
        match last {
            Some(l) if (k - l) as usize <= gap + 1 => out.last_mut().expect("open").push(s),
            _ => out.push(vec![s]),
        }
        last = Some(k);
    }
    out
}

/// Drops passages overlapping a stronger one in either document. Strength
/// is similarity times the words of the shorter side: a long, well-validated
/// passage beats a single sentence that happens to match better elsewhere.
fn resolve_overlaps(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    mut clusters: Vec<Cluster>,
    config: &AlignConfig,
) -> Vec<Cluster> {
    let strength = |c: &Cluster| c.similarity * c.words as f64;
    clusters.sort_by(|x, y| {
        strength(y)
            .total_cmp(&strength(x))
            .then_with(|| (x.a.start, x.b.start).cmp(&(y.a.start, y.b.start)))
    });
    let mut kept: Vec<Cluster> = Vec::new();
    for mut c in clusters {
        let (a0, b0) = (c.a.clone(), c.b.clone());
        let mut ok = true;
        for k in &kept {
            if !(overlaps(&k.a, &c.a) || overlaps(&k.b, &c.b)) {
                continue;
            }
            ok = trim_end(&mut c.a, &k.a) && trim_end(&mut c.b, &k.b);
            if !ok {
                break;
            }
        }
        if !ok {
            continue;
        }
        if (c.a.clone(), c.b.clone()) != (a0, b0) {
            // Two cases side by side: the weaker one keeps what the
            // stronger one does not cover, if that still validates.
            c.similarity = w.cosine(a, c.a.clone(), b, c.b.clone());
            if c.similarity < config.validation {
                continue;
            }
            c.words = (a.units[c.a.end - 1].words.end - a.units[c.a.start].words.start)
                .min(b.units[c.b.end - 1].words.end - b.units[c.b.start].words.start);
        }
        kept.push(c);
    }
    kept
}

/// Cuts from `r` the end that `k` covers; false when `k` covers neither
/// end alone (it covers `r`, or lies inside it) or nothing is left.
fn trim_end(r: &mut Range<usize>, k: &Range<usize>) -> bool {
    if !overlaps(r, k) {
        return true;
    }
    if k.start <= r.start && k.end < r.end {
        r.start = k.end;
    } else if k.start > r.start && k.end >= r.end {
        r.end = k.start;
    } else {
        return false;
    }
    r.start < r.end
}

/// Passages in the gaps of the others: the seeds whose units are mostly
/// outside every aligned block on both sides (a sentence moved out of the
/// copy's order is inside another passage's span on one side, but matched
/// only there) are clustered, validated and refined again; a passage whose
/// blocks touch no other passage's blocks is added.
fn fill_gaps(
    a: &AlignDoc,
    b: &AlignDoc,
    w: &Weights,
    seeds: &[Seed],
    passages: &mut Vec<PassagePair>,
    config: &AlignConfig,
) {
    if passages.is_empty() {
        return;
    }
    let covered = |d: &AlignDoc, first: bool| -> Vec<bool> {
        let mut c = vec![false; d.exact.len()];
        for p in passages.iter() {
            for k in &p.blocks {
                let r = if first { &k.a.words } else { &k.b.words };
                c[r.clone()].iter_mut().for_each(|x| *x = true);
            }
        }
        c
    };
    let (ca, cb) = (covered(a, true), covered(b, false));
    let free = |d: &AlignDoc, c: &[bool], u: u32| {
        let r = d.units[u as usize].words.clone();
        let n = r.len();
        2 * c[r].iter().filter(|&&x| !x).count() > n
    };
    // Inside a passage's span on that side: in one of its gaps.
    let inside = |d: &AlignDoc, u: u32, first: bool| {
        let r = d.units[u as usize].words.clone();
        passages.iter().any(|p| {
            let w = if first { &p.a.words } else { &p.b.words };
            w.start <= r.start && r.end <= w.end
        })
    };
    let left: Vec<Seed> = seeds
        .iter()
        .copied()
        .filter(|s| free(a, &ca, s.a) && free(b, &cb, s.b))
        .filter(|s| inside(a, s.a, true) || inside(b, s.b, false))
        .collect();
    if left.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for c in resolve_overlaps(
        a,
        b,
        w,
        extend(a, b, w, &left, config.max_gap, config),
        config,
    ) {
        let Some(p) = refine(a, b, &c) else { continue };
        let clash = |all: &[PassagePair], p: &PassagePair| {
            all.iter().any(|q| {
                p.blocks.iter().any(|k| {
                    q.blocks.iter().any(|l| {
                        overlaps(&k.a.words, &l.a.words) || overlaps(&k.b.words, &l.b.words)
                    })
                })
            })
        };
        if !clash(passages, &p) && !clash(&found, &p) {
            found.push(p);
        }
    }
    passages.extend(found);
}

/// Share of a neighbouring unit's content terms that must occur in the
/// other side of a passage for [`grow_units`] to take it in.
const UNIT_GROW_SHARE: f64 = 0.5;
/// Most units [`grow_units`] adds at each end.
const UNIT_GROW_MAX: usize = 3;

/// Takes the units next to a passage into it while most of their content
/// terms occur in the other side: an obfuscated copy (words replaced and
/// shuffled across sentence boundaries) has sentences that match no single
/// sentence of the source well enough to seed, but whose words are all in
/// the copied passage. The word-level boundaries ([`refine`]) trim what
/// does not belong.
fn grow_units(a: &AlignDoc, b: &AlignDoc, c: &mut Cluster) {
    let terms = |d: &AlignDoc, r: &Range<usize>| -> AHashSet<u64> {
        d.units[r.clone()]
            .iter()
            .flat_map(|u| u.terms.iter().map(|t| t.0))
            .collect()
    };
    let hits = |u: &Unit, set: &AHashSet<u64>| {
        let n = u.terms.len();
        n > 0
            && u.terms.iter().filter(|t| set.contains(&t.0)).count() as f64
                >= UNIT_GROW_SHARE * n as f64
    };
    let grow = |d: &AlignDoc, r: &mut Range<usize>, other: &AHashSet<u64>| {
        for _ in 0..UNIT_GROW_MAX {
            if r.start > 0 && hits(&d.units[r.start - 1], other) {
                r.start -= 1;
            } else {
                break;
            }
        }
        for _ in 0..UNIT_GROW_MAX {
            if r.end < d.units.len() && hits(&d.units[r.end], other) {
                r.end += 1;
            } else {
                break;
            }
        }
    };
    let tb = terms(b, &c.b);
    grow(a, &mut c.a, &tb);
    let ta = terms(a, &c.a);
    grow(b, &mut c.b, &ta);
    c.words = (a.units[c.a.end - 1].words.end - a.units[c.a.start].words.start)
        .min(b.units[c.b.end - 1].words.end - b.units[c.b.start].words.start);
}

/// Word-level boundaries of a passage and its edit label.
fn refine(a: &AlignDoc, b: &AlignDoc, c: &Cluster) -> Option<PassagePair> {
    let wa = a.units[c.a.start].words.start..a.units[c.a.end - 1].words.end;
    let wb = b.units[c.b.start].words.start..b.units[c.b.end - 1].words.end;
    let (wa, wb) = match anchor(&a.stems, wa.clone(), &b.stems, wb.clone()) {
        Some(Anchored {
            a: ta,
            b: tb,
            verbatim,
        }) => (
            grow(&a.stems, wa.clone(), ta, &b.stems[wb.clone()], verbatim),
            grow(&b.stems, wb.clone(), tb, &a.stems[wa], verbatim),
        ),
        None => {
            let ta = trim(&a.stems, wa, &b.stems[wb.clone()])?;
            let tb = trim(&b.stems, wb, &a.stems[ta.clone()])?;
            (ta, tb)
        }
    };
    let (wa, wb) = extend_exact(a, b, wa, wb);
    Some(make_pair(a, b, wa, wb, c.similarity))
}

/// Matches in a row that make an anchor.
const ANCHOR_MATCHES: usize = 3;
/// Content words an anchor's matches may spread over, on each side.
const ANCHOR_SPREAD: usize = 8;
/// Share of matches directly following the previous match, on both sides,
/// that makes a passage verbatim for [`anchor`].
const VERBATIM_RUNS: f64 = 0.9;
/// Largest alignment table (cells) computed exactly.
const MAX_TABLE: usize = 16 << 20;

/// Boundaries from an order-preserving word alignment: the content words of
/// both passages are aligned (longest common subsequence of stems), and each
/// passage runs from the first to the last *anchor*: [`ANCHOR_MATCHES`]
/// consecutive matches within [`ANCHOR_SPREAD`] content words on both sides.
/// Chance matches in a neighbouring sentence are sparse and never anchor; a
/// copy, even an edited one, is dense. `None` when there is no anchor (a
/// paraphrase or translation) or the table would be too large.
fn anchor(sa: &[u64], wa: Range<usize>, sb: &[u64], wb: Range<usize>) -> Option<Anchored> {
    let pa: Vec<usize> = wa.filter(|&i| sa[i] != 0).collect();
    let pb: Vec<usize> = wb.filter(|&i| sb[i] != 0).collect();
    if pa.len() < ANCHOR_MATCHES || pb.len() < ANCHOR_MATCHES {
        return None;
    }
    if pa.len().saturating_mul(pb.len()) > MAX_TABLE {
        return None;
    }
    let xa: Vec<u64> = pa.iter().map(|&i| sa[i]).collect();
    let xb: Vec<u64> = pb.iter().map(|&i| sb[i]).collect();
    let pairs = lcs_pairs(&xa, &xb);
    let dense = |w: &[(usize, usize)]| {
        let (f, l) = (w[0], w[w.len() - 1]);
        l.0 - f.0 < ANCHOR_SPREAD && l.1 - f.1 < ANCHOR_SPREAD
    };
    let mut first = pairs.windows(ANCHOR_MATCHES).position(dense)?;
    let mut last = pairs.windows(ANCHOR_MATCHES).rposition(dense)? + ANCHOR_MATCHES - 1;
    // From the outer anchors, follow matches that stay close on both sides:
    // an edited edge keeps its scattered matches; chance matches are far.
    let close = |x: (usize, usize), y: (usize, usize)| {
        y.0 - x.0 <= ANCHOR_SPREAD && y.1 - x.1 <= ANCHOR_SPREAD
    };
    while first > 0 && close(pairs[first - 1], pairs[first]) {
        first -= 1;
    }
    while last + 1 < pairs.len() && close(pairs[last], pairs[last + 1]) {
        last += 1;
    }
    let (fa, fb) = pairs[first];
    let (la, lb) = pairs[last];
    // A verbatim passage: nearly every match follows the previous one
    // directly on both sides.
    let inner = &pairs[first..=last];
    let consecutive = inner
        .windows(2)
        .filter(|p| p[1].0 == p[0].0 + 1 && p[1].1 == p[0].1 + 1)
        .count();
    let verbatim = consecutive as f64 >= VERBATIM_RUNS * (inner.len() - 1).max(1) as f64;
    Some(Anchored {
        a: pa[fa]..pa[la] + 1,
        b: pb[fb]..pb[lb] + 1,
        verbatim,
    })
}

/// Boundaries found by [`anchor`].
struct Anchored {
    a: Range<usize>,
    b: Range<usize>,
    /// Whether the passage is verbatim: its matches are consecutive words on
    /// both sides.
    verbatim: bool,
}

/// Share of an edge's content words that must occur in the other passage
/// for [`grow`] to take the edge in.
const EDGE_HITS: f64 = 0.5;
/// The same for a verbatim passage, counting words in a content-word bigram
/// the other passage has: only copied text (a sentence moved elsewhere in
/// the copy) joins a verbatim passage.
const EDGE_BIGRAM_HITS: f64 = 0.8;

/// Grows the anchored range `inner` back toward the sentence-level range
/// `outer` on each end: an edge is taken in up to the farthest content word
/// such that enough of the content words between it and the anchor occur in
/// `other` (and that word itself does). For an edited passage a word counts
/// if its stem occurs in `other` ([`EDGE_HITS`]): an edited copy's edges
/// match word by word, out of order, while a neighbouring sentence that is
/// not part of the copy matches only here and there. For a verbatim passage
/// (`verbatim`) a word counts only inside a content-word bigram `other` has
/// ([`EDGE_BIGRAM_HITS`]), so that a sentence moved within the copy joins it
/// and nothing else does.
fn grow(
    stems: &[u64],
    outer: Range<usize>,
    inner: Range<usize>,
    other: &[u64],
    verbatim: bool,
) -> Range<usize> {
    let other_content: Vec<u64> = other.iter().copied().filter(|&h| h != 0).collect();
    let positions: Vec<usize> = outer.clone().filter(|&i| stems[i] != 0).collect();
    let hits: Vec<bool> = if verbatim {
        let bigrams: AHashSet<(u64, u64)> =
            other_content.windows(2).map(|w| (w[0], w[1])).collect();
        let mut h = vec![false; positions.len()];
        for k in 1..positions.len() {
            if bigrams.contains(&(stems[positions[k - 1]], stems[positions[k]])) {
                h[k - 1] = true;
                h[k] = true;
            }
        }
        h
    } else {
        let set: AHashSet<u64> = other_content.into_iter().collect();
        positions.iter().map(|&i| set.contains(&stems[i])).collect()
    };
    let share = if verbatim {
        EDGE_BIGRAM_HITS
    } else {
        EDGE_HITS
    };
    let first_inner = positions.partition_point(|&i| i < inner.start);
    let end_inner = positions.partition_point(|&i| i < inner.end);
    // The farthest content word, walking away from the anchor, that is a
    // hit and keeps the running share of hits at `share` or above.
    let farthest = |walk: &mut dyn Iterator<Item = usize>| -> Option<usize> {
        let (mut seen, mut hit, mut best) = (0usize, 0usize, None);
        for k in walk {
            seen += 1;
            if hits[k] {
                hit += 1;
                if hit as f64 >= share * seen as f64 {
                    best = Some(positions[k]);
                }
            }
        }
        best
    };
    let start = farthest(&mut (0..first_inner).rev()).unwrap_or(inner.start);
    let end = farthest(&mut (end_inner..positions.len())).map_or(inner.end, |i| i + 1);
    start..end
}

/// Trims `words` of a document (by `stems`) to the first and last content
/// word whose stem occurs in `other`.
fn trim(stems: &[u64], words: Range<usize>, other: &[u64]) -> Option<Range<usize>> {
    let set: AHashSet<u64> = other.iter().copied().filter(|&h| h != 0).collect();
    let hit = |i: &usize| stems[*i] != 0 && set.contains(&stems[*i]);
    let first = words.clone().find(hit)?;
    let last = words.clone().rev().find(hit)?;
    Some(first..last + 1)
}

/// Extends both sides outward while the exact normalized words agree: if the
/// two passages start with the same word, the words before them are tried
/// too, and likewise at the end. A verbatim copy gets its exact extent.
fn extend_exact(
    a: &AlignDoc,
    b: &AlignDoc,
    mut wa: Range<usize>,
    mut wb: Range<usize>,
) -> (Range<usize>, Range<usize>) {
    // Align the starts: the first word of each side should be the same word;
    // look a few words into each side for the first common one.
    if a.exact[wa.start] == b.exact[wb.start] {
        while wa.start > 0 && wb.start > 0 && a.exact[wa.start - 1] == b.exact[wb.start - 1] {
            wa.start -= 1;
            wb.start -= 1;
        }
    }
    if a.exact[wa.end - 1] == b.exact[wb.end - 1] {
        let end = wa.end;
        while wa.end < a.exact.len() && wb.end < b.exact.len() && a.exact[wa.end] == b.exact[wb.end]
        {
            wa.end += 1;
            wb.end += 1;
        }
        // Not into the next sentence by a stopword ("... island. The").
        let cut = stopword_tail(a, &wa);
        if wa.end - cut >= end {
            wa.end -= cut;
            wb.end -= cut;
        }
    }
    (wa, wb)
}

/// Words at the end of `w` that begin a new unit (sentence) of `d` and are
/// all stopwords: a verbatim match running on into the next sentence by
/// chance ("... island. The"). 0 if there are none.
fn stopword_tail(d: &AlignDoc, w: &Range<usize>) -> usize {
    let k = d.units.partition_point(|u| u.words.start < w.end);
    let Some(u) = k.checked_sub(1).map(|k| &d.units[k]) else {
        return 0;
    };
    let start = u.words.start;
    if start > w.start && d.stems[start..w.end].iter().all(|&h| h == 0) {
        w.end - start
    } else {
        0
    }
}

/// The stretch of words `w` of `d`, first word's start to last word's end.
fn words_side(d: &AlignDoc, w: Range<usize>) -> Side {
    let span = Span::new(d.tokens.span(w.start).start, d.tokens.span(w.end - 1).end);
    Side {
        span,
        chars: d.chars.chars(span),
        words: w,
    }
}

fn make_pair(
    a: &AlignDoc,
    b: &AlignDoc,
    wa: Range<usize>,
    wb: Range<usize>,
    similarity: f64,
) -> PassagePair {
    let side = |d: &AlignDoc, w: Range<usize>| {
        let span = Span::new(d.tokens.span(w.start).start, d.tokens.span(w.end - 1).end);
        let span = extend_punctuation(d.text, span);
        Side {
            span,
            chars: d.chars.chars(span),
            words: w,
        }
    };
    let sa = side(a, wa.clone());
    let sb = side(b, wb.clone());
    let ranges = blocks(a, b, &wa, &wb);
    let mut gaps = Vec::new();
    for (first, d, outer) in [(true, a, &wa), (false, b, &wb)] {
        let mut covered: Vec<Range<usize>> = ranges
            .iter()
            .map(|k| if first { k.a.clone() } else { k.b.clone() })
            .collect();
        covered.sort_by_key(|r| r.start);
        let mut next = outer.start;
        for r in covered
            .into_iter()
            .chain(std::iter::once(outer.end..outer.end))
        {
            if r.start > next {
                let mut gap = words_side(d, next..r.start);
                gap.span = extend_punctuation(d.text, gap.span);
                gap.chars = d.chars.chars(gap.span);
                gaps.push((first, gap));
            }
            next = next.max(r.end);
        }
    }
    // A block takes the closing punctuation after its last word, as the
    // passage does.
    let punctuated = |d: &AlignDoc, w: Range<usize>| {
        let mut side = words_side(d, w);
        side.span = extend_punctuation(d.text, side.span);
        side.chars = d.chars.chars(side.span);
        side
    };
    let blocks = ranges
        .into_iter()
        .map(|k| Block {
            a: punctuated(a, k.a),
            b: punctuated(b, k.b),
        })
        .collect();
    let (sequence, edit) = edit_label(&a.exact[wa], &b.exact[wb]);
    PassagePair {
        a: sa,
        b: sb,
        blocks,
        gaps,
        similarity: round4(similarity),
        sequence: round4(sequence),
        edit,
        rarity: None,
    }
}

/// Exact word runs at least this long seed a short quote.
const QUOTE_RUN: usize = 3;
/// Words a short quote may skip between runs, on each side ("I would like
/// to think that they didn't know" / "I like to think they didn't know").
const QUOTE_SKIP: usize = 2;
/// A run's first words occurring more often than this in either document
/// are a formula, not a quote.
const QUOTE_MAX_OCCURRENCES: usize = 4;
/// Content words a short quote must match.
const QUOTE_MIN_CONTENT: usize = 2;

/// Whether word `i` of `a`, equal to a word of `b` just outside a short
/// quote, joins the quote. Across a word left out on one side ("I would
/// like" / "I like") any word joins; across a word changed on both sides
/// only a content word does: a stopword after a substitution ("... robibada.
/// Gimedo to" / "... robibada. Fomopuda to") is what any two sentences
/// share by chance, and would count one side's own words as reused.
fn edge_join(a: &AlignDoc, i: usize, substituted: bool) -> bool {
    !substituted || a.stems[i] != 0
}

/// Short quotes: runs of exact words (at least [`QUOTE_RUN`]) that both
/// documents share outside every passage's blocks, chained across at most
/// [`QUOTE_SKIP`] words on each side, reported when their rarity is at most
/// [`AlignConfig::max_rarity`]: chance cannot explain them, however short.
fn short_quotes(
    a: &AlignDoc,
    b: &AlignDoc,
    bg: &Background,
    existing: &[PassagePair],
    config: &AlignConfig,
) -> Vec<PassagePair> {
    let n = QUOTE_RUN;
    if a.exact.len() < n || b.exact.len() < n {
        return Vec::new();
    }
    let grams = |d: &AlignDoc| -> Vec<(u64, u32)> {
        let mut g: Vec<(u64, u32)> = (0..=d.exact.len() - n)
            .map(|i| (ngram_hash(&d.exact[i..i + n]), i as u32))
            .collect();
        g.sort_unstable();
        g
    };
    let (ga, gb) = (grams(a), grams(b));
    let covered = |d: &AlignDoc, first: bool| -> Vec<bool> {
        let mut c = vec![false; d.exact.len()];
        for p in existing {
            for k in &p.blocks {
                let r = if first { &k.a.words } else { &k.b.words };
                c[r.clone()].iter_mut().for_each(|x| *x = true);
            }
        }
        c
    };
    let (ca, cb) = (covered(a, true), covered(b, false));
    let mut runs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < ga.len() && j < gb.len() {
        let (ha, hb) = (ga[i].0, gb[j].0);
        if ha != hb {
            if ha < hb {
                i += 1;
            } else {
                j += 1;
            }
            continue;
        }
        let ie = i + ga[i..].partition_point(|x| x.0 == ha);
        let je = j + gb[j..].partition_point(|x| x.0 == hb);
        if ie - i <= QUOTE_MAX_OCCURRENCES && je - j <= QUOTE_MAX_OCCURRENCES {
            for x in &ga[i..ie] {
                for y in &gb[j..je] {
                    let (s, t) = (x.1 as usize, y.1 as usize);
                    // Only maximal runs, from their first word.
                    if s > 0 && t > 0 && a.exact[s - 1] == b.exact[t - 1] {
                        continue;
                    }
                    if a.exact[s..s + n] != b.exact[t..t + n] {
                        continue; // a hash collision
                    }
                    let mut len = n;
                    while s + len < a.exact.len()
                        && t + len < b.exact.len()
                        && a.exact[s + len] == b.exact[t + len]
                    {
                        len += 1;
                    }
                    let (ra, rb) = (s..s + len, t..t + len);
                    if ca[ra.clone()].iter().any(|&x| x) || cb[rb.clone()].iter().any(|&x| x) {
                        continue;
                    }
                    runs.push((ra, rb));
                }
            }
        }
        i = ie;
        j = je;
    }
    runs.sort_by_key(|r| (r.0.start, r.1.start));
    // Chains of runs in the same order on both sides, close together.
    let mut chains: Vec<Vec<(Range<usize>, Range<usize>)>> = Vec::new();
    for r in runs {
        let joined = chains.iter_mut().rev().take(4).any(|c| {
            let last = &c[c.len() - 1];
            let close = |prev: &Range<usize>, next: &Range<usize>| {
                next.start >= prev.end && next.start - prev.end <= QUOTE_SKIP
            };
            if close(&last.0, &r.0) && close(&last.1, &r.1) {
                c.push(r.clone());
                true
            } else {
                false
            }
        });
        if !joined {
            chains.push(vec![r]);
        }
    }
    // A capitalised word is taken for a name: articles about one event
    // share their names (and titles: "President Donald Trump") because of
    // the event, not because one copied the other, so names are no
    // evidence of a quote. Scripts without case are unaffected.
    let name = |i: usize| {
        let t = a.tokens.span(i).slice(a.text);
        t.chars().next().is_some_and(char::is_uppercase)
    };
    let mut scored: Vec<(f64, Range<usize>, Range<usize>, usize)> = Vec::new();
    for c in &mut chains {
        // Single equal words just outside the chain, within the skip, join
        // it ("I would like ..." / "I like ...").
        loop {
            let (s, t) = (c[0].0.start, c[0].1.start);
            let hit = (1..=QUOTE_SKIP + 1).find_map(|da| {
                (1..=QUOTE_SKIP + 2 - da).find_map(|db| {
                    (s >= da
                        && t >= db
                        && !ca[s - da]
                        && !cb[t - db]
                        && a.exact[s - da] == b.exact[t - db]
                        && edge_join(a, s - da, da > 1 && db > 1))
                    .then(|| (s - da, t - db))
                })
            });
            match hit {
                Some((x, y)) => c.insert(0, (x..x + 1, y..y + 1)),
                None => break,
            }
        }
        loop {
            let last = c.len() - 1;
            let (s, t) = (c[last].0.end, c[last].1.end);
            let hit = (0..=QUOTE_SKIP).find_map(|da| {
                (0..=QUOTE_SKIP - da).find_map(|db| {
                    (s + da < a.exact.len()
                        && t + db < b.exact.len()
                        && !ca[s + da]
                        && !cb[t + db]
                        && a.exact[s + da] == b.exact[t + db]
                        && edge_join(a, s + da, da > 0 && db > 0))
                    .then_some((s + da, t + db))
                })
            });
            match hit {
                Some((x, y)) => c.push((x..x + 1, y..y + 1)),
                None => break,
            }
        }
        let wa = c[0].0.start..c[c.len() - 1].0.end;
        let wb = c[0].1.start..c[c.len() - 1].1.end;
        let matched: Vec<u64> = c
            .iter()
            .flat_map(|r| r.0.clone())
            .filter(|&i| a.stems[i] != 0 && !name(i))
            .map(|i| a.stems[i])
            .collect();
        if matched.len() < QUOTE_MIN_CONTENT {
            continue;
        }
        let content =
            |d: &AlignDoc, w: &Range<usize>| d.stems[w.clone()].iter().filter(|&&h| h != 0).count();
        let rarity = bg.rarity(a, b, &matched, content(a, &wa), content(b, &wb));
        if rarity <= config.max_rarity {
            let words: usize = c.iter().map(|r| r.0.len()).sum();
            scored.push((rarity, wa, wb, words));
        }
    }
    // The rarest first; a quote overlapping a rarer one on either side is
    // the same text matched again.
    scored.sort_by(|x, y| {
        x.0.total_cmp(&y.0)
            .then_with(|| (x.1.start, x.2.start).cmp(&(y.1.start, y.2.start)))
    });
    let mut out: Vec<PassagePair> = Vec::new();
    for (rarity, wa, wb, words) in scored {
        if out
            .iter()
            .any(|p| overlaps(&p.a.words, &wa) || overlaps(&p.b.words, &wb))
        {
            continue;
        }
        let similarity = 2.0 * words as f64 / (wa.len() + wb.len()) as f64;
        let mut p = make_pair(a, b, wa, wb, similarity);
        p.rarity = Some(rarity);
        out.push(p);
    }
    out
}

/// The rarity of words `wa` of `a` matched with words `wb` of `b` (a pair
/// of shared sentences, say): the longest common subsequence of their
/// content stems, over the content words of the two spans.
pub fn span_rarity(
    a: &AlignDoc,
    b: &AlignDoc,
    bg: &Background,
    wa: Range<usize>,
    wb: Range<usize>,
) -> f64 {
    let content = |d: &AlignDoc, w: &Range<usize>| -> Vec<u64> {
        d.stems[w.clone()]
            .iter()
            .copied()
            .filter(|&h| h != 0)
            .collect()
    };
    let (xa, xb) = (content(a, &wa), content(b, &wb));
    if xa.len().saturating_mul(xb.len()) > MAX_TABLE {
        return 0.0;
    }
    let matched: Vec<u64> = lcs_pairs(&xa, &xb)
        .into_iter()
        .map(|(i, _)| xa[i])
        .collect();
    bg.rarity(a, b, &matched, xa.len(), xb.len())
}

/// The rarity of a passage: the content words its blocks match (longest
/// common subsequence of each block's stems), over the content words of its
/// sides.
fn passage_rarity(a: &AlignDoc, b: &AlignDoc, bg: &Background, p: &PassagePair) -> f64 {
    let content = |d: &AlignDoc, w: &Range<usize>| -> Vec<u64> {
        d.stems[w.clone()]
            .iter()
            .copied()
            .filter(|&h| h != 0)
            .collect()
    };
    let mut matched = Vec::new();
    for k in &p.blocks {
        let (xa, xb) = (content(a, &k.a.words), content(b, &k.b.words));
        if xa.len().saturating_mul(xb.len()) > MAX_TABLE {
            // Thousands of matched words: far beyond any chance.
            return 0.0;
        }
        matched.extend(lcs_pairs(&xa, &xb).into_iter().map(|(i, _)| xa[i]));
    }
    bg.rarity(
        a,
        b,
        &matched,
        content(a, &p.a.words).len(),
        content(b, &p.b.words).len(),
    )
}

/// Content-word matches in a row, each within [`CHAIN_GAP`] content words
/// of the previous one on both sides, that make an aligned block.
const CHAIN_MIN: usize = 3;
/// Largest step, in content words, between consecutive matches of a block.
const CHAIN_GAP: usize = 4;
/// Unmatched words, on one side, that make a gap (inserted or dropped
/// text); fewer are an edit inside a block.
pub const GAP_WORDS: usize = 5;
/// Share of the shorter side's content words that blocks must match for the
/// block structure to be trusted; below it (a translation, a paraphrase,
/// matched by meaning rather than words) the whole passage is one block.
const MIN_MATCHED_SHARE: f64 = 0.25;
/// Rounds of block finding: the first finds the copy's main order, later
/// ones the sentences moved out of it.
const BLOCK_ROUNDS: usize = 3;

/// The aligned blocks of the passage `wa` of `a` and `wb` of `b`.
///
/// The content words (stems) of the two sides are aligned by longest common
/// subsequence; runs of at least [`CHAIN_MIN`] matches, each within
/// [`CHAIN_GAP`] content words of the previous one on both sides, are
/// blocks. The words left over are aligned again (a sentence moved within
/// the copy is out of the first alignment's order), up to [`BLOCK_ROUNDS`]
/// times. Blocks following each other on both sides with fewer than
/// [`GAP_WORDS`] unmatched words between them are one block (a word or a
/// clause edited); a block reaches the passage's edge over fewer than
/// [`GAP_WORDS`] words, and over equal words (stopwords) on both sides.
/// What is left is a gap: a sentence inserted on one side or dropped from
/// the other.
fn blocks(a: &AlignDoc, b: &AlignDoc, wa: &Range<usize>, wb: &Range<usize>) -> Vec<Ranges> {
    let whole = vec![Ranges {
        a: wa.clone(),
        b: wb.clone(),
    }];
    let pa: Vec<usize> = wa.clone().filter(|&i| a.stems[i] != 0).collect();
    let pb: Vec<usize> = wb.clone().filter(|&i| b.stems[i] != 0).collect();
    if pa.len() < CHAIN_MIN || pb.len() < CHAIN_MIN || pa.len().saturating_mul(pb.len()) > MAX_TABLE
    {
        return whole;
    }
    // Chains in content-word coordinates (indexes into pa, pb).
    let mut used_a = vec![false; pa.len()];
    let mut used_b = vec![false; pb.len()];
    let mut chains: Vec<(Range<usize>, Range<usize>, usize)> = Vec::new();
    for _ in 0..BLOCK_ROUNDS {
        let la: Vec<usize> = (0..pa.len()).filter(|&k| !used_a[k]).collect();
        let lb: Vec<usize> = (0..pb.len()).filter(|&k| !used_b[k]).collect();
        if la.len() < CHAIN_MIN || lb.len() < CHAIN_MIN {
            break;
        }
        let xa: Vec<u64> = la.iter().map(|&k| a.stems[pa[k]]).collect();
        let xb: Vec<u64> = lb.iter().map(|&k| b.stems[pb[k]]).collect();
        let pairs: Vec<(usize, usize)> = lcs_pairs(&xa, &xb)
            .into_iter()
            .map(|(i, j)| (la[i], lb[j]))
            .collect();
        let mut found = false;
        for chain in pairs.chunk_by(|x, y| y.0 - x.0 <= CHAIN_GAP && y.1 - x.1 <= CHAIN_GAP) {
            if chain.len() < CHAIN_MIN {
                continue;
            }
            let ra = chain[0].0..chain[chain.len() - 1].0 + 1;
            let rb = chain[0].1..chain[chain.len() - 1].1 + 1;
            if chains
                .iter()
                .any(|c| overlaps(&c.0, &ra) || overlaps(&c.1, &rb))
            {
                continue;
            }
            used_a[ra.clone()].iter_mut().for_each(|u| *u = true);
            used_b[rb.clone()].iter_mut().for_each(|u| *u = true);
            chains.push((ra, rb, chain.len()));
            found = true;
        }
        if !found {
            break;
        }
    }
    let matched: usize = chains.iter().map(|c| c.2).sum();
    if (matched as f64) < MIN_MATCHED_SHARE * pa.len().min(pb.len()) as f64 {
        return whole;
    }
    let mut blocks: Vec<Ranges> = chains
        .iter()
        .map(|(ra, rb, _)| Ranges {
            a: pa[ra.start]..pa[ra.end - 1] + 1,
            b: pb[rb.start]..pb[rb.end - 1] + 1,
        })
        .collect();
    blocks.sort_by_key(|k| (k.a.start, k.b.start));
    // Blocks in the same order on both sides with a small hole between
    // them are one block: the hole is an edit.
    let mut merged: Vec<Ranges> = Vec::with_capacity(blocks.len());
    for k in blocks {
        if let Some(last) = merged.last_mut() {
            if k.b.start >= last.b.end
                && k.a.start - last.a.end < GAP_WORDS
                && k.b.start - last.b.end < GAP_WORDS
            {
                last.a.end = k.a.end;
                last.b.end = k.b.end;
                continue;
            }
        }
        merged.push(k);
    }
    let mut blocks = merged;
    // Equal words at a block's edges (stopwords, the words of an edit that
    // happen to agree) join it; then, on each side, holes smaller than a
    // gap (between blocks or at the passage's edges) belong to the block
    // before them (or after, at the passage's start).
    for k in 0..blocks.len() {
        let (lo_a, hi_a) = bounds(&blocks, k, wa, true);
        let (lo_b, hi_b) = bounds(&blocks, k, wb, false);
        let blk = &mut blocks[k];
        while blk.a.start > lo_a
            && blk.b.start > lo_b
            && a.exact[blk.a.start - 1] == b.exact[blk.b.start - 1]
        {
            blk.a.start -= 1;
            blk.b.start -= 1;
        }
        while blk.a.end < hi_a && blk.b.end < hi_b && a.exact[blk.a.end] == b.exact[blk.b.end] {
            blk.a.end += 1;
            blk.b.end += 1;
        }
    }
    absorb_holes(&mut blocks, wa, true);
    absorb_holes(&mut blocks, wb, false);
    blocks
}

/// A block in word ranges, while [`blocks`] finds it.
#[derive(Debug, Clone)]
struct Ranges {
    a: Range<usize>,
    b: Range<usize>,
}

/// One side of a block: the first document's words (`first`) or the
/// second's.
fn side_of(k: &Ranges, first: bool) -> &Range<usize> {
    if first {
        &k.a
    } else {
        &k.b
    }
}

fn side_of_mut(k: &mut Ranges, first: bool) -> &mut Range<usize> {
    if first {
        &mut k.a
    } else {
        &mut k.b
    }
}

/// Extends, on one side, every block over the hole before the next block
/// on that side (and over the passage's edges) when the hole is smaller
/// than [`GAP_WORDS`].
fn absorb_holes(blocks: &mut [Ranges], outer: &Range<usize>, first: bool) {
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&k| side_of(&blocks[k], first).start);
    let mut prev_end = outer.start;
    for (n, &k) in order.iter().enumerate() {
        let start = side_of(&blocks[k], first).start;
        if start - prev_end < GAP_WORDS {
            if n == 0 {
                side_of_mut(&mut blocks[k], first).start = outer.start;
            } else {
                side_of_mut(&mut blocks[order[n - 1]], first).end = start;
            }
        }
        prev_end = side_of(&blocks[k], first).end;
    }
    if let Some(&last) = order.last() {
        let r = side_of_mut(&mut blocks[last], first);
        if outer.end - r.end < GAP_WORDS {
            r.end = outer.end;
        }
    }
}

/// The words block `k` may grow into on one side: up to the neighbouring
/// blocks on that side, within the passage.
fn bounds(blocks: &[Ranges], k: usize, outer: &Range<usize>, first: bool) -> (usize, usize) {
    let r = side_of(&blocks[k], first);
    let (mut lo, mut hi) = (outer.start, outer.end);
    for (j, other) in blocks.iter().enumerate() {
        let o = side_of(other, first);
        if j != k {
            if o.end <= r.start {
                lo = lo.max(o.end);
            }
            if o.start >= r.end {
                hi = hi.min(o.start);
            }
        }
    }
    (lo, hi)
}

/// Takes closing punctuation right after the last word (a full stop, a
/// closing quote or bracket) into the span.
fn extend_punctuation(text: &str, mut span: Span) -> Span {
    let end = span.end;
    for (i, c) in text[end..].char_indices() {
        if matches!(
            c,
            '.' | '!' | '?' | '"' | '\'' | ')' | ']' | '\u{201D}' | '\u{2019}' | '\u{00BB}'
        ) {
            span.end = end + i + c.len_utf8();
        } else {
            break;
        }
    }
    span
}

/// Sequence similarity `2·LCS/(|a|+|b|)` and the edit label of two word
/// sequences.
fn edit_label(a: &[u64], b: &[u64]) -> (f64, Edit) {
    if a == b {
        return (1.0, Edit::Verbatim);
    }
    let total = (a.len() + b.len()).max(1) as f64;
    let sequence = 2.0 * lcs_len(a, b) as f64 / total;
    let bag = 2.0 * multiset_overlap(a, b) as f64 / total;
    let edit = if sequence >= 0.5 && sequence >= 0.8 * bag {
        Edit::Edited
    } else if bag >= 0.5 {
        Edit::Reordered
    } else {
        Edit::Paraphrase
    };
    (sequence, edit)
}

/// Merges passages that follow each other on both sides within `gap` words.
fn merge_adjacent(
    a: &AlignDoc,
    b: &AlignDoc,
    passages: Vec<PassagePair>,
    gap: usize,
) -> Vec<PassagePair> {
    let mut out: Vec<PassagePair> = Vec::with_capacity(passages.len());
    for p in passages {
        if let Some(last) = out.last_mut() {
            let near = |prev: &Range<usize>, next: &Range<usize>| {
                next.start >= prev.start && next.start <= prev.end + gap
            };
            if near(&last.a.words, &p.a.words) && near(&last.b.words, &p.b.words) {
                let wa = last.a.words.start..last.a.words.end.max(p.a.words.end);
                let wb = last.b.words.start..last.b.words.end.max(p.b.words.end);
                let (la, lb) = (last.a.words.len() as f64, p.a.words.len() as f64);
                let sim = (last.similarity * la + p.similarity * lb) / (la + lb);
                *last = make_pair(a, b, wa, wb, sim);
                continue;
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn char_index_matches_counting_characters(text in "\\PC{0,300}") {
            let ci = CharIndex::new(&text);
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                proptest::prop_assert_eq!(ci.char_offset(i), text[..i].chars().count());
            }
        }
    }

    #[test]
    fn char_index_counts_characters() {
        let t = "é a ü";
        let ci = CharIndex::new(t);
        assert_eq!(ci.char_offset(0), 0);
        assert_eq!(ci.char_offset(2), 1);
        assert_eq!(ci.char_offset(t.len()), 5);
        let ascii = CharIndex::new("abc");
        assert_eq!(ascii.char_offset(2), 2);
    }

    #[test]
    fn clustering_splits_on_gaps() {
        let seeds = vec![
            Seed { a: 0, b: 10 },
            Seed { a: 1, b: 11 },
            Seed { a: 2, b: 12 },
            Seed { a: 20, b: 13 },
            Seed { a: 21, b: 40 },
        ];
        let groups = cluster(seeds, 4);
        assert_eq!(groups.len(), 3, "{groups:?}");
        assert_eq!(groups[0].len(), 3);
    }

    /// `n` sentences of made-up words, a different vocabulary for every
    /// `salt`.
    fn sentences(n: usize, salt: u64) -> Vec<String> {
        let word = |i: usize, k: usize| -> String {
            let mut x = (salt * 1_000_003 + i as u64 * 131 + k as u64 * 7 + 1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            (0..7)
                .map(|_| {
                    x = x.rotate_left(5).wrapping_mul(0x0000_0100_0000_01B3) ^ 0x5555;
                    (b'a' + (x % 26) as u8) as char
                })
                .collect()
        };
        (0..n)
            .map(|i| {
                let w: Vec<String> = (0..6).map(|k| word(i, k)).collect();
                format!(
                    "The {} and the {} of a {} with the {} for {} and {}.",
                    w[0], w[1], w[2], w[3], w[4], w[5]
                )
            })
            .collect()
    }

    /// An edited copy of `sentences`: each one's first "The " becomes "A "
    /// and its first " for " becomes " by ".
    fn edited_copy(sentences: &[String]) -> Vec<String> {
        sentences
            .iter()
            .map(|s| s.replacen("The ", "A ", 1).replacen(" for ", " by ", 1))
            .collect()
    }

    /// The PAN settings, for English.
    fn pan_en() -> AlignConfig {
        AlignConfig {
            language: Some(Language::parse("en").unwrap()),
            ..AlignConfig::pan()
        }
    }

    /// The word range of units `r` of `d`.
    fn unit_words(d: &AlignDoc, r: Range<usize>) -> Range<usize> {
        d.units[r.start].words.start..d.units[r.end - 1].words.end
    }

    #[test]
    fn chance_guard_drops_exactly_the_passages_whose_rarity_exceeds_it() {
        // A long verbatim copy and a short edited one: both far from chance,
        // at different rarities; a guard between them keeps only the rarer.
        let b = sentences(40, 1);
        let mut edited: Vec<String> = b[30..32].to_vec();
        for s in &mut edited {
            *s = s.replacen("The ", "A ", 1).replacen(" for ", " by ", 1);
        }
        let a = [
            sentences(8, 2),
            b[5..15].to_vec(),
            sentences(8, 3),
            edited,
            sentences(8, 4),
        ]
        .concat()
        .join(" ");
        let b = b.join(" ");
        let open = AlignConfig {
            editorial: false,
            language: Some(Language::parse("en").unwrap()),
            ..AlignConfig::default()
        };
        let (da, db) = (AlignDoc::new(&a, &open), AlignDoc::new(&b, &open));
        let bg = Background::default();
        let all = align_with(&da, &db, &bg, &open);
        assert_eq!(all.len(), 2, "{all:?}");
        let rarity: Vec<f64> = all
            .iter()
            .map(|p| passage_rarity(&da, &db, &bg, p))
            .collect();
        let (lo, hi) = (rarity[0].min(rarity[1]), rarity[0].max(rarity[1]));
        assert!(lo < hi && hi < 1.0, "{rarity:?}");
        let guard = ((lo.max(1e-300).ln() + hi.ln()) / 2.0).exp();
        let kept = align_with(
            &da,
            &db,
            &bg,
            &AlignConfig {
                chance_guard: guard,
                ..open.clone()
            },
        );
        let expect: Vec<PassagePair> = all
            .iter()
            .zip(&rarity)
            .filter(|(_, r)| **r <= guard)
            .map(|(p, _)| p.clone())
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept, expect);
        // The PAN guard (1) keeps both: chance explains neither.
        let pan = AlignConfig {
            chance_guard: 1.0,
            ..open.clone()
        };
        assert_eq!(align_with(&da, &db, &bg, &pan), all);
        // A guard below both drops both, unless they are summary-shaped.
        let none = AlignConfig {
            chance_guard: lo.max(1e-300) / 2.0,
            ..open
        };
        assert!(align_with(&da, &db, &bg, &none).is_empty());
    }

    fn en() -> AlignConfig {
        AlignConfig {
            editorial: false,
            language: Some(Language::parse("en").unwrap()),
            ..AlignConfig::default()
        }
    }

    #[test]
    fn a_weakly_similar_sentence_seeds_next_to_a_seed_only() {
        // Source sentence 11 keeps two of its six content words in the
        // copy, among three new ones: too few shared terms to seed on its
        // own (`min_shared_terms`), enough next to the copied sentence 10.
        let b = sentences(20, 1);
        let words: Vec<&str> = b[11].split_whitespace().collect();
        let other = sentences(1, 9)[0].replace('.', "");
        let other: Vec<&str> = other.split_whitespace().collect();
        let weak = format!(
            "So {} or {} by {} to {} at {}.",
            words[1], words[4], other[1], other[4], other[7]
        );
        let config = en();
        let db_text = b.join(" ");
        let db = AlignDoc::new(&db_text, &config);
        let seeds_of = |parts: Vec<String>| {
            let text = parts.join(" ");
            let da = AlignDoc::new(&text, &config);
            let w = Weights::new(&da, &db);
            let seeds = find_seeds(&da, &db, &w, &config);
            (seeds, w.cosine(&da, 6..7, &db, 11..12))
        };
        // Next to the copy of sentence 10: a seed.
        let next = [
            sentences(5, 2),
            vec![b[10].clone(), weak.clone()],
            sentences(5, 3),
        ]
        .concat();
        let (seeds, cos) = seeds_of(next);
        assert!(cos > NEIGHBOUR_COSINE, "{cos}");
        assert!(seeds.contains(&Seed { a: 5, b: 10 }), "{seeds:?}");
        assert!(seeds.contains(&Seed { a: 6, b: 11 }), "{seeds:?}");
        // Far from any seed: none.
        let alone = [sentences(6, 2), vec![weak], sentences(5, 3)].concat();
        let (seeds, _) = seeds_of(alone);
        assert!(!seeds.iter().any(|s| s.a == 6), "{seeds:?}");
    }

    #[test]
    fn the_longer_side_is_cut_to_the_sentences_its_blocks_reach() {
        // An edited copy of sentences 5..10 whose source side was grown two
        // sentences too far on each end: the cut keeps sentences 5..10.
        let b = sentences(16, 1);
        let copy = edited_copy(&b[5..10]);
        let a = [sentences(3, 2), copy, sentences(3, 3)].concat().join(" ");
        let b = b.join(" ");
        let pan = pan_en();
        let (da, db) = (AlignDoc::new(&a, &pan), AlignDoc::new(&b, &pan));
        let grown = make_pair(&da, &db, unit_words(&da, 3..8), unit_words(&db, 3..12), 0.9);
        assert_ne!(grown.edit, Edit::Verbatim);
        let cut = block_sides(&da, &db, grown.clone(), &pan);
        assert_eq!(cut.a.words, grown.a.words, "the shorter side stays");
        assert_eq!(cut.b.words, unit_words(&db, 5..10));
        assert_eq!(
            &b[cut.b.span.start..cut.b.span.end],
            sentences(16, 1)[5..10].join(" ")
        );
        // Grown on one end only: cut on that end.
        let grown = make_pair(&da, &db, unit_words(&da, 3..8), unit_words(&db, 5..12), 0.9);
        assert_eq!(
            block_sides(&da, &db, grown, &pan).b.words,
            unit_words(&db, 5..10)
        );
        // A summary-shaped passage keeps the region it condenses.
        let summary = make_pair(&da, &db, unit_words(&da, 3..6), unit_words(&db, 0..16), 0.9);
        assert!(summary_shaped(&summary, &pan));
        assert_eq!(block_sides(&da, &db, summary.clone(), &pan), summary);
        // A cut that leaves less than a case keeps the passage whole.
        let short = make_pair(&da, &db, unit_words(&da, 3..4), unit_words(&db, 4..7), 0.9);
        assert_eq!(block_sides(&da, &db, short.clone(), &pan), short);
    }

    #[test]
    fn a_unit_seeding_two_far_places_keeps_its_best_one() {
        // Sentence 3 of the first document is sentence 2 of the second,
        // which repeats it with one word changed far later (unit 12) and
        // next door (unit 4): the far, weaker place goes, the near one
        // stays.
        let b0 = sentences(14, 1);
        let x = b0[2].clone();
        let last = x
            .trim_end_matches('.')
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string();
        let mut b = b0.clone();
        b[12] = x.replace(&last, "zebra");
        b[4] = b[12].clone();
        let a = [sentences(3, 2), vec![x], sentences(3, 3)]
            .concat()
            .join(" ");
        let b = b.join(" ");
        let pan = pan_en();
        let (da, db) = (AlignDoc::new(&a, &pan), AlignDoc::new(&b, &pan));
        let w = Weights::new(&da, &db);
        let seeds = find_seeds(&da, &db, &w, &pan);
        let places = |seeds: &[Seed]| -> Vec<u32> {
            seeds.iter().filter(|s| s.a == 3).map(|s| s.b).collect()
        };
        assert_eq!(places(&seeds), vec![2, 4, 12], "{seeds:?}");
        let kept = one_place(&da, &db, &w, seeds.clone(), true, pan.max_gap);
        assert_eq!(places(&kept), vec![2, 4]);
        // The other side's units each seed one place: nothing changes.
        assert_eq!(
            one_place(&da, &db, &w, seeds.clone(), false, pan.max_gap),
            seeds
        );
    }

    #[test]
    fn an_edited_side_takes_in_the_few_words_left_of_its_sentences() {
        let b = sentences(12, 1);
        let copy = edited_copy(&b[4..8]);
        let a = [sentences(3, 2), copy, sentences(3, 3)].concat().join(" ");
        let b = b.join(" ");
        let pan = pan_en();
        let (da, db) = (AlignDoc::new(&a, &pan), AlignDoc::new(&b, &pan));
        let (ua, ub) = (unit_words(&da, 3..7), unit_words(&db, 4..8));
        // Three words short at the start of the first side, and ten (more
        // than a sentence's 14 words allow: 8) at the end of the second.
        let cut = make_pair(&da, &db, ua.start + 3..ua.end, ub.start..ub.end - 10, 0.9);
        assert_ne!(cut.edit, Edit::Verbatim);
        let p = sentence_edges(&da, &db, cut, pan.sentence_edges);
        assert_eq!(p.a.words, ua);
        assert_eq!(p.b.words, ub.start..ub.end - 10);
    }

    #[test]
    fn a_short_copy_is_reported_when_it_is_its_pairs_only_evidence() {
        // One sentence copied (shorter than a PAN case): reported over its
        // sentence when it is all the pair shares, dropped beside a copy of
        // full length.
        let mut b = sentences(20, 1);
        // A sentence of twelve made-up words (a list of names), shorter
        // than a case.
        let words: Vec<String> = sentences(2, 9)
            .join(" ")
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() == 7)
            .map(str::to_string)
            .collect();
        b[7] = format!("Present were {}.", words[..12].join(", "));
        assert!(b[7].len() < 150, "{}", b[7]);
        let pan = pan_en();
        let alone = [sentences(5, 2), vec![b[7].clone()], sentences(5, 3)]
            .concat()
            .join(" ");
        let bj = b.join(" ");
        let db = AlignDoc::new(&bj, &pan);
        let da = AlignDoc::new(&alone, &pan);
        let ps = align(&da, &db, &pan);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(&alone[ps[0].a.span.start..ps[0].a.span.end], b[7]);
        assert_eq!(&bj[ps[0].b.span.start..ps[0].b.span.end], b[7]);
        let copy = edited_copy(&b[12..18]);
        let beside = [
            sentences(5, 2),
            vec![b[7].clone()],
            sentences(5, 3),
            copy,
            sentences(3, 4),
        ]
        .concat()
        .join(" ");
        let da = AlignDoc::new(&beside, &pan);
        let ps = align(&da, &db, &pan);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert!(ps[0].b.words.start >= db.units[12].words.start, "{ps:?}");
        // Off for the editor's settings (no length filter at all).
        assert_eq!(AlignConfig::default().min_chars, 0);
    }

    #[test]
    fn trim_end_cuts_only_a_covered_end() {
        let cut = |mut r: Range<usize>, k: Range<usize>| trim_end(&mut r, &k).then_some(r);
        assert_eq!(cut(4..10, 0..6), Some(6..10));
        assert_eq!(cut(4..10, 8..12), Some(4..8));
        assert_eq!(cut(4..10, 10..12), Some(4..10));
        assert_eq!(cut(4..10, 6..8), None, "inside: the rest is two pieces");
        assert_eq!(cut(4..10, 2..12), None, "covered");
        assert_eq!(cut(4..10, 4..10), None);
    }

    #[test]
    fn a_weaker_cluster_overlapping_a_stronger_one_keeps_the_rest() {
        // Two cases side by side in both documents, the weaker one's first
        // unit taken by the stronger one: it keeps its other units.
        let text = sentences(12, 4).join(" ");
        let config = en();
        let d = AlignDoc::new(&text, &config);
        let w = Weights::new(&d, &d);
        let cluster = |r: Range<usize>, similarity: f64| Cluster {
            a: r.clone(),
            b: r,
            similarity,
            words: 100,
            summary: false,
        };
        let kept = resolve_overlaps(
            &d,
            &d,
            &w,
            vec![cluster(5..10, 0.5), cluster(0..6, 0.9)],
            &config,
        );
        let ranges: Vec<_> = kept.iter().map(|c| (c.a.clone(), c.b.clone())).collect();
        assert_eq!(ranges, vec![(0..6, 0..6), (6..10, 6..10)]);
        // One inside the other: the weaker goes.
        let kept = resolve_overlaps(
            &d,
            &d,
            &w,
            vec![cluster(2..4, 0.5), cluster(0..6, 0.9)],
            &config,
        );
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn the_pan_summary_path_never_makes_the_first_document_the_long_side() {
        // Three chunks of a short source copied far apart into a long
        // document: with the first document long, that is expanded
        // copying, reported chunk by chunk, never one summary.
        let b = sentences(9, 5);
        let a = [
            b[0..3].to_vec(),
            sentences(18, 6),
            b[3..6].to_vec(),
            sentences(18, 7),
            b[6..9].to_vec(),
        ]
        .concat()
        .join(" ");
        let b = b.join(" ");
        let pan = pan_en();
        let (da, db) = (AlignDoc::new(&a, &pan), AlignDoc::new(&b, &pan));
        let ps = align(&da, &db, &pan);
        assert_eq!(ps.len(), 3, "{ps:?}");
        assert!(ps.iter().all(|p| !summary_shaped(p, &pan)), "{ps:?}");
    }

    #[test]
    fn edit_labels() {
        let a: Vec<u64> = (0..20).collect();
        assert_eq!(edit_label(&a, &a).1, Edit::Verbatim);
        let mut b = a.clone();
        b[3] = 100;
        b[10] = 101;
        assert_eq!(edit_label(&a, &b).1, Edit::Edited);
        let mut r = a.clone();
        r.reverse();
        assert_eq!(edit_label(&a, &r).1, Edit::Reordered);
        let p: Vec<u64> = (0..20)
            .map(|x| if x % 4 == 0 { x } else { 1000 + x })
            .collect();
        assert_eq!(edit_label(&a, &p).1, Edit::Paraphrase);
    }

    /// A source of five sentences, and a copy of it (the first document of
    /// a PAN pair) with most content words replaced by WordNet synonyms.
    fn spun_copy() -> (String, String) {
        let source = [
            "The doctor told the attorney about the catastrophe near the sea.",
            "A kid drove the automobile down the route to the metropolis.",
            "They wanted to buy a movie and commence the reply at the store.",
            "The instructor made a mistake about the sickness in the woods.",
            "People help each other fast when a stone falls from the hill.",
        ];
        let copy = [
            "The physician told the lawyer about the disaster near the ocean.",
            "A child drove the car down the road to the city.",
            "They wanted to purchase a film and begin the answer at the shop.",
            "The teacher made an error about the illness in the forest.",
            "People assist each other quick when a rock falls from the hill.",
        ];
        let a = [
            sentences(4, 2),
            copy.map(String::from).to_vec(),
            sentences(4, 3),
        ]
        .concat()
        .join(" ");
        let b = [
            sentences(3, 4),
            source.map(String::from).to_vec(),
            sentences(3, 5),
        ]
        .concat()
        .join(" ");
        (a, b)
    }

    #[test]
    fn a_word_replaced_by_a_synonym_takes_the_stem_of_the_other_documents_word() {
        let (a, b) = spun_copy();
        let pan = pan_en();
        let db = AlignDoc::new(&b, &pan);
        let toward = AlignDoc::toward(&a, &pan, &db);
        let plain = AlignDoc::new(&a, &pan);
        let at = |d: &AlignDoc, w: &str| d.tokens().norms().position(|n| n == w).unwrap();
        for (x, y) in [
            ("physician", "doctor"),
            ("car", "automobile"),
            ("forest", "woods"),
        ] {
            let (i, j) = (at(&plain, x), at(&db, y));
            assert_eq!(toward.stems[i], db.stems[j], "{x} -> {y}");
            assert_ne!(plain.stems[i], db.stems[j], "{x} -> {y}");
        }
        // A word the other document has keeps its stem; so does every word
        // outside English.
        let hill = at(&plain, "hill");
        assert_eq!(toward.stems[hill], plain.stems[hill]);
        let de = AlignConfig {
            language: Some(Language::parse("de").unwrap()),
            ..AlignConfig::pan()
        };
        let db_de = AlignDoc::new(&b, &de);
        assert_eq!(
            AlignDoc::toward(&a, &de, &db_de).stems,
            AlignDoc::new(&a, &de).stems
        );
    }

    #[test]
    fn a_spun_copy_is_found_through_synonyms_and_missed_without() {
        let (a, b) = spun_copy();
        let pan = pan_en();
        let db = AlignDoc::new(&b, &pan);
        let copy = a.find("The physician").unwrap()..a.find("the hill.").unwrap() + 9;
        let found = align(&AlignDoc::toward(&a, &pan, &db), &db, &pan);
        assert_eq!(found.len(), 1, "{found:?}");
        let span = found[0].a.span;
        // The whole copy, at most a few words off at its edges.
        assert!(span.start.abs_diff(copy.start) < 20, "{span:?} {copy:?}");
        assert!(span.end.abs_diff(copy.end) < 20, "{span:?} {copy:?}");
        let off = AlignConfig {
            synonyms: false,
            ..pan.clone()
        };
        let plain = align(&AlignDoc::new(&a, &off), &AlignDoc::new(&b, &off), &off);
        assert!(plain.is_empty(), "{plain:?}");
    }
}
