//! The comparer: shared sentences across documents and pairwise document
//! similarity, without all-pairs work.
//!
//! # Shared sentences
//! 1. Every document is tokenized and split into sentences ([`crate::text`]).
//! 2. Sentences equal after normalization form one *class* (found by hashing,
//!    exact); a class present in two or more documents is a `verbatim` group.
//! 3. Each class gets word-bigram shingles (bigrams of stopwords only are
//!    dropped) and a MinHash signature (in parallel); LSH over the signatures,
//!    at 0.4 × the threshold because alignment similarity runs well above
//!    bigram Jaccard, proposes candidate pairs of classes from different
//!    documents.
//! 4. Every candidate is verified exactly: the two must share at least
//!    [`CompareConfig::min_shared_shingles`] bigrams; then the words are
//!    aligned (longest common subsequence) and the pair is `near` if the
//!    alignment similarity `2·LCS/(|a|+|b|)` reaches
//!    [`CompareConfig::threshold`] or the alignment covers
//!    [`CompareConfig::containment`] of the shorter sentence (a trimmed
//!    copy), *and* at least [`CompareConfig::min_content_words`] aligned words
//!    are content words, neither stopwords nor capitalised name words. The last
//!    rule is what keeps "Secretary of State Rex Tillerson" or "Syrian
//!    President Bashar al-Assad" from counting as shared text.
//! 5. Verified pairs are joined with union-find into groups; a sentence reused
//!    by three articles is one group with three members.
//! 6. A group is `boilerplate` (page furniture) when its text is a fragment
//!    (fewer than [`CompareConfig::min_words`] words or too few content words,
//!    like "Adjust Comment Print") or when it appears in so many documents
//!    that it cannot be reuse of one source ([`CompareConfig::boilerplate_docs`]).
//!
//! # Document pairs
//! Exact Jaccard and containment of word 5-gram shingle sets, the MinHash
//! estimate, and the number of shared (non-boilerplate) sentence groups. With
//! up to [`CompareConfig::all_pairs_limit`] documents every pair is reported;
//! above that, only pairs that share a sentence group, or that LSH over
//! document signatures proposes and whose exact Jaccard reaches the threshold
//! (or whose containment reaches the containment threshold).

use std::collections::{BTreeMap, BTreeSet};

use ahash::AHashMap;
use rayon::prelude::*;

use crate::align::{self, AlignConfig, AlignDoc, Edit, PassagePair};
use crate::error::{Error, Result};
use crate::lsh::{LshIndex, LshParams};
use crate::minhash::{MinHashParams, MinHasher, Signature, SCHEME};
use crate::shingle::{self, Shingler};
use crate::text::{is_stopword, Analyzed, LineIndex, Span};

pub use crate::input::InputDoc;

/// Configuration of [`compare`].
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
            permutations: crate::minhash::DEFAULT_PERMUTATIONS,
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
const LSH_SHARE: f64 = 0.4;

/// Default seed.
pub const DEFAULT_SEED: u64 = 42;

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
    /// Size in bytes.
    pub bytes: usize,
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
    /// Byte offset of the first word.
    pub start: usize,
    /// Byte offset one past the last word.
    pub end: usize,
    /// Words in the span.
    pub words: usize,
    /// Exactly the bytes `start..end`.
    pub text: String,
}

/// One side of a reused passage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PassageSide {
    /// Document id.
    pub doc: String,
    /// 1-based line of the start.
    pub line: usize,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Character (Unicode scalar value) offset of the start.
    pub char_start: usize,
    /// Character offset one past the end.
    pub char_end: usize,
    /// Words in the passage.
    pub words: usize,
    /// Exactly the bytes `start..end` of the document.
    pub text: String,
}

/// A passage reused between two documents: aligned spans on both sides,
/// possibly crossing sentence boundaries (see [`crate::align`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Passage {
    /// How the passage was edited.
    pub edit: Edit,
    /// tf·isf cosine of the two sides' stemmed content words.
    pub similarity: f64,
    /// `2·LCS/(|a|+|b|)` of the two sides' normalized words.
    pub sequence: f64,
    /// The span in the first document of the pair.
    pub a: PassageSide,
    /// The span in the second.
    pub b: PassageSide,
}

