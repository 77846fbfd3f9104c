//! Crawl-scale near-duplicate detection: `syndic dedup`.
//!
//! 1. **Read and sign** (one streaming pass): records come in batches
//!    ([`crate::source`]); each batch is tokenized, shingled and MinHashed
//!    in parallel; only the signature and the id of each document are kept.
//! 2. **LSH**, band by band: the band hashes of all documents are computed,
//!    sorted, and documents with equal hashes become candidate pairs. Banding
//!    is recall-first ([`LshParams::for_recall`](crate::sketch::lsh::LshParams::for_recall)): a pair at the threshold is
//!    proposed with probability ≥ 0.99. A pair already in one cluster is not
//!    looked at again; an oversized bucket is not expanded into all its pairs
//!    (see [`DedupConfig::bucket_cap`]).
//! 3. **Verify** each candidate ([`Verify`]): by default the signature
//!    estimate decides pairs far from the threshold and the exact Jaccard of
//!    the word shingle sets decides the uncertain zone around it, in a second
//!    pass over the input with bounded memory.
//! 4. **Cluster** with union-find; the representative of a cluster is its
//!    earliest document in input order, every other member is a duplicate.
//!
//! Outputs are the same bytes at any thread count: every parallel step
//! collects in input order or sorts, and union-find roots are the smallest
//! document number.

pub mod eval;
mod exact;
mod pass;
mod run;
mod sign;
pub mod stages;
mod store;
pub mod synth;

pub use run::{dedup, Deduper};

pub use sign::{DocumentSigner, SignScratch};

use std::io::Write;

use crate::error::{Error, Result};
use crate::source::{RawKind, ReadOptions, SkipLog};

use pass::{check_same, run_pass, PassInput, PassSummary};
use store::DocStore;

/// Default similarity threshold of `syndic dedup`.
pub const DEFAULT_THRESHOLD: f64 = 0.8;
/// Default text bytes per batch.
pub const DEFAULT_BATCH_BYTES: usize = 16 << 20;
/// Default memory for shingle sets kept by exact verification.
pub const DEFAULT_EXACT_MEMORY: usize = 256 << 20;
/// Default largest bucket expanded into all its pairs.
pub const DEFAULT_BUCKET_CAP: usize = 64;
/// In an oversized bucket, each member is paired with this many neighbours.
pub const BUCKET_WINDOW: usize = 8;
/// Components up to this size check uncertain member pairs exactly before
/// they are split around representatives.
pub const SPLIT_EXACT_CAP: usize = 64;
/// A member is compared with at most this many (the latest)
/// representatives of its component.
pub const SPLIT_REPRESENTATIVES: usize = 64;
/// Probability with which banding proposes a pair exactly at the threshold.
pub const LSH_RECALL_AT_THRESHOLD: f64 = 0.99;
/// Half-width of the uncertain zone in standard deviations of the estimate.
pub const UNCERTAIN_SIGMAS: f64 = 3.0;
/// `--exact` drops candidates whose estimate is this many standard
/// deviations below the threshold without an exact check.
pub const EXACT_PREFILTER_SIGMAS: f64 = 5.0;

/// How candidate pairs are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verify {
    /// The estimate decides outside `t ± 3σ` (σ of a `k`-value estimate at
    /// the threshold); exact Jaccard decides inside.
    Auto,
    /// The estimate alone: a pair is a duplicate when the estimate reaches
    /// the threshold. One pass; noisy near the threshold.
    Signature,
    /// Exact Jaccard for every candidate whose estimate is not hopeless
    /// (above `t − 5σ`); reported similarities are exact too.
    Exact,
}

/// Settings of a dedup run.
#[derive(Debug, Clone)]
pub struct DedupConfig {
    /// Word n-gram size.
    pub shingle: usize,
    /// MinHash permutations.
    pub permutations: usize,
    /// Seed of every hash.
    pub seed: u64,
    /// Jaccard similarity of word shingle sets that makes two documents
    /// duplicates, in (0, 1).
    pub threshold: f64,
    /// Verification.
    pub verify: Verify,
    /// Reading (fields, `skip_bad`, record size limit).
    pub read: ReadOptions,
    /// Text bytes per batch.
    pub batch_bytes: usize,
    /// Memory for shingle sets held by exact verification.
    pub exact_memory: usize,
    /// Buckets with more members are not expanded into all pairs: members
    /// are ordered by a hash of their whole signature (identical documents
    /// become neighbours) and each is paired with its next
    /// [`BUCKET_WINDOW`] members.
    pub bucket_cap: usize,
    /// The input will be read again for `--write-deduped` (standard input is
    /// then copied to a temporary file in [`DedupConfig::spool_dir`]).
    pub write_deduped: bool,
    /// Where a copy of standard input goes when it must be read twice.
    pub spool_dir: Option<std::path::PathBuf>,
    /// Two records with one id are an error ([`Error::DuplicateId`]) unless
    /// this is set; then the later ones get a `#2`, `#3`, ... suffix.
    pub unique_ids: bool,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle: crate::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE,
            permutations: crate::sketch::minhash::DEFAULT_PERMUTATIONS,
            seed: crate::DEFAULT_SEED,
            threshold: DEFAULT_THRESHOLD,
            verify: Verify::Auto,
            read: ReadOptions::default(),
            batch_bytes: DEFAULT_BATCH_BYTES,
            exact_memory: DEFAULT_EXACT_MEMORY,
            bucket_cap: DEFAULT_BUCKET_CAP,
            write_deduped: false,
            spool_dir: None,
            unique_ids: false,
        }
    }
}

