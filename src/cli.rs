//! Command line: clap-derive options turned once into a plain [`Config`].

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::align::AlignConfig;
use crate::compare::CompareConfig;
use crate::input::{LoadOptions, DEFAULT_MAX_LINE_BYTES};
use crate::report::Format;

/// syndic: find which sentences documents share, where, and how much.
#[derive(Debug, Parser)]
#[command(name = "syndic", version, about, long_about = None)]
pub struct Opts {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    // --- crawl-scale dedup (issue 4); `compare` and the rest follow ---
    /// Find near-duplicate documents in a crawl (JSON Lines, Parquet,
    /// WARC/WET, text files) and write clusters, the ids to drop and
    /// statistics to a directory.
    Dedup(DedupOpts),
    /// Write a synthetic news crawl (wire stories republished with edits,
    /// plus unrelated documents) and the true Jaccard of every planted pair.
    Synth(SynthOpts),
    /// Score clusters.jsonl against truth.tsv: pair precision and recall.
    Eval(EvalOpts),
    /// Compare documents: shared sentences (verbatim, near-duplicate,
    /// boilerplate) and pairwise similarity.
    Compare(CompareOpts),
    /// Align two documents: the passages they share, with byte and
    /// character offsets on both sides and how each was edited.
    Align(AlignOpts),
    /// Run the aligner over a PAN text-alignment corpus and write one
    /// detection XML per pair (offsets in characters, as PAN counts them).
    Pan(PanOpts),
    /// Score PAN detections against the truth: plagdet, precision, recall
    /// and granularity (Potthast et al., COLING 2010).
    Plagdet(PlagdetOpts),
}

/// Options of `syndic align`.
#[derive(Debug, clap::Args)]
pub struct AlignOpts {
    /// The first document (in PAN terms, the suspicious one).
    pub a: PathBuf,
    /// The second document (the source).
    pub b: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Seed of the word hashes.
    #[arg(long, default_value_t = crate::compare::DEFAULT_SEED)]
    pub seed: u64,
    /// Shortest passage reported, in words on each side.
    #[arg(long, default_value_t = AlignConfig::default().min_words, value_name = "N")]
    pub min_words: usize,
    /// Shortest passage reported, in characters on each side.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub min_chars: usize,
    /// Write the report to FILE (atomically).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Reject files with a line longer than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES, value_name = "BYTES")]
    pub max_line_bytes: usize,
}

/// Options of `syndic pan`.
#[derive(Debug, clap::Args)]
pub struct PanOpts {
    /// The pairs file: `suspicious-documentXXXXX.txt source-documentYYYYY.txt`
    /// per line.
    #[arg(long, value_name = "FILE")]
    pub pairs: PathBuf,
    /// Directory of the suspicious documents.
    #[arg(long, value_name = "DIR")]
    pub susp: PathBuf,
    /// Directory of the source documents.
    #[arg(long, value_name = "DIR")]
    pub src: PathBuf,
    /// Output directory for the detection XML files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the word hashes.
    #[arg(long, default_value_t = crate::compare::DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Options of `syndic plagdet`.
#[derive(Debug, clap::Args)]
pub struct PlagdetOpts {
    /// Directory of truth XML files (one per pair, PAN format).
    pub truth: PathBuf,
    /// Directory of detection XML files with the same names (a missing file
    /// means no detections for that pair).
    pub detections: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
}

/// Output format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A report for the terminal.
    Text,
    /// JSON (see docs/report.md).
    Json,
}

/// Options of `syndic compare`.
#[derive(Debug, clap::Args)]
pub struct CompareOpts {
    /// Files or directories (directories are searched for *.txt, *.text,
    /// *.md). Default: corpus/ in the current directory, or the five sample
    /// articles built into syndic if there is none.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Word n-gram size for whole documents.
    #[arg(long, default_value_t = crate::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// Word n-gram size for sentences (candidate search; pairs must share 3
    /// of them, so keep it small: 1 to 3).
    #[arg(long, default_value_t = crate::shingle::DEFAULT_SENTENCE_SHINGLE, value_name = "N")]
    pub sentence_shingle: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = crate::minhash::DEFAULT_PERMUTATIONS, value_name = "K")]
    pub permutations: usize,
    /// Seed for hashing and MinHash; the same seed gives the same output.
    #[arg(long, default_value_t = crate::compare::DEFAULT_SEED)]
    pub seed: u64,
    /// Near-duplicate sentence threshold, in (0, 1): word-alignment
    /// similarity 2·LCS/(|a|+|b|) of the two sentences.
    #[arg(long, default_value_t = 0.45, value_name = "T")]
    pub threshold: f64,
    /// Containment of a shorter sentence in a longer one that makes it a
    /// near duplicate (trimmed copy), in (0, 1].
    #[arg(long, default_value_t = 0.8, value_name = "C")]
    pub containment: f64,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the report to FILE (atomically: a temporary file, then rename).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Reject files with a line longer than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES, value_name = "BYTES")]
    pub max_line_bytes: usize,
}

