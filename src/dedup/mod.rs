//! Crawl-scale near-duplicate detection: `syndic dedup`.
//!
//! 1. **Read and sign** (one streaming pass): records come in batches
//!    ([`crate::source`]); each batch is tokenized, shingled and MinHashed
//!    in parallel; only the signature and the id of each document are kept.
//! 2. **LSH**, band by band: the band hashes of all documents are computed,
//!    sorted, and documents with equal hashes become candidate pairs. Banding
//!    is recall-first ([`LshParams::for_recall`]): a pair at the threshold is
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
mod sign;
mod store;
pub mod synth;

pub use sign::{DocumentSigner, SignScratch};

use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::sketch::lsh::{band_hash, LshParams};
use crate::sketch::shingle::Shingler;
use crate::source::{RawKind, ReadOptions, SkipLog, Source};

use crate::util::{round4, UnionFind};
use pass::{check_same, run_pass, PassInput, PassSummary};
use store::{estimate, DocStore};

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    Exact,
}

/// Finds near-duplicate clusters among the records of `sources`.
pub fn dedup(
    sources: Vec<Source>,
    config: &DedupConfig,
    progress: &dyn Progress,
) -> Result<Deduped> {
    let start = Instant::now();
    if !(config.threshold > 0.0 && config.threshold < 1.0) {
        return Err(Error::InvalidParameter {
            name: "threshold",
            value: config.threshold.to_string(),
            reason: "must be strictly between 0 and 1",
        });
    }
    let shingler = Shingler::new(config.shingle, config.seed)?;
    let signer = DocumentSigner::new(config.shingle, config.permutations, config.seed)?;
    let lsh = LshParams::for_recall(
        config.threshold,
        config.permutations,
        LSH_RECALL_AT_THRESHOLD,
    )?;
    let k = config.permutations;
    let t = config.threshold;
    let s = sigma(t, k);
    let zone = match config.verify {
        Verify::Auto => Some([t - UNCERTAIN_SIGMAS * s, t + UNCERTAIN_SIGMAS * s]),
        Verify::Exact => Some([t - EXACT_PREFILTER_SIGMAS * s, f64::INFINITY]),
        Verify::Signature => None,
    };
    let classify = |e: f64| -> Verdict {
        match zone {
            None => {
                if e >= t {
                    Verdict::Accept
                } else {
                    Verdict::Reject
                }
            }
            Some([lo, hi]) => {
                if e < lo {
                    Verdict::Reject
                } else if e >= hi {
                    Verdict::Accept
                } else {
                    Verdict::Exact
                }
            }
        }
    };

    // Standard input is copied aside when it must be read again.
    let rereads = config.verify != Verify::Signature || config.write_deduped;
    let has_stdin = sources.iter().any(|s| s.path.is_none());
    let spool = if rereads && has_stdin {
        let dir = config.spool_dir.clone().unwrap_or_else(std::env::temp_dir);
        Some(
            tempfile::Builder::new()
                .prefix(".syndic-stdin-")
                .suffix(".tmp")
                .tempfile_in(&dir)
                .map_err(|source| Error::Io { path: dir, source })?,
        )
    } else {
        None
    };
    let total_bytes = if has_stdin {
        None
    } else {
        Some(
            sources
                .iter()
                .filter_map(|s| s.path.as_ref())
                .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
                .sum(),
        )
    };
    let mut input = PassInput {
        sources,
        opts: ReadOptions {
            keep_raw: false,
            ..config.read.clone()
        },
        batch_bytes: config.batch_bytes,
        total_bytes,
    };

    // Pass 1: signatures.
    let mut store = DocStore::new(k);
    let mut sigs: Vec<u32> = Vec::new();
    let mut empties: Vec<bool> = Vec::new();
    let mut empty_documents = 0u64;
    let tee = match &spool {
        Some(f) => Some(f.as_file().try_clone().map_err(|source| Error::Io {
            path: f.path().to_path_buf(),
            source,
        })?),
        None => None,
    };
    let first = run_pass(&input, false, tee, progress, "reading", |_, batch| {
        sigs.clear();
        sigs.resize(batch.len() * k, 0);
        empties.clear();
        empties.resize(batch.len(), false);
        sigs.par_chunks_mut(k)
            .zip(empties.par_iter_mut())
            .enumerate()
            .for_each_init(SignScratch::default, |scratch, (i, (values, empty))| {
                *empty = !signer.sign(batch.text(i), scratch, values);
            });
        for i in 0..batch.len() {
            empty_documents += empties[i] as u64;
            store.push(batch.id(i), &sigs[i * k..(i + 1) * k], empties[i])?;
        }
        Ok(())
    })?;
    drop(sigs);
    if let Some(f) = &spool {
        // Later passes read the copy, under the same name.
        for s in input.sources.iter_mut().filter(|s| s.path.is_none()) {
            s.path = Some(f.path().to_path_buf());
        }
    }
    let read_secs = start.elapsed().as_secs_f64();
    let n = store.len();
    let mut work = Work {
        passes: 1,
        ..Work::default()
    };

    // LSH, band by band, with signature verification.
    let lsh_start = Instant::now();
    let mut uf = UnionFind::new(n);
    let mut exact_pairs: Vec<(u32, u32)> = Vec::new();
    let r = lsh.rows;
    for band in 0..lsh.bands {
        let mut keys: Vec<(u64, u32)> = (0..n as u32)
            .into_par_iter()
            .filter(|&d| !store.is_empty_doc(d))
            .map(|d| {
                (
                    band_hash(&store.signature(d)[band * r..(band + 1) * r], band),
                    d,
                )
            })
            .collect();
        keys.par_sort_unstable();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut push = |uf: &mut UnionFind, a: u32, b: u32| {
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            if uf.find(a) != uf.find(b) {
                pairs.push((a, b));
            }
        };
        for run in keys.chunk_by(|x, y| x.0 == y.0) {
            let m = run.len();
            if m < 2 {
                continue;
            }
            if m <= config.bucket_cap {
                for i in 0..m {
                    for j in i + 1..m {
                        push(&mut uf, run[i].1, run[j].1);
                    }
                }
            } else {
                work.oversized_buckets += 1;
                let mut order: Vec<(u64, u32)> = run
                    .iter()
                    .map(|&(_, d)| (band_hash(store.signature(d), usize::MAX), d))
                    .collect();
                order.sort_unstable();
                for i in 0..m {
                    for j in i + 1..m.min(i + 1 + BUCKET_WINDOW) {
                        push(&mut uf, order[i].1, order[j].1);
                    }
                }
            }
        }
        work.candidate_pairs += pairs.len() as u64;
        let verdicts: Vec<Verdict> = pairs
            .par_iter()
            .map(|&(a, b)| classify(estimate(store.signature(a), store.signature(b))))
            .collect();
        for (&(a, b), v) in pairs.iter().zip(verdicts) {
            match v {
                Verdict::Accept => {
                    work.accepted_by_signature += 1;
                    uf.union(a, b);
                }
                Verdict::Reject => work.rejected_by_signature += 1,
                Verdict::Exact => exact_pairs.push((a, b)),
            }
        }
    }
    let lsh_secs = lsh_start.elapsed().as_secs_f64();

    // Exact verification of the uncertain pairs not already joined.
    let exact_start = Instant::now();
    exact_pairs.sort_unstable();
    exact_pairs.dedup();
    exact_pairs.retain(|&(a, b)| uf.find(a) != uf.find(b));
    // The split below needs exact values of uncertain member pairs of small
    // components, which are known only after verification. Final
    // components lie inside the components obtained by accepting every
    // pair under verification, so the uncertain member pairs of those (when
    // small) are checked in the same pass, speculatively: one pass over
    // the input instead of two. Only values the split asks for are used,
    // so the output is the same as with a separate pass.
    let speculative: Vec<(u32, u32)> = if zone.is_some() && !exact_pairs.is_empty() {
        let mut optimistic = uf.clone();
        for &(a, b) in &exact_pairs {
            optimistic.union(a, b);
        }
        let members = component_members(&mut optimistic, n);
        drop(optimistic);
        let mut pairs: Vec<(u32, u32)> = members
            .chunk_by(|x, y| x.0 == y.0)
            .collect::<Vec<_>>()
            .par_iter()
            .filter(|c| c.len() <= SPLIT_EXACT_CAP)
            .flat_map_iter(|c| uncertain_pairs(c, &store, &classify))
            .collect();
        pairs.retain(|p| exact_pairs.binary_search(p).is_err());
        pairs.sort_unstable();
        pairs
    } else {
        Vec::new()
    };
    let mut passes = 1usize;
    let exact_ctx = exact::Exact {
        input: &input,
        first: &first,
        shingler: &shingler,
        budget_bytes: config.exact_memory,
        progress,
    };
    // Exact values computed so far, sorted by pair, for the split below.
    let mut known: Vec<((u32, u32), f32)> = Vec::new();
    // Speculative values, sorted by pair.
    let mut ahead: Vec<((u32, u32), f32)> = Vec::new();
    if !exact_pairs.is_empty() {
        let all: Vec<(u32, u32)> = exact_pairs.iter().chain(&speculative).copied().collect();
        work.exact_checks += all.len() as u64;
        let js = exact::exact_jaccards(&exact_ctx, &all, "verifying", &mut passes)?;
        let (js, js_ahead) = js.split_at(exact_pairs.len());
        for (&(a, b), &j) in exact_pairs.iter().zip(js) {
            known.push(((a, b), j as f32));
            if j >= t {
                work.accepted_by_exact += 1;
                uf.union(a, b);
            }
        }
        ahead.extend(
            speculative
                .iter()
                .zip(js_ahead)
                .map(|(&p, &j)| (p, j as f32)),
        );
    }
    drop(exact_pairs);
    drop(speculative);
    let mut exact_secs = exact_start.elapsed().as_secs_f64();

    // Components of the union-find (the root is the earliest document).
    let cluster_start = Instant::now();
    let by_root = component_members(&mut uf, n);
    drop(uf);
    let components: Vec<&[(u32, u32)]> = by_root.chunk_by(|x, y| x.0 == y.0).collect();

    // Splitting components around representatives needs the similarity of
    // members to earlier members; in small components, uncertain estimates
    // are checked exactly (one more pass).
    let mut split_pairs: Vec<(u32, u32)> = if zone.is_some() {
        components
            .par_iter()
            .filter(|c| c.len() <= SPLIT_EXACT_CAP)
            .flat_map_iter(|c| uncertain_pairs(c, &store, &classify))
            .collect()
    } else {
        Vec::new()
    };
    known.par_sort_unstable_by_key(|k| k.0);
    split_pairs.retain(|p| known.binary_search_by_key(p, |k| k.0).is_err());
    // Values checked ahead in the verification pass.
    let before = known.len();
    split_pairs.retain(|p| match ahead.binary_search_by_key(p, |k| k.0) {
        Ok(i) => {
            known.push(ahead[i]);
            false
        }
        Err(_) => true,
    });
    drop(ahead);
    if known.len() > before {
        known.par_sort_unstable_by_key(|k| k.0);
    }
    if !split_pairs.is_empty() {
        let t0 = Instant::now();
        work.exact_checks += split_pairs.len() as u64;
        let js = exact::exact_jaccards(&exact_ctx, &split_pairs, "splitting", &mut passes)?;
        known.extend(split_pairs.iter().zip(js).map(|(&p, j)| (p, j as f32)));
        known.par_sort_unstable_by_key(|k| k.0);
        exact_secs += t0.elapsed().as_secs_f64();
    }
    drop(split_pairs);
    let similarity_of = |a: u32, b: u32| -> f32 {
        let key = if a < b { (a, b) } else { (b, a) };
        match known.binary_search_by_key(&key, |k| k.0) {
            Ok(i) => known[i].1,
            Err(_) => estimate(store.signature(a), store.signature(b)) as f32,
        }
    };
    // Star split: in input order, each member joins the most similar
    // representative (among the latest SPLIT_REPRESENTATIVES) that it
    // reaches the threshold with, or becomes a representative itself.
    let stars: Vec<Vec<(u32, u32, f32)>> = components
        .par_iter()
        .map(|c| {
            let mut reps: Vec<u32> = Vec::new();
            let mut out: Vec<(u32, u32, f32)> = Vec::new();
            for &(_, m) in c.iter() {
                let mut best: Option<(f32, u32)> = None;
                for &r in reps.iter().rev().take(SPLIT_REPRESENTATIVES) {
                    let sim = similarity_of(r, m);
                    if f64::from(sim) >= t - 1e-6 && best.is_none_or(|(s, _)| sim > s) {
                        best = Some((sim, r));
                    }
                }
                match best {
                    Some((sim, r)) => out.push((r, m, sim)),
                    None => {
                        reps.push(m);
                        out.push((m, m, 1.0));
                    }
                }
            }
            out
        })
        .collect();
    drop(components);
    drop(by_root);
    let mut star: Vec<(u32, u32, f32)> = stars.into_iter().flatten().collect();
    star.par_sort_unstable_by_key(|&(r, m, _)| (r, m));
    let mut members: Vec<Member> = Vec::new();
    let mut duplicate_bits = vec![0u64; n.div_ceil(64)];
    let mut cluster = 0u32;
    for run in star.chunk_by(|x, y| x.0 == y.0) {
        if run.len() < 2 {
            continue;
        }
        for &(rep, d, sim) in run {
            if d != rep {
                duplicate_bits[d as usize / 64] |= 1 << (d % 64);
            }
            members.push(Member {
                doc: d,
                cluster,
                representative: rep,
                similarity: sim,
            });
        }
        cluster += 1;
    }
    drop(star);
    let similarity = if config.verify == Verify::Exact {
        // Members of large components were split by estimates: make their
        // reported similarity exact too.
        let missing: Vec<(u32, u32)> = members
            .iter()
            .filter(|m| m.doc != m.representative)
            .map(|m| (m.representative, m.doc))
            .filter(|p| known.binary_search_by_key(p, |k| k.0).is_err())
            .collect();
        if !missing.is_empty() {
            let t0 = Instant::now();
            let js = exact::exact_jaccards(&exact_ctx, &missing, "similarity", &mut passes)?;
            let mut fix: Vec<((u32, u32), f32)> = missing
                .into_iter()
                .zip(js.into_iter().map(|j| j as f32))
                .collect();
            fix.sort_unstable_by_key(|k| k.0);
            for m in members.iter_mut().filter(|m| m.doc != m.representative) {
                if let Ok(i) = fix.binary_search_by_key(&(m.representative, m.doc), |k| k.0) {
                    m.similarity = fix[i].1;
                }
            }
            exact_secs += t0.elapsed().as_secs_f64();
        }
        "exact jaccard of word shingle sets"
    } else if zone.is_some() {
        "exact jaccard where the estimate was uncertain, else the minhash estimate"
    } else {
        "minhash estimate of jaccard"
    };
    drop(known);
    store.drop_signatures();
    let cluster_secs = cluster_start.elapsed().as_secs_f64();
    work.passes = passes as u64;

    let clusters = cluster as u64;
    let clustered = members.len() as u64;
    let duplicates = clustered - clusters;
    let stats = DedupStats {
        inputs: input.sources.iter().map(|s| s.name.clone()).collect(),
        documents: n as u64,
        bytes: first.text_bytes,
        input_bytes: first.input_bytes,
        empty_documents,
        clusters,
        clustered_documents: clustered,
        duplicates,
        kept: n as u64 - duplicates,
        skipped: first.skipped.clone(),
        similarity,
        parameters: Parameters {
            shingle: config.shingle,
            permutations: k,
            seed: config.seed,
            threshold: t,
            bands: lsh.bands,
            rows: lsh.rows,
            verify: config.verify,
            exact_zone: zone.map(|[lo, hi]| [round4(lo), round4(hi.min(1.0))]),
            bucket_cap: config.bucket_cap,
            bucket_window: BUCKET_WINDOW,
            text_field: config.read.text_field.to_string(),
            id_field: config.read.id_field.as_ref().map(|f| f.to_string()),
            scheme: crate::sketch::minhash::SCHEME,
        },
        work,
        seconds: Seconds {
            read_and_sign: read_secs,
            lsh_and_verify: lsh_secs,
            exact: exact_secs,
            cluster: cluster_secs,
            write: 0.0,
            total: start.elapsed().as_secs_f64(),
        },
        peak_rss_bytes: peak_rss_bytes(),
    };
    Ok(Deduped {
        store,
        members,
        duplicate_bits,
        stats,
        input,
        first,
        _spool: spool,
    })
}

