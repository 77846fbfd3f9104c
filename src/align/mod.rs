//! Passage alignment: which spans of one document were reused in another,
//! with exact offsets on both sides and how they were edited.
//!
//! This is the text-alignment task of the PAN plagiarism-detection
//! competitions. The method follows the seed–extend–filter scheme of the best
//! published system (Sanchez-Perez, Sidorov and Gelbukh, "A Winning Approach
//! to Text Alignment for Text Reuse Detection at PAN 2014"), with a word-level
//! boundary step of our own so that verbatim copies get exact offsets:
//!
//! 1. **Units.** Each document is split into sentences ([`crate::text`]); a
//!    sentence with fewer than [`AlignConfig::min_unit_terms`] content words
//!    is joined to the next one. Every word is normalized, stemmed (Snowball
//!    English) and hashed with the seed; stopwords ([`crate::text::STOPWORDS`])
//!    are not terms. With [`AlignConfig::synonyms`] (PAN) a content word of
//!    the first document that the second lacks takes the stem of its WordNet
//!    synonym that the second has ([`AlignDoc::toward`],
//!    [`crate::text::synonyms`]): a word replaced by a synonym matches.
//! 2. **Seeds.** A pair of units, one from each document, is a seed when the
//!    tf·isf cosine of their hashed stems exceeds [`AlignConfig::seed_cosine`],
//!    the Dice coefficient of their term sets exceeds
//!    [`AlignConfig::seed_dice`], and they share at least
//!    [`AlignConfig::min_shared_terms`] terms. isf is computed over the units
//!    of both documents, so a phrase that recurs everywhere (a name, a title,
//!    a formula) weighs little, the same principle as the comparer's
//!    content-word rule. A unit pair that shares a word n-gram of
//!    [`AlignConfig::ngram`] exact words (stopwords included) is a seed too:
//!    that keeps short verbatim sentences whose terms are too few or too
//!    common for the cosine. A unit pair within two units of a seed on both
//!    sides is a seed at weaker thresholds (cosine and Dice above 0.25, two
//!    shared terms), repeated from the new seeds until none is added: a
//!    sentence next to a copied one needs less evidence to be copied too
//!    (random obfuscation leaves a sentence only a few shared words).
//!    With [`AlignConfig::one_place`] (PAN) a unit whose seeds lie in
//!    places of the other document farther apart than
//!    [`AlignConfig::max_gap`] units keeps only those near its best one.
//! 3. **Extension.** Seeds are clustered by their unit positions: sorted by
//!    one document, cut where the gap exceeds [`AlignConfig::max_gap`] units,
//!    then each cluster by the other document, until no cut happens. A
//!    cluster is one passage pair, from its first to its last unit on each
//!    side. Passages may therefore span sentence boundaries, skip inserted
//!    sentences and survive reordering inside the gap.
//! 4. **Validation.** The tf·isf cosine of the two whole passages must reach
//!    [`AlignConfig::validation`]; a cluster that fails is clustered again
//!    with a smaller gap, down to [`AlignConfig::min_gap`], and dropped if it
//!    still fails.
//! 5. **Summaries.** A summary condenses a long source passage into a short
//!    one: its seeds are dense on one side and sparse on the other. A second
//!    clustering with [`AlignConfig::summary_gap`] runs; each of its passages
//!    whose longer side is at least [`AlignConfig::summary_ratio`] times its
//!    shorter side replaces the ordinary passages it overlaps. With
//!    [`AlignConfig::summary_spread`] (PAN) its source side is then the
//!    whole region the summary condenses, found by content rather than by
//!    the order of the seeds. The path is directional there: only a
//!    cluster whose first document's side is the shorter is a summary, and
//!    after the boundaries passages next to each other on the first side
//!    whose second sides lie apart (a summary condensing places far from
//!    each other) are joined into one summary.
//! 6. **Overlaps.** Passages that overlap in either document keep the one with
//!    the higher validation similarity times length; a weaker passage
//!    whose end alone the stronger one covers keeps the rest of its units
//!    if that still validates (two cases side by side), otherwise it goes.
//! 7. **Boundaries.** Unit boundaries are sentence boundaries; a copy may
//!    start or end inside a sentence. Each side is trimmed to the first and
//!    last word whose stem occurs in the other side, then the two starts (and
//!    ends) are extended outward word by word while the exact normalized words
//!    agree. A verbatim copy thus gets the exact words; an obfuscated one keeps
//!    its edited edges.
//! 8. **Merging and filtering.** Passages that follow each other on both sides
//!    within [`AlignConfig::merge_gap_words`] words are merged, so one reused
//!    passage is reported once. Passages shorter than
//!    [`AlignConfig::min_words`] words or [`AlignConfig::min_chars`]
//!    characters on either side are dropped, the characters counted both
//!    on the unit clusters and on the final, refined passages. With
//!    [`AlignConfig::summary_spread`] (PAN) a short unit cluster is kept
//!    as a possible piece of a summary when chance cannot explain it
//!    (rarity at most 1e-5), and is dropped at the end unless it joined a
//!    summary or, within the merge gap, a neighbouring passage; short
//!    passages that are a pair's only evidence are kept over their whole
//!    sentences when their rarity is at most 1e-16 there too.
//! 9. **PAN boundaries.** After the no-plagiarism guard, which judges the
//!    passages as found: with [`AlignConfig::block_sides`] the longer side
//!    of an edited passage that is not summary-shaped is cut to the
//!    sentences its aligned blocks reach, and with
//!    [`AlignConfig::sentence_edges`] each side of an edited passage takes
//!    in the words of its first and last sentence that it leaves out,
//!    when they are at most 8.
//!
//! Every passage carries its byte spans, character spans (for formats that
//! count characters, like PAN), a similarity and an [`Edit`] label.
//!
//! In: two texts (or [`InputDoc`]s). Out: [`PassagePair`]s with word, byte
//! and character spans, and in report form an [`Alignment`] of
//! [`Passage`]s, which [`crate::report`] writes.

mod method;
mod passage;
mod rarity;

pub use method::{
    align, align_with, span_rarity, AlignConfig, AlignDoc, Block, CharIndex, Edit, PassagePair,
    Side, GAP_WORDS,
};
pub use passage::{
    AlignedBlock, AlignedDocument, Aligner, Alignment, Gap, GapSide, Passage, PassageSide, Stretch,
};
pub use rarity::Background;

#[cfg(doc)]
use crate::source::InputDoc;
