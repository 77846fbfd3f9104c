//! syndic: near-duplicate and source-overlap analysis.
//!
//! The library is a pipeline of folders in data-flow order; each uses only
//! the folders before it (a test keeps it so, see `DESIGN.md`):
//!
//! 1. [`error`] and [`util`]: the one error type, small shared kernels
//!    ([`Span`], union-find, LCS, atomic files).
//! 2. [`source`]: how documents come in (text files, directories, JSON
//!    Lines, Parquet, WARC/WET, standard input), checked once.
//! 3. [`text`]: normalization, words and sentences with byte spans.
//! 4. [`sketch`]: shingles, MinHash signatures, LSH.
//! 5. The analyses: [`align`] (passages between two documents), [`compare`]
//!    (shared sentences and passages across documents), [`dedup`] (crawl
//!    dedup, with [`dedup::synth`] and [`dedup::eval`]), [`index`] (the
//!    archive: documents seen before, queried later), [`pan`] (PAN corpora
//!    and plagdet). Each is a reusable object built from a validated config
//!    ([`compare::Comparer`], [`align::Aligner`], [`dedup::Deduper`]).
//! 6. [`report`]: every writer (text, JSON, PAN XML, dedup outputs); it
//!    computes nothing.
//!
//! ```
//! use syndic::compare::{CompareConfig, Comparer};
//! use syndic::source::InputDoc;
//!
//! let docs = vec![
//!     InputDoc::new("a", "a.txt", "The council met on Tuesday to discuss the budget for next year. It rained."),
//!     InputDoc::new("b", "b.txt", "Nothing else. The council met on Tuesday to discuss the budget for next year."),
//! ];
//! let comparer = Comparer::new(CompareConfig::default()).unwrap();
//! let result = comparer.compare(docs).unwrap();
//! assert_eq!(result.shared.len(), 1);
//! assert_eq!(result.shared[0].members[0].text, "The council met on Tuesday to discuss the budget for next year.");
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod util;

pub mod source;

pub mod text;

pub mod sketch;

pub mod align;
pub mod compare;
pub mod dedup;
pub mod index;
pub mod pan;

pub mod report;

pub use error::{Error, Position, Result};
pub use util::Span;

/// The default seed of every hash and signature.
pub const DEFAULT_SEED: u64 = 42;
