//! Crawl dedup as stages that any engine can run (issue 15): each task is a
//! pure function of `(stage, rank)` and the files of the earlier stages in
//! one work directory (local disk or a shared filesystem), so an engine
//! (the local executor [`run_local`], or `syndic.ray` in Python) only
//! schedules tasks and never holds per-document data.
//!
//! A document is numbered by (input in the order given, record number):
//! shard `s` is input `s` (after directories are expanded, in name order),
//! and its documents follow those of the shards before it. The stages, in
//! order, with their task counts (`S` shards, `P` partitions):
//!
//! 1. `sign` (S): signatures, ids, per-partition runs of `(band, band key,
//!    whole-signature hash, document)` and of id hashes;
//! 2. `bucket` (P): a partition's buckets merged, candidate pairs exactly as
//!    the single-machine run makes them, judged by their estimate; repeated
//!    ids found;
//! 3. `cc1.L` (P, then P/4, ... down to 1): connected components of the
//!    accepted pairs, partial union-find forests merged in a tree (no task
//!    holds all edges: each level holds at most one forest edge per
//!    clustered document of its inputs);
//! 4. `filter` (P): uncertain pairs not already joined, and the documents
//!    their exact check needs, per shard;
//! 5. `verify.fetch` (S) and `verify.jaccard` (P): exact Jaccard of those
//!    pairs (each shard re-read once for the shingle sets of the documents
//!    asked for);
//! 6. `cc2.L`: components of everything accepted;
//! 7. `group` (P, components by root range): members, and the uncertain
//!    member pairs of small components; `split.fetch` / `split.jaccard`
//!    check those exactly;
//! 8. `split` (P): the star split around representatives (the same
//!    function as the single-machine run); with `--exact`, `sims.fetch` /
//!    `sims.jaccard` make every reported similarity exact;
//! 9. `write.clusters` (P) and `write.shards` (S): the pieces of
//!    `clusters.jsonl`, `duplicates.txt` and `deduped.*`, which
//!    `report::dedup::write_stage_outputs` concatenates, with `stats.json`.
//!
//! Every output file is written under a temporary name and renamed
//! ([`crate::util::write_atomically`]), and a task ends by writing its
//! completion marker (`done/STAGE.RANK.json`, with its counters and
//! timings): a task whose marker exists is not run again, and a task killed
//! half-way leaves nothing a retry would trip on.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::exact::shingle_set;
use super::pass::{check_same, run_pass, PassInput, PassSummary};
use super::run::{for_each_bucket, split_component, whole_signature_hash, Verdict};
use super::{
    DedupConfig, DedupStats, Deduper, Member, NoProgress, Seconds, Verify, Work, SPLIT_EXACT_CAP,
};
use crate::error::{Error, Result};
use crate::sketch::lsh::band_hash;
use crate::sketch::minhash::estimate;
use crate::sketch::shingle;
use crate::source::{FieldPath, InputFormat, RawKind, ReadOptions, SkipLog, Source, SKIP_EXAMPLES};
use crate::util::{write_atomically, UnionFind};

/// Forests merged per task in the connected-components tree.
pub const CC_FAN_IN: usize = 4;
/// Version of the work directory's layout.
const PLAN_VERSION: u32 = 2;

/// One input of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlanSource {
    name: String,
    path: PathBuf,
    format: Option<String>,
}

/// The dedup settings, as stored in `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlanOptions {
    shingle: usize,
    permutations: usize,
    seed: u64,
    threshold: f64,
    verify: String,
    text_field: String,
    id_field: Option<String>,
    skip_bad: bool,
    max_record_bytes: usize,
    encoding: Option<String>,
    strict_utf8: bool,
    batch_bytes: usize,
    bucket_cap: usize,
    write_deduped: bool,
    unique_ids: bool,
}

/// `plan.json`: everything every task needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlanFile {
    version: u32,
    sources: Vec<PlanSource>,
    options: PlanOptions,
    partitions: usize,
    /// Documents at the front (shard 0) that are archived documents of a
    /// run against an archive (`dedup --against`); `None` for an ordinary
    /// run.
    #[serde(default)]
    archived: Option<u32>,
}

/// The file of a run against an archive that names its archived
/// documents: a JSON array of their ids, in document order.
pub const ARCHIVED_IDS: &str = "archived.ids.json";

/// One stage: its name and number of tasks (ranks `0..tasks`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The name, as given to [`Plan::run_task`].
    pub name: String,
    /// Number of tasks.
    pub tasks: usize,
}

/// A dedup run laid out as stages in a work directory.
#[derive(Debug, Clone)]
pub struct Plan {
    dir: PathBuf,
    file: PlanFile,
    deduper: Deduper,
    config: DedupConfig,
    sources: Vec<Source>,
}

/// What split task `q` found (`star/Q.json`).
#[derive(Debug, Serialize, Deserialize)]
struct StarCounts {
    /// Clusters per representative range.
    per_range: Vec<u64>,
    /// Members of those clusters.
    members: u64,
    /// Of those, new documents (all of them in an ordinary run).
    new_members: u64,
    /// Of those, duplicates (not their cluster's representative).
    new_duplicates: u64,
}

/// What a task reports in its completion marker.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Marker {
    seconds: f64,
    peak_rss_bytes: Option<u64>,
    #[serde(default)]
    counts: std::collections::BTreeMap<String, u64>,
}

/// What `sign` records of a shard.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ShardSummary {
    documents: u64,
    text_bytes: u64,
    input_bytes: u64,
    fingerprint: u64,
    empty_documents: u64,
    skipped_records: u64,
    skipped_examples: Vec<String>,
}

fn format_name(f: InputFormat) -> &'static str {
    match f {
        InputFormat::Jsonl => "jsonl",
        InputFormat::Parquet => "parquet",
        InputFormat::Warc => "warc",
        InputFormat::Text => "text",
    }
}

fn format_of(name: &str) -> Option<InputFormat> {
    match name {
        "jsonl" => Some(InputFormat::Jsonl),
        "parquet" => Some(InputFormat::Parquet),
        "warc" => Some(InputFormat::Warc),
        "text" => Some(InputFormat::Text),
        _ => None,
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn bad_plan(path: &Path, reason: String) -> Error {
    Error::BadOutput {
        path: path.to_path_buf(),
        reason,
    }
}

/// Reads a whole file.
fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut v))
        .map_err(io_err(path))?;
    Ok(v)
}

/// A fixed-size record of the work files: a number in little-endian
/// order, or a tuple of records one after the other.
trait Record: Sized {
    /// Bytes per record.
    const BYTES: usize;
    /// The record at the start of `b` (at least [`Record::BYTES`] long).
    fn decode(b: &[u8]) -> Self;
    /// Writes the record's bytes.
    fn encode(&self, w: &mut (impl Write + ?Sized)) -> std::io::Result<()>;
}

macro_rules! number_record {
    ($($t:ty),*) => {$(
        impl Record for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            fn decode(b: &[u8]) -> Self {
                <$t>::from_le_bytes(b[..Self::BYTES].try_into().expect("a whole record"))
            }
            fn encode(&self, w: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
                w.write_all(&self.to_le_bytes())
            }
        }
    )*};
}

number_record!(u32, u64, f32, f64);

macro_rules! tuple_record {
    ($($t:ident $x:ident),+) => {
        impl<$($t: Record),+> Record for ($($t,)+) {
            const BYTES: usize = 0 $(+ $t::BYTES)+;
            #[allow(unused_assignments)]
            fn decode(b: &[u8]) -> Self {
                let mut at = 0;
                ($({
                    let $x = $t::decode(&b[at..]);
                    at += $t::BYTES;
                    $x
                },)+)
            }
            fn encode(&self, w: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
                let ($($x,)+) = self;
                $($x.encode(w)?;)+
                Ok(())
            }
        }
    };
}

tuple_record!(A a, B b);
tuple_record!(A a, B b, C c);
tuple_record!(A a, B b, C c, D d);