impl Passage {
    /// Builds the report form of an aligned passage pair.
    pub fn new(
        p: &PassagePair,
        (id_a, text_a, lines_a): (&str, &str, &LineIndex),
        (id_b, text_b, lines_b): (&str, &str, &LineIndex),
    ) -> Passage {
        let side = |s: &crate::align::Side, id: &str, text: &str, lines: &LineIndex| PassageSide {
            doc: id.to_string(),
            line: lines.line(s.span.start),
            start: s.span.start,
            end: s.span.end,
            char_start: s.chars.start,
            char_end: s.chars.end,
            words: s.words.len(),
            text: s.span.slice(text).to_string(),
        };
        Passage {
            edit: p.edit,
            similarity: p.similarity,
            sequence: p.sequence,
            a: side(&p.a, id_a, text_a, lines_a),
            b: side(&p.b, id_b, text_b, lines_b),
        }
    }
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
    /// Exactly the bytes `start..end` of the file.
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

/// The result of [`compare`].
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

/// Per-document analysis.
struct DocAnalysis {
    analyzed: Analyzed,
    token_hashes: Vec<u64>,
    /// Per token: is it a content word (not a stopword, not a capitalised
    /// word inside a sentence)?
    content: Vec<bool>,
    /// Per token: is it a stopword?
    stop: Vec<bool>,
    shingles: Vec<u64>,
    lines: LineIndex,
}

/// A distinct normalized sentence and where it occurs.
struct Class {
    /// (document, sentence index) of every occurrence, in order.
    members: Vec<(u32, u32)>,
    /// Shingle set (sorted).
    shingles: Vec<u64>,
    /// Token hashes of the sentence, in order.
    tokens: Vec<u64>,
    /// Per token: is it a content word?
    content: Vec<bool>,
    /// Number of words.
    words: usize,
    /// Too short or too empty to be reuse.
    fragment: bool,
    /// The single document it occurs in, if only one.
    single_doc: Option<u32>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn validate(config: &CompareConfig) -> Result<()> {
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
    Shingler::new(config.sentence_shingle, config.seed)?;
    MinHasher::new(MinHashParams {
        permutations: config.permutations,
        seed: config.seed,
        shingle_size: config.sentence_shingle,
    })?;
    Ok(())
}

/// Compares documents: shared sentences and pairwise similarity. The result
/// depends only on the documents and the configuration, never on the number of
/// threads.
pub fn compare(docs: Vec<InputDoc>, config: &CompareConfig) -> Result<Comparison> {
    validate(config)?;
    if docs.is_empty() {
        return Err(Error::NothingToAnalyse);
    }
    let doc_shingler = Shingler::new(config.document_shingle, config.seed)?;
    let sent_shingler = Shingler::new(config.sentence_shingle, config.seed)?;
    let doc_hasher = MinHasher::new(MinHashParams {
        permutations: config.permutations,
        seed: config.seed,
        shingle_size: config.document_shingle,
    })?;
    let sent_hasher = MinHasher::new(MinHashParams {
        permutations: config.permutations,
        seed: config.seed,
        shingle_size: config.sentence_shingle,
    })?;

    // 1. Analyse documents in parallel.
    let analyses: Vec<DocAnalysis> = docs
        .par_iter()
        .map(|d| analyse(&d.text, &doc_shingler))
        .collect();
    let doc_sigs: Vec<Signature> =
        doc_hasher.signatures(&analyses.iter().map(|a| &a.shingles[..]).collect::<Vec<_>>());

    // 2. Classes of equal normalized sentences.
    let classes = build_classes(&analyses, config, &sent_shingler);

    // 3. Sentence signatures and LSH over non-fragment classes.
    let sent_lsh =
        LshParams::for_threshold(config.threshold * LSH_SHARE, config.permutations, 0.5, 0.5)?;
    let eligible: Vec<u32> = (0..classes.len() as u32)
        .filter(|&c| !classes[c as usize].fragment)
        .collect();
    let sigs: Vec<Signature> = eligible
        .par_iter()
        .map(|&c| sent_hasher.signature(&classes[c as usize].shingles))
        .collect();
    let mut index = LshIndex::new(sent_lsh);
    index.insert_all(&sigs)?;
    drop(sigs);
    let candidates = index.candidates(|a, b| {
        let (ca, cb) = (
            &classes[eligible[a as usize] as usize],
            &classes[eligible[b as usize] as usize],
        );
        !(ca.single_doc.is_some() && ca.single_doc == cb.single_doc)
    });

    // 4. Verify candidates exactly (in parallel, order preserved).
    let edges: Vec<(u32, u32, (f64, f64))> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let (ia, ib) = (eligible[a as usize], eligible[b as usize]);
            verify(&classes[ia as usize], &classes[ib as usize], config).map(|s| (ia, ib, s))
        })
        .collect();

