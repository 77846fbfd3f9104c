//! The archive: documents seen before, in one embedded file, queried later
//! (`syndic index`, `compare --against`, `dedup --against`).
//!
//! Per document the archive keeps its id, source, length, a content hash
//! (XXH3-128 of the text), its MinHash signature, its LSH band keys, the
//! hashes of its sentences with their byte spans, and optionally the text
//! (zstd). Band keys and sentence hashes are also posted, as sorted runs of
//! `(key, document)` pairs packed 64 to a row and merged size-tiered
//! (format 2, `runs.rs`; format 1 had a B-tree row per posting and is read
//! as it is, and migrated by the first writer), so a query reads a few
//! B-tree pages per key and run and never loads the archive.
//!
//! The store is SQLite in WAL mode (see `DESIGN.md`, "The archive"): one
//! writer at a time (an advisory lock held for the whole add), any number of
//! readers in other processes at once, each on a consistent snapshot; a
//! writer killed at any point leaves the batches it committed and nothing
//! else.
//!
//! Every hash stored is stable across machines (XXH3 with fixed seeds), and
//! the archive records the parameters that made them ([`ArchiveParams`]); an
//! archive made with other parameters, or by a newer syndic, is refused with
//! the fields that differ.

mod add;
pub mod against;
mod analyse;
mod check;
mod query;
mod runs;
mod store;

pub use add::{AddConfig, AddSummary, Adder};
pub use analyse::{Analyser, DocSketch, SentenceHash};
pub use check::{check, CheckReport};
pub use query::{ArchivedDoc, Match, QueryConfig, QueryResult, Searcher, SharedSentence, SpanPair};
pub use store::{Archive, ArchiveStats, Mode};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What an archive file says it is (the `magic` row of its `meta` table).
pub const MAGIC: &str = "syndic-archive";
/// The archive format this syndic writes. Older formats are read or
/// migrated; newer ones are refused.
pub const FORMAT_VERSION: u32 = 2;
/// Version of the words and sentences the hashes are made of (the
/// tokenizer of [`crate::text`] and its sentence splitter). Raised whenever
/// a change to either would change a stored hash.
pub const TOKENIZER_VERSION: u32 = 1;
/// How sentence hashes are made.
pub const SENTENCE_HASH: &str = "xxh3-64(le token hashes) over sentences of >= 5 words";
/// Sentences shorter than this (in words) are not posted: too short to be
/// evidence of reuse (the default `min_words` of `compare`).
pub const MIN_SENTENCE_WORDS: usize = 5;
/// Default documents per committed batch of an add.
pub const DEFAULT_BATCH_DOCS: usize = 10_000;

/// The parameters fixed by the first add; every later use must match them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveParams {
    /// Word n-gram size of the signatures.
    pub shingle: usize,
    /// MinHash permutations.
    pub permutations: usize,
    /// Seed of every hash.
    pub seed: u64,
    /// Similarity threshold the banding was chosen for.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// MinHash scheme ([`crate::sketch::minhash::SCHEME`]).
    pub scheme: String,
    /// [`TOKENIZER_VERSION`].
    pub tokenizer: u32,
    /// [`SENTENCE_HASH`].
    pub sentence_hash: String,
}

impl ArchiveParams {
    /// The parameters for the given shingle size, permutations, seed and
    /// threshold: banding chosen as `dedup` chooses it
    /// ([`crate::sketch::lsh::LshParams::for_recall`]).
    pub fn new(
        shingle: usize,
        permutations: usize,
        seed: u64,
        threshold: f64,
    ) -> Result<ArchiveParams> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(Error::InvalidParameter {
                name: "threshold",
                value: threshold.to_string(),
                reason: "must be strictly between 0 and 1",
            });
        }
        let lsh = crate::sketch::lsh::LshParams::for_recall(
            threshold,
            permutations,
            crate::dedup::LSH_RECALL_AT_THRESHOLD,
        )?;
        Ok(ArchiveParams {
            shingle,
            permutations,
            seed,
            threshold,
            bands: lsh.bands,
            rows: lsh.rows,
            scheme: crate::sketch::minhash::SCHEME.to_owned(),
            tokenizer: TOKENIZER_VERSION,
            sentence_hash: SENTENCE_HASH.to_owned(),
        })
    }

    /// The fields that differ from `archive`'s, as `name: given (archive:
    /// theirs)`; empty when they match.
    pub fn differences(&self, archive: &ArchiveParams) -> Vec<String> {
        let mut out = Vec::new();
        let mut diff = |name: &str, mine: String, theirs: String| {
            if mine != theirs {
                out.push(format!("{name} {mine} (archive: {theirs})"));
            }
        };
        diff(
            "shingle",
            self.shingle.to_string(),
            archive.shingle.to_string(),
        );
        diff(
            "permutations",
            self.permutations.to_string(),
            archive.permutations.to_string(),
        );
        diff("seed", self.seed.to_string(), archive.seed.to_string());
        diff(
            "threshold",
            self.threshold.to_string(),
            archive.threshold.to_string(),
        );
        diff("bands", self.bands.to_string(), archive.bands.to_string());
        diff("rows", self.rows.to_string(), archive.rows.to_string());
        diff("scheme", self.scheme.clone(), archive.scheme.clone());
        diff(
            "tokenizer",
            self.tokenizer.to_string(),
            archive.tokenizer.to_string(),
        );
        diff(
            "sentence_hash",
            self.sentence_hash.clone(),
            archive.sentence_hash.clone(),
        );
        out
    }
}
