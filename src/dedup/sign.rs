//! The per-document work of the first pass: text → words → shingle hashes →
//! MinHash values, with reusable scratch buffers (no allocation per
//! document once they have grown).

use rayon::prelude::*;

use crate::error::Result;
use crate::sketch::minhash::{MinHashParams, MinHasher};
use crate::sketch::shingle::Shingler;
use crate::source::RecordBatch;
use crate::text::for_each_word_span;
use crate::util::Span;

/// Turns a document's text into its MinHash values: the words of
/// [`crate::text::Tokens`], word `shingle`-grams hashed by [`Shingler`],
/// one-permutation MinHash by [`MinHasher`]. Shared by every thread; each
/// thread brings its own [`SignScratch`].
#[derive(Debug, Clone)]
pub struct DocumentSigner {
    shingler: Shingler,
    hasher: MinHasher,
}

/// Buffers one thread reuses from document to document.
#[derive(Debug, Clone, Default)]
pub struct SignScratch {
    word: String,
    /// Token hashes as little-endian bytes, 8 per token.
    tokens: Vec<u8>,
    /// The tokens' byte spans ([`DocumentSigner::sign_keeping_words`]
    /// only).
    spans: Vec<Span>,
}

impl SignScratch {
    /// The token hashes of the last text signed, as little-endian bytes (8
    /// per word, in order): [`Shingler::token_hash`] of each word.
    pub fn token_hashes_le(&self) -> &[u8] {
        &self.tokens
    }

    /// The byte spans of the words of the last text signed by
    /// [`DocumentSigner::sign_keeping_words`] (one per 8 bytes of
    /// [`SignScratch::token_hashes_le`]).
    pub fn token_spans(&self) -> &[Span] {
        &self.spans
    }
}

impl DocumentSigner {
    /// A signer for word `shingle`-grams and `permutations` values under
    /// `seed`; the same parameter checks as [`Shingler::new`] and
    /// [`MinHasher::new`].
    pub fn new(shingle: usize, permutations: usize, seed: u64) -> Result<DocumentSigner> {
        Ok(DocumentSigner {
            shingler: Shingler::new(shingle, seed)?,
            hasher: MinHasher::new(MinHashParams {
                permutations,
                seed,
                shingle_size: shingle,
            })?,
        })
    }

    /// The shingler.
    pub fn shingler(&self) -> &Shingler {
        &self.shingler
    }

    /// The MinHash parameters.
    pub fn params(&self) -> &MinHashParams {
        self.hasher.params()
    }

    /// Writes the signature of `text` into `values` (one per permutation);
    /// the same values as [`MinHasher::signature`] of the text's shingle
    /// set. Returns false if the text has no word (then every value is
    /// `u32::MAX`).
    pub fn sign(&self, text: &str, scratch: &mut SignScratch, values: &mut [u32]) -> bool {
        self.sign_words::<false>(text, scratch, values)
    }

    /// [`DocumentSigner::sign`], keeping each word's hash and byte span in
    /// `scratch` ([`SignScratch::token_hashes_le`],
    /// [`SignScratch::token_spans`]) for a caller that needs the words
    /// again (the archive hashes sentences from them: one tokenization).
    pub fn sign_keeping_words(
        &self,
        text: &str,
        scratch: &mut SignScratch,
        values: &mut [u32],
    ) -> bool {
        self.sign_words::<true>(text, scratch, values)
    }

    /// Signs the texts of `batch` in parallel, as [`DocumentSigner::sign`]:
    /// record `i`'s values go to `values[i * permutations..]` and whether
    /// it has no word to `empty[i]`. Both buffers are reused from batch to
    /// batch.
    pub fn sign_batch(&self, batch: &RecordBatch, values: &mut Vec<u32>, empty: &mut Vec<bool>) {
        let k = self.params().permutations;
        values.clear();
        values.resize(batch.len() * k, 0);
        empty.clear();
        empty.resize(batch.len(), false);
        values
            .par_chunks_mut(k)
            .zip(empty.par_iter_mut())
            .enumerate()
            .for_each_init(SignScratch::default, |scratch, (i, (row, e))| {
                *e = !self.sign(batch.text(i), scratch, row);
            });
    }

    /// The body of [`DocumentSigner::sign`] and
    /// [`DocumentSigner::sign_keeping_words`]: `KEEP_SPANS` says whether
    /// the words' byte spans are kept (a constant, so that `sign` compiles
    /// to a loop without them).
    #[inline]
    fn sign_words<const KEEP_SPANS: bool>(
        &self,
        text: &str,
        scratch: &mut SignScratch,
        values: &mut [u32],
    ) -> bool {
        let SignScratch {
            word,
            tokens,
            spans,
        } = scratch;
        tokens.clear();
        spans.clear();
        for_each_word_span(text, word, |span, w| {
            tokens.extend_from_slice(&self.shingler.token_hash(w).to_le_bytes());
            if KEEP_SPANS {
                spans.push(span);
            }
        });
        // Shingles go straight into the bins (duplicates are harmless to
        // a minimum): no shingle vector, no set.
        self.hasher
            .sign_iter(self.shingler.shingles_le(tokens), values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Tokens;

    #[test]
    fn same_values_as_the_signature_of_the_shingle_set() {
        let signer = DocumentSigner::new(5, 64, 9).unwrap();
        let mut scratch = SignScratch::default();
        for text in [
            "The council met on Tuesday to discuss the budget for next year.",
            "“Don’t” — said the U.S. envoy, ﬁnally; 20% of 3.5 ÉLAN",
            "two words",
            "",
        ] {
            let s = signer.shingler();
            let set = s.shingle_set(&s.token_hashes(&Tokens::new(text)));
            let want = MinHasher::new(*signer.params()).unwrap().signature(&set);
            let mut got = vec![0u32; 64];
            let nonempty = signer.sign(text, &mut scratch, &mut got);
            assert_eq!(nonempty, !want.is_empty(), "{text}");
            assert_eq!(got, want.values(), "{text}");
            let mut kept = vec![0u32; 64];
            let nonempty = signer.sign_keeping_words(text, &mut scratch, &mut kept);
            assert_eq!(nonempty, !want.is_empty(), "{text}");
            assert_eq!(kept, want.values(), "{text}");
            let tokens = Tokens::new(text);
            assert_eq!(scratch.token_spans(), tokens.spans(), "{text}");
            let hashes: Vec<u8> = s
                .token_hashes(&tokens)
                .iter()
                .flat_map(|h| h.to_le_bytes())
                .collect();
            assert_eq!(scratch.token_hashes_le(), hashes, "{text}");
        }
    }
}
