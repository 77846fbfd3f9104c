//! What the archive keeps of a document, computed from its text: the same
//! signature as `dedup` (its [`DocumentSigner`]), band keys, sentence
//! hashes with spans, the content hash.

use crate::dedup::{DocumentSigner, SignScratch};
use crate::error::Result;
use crate::sketch::lsh::band_hash;
use crate::text::{for_each_word, sentence::split_sentences};
use crate::util::Span;

use super::{ArchiveParams, MIN_SENTENCE_WORDS};

/// A sentence of a document: the hash of its normalized words and its byte
/// span in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceHash {
    /// XXH3-64 of the sentence's token hashes (little-endian).
    pub hash: u64,
    /// Byte offset of the start in the text.
    pub start: u32,
    /// Byte offset one past the end.
    pub end: u32,
}

/// The sketch of one document.
#[derive(Debug, Clone)]
pub struct DocSketch {
    /// MinHash values, one per permutation.
    pub signature: Vec<u32>,
    /// False if the text has no word (then no band keys).
    pub has_words: bool,
    /// One key per band (empty without words).
    pub band_keys: Vec<u64>,
    /// Sentences of at least [`MIN_SENTENCE_WORDS`] words, in order.
    pub sentences: Vec<SentenceHash>,
    /// XXH3-128 of the text's bytes.
    pub content_hash: u128,
}

/// Sketches documents under one set of [`ArchiveParams`]; shared by every
/// thread, each bringing its own [`SignScratch`].
#[derive(Debug, Clone)]
pub struct Analyser {
    params: ArchiveParams,
    signer: DocumentSigner,
}

