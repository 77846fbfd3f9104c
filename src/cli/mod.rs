//! The command line: clap-derive options, turned once per subcommand into
//! the library's plain configs, and one `run` per subcommand. Part of the
//! binary only: the library has no clap types.
//!
//! Exit codes: 0 success; 1 the report was written but some inputs were
//! skipped; 2 nothing could be done (bad options, no analysable input, an
//! output that could not be written).

mod against;
mod align;
mod compare;
mod dedup;
mod index;
mod input;
mod pan;
mod shell;
mod sign;

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
    /// An archive of documents seen before, in one file: add documents,
    /// query new ones against it, statistics, removal, integrity check.
    Index(index::IndexOpts),
    /// Print the MinHash signature of every document of a crawl, one JSON
    /// line each ({"id", "empty", "signature"}), as syndic dedup computes
    /// them.
    Sign(sign::SignOpts),
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
    main_from(std::env::args_os())
}

/// [`main`] with the arguments given (the first is the program name), for
/// the Python package's `python -m syndic`.
pub fn main_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    limit_malloc_arenas();
    note_closed_stdout();
    let opts = Opts::parse_from(args);
    install_signal_handlers();
    match run(opts) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            match err.downcast_ref::<syndic::Error>() {
                // The library names a setting; the user typed an option.
                Some(syndic::Error::InvalidParameter {
                    name,
                    value,
                    reason,
                }) if name.chars().all(|c| c.is_ascii_lowercase() || c == '-') => {
                    let name = name.trim_start_matches('-');
                    eprintln!("syndic: error: --{name} {value}: {reason}")
                }
                _ => eprintln!("syndic: error: {err}"),
            }
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
        Command::Index(o) => index::run(o),
        Command::Sign(o) => sign::run(o),
        Command::Pan(o) => pan::run_pan(o),
        Command::Plagdet(o) => pan::run_plagdet(o),
        Command::Completions(o) => shell::run_completions(o),
        Command::Man(o) => shell::run_man(o),
    }
}

/// glibc gives every thread its own malloc arena (up to 8 per core); with
/// rayon's threads building and freeing token vectors at once, freed memory
/// stays resident in arenas the other threads cannot use. One arena per core
/// keeps the peak resident memory near the heap's: `compare` on 10,000
/// articles 614 -> 513 MB at the same speed (benches/README.md).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        // SAFETY: mallopt only sets a tuning parameter of the allocator,
        // before any other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, cores.clamp(2, 64) as libc::c_int);
        }
    }
}

/// SIGINT and SIGTERM remove the run's temporary files and staging
/// directories, then exit 130 / 143.
fn install_signal_handlers() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let removed = syndic::util::cleanup::remove_all();
            let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
            eprintln!("syndic: interrupted by {name}; removed {removed} temporary file(s); nothing was written");
            std::process::exit(128 + sig);
        }
    });
}

/// Most worker threads `--threads` may ask for, per core.
const THREADS_PER_CORE: usize = 4;

fn init_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(mut n) = threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cap = THREADS_PER_CORE * cores;
        if n > cap {
            eprintln!(
                "syndic: warning: --threads {n} is more than {THREADS_PER_CORE} per core; using {cap} ({cores} cores)"
            );
            n = cap;
        }
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

/// Writes a report to `output` (atomically for a regular file, straight
/// through for a device or FIFO; never over one of `inputs`), or to
/// standard output.
fn emit<'a>(
    output: Option<&Path>,
    inputs: impl IntoIterator<Item = &'a Path>,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            syndic::util::check_not_an_input(path, inputs)?;
            for p in syndic::util::remove_leftovers_for(path) {
                eprintln!(
                    "syndic: removed {}, left by an interrupted run",
                    p.display()
                );
            }
            syndic::util::write_atomically(path, f)?
        }
        None => {
            check_stdout_open()?;
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

/// Output format of the `compare` and `align` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    /// A report for the terminal.
    Text,
    /// JSON (see docs/report.md).
    Json,
    /// One self-contained HTML page: overview, heatmap, shared sentences,
    /// highlighted articles, pair views (see docs/report.md).
    Html,
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes whether standard output was closed when syndic started (`>&-`).
/// Rust's runtime reopens a closed descriptor 1 on `/dev/null` before
/// `main` (read-write, which a shell's `> /dev/null` never is), so that is
/// what a closed standard output looks like here.
fn note_closed_stdout() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        // SAFETY: F_GETFL only queries the descriptor's status flags.
        let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
        let reopened = flags != -1
            && (flags & libc::O_ACCMODE) == libc::O_RDWR
            && {
                let fd1 = std::fs::metadata("/proc/self/fd/1");
                let null = std::fs::metadata("/dev/null");
                matches!((fd1, null), (Ok(a), Ok(b)) if a.file_type().is_char_device() && a.rdev() == b.rdev())
            };
        if flags == -1 || reopened {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// A closed standard output is an error: Rust's standard library would
/// otherwise drop every byte written to it without a word.
fn check_stdout_open() -> anyhow::Result<()> {
    anyhow::ensure!(
        !STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed),
        "standard output is closed; nothing was written (give -o FILE)"
    );
    Ok(())
}

/// Refuses an output directory that is, or is inside, an input directory,
/// or that is an input file (see [`syndic::util::check_output_dir`]).
fn check_output_dir(output: &Path, inputs: &[std::path::PathBuf]) -> anyhow::Result<()> {
    syndic::util::check_output_dir(output, inputs).map_err(|e| anyhow::anyhow!("-o {e}"))
}

/// A writer that fails once more than `limit` bytes went through it (0: no
/// limit), for `--max-report-bytes`.
pub(crate) struct Limited<'a> {
    inner: &'a mut dyn Write,
    limit: u64,
    written: u64,
}

impl<'a> Limited<'a> {
    pub(crate) fn new(inner: &'a mut dyn Write, limit: u64) -> Limited<'a> {
        Limited {
            inner,
            limit,
            written: 0,
        }
    }
}

impl Write for Limited<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len() as u64;
        if self.limit > 0 && self.written > self.limit {
            return Err(std::io::Error::other(format!(
                "the report is larger than --max-report-bytes {} (raise it, or 0 for no limit; \
                 a large report usually means templated page furniture or near-identical documents: \
                 try --format text or fewer documents)",
                self.limit
            )));
        }
        self.inner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Names the option the user typed in a library parameter error.
pub(crate) fn as_option(e: syndic::Error, option: &'static str) -> syndic::Error {
    match e {
        syndic::Error::InvalidParameter { value, reason, .. } => syndic::Error::InvalidParameter {
            name: option,
            value,
            reason,
        },
        e => e,
    }
}