/// Everything `syndic compare` needs, resolved from [`CompareOpts`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Inputs; empty means the default corpus.
    pub paths: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Comparer settings.
    pub compare: CompareConfig,
    /// Loader settings.
    pub load: LoadOptions,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Output file, or standard output.
    pub output: Option<PathBuf>,
}

impl From<CompareOpts> for Config {
    fn from(o: CompareOpts) -> Config {
        Config {
            paths: o.paths,
            format: match o.format {
                FormatArg::Text => Format::Text,
                FormatArg::Json => Format::Json,
            },
            compare: CompareConfig {
                document_shingle: o.shingle,
                sentence_shingle: o.sentence_shingle,
                permutations: o.permutations,
                seed: o.seed,
                threshold: o.threshold,
                containment: o.containment,
                ..CompareConfig::default()
            },
            load: LoadOptions {
                max_line_bytes: o.max_line_bytes,
            },
            threads: o.threads,
            output: o.output,
        }
    }
}

// --- crawl-scale dedup (issue 4) ---

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

impl From<InputFormatArg> for crate::records::InputFormat {
    fn from(f: InputFormatArg) -> Self {
        use crate::records::InputFormat;
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
    #[arg(long, default_value_t = crate::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = crate::minhash::DEFAULT_PERMUTATIONS, value_name = "K")]
    pub permutations: usize,
    /// Seed for every hash; the same input and seed give the same output.
    #[arg(long, default_value_t = crate::compare::DEFAULT_SEED)]
    pub seed: u64,
    /// Jaccard similarity of word shingle sets at which two documents are
    /// duplicates, in (0, 1).
    #[arg(long, default_value_t = crate::dedup::DEFAULT_THRESHOLD, value_name = "T")]
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
    /// Field holding the text: a dotted JSON path (meta.body), a Parquet
    /// column.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    pub text_field: String,
    /// Field holding the id: a dotted JSON path, a Parquet column, a WARC
    /// header name. Default: FILE:LINE (JSON Lines), FILE:ROW (Parquet),
    /// WARC-Record-ID (WARC), the file name (text files).
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Format of every input (default: by extension, else by content).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Count bad records in stats.json and go on, instead of stopping at
    /// the first one.
    #[arg(long)]
    pub skip_bad: bool,
    /// Also write the records that survive, unchanged: JSON Lines (and
    /// Parquet rows as JSON, text files as {"id","text"}) to deduped.jsonl,
    /// WARC records to deduped.warc.
    #[arg(long)]
    pub write_deduped: bool,
    /// Reject records longer than this.
    #[arg(long, default_value_t = crate::records::DEFAULT_MAX_RECORD_BYTES, value_name = "BYTES")]
    pub max_record_bytes: usize,
    /// Memory for shingle sets held by exact verification; more pairs than
    /// fit take more passes over the input.
    #[arg(long, default_value_t = crate::dedup::DEFAULT_EXACT_MEMORY, value_name = "BYTES")]
    pub exact_memory: usize,
    /// Buckets with more documents are not expanded into all pairs (see
    /// DESIGN.md).
    #[arg(long, default_value_t = crate::dedup::DEFAULT_BUCKET_CAP, value_name = "N")]
    pub bucket_cap: usize,
    /// Text bytes per batch (testing and tuning).
    #[arg(long, default_value_t = crate::dedup::DEFAULT_BATCH_BYTES, value_name = "BYTES", hide = true)]
    pub batch_bytes: usize,
}

/// Everything `syndic dedup` needs, resolved from [`DedupOpts`].
#[derive(Debug, Clone)]
pub struct DedupRun {
    /// Inputs as given.
    pub inputs: Vec<PathBuf>,
    /// Format override.
    pub input_format: Option<crate::records::InputFormat>,
    /// Output directory.
    pub output: PathBuf,
    /// Worker threads.
    pub threads: Option<usize>,
    /// The library's settings.
    pub config: crate::dedup::DedupConfig,
}

impl DedupRun {
    /// Resolves the options (field paths are checked here).
    pub fn from_opts(o: DedupOpts) -> crate::Result<DedupRun> {
        use crate::dedup::{DedupConfig, Verify};
        use crate::records::{FieldPath, ReadOptions};
        let verify = if o.exact {
            Verify::Exact
        } else if o.signature_only {
            Verify::Signature
        } else {
            Verify::Auto
        };
        if o.bucket_cap < 2 {
            return Err(crate::Error::InvalidParameter {
                name: "bucket-cap",
                value: o.bucket_cap.to_string(),
                reason: "must be at least 2",
            });
        }
        Ok(DedupRun {
            inputs: o.inputs,
            input_format: o.input_format.map(Into::into),
            threads: o.threads,
            config: DedupConfig {
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
                },
                batch_bytes: o.batch_bytes.max(1),
                exact_memory: o.exact_memory,
                bucket_cap: o.bucket_cap,
                write_deduped: o.write_deduped,
                spool_dir: Some(o.output.clone()),
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
    #[arg(long, default_value_t = crate::compare::DEFAULT_SEED)]
    pub seed: u64,
    /// Word n-gram size of the true Jaccard in truth.tsv.
    #[arg(long, default_value_t = crate::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
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
    #[arg(long, default_value_t = crate::dedup::DEFAULT_THRESHOLD, value_name = "T")]
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