/// `(root, document)` for every document in a set of two or more, sorted:
/// each component is a run with one root (its earliest document).
fn component_members(uf: &mut UnionFind, n: usize) -> Vec<(u32, u32)> {
    let mut by_root: Vec<(u32, u32)> = Vec::new();
    for d in 0..n as u32 {
        let root = uf.find(d);
        if root != d {
            by_root.push((root, d));
        }
    }
    // Each root joins its own component.
    let mut roots: Vec<u32> = by_root.iter().map(|p| p.0).collect();
    roots.sort_unstable();
    roots.dedup();
    by_root.extend(roots.into_iter().map(|r| (r, r)));
    by_root.par_sort_unstable();
    by_root
}

/// Member pairs `(a, b)`, `a < b`, of one component (sorted by document)
/// whose estimate falls in the uncertain zone.
fn uncertain_pairs(
    c: &[(u32, u32)],
    store: &DocStore,
    classify: &(impl Fn(f64) -> Verdict + Sync),
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for i in 0..c.len() {
        for j in i + 1..c.len() {
            let (a, b) = (c[i].1, c[j].1);
            if classify(estimate(store.signature(a), store.signature(b))) == Verdict::Exact {
                out.push((a, b));
            }
        }
    }
    out
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
                    if self.is_duplicate(doc) {
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
