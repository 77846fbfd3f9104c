//! The `syndic` binary: parse options, run, map the outcome to an exit code.
//!
//! Exit codes: 0 success; 1 the report was written but some inputs were
//! skipped; 2 nothing could be done (bad options, no analysable input, an
//! output that could not be written).

// --- crawl-scale dedup (issue 4): the dedup, synth and eval subcommands ---
mod cmd_dedup;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use syndic::align::AlignConfig;
use syndic::cli::{AlignOpts, Command, Config, FormatArg, Opts, PanOpts, PlagdetOpts};
use syndic::compare::{align_documents, compare, InputDoc, Skipped};
use syndic::input::{load_paths, read_document, LoadOptions};
use syndic::pan::RunPaths;
use syndic::report::Format;

/// The five sample articles, built in so `syndic compare` works anywhere.
const EMBEDDED_CORPUS: &[(&str, &str)] = &[
    (
        "000_2418eaf12bc7a03f",
        include_str!("../corpus/000_2418eaf12bc7a03f.txt"),
    ),
    (
        "001_ed852534e1fcf919",
        include_str!("../corpus/001_ed852534e1fcf919.txt"),
    ),
    (
        "002_7c5c3771152c00cc",
        include_str!("../corpus/002_7c5c3771152c00cc.txt"),
    ),
    (
        "003_51106e80349272ef",
        include_str!("../corpus/003_51106e80349272ef.txt"),
    ),
    (
        "004_8365b9acc8308324",
        include_str!("../corpus/004_8365b9acc8308324.txt"),
    ),
];

fn main() -> ExitCode {
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
        // --- crawl-scale dedup (issue 4) ---
        Command::Dedup(o) => cmd_dedup::run_dedup(syndic::cli::DedupRun::from_opts(o)?),
        Command::Synth(o) => cmd_dedup::run_synth(o),
        Command::Eval(o) => cmd_dedup::run_eval(o),
        Command::Compare(o) => run_compare(Config::from(o)),
        Command::Align(o) => run_align(o),
        Command::Pan(o) => run_pan(o),
        Command::Plagdet(o) => run_plagdet(o),
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

fn format_of(f: FormatArg) -> Format {
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
        Some(path) => syndic::report::write_atomically(path, f)?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            f(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

fn run_align(o: AlignOpts) -> anyhow::Result<ExitCode> {
    let load = LoadOptions {
        max_line_bytes: o.max_line_bytes,
    };
    let a = read_document(&o.a, load)?;
    let b = read_document(&o.b, load)?;
    let config = AlignConfig {
        seed: o.seed,
        min_words: o.min_words,
        min_chars: o.min_chars,
        ..AlignConfig::default()
    };
    let alignment = align_documents(&a, &b, &config)?;
    let format = format_of(o.format);
    emit(o.output.as_deref(), |out| {
        syndic::report::write_alignment(out, &alignment, format)
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_pan(o: PanOpts) -> anyhow::Result<ExitCode> {
    init_threads(o.threads)?;
    let paths = RunPaths {
        pairs: o.pairs,
        susp: o.susp,
        src: o.src,
        out: o.out,
    };
    let config = AlignConfig {
        seed: o.seed,
        ..AlignConfig::pan()
    };
    let start = std::time::Instant::now();
    let summary = syndic::pan::run(&paths, &config)?;
    for e in &summary.failed {
        eprintln!("syndic: failed: {e}");
    }
    eprintln!(
        "syndic pan: {} pairs, {} written ({} detections), {} failed, {:.1} s",
        summary.pairs,
        summary.written,
        summary.detections,
        summary.failed.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else if summary.written > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::from(2)
    })
}

fn run_plagdet(o: PlagdetOpts) -> anyhow::Result<ExitCode> {
    let mut truth_files: Vec<PathBuf> = std::fs::read_dir(&o.truth)
        .with_context(|| format!("{}: cannot read the directory", o.truth.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    truth_files.sort();
    anyhow::ensure!(
        !truth_files.is_empty(),
        "{}: no truth XML files",
        o.truth.display()
    );
    let mut cases = Vec::new();
    let mut detections = Vec::new();
    let mut missing = 0usize;
    for t in &truth_files {
        cases.extend(syndic::pan::read_xml(t)?);
        let d = o.detections.join(t.file_name().expect("a file"));
        if d.is_file() {
            detections.extend(syndic::pan::read_xml(&d)?);
        } else {
            missing += 1;
        }
    }
    let score = syndic::pan::plagdet::score(&cases, &detections);
    let format = format_of(o.format);
    emit(None, |out| {
        syndic::report::write_plagdet(out, &score, truth_files.len(), missing, format)
    })?;
    Ok(ExitCode::SUCCESS)
}

fn run_compare(config: Config) -> anyhow::Result<ExitCode> {
    init_threads(config.threads)?;
    let (docs, skipped) = if config.paths.is_empty() && !Path::new("corpus").is_dir() {
        let docs = EMBEDDED_CORPUS
            .iter()
            .map(|(id, text)| InputDoc::new(*id, format!("corpus/{id}.txt (built in)"), *text))
            .collect();
        (docs, Vec::new())
    } else {
        let paths = if config.paths.is_empty() {
            vec![PathBuf::from("corpus")]
        } else {
            config.paths.clone()
        };
        let loaded = load_paths(&paths, config.load);
        (loaded.docs, loaded.skipped)
    };
    for e in &skipped {
        eprintln!("syndic: skipped: {e}");
    }
    if docs.is_empty() {
        anyhow::bail!("no document could be analysed");
    }
    let mut comparison = compare(docs, &config.compare)?;
    comparison.skipped = skipped
        .iter()
        .map(|e| Skipped {
            path: error_path(e),
            error: e.to_string(),
        })
        .collect();

    emit(config.output.as_deref(), |out| {
        syndic::report::write(out, &comparison, config.format)
    })?;
    Ok(if skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn error_path(e: &syndic::Error) -> String {
    use syndic::Error::*;
    match e {
        Io { path, .. }
        | NotFound { path }
        | NoTextFiles { path }
        | Empty { path }
        | InvalidUtf8 { path, .. }
        | Binary { path, .. }
        | LineTooLong { path, .. } => path.display().to_string(),
        _ => String::new(),
    }
}
