//! `syndic pan` and `syndic plagdet`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use syndic::align::AlignConfig;
use syndic::pan::RunPaths;

use super::{emit, format_of, FormatArg};

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
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Decoding of the documents.
    #[command(flatten)]
    pub decode: super::DecodeArgs,
    /// The language of every document (ISO 639-1 or 639-3 code, or English
    /// name); default: detected per document.
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
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

pub(super) fn run_pan(o: PanOpts) -> anyhow::Result<ExitCode> {
    super::init_threads(o.threads)?;
    super::check_output_dir(&o.out, &[o.susp.clone(), o.src.clone(), o.pairs.clone()])?;
    let staged = syndic::util::StagedDir::create(&o.out)?;
    let paths = RunPaths {
        pairs: o.pairs,
        susp: o.susp,
        src: o.src,
        out: staged.path().to_path_buf(),
        decode: o.decode.options()?,
    };
    let config = AlignConfig {
        seed: o.seed,
        language: o
            .language
            .as_deref()
            .map(syndic::text::Language::parse)
            .transpose()?,
        ..AlignConfig::pan()
    };
    let start = std::time::Instant::now();
    let summary = syndic::pan::run(&paths, &config, &syndic::report::write_pan_file)?;
    staged.commit()?;
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

pub(super) fn run_plagdet(o: PlagdetOpts) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        o.detections.is_dir(),
        "{}: the detections directory does not exist (or is not a directory)",
        o.detections.display()
    );
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
    emit(None, [], |out| {
        syndic::report::write_plagdet(out, &score, truth_files.len(), missing, format)
    })?;
    Ok(ExitCode::SUCCESS)
}