/// The records in `b` (a trailing partial record is ignored).
fn decode_records<'a, T: Record + 'a>(b: &'a [u8]) -> impl Iterator<Item = T> + 'a {
    b.chunks_exact(T::BYTES).map(T::decode)
}

/// A whole file of records.
fn read_records<T: Record>(path: &Path) -> Result<Vec<T>> {
    Ok(decode_records(&read_all(path)?).collect())
}

/// The records `start..end` of a file of records.
fn read_records_range<T: Record>(path: &Path, start: u64, end: u64) -> Result<Vec<T>> {
    use std::io::{Seek, SeekFrom};
    let size = T::BYTES as u64;
    let mut b = vec![0u8; (end.saturating_sub(start) * size) as usize];
    File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::Start(start * size))?;
            f.read_exact(&mut b)
        })
        .map_err(io_err(path))?;
    Ok(decode_records(&b).collect())
}

/// Writes `records` as a file of records.
fn write_records<T: Record>(path: &Path, records: &[T]) -> Result<()> {
    write_atomically(path, |w| records.iter().try_for_each(|r| r.encode(w)))
}

/// The `filter` partition that checks an uncertain pair. A pair found in
/// several bucket partitions (in several bands) is routed to the same one
/// from each, so it is checked exactly once. A fixed multiplicative hash of
/// the two document numbers: the same on every machine.
fn route(pair: (u32, u32), parts: usize) -> usize {
    let x = (u64::from(pair.0) << 32 | u64::from(pair.1)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((u128::from(x >> 32) * parts as u128) >> 32) as usize
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    write_atomically(path, |w| {
        serde_json::to_writer(&mut *w, value).map_err(std::io::Error::other)
    })
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let b = read_all(path)?;
    serde_json::from_slice(&b).map_err(|e| bad_plan(path, format!("unreadable: {e}")))
}

/// Random access to the signatures of all shards.
struct Signatures<'a> {
    plan: &'a Plan,
    offsets: &'a [u64],
    files: Vec<Option<File>>,
    k: usize,
}

impl<'a> Signatures<'a> {
    fn new(plan: &'a Plan, offsets: &'a [u64]) -> Self {
        Signatures {
            plan,
            offsets,
            files: (0..plan.file.sources.len()).map(|_| None).collect(),
            k: plan.config.permutations,
        }
    }

    fn read(&mut self, doc: u32, out: &mut Vec<u32>) -> Result<()> {
        let s = shard_of(self.offsets, doc);
        let local = u64::from(doc) - self.offsets[s];
        let path = self.plan.path(&format!("sign/{s}.sig"));
        if self.files[s].is_none() {
            self.files[s] = Some(File::open(&path).map_err(io_err(&path))?);
        }
        let mut buf = vec![0u8; self.k * 4];
        self.files[s]
            .as_ref()
            .expect("opened")
            .read_exact_at(&mut buf, local * self.k as u64 * 4)
            .map_err(io_err(&path))?;
        out.clear();
        out.extend(decode_records::<u32>(&buf));
        Ok(())
    }
}

/// Random access to the ids of all shards.
struct Ids<'a> {
    plan: &'a Plan,
    offsets: &'a [u64],
    files: Vec<Option<(File, File)>>,
}

impl<'a> Ids<'a> {
    fn new(plan: &'a Plan, offsets: &'a [u64]) -> Self {
        Ids {
            plan,
            offsets,
            files: (0..plan.file.sources.len()).map(|_| None).collect(),
        }
    }

    fn id(&mut self, doc: u32) -> Result<String> {
        let s = shard_of(self.offsets, doc);
        let local = u64::from(doc) - self.offsets[s];
        let (ipath, apath) = (
            self.plan.path(&format!("sign/{s}.idx")),
            self.plan.path(&format!("sign/{s}.ids")),
        );
        if self.files[s].is_none() {
            self.files[s] = Some((
                File::open(&ipath).map_err(io_err(&ipath))?,
                File::open(&apath).map_err(io_err(&apath))?,
            ));
        }
        let (idx, arena) = self.files[s].as_ref().expect("opened");
        let mut b = [0u8; 8];
        let start = if local == 0 {
            0
        } else {
            idx.read_exact_at(&mut b, (local - 1) * 8)
                .map_err(io_err(&ipath))?;
            u64::from_le_bytes(b)
        };
        idx.read_exact_at(&mut b, local * 8)
            .map_err(io_err(&ipath))?;
        let end = u64::from_le_bytes(b);
        let mut id = vec![0u8; (end - start) as usize];
        arena
            .read_exact_at(&mut id, start)
            .map_err(io_err(&apath))?;
        String::from_utf8(id).map_err(|_| bad_plan(&apath, "an id is not UTF-8".into()))
    }
}

/// The shard holding global document `doc`.
fn shard_of(offsets: &[u64], doc: u32) -> usize {
    offsets.partition_point(|&o| o <= u64::from(doc)) - 1
}

/// Union-find over the documents that occur in `edges`; returns
/// `(document, root)` for every document that is not its set's root,
/// sorted, roots being the smallest member.
fn forest(edges: &mut Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut nodes: Vec<u32> = edges.iter().flat_map(|&(a, b)| [a, b]).collect();
    nodes.par_sort_unstable();
    nodes.dedup();
    let index = |x: u32| nodes.binary_search(&x).expect("a node") as u32;
    let mut uf = UnionFind::new(nodes.len());
    for &(a, b) in edges.iter() {
        uf.union(index(a), index(b));
    }
    edges.clear();
    edges.shrink_to_fit();
    (0..nodes.len() as u32)
        .filter_map(|i| {
            let r = uf.find(i);
            (r != i).then(|| (nodes[i as usize], nodes[r as usize]))
        })
        .collect()
}

/// A final forest: the root of every clustered document.
struct Labels(Vec<(u32, u32)>);

impl Labels {
    fn root(&self, d: u32) -> u32 {
        match self.0.binary_search_by_key(&d, |x| x.0) {
            Ok(i) => self.0[i].1,
            Err(_) => d,
        }
    }
}

/// The documents of the exact checks of one partition's pairs, per shard
/// (local numbers), written as `ROUND/need-P-S`.
fn write_needs(
    plan: &Plan,
    round: &str,
    p: usize,
    pairs: &[(u32, u32)],
    offsets: &[u64],
) -> Result<()> {
    let s_count = plan.file.sources.len();
    let mut need: Vec<Vec<u32>> = vec![Vec::new(); s_count];
    for &(a, b) in pairs {
        for d in [a, b] {
            let s = shard_of(offsets, d);
            need[s].push((u64::from(d) - offsets[s]) as u32);
        }
    }
    for (s, mut v) in need.into_iter().enumerate() {
        v.sort_unstable();
        v.dedup();
        write_records(&plan.path(&format!("{round}/need-{p}-{s}")), &v)?;
    }
    Ok(())
}

impl Plan {
    /// Lays out a run of `config` over `sources` in `work_dir` (created if
    /// missing) with `partitions` bucket partitions. An existing plan with
    /// the same inputs and settings is resumed (finished tasks are not run
    /// again); a different one is an error.
    pub fn create(
        work_dir: &Path,
        sources: Vec<Source>,
        config: &DedupConfig,
        partitions: usize,
    ) -> Result<Plan> {
        Plan::create_inner(work_dir, sources, config, partitions, None)
    }

    /// [`Plan::create`] for a run against an archive: the first source
    /// holds `archived` archived documents, named in the work directory's
    /// [`ARCHIVED_IDS`] (`syndic::index::against` writes both). They are
    /// clustered with the new documents but never reported themselves:
    /// the outputs are those of `syndic dedup --against` (clusters holding
    /// a new document, with `archived` on each member; `matches.jsonl`; the
    /// new documents' duplicates, survivors and counts).
    pub fn create_with_archived(
        work_dir: &Path,
        sources: Vec<Source>,
        config: &DedupConfig,
        partitions: usize,
        archived: u32,
    ) -> Result<Plan> {
        Plan::create_inner(work_dir, sources, config, partitions, Some(archived))
    }

