//! Sketches: word n-gram shingles hashed to stable 64-bit values, MinHash
//! signatures of shingle sets, and LSH banding over signatures.
//!
//! In: normalized word tokens (from [`crate::text`]). Out: sorted shingle
//! hash sets, [`minhash::Signature`]s (or [`minhash::SignatureRows`] for many
//! with one set of parameters) and candidate pairs from [`lsh`]. Every hash
//! that reaches an output is XXH3 under the seed, the same on every machine.

pub mod lsh;
pub mod minhash;
pub mod shingle;
