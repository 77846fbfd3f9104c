//! The dedup run as stages, one method each: prepare the input, sign (pass
//! 1), band (LSH with signature verification), verify exactly, cluster
//! (components, then the star split), exact similarities, statistics.

use std::time::Instant;

use rayon::prelude::*;

use super::exact::{self, Exact};
use super::pass::{run_pass, PassInput, PassSummary};
use super::sign::DocumentSigner;
use super::store::DocStore;
use super::{
    sigma, DedupConfig, DedupStats, Deduped, Member, Parameters, Progress, Seconds, Verify, Work,
    BUCKET_WINDOW, EXACT_PREFILTER_SIGMAS, LSH_RECALL_AT_THRESHOLD, SPLIT_EXACT_CAP,
    SPLIT_REPRESENTATIVES, UNCERTAIN_SIGMAS,
};
use crate::error::{Error, Result};
use crate::sketch::lsh::{band_hash, LshParams};
use crate::sketch::shingle::Shingler;
use crate::source::{ReadOptions, Source};
use crate::util::{round4, UnionFind};

/// What the signature estimate says of a candidate pair.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Accept,
    Reject,
    Exact,
}

/// Exact Jaccard values by pair, sorted by pair.
type Known = Vec<((u32, u32), f32)>;

/// Crawl dedup, built once from a validated [`DedupConfig`].
#[derive(Debug, Clone)]
pub struct Deduper {
    config: DedupConfig,
    shingler: Shingler,
    signer: DocumentSigner,
    lsh: LshParams,
    /// The estimates that go to exact verification, `[lo, hi)`.
    zone: Option<[f64; 2]>,
}

/// The input of a run, with standard input copied aside when it must be
/// read again.
struct Input {
    pass: PassInput,
    spool: Option<tempfile::NamedTempFile>,
}

/// What pass 1 leaves.
struct Signed {
    store: DocStore,
    first: PassSummary,
    empty_documents: u64,
}

/// Clusters in output form.
struct Clusters {
    members: Vec<Member>,
    duplicate_bits: Vec<u64>,
    count: u32,
}

