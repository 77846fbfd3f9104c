//! The comparer's settings and their validation.

use crate::align::AlignConfig;
use crate::error::{Error, Result};
use crate::sketch::minhash::{MinHashParams, MinHasher};
use crate::sketch::shingle::{self, Shingler};
use crate::DEFAULT_SEED;

/// Configuration of a [`Comparer`](super::Comparer).
#[derive(Debug, Clone, PartialEq)]
pub struct CompareConfig {
    /// Word n-gram size for whole documents.
    pub document_shingle: usize,
    /// Word n-gram size for sentences.
    pub sentence_shingle: usize,
    /// MinHash permutations.
    pub permutations: usize,
    /// Seed for hashing and MinHash.
    pub seed: u64,
    /// Word-alignment similarity `2·LCS/(|a|+|b|)` for near-duplicate
    /// sentences; also the document Jaccard for listing pairs when there are
    /// too many documents to list all.
    pub threshold: f64,
    /// Containment of the shorter sentence in the longer one that makes a
    /// trimmed sentence `near`.
    pub containment: f64,
    /// Sentences with fewer words are fragments: never reuse, only furniture.
    pub min_words: usize,
    /// Shared content words (not stopwords, not capitalised names) a pair of
    /// sentences needs to count as shared text.
    pub min_content_words: usize,
    /// Sentence shingles (word bigrams that are not all stopwords) a pair
    /// must share: scattered single-word matches are not shared text.
    pub min_shared_shingles: usize,
    /// A sentence in at least this share of the documents (and at least 4) is
    /// boilerplate.
    pub boilerplate_docs: f64,
    /// Report every document pair up to this many documents.
    pub all_pairs_limit: usize,
    /// Passage aligner settings (its seed is taken from [`Self::seed`]).
    pub align: AlignConfig,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            document_shingle: shingle::DEFAULT_DOCUMENT_SHINGLE,
            sentence_shingle: shingle::DEFAULT_SENTENCE_SHINGLE,
            permutations: crate::sketch::minhash::DEFAULT_PERMUTATIONS,
            seed: DEFAULT_SEED,
            threshold: 0.45,
            containment: 0.8,
            min_words: 5,
            min_content_words: 3,
            min_shared_shingles: 3,
            boilerplate_docs: 0.5,
            all_pairs_limit: 100,
            align: AlignConfig::default(),
        }
    }
}

/// Share of the similarity threshold at which sentence LSH proposes
/// candidates: alignment similarity runs well above bigram Jaccard (a changed
/// word costs one aligned word but two bigrams), so LSH must look lower.
pub(super) const LSH_SHARE: f64 = 0.4;

impl CompareConfig {
    /// Checks every setting; [`Comparer::new`](super::Comparer::new) calls it.
    pub fn validate(&self) -> Result<()> {
        let config = self;
        let unit = |name: &'static str, v: f64| {
            if v > 0.0 && v <= 1.0 {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    name,
                    value: v.to_string(),
                    reason: "must be in (0, 1]",
                })
            }
        };
        unit("threshold", config.threshold)?;
        if config.threshold >= 1.0 {
            return Err(Error::InvalidParameter {
                name: "threshold",
                value: config.threshold.to_string(),
                reason: "must be below 1 (verbatim groups are always reported)",
            });
        }
        unit("containment", config.containment)?;
        unit("boilerplate-docs", config.boilerplate_docs)?;
        Shingler::new(config.document_shingle, config.seed)?;
        Shingler::new(config.sentence_shingle, config.seed).map_err(|e| match e {
            Error::InvalidParameter { value, reason, .. } => Error::InvalidParameter {
                name: "sentence-shingle",
                value,
                reason,
            },
            e => e,
        })?;
        MinHasher::new(MinHashParams {
            permutations: config.permutations,
            seed: config.seed,
            shingle_size: config.sentence_shingle,
        })?;
        Ok(())
    }
}
