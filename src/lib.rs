//! syndic: near-duplicate and source-overlap analysis.
//!
//! The pipeline, one module per stage:
//! [`text`] (normalize, tokens, sentences with byte spans) →
//! [`shingle`] (stable seeded word n-gram hashes) →
//! [`minhash`] (parallel one-permutation MinHash signatures) →
//! [`lsh`] (banding with parameters chosen from a threshold) →
//! [`compare`] (verified candidates, shared sentences, document pairs) →
//! [`report`] (text and JSON writers).
//!
//! Crawl-scale near-duplicate detection (`syndic dedup`): [`records`]
//! (streamed JSON Lines, Parquet, WARC/WET, text) → [`dedup`] (signatures,
//! recall-first LSH, verification, clusters); [`synth`] and [`eval`] make and
//! score a synthetic crawl.
//!
//! ```
//! use syndic::compare::{compare, CompareConfig, InputDoc};
//!
//! let docs = vec![
//!     InputDoc::new("a", "a.txt", "The council met on Tuesday to discuss the budget for next year. It rained."),
//!     InputDoc::new("b", "b.txt", "Nothing else. The council met on Tuesday to discuss the budget for next year."),
//! ];
//! let result = compare(docs, &CompareConfig::default()).unwrap();
//! assert_eq!(result.shared.len(), 1);
//! assert_eq!(result.shared[0].members[0].text, "The council met on Tuesday to discuss the budget for next year.");
//! ```
#![deny(missing_docs)]

pub mod align;
pub mod cli;
pub mod compare;
pub mod error;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod pan;
pub mod report;
pub mod shingle;
pub mod text;

// --- crawl-scale dedup (issue 4) ---
pub mod dedup;
pub mod eval;
pub mod records;
pub mod synth;

pub use error::{Error, Result};
pub use text::Span;
