//! `syndic dedup`, `syndic synth` and `syndic eval`: options, the progress
//! bar, and outputs written under temporary names and renamed into place at
//! the end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;

use syndic::util::StagedDir;

/// Input format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// JSON Lines (plain, .gz or .zst).
    Jsonl,
    /// Parquet.
    Parquet,
    /// WARC or WET (plain or .gz).
    Warc,
    /// A plain text file is one document.
    Text,
}

impl From<InputFormatArg> for syndic::source::InputFormat {
    fn from(f: InputFormatArg) -> Self {
        use syndic::source::InputFormat;
        match f {
            InputFormatArg::Jsonl => InputFormat::Jsonl,
            InputFormatArg::Parquet => InputFormat::Parquet,
            InputFormatArg::Warc => InputFormat::Warc,
            InputFormatArg::Text => InputFormat::Text,
        }
    }
}

/// Options of `syndic dedup`.
#[derive(Debug, clap::Args)]
pub struct DedupOpts {
    /// Inputs: JSON Lines (.jsonl, .ndjson, .json; plain, .gz, .zst),
    /// Parquet (.parquet), WARC/WET (.warc, .warc.gz, .warc.wet.gz),
    /// text files, directories of them, or - for standard input (JSON Lines
    /// unless --input-format says otherwise).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing): clusters.jsonl,
    /// duplicates.txt, stats.json, and with --write-deduped
    /// deduped.jsonl / deduped.warc.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Word n-gram size.
    #[arg(long, default_value_t = syndic::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = syndic::sketch::minhash::DEFAULT_PERMUTATIONS, value_name = "K")]
    pub permutations: usize,
    /// Seed for every hash; the same input and seed give the same output.
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// Jaccard similarity of word shingle sets at which two documents are
    /// duplicates, in (0, 1).
    #[arg(long, default_value_t = syndic::dedup::DEFAULT_THRESHOLD, value_name = "T")]
    pub threshold: f64,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Verify every candidate pair by exact Jaccard (a second pass over the
    /// input); similarities in clusters.jsonl are exact too.
    #[arg(long, conflicts_with = "signature_only")]
    pub exact: bool,
    /// Verify by the MinHash estimate alone (one pass; noisier near the
    /// threshold). Default: the estimate decides clear cases, exact Jaccard
    /// the uncertain zone around the threshold.
    #[arg(long)]
    pub signature_only: bool,
    /// How records are read.
    #[command(flatten)]
    pub input: super::input::InputArgs,
    /// Also write the records that survive, unchanged: JSON Lines (and
    /// Parquet rows as JSON, text files as {"id","text"}) to deduped.jsonl,
    /// WARC records to deduped.warc.
    #[arg(long)]
    pub write_deduped: bool,
    /// Memory for shingle sets held by exact verification; more pairs than
    /// fit take more passes over the input.
    #[arg(long, default_value_t = syndic::dedup::DEFAULT_EXACT_MEMORY, value_name = "BYTES")]
    pub exact_memory: usize,
    /// Buckets with more documents are not expanded into all pairs (see
    /// DESIGN.md).
    #[arg(long, default_value_t = syndic::dedup::DEFAULT_BUCKET_CAP, value_name = "N")]
    pub bucket_cap: usize,
    /// Make repeated ids unique with a #2, #3, ... suffix instead of
    /// stopping at the first repeat.
    #[arg(long)]
    pub unique_ids: bool,
    /// Text bytes per batch (testing and tuning).
    #[arg(long, default_value_t = syndic::dedup::DEFAULT_BATCH_BYTES, value_name = "BYTES", hide = true)]
    pub batch_bytes: usize,
    /// Dedup against an archive (syndic index): a new document that
    /// duplicates an archived one is dropped, as one run over the archived
    /// and the new documents together would drop it; matches.jsonl says
    /// which archived document each matches. The archive's texts must be
    /// kept (index add --keep-text, or dedup --add).
    #[arg(long, value_name = "ARCHIVE")]
    pub against: Option<PathBuf>,
    /// With --against: add the surviving new documents (with their text) to
    /// the archive in the same run; the archive is made if missing.
    #[arg(long, requires = "against")]
    pub add: bool,
}

/// Everything `syndic dedup` needs, resolved from [`DedupOpts`].
#[derive(Debug, Clone)]
pub struct DedupRun {
    /// Inputs as given.
    pub inputs: Vec<PathBuf>,
    /// Format override.
    pub input_format: Option<syndic::source::InputFormat>,
    /// Output directory.
    pub output: PathBuf,
    /// Worker threads.
    pub threads: Option<usize>,
    /// The library's settings.
    pub config: syndic::dedup::DedupConfig,
    /// `--against ARCHIVE`.
    pub against: Option<PathBuf>,
    /// `--add`.
    pub add: bool,
}

impl DedupRun {
    /// Resolves the options (field paths are checked here).
    pub fn from_opts(o: DedupOpts) -> syndic::Result<DedupRun> {
        use syndic::dedup::{DedupConfig, Verify};
        let verify = if o.exact {
            Verify::Exact
        } else if o.signature_only {
            Verify::Signature
        } else {
            Verify::Auto
        };
        if o.bucket_cap < 2 {
            return Err(syndic::Error::InvalidParameter {
                name: "bucket-cap",
                value: o.bucket_cap.to_string(),
                reason: "must be at least 2",
            });
        }
        Ok(DedupRun {
            against: o.against,
            add: o.add,
            inputs: o.inputs,
            input_format: o.input.format(),
            threads: o.threads,
            config: DedupConfig {
                shingle: o.shingle,
                permutations: o.permutations,
                seed: o.seed,
                threshold: o.threshold,
                verify,
                read: o.input.read_options()?,
                batch_bytes: o.batch_bytes.max(1),
                exact_memory: o.exact_memory,
                bucket_cap: o.bucket_cap,
                write_deduped: o.write_deduped,
                spool_dir: Some(o.output.clone()),
                unique_ids: o.unique_ids,
            },
            output: o.output,
        })
    }
}

/// Options of `syndic synth`.
#[derive(Debug, clap::Args)]
pub struct SynthOpts {
    /// Output directory: corpus.jsonl and truth.tsv.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Number of documents.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub docs: usize,
    /// Seed; the same seed gives the same crawl.
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// Word n-gram size of the true Jaccard in truth.tsv.
    #[arg(long, default_value_t = syndic::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Output format of `syndic eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormatArg {
    /// A few lines of text.
    Text,
    /// One JSON object.
    Json,
}

/// Options of `syndic eval`.
#[derive(Debug, clap::Args)]
pub struct EvalOpts {
    /// clusters.jsonl written by syndic dedup.
    pub clusters: PathBuf,
    /// truth.tsv written by syndic synth.
    pub truth: PathBuf,
    /// The threshold the clusters were made at.
    #[arg(long, default_value_t = syndic::dedup::DEFAULT_THRESHOLD, value_name = "T")]
    pub threshold: f64,
    /// Tolerance around the threshold: precision counts predicted pairs with
    /// true Jaccard >= T - MARGIN as right, recall looks for pairs >= T +
    /// MARGIN.
    #[arg(long, default_value_t = 0.05, value_name = "MARGIN")]
    pub margin: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: EvalFormatArg,
}
/// A progress bar on standard error (documents, MB/s, ETA), drawn only when
/// standard error is a terminal.
pub(super) struct Bar {
    bar: std::sync::Mutex<Option<indicatif::ProgressBar>>,
    enabled: bool,
}

impl Bar {
    pub(super) fn new() -> Bar {
        use std::io::IsTerminal;
        Bar {
            bar: std::sync::Mutex::new(None),
            enabled: std::io::stderr().is_terminal(),
        }
    }
}

impl syndic::dedup::Progress for Bar {
    fn begin(&self, stage: &'static str, total_bytes: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match total_bytes {
            Some(n) => indicatif::ProgressBar::new(n).with_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>10} {decimal_bytes:>9} {decimal_bytes_per_sec:>11} {msg:>11} \
                     ETA {eta:>3} [{wide_bar}]",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => indicatif::ProgressBar::new_spinner().with_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>10} {decimal_bytes:>9} {decimal_bytes_per_sec:>11} {msg:>11} {spinner}",
                )
                .expect("valid template"),
            ),
        };
        bar.set_prefix(stage);
        *self.bar.lock().expect("progress lock") = Some(bar);
    }

    fn set(&self, bytes: u64, documents: u64) {
        if let Some(bar) = &*self.bar.lock().expect("progress lock") {
            bar.set_position(bytes);
            bar.set_message(format!("{documents} docs"));
        }
    }

    fn end(&self) {
        if let Some(bar) = self.bar.lock().expect("progress lock").take() {
            bar.finish_and_clear();
        }
    }
}

