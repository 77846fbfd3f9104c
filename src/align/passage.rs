//! Passages in report form, and the [`Aligner`] that makes them.

use super::method::{align, align_with, AlignConfig, AlignDoc, Edit, PassagePair, Side};
use super::rarity::Background;
use crate::error::Result;
use crate::source::{EncodingInfo, InputDoc};
use crate::text::{Analyzed, Language};
use crate::util::{round4, union_len, LineIndex};

/// The passage aligner, built once from a validated [`AlignConfig`].
#[derive(Debug, Clone)]
pub struct Aligner {
    config: AlignConfig,
}

impl Aligner {
    /// Validates `config`; an invalid setting is
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) naming it.
    pub fn new(config: AlignConfig) -> Result<Aligner> {
        config.validate()?;
        Ok(Aligner { config })
    }

    /// The configuration in force.
    pub fn config(&self) -> &AlignConfig {
        &self.config
    }

    /// Prepares one text for alignment (tokens, units, stems).
    pub fn doc<'t>(&self, text: &'t str) -> AlignDoc<'t> {
        AlignDoc::new(text, &self.config)
    }

    /// Prepares one text already analysed by [`Analyzed::new`].
    pub fn doc_from_analyzed<'t>(&self, text: &'t str, analyzed: &'t Analyzed) -> AlignDoc<'t> {
        AlignDoc::from_analyzed(text, analyzed, &self.config)
    }

    /// The passages two prepared documents share.
    pub fn align(&self, a: &AlignDoc, b: &AlignDoc) -> Vec<PassagePair> {
        align(a, b, &self.config)
    }

    /// The passages two prepared documents of a collection share, with
    /// rarity measured against the collection's background.
    pub fn align_with(&self, a: &AlignDoc, b: &AlignDoc, bg: &Background) -> Vec<PassagePair> {
        align_with(a, b, bg, &self.config)
    }

    /// Aligns two documents: every passage they share, with offsets on both
    /// sides and how it was edited.
    pub fn align_documents(&self, a: &InputDoc, b: &InputDoc) -> Alignment {
        let (da, db) = if self.config.synonyms {
            let db = self.doc(&b.text);
            (AlignDoc::toward(&a.text, &self.config, &db), db)
        } else {
            rayon::join(|| self.doc(&a.text), || self.doc(&b.text))
        };
        let pairs = self.align(&da, &db);
        let (la, lb) = (LineIndex::new(&a.text), LineIndex::new(&b.text));
        let passages: Vec<Passage> = pairs
            .iter()
            .map(|p| Passage::new(p, (a, &la), (b, &lb)))
            .collect();
        let summary = |d: &InputDoc, ad: &AlignDoc, ranges: Vec<std::ops::Range<usize>>| {
            let words = ad.tokens().len();
            let reused = union_len(ranges);
            AlignedDocument {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.file_len,
                encoding: d.encoding,
                language: ad.language(),
                chars: ad.char_index().char_offset(d.text.len()),
                words,
                reused_words: reused,
                reused_fraction: if words == 0 {
                    0.0
                } else {
                    round4(reused as f64 / words as f64)
                },
            }
        };
        Alignment {
            a: summary(a, &da, blocks(&pairs, true)),
            b: summary(b, &db, blocks(&pairs, false)),
            passages,
        }
    }
}

/// The word ranges of every aligned block of `pairs` on the first side
/// (`first`) or the second.
fn blocks(pairs: &[PassagePair], first: bool) -> Vec<std::ops::Range<usize>> {
    pairs
        .iter()
        .flat_map(|p| {
            p.blocks.iter().map(move |k| {
                if first {
                    k.a.words.clone()
                } else {
                    k.b.words.clone()
                }
            })
        })
        .collect()
}

/// A stretch of one document: line, byte and character offsets, words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stretch {
    /// 1-based line of the start.
    pub line: usize,
    /// Byte offset of the first word in the file.
    pub start: usize,
    /// Byte offset one past the last word.
    pub end: usize,
    /// Character offset of the start, in the decoded text.
    pub char_start: usize,
    /// Character offset one past the end.
    pub char_end: usize,
    /// Words in the stretch.
    pub words: usize,
}

/// An aligned block of a passage: the stretches of the two documents that
/// match each other.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlignedBlock {
    /// The stretch of the first document.
    pub a: Stretch,
    /// The stretch of the second document.
    pub b: Stretch,
}

/// Which side of a passage a gap is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GapSide {
    /// The first document has words the second lacks.
    A,
    /// The second document has words the first lacks.
    B,
}

/// Words inside a passage that no aligned block covers: added on this side
/// (or, seen from the other document, dropped from it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    /// The side holding the words.
    pub side: GapSide,
    /// Where they are.
    #[serde(flatten)]
    pub at: Stretch,
    /// The decoded text of the gap (the file's bytes `start..end` for a
    /// UTF-8 file).
    pub text: String,
}

