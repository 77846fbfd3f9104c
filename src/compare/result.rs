//! What the comparer finds, in report form: the types the report writers
//! print (field names are the JSON report's, see `docs/report.md`).

use crate::align::Passage;
use crate::sketch::lsh::LshParams;
use crate::source::EncodingInfo;
use crate::text::Language;

/// Kind of a shared group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Equal after normalization.
    Verbatim,
    /// Similar above the threshold (trimmed, a few words changed).
    Near,
    /// Page furniture repeated across documents.
    Boilerplate,
}

impl Kind {
    /// Lower-case name as in the JSON report.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Verbatim => "verbatim",
            Kind::Near => "near",
            Kind::Boilerplate => "boilerplate",
        }
    }
}

/// Per-document summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocumentSummary {
    /// Document id (file stem).
    pub id: String,
    /// Path as given.
    pub path: String,
    /// Size of the file in bytes.
    pub bytes: usize,
    /// The encoding the file was read as.
    pub encoding: EncodingInfo,
    /// The language whose stemmer and stopwords were used.
    pub language: Language,
    /// Word tokens.
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Sentences in a verbatim or near group.
    pub shared_sentences: usize,
    /// Sentences in a boilerplate group.
    pub boilerplate_sentences: usize,
    /// Share of the document's sentence bytes in verbatim or near groups.
    pub shared_fraction: f64,
    /// Words inside a passage shared with any other document.
    pub reused_words: usize,
    /// `reused_words / words`: the share of the text found in another
    /// document.
    pub reused_fraction: f64,
    /// For each other document sharing passages with this one, the share of
    /// this document's words found there; most first.
    pub found_in: Vec<Overlap>,
    /// The spans found in no other document: what this document adds.
    pub own: Vec<OwnSpan>,
}

/// How much of one document is found in another.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overlap {
    /// The other document's id.
    pub doc: String,
    /// Words of this document inside passages shared with it.
    pub words: usize,
    /// The same as a share of this document's words.
    pub fraction: f64,
}

/// A span of a document that no other document shares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwnSpan {
    /// 1-based line of the start.
    pub line: usize,
    /// Byte offset of the first word in the file.
    pub start: usize,
    /// Byte offset one past the last word.
    pub end: usize,
    /// Words in the span.
    pub words: usize,
    /// The file's bytes `start..end`, decoded (exactly those bytes for a
    /// UTF-8 file).
    pub text: String,
}

/// Similarity of one pair of documents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairStats {
    /// Id of the first document.
    pub a: String,
    /// Id of the second document.
    pub b: String,
    /// Exact Jaccard of the document shingle sets.
    pub jaccard: f64,
    /// MinHash estimate of the same.
    pub jaccard_estimate: f64,
    /// `|A ∩ B| / |A|`.
    pub containment_a_in_b: f64,
    /// `|A ∩ B| / |B|`.
    pub containment_b_in_a: f64,
    /// Verbatim or near groups with members in both documents.
    pub shared_sentences: usize,
}

/// One occurrence of a shared sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Member {
    /// Document id.
    pub doc: String,
    /// 1-based line of the sentence start.
    pub line: usize,
    /// Byte offset of the sentence start in the file.
    pub start: usize,
    /// Byte offset one past the sentence end.
    pub end: usize,
    /// The file's bytes `start..end`, decoded (exactly those bytes for a
    /// UTF-8 file).
    pub text: String,
}

/// Sentences shared across documents.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SharedGroup {
    /// What kind of sharing this is.
    pub kind: Kind,
    /// Lowest word-alignment similarity `2·LCS/(|a|+|b|)` over the verified
    /// pairs that joined the group (1 for verbatim).
    pub similarity: f64,
    /// Lowest share of the shorter sentence covered by the alignment, over
    /// the same pairs (1 for verbatim).
    pub containment: f64,
    /// Expected number of chance matches as good as the first two members'
    /// (see [`crate::align::Background`]): far below 1, chance cannot
    /// explain the sharing.
    pub rarity: f64,
    /// Number of distinct documents.
    pub documents: usize,
    /// Occurrences, by document order then position.
    pub members: Vec<Member>,
}

/// Parameters in force, as reported.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Params {
    /// MinHash scheme.
    pub scheme: &'static str,
    /// Permutations.
    pub permutations: usize,
    /// Seed.
    pub seed: u64,
    /// Document shingle size.
    pub document_shingle: usize,
    /// Sentence shingle size.
    pub sentence_shingle: usize,
    /// Near-duplicate threshold.
    pub threshold: f64,
    /// Containment for trimmed sentences.
    pub containment: f64,
    /// Sentences with fewer words are fragments.
    pub min_words: usize,
    /// Aligned content words a near pair needs.
    pub min_content_words: usize,
    /// Shared sentence shingles a near pair needs.
    pub min_shared_shingles: usize,
    /// Share of the documents that makes a sentence boilerplate.
    pub boilerplate_docs: f64,
    /// Every document pair is listed up to this many documents.
    pub all_pairs_limit: usize,
    /// LSH banding used for sentences.
    pub sentence_lsh: LshParams,
}

/// An input that could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The path.
    pub path: String,
    /// Why.
    pub error: String,
}

impl From<&crate::error::Error> for Skipped {
    /// The input `e` names (empty if it names none) and its message.
    fn from(e: &crate::error::Error) -> Skipped {
        Skipped {
            path: e
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            error: e.to_string(),
        }
    }
}

/// The result of [`Comparer::compare`](super::Comparer::compare).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Comparison {
    /// Parameters in force.
    pub params: Params,
    /// Documents in input order.
    pub documents: Vec<DocumentSummary>,
    /// Document pairs (see the module docs for which).
    pub pairs: Vec<PairStats>,
    /// Shared sentence groups: verbatim, then near, then boilerplate.
    pub shared: Vec<SharedGroup>,
    /// Passages reused between documents, by document pair then position.
    pub passages: Vec<Passage>,
    /// Inputs that were skipped (filled in by the caller that loaded them).
    pub skipped: Vec<Skipped>,
}