    // 5. Union-find into groups.
    let mut uf = UnionFind::new(classes.len());
    for &(a, b, _) in &edges {
        uf.union(a as usize, b as usize);
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in 0..classes.len() {
        components.entry(uf.find(c)).or_default().push(c);
    }
    let mut min_sim: AHashMap<usize, (f64, f64)> = AHashMap::new();
    for &(a, _, (j, c)) in &edges {
        let root = uf.find(a as usize);
        let e = min_sim.entry(root).or_insert((1.0, 1.0));
        *e = (e.0.min(j), e.1.min(c));
    }

    let ndocs = docs.len();
    // (The small epsilon keeps 0.3 × 10 = 3.0000000000000004 from rounding up.)
    let boilerplate_min = ((config.boilerplate_docs * ndocs as f64 - 1e-9).ceil() as usize).max(4);
    let mut groups: Vec<RawGroup> = Vec::new();
    for (root, members_classes) in &components {
        let mut members: Vec<(u32, u32)> = members_classes
            .iter()
            .flat_map(|&c| classes[c].members.iter().copied())
            .collect();
        members.sort_unstable();
        let distinct_docs = members.iter().map(|m| m.0).collect::<BTreeSet<_>>().len();
        if distinct_docs < 2 {
            continue;
        }
        let all_fragments = members_classes.iter().all(|&c| classes[c].fragment);
        let kind = if all_fragments || distinct_docs >= boilerplate_min {
            Kind::Boilerplate
        } else if members_classes.len() == 1 {
            Kind::Verbatim
        } else {
            Kind::Near
        };
        let sim = if members_classes.len() == 1 {
            (1.0, 1.0)
        } else {
            min_sim.get(root).copied().unwrap_or((1.0, 1.0))
        };
        groups.push(RawGroup {
            kind,
            similarity: sim.0,
            containment: sim.1,
            members,
        });
    }
    groups.sort_by(|x, y| {
        x.kind
            .cmp(&y.kind)
            .then_with(|| x.members.len().cmp(&y.members.len()).reverse())
            .then_with(|| x.members.cmp(&y.members))
    });
    drop(classes);

    // Per-document and per-pair counts.
    let mut shared_flag: Vec<Vec<Option<Kind>>> = analyses
        .iter()
        .map(|a| vec![None; a.analyzed.sentences.len()])
        .collect();
    let mut pair_shared: AHashMap<(u32, u32), usize> = AHashMap::new();
    for g in &groups {
        for &(d, s) in &g.members {
            shared_flag[d as usize][s as usize] = Some(g.kind);
        }
        if g.kind == Kind::Boilerplate {
            continue;
        }
        let group_docs: BTreeSet<u32> = g.members.iter().map(|m| m.0).collect();
        let group_docs: Vec<u32> = group_docs.into_iter().collect();
        for (i, &a) in group_docs.iter().enumerate() {
            for &b in &group_docs[i + 1..] {
                *pair_shared.entry((a, b)).or_default() += 1;
            }
        }
    }

    let mut documents: Vec<DocumentSummary> = docs
        .iter()
        .zip(&analyses)
        .zip(&shared_flag)
        .map(|((d, a), flags)| {
            let sentences = &a.analyzed.sentences;
            let total: usize = sentences.iter().map(|s| s.span.len()).sum();
            let shared_bytes: usize = sentences
                .iter()
                .zip(flags)
                .filter(|(_, f)| matches!(f, Some(Kind::Verbatim | Kind::Near)))
                .map(|(s, _)| s.span.len())
                .sum();
            DocumentSummary {
                id: d.id.clone(),
                path: d.path.clone(),
                bytes: d.text.len(),
                words: a.analyzed.tokens.len(),
                sentences: sentences.len(),
                shared_sentences: flags
                    .iter()
                    .filter(|f| matches!(f, Some(Kind::Verbatim | Kind::Near)))
                    .count(),
                boilerplate_sentences: flags
                    .iter()
                    .filter(|f| **f == Some(Kind::Boilerplate))
                    .count(),
                shared_fraction: if total == 0 {
                    0.0
                } else {
                    round4(shared_bytes as f64 / total as f64)
                },
                reused_words: 0,
                reused_fraction: 0.0,
                found_in: Vec::new(),
                own: Vec::new(),
            }
        })
        .collect();

    // Document pairs.
    let pair_list: Vec<(u32, u32)> = if ndocs <= config.all_pairs_limit {
        (0..ndocs as u32)
            .flat_map(|a| (a + 1..ndocs as u32).map(move |b| (a, b)))
            .collect()
    } else {
        let params = LshParams::for_threshold(config.threshold, config.permutations, 0.5, 0.5)?;
        let mut idx = LshIndex::new(params);
        idx.insert_all(&doc_sigs)?;
        let candidates = idx.candidates(|_, _| true);
        // LSH proposes; the exact similarity decides.
        let mut list: Vec<(u32, u32)> = candidates
            .into_par_iter()
            .filter(|&(a, b)| {
                let (sa, sb) = (
                    &analyses[a as usize].shingles,
                    &analyses[b as usize].shingles,
                );
                shingle::jaccard(sa, sb) >= config.threshold
                    || shingle::containment(sa, sb).max(shingle::containment(sb, sa))
                        >= config.containment
            })
            .collect();
        list.extend(pair_shared.keys().copied());
        list.sort_unstable();
        list.dedup();
        list
    };
    let pairs: Vec<PairStats> = pair_list
        .par_iter()
        .map(|&(a, b)| -> Result<PairStats> {
            let (sa, sb) = (
                &analyses[a as usize].shingles,
                &analyses[b as usize].shingles,
            );
            Ok(PairStats {
                a: docs[a as usize].id.clone(),
                b: docs[b as usize].id.clone(),
                jaccard: round4(shingle::jaccard(sa, sb)),
                jaccard_estimate: round4(doc_sigs[a as usize].jaccard(&doc_sigs[b as usize])?),
                containment_a_in_b: round4(shingle::containment(sa, sb)),
                containment_b_in_a: round4(shingle::containment(sb, sa)),
                shared_sentences: pair_shared.get(&(a, b)).copied().unwrap_or(0),
            })
        })
        .collect::<Result<_>>()?;

    // Passages, for every reported pair of documents.
    let align_config = AlignConfig {
        seed: config.seed,
        ..config.align.clone()
    };
    let align_docs: Vec<AlignDoc> = docs
        .par_iter()
        .zip(&analyses)
        .map(|(d, a)| AlignDoc::from_analyzed(&d.text, a.analyzed.clone(), &align_config))
        .collect();
    let aligned: Vec<((u32, u32), Vec<PassagePair>)> = pair_list
        .par_iter()
        .map(|&(a, b)| {
            let ps = align::align(
                &align_docs[a as usize],
                &align_docs[b as usize],
                &align_config,
            );
            ((a, b), ps)
        })
        .collect();
    source_overlap(&mut documents, &docs, &analyses, &aligned);
    let passages: Vec<Passage> = aligned
        .iter()
        .flat_map(|&((a, b), ref ps)| {
            let (da, db) = (&docs[a as usize], &docs[b as usize]);
            let (la, lb) = (&analyses[a as usize].lines, &analyses[b as usize].lines);
            ps.iter()
                .map(move |p| Passage::new(p, (&da.id, &da.text, la), (&db.id, &db.text, lb)))
        })
        .collect();

    let shared = groups
        .into_iter()
        .map(|g| {
            let distinct = g.members.iter().map(|m| m.0).collect::<BTreeSet<_>>().len();
            SharedGroup {
                kind: g.kind,
                similarity: round4(g.similarity),
                containment: round4(g.containment),
                documents: distinct,
                members: g
                    .members
                    .into_iter()
                    .map(|(d, s)| {
                        let a = &analyses[d as usize];
                        let span: Span = a.analyzed.sentences[s as usize].span;
                        Member {
                            doc: docs[d as usize].id.clone(),
                            line: a.lines.line(span.start),
                            start: span.start,
                            end: span.end,
                            text: span.slice(&docs[d as usize].text).to_owned(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();

    Ok(Comparison {
        params: Params {
            scheme: SCHEME,
            permutations: config.permutations,
            seed: config.seed,
            document_shingle: config.document_shingle,
            sentence_shingle: config.sentence_shingle,
            threshold: config.threshold,
            containment: config.containment,
            min_words: config.min_words,
            min_content_words: config.min_content_words,
            min_shared_shingles: config.min_shared_shingles,
            boilerplate_docs: config.boilerplate_docs,
            all_pairs_limit: config.all_pairs_limit,
            sentence_lsh: sent_lsh,
        },
        documents,
        pairs,
        shared,
        passages,
        skipped: Vec::new(),
    })
}

/// One document of an [`Alignment`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlignedDocument {
    /// Document id.
    pub id: String,
    /// Path as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Size in characters.
    pub chars: usize,
    /// Word tokens.
    pub words: usize,
    /// Words inside a passage found in the other document.
    pub reused_words: usize,
    /// `reused_words / words`.
    pub reused_fraction: f64,
}

/// The passages two documents share: the result of [`align_documents`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alignment {
    /// The first document (`a` in every passage).
    pub a: AlignedDocument,
    /// The second document (`b`).
    pub b: AlignedDocument,
    /// Passages, by position in the first document.
    pub passages: Vec<Passage>,
}

/// Aligns two documents: every passage they share, with offsets on both
/// sides and how it was edited.
pub fn align_documents(a: &InputDoc, b: &InputDoc, config: &AlignConfig) -> Result<Alignment> {
    config.validate()?;
    let (da, db) = rayon::join(
        || AlignDoc::new(&a.text, config),
        || AlignDoc::new(&b.text, config),
    );
    let pairs = align::align(&da, &db, config);
    let (la, lb) = (LineIndex::new(&a.text), LineIndex::new(&b.text));
    let passages: Vec<Passage> = pairs
        .iter()
        .map(|p| Passage::new(p, (&a.id, &a.text, &la), (&b.id, &b.text, &lb)))
        .collect();
    let summary = |d: &InputDoc, ad: &AlignDoc, ranges: Vec<std::ops::Range<usize>>| {
        let words = ad.tokens().len();
        let reused: usize = merge_ranges(ranges).iter().map(|r| r.len()).sum();
        AlignedDocument {
            id: d.id.clone(),
            path: d.path.clone(),
            bytes: d.text.len(),
            chars: ad.char_index().char_offset(d.text.len()),
            words,
            reused_words: reused,
            reused_fraction: if words == 0 {
                0.0
            } else {
                round4(reused as f64 / words as f64)
            },
        }
    };
    Ok(Alignment {
        a: summary(a, &da, pairs.iter().map(|p| p.a.words.clone()).collect()),
        b: summary(b, &db, pairs.iter().map(|p| p.b.words.clone()).collect()),
        passages,
    })
}

/// Fills in each document's reused share, where it was found and what it
/// adds, from the aligned passages.
fn source_overlap(
    documents: &mut [DocumentSummary],
    docs: &[InputDoc],
    analyses: &[DocAnalysis],
    aligned: &[((u32, u32), Vec<PassagePair>)],
) {
    let mut cover: Vec<Vec<(u32, std::ops::Range<usize>)>> = vec![Vec::new(); docs.len()];
    for &((a, b), ref ps) in aligned {
        for p in ps {
            cover[a as usize].push((b, p.a.words.clone()));
            cover[b as usize].push((a, p.b.words.clone()));
        }
    }
    for (d, ranges) in cover.iter_mut().enumerate() {
        let tokens = &analyses[d].analyzed.tokens;
        let words = tokens.len();
        let share = |n: usize| {
            if words == 0 {
                0.0
            } else {
                round4(n as f64 / words as f64)
            }
        };
        ranges.sort_by_key(|(o, r)| (*o, r.start, r.end));
        // Per other document.
        let mut found_in: Vec<Overlap> = Vec::new();
        for chunk in ranges.chunk_by(|x, y| x.0 == y.0) {
            let merged = merge_ranges(chunk.iter().map(|(_, r)| r.clone()).collect());
            let n: usize = merged.iter().map(|r| r.len()).sum();
            found_in.push(Overlap {
                doc: docs[chunk[0].0 as usize].id.clone(),
                words: n,
                fraction: share(n),
            });
        }
        found_in.sort_by_key(|o| std::cmp::Reverse(o.words));
        // Any other document, and the complement: what this one adds.
        let merged = merge_ranges(ranges.iter().map(|(_, r)| r.clone()).collect());
        let reused: usize = merged.iter().map(|r| r.len()).sum();
        let mut own = Vec::new();
        let mut next = 0;
        for r in merged.iter().cloned().chain(std::iter::once(words..words)) {
            if r.start > next {
                let span = Span::new(tokens.span(next).start, tokens.span(r.start - 1).end);
                own.push(OwnSpan {
                    line: analyses[d].lines.line(span.start),
                    start: span.start,
                    end: span.end,
                    words: r.start - next,
                    text: span.slice(&docs[d].text).to_string(),
                });
            }
            next = next.max(r.end);
        }
        let doc = &mut documents[d];
        doc.reused_words = reused;
        doc.reused_fraction = share(reused);
        doc.found_in = found_in;
        doc.own = own;
    }
}

/// Sorts and merges overlapping or touching ranges.
fn merge_ranges(mut v: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn analyse(text: &str, shingler: &Shingler) -> DocAnalysis {
    let analyzed = Analyzed::new(text);
    let token_hashes = shingler.token_hashes(&analyzed.tokens);
    let shingles = shingler.shingle_set(&token_hashes);
    let stop: Vec<bool> = analyzed.tokens.norms().map(is_stopword).collect();
    let mut content = vec![false; analyzed.tokens.len()];
    for s in &analyzed.sentences {
        for i in s.tokens.clone() {
            let norm = analyzed.tokens.norm(i);
            let first = analyzed.tokens.span(i).slice(text).chars().next();
            let capitalised = i != s.tokens.start && first.is_some_and(char::is_uppercase);
            content[i] = !capitalised && !stop[i] && !norm.chars().all(char::is_numeric);
        }
    }
    DocAnalysis {
        lines: LineIndex::new(text),
        analyzed,
        token_hashes,
        content,
        stop,
        shingles,
    }
}

fn build_classes(
    analyses: &[DocAnalysis],
    config: &CompareConfig,
    shingler: &Shingler,
) -> Vec<Class> {
    let mut by_key: AHashMap<&[u64], u32> = AHashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    for (d, a) in analyses.iter().enumerate() {
        for (s, sent) in a.analyzed.sentences.iter().enumerate() {
            if sent.tokens.is_empty() {
                continue;
            }
            let key = &a.token_hashes[sent.tokens.clone()];
            let id = match by_key.get(key) {
                Some(&id) => id,
                None => {
                    let id = classes.len() as u32;
                    by_key.insert(key, id);
                    let content: Vec<bool> = a.content[sent.tokens.clone()].to_vec();
                    let words = sent.tokens.len();
                    let content_words = content.iter().filter(|&&c| c).count();
                    classes.push(Class {
                        members: Vec::new(),
                        shingles: sentence_shingles(shingler, key, &a.stop[sent.tokens.clone()]),
                        fragment: words < config.min_words
                            || content_words < config.min_content_words,
                        tokens: key.to_vec(),
                        content,
                        words,
                        single_doc: Some(d as u32),
                    });
                    id
                }
            };
            let class = &mut classes[id as usize];
            if class.single_doc.is_some_and(|x| x != d as u32) {
                class.single_doc = None;
            }
            class.members.push((d as u32, s as u32));
        }
    }
    classes
}

/// Sentence shingles: the shingle set without n-grams made only of
/// stopwords ("of the", "in a"), which are evidence of nothing. A sentence of
/// nothing but such n-grams keeps them all.
fn sentence_shingles(shingler: &Shingler, tokens: &[u64], stop: &[bool]) -> Vec<u64> {
    let n = shingler.size().min(tokens.len());
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    shingler.for_each_shingle(tokens, |h| {
        if !stop[i..i + n].iter().all(|&s| s) {
            out.push(h);
        }
        i += 1;
    });
    if out.is_empty() {
        return shingler.shingle_set(tokens);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Largest alignment table (cells) computed exactly; longer pairs are scored
/// by their shared words instead.
const MAX_ALIGNMENT_CELLS: usize = 4_000_000;

/// Token alignment of two sentences: the longest common subsequence of their
/// normalized words. Returns (aligned words, aligned content words).
fn align(a: &Class, b: &Class) -> (usize, usize) {
    let (n, m) = (a.tokens.len(), b.tokens.len());
    if n * m > MAX_ALIGNMENT_CELLS {
        // Upper bound of the LCS: the multiset intersection of the words.
        let mut counts: AHashMap<u64, (usize, bool)> = AHashMap::new();
        for (t, &c) in a.tokens.iter().zip(&a.content) {
            let e = counts.entry(*t).or_insert((0, c));
            e.0 += 1;
        }
        let (mut aligned, mut content) = (0, 0);
        for (t, &c) in b.tokens.iter().zip(&b.content) {
            if let Some(e) = counts.get_mut(t) {
                if e.0 > 0 {
                    e.0 -= 1;
                    aligned += 1;
                    content += usize::from(c && e.1);
                }
            }
        }
        return (aligned, content);
    }
    // DP over (i, j): (LCS length, content words in it), maximizing length
    // first. Row by row; backtracking is unnecessary because the content
    // count is carried along.
    let mut prev = vec![(0u32, 0u32); m + 1];
    let mut cur = vec![(0u32, 0u32); m + 1];
    for i in 0..n {
        for j in 0..m {
            let skip = prev[j + 1].max(cur[j]);
            cur[j + 1] = if a.tokens[i] == b.tokens[j] {
                let (l, c) = prev[j];
                (l + 1, c + u32::from(a.content[i] && b.content[j])).max(skip)
            } else {
                skip
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (l, c) = prev[m];
    (l as usize, c as usize)
}

/// Verifies a candidate pair of classes; returns (similarity, containment)
/// if the pair is near. See the module docs for the rule.
fn verify(a: &Class, b: &Class, config: &CompareConfig) -> Option<(f64, f64)> {
    if a.fragment || b.fragment {
        return None;
    }
    // Exact evidence on the shingle sets first (cheap): enough shared
    // phrases, and not hopelessly far from the thresholds.
    let inter = shingle::intersection_len(&a.shingles, &b.shingles);
    if inter < config.min_shared_shingles {
        return None;
    }
    let smaller = a.shingles.len().min(b.shingles.len()).max(1);
    let union = a.shingles.len() + b.shingles.len() - inter;
    let jaccard = inter as f64 / union.max(1) as f64;
    if jaccard < config.threshold * PREFILTER
        && (inter as f64 / smaller as f64) < config.containment * PREFILTER
    {
        return None;
    }
    let (aligned, content) = align(a, b);
    if content < config.min_content_words {
        return None;
    }
    let similarity = 2.0 * aligned as f64 / (a.words + b.words) as f64;
    let containment = aligned as f64 / a.words.min(b.words) as f64;
    (similarity >= config.threshold || containment >= config.containment)
        .then_some((similarity, containment))
}

/// Share of the threshold that the exact shingle Jaccard (or containment)
/// must reach before the alignment is computed.
const PREFILTER: f64 = 0.25;

/// A group before it is turned into report form.
struct RawGroup {
    kind: Kind,
    similarity: f64,
    containment: f64,
    /// (document, sentence), sorted.
    members: Vec<(u32, u32)>,
}

/// Union-find with path halving and union by size.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] || (self.size[a] == self.size[b] && b < a) {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(text: &str) -> Class {
        let shingler = Shingler::new(2, 1).unwrap();
        let a = analyse(text, &shingler);
        let sent = &a.analyzed.sentences[0];
        let key = &a.token_hashes[sent.tokens.clone()];
        let content: Vec<bool> = a.content[sent.tokens.clone()].to_vec();
        let config = CompareConfig::default();
        Class {
            members: vec![(0, 0)],
            shingles: sentence_shingles(&shingler, key, &a.stop[sent.tokens.clone()]),
            fragment: sent.tokens.len() < config.min_words
                || content.iter().filter(|&&c| c).count() < config.min_content_words,
            tokens: key.to_vec(),
            content,
            words: sent.tokens.len(),
            single_doc: Some(0),
        }
    }

    /// Brute-force LCS length over all subsequence matchings (memoized
    /// recursion), as an oracle for the row-by-row DP.
    fn lcs_oracle(a: &[u64], b: &[u64]) -> usize {
        fn go(a: &[u64], b: &[u64], memo: &mut AHashMap<(usize, usize), usize>) -> usize {
            if a.is_empty() || b.is_empty() {
                return 0;
            }
            if let Some(&v) = memo.get(&(a.len(), b.len())) {
                return v;
            }
            let v = if a[0] == b[0] {
                1 + go(&a[1..], &b[1..], memo)
            } else {
                go(&a[1..], b, memo).max(go(a, &b[1..], memo))
            };
            memo.insert((a.len(), b.len()), v);
            v
        }
        go(a, b, &mut AHashMap::new())
    }

    #[test]
    fn alignment_matches_lcs_oracle() {
        let texts = [
            "the cat sat on the mat with the hat",
            "a cat sat upon the mat and the hat fell",
            "mat the on sat cat the",
            "completely different words entirely here",
            "the the the cat cat",
        ];
        for x in texts {
            for y in texts {
                let (a, b) = (class_of(x), class_of(y));
                assert_eq!(
                    align(&a, &b).0,
                    lcs_oracle(&a.tokens, &b.tokens),
                    "{x} / {y}"
                );
            }
        }
    }

    #[test]
    fn alignment_prefers_the_match_with_more_content_words() {
        let mk = |tokens: Vec<u64>, content: Vec<bool>| Class {
            members: vec![],
            shingles: vec![],
            words: tokens.len(),
            tokens,
            content,
            fragment: false,
            single_doc: None,
        };
        let a = mk(vec![7, 7], vec![true, false]);
        let b = mk(vec![7], vec![true]);
        assert_eq!(align(&a, &b), (1, 1));
        assert_eq!(align(&b, &a), (1, 1));
    }

    #[test]
    fn few_words_changed_is_near() {
        let a = class_of("Officials confirmed that the northern railway line will reopen to passenger traffic after three months of costly repairs.");
        let b = class_of("Officials said that the northern railway line would reopen to passenger traffic after three months of repairs.");
        let (sim, cont) = verify(&a, &b, &CompareConfig::default()).expect("near");
        assert!(sim > 0.8 && cont > 0.8, "{sim} {cont}");
    }

    #[test]
    fn trimmed_sentence_is_near_by_containment() {
        let a = class_of("The regional council approved the new harbour budget on Tuesday after a long debate about costs, jobs and the environment in the bay.");
        let b = class_of("The regional council approved the new harbour budget on Tuesday.");
        let (sim, cont) = verify(&a, &b, &CompareConfig::default()).expect("near");
        assert!(sim < 0.7 && cont == 1.0, "{sim} {cont}");
    }

    #[test]
    fn shared_name_only_is_not_near() {
        let a = class_of("Lavrov has said that US Secretary of State Rex Tillerson and he agreed at their recent meeting that new missile attacks would be unacceptable.");
        let b = class_of("Relations have hit a low point and should be improved, Secretary of State Rex Tillerson said during a trip to Moscow Wednesday.");
        assert_eq!(verify(&a, &b, &CompareConfig::default()), None);
        // A sentence that is mostly the name, with enough content words of
        // its own, is still not near: the shared words are all name words.
        let c = class_of("Secretary of State Rex Tillerson arrived at the Kremlin gates late, tired and unannounced.");
        assert!(!c.fragment);
        assert_eq!(verify(&a, &c, &CompareConfig::default()), None);
    }

    #[test]
    fn same_topic_different_wording_is_not_near() {
        let a = class_of("Assad has denied his government was behind last week's chemical weapons attack that killed more than 80 people.");
        let b = class_of("The U.S. and its allies have held the Syrian government responsible for the chemical attack in northern Syria that killed more than 80.");
        assert_eq!(verify(&a, &b, &CompareConfig::default()), None);
    }

    #[test]
    fn fragments_are_flagged_and_never_near() {
        let a = class_of("Adjust Comment Print");
        assert!(a.fragment);
        assert_eq!(verify(&a, &a, &CompareConfig::default()), None);
        assert!(class_of("Of the to and in a that is for on it.").fragment);
        assert!(!class_of("The council approved the budget on Friday.").fragment);
    }

    #[test]
    fn stopword_only_bigrams_are_dropped() {
        let with = class_of("She said it was one of the best days of the year for the town.");
        let shingler = Shingler::new(2, 1).unwrap();
        let all = shingler.shingle_set(&with.tokens);
        assert!(with.shingles.len() < all.len());
        assert!(with.shingles.iter().all(|h| all.contains(h)));
    }

    #[test]
    fn union_find_groups_transitively() {
        let mut uf = UnionFind::new(5);
        uf.union(0, 1);
        uf.union(3, 4);
        uf.union(1, 4);
        assert_eq!(uf.find(0), uf.find(3));
        assert_ne!(uf.find(0), uf.find(2));
    }

    #[test]
    fn boilerplate_by_spread_but_not_three_of_five() {
        let sentence = "The ministry said the new rules would take effect across the whole country next month.";
        const OWN: [&str; 5] = [
            "Farmers expect a record apple harvest after the warm and wet spring.",
            "Two climbers were rescued from the glacier after a night in the storm.",
            "The orchestra opened its winter season with an unknown symphony.",
            "Engineers finished testing the tidal turbine off the northern coast.",
            "A rare orchid bloomed in the botanical garden for the first time.",
        ];
        let mk = |n: usize| -> Vec<InputDoc> {
            (0..5)
                .map(|i| {
                    let own = OWN[i];
                    let text = if i < n {
                        format!("{own} {sentence}")
                    } else {
                        own.to_string()
                    };
                    InputDoc::new(format!("d{i}"), format!("d{i}.txt"), text)
                })
                .collect()
        };
        let three = compare(mk(3), &CompareConfig::default()).unwrap();
        assert_eq!(three.shared.len(), 1);
        assert_eq!(three.shared[0].kind, Kind::Verbatim);
        assert_eq!(three.shared[0].members.len(), 3);
        let five = compare(mk(5), &CompareConfig::default()).unwrap();
        assert_eq!(five.shared[0].kind, Kind::Boilerplate);
    }

    #[test]
    fn same_document_repeats_are_not_shared() {
        let text = "The ministry said the new rules would take effect next month. The ministry said the new rules would take effect next month.";
        let docs = vec![
            InputDoc::new("a", "a.txt", text),
            InputDoc::new(
                "b",
                "b.txt",
                "Something else entirely was written in this one.",
            ),
        ];
        let r = compare(docs, &CompareConfig::default()).unwrap();
        assert!(r.shared.is_empty());
    }

    #[test]
    fn invalid_config_is_an_error() {
        let docs = vec![InputDoc::new("a", "a.txt", "Some text here.")];
        for config in [
            CompareConfig {
                threshold: 0.0,
                ..Default::default()
            },
            CompareConfig {
                threshold: 1.0,
                ..Default::default()
            },
            CompareConfig {
                containment: 1.5,
                ..Default::default()
            },
            CompareConfig {
                permutations: 0,
                ..Default::default()
            },
            CompareConfig {
                document_shingle: 0,
                ..Default::default()
            },
        ] {
            assert!(compare(docs.clone(), &config).is_err(), "{config:?}");
        }
        assert!(matches!(
            compare(vec![], &CompareConfig::default()),
            Err(Error::NothingToAnalyse)
        ));
    }

    #[test]
    fn many_documents_report_only_candidate_pairs() {
        let config = CompareConfig {
            all_pairs_limit: 3,
            ..Default::default()
        };
        let shared =
            "Rescue teams pulled two climbers from the glacier late on Sunday after a long search.";
        const OWN: [&str; 6] = [
            "Farmers expect a record apple harvest after the warm and wet spring.",
            "The orchestra opened its winter season with an unknown symphony.",
            "Engineers finished testing the tidal turbine off the northern coast.",
            "A rare orchid bloomed in the botanical garden for the first time.",
            "Bakers protested against rising flour prices outside parliament.",
            "The chess final ended in a draw after six hours of careful play.",
        ];
        let docs: Vec<InputDoc> = (0..6)
            .map(|i| {
                let own = OWN[i];
                let text = if i < 2 {
                    format!("{own} {shared}")
                } else {
                    own.to_string()
                };
                InputDoc::new(format!("d{i}"), format!("d{i}.txt"), text)
            })
            .collect();
        let r = compare(docs, &config).unwrap();
        assert!(r
            .pairs
            .iter()
            .any(|p| p.a == "d0" && p.b == "d1" && p.shared_sentences == 1));
        assert!(r.pairs.len() < 15);
    }
}