/// Receives progress; the binary draws a bar, the library stays quiet.
pub trait Progress: Sync {
    /// A pass over the input starts; `total_bytes` is the input size if
    /// known.
    fn begin(&self, stage: &'static str, total_bytes: Option<u64>);
    /// Input bytes consumed and documents read so far in this pass.
    fn set(&self, bytes: u64, documents: u64);
    /// The pass is over.
    fn end(&self);
    /// True once the caller wants the run to stop: every pass checks it
    /// after each batch and the run returns [`Error::Interrupted`]. The
    /// default never stops.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress reports.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &'static str, _: Option<u64>) {}
    fn set(&self, _: u64, _: u64) {}
    fn end(&self) {}
}

/// Parameters as written to `stats.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Parameters {
    /// Word n-gram size.
    pub shingle: usize,
    /// MinHash permutations.
    pub permutations: usize,
    /// Seed.
    pub seed: u64,
    /// Similarity threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Verification mode.
    pub verify: Verify,
    /// Estimates in `[lo, hi)` are checked exactly (`auto`); `--exact`
    /// checks everything from `lo` up.
    pub exact_zone: Option<[f64; 2]>,
    /// Largest bucket expanded into all pairs.
    pub bucket_cap: usize,
    /// Neighbours per member in a larger bucket.
    pub bucket_window: usize,
    /// Text field.
    pub text_field: String,
    /// Id field, if any.
    pub id_field: Option<String>,
    /// MinHash scheme.
    pub scheme: &'static str,
}

/// Work counters.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Work {
    /// Candidate pairs from LSH that were not already in one cluster.
    pub candidate_pairs: u64,
    /// Buckets over the cap.
    pub oversized_buckets: u64,
    /// Pairs accepted by their estimate.
    pub accepted_by_signature: u64,
    /// Pairs rejected by their estimate.
    pub rejected_by_signature: u64,
    /// Pairs checked by exact Jaccard.
    pub exact_checks: u64,
    /// Of those, pairs at or above the threshold.
    pub accepted_by_exact: u64,
    /// Passes over the input in all.
    pub passes: u64,
}

/// Seconds per stage.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Seconds {
    /// Read, tokenize, shingle, MinHash.
    pub read_and_sign: f64,
    /// LSH banding and signature verification.
    pub lsh_and_verify: f64,
    /// Exact verification passes.
    pub exact: f64,
    /// Union-find, clusters, similarities to representatives.
    pub cluster: f64,
    /// Writing the outputs (set by the caller).
    pub write: f64,
    /// Everything.
    pub total: f64,
}

/// The contents of `stats.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DedupStats {
    /// Inputs, in order.
    pub inputs: Vec<String>,
    /// Documents read.
    pub documents: u64,
    /// Text bytes of all documents (UTF-8).
    pub bytes: u64,
    /// Input bytes as stored (compressed size for compressed inputs).
    pub input_bytes: u64,
    /// Documents without a word (never duplicates).
    pub empty_documents: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Documents in those clusters.
    pub clustered_documents: u64,
    /// Documents to drop (all cluster members but the representatives).
    pub duplicates: u64,
    /// Documents kept.
    pub kept: u64,
    /// Records skipped with `--skip-bad`.
    pub skipped: SkipLog,
    /// What `similarity` in clusters.jsonl is.
    pub similarity: &'static str,
    /// Parameters.
    pub parameters: Parameters,
    /// Work done.
    pub work: Work,
    /// Seconds per stage (varies from run to run).
    pub seconds: Seconds,
    /// Peak resident memory (`VmHWM`), if known (varies from run to run).
    pub peak_rss_bytes: Option<u64>,
}

/// One line of clusters.jsonl.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// Document number (0-based, input order).
    pub doc: u32,
    /// Cluster number (0-based, in order of the representatives).
    pub cluster: u32,
    /// Document number of the cluster's representative.
    pub representative: u32,
    /// Jaccard similarity to the representative (1 for itself).
    pub similarity: f32,
}

#[derive(serde::Serialize)]
struct ClusterLine<'a> {
    id: &'a str,
    cluster: u32,
    representative: &'a str,
    similarity: f64,
}