/// One side of a reused passage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PassageSide {
    /// Document id.
    pub doc: String,
    /// 1-based line of the start.
    pub line: usize,
    /// Byte offset of the start in the file.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Character (Unicode scalar value) offset of the start, in the decoded
    /// text.
    pub char_start: usize,
    /// Character offset one past the end.
    pub char_end: usize,
    /// Words in the passage.
    pub words: usize,
    /// Words inside its aligned blocks: the passage's words less its gaps.
    pub aligned_words: usize,
    /// The file's bytes `start..end`, decoded (exactly those bytes for a
    /// UTF-8 file).
    pub text: String,
}

/// A passage reused between two documents: aligned spans on both sides,
/// possibly crossing sentence boundaries (see [`crate::align`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Passage {
    /// How the passage was edited.
    pub edit: Edit,
    /// tf·isf cosine of the two sides' stemmed content words.
    pub similarity: f64,
    /// `2·LCS/(|a|+|b|)` of the two sides' normalized words.
    pub sequence: f64,
    /// Expected number of chance matches as good as this one, given the
    /// documents' lengths and word statistics (see
    /// [`Background`](crate::align::Background)); far below 1 means chance
    /// cannot explain it. Absent for PAN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rarity: Option<f64>,
    /// The span in the first document of the pair.
    pub a: PassageSide,
    /// The span in the second.
    pub b: PassageSide,
    /// The stretches that match, by position in the first document; the
    /// rest of each side is its gaps.
    pub blocks: Vec<AlignedBlock>,
    /// Words of one side inside the passage that the other side lacks
    /// (inserted there, or dropped from the other), by side, then position.
    pub gaps: Vec<Gap>,
}

impl Passage {
    /// Builds the report form of an aligned passage pair.
    pub fn new(
        p: &PassagePair,
        (doc_a, lines_a): (&InputDoc, &LineIndex),
        (doc_b, lines_b): (&InputDoc, &LineIndex),
    ) -> Passage {
        let side = |s: &Side, doc: &InputDoc, lines: &LineIndex, aligned: usize| PassageSide {
            doc: doc.id.clone(),
            line: lines.line(s.span.start),
            start: doc.file_offset(s.span.start),
            end: doc.file_offset(s.span.end),
            char_start: s.chars.start,
            char_end: s.chars.end,
            words: s.words.len(),
            aligned_words: aligned,
            text: s.span.slice(&doc.text).to_string(),
        };
        let stretch = |s: &Side, doc: &InputDoc, lines: &LineIndex| Stretch {
            line: lines.line(s.span.start),
            start: doc.file_offset(s.span.start),
            end: doc.file_offset(s.span.end),
            char_start: s.chars.start,
            char_end: s.chars.end,
            words: s.words.len(),
        };
        let aligned = |first: bool| -> usize {
            p.blocks
                .iter()
                .map(|k| {
                    if first {
                        k.a.words.len()
                    } else {
                        k.b.words.len()
                    }
                })
                .sum()
        };
        let blocks = p
            .blocks
            .iter()
            .map(|k| AlignedBlock {
                a: stretch(&k.a, doc_a, lines_a),
                b: stretch(&k.b, doc_b, lines_b),
            })
            .collect();
        let gaps = p
            .gaps
            .iter()
            .map(|(first, s)| {
                let (doc, lines) = if *first {
                    (doc_a, lines_a)
                } else {
                    (doc_b, lines_b)
                };
                Gap {
                    side: if *first { GapSide::A } else { GapSide::B },
                    at: stretch(s, doc, lines),
                    text: s.span.slice(&doc.text).to_string(),
                }
            })
            .collect();
        Passage {
            edit: p.edit,
            similarity: p.similarity,
            sequence: p.sequence,
            rarity: p.rarity,
            a: side(&p.a, doc_a, lines_a, aligned(true)),
            b: side(&p.b, doc_b, lines_b, aligned(false)),
            blocks,
            gaps,
        }
    }
}

/// One document of an [`Alignment`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlignedDocument {
    /// Document id.
    pub id: String,
    /// Path as given.
    pub path: String,
    /// Size of the file in bytes.
    pub bytes: usize,
    /// The encoding the file was read as.
    pub encoding: EncodingInfo,
    /// The language whose stemmer and stopwords were used.
    pub language: Language,
    /// Size in characters (of the decoded text).
    pub chars: usize,
    /// Word tokens.
    pub words: usize,
    /// Words inside a passage found in the other document.
    pub reused_words: usize,
    /// `reused_words / words`.
    pub reused_fraction: f64,
}

/// The passages two documents share: the result of
/// [`Aligner::align_documents`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// The first document (`a` in every passage).
    pub a: AlignedDocument,
    /// The second document (`b`).
    pub b: AlignedDocument,
    /// Passages, by position in the first document.
    pub passages: Vec<Passage>,
}