impl Analyser {
    /// An analyser for `params`.
    pub fn new(params: &ArchiveParams) -> Result<Analyser> {
        Ok(Analyser {
            params: params.clone(),
            signer: DocumentSigner::new(params.shingle, params.permutations, params.seed)?,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &ArchiveParams {
        &self.params
    }

    /// The sketch of `text`.
    pub fn sketch(&self, text: &str, scratch: &mut SignScratch) -> DocSketch {
        let k = self.params.permutations;
        let mut signature = vec![0u32; k];
        let has_words = self
            .signer
            .sign_keeping_words(text, scratch, &mut signature);
        let band_keys = if has_words {
            self.band_keys(&signature)
        } else {
            Vec::new()
        };
        DocSketch {
            band_keys,
            has_words,
            signature,
            sentences: self.sentences_from_words(text, scratch),
            content_hash: content_hash(text),
        }
    }

    /// The shingler (word n-grams under the archive's seed).
    pub fn shingler(&self) -> &crate::sketch::shingle::Shingler {
        self.signer.shingler()
    }

    /// The band keys of a text (empty without words), without the rest of
    /// its sketch.
    pub fn band_keys_of(&self, text: &str, scratch: &mut SignScratch) -> Vec<u64> {
        let mut signature = vec![0u32; self.params.permutations];
        if self.signer.sign(text, scratch, &mut signature) {
            self.band_keys(&signature)
        } else {
            Vec::new()
        }
    }

    /// The band keys of a signature.
    pub fn band_keys(&self, signature: &[u32]) -> Vec<u64> {
        let r = self.params.rows;
        (0..self.params.bands)
            .map(|b| band_hash(&signature[b * r..(b + 1) * r], b))
            .collect()
    }

    /// Sentence hashes of `text` (sentences of at least
    /// [`MIN_SENTENCE_WORDS`] words): the words of each sentence alone
    /// ([`for_each_word`] of its span), hashed with [`Shingler::token_hash`],
    /// the sequence hashed with XXH3-64 under the seed. The definition;
    /// [`Analyser::sketch`] computes the same values faster.
    ///
    /// [`Shingler::token_hash`]: crate::sketch::shingle::Shingler::token_hash
    pub fn sentences(&self, text: &str) -> Vec<SentenceHash> {
        let mut word = String::new();
        let mut bytes: Vec<u8> = Vec::new();
        let mut out = Vec::new();
        for span in split_sentences(text) {
            if let Some(s) = self.sentence_alone(text, span, &mut word, &mut bytes) {
                out.push(s);
            }
        }
        out
    }

    /// The hash of the sentence at `span`, tokenized on its own (`None`
    /// under [`MIN_SENTENCE_WORDS`] words).
    fn sentence_alone(
        &self,
        text: &str,
        span: Span,
        word: &mut String,
        bytes: &mut Vec<u8>,
    ) -> Option<SentenceHash> {
        let shingler = self.signer.shingler();
        bytes.clear();
        let mut words = 0usize;
        for_each_word(&text[span.start..span.end], word, |w| {
            words += 1;
            bytes.extend_from_slice(&shingler.token_hash(w).to_le_bytes());
        });
        (words >= MIN_SENTENCE_WORDS).then(|| SentenceHash {
            hash: xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.params.seed),
            start: span.start as u32,
            end: span.end as u32,
        })
    }

    /// [`Analyser::sentences`] from the words the signer kept in `scratch`
    /// ([`DocumentSigner::sign_keeping_words`] of the same `text`), without
    /// tokenizing again. A sentence's words are the whole text's words
    /// inside its span when the span is ASCII and no word crosses either of
    /// its ends (ASCII word segmentation looks at most one character past a
    /// word, and a word crossing an end is where the two differ: `again.No`
    /// is one word of the text and two of its sentences); any other
    /// sentence is tokenized alone, as the definition says. A property test
    /// compares the two on random text.
    pub fn sentences_from_words(&self, text: &str, scratch: &SignScratch) -> Vec<SentenceHash> {
        let spans = scratch.token_spans();
        let hashes = scratch.token_hashes_le();
        debug_assert_eq!(spans.len() * 8, hashes.len());
        let mut word = String::new();
        let mut bytes: Vec<u8> = Vec::new();
        let mut out = Vec::new();
        // Sentences come in order: the first word not ending before the
        // sentence's start moves forward only.
        let mut lo = 0;
        for span in split_sentences(text) {
            while lo < spans.len() && spans[lo].end <= span.start {
                lo += 1;
            }
            let mut hi = lo;
            while hi < spans.len() && spans[hi].end <= span.end {
                hi += 1;
            }
            let crosses_start = lo < spans.len() && spans[lo].start < span.start;
            let crosses_end = hi < spans.len() && spans[hi].start < span.end;
            if crosses_start || crosses_end || !text[span.start..span.end].is_ascii() {
                out.extend(self.sentence_alone(text, span, &mut word, &mut bytes));
                continue;
            }
            if hi - lo >= MIN_SENTENCE_WORDS {
                out.push(SentenceHash {
                    hash: xxhash_rust::xxh3::xxh3_64_with_seed(
                        &hashes[lo * 8..hi * 8],
                        self.params.seed,
                    ),
                    start: span.start as u32,
                    end: span.end as u32,
                });
            }
        }
        out
    }
}

/// XXH3-128 of a text (stable across machines).
pub fn content_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_equal_after_normalization_hash_alike() {
        let p = ArchiveParams::new(5, 64, 1, 0.8).unwrap();
        let a = Analyser::new(&p).unwrap();
        let x = a.sentences("The council met on Tuesday to discuss it. Short one.");
        let y = a.sentences(
            "Intro words here, many of them now. THE COUNCIL met on tuesday, to discuss it!",
        );
        assert_eq!(x.len(), 1, "the short sentence is not posted");
        assert_eq!(y.len(), 2);
        assert_eq!(x[0].hash, y[1].hash);
        assert_eq!((x[0].start, x[0].end), (0, 41));
    }

    /// `sketch`'s sentences (from the signer's words) against the
    /// definition (each sentence tokenized alone).
    fn check_sentences(text: &str) {
        let p = ArchiveParams::new(5, 64, 3, 0.8).unwrap();
        let a = Analyser::new(&p).unwrap();
        let mut s = SignScratch::default();
        let got = a.sketch(text, &mut s).sentences;
        assert_eq!(got, a.sentences(text), "{text:?}");
    }

    #[test]
    fn sentences_from_the_signers_words_equal_the_definition() {
        for text in [
            "He said it again.No one listened to him at all that day. Then more words came here.",
            "It rose 3.5 percent. The U.S. envoy said so on Monday to the press.",
            "Mr. Smith went to Washington on Jan. 5 and met the team there.\n\nA new paragraph starts here now.",
            "“Quoted words are here now,” he said. © 2017 The Outlet Name all rights reserved today.",
            "one two three four five",
            "",
            "Words_with_underscores and a:b pairs go here. 'Tis the season for many more words!",
        ] {
            check_sentences(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn sentences_from_words_on_ascii(
            text in "([A-Za-z0-9]{1,9}[ .,'_:;!?\n\\-]{1,2}){0,40}"
        ) {
            check_sentences(&text);
        }

        #[test]
        fn sentences_from_words_on_mixed_text(
            text in "([A-Za-zé0-9]{1,9}|[ .!?。;»«“”\n]|ทุก|中文|\u{301}){0,60}"
        ) {
            check_sentences(&text);
        }

        #[test]
        fn sentences_from_words_on_any_text(text in "\\PC{0,120}") {
            check_sentences(&text);
        }
    }

    #[test]
    fn band_keys_follow_the_signature() {
        let p = ArchiveParams::new(5, 128, 1, 0.8).unwrap();
        let a = Analyser::new(&p).unwrap();
        let mut s = SignScratch::default();
        let d = a.sketch("one two three four five six seven eight nine ten", &mut s);
        assert!(d.has_words);
        assert_eq!(d.band_keys.len(), p.bands);
        assert_eq!(d.band_keys, a.band_keys(&d.signature));
        let e = a.sketch("", &mut s);
        assert!(!e.has_words && e.band_keys.is_empty());
    }
}