impl Deduper {
    /// Validates `config`; an invalid setting is
    /// [`Error::InvalidParameter`] naming it.
    pub fn new(config: DedupConfig) -> Result<Deduper> {
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
        let (t, s) = (
            config.threshold,
            sigma(config.threshold, config.permutations),
        );
        let zone = match config.verify {
            Verify::Auto => Some([t - UNCERTAIN_SIGMAS * s, t + UNCERTAIN_SIGMAS * s]),
            Verify::Exact => Some([t - EXACT_PREFILTER_SIGMAS * s, f64::INFINITY]),
            Verify::Signature => None,
        };
        Ok(Deduper {
            config,
            shingler,
            signer,
            lsh,
            zone,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    pub(super) fn classify(&self, e: f64) -> Verdict {
        match self.zone {
            None if e >= self.config.threshold => Verdict::Accept,
            None => Verdict::Reject,
            Some([lo, _]) if e < lo => Verdict::Reject,
            Some([_, hi]) if e >= hi => Verdict::Accept,
            Some(_) => Verdict::Exact,
        }
    }

    /// Finds near-duplicate clusters among the records of `sources`.
    pub fn run(&self, sources: Vec<Source>, progress: &dyn Progress) -> Result<Deduped> {
        let start = Instant::now();
        let mut input = self.prepare(sources)?;
        let mut signed = self.sign(&mut input, progress)?;
        let duplicates = signed.store.duplicate_ids();
        if !duplicates.is_empty() {
            if !self.config.unique_ids {
                return Err(duplicate_id_error(&input.pass, &signed.store, &duplicates));
            }
            signed.store.make_unique(&duplicates);
        }
        let mut seconds = Seconds {
            read_and_sign: start.elapsed().as_secs_f64(),
            ..Seconds::default()
        };
        let n = signed.store.len();
        let mut work = Work {
            passes: 1,
            ..Work::default()
        };

        let lsh_start = Instant::now();
        let mut uf = UnionFind::new(n);
        let exact_pairs = self.band(&signed.store, &mut uf, &mut work);
        if progress.cancelled() {
            return Err(Error::Interrupted);
        }
        seconds.lsh_and_verify = lsh_start.elapsed().as_secs_f64();

        let exact_start = Instant::now();
        let ctx = Exact {
            input: &input.pass,
            first: &signed.first,
            shingler: &self.shingler,
            budget_bytes: self.config.exact_memory,
            progress,
        };
        let mut passes = 1usize;
        let (mut known, ahead) = self.verify(
            &ctx,
            &signed.store,
            &mut uf,
            exact_pairs,
            &mut work,
            &mut passes,
        )?;
        seconds.exact = exact_start.elapsed().as_secs_f64();

        let cluster_start = Instant::now();
        let by_root = component_members(&mut uf, n);
        drop(uf);
        let t0 = Instant::now();
        self.complete_split_values(
            &ctx,
            &signed.store,
            &by_root,
            &mut known,
            ahead,
            &mut work,
            &mut passes,
        )?;
        let split_secs = t0.elapsed().as_secs_f64();
        let mut clusters = self.cluster(&signed.store, &by_root, &known);
        drop(by_root);
        let t0 = Instant::now();
        let similarity =
            self.exact_similarities(&ctx, &mut clusters.members, &known, &mut passes)?;
        seconds.exact += split_secs + t0.elapsed().as_secs_f64();
        drop(known);
        let Signed {
            mut store,
            first,
            empty_documents,
        } = signed;
        store.drop_signatures();
        seconds.cluster = cluster_start.elapsed().as_secs_f64() - split_secs;
        work.passes = passes as u64;
        seconds.total = start.elapsed().as_secs_f64();

        let stats = self.stats(
            &input.pass,
            &first,
            n,
            empty_documents,
            &clusters,
            similarity,
            work,
            seconds,
        );
        Ok(Deduped {
            store,
            members: clusters.members,
            duplicate_bits: clusters.duplicate_bits,
            stats,
            input: input.pass,
            first,
            _spool: input.spool,
        })
    }

    /// The sources as a pass input; standard input is copied aside when it
    /// must be read again.
    fn prepare(&self, sources: Vec<Source>) -> Result<Input> {
        let config = &self.config;
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
        Ok(Input {
            pass: PassInput {
                sources,
                opts: ReadOptions {
                    keep_raw: false,
                    ..config.read.clone()
                },
                batch_bytes: config.batch_bytes,
                total_bytes,
            },
            spool,
        })
    }

    /// Pass 1: every record signed in parallel, batch by batch; only ids
    /// and signatures are kept.
    fn sign(&self, input: &mut Input, progress: &dyn Progress) -> Result<Signed> {
        let k = self.config.permutations;
        let mut store = DocStore::new(*self.signer.params());
        let mut sigs: Vec<u32> = Vec::new();
        let mut empties: Vec<bool> = Vec::new();
        let mut empty_documents = 0u64;
        let tee = match &input.spool {
            Some(f) => Some(f.as_file().try_clone().map_err(|source| Error::Io {
                path: f.path().to_path_buf(),
                source,
            })?),
            None => None,
        };
        let first = run_pass(&input.pass, false, tee, progress, "reading", |_, batch| {
            self.signer.sign_batch(batch, &mut sigs, &mut empties);
            for i in 0..batch.len() {
                empty_documents += empties[i] as u64;
                store.push(batch.id(i), &sigs[i * k..(i + 1) * k], empties[i])?;
            }
            Ok(())
        })?;
        if let Some(f) = &input.spool {
            // Later passes read the copy, under the same name.
            for s in input.pass.sources.iter_mut().filter(|s| s.path.is_none()) {
                s.path = Some(f.path().to_path_buf());
            }
        }
        Ok(Signed {
            store,
            first,
            empty_documents,
        })
    }

    /// LSH, band by band: candidate pairs not yet in one set are judged by
    /// their estimate; accepted pairs are joined in `uf`, uncertain ones
    /// returned for exact verification.
    fn band(&self, store: &DocStore, uf: &mut UnionFind, work: &mut Work) -> Vec<(u32, u32)> {
        let n = store.len();
        let r = self.lsh.rows;
        let mut exact_pairs: Vec<(u32, u32)> = Vec::new();
        for band in 0..self.lsh.bands {
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
            let pairs = self.bucket_pairs(store, &keys, uf, work);
            work.candidate_pairs += pairs.len() as u64;
            let verdicts: Vec<Verdict> = pairs
                .par_iter()
                .map(|&(a, b)| self.classify(store.estimate(a, b)))
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
        exact_pairs
    }

    /// The candidate pairs of one band's sorted `(hash, document)` keys
    /// that are not already in one set; an oversized bucket pairs each
    /// member with its next [`BUCKET_WINDOW`] by whole-signature hash.
    fn bucket_pairs(
        &self,
        store: &DocStore,
        keys: &[(u64, u32)],
        uf: &mut UnionFind,
        work: &mut Work,
    ) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        work.oversized_buckets += for_each_bucket(
            keys,
            |x, y| x.0 == y.0,
            |k| k.1,
            self.config.bucket_cap,
            |_, d| whole_signature_hash(store.signature(d)),
            |a, b| {
                if uf.find(a) != uf.find(b) {
                    pairs.push((a, b));
                }
            },
        );
        pairs
    }

    /// Exact verification of the uncertain pairs not already joined, plus,
    /// speculatively, the uncertain member pairs of the small components the
    /// split may ask about. Returns the verified values and the speculative
    /// ones, each sorted by pair.
    fn verify(
        &self,
        ctx: &Exact,
        store: &DocStore,
        uf: &mut UnionFind,
        mut exact_pairs: Vec<(u32, u32)>,
        work: &mut Work,
        passes: &mut usize,
    ) -> Result<(Known, Known)> {
        exact_pairs.sort_unstable();
        exact_pairs.dedup();
        exact_pairs.retain(|&(a, b)| uf.find(a) != uf.find(b));
        // The split needs exact values of uncertain member pairs of small
        // components, which are known only after verification. Final
        // components lie inside the components obtained by accepting every
        // pair under verification, so the uncertain member pairs of those
        // (when small) are checked in the same pass, speculatively: one pass
        // over the input instead of two. Only values the split asks for are
        // used, so the output is the same as with a separate pass.
        let speculative: Vec<(u32, u32)> = if self.zone.is_some() && !exact_pairs.is_empty() {
            let mut optimistic = uf.clone();
            for &(a, b) in &exact_pairs {
                optimistic.union(a, b);
            }
            let members = component_members(&mut optimistic, store.len());
            drop(optimistic);
            let mut pairs = self.uncertain_in_small(store, &members);
            pairs.retain(|p| exact_pairs.binary_search(p).is_err());
            pairs.sort_unstable();
            pairs
        } else {
            Vec::new()
        };
        let (mut known, mut ahead) = (Known::new(), Known::new());
        if !exact_pairs.is_empty() {
            let all: Vec<(u32, u32)> = exact_pairs.iter().chain(&speculative).copied().collect();
            work.exact_checks += all.len() as u64;
            let js = exact::exact_jaccards(ctx, &all, "verifying", passes)?;
            let (js, js_ahead) = js.split_at(exact_pairs.len());
            for (&(a, b), &j) in exact_pairs.iter().zip(js) {
                known.push(((a, b), j as f32));
                if j >= self.config.threshold {
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
        Ok((known, ahead))
    }

    /// Uncertain member pairs of the components (runs of `(root, doc)`) of
    /// at most [`SPLIT_EXACT_CAP`] members.
    fn uncertain_in_small(&self, store: &DocStore, by_root: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let components: Vec<&[(u32, u32)]> = by_root.chunk_by(|x, y| x.0 == y.0).collect();
        components
            .par_iter()
            .filter(|c| c.len() <= SPLIT_EXACT_CAP)
            .flat_map_iter(|c| self.uncertain_pairs(c, store))
            .collect()
    }

    /// Member pairs `(a, b)`, `a < b`, of one component (sorted by
    /// document) whose estimate falls in the uncertain zone.
    fn uncertain_pairs(&self, c: &[(u32, u32)], store: &DocStore) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                let (a, b) = (c[i].1, c[j].1);
                if self.classify(store.estimate(a, b)) == Verdict::Exact {
                    out.push((a, b));
                }
            }
        }
        out
    }

    /// Makes `known` hold every exact value the split will ask for: the
    /// uncertain member pairs of small final components, from the
    /// speculative values where they were checked ahead, else in one more
    /// pass.
    #[allow(clippy::too_many_arguments)]
    fn complete_split_values(
        &self,
        ctx: &Exact,
        store: &DocStore,
        by_root: &[(u32, u32)],
        known: &mut Known,
        ahead: Known,
        work: &mut Work,
        passes: &mut usize,
    ) -> Result<()> {
        let mut split_pairs = if self.zone.is_some() {
            self.uncertain_in_small(store, by_root)
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
            work.exact_checks += split_pairs.len() as u64;
            let js = exact::exact_jaccards(ctx, &split_pairs, "splitting", passes)?;
            known.extend(split_pairs.iter().zip(js).map(|(&p, j)| (p, j as f32)));
            known.par_sort_unstable_by_key(|k| k.0);
        }
        Ok(())
    }

    /// Star split of every component: in input order, each member joins the
    /// most similar representative (among the latest
    /// [`SPLIT_REPRESENTATIVES`]) that it reaches the threshold with, or
    /// becomes a representative itself. Clusters of one are dropped.
    fn cluster(&self, store: &DocStore, by_root: &[(u32, u32)], known: &Known) -> Clusters {
        let t = self.config.threshold;
        let similarity_of = |a: u32, b: u32| -> f32 {
            let key = if a < b { (a, b) } else { (b, a) };
            match known.binary_search_by_key(&key, |k| k.0) {
                Ok(i) => known[i].1,
                Err(_) => store.estimate(a, b) as f32,
            }
        };
        let components: Vec<&[(u32, u32)]> = by_root.chunk_by(|x, y| x.0 == y.0).collect();
        let stars: Vec<Vec<(u32, u32, f32)>> = components
            .par_iter()
            .map(|c| split_component(c.iter().map(|&(_, m)| m), t, similarity_of))
            .collect();
        let mut star: Vec<(u32, u32, f32)> = stars.into_iter().flatten().collect();
        star.par_sort_unstable_by_key(|&(r, m, _)| (r, m));
        let n = store.len();
        let mut out = Clusters {
            members: Vec::new(),
            duplicate_bits: vec![0u64; n.div_ceil(64)],
            count: 0,
        };
        for run in star.chunk_by(|x, y| x.0 == y.0) {
            if run.len() < 2 {
                continue;
            }
            for &(rep, d, sim) in run {
                if d != rep {
                    out.duplicate_bits[d as usize / 64] |= 1 << (d % 64);
                }
                out.members.push(Member {
                    doc: d,
                    cluster: out.count,
                    representative: rep,
                    similarity: sim,
                });
            }
            out.count += 1;
        }
        out
    }

    /// With [`Verify::Exact`], makes every reported similarity exact
    /// (members of large components were split by estimates). Returns what
    /// the reported similarities are.
    fn exact_similarities(
        &self,
        ctx: &Exact,
        members: &mut [Member],
        known: &Known,
        passes: &mut usize,
    ) -> Result<&'static str> {
        if self.config.verify != Verify::Exact {
            return Ok(if self.zone.is_some() {
                "exact jaccard where the estimate was uncertain, else the minhash estimate"
            } else {
                "minhash estimate of jaccard"
            });
        }
        let missing: Vec<(u32, u32)> = members
            .iter()
            .filter(|m| m.doc != m.representative)
            .map(|m| (m.representative, m.doc))
            .filter(|p| known.binary_search_by_key(p, |k| k.0).is_err())
            .collect();
        if !missing.is_empty() {
            let js = exact::exact_jaccards(ctx, &missing, "similarity", passes)?;
            let mut fix: Known = missing
                .into_iter()
                .zip(js.into_iter().map(|j| j as f32))
                .collect();
            fix.sort_unstable_by_key(|k| k.0);
            for m in members.iter_mut().filter(|m| m.doc != m.representative) {
                if let Ok(i) = fix.binary_search_by_key(&(m.representative, m.doc), |k| k.0) {
                    m.similarity = fix[i].1;
                }
            }
        }
        Ok("exact jaccard of word shingle sets")
    }

    /// The parameters as written to `stats.json`.
    pub(crate) fn parameters(&self) -> Parameters {
        let config = &self.config;
        Parameters {
            shingle: config.shingle,
            permutations: config.permutations,
            seed: config.seed,
            threshold: config.threshold,
            bands: self.lsh.bands,
            rows: self.lsh.rows,
            verify: config.verify,
            exact_zone: self.zone.map(|[lo, hi]| [round4(lo), round4(hi.min(1.0))]),
            bucket_cap: config.bucket_cap,
            bucket_window: BUCKET_WINDOW,
            text_field: config.read.text_field.to_string(),
            id_field: config.read.id_field.as_ref().map(|f| f.to_string()),
            scheme: crate::sketch::minhash::SCHEME,
        }
    }

    /// The LSH banding in force.
    pub(crate) fn lsh(&self) -> &LshParams {
        &self.lsh
    }

    /// The shingler of exact verification.
    pub(crate) fn shingler(&self) -> &Shingler {
        &self.shingler
    }

    /// The document signer.
    pub(crate) fn signer(&self) -> &DocumentSigner {
        &self.signer
    }

    /// What `similarity` in clusters.jsonl is.
    pub(crate) fn similarity_kind(&self) -> &'static str {
        match (self.config.verify, self.zone.is_some()) {
            (Verify::Exact, _) => "exact jaccard of word shingle sets",
            (_, true) => {
                "exact jaccard where the estimate was uncertain, else the minhash estimate"
            }
            (_, false) => "minhash estimate of jaccard",
        }
    }

    /// The statistics of a finished run.
    #[allow(clippy::too_many_arguments)]
    fn stats(
        &self,
        input: &PassInput,
        first: &PassSummary,
        n: usize,
        empty_documents: u64,
        clusters: &Clusters,
        similarity: &'static str,
        work: Work,
        seconds: Seconds,
    ) -> DedupStats {
        let clustered = clusters.members.len() as u64;
        let duplicates = clustered - clusters.count as u64;
        DedupStats {
            inputs: input.sources.iter().map(|s| s.name.clone()).collect(),
            documents: n as u64,
            bytes: first.text_bytes,
            input_bytes: first.input_bytes,
            empty_documents,
            clusters: clusters.count as u64,
            clustered_documents: clustered,
            duplicates,
            kept: n as u64 - duplicates,
            skipped: first.skipped.clone(),
            similarity,
            parameters: self.parameters(),
            work,
            seconds,
            peak_rss_bytes: super::peak_rss_bytes(),
        }
    }
}

/// Finds near-duplicate clusters among the records of `sources`:
/// [`Deduper::new`] then [`Deduper::run`].
pub fn dedup(
    sources: Vec<Source>,
    config: &DedupConfig,
    progress: &dyn Progress,
) -> Result<Deduped> {
    Deduper::new(config.clone())?.run(sources, progress)
}

/// The hash that orders an oversized bucket's members (identical
/// documents become neighbours).
pub(super) fn whole_signature_hash(values: &[u32]) -> u64 {
    band_hash(values, usize::MAX)
}

/// Calls `pair(a, b)` for the candidate pairs of one bucket (`members` in
/// document order): every pair when there are at most `cap` members, else
/// each member with its next [`BUCKET_WINDOW`] in the order of
/// `whole_hash` (then document). Returns true for an oversized bucket.
fn bucket_candidates(
    members: &[u32],
    cap: usize,
    whole_hash: impl Fn(u32) -> u64,
    mut pair: impl FnMut(u32, u32),
) -> bool {
    let m = members.len();
    if m < 2 {
        return false;
    }
    if m <= cap {
        for i in 0..m {
            for j in i + 1..m {
                pair(members[i], members[j]);
            }
        }
        return false;
    }
    let mut order: Vec<(u64, u32)> = members.iter().map(|&d| (whole_hash(d), d)).collect();
    order.sort_unstable();
    for i in 0..m {
        for j in i + 1..m.min(i + 1 + BUCKET_WINDOW) {
            pair(order[i].1, order[j].1);
        }
    }
    true
}

/// Calls `pair(a, b)`, `a < b`, for the candidate pairs
/// ([`bucket_candidates`]) of every bucket of `keys`: a bucket is a run of
/// two or more keys that `same_bucket` joins, its members' documents
/// (`doc`) in document order; `whole_hash(bucket, d)` is the
/// whole-signature hash of member `d`. Shared by the single-machine run
/// and the `bucket` stage ([`super::stages`]). Returns the number of
/// oversized buckets.
pub(super) fn for_each_bucket<K>(
    keys: &[K],
    same_bucket: impl FnMut(&K, &K) -> bool,
    doc: impl Fn(&K) -> u32,
    cap: usize,
    whole_hash: impl Fn(&[K], u32) -> u64,
    mut pair: impl FnMut(u32, u32),
) -> u64 {
    let mut members: Vec<u32> = Vec::new();
    let mut oversized = 0u64;
    for bucket in keys.chunk_by(same_bucket) {
        if bucket.len() < 2 {
            continue;
        }
        members.clear();
        members.extend(bucket.iter().map(&doc));
        let big = bucket_candidates(
            &members,
            cap,
            |d| whole_hash(bucket, d),
            |a, b| if a < b { pair(a, b) } else { pair(b, a) },
        );
        oversized += u64::from(big);
    }
    oversized
}

/// The star split of one component (members in document order): each
/// member joins the most similar representative among the latest
/// [`SPLIT_REPRESENTATIVES`] that it reaches threshold `t` with, or
/// becomes one. Returns `(representative, member, similarity)` in member
/// order.
pub(super) fn split_component(
    members: impl Iterator<Item = u32>,
    t: f64,
    similarity_of: impl Fn(u32, u32) -> f32,
) -> Vec<(u32, u32, f32)> {
    let mut reps: Vec<u32> = Vec::new();
    let mut out: Vec<(u32, u32, f32)> = Vec::new();
    for m in members {
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

/// The error for the earliest repeated id: where its second record is and
/// where the first one is, found by reading the input again (when it can be
/// read again: standard input is read once unless it was copied aside).
fn duplicate_id_error(input: &PassInput, store: &DocStore, groups: &[Vec<u32>]) -> Error {
    let (first, second) = groups
        .iter()
        .map(|g| (g[0], g[1]))
        .min_by_key(|&(_, b)| b)
        .expect("a group");
    let mut found: [Option<(String, crate::error::Position)>; 2] = [None, None];
    if input.sources.iter().all(|s| s.path.is_some()) {
        let _ = run_pass(
            input,
            false,
            None,
            &super::NoProgress,
            "locating",
            |base, batch| {
                for i in 0..batch.len() {
                    let d = base + i as u64;
                    for (slot, want) in found.iter_mut().zip([first, second]) {
                        if d == want as u64 {
                            *slot = Some((
                                input.sources[batch.source(i)].name.clone(),
                                batch.position(i),
                            ));
                        }
                    }
                }
                Ok(())
            },
        );
    }
    let [a, b] = found;
    let at = |f: &Option<(String, crate::error::Position)>, doc: u32| match f {
        Some((p, pos)) => format!("{p}: {pos}"),
        None => format!("record {} of the input", doc + 1),
    };
    Error::DuplicateId {
        id: store.id(first).to_owned(),
        path: b.as_ref().map(|(p, _)| p.into()).unwrap_or_default(),
        at: at(&b, second),
        first: at(&a, first),
    }
}
