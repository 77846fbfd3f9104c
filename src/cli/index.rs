//! `syndic index add|query|stats|remove|check`: the archive.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use syndic::index::{AddConfig, Adder, Archive, ArchiveParams, Mode, QueryConfig, Searcher};
use syndic::source::{Reader, RecordBatch};

use super::{emit, FormatArg};

/// Options of `syndic index`.
#[derive(Debug, clap::Args)]
pub struct IndexOpts {
    /// What to do with the archive.
    #[command(subcommand)]
    pub command: IndexCommand,
}

/// The subcommands of `syndic index`.
#[derive(Debug, clap::Subcommand)]
pub enum IndexCommand {
    /// Add documents to an archive (made if missing); idempotent.
    Add(AddOpts),
    /// Report, for each input document, the archived documents that are
    /// near duplicates of it or share sentences with it.
    Query(QueryOpts),
    /// Print what an archive holds: documents, sentences, size, parameters.
    Stats(StatsOpts),
    /// Remove documents from an archive by id.
    Remove(RemoveOpts),
    /// Check an archive's integrity (exit 1 if damaged).
    Check(StatsOpts),
}

/// How records are read: the options `syndic dedup` takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Fields, format, bad records, decoding.
    #[command(flatten)]
    pub input: super::input::InputArgs,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// The parameters an archive is made with; each, when given to a later
/// call, must equal the archive's.
#[derive(Debug, Clone, clap::Args)]
pub struct ParamArgs {
    /// Word n-gram size [default for a new archive: 5].
    #[arg(long, value_name = "N")]
    pub shingle: Option<usize>,
    /// MinHash permutations [default for a new archive: 128].
    #[arg(long, value_name = "K")]
    pub permutations: Option<usize>,
    /// Seed of every hash [default for a new archive: 42].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Jaccard threshold the LSH banding is chosen for [default for a new
    /// archive: 0.8].
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
}

impl ParamArgs {
    /// The parameters: each given value, else the archive's (if it exists),
    /// else the default.
    pub fn resolve(&self, existing: Option<&ArchiveParams>) -> syndic::Result<ArchiveParams> {
        ArchiveParams::new(
            self.shingle
                .or(existing.map(|p| p.shingle))
                .unwrap_or(syndic::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE),
            self.permutations
                .or(existing.map(|p| p.permutations))
                .unwrap_or(syndic::sketch::minhash::DEFAULT_PERMUTATIONS),
            self.seed
                .or(existing.map(|p| p.seed))
                .unwrap_or(syndic::DEFAULT_SEED),
            self.threshold
                .or(existing.map(|p| p.threshold))
                .unwrap_or(syndic::dedup::DEFAULT_THRESHOLD),
        )
    }
}

