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