pub(super) fn run_dedup(o: DedupOpts) -> anyhow::Result<ExitCode> {
    let mut run = DedupRun::from_opts(o)?;
    let start = std::time::Instant::now();
    super::init_threads(run.threads)?;
    let sources = syndic::source::expand_inputs(&run.inputs, run.input_format)?;
    super::check_output_dir(&run.output, &run.inputs)?;
    if run.against.is_some() {
        return super::against::run_against(run, sources, start);
    }
    let staged = StagedDir::create(&run.output)?;
    run.config.spool_dir = Some(staged.path().to_path_buf());
    let code = dedup_into(&run, sources, start, staged.path())?;
    staged.commit()?;
    eprintln!("syndic: wrote {}", run.output.display());
    Ok(code)
}

/// One output file of a run, written in the staging directory.
pub(super) fn create(dir: &Path, name: &str) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("{}: cannot create", path.display()))?;
    Ok(std::io::BufWriter::with_capacity(1 << 20, file))
}

/// Flushes and syncs an output file.
pub(super) fn finish(w: std::io::BufWriter<std::fs::File>) -> anyhow::Result<()> {
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

fn dedup_into(
    run: &DedupRun,
    sources: Vec<syndic::source::Source>,
    start: std::time::Instant,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let bar = Bar::new();
    let mut deduped = syndic::dedup::Deduper::new(run.config.clone())?.run(sources, &bar)?;
    syndic::report::dedup::write_outputs(dir, &mut deduped, run.config.write_deduped, &bar, start)?;
    let stats = deduped.stats();
    for example in &stats.skipped.examples {
        eprintln!("syndic: skipped: {example}");
    }
    if stats.skipped.records as usize > stats.skipped.examples.len() {
        eprintln!(
            "syndic: skipped {} records in all (see stats.json)",
            stats.skipped.records
        );
    }
    eprintln!(
        "syndic: {} documents, {} clusters, {} duplicates ({:.1} s)",
        stats.documents, stats.clusters, stats.duplicates, stats.seconds.total,
    );
    Ok(if stats.skipped.records > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(super) fn run_synth(o: SynthOpts) -> anyhow::Result<ExitCode> {
    super::init_threads(o.threads)?;
    anyhow::ensure!(o.docs > 0, "--docs must be at least 1");
    let staged = StagedDir::create(&o.output)?;
    let dir = staged.path();
    let crawl = syndic::dedup::synth::Crawl::new(syndic::dedup::synth::CrawlConfig {
        docs: o.docs,
        seed: o.seed,
        shingle: o.shingle,
        ..Default::default()
    });
    let mut w = create(dir, "corpus.jsonl")?;
    let bytes = crawl.write_corpus(&mut w)?;
    finish(w)?;
    let mut w = create(dir, "truth.tsv")?;
    let pairs = crawl.write_truth(&mut w)?;
    finish(w)?;
    staged.commit()?;
    eprintln!(
        "syndic: wrote {} documents ({:.1} MB) to {} and {} planted pairs to {}",
        o.docs,
        bytes as f64 / 1e6,
        o.output.join("corpus.jsonl").display(),
        pairs,
        o.output.join("truth.tsv").display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_eval(o: EvalOpts) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        o.threshold > 0.0 && o.threshold < 1.0,
        "--threshold must be strictly between 0 and 1"
    );
    let report = syndic::dedup::eval::evaluate(&o.clusters, &o.truth, o.threshold, o.margin)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    syndic::report::dedup::write_eval(&mut out, &report, o.format == EvalFormatArg::Json)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