/// Options of `syndic index add`.
#[derive(Debug, clap::Args)]
pub struct AddOpts {
    /// The archive file (made if missing).
    pub archive: PathBuf,
    /// Inputs, as `syndic dedup` takes them: JSON Lines (plain, .gz, .zst),
    /// Parquet, WARC/WET, text files, directories, or - for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Keep each text (zstd-compressed): queries then give exact
    /// similarities and aligned passages, and dedup --against can use the
    /// archive.
    #[arg(long)]
    pub keep_text: bool,
    /// Replace a document already archived under the same id with other
    /// content (default: an error).
    #[arg(long)]
    pub replace: bool,
    /// Documents per committed batch: a killed add loses at most one batch.
    #[arg(long, default_value_t = syndic::index::DEFAULT_BATCH_DOCS, value_name = "N")]
    pub batch_docs: usize,
    /// Parameters.
    #[command(flatten)]
    pub params: ParamArgs,
    /// Reading.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Options of `syndic index query`.
#[derive(Debug, clap::Args)]
pub struct QueryOpts {
    /// The archive file.
    pub archive: PathBuf,
    /// Query documents, read as `index add` reads them.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output format: text, or JSON Lines (one object per query document,
    /// see docs/index.md).
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Similarity at which a match is a near duplicate (default: the
    /// archive's threshold).
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Matches per query document, best first.
    #[arg(long, default_value_t = 10, value_name = "K")]
    pub top: usize,
    /// Postings read per band key or sentence at most.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub max_postings: usize,
    /// A sentence in more archived documents than this is boilerplate: it
    /// brings in no candidates (still reported for matches found otherwise).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_sentence_postings: usize,
    /// Do not align passages (faster; exact similarities are still given
    /// where texts are kept).
    #[arg(long)]
    pub no_passages: bool,
    /// Print the time of each query (p50, p99, max) to standard error.
    #[arg(long)]
    pub timings: bool,
    /// Write the report to FILE (atomically).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Reading.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Options of `syndic index stats` and `check`.
#[derive(Debug, clap::Args)]
pub struct StatsOpts {
    /// The archive file.
    pub archive: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
}

/// Options of `syndic index remove`.
#[derive(Debug, clap::Args)]
pub struct RemoveOpts {
    /// The archive file.
    pub archive: PathBuf,
    /// Ids of the documents to remove.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

pub(super) fn run(o: IndexOpts) -> anyhow::Result<ExitCode> {
    match o.command {
        IndexCommand::Add(o) => run_add(o),
        IndexCommand::Query(o) => run_query(o),
        IndexCommand::Stats(o) => run_stats(o),
        IndexCommand::Remove(o) => run_remove(o),
        IndexCommand::Check(o) => run_check(o),
    }
}

/// The archive's parameters if the file exists and is an archive.
fn existing_params(path: &std::path::Path) -> syndic::Result<Option<ArchiveParams>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    Ok(Some(Archive::open(path, Mode::Read)?.params().clone()))
}

fn run_add(o: AddOpts) -> anyhow::Result<ExitCode> {
    super::init_threads(o.read.threads)?;
    let start = std::time::Instant::now();
    let read = o.read.input.read_options()?;
    let sources = syndic::source::expand_inputs(&o.inputs, o.read.input.format())?;
    let params = o.params.resolve(existing_params(&o.archive)?.as_ref())?;
    let mut archive = Archive::open_or_create(&o.archive, &params)?;
    report_migration(&archive);
    let config = AddConfig {
        read,
        keep_text: o.keep_text,
        replace: o.replace,
        batch_docs: o.batch_docs,
        batch_bytes: syndic::dedup::DEFAULT_BATCH_BYTES,
    };
    let name = o.archive.display().to_string();
    let summary = Adder::new(&mut archive, config)?.run(sources, &|_| true, &mut |s| {
        eprintln!(
            "syndic: {name}: batch {} committed: {} records read, {} added, {} unchanged, {} replaced; {} documents archived ({:.1} s)",
            s.batches,
            s.read,
            s.added,
            s.unchanged,
            s.replaced,
            s.archived,
            start.elapsed().as_secs_f64()
        )
    })?;
    for example in &summary.skipped.examples {
        eprintln!("syndic: skipped: {example}");
    }
    eprintln!(
        "syndic: {name}: {} records read, {} added, {} unchanged, {} replaced in {} batches; {} documents archived ({:.1} s)",
        summary.read,
        summary.added,
        summary.unchanged,
        summary.replaced,
        summary.batches,
        summary.archived,
        start.elapsed().as_secs_f64()
    );
    Ok(if summary.skipped.records > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_query(o: QueryOpts) -> anyhow::Result<ExitCode> {
    super::init_threads(o.read.threads)?;
    let read = o.read.input.read_options()?;
    let sources = syndic::source::expand_inputs(&o.inputs, o.read.input.format())?;
    let archive = Archive::open(&o.archive, Mode::Read)?;
    let mut config = QueryConfig::for_archive(&archive);
    if let Some(t) = o.threshold {
        config.threshold = t;
    }
    config.top = o.top;
    config.max_postings = o.max_postings.max(1);
    config.max_sentence_postings = o.max_sentence_postings;
    config.passages = !o.no_passages;
    let searcher = Searcher::new(&archive, config)?;
    // One snapshot for the whole run: an add under way is either wholly
    // seen, batch by batch up to the start, or not at all.
    archive.begin_read()?;
    let json = o.format == FormatArg::Json;
    let mut times: Vec<f64> = Vec::new();
    let mut skipped = 0u64;
    let inputs: Vec<&std::path::Path> = o.inputs.iter().map(|p| p.as_path()).collect();
    emit(o.output.as_deref(), inputs, |out| {
        let mut reader = Reader::new(sources, read);
        let mut batch = RecordBatch::new();
        let names: Vec<String> = reader.sources().iter().map(|s| s.name.clone()).collect();
        loop {
            batch.clear();
            let more = reader
                .fill(&mut batch, 1024, 16 << 20)
                .map_err(std::io::Error::other)?;
            for i in 0..batch.len() {
                let t0 = std::time::Instant::now();
                let r = searcher
                    .query(batch.id(i), &names[batch.source(i)], batch.text(i))
                    .map_err(std::io::Error::other)?;
                times.push(t0.elapsed().as_secs_f64());
                if json {
                    syndic::report::index::write_query_json(out, &r)?;
                } else {
                    syndic::report::index::write_query_text(out, &r)?;
                }
            }
            if !more {
                break;
            }
        }
        skipped = reader.skipped.records;
        Ok(())
    })
    .map_err(unwrap_library_error)?;
    archive.end_read()?;
    if o.timings && !times.is_empty() {
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| {
            times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1] * 1e3
        };
        eprintln!(
            "syndic: {} queries: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            times.len(),
            pct(0.50),
            pct(0.99),
            times[times.len() - 1] * 1e3
        );
    }
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A library error carried through an `io::Error` by a writer closure,
/// taken back out so its message is printed as is.
fn unwrap_library_error(e: anyhow::Error) -> anyhow::Error {
    let inner = e
        .chain()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .and_then(|io| io.get_ref())
        .and_then(|x| x.downcast_ref::<syndic::Error>())
        .map(|x| x.to_string());
    match inner {
        Some(msg) => anyhow::anyhow!(msg),
        None => e,
    }
}

fn run_stats(o: StatsOpts) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&o.archive, Mode::Read)?;
    archive.begin_read()?;
    let stats = archive.stats()?;
    archive.end_read()?;
    emit(None, [], |out| {
        syndic::report::index::write_stats(out, &stats, o.format == FormatArg::Json)
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_check(o: StatsOpts) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&o.archive, Mode::Read)?;
    let report = syndic::index::check(&archive)?;
    emit(None, [], |out| {
        syndic::report::index::write_check(out, &report, o.format == FormatArg::Json)
    })?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_remove(o: RemoveOpts) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open(&o.archive, Mode::Write)?;
    report_migration(&archive);
    let missing = archive.remove(&o.ids)?;
    for id in &missing {
        eprintln!("syndic: {}: no document {id:?}", o.archive.display());
    }
    eprintln!(
        "syndic: {}: removed {} document{}",
        o.archive.display(),
        o.ids.len() - missing.len(),
        if o.ids.len() - missing.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    std::io::stderr().flush()?;
    Ok(if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Says so on standard error when opening for writing migrated the
/// archive from an older format.
pub(super) fn report_migration(archive: &Archive) {
    if let Some(from) = archive.migrated_from() {
        eprintln!(
            "syndic: {}: migrated from archive format {from} to format {} (older syndic versions cannot write it any more)",
            archive.path().display(),
            archive.format()
        );
    }
}