/// Writes one line of clusters.jsonl: `{"id", "cluster", "representative",
/// "similarity"}` (similarity rounded to 4 places) and a newline. The one
/// serializer of the line, for the single-machine writer and the stages.
pub fn write_cluster_line(
    out: &mut dyn Write,
    id: &str,
    representative: &str,
    m: &Member,
) -> std::io::Result<()> {
    let line = ClusterLine {
        id,
        cluster: m.cluster,
        representative,
        similarity: crate::util::round4(m.similarity as f64),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// Writes one line of clusters.jsonl of a run against an archive (`dedup
/// --against`): `{"archived", "cluster", "id", "representative",
/// "similarity"}`, `archived` telling whether the member is an archived
/// document. The one serializer of the line, for the single-machine run
/// and the stages.
pub fn write_against_cluster_line(
    out: &mut dyn Write,
    id: &str,
    representative: &str,
    m: &Member,
    archived: bool,
) -> std::io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &serde_json::json!({
            "id": id,
            "cluster": m.cluster,
            "representative": representative,
            "similarity": crate::util::round4(m.similarity as f64),
            "archived": archived,
        }),
    )?;
    out.write_all(b"\n")
}

/// Writes one line of matches.jsonl (`dedup --against`): the new document
/// `id` dropped as a duplicate of the archived document `archived`.
pub fn write_match_line(
    out: &mut dyn Write,
    id: &str,
    archived: &str,
    similarity: f32,
) -> std::io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &serde_json::json!({
            "id": id,
            "archived": archived,
            "similarity": crate::util::round4(similarity as f64),
        }),
    )?;
    out.write_all(b"\n")
}

/// The result of [`dedup`]: clusters, duplicates, statistics, and what is
/// needed to write the surviving records.
pub struct Deduped {
    store: DocStore,
    members: Vec<Member>,
    duplicate_bits: Vec<u64>,
    stats: DedupStats,
    input: PassInput,
    first: PassSummary,
    _spool: Option<tempfile::NamedTempFile>,
}

fn sigma(t: f64, k: usize) -> f64 {
    (t * (1.0 - t) / k as f64).sqrt()
}

/// The peak resident memory of this process (`VmHWM` in
/// `/proc/self/status`), on Linux.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// How many surviving records [`Deduped::write_survivors`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Survivors {
    /// Written as JSON Lines.
    pub json_lines: u64,
    /// Written as WARC records.
    pub warc_records: u64,
}

impl Deduped {
    /// Statistics.
    pub fn stats(&self) -> &DedupStats {
        &self.stats
    }

    /// Statistics, for the caller to add its timings.
    pub fn stats_mut(&mut self) -> &mut DedupStats {
        &mut self.stats
    }

    /// Members of every cluster of two or more documents: clusters in order
    /// of their representatives, each starting with its representative, then
    /// its other members in input order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The id of document `doc`.
    pub fn id(&self, doc: u32) -> &str {
        self.store.id(doc)
    }

    /// True if document `doc` is a duplicate to drop.
    pub fn is_duplicate(&self, doc: u32) -> bool {
        self.duplicate_bits[doc as usize / 64] & (1 << (doc % 64)) != 0
    }

    /// Number of documents.
    pub fn documents(&self) -> u32 {
        self.store.len() as u32
    }

    /// Reads the input again and writes every record that is not a
    /// duplicate, unchanged: JSON Lines lines (and Parquet rows as JSON
    /// objects, text files as `{"id", "text"}`) to `json_lines`, one per
    /// line; WARC records to `warc`.
    pub fn write_survivors(
        &self,
        json_lines: &mut dyn Write,
        warc: &mut dyn Write,
        progress: &dyn Progress,
    ) -> Result<Survivors> {
        self.write_survivors_from(0, json_lines, warc, progress)
    }

    /// [`Deduped::write_survivors`] for documents `first..` only (`dedup
    /// --against` leaves out the archived documents read ahead of the new
    /// ones).
    pub fn write_survivors_from(
        &self,
        first: u32,
        json_lines: &mut dyn Write,
        warc: &mut dyn Write,
        progress: &dyn Progress,
    ) -> Result<Survivors> {
        let mut out = Survivors::default();
        let io = |source: std::io::Error| Error::Io {
            path: "deduped output".into(),
            source,
        };
        let summary = run_pass(
            &self.input,
            true,
            None,
            progress,
            "writing",
            |base, batch| {
                for i in 0..batch.len() {
                    let doc = (base + i as u64) as u32;
                    if doc < first || self.is_duplicate(doc) {
                        continue;
                    }
                    match batch.raw_kind(i) {
                        RawKind::JsonLine => {
                            json_lines.write_all(batch.raw(i)).map_err(io)?;
                            json_lines.write_all(b"\n").map_err(io)?;
                            out.json_lines += 1;
                        }
                        RawKind::Warc => {
                            warc.write_all(batch.raw(i)).map_err(io)?;
                            out.warc_records += 1;
                        }
                    }
                }
                Ok(())
            },
        )?;
        check_same(&self.first, &summary, self.stats.work.passes as usize + 1)?;
        Ok(out)
    }
}
