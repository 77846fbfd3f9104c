//! The command line: clap-derive options, turned once per subcommand into
//! the library's plain configs, and one `run` per subcommand. Part of the
//! binary only: the library has no clap types.
//!
//! Exit codes: 0 success; 1 the report was written but some inputs were
//! skipped; 2 nothing could be done (bad options, no analysable input, an
//! output that could not be written).

mod align;
mod compare;
mod dedup;
mod pan;
mod shell;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use syndic::report::Format;

/// syndic: find which sentences documents share, where, and how much.
#[derive(Debug, Parser)]
#[command(name = "syndic", version, about, long_about = None)]
pub struct Opts {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands, in the order a user meets them.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare documents: shared sentences (verbatim, near-duplicate,
    /// boilerplate), reused passages and pairwise similarity.
    Compare(compare::CompareOpts),
    /// Align two documents: the passages they share, with byte and
    /// character offsets on both sides and how each was edited.
    Align(align::AlignOpts),
    /// Find near-duplicate documents in a crawl (JSON Lines, Parquet,
    /// WARC/WET, text files) and write clusters, the ids to drop and
    /// statistics to a directory.
    Dedup(dedup::DedupOpts),
    /// Write a synthetic news crawl (wire stories republished with edits,
    /// plus unrelated documents) and the true Jaccard of every planted pair.
    Synth(dedup::SynthOpts),
    /// Score clusters.jsonl against truth.tsv: pair precision and recall.
    Eval(dedup::EvalOpts),
    /// Run the aligner over a PAN text-alignment corpus and write one
    /// detection XML per pair (offsets in characters, as PAN counts them).
    Pan(pan::PanOpts),
    /// Score PAN detections against the truth: plagdet, precision, recall
    /// and granularity (Potthast et al., COLING 2010).
    Plagdet(pan::PlagdetOpts),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell::CompletionsOpts),
    /// Print the man page (roff) of syndic.
    Man(shell::ManOpts),
}

/// Parses the command line, runs it and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let opts = Opts::parse();
    match run(opts) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("syndic: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(opts: Opts) -> anyhow::Result<ExitCode> {
    match opts.command {
        Command::Compare(o) => compare::run(o),
        Command::Align(o) => align::run(o),
        Command::Dedup(o) => dedup::run_dedup(o),
        Command::Synth(o) => dedup::run_synth(o),
        Command::Eval(o) => dedup::run_eval(o),
        Command::Pan(o) => pan::run_pan(o),
        Command::Plagdet(o) => pan::run_plagdet(o),
        Command::Completions(o) => shell::run_completions(o),
        Command::Man(o) => shell::run_man(o),
    }
}

fn init_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("could not start the thread pool")?;
    }
    Ok(())
}

pub(crate) fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
    }
}

/// Writes a report to `output` atomically, or to standard output.
fn emit(
    output: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match output {
        Some(path) => syndic::util::write_atomically(path, f)?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            f(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// How inputs are decoded: `--encoding`, `--strict-utf8` (shared by the
/// subcommands that read text).
#[derive(Debug, Clone, clap::Args)]
pub struct DecodeArgs {
    /// Read every input in this encoding (a WHATWG label: utf-8,
    /// windows-1252, iso-8859-1, utf-16le, gb18030, shift_jis, euc-kr, ...)
    /// instead of detecting it; invalid bytes are an error.
    #[arg(long, value_name = "NAME", conflicts_with = "strict_utf8")]
    pub encoding: Option<String>,
    /// Refuse any input that is not UTF-8 instead of detecting its
    /// encoding.
    #[arg(long)]
    pub strict_utf8: bool,
}

impl DecodeArgs {
    /// The library's decoding options.
    pub fn options(&self) -> syndic::Result<syndic::source::DecodeOptions> {
        let mut opts = match &self.encoding {
            Some(label) => syndic::source::DecodeOptions::forcing(label)?,
            None => syndic::source::DecodeOptions::default(),
        };
        opts.strict_utf8 = self.strict_utf8;
        Ok(opts)
    }
}

/// Warns on standard error about a document whose encoding was a guess that
/// still left invalid bytes.
pub(crate) fn warn_encoding(doc: &syndic::source::InputDoc) {
    if !doc.encoding.confident {
        eprintln!(
            "syndic: warning: {}: encoding could not be decided; read as {} (the most likely), \
             invalid bytes replaced by U+FFFD (use --encoding NAME to choose)",
            doc.path, doc.encoding.name
        );
    }
}

/// Output format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A report for the terminal.
    Text,
    /// JSON (see docs/report.md).
    Json,
}