    fn create_inner(
        work_dir: &Path,
        sources: Vec<Source>,
        config: &DedupConfig,
        partitions: usize,
        archived: Option<u32>,
    ) -> Result<Plan> {
        if partitions == 0 {
            return Err(Error::InvalidParameter {
                name: "partitions",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if sources.is_empty() {
            return Err(Error::NothingToAnalyse);
        }
        let mut plan_sources = Vec::new();
        for s in &sources {
            let Some(path) = &s.path else {
                return Err(Error::InvalidParameter {
                    name: "INPUT",
                    value: "-".into(),
                    reason: "standard input cannot be split into tasks; give files",
                });
            };
            let path = std::path::absolute(path).map_err(io_err(path))?;
            plan_sources.push(PlanSource {
                name: s.name.clone(),
                path,
                format: s.format.map(|f| format_name(f).to_owned()),
            });
        }
        let read = &config.read;
        let options = PlanOptions {
            shingle: config.shingle,
            permutations: config.permutations,
            seed: config.seed,
            threshold: config.threshold,
            verify: match config.verify {
                Verify::Auto => "auto",
                Verify::Signature => "signature",
                Verify::Exact => "exact",
            }
            .into(),
            text_field: read.text_field.to_string(),
            id_field: read.id_field.as_ref().map(|f| f.to_string()),
            skip_bad: read.skip_bad,
            max_record_bytes: read.max_record_bytes,
            encoding: read.decode.forced.map(|e| e.name().to_owned()),
            strict_utf8: read.decode.strict_utf8,
            batch_bytes: config.batch_bytes,
            bucket_cap: config.bucket_cap,
            write_deduped: config.write_deduped,
            unique_ids: config.unique_ids,
        };
        let file = PlanFile {
            version: PLAN_VERSION,
            sources: plan_sources,
            options,
            partitions,
            archived,
        };
        std::fs::create_dir_all(work_dir).map_err(io_err(work_dir))?;
        let path = work_dir.join("plan.json");
        if path.exists() {
            let old: PlanFile = read_json(&path)?;
            if old != file {
                return Err(bad_plan(
                    work_dir,
                    "holds the plan of a different run (other inputs or settings); \
                     give a new work directory"
                        .into(),
                ));
            }
        } else {
            write_json(&path, &file)?;
        }
        Plan::open(work_dir)
    }

    /// Opens the plan in `work_dir` (on any machine that sees it).
    pub fn open(work_dir: &Path) -> Result<Plan> {
        let path = work_dir.join("plan.json");
        let file: PlanFile = read_json(&path)?;
        if file.version != PLAN_VERSION {
            return Err(bad_plan(
                &path,
                format!(
                    "is version {}, this syndic reads {PLAN_VERSION}",
                    file.version
                ),
            ));
        }
        let o = &file.options;
        let verify = match o.verify.as_str() {
            "auto" => Verify::Auto,
            "signature" => Verify::Signature,
            "exact" => Verify::Exact,
            v => return Err(bad_plan(&path, format!("has an unknown verify mode {v:?}"))),
        };
        let mut decode = match &o.encoding {
            Some(e) => crate::source::DecodeOptions::forcing(e)?,
            None => crate::source::DecodeOptions::default(),
        };
        decode.strict_utf8 = o.strict_utf8;
        let config = DedupConfig {
            shingle: o.shingle,
            permutations: o.permutations,
            seed: o.seed,
            threshold: o.threshold,
            verify,
            read: ReadOptions {
                text_field: FieldPath::parse(&o.text_field)?,
                id_field: o.id_field.as_deref().map(FieldPath::parse).transpose()?,
                skip_bad: o.skip_bad,
                keep_raw: false,
                max_record_bytes: o.max_record_bytes,
                decode,
            },
            batch_bytes: o.batch_bytes,
            exact_memory: super::DEFAULT_EXACT_MEMORY,
            bucket_cap: o.bucket_cap,
            write_deduped: o.write_deduped,
            spool_dir: None,
            unique_ids: o.unique_ids,
        };
        let sources = file
            .sources
            .iter()
            .map(|s| Source {
                name: s.name.clone(),
                path: Some(s.path.clone()),
                format: s.format.as_deref().and_then(format_of),
            })
            .collect();
        for d in [
            "sign", "bucket", "cc1", "verify", "cc2", "group", "split", "sims", "star", "out",
            "done",
        ] {
            let p = work_dir.join(d);
            std::fs::create_dir_all(&p).map_err(io_err(&p))?;
        }
        Ok(Plan {
            dir: work_dir.to_path_buf(),
            deduper: Deduper::new(config.clone())?,
            config,
            file,
            sources,
        })
    }

    /// The inputs, in document order (with an archive's documents first in
    /// a run against one).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Archived documents at the front of a run against an archive
    /// (`None` for an ordinary run).
    pub fn archived(&self) -> Option<u32> {
        self.file.archived
    }

    /// Archived documents at the front (0 for an ordinary run).
    fn front(&self) -> u32 {
        self.file.archived.unwrap_or(0)
    }

    /// The ids of the archived documents of a run against an archive.
    fn archived_ids(&self) -> Result<Vec<String>> {
        if self.front() == 0 {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = read_json(&self.path(ARCHIVED_IDS))?;
        if ids.len() != self.front() as usize {
            return Err(bad_plan(
                &self.path(ARCHIVED_IDS),
                format!(
                    "names {} archived documents, the plan {}",
                    ids.len(),
                    self.front()
                ),
            ));
        }
        Ok(ids)
    }

    /// The new documents found to be duplicates in a finished run against
    /// an archive, as numbers among the new documents (0 = the first new
    /// one), ascending: what `--add` leaves out.
    pub fn new_duplicates(&self) -> Result<Vec<u64>> {
        let a = u64::from(self.front());
        let offsets = self.offsets()?;
        let mut out = Vec::new();
        for (s, &offset) in offsets.iter().enumerate().take(self.shards()) {
            out.extend(
                read_records::<u32>(&self.path(&format!("out/dups.{s}")))?
                    .into_iter()
                    .map(|d| offset + u64::from(d) - a),
            );
        }
        Ok(out)
    }

    /// The work directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings of the run.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn shards(&self) -> usize {
        self.file.sources.len()
    }

    fn parts(&self) -> usize {
        self.file.partitions
    }

    /// Task counts of the levels of a connected-components tree over
    /// `P` forests.
    fn cc_levels(&self) -> Vec<usize> {
        let mut levels = vec![self.parts()];
        while *levels.last().expect("a level") > 1 {
            levels.push(levels.last().expect("a level").div_ceil(CC_FAN_IN));
        }
        levels
    }

    /// Every stage in the order it must run; the tasks of one stage may run
    /// in any order and at once.
    pub fn stages(&self) -> Vec<Stage> {
        let (s, p) = (self.shards(), self.parts());
        let st = |name: String, tasks| Stage { name, tasks };
        let mut out = vec![st("sign".into(), s), st("bucket".into(), p)];
        for (l, &n) in self.cc_levels().iter().enumerate() {
            out.push(st(format!("cc1.{l}"), n));
        }
        out.push(st("filter".into(), p));
        out.push(st("verify.fetch".into(), s));
        out.push(st("verify.jaccard".into(), p));
        for (l, &n) in self.cc_levels().iter().enumerate() {
            out.push(st(format!("cc2.{l}"), n));
        }
        out.push(st("group".into(), p));
        out.push(st("split.fetch".into(), s));
        out.push(st("split.jaccard".into(), p));
        out.push(st("split".into(), p));
        if self.config.verify == Verify::Exact {
            out.push(st("sims.fetch".into(), s));
            out.push(st("sims.jaccard".into(), p));
        }
        out.push(st("write.clusters".into(), p));
        out.push(st("write.shards".into(), s));
        out
    }

    fn marker(&self, stage: &str, rank: usize) -> PathBuf {
        self.path(&format!("done/{stage}.{rank}.json"))
    }

    /// True once task `rank` of `stage` has finished.
    pub fn is_done(&self, stage: &str, rank: usize) -> bool {
        self.marker(stage, rank).is_file()
    }

    /// Runs task `rank` of `stage` unless it has finished already
    /// (idempotent: a retried or repeated task is harmless). The stages
    /// before it must have finished.
    pub fn run_task(&self, stage: &str, rank: usize) -> Result<()> {
        let Some(st) = self.stages().into_iter().find(|s| s.name == stage) else {
            return Err(Error::InvalidParameter {
                name: "stage",
                value: stage.to_owned(),
                reason: "is not a stage of this plan",
            });
        };
        if rank >= st.tasks {
            return Err(Error::InvalidParameter {
                name: "rank",
                value: rank.to_string(),
                reason: "is not below the stage's number of tasks",
            });
        }
        if self.is_done(stage, rank) {
            return Ok(());
        }
        let start = Instant::now();
        let mut counts = std::collections::BTreeMap::new();
        match stage {
            "sign" => self.sign(rank, &mut counts)?,
            "bucket" => self.bucket(rank, &mut counts)?,
            "filter" => self.filter(rank)?,
            "group" => self.group(rank)?,
            "split" => self.split(rank, &mut counts)?,
            "write.clusters" => self.write_clusters(rank)?,
            "write.shards" => self.write_shards(rank, &mut counts)?,
            s if s.starts_with("cc1.") || s.starts_with("cc2.") => {
                let level: usize = s[4..].parse().expect("a level");
                self.cc(&s[..3], level, rank)?
            }
            s if s.ends_with(".fetch") => {
                self.fetch(&s[..s.len() - 6], rank, &mut counts)?;
            }
            s if s.ends_with(".jaccard") => {
                self.jaccard(&s[..s.len() - 8], rank, &mut counts)?;
            }
            _ => unreachable!("every stage of stages() has a task"),
        }
        let marker = Marker {
            seconds: start.elapsed().as_secs_f64(),
            peak_rss_bytes: super::peak_rss_bytes(),
            counts,
        };
        write_json(&self.marker(stage, rank), &marker)
    }

    fn pass_input(&self, s: usize) -> PassInput {
        PassInput {
            sources: vec![self.sources[s].clone()],
            opts: ReadOptions {
                keep_raw: false,
                ..self.config.read.clone()
            },
            batch_bytes: self.config.batch_bytes,
            total_bytes: None,
        }
    }

    fn summary(&self, s: usize) -> Result<ShardSummary> {
        read_json(&self.path(&format!("sign/{s}.summary.json")))
    }

    /// Where each shard's documents start, and the total (`S + 1` values).
    fn offsets(&self) -> Result<Vec<u64>> {
        let mut out = vec![0u64];
        for s in 0..self.shards() {
            let n = self.summary(s)?.documents;
            out.push(out[s] + n);
        }
        if out[self.shards()] > u64::from(u32::MAX) {
            return Err(Error::InvalidParameter {
                name: "INPUT",
                value: out[self.shards()].to_string(),
                reason: "more than 4,294,967,295 documents in one run",
            });
        }
        Ok(out)
    }

    fn pass_summary(&self, s: usize) -> Result<PassSummary> {
        let x = self.summary(s)?;
        Ok(PassSummary {
            documents: x.documents,
            text_bytes: x.text_bytes,
            input_bytes: x.input_bytes,
            fingerprint: x.fingerprint,
            skipped: SkipLog::default(),
        })
    }

    /// Stage `sign`, shard `s`.
    fn sign(&self, s: usize, counts: &mut std::collections::BTreeMap<String, u64>) -> Result<()> {
        let k = self.config.permutations;
        let p_count = self.parts();
        let signer = self.deduper.signer();
        let lsh = *self.deduper.lsh();
        let (sig_path, ids_path, idx_path) = (
            self.path(&format!("sign/{s}.sig")),
            self.path(&format!("sign/{s}.ids")),
            self.path(&format!("sign/{s}.idx")),
        );
        let mut sig_file = crate::util::AtomicFile::create(&sig_path)?;
        let mut ids_file = crate::util::AtomicFile::create(&ids_path)?;
        let mut idx_file = crate::util::AtomicFile::create(&idx_path)?;
        let mut keys: Vec<Vec<(u32, u64, u64, u32)>> = vec![Vec::new(); p_count];
        let mut idh: Vec<Vec<(u64, u32)>> = vec![Vec::new(); p_count];
        let mut empty_documents = 0u64;
        let mut id_end = 0u64;
        let input = self.pass_input(s);
        let summary = {
            let mut sig_w = BufWriter::with_capacity(1 << 20, sig_file.file_mut());
            let mut ids_w = BufWriter::with_capacity(1 << 20, ids_file.file_mut());
            let mut idx_w = BufWriter::with_capacity(1 << 16, idx_file.file_mut());
            let mut sigs: Vec<u32> = Vec::new();
            let mut empties: Vec<bool> = Vec::new();
            let summary = run_pass(
                &input,
                false,
                None,
                &NoProgress,
                "signing",
                |base, batch| {
                    signer.sign_batch(batch, &mut sigs, &mut empties);
                    for i in 0..batch.len() {
                        let local = (base + i as u64) as u32;
                        let values = &sigs[i * k..(i + 1) * k];
                        for v in values {
                            sig_w
                                .write_all(&v.to_le_bytes())
                                .map_err(io_err(&sig_path))?;
                        }
                        let id = batch.id(i);
                        ids_w.write_all(id.as_bytes()).map_err(io_err(&ids_path))?;
                        id_end += id.len() as u64;
                        idx_w
                            .write_all(&id_end.to_le_bytes())
                            .map_err(io_err(&idx_path))?;
                        let h = xxhash_rust::xxh3::xxh3_64(id.as_bytes());
                        idh[(h % p_count as u64) as usize].push((h, local));
                        if empties[i] {
                            empty_documents += 1;
                            continue;
                        }
                        let whole = whole_signature_hash(values);
                        let r = lsh.rows;
                        for band in 0..lsh.bands {
                            let key = band_hash(&values[band * r..(band + 1) * r], band);
                            keys[(key % p_count as u64) as usize].push((
                                band as u32,
                                key,
                                whole,
                                local,
                            ));
                        }
                    }
                    Ok(())
                },
            )?;
            sig_w.flush().map_err(io_err(&sig_path))?;
            ids_w.flush().map_err(io_err(&ids_path))?;
            idx_w.flush().map_err(io_err(&idx_path))?;
            summary
        };
        sig_file.commit()?;
        ids_file.commit()?;
        idx_file.commit()?;
        for (p, mut v) in keys.into_iter().enumerate() {
            v.par_sort_unstable();
            write_records(&self.path(&format!("sign/{s}.keys-{p}")), &v)?;
        }
        for (p, mut v) in idh.into_iter().enumerate() {
            v.sort_unstable();
            write_records(&self.path(&format!("sign/{s}.idh-{p}")), &v)?;
        }
        counts.insert("documents".into(), summary.documents);
        write_json(
            &self.path(&format!("sign/{s}.summary.json")),
            &ShardSummary {
                documents: summary.documents,
                text_bytes: summary.text_bytes,
                input_bytes: summary.input_bytes,
                fingerprint: summary.fingerprint,
                empty_documents,
                skipped_records: summary.skipped.records,
                skipped_examples: summary.skipped.examples,
            },
        )
    }

    /// Stage `bucket`, partition `p`.
    fn bucket(&self, p: usize, counts: &mut std::collections::BTreeMap<String, u64>) -> Result<()> {
        let offsets = self.offsets()?;
        self.check_ids(p, &offsets)?;
        let mut keys: Vec<(u32, u64, u32, u64)> = Vec::new();
        for (s, &offset) in offsets.iter().enumerate().take(self.shards()) {
            let b = read_all(&self.path(&format!("sign/{s}.keys-{p}")))?;
            keys.extend(decode_records::<(u32, u64, u64, u32)>(&b).map(
                |(band, key, whole, local)| (band, key, (offset + u64::from(local)) as u32, whole),
            ));
        }
        keys.par_sort_unstable();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        // A bucket's keys are sorted by document (one key per document).
        let oversized = for_each_bucket(
            &keys,
            |x, y| (x.0, x.1) == (y.0, y.1),
            |x| x.2,
            self.config.bucket_cap,
            |bucket, d| bucket[bucket.binary_search_by_key(&d, |x| x.2).expect("a member")].3,
            |a, b| pairs.push((a, b)),
        );
        drop(keys);
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut sigs = Signatures::new(self, &offsets);
        let (mut accept, mut uncertain) = (Vec::new(), Vec::new());
        let (mut sa, mut sb) = (Vec::new(), Vec::new());
        let mut last_a = u32::MAX;
        let mut rejected = 0u64;
        for &(a, b) in &pairs {
            if a != last_a {
                sigs.read(a, &mut sa)?;
                last_a = a;
            }
            sigs.read(b, &mut sb)?;
            match self.deduper.classify(estimate(&sa, &sb)) {
                Verdict::Accept => accept.push((a, b)),
                Verdict::Reject => rejected += 1,
                Verdict::Exact => uncertain.push((a, b)),
            }
        }
        counts.insert("candidate_pairs".into(), pairs.len() as u64);
        counts.insert("oversized_buckets".into(), oversized);
        counts.insert("accepted_by_signature".into(), accept.len() as u64);
        counts.insert("rejected_by_signature".into(), rejected);
        // The uncertain pairs in the order of the filter partition they go
        // to, with the start of each partition's run (`P + 1` offsets).
        let parts = self.parts();
        uncertain.sort_unstable_by_key(|&pair| (route(pair, parts), pair));
        let mut starts = vec![0u64; parts + 1];
        for &pair in &uncertain {
            starts[route(pair, parts) + 1] += 1;
        }
        for q in 0..parts {
            starts[q + 1] += starts[q];
        }
        write_records(&self.path(&format!("bucket/{p}.uncertain")), &uncertain)?;
        write_records(&self.path(&format!("bucket/{p}.routes")), &starts)?;
        write_records(&self.path(&format!("bucket/{p}.accept")), &accept)
    }

    /// Repeated ids among the documents whose id hash falls in partition
    /// `p`: an error, as in the single-machine run.
    fn check_ids(&self, p: usize, offsets: &[u64]) -> Result<()> {
        let mut hs: Vec<(u64, u32)> = Vec::new();
        for (s, &offset) in offsets.iter().enumerate().take(self.shards()) {
            let b = read_all(&self.path(&format!("sign/{s}.idh-{p}")))?;
            hs.extend(
                decode_records::<(u64, u32)>(&b)
                    .map(|(h, local)| (h, (offset + u64::from(local)) as u32)),
            );
        }
        hs.sort_unstable();
        let mut ids = Ids::new(self, offsets);
        for run in hs.chunk_by(|x, y| x.0 == y.0).filter(|r| r.len() > 1) {
            let mut named: Vec<(String, u32)> = Vec::new();
            for &(_, d) in run {
                named.push((ids.id(d)?, d));
            }
            named.sort();
            for w in named.windows(2) {
                if w[0].0 == w[1].0 {
                    if self.config.unique_ids {
                        return Err(Error::InvalidParameter {
                            name: "unique_ids",
                            value: w[0].0.clone(),
                            reason: "repeated ids cannot be renamed by the stage executor yet; \
                                     run syndic dedup on one machine, or give unique ids",
                        });
                    }
                    let at = |d: u32| {
                        let s = shard_of(offsets, d);
                        format!(
                            "{}: record {}",
                            self.file.sources[s].name,
                            u64::from(d) - offsets[s] + 1
                        )
                    };
                    let s = shard_of(offsets, w[1].1);
                    return Err(Error::DuplicateId {
                        id: w[0].0.clone(),
                        path: self.file.sources[s].path.clone(),
                        at: at(w[1].1),
                        first: at(w[0].1),
                    });
                }
            }
        }
        Ok(())
    }

    fn cc_output(&self, which: &str, level: usize, rank: usize) -> PathBuf {
        self.path(&format!("{which}/{level}.{rank}"))
    }

    fn cc_final(&self, which: &str) -> PathBuf {
        self.cc_output(which, self.cc_levels().len() - 1, 0)
    }

    /// Stage `cc1.L` / `cc2.L`, task `rank`: a partial forest of the level
    /// below (or of the accepted pairs of partition `rank` at level 0).
    fn cc(&self, which: &str, level: usize, rank: usize) -> Result<()> {
        let mut edges: Vec<(u32, u32)> = Vec::new();
        if level == 0 {
            if which == "cc1" {
                edges = read_records::<(u32, u32)>(&self.path(&format!("bucket/{rank}.accept")))?;
            } else {
                let t = self.config.threshold;
                edges.extend(
                    read_records::<((u32, u32), f64)>(
                        &self.path(&format!("verify/{rank}.values")),
                    )?
                    .into_iter()
                    .filter(|&(_, j)| j >= t)
                    .map(|(p, _)| p),
                );
                if rank == 0 {
                    edges.extend(read_records::<(u32, u32)>(&self.cc_final("cc1"))?);
                }
            }
        } else {
            let below = self.cc_levels()[level - 1];
            for j in rank * CC_FAN_IN..below.min((rank + 1) * CC_FAN_IN) {
                edges.extend(read_records::<(u32, u32)>(&self.cc_output(
                    which,
                    level - 1,
                    j,
                ))?);
            }
        }
        let f = forest(&mut edges);
        write_records(&self.cc_output(which, level, rank), &f)
    }

    fn labels(&self, which: &str) -> Result<Labels> {
        Ok(Labels(read_records::<(u32, u32)>(&self.cc_final(which))?))
    }

    /// Stage `filter`, partition `p`: uncertain pairs still apart after the
    /// accepted ones.
    fn filter(&self, p: usize) -> Result<()> {
        let offsets = self.offsets()?;
        let labels = self.labels("cc1")?;
        // The uncertain pairs every bucket partition routed here, each once.
        let mut pairs = Vec::new();
        for b in 0..self.parts() {
            let routes = self.path(&format!("bucket/{b}.routes"));
            let starts = read_records::<u64>(&routes)?;
            let at = |i: usize| -> Result<u64> {
                starts
                    .get(i)
                    .copied()
                    .ok_or_else(|| bad_plan(&routes, "is truncated".into()))
            };
            let (start, end) = (at(p)?, at(p + 1)?);
            let path = self.path(&format!("bucket/{b}.uncertain"));
            pairs.extend(read_records_range::<(u32, u32)>(&path, start, end)?);
        }
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs.retain(|&(a, b)| labels.root(a) != labels.root(b));
        write_needs(self, "verify", p, &pairs, &offsets)?;
        write_records(&self.path(&format!("verify/{p}.pairs")), &pairs)
    }

    /// Stage `ROUND.fetch`, shard `s`: the shingle sets of the documents
    /// the round's pairs need, from one more read of the shard.
    fn fetch(
        &self,
        round: &str,
        s: usize,
        counts: &mut std::collections::BTreeMap<String, u64>,
    ) -> Result<()> {
        let mut need: Vec<u32> = Vec::new();
        for p in 0..self.parts() {
            need.extend(read_records::<u32>(
                &self.path(&format!("{round}/need-{p}-{s}")),
            )?);
        }
        need.sort_unstable();
        need.dedup();
        let (data_path, index_path) = (
            self.path(&format!("{round}/sets-{s}")),
            self.path(&format!("{round}/sets-{s}.idx")),
        );
        let mut data = crate::util::AtomicFile::create(&data_path)?;
        let mut index: Vec<(u32, u64, u64)> = Vec::with_capacity(need.len());
        if !need.is_empty() {
            counts.insert("passes".into(), 1);
            let shingler = self.deduper.shingler();
            let mut w = BufWriter::with_capacity(1 << 20, data.file_mut());
            let mut at = 0u64;
            let mut next = 0usize;
            let summary = run_pass(
                &self.pass_input(s),
                false,
                None,
                &NoProgress,
                "exact",
                |base, batch| {
                    let end = base + batch.len() as u64;
                    let from = next;
                    while next < need.len() && u64::from(need[next]) < end {
                        next += 1;
                    }
                    let docs = &need[from..next];
                    let sets: Vec<Vec<u64>> = docs
                        .par_iter()
                        .map_init(String::new, |scratch, &d| {
                            shingle_set(
                                shingler,
                                batch.text((u64::from(d) - base) as usize),
                                scratch,
                            )
                        })
                        .collect();
                    for (&d, set) in docs.iter().zip(sets) {
                        for h in &set {
                            w.write_all(&h.to_le_bytes()).map_err(io_err(&data_path))?;
                        }
                        index.push((d, at, set.len() as u64));
                        at += set.len() as u64 * 8;
                    }
                    Ok(())
                },
            )?;
            w.flush().map_err(io_err(&data_path))?;
            drop(w);
            check_same(&self.pass_summary(s)?, &summary, 2)?;
        }
        data.commit()?;
        write_records(&index_path, &index)
    }

    /// Stage `ROUND.jaccard`, partition `p`: exact Jaccard of the round's
    /// pairs from the fetched sets.
    fn jaccard(
        &self,
        round: &str,
        p: usize,
        counts: &mut std::collections::BTreeMap<String, u64>,
    ) -> Result<()> {
        let offsets = self.offsets()?;
        let pairs = read_records::<(u32, u32)>(&self.path(&format!("{round}/{p}.pairs")))?;
        let mut index: Vec<Vec<(u32, u64, u64)>> = vec![Vec::new(); self.shards()];
        let mut files: Vec<Option<File>> = (0..self.shards()).map(|_| None).collect();
        if !pairs.is_empty() {
            for (s, slot) in index.iter_mut().enumerate() {
                *slot = read_records(&self.path(&format!("{round}/sets-{s}.idx")))?;
            }
        }
        let mut set_of = |d: u32| -> Result<Vec<u64>> {
            let s = shard_of(&offsets, d);
            let local = (u64::from(d) - offsets[s]) as u32;
            let path = self.path(&format!("{round}/sets-{s}"));
            let i = index[s]
                .binary_search_by_key(&local, |x| x.0)
                .map_err(|_| bad_plan(&path, format!("lacks the set of document {d}")))?;
            let (_, at, len) = index[s][i];
            if files[s].is_none() {
                files[s] = Some(File::open(&path).map_err(io_err(&path))?);
            }
            let mut buf = vec![0u8; len as usize * 8];
            files[s]
                .as_ref()
                .expect("opened")
                .read_exact_at(&mut buf, at)
                .map_err(io_err(&path))?;
            Ok(decode_records(&buf).collect())
        };
        let mut values: Vec<((u32, u32), f64)> = Vec::with_capacity(pairs.len());
        let mut last: Option<(u32, Vec<u64>)> = None;
        for &(a, b) in &pairs {
            if last.as_ref().is_none_or(|(d, _)| *d != a) {
                last = Some((a, set_of(a)?));
            }
            let sb = set_of(b)?;
            let sa = &last.as_ref().expect("set").1;
            values.push(((a, b), shingle::jaccard(sa, &sb)));
        }
        let t = self.config.threshold;
        counts.insert("exact_checks".into(), values.len() as u64);
        counts.insert(
            "accepted_by_exact".into(),
            values.iter().filter(|v| v.1 >= t).count() as u64,
        );
        write_records(&self.path(&format!("{round}/{p}.values")), &values)
    }

    /// The documents `[lo, hi)` whose components partition `q` handles.
    fn root_range(&self, q: usize, n: u64) -> (u64, u64) {
        let p = self.parts() as u64;
        (n * q as u64 / p, n * (q as u64 + 1) / p)
    }

    /// `(root, document)` of every component with its root in partition
    /// `q`'s range, sorted (each root with itself).
    fn components(&self, q: usize, labels: &Labels, n: u64) -> Vec<(u32, u32)> {
        let (lo, hi) = self.root_range(q, n);
        let mut by_root: Vec<(u32, u32)> = labels
            .0
            .iter()
            .filter(|x| (lo..hi).contains(&u64::from(x.1)))
            .map(|&(d, r)| (r, d))
            .collect();
        let mut roots: Vec<u32> = by_root.iter().map(|x| x.0).collect();
        roots.sort_unstable();
        roots.dedup();
        by_root.extend(roots.into_iter().map(|r| (r, r)));
        by_root.par_sort_unstable();
        by_root
    }

    /// Stage `group`, partition `q`: the uncertain member pairs of its
    /// small components, for exact checks.
    fn group(&self, q: usize) -> Result<()> {
        let offsets = self.offsets()?;
        let labels = self.labels("cc2")?;
        let by_root = self.components(q, &labels, offsets[self.shards()]);
        let mut sigs = Signatures::new(self, &offsets);
        let mut pairs = Vec::new();
        for c in by_root.chunk_by(|x, y| x.0 == y.0) {
            if c.len() > SPLIT_EXACT_CAP {
                continue;
            }
            let mut vs: Vec<Vec<u32>> = Vec::with_capacity(c.len());
            for &(_, d) in c {
                let mut v = Vec::new();
                sigs.read(d, &mut v)?;
                vs.push(v);
            }
            for i in 0..c.len() {
                for j in i + 1..c.len() {
                    if self.deduper.classify(estimate(&vs[i], &vs[j])) == Verdict::Exact {
                        pairs.push((c[i].1, c[j].1));
                    }
                }
            }
        }
        pairs.sort_unstable();
        write_needs(self, "split", q, &pairs, &offsets)?;
        write_records(&self.path(&format!("split/{q}.pairs")), &pairs)
    }

    /// Stage `split`, partition `q`: the star split of its components.
    fn split(&self, q: usize, counts: &mut std::collections::BTreeMap<String, u64>) -> Result<()> {
        let offsets = self.offsets()?;
        let n = offsets[self.shards()];
        let labels = self.labels("cc2")?;
        let by_root = self.components(q, &labels, n);
        let (lo, hi) = self.root_range(q, n);
        // Exact values: the small components' uncertain pairs, and the
        // verified pairs inside this partition's components.
        let mut known: Vec<((u32, u32), f64)> =
            read_records::<((u32, u32), f64)>(&self.path(&format!("split/{q}.values")))?;
        for p in 0..self.parts() {
            known.extend(
                read_records::<((u32, u32), f64)>(&self.path(&format!("verify/{p}.values")))?
                    .into_iter()
                    .filter(|((a, b), _)| {
                        let r = labels.root(*a);
                        r == labels.root(*b) && (lo..hi).contains(&u64::from(r))
                    }),
            );
        }
        known.sort_unstable_by_key(|x| x.0);
        known.dedup_by_key(|x| x.0);
        let t = self.config.threshold;
        let mut sigs = Signatures::new(self, &offsets);
        let mut star: Vec<(u32, u32, f32)> = Vec::new();
        for c in by_root.chunk_by(|x, y| x.0 == y.0) {
            let docs: Vec<u32> = c.iter().map(|x| x.1).collect();
            let mut vs: Vec<Vec<u32>> = Vec::with_capacity(c.len());
            for &d in &docs {
                let mut v = Vec::new();
                sigs.read(d, &mut v)?;
                vs.push(v);
            }
            let sig = |d: u32| &vs[docs.binary_search(&d).expect("a member")];
            let similarity_of = |a: u32, b: u32| -> f32 {
                let key = if a < b { (a, b) } else { (b, a) };
                match known.binary_search_by_key(&key, |k| k.0) {
                    Ok(i) => known[i].1 as f32,
                    Err(_) => estimate(sig(a), sig(b)) as f32,
                }
            };
            star.extend(split_component(docs.iter().copied(), t, similarity_of));
        }
        star.par_sort_unstable_by_key(|&(r, m, _)| (r, m));
        // Clusters of two or more; in a run against an archive, only those
        // holding a new document (the others concern nobody).
        let a = self.front();
        let mut out: Vec<(u32, u32, f32)> = Vec::new();
        let mut clusters = 0u64;
        let (mut new_members, mut new_duplicates) = (0u64, 0u64);
        for run in star.chunk_by(|x, y| x.0 == y.0) {
            if run.len() >= 2 && run.iter().any(|x| x.1 >= a) {
                out.extend_from_slice(run);
                clusters += 1;
                new_members += run.iter().filter(|x| x.1 >= a).count() as u64;
                new_duplicates += run.iter().filter(|x| x.1 >= a && x.0 != x.1).count() as u64;
            }
        }
        counts.insert("clusters".into(), clusters);
        counts.insert("members".into(), out.len() as u64);
        if self.config.verify == Verify::Exact {
            let pairs: Vec<(u32, u32)> = out
                .iter()
                .filter(|x| x.0 != x.1)
                .map(|x| (x.0, x.1))
                .collect();
            write_needs(self, "sims", q, &pairs, &offsets)?;
            write_records(&self.path(&format!("sims/{q}.pairs")), &pairs)?;
        }
        // Clusters go out by representative range: partition `j` writes
        // those whose representative is in its range, in order.
        let mut per: Vec<Vec<(u32, u32, f32)>> = vec![Vec::new(); self.parts()];
        let mut per_clusters = vec![0u64; self.parts()];
        for run in out.chunk_by(|x, y| x.0 == y.0) {
            let j = (0..self.parts())
                .find(|&j| {
                    let (lo, hi) = self.root_range(j, n);
                    (lo..hi).contains(&u64::from(run[0].0))
                })
                .expect("a representative is a document");
            per[j].extend_from_slice(run);
            per_clusters[j] += 1;
        }
        write_json(
            &self.path(&format!("star/{q}.json")),
            &StarCounts {
                per_range: per_clusters,
                members: out.len() as u64,
                new_members,
                new_duplicates,
            },
        )?;
        for (j, piece) in per.iter().enumerate() {
            write_records(&self.path(&format!("star/{q}.{j}")), piece)?;
        }
        Ok(())
    }

    /// The star entries split task `q` wrote for representatives in range
    /// `j`.
    fn star_piece(&self, q: usize, j: usize) -> Result<Vec<(u32, u32, f32)>> {
        read_records(&self.path(&format!("star/{q}.{j}")))
    }

    /// What split task `q` found.
    fn star_counts(&self, q: usize) -> Result<StarCounts> {
        read_json(&self.path(&format!("star/{q}.json")))
    }

    /// Stage `write.clusters`, partition `q`: its piece of clusters.jsonl.
    fn write_clusters(&self, q: usize) -> Result<()> {
        let offsets = self.offsets()?;
        let mut first_cluster = 0u64;
        let mut star: Vec<(u32, u32, f32)> = Vec::new();
        for j in 0..self.parts() {
            first_cluster += self.star_counts(j)?.per_range[..q].iter().sum::<u64>();
            star.extend(self.star_piece(j, q)?);
        }
        star.sort_unstable_by_key(|&(r, m, _)| (r, m));
        let exact = if self.config.verify == Verify::Exact {
            let mut v = Vec::new();
            for j in 0..self.parts() {
                v.extend(
                    read_records::<((u32, u32), f64)>(&self.path(&format!("sims/{j}.values")))?
                        .into_iter()
                        .filter(|((r, _), _)| star.binary_search_by_key(r, |x| x.0).is_ok()),
                );
            }
            v.sort_unstable_by_key(|x| x.0);
            Some(v)
        } else {
            None
        };
        let mut ids = Ids::new(self, &offsets);
        let a = self.front();
        let archived_ids = self.archived_ids()?;
        let mut id_of = |d: u32| -> Result<String> {
            if d < a {
                Ok(archived_ids[d as usize].clone())
            } else {
                ids.id(d)
            }
        };
        let mut lines: Vec<u8> = Vec::new();
        let mut matches: Vec<u8> = Vec::new();
        let line_err = |e: std::io::Error| bad_plan(self.dir(), e.to_string());
        for (i, run) in star.chunk_by(|x, y| x.0 == y.0).enumerate() {
            let cluster = (first_cluster + i as u64) as u32;
            let rep = id_of(run[0].0)?;
            for &(r, m, sim) in run {
                let sim = match &exact {
                    Some(v) if r != m => match v.binary_search_by_key(&(r, m), |x| x.0) {
                        Ok(i) => v[i].1 as f32,
                        Err(_) => sim,
                    },
                    _ => sim,
                };
                let member = Member {
                    doc: m,
                    cluster,
                    representative: r,
                    similarity: sim,
                };
                let id = id_of(m)?;
                if self.file.archived.is_none() {
                    super::write_cluster_line(&mut lines, &id, &rep, &member).map_err(line_err)?;
                } else {
                    super::write_against_cluster_line(&mut lines, &id, &rep, &member, m < a)
                        .map_err(line_err)?;
                    if m >= a && r < a {
                        super::write_match_line(&mut matches, &id, &rep, sim).map_err(line_err)?;
                    }
                }
            }
        }
        if self.file.archived.is_some() {
            write_atomically(&self.path(&format!("out/matches.{q}")), |w| {
                w.write_all(&matches)
            })?;
        }
        write_atomically(&self.path(&format!("out/clusters.{q}")), |w| {
            w.write_all(&lines)
        })
    }

    /// Stage `write.shards`, shard `s`: its pieces of duplicates.txt and
    /// (with `--write-deduped`) of the deduped records.
    fn write_shards(
        &self,
        s: usize,
        counts: &mut std::collections::BTreeMap<String, u64>,
    ) -> Result<()> {
        let offsets = self.offsets()?;
        let (lo, hi) = (offsets[s], offsets[s + 1]);
        let mut dups: Vec<u32> = Vec::new();
        for (q, j) in (0..self.parts()).flat_map(|q| (0..self.parts()).map(move |j| (q, j))) {
            dups.extend(
                self.star_piece(q, j)?
                    .into_iter()
                    .filter(|&(r, m, _)| r != m && (lo..hi).contains(&u64::from(m)))
                    .map(|x| x.1),
            );
        }
        dups.sort_unstable();
        if self.file.archived.is_some() {
            // A run against an archive reports the new documents only: the
            // archived ones (shard 0) are never duplicates or survivors.
            if s == 0 {
                dups.clear();
            }
            let local: Vec<u32> = dups.iter().map(|&d| (u64::from(d) - lo) as u32).collect();
            write_records(&self.path(&format!("out/dups.{s}")), &local)?;
        }
        let mut ids = Ids::new(self, &offsets);
        let mut text = Vec::new();
        for &d in &dups {
            text.extend_from_slice(ids.id(d)?.as_bytes());
            text.push(b'\n');
        }
        write_atomically(&self.path(&format!("out/duplicates.{s}")), |w| {
            w.write_all(&text)
        })?;
        if !self.config.write_deduped {
            return Ok(());
        }
        if self.file.archived.is_some() && s == 0 {
            for name in ["out/deduped.0.jsonl", "out/deduped.0.warc"] {
                write_atomically(&self.path(name), |_| Ok(()))?;
            }
            counts.insert("json_lines".into(), 0);
            counts.insert("warc_records".into(), 0);
            return Ok(());
        }
        let (jpath, wpath) = (
            self.path(&format!("out/deduped.{s}.jsonl")),
            self.path(&format!("out/deduped.{s}.warc")),
        );
        let mut jf = crate::util::AtomicFile::create(&jpath)?;
        let mut wf = crate::util::AtomicFile::create(&wpath)?;
        let (mut nj, mut nw) = (0u64, 0u64);
        {
            let mut j = BufWriter::with_capacity(1 << 20, jf.file_mut());
            let mut w = BufWriter::with_capacity(1 << 20, wf.file_mut());
            let mut next = 0usize;
            let summary = run_pass(
                &self.pass_input(s),
                true,
                None,
                &NoProgress,
                "writing",
                |base, batch| {
                    for i in 0..batch.len() {
                        let doc = (lo + base + i as u64) as u32;
                        while next < dups.len() && dups[next] < doc {
                            next += 1;
                        }
                        if next < dups.len() && dups[next] == doc {
                            continue;
                        }
                        match batch.raw_kind(i) {
                            RawKind::JsonLine => {
                                j.write_all(batch.raw(i)).map_err(io_err(&jpath))?;
                                j.write_all(b"\n").map_err(io_err(&jpath))?;
                                nj += 1;
                            }
                            RawKind::Warc => {
                                w.write_all(batch.raw(i)).map_err(io_err(&wpath))?;
                                nw += 1;
                            }
                        }
                    }
                    Ok(())
                },
            )?;
            j.flush().map_err(io_err(&jpath))?;
            w.flush().map_err(io_err(&wpath))?;
            check_same(&self.pass_summary(s)?, &summary, 2)?;
        }
        jf.commit()?;
        wf.commit()?;
        counts.insert("json_lines".into(), nj);
        counts.insert("warc_records".into(), nw);
        Ok(())
    }

    fn markers(&self, stage: &str, tasks: usize) -> Result<Vec<Marker>> {
        (0..tasks)
            .map(|r| read_json(&self.marker(stage, r)))
            .collect()
    }

    /// True once every task of every stage has finished.
    pub fn is_complete(&self) -> bool {
        self.stages()
            .iter()
            .all(|st| (0..st.tasks).all(|r| self.is_done(&st.name, r)))
    }

    /// The pieces of the outputs, in order, for
    /// `report::dedup::write_stage_outputs`: clusters.jsonl and
    /// duplicates.txt, then (with `--write-deduped`) the deduped JSON Lines
    /// and WARC pieces with the number of records each kind has.
    pub fn pieces(&self) -> Result<Pieces> {
        if !self.is_complete() {
            return Err(bad_plan(
                self.dir(),
                "has stages that have not finished; run every task first".into(),
            ));
        }
        let (s, p) = (self.shards(), self.parts());
        let mut out = Pieces {
            clusters: (0..p)
                .map(|q| self.path(&format!("out/clusters.{q}")))
                .collect(),
            duplicates: (0..s)
                .map(|i| self.path(&format!("out/duplicates.{i}")))
                .collect(),
            matches: if self.file.archived.is_some() {
                (0..p)
                    .map(|q| self.path(&format!("out/matches.{q}")))
                    .collect()
            } else {
                Vec::new()
            },
            deduped_jsonl: Vec::new(),
            deduped_warc: Vec::new(),
            json_lines: 0,
            warc_records: 0,
        };
        if self.config.write_deduped {
            out.deduped_jsonl = (0..s)
                .map(|i| self.path(&format!("out/deduped.{i}.jsonl")))
                .collect();
            out.deduped_warc = (0..s)
                .map(|i| self.path(&format!("out/deduped.{i}.warc")))
                .collect();
            for m in self.markers("write.shards", s)? {
                out.json_lines += m.counts.get("json_lines").copied().unwrap_or(0);
                out.warc_records += m.counts.get("warc_records").copied().unwrap_or(0);
            }
        }
        Ok(out)
    }

    /// `stats.json` of the finished run: the same as `syndic dedup`'s but
    /// for `work` (counted per task: a pair proposed in two partitions
    /// counts twice, none is skipped for being joined already), `seconds`
    /// (task seconds summed per stage group) and `peak_rss_bytes` (the
    /// largest of the tasks' processes).
    pub fn stats(&self) -> Result<DedupStats> {
        let s_count = self.shards();
        let mut documents = 0u64;
        let (mut bytes, mut input_bytes, mut empty_documents) = (0u64, 0u64, 0u64);
        let mut skipped = SkipLog::default();
        for s in 0..s_count {
            let x = self.summary(s)?;
            documents += x.documents;
            bytes += x.text_bytes;
            input_bytes += x.input_bytes;
            empty_documents += x.empty_documents;
            skipped.records += x.skipped_records;
            for e in x.skipped_examples {
                if skipped.examples.len() < SKIP_EXAMPLES {
                    skipped.examples.push(e);
                }
            }
        }
        let (mut clusters, mut clustered) = (0u64, 0u64);
        let (mut new_members, mut new_duplicates) = (0u64, 0u64);
        for q in 0..self.parts() {
            let c = self.star_counts(q)?;
            clusters += c.per_range.iter().sum::<u64>();
            clustered += c.members;
            new_members += c.new_members;
            new_duplicates += c.new_duplicates;
        }
        let mut work = Work {
            passes: 1,
            ..Work::default()
        };
        let mut seconds = Seconds::default();
        let mut peak: Option<u64> = None;
        for st in self.stages() {
            let ms = self.markers(&st.name, st.tasks)?;
            let secs: f64 = ms.iter().map(|m| m.seconds).sum();
            let sum = |k: &str| {
                ms.iter()
                    .map(|m| m.counts.get(k).copied().unwrap_or(0))
                    .sum::<u64>()
            };
            for m in &ms {
                peak = peak.max(m.peak_rss_bytes);
            }
            let name = st.name.as_str();
            match name {
                "sign" => seconds.read_and_sign += secs,
                "bucket" | "filter" => seconds.lsh_and_verify += secs,
                n if n.ends_with(".fetch") || n.ends_with(".jaccard") => seconds.exact += secs,
                n if n.starts_with("write.") => seconds.write += secs,
                _ => seconds.cluster += secs,
            }
            seconds.total += secs;
            if name == "bucket" {
                work.candidate_pairs += sum("candidate_pairs");
                work.oversized_buckets += sum("oversized_buckets");
                work.accepted_by_signature += sum("accepted_by_signature");
                work.rejected_by_signature += sum("rejected_by_signature");
            }
            if name.ends_with(".jaccard") {
                work.exact_checks += sum("exact_checks");
            }
            if name == "verify.jaccard" {
                work.accepted_by_exact += sum("accepted_by_exact");
            }
            if name.ends_with(".fetch") && sum("passes") > 0 {
                work.passes += 1;
            }
        }
        let mut inputs: Vec<String> = self.file.sources.iter().map(|s| s.name.clone()).collect();
        let duplicates = if let Some(a) = self.file.archived {
            // As `syndic dedup --against` counts: the new documents only
            // (bytes, input bytes, empty documents and skips of the whole
            // run, archived candidates included).
            inputs.remove(0);
            documents -= u64::from(a);
            clustered = new_members;
            new_duplicates
        } else {
            clustered - clusters
        };
        Ok(DedupStats {
            inputs,
            documents,
            bytes,
            input_bytes,
            empty_documents,
            clusters,
            clustered_documents: clustered,
            duplicates,
            kept: documents - duplicates,
            skipped,
            similarity: self.deduper.similarity_kind(),
            parameters: self.deduper.parameters(),
            work,
            seconds,
            peak_rss_bytes: peak,
        })
    }
}

/// The output pieces of a finished plan ([`Plan::pieces`]).
#[derive(Debug, Clone)]
pub struct Pieces {
    /// Pieces of clusters.jsonl, in order.
    pub clusters: Vec<PathBuf>,
    /// Pieces of duplicates.txt, in order.
    pub duplicates: Vec<PathBuf>,
    /// Pieces of matches.jsonl (a run against an archive), in order.
    pub matches: Vec<PathBuf>,
    /// Pieces of deduped.jsonl (with `--write-deduped`).
    pub deduped_jsonl: Vec<PathBuf>,
    /// Pieces of deduped.warc (with `--write-deduped`).
    pub deduped_warc: Vec<PathBuf>,
    /// JSON Lines records in the deduped pieces.
    pub json_lines: u64,
    /// WARC records in the deduped pieces.
    pub warc_records: u64,
}

/// The local executor: every stage in order, the tasks of a stage in
/// parallel on the current rayon pool, `done(stage, finished, tasks)` after
/// each task.
pub fn run_local(plan: &Plan, done: &(dyn Fn(&str, usize, usize) + Sync)) -> Result<()> {
    for st in plan.stages() {
        let finished = std::sync::atomic::AtomicUsize::new(0);
        (0..st.tasks).into_par_iter().try_for_each(|r| {
            plan.run_task(&st.name, r)?;
            let f = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            done(&st.name, f, st.tasks);
            Ok::<(), Error>(())
        })?;
    }
    Ok(())
}
