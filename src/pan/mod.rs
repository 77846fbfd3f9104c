//! PAN text-alignment corpora: the `pairs` file, the documents, detection
//! XML in, and the plagdet score ([`plagdet`]).
//!
//! In: a pairs file and two directories of documents (or truth and
//! detection XML). Out: [`Annotation`]s per pair and a [`plagdet::Score`];
//! [`crate::report`] writes detection XML and scores.
//!
//! PAN offsets and lengths count Unicode characters, not bytes; the aligner's
//! [`crate::align::Side::chars`] gives them.

mod corpus;
pub mod plagdet;
mod xml;

pub use corpus::{detect, read_pairs, run, Pair, RunPaths, RunSummary, Sink};
pub use xml::read_xml;

/// One plagiarism case or detection, in characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Annotation {
    /// The suspicious document's file name.
    pub this_reference: String,
    /// First character in the suspicious document.
    pub this_offset: usize,
    /// Length in characters in the suspicious document.
    pub this_length: usize,
    /// The source document's file name.
    pub source_reference: String,
    /// First character in the source document.
    pub source_offset: usize,
    /// Length in characters in the source document.
    pub source_length: usize,
}
