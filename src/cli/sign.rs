//! `syndic sign`: the MinHash signature of every document of a crawl, one
//! JSON line each, exactly as `syndic dedup` computes them (and as the
//! Python package's `MinHasher.sign` does), for other tools to index.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use syndic::dedup::DocumentSigner;
use syndic::source::{expand_inputs, Reader, RecordBatch};

use super::emit;

/// Options of `syndic sign`.
#[derive(Debug, clap::Args)]
pub struct SignOpts {
    /// Inputs, as for `syndic dedup`: JSON Lines, Parquet, WARC/WET, text
    /// files, directories of them, or - for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Write the signatures to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Word n-gram size.
    #[arg(long, default_value_t = syndic::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = syndic::sketch::minhash::DEFAULT_PERMUTATIONS, value_name = "K")]
    pub permutations: usize,
    /// Seed for every hash.
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// How records are read.
    #[command(flatten)]
    pub input: super::input::InputArgs,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// One output line.
#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    /// The text has no word: every value is `u32::MAX`, and the signature
    /// matches nothing.
    empty: bool,
    signature: &'a [u32],
}

pub(super) fn run(o: SignOpts) -> anyhow::Result<ExitCode> {
    super::init_threads(o.threads)?;
    let signer = DocumentSigner::new(o.shingle, o.permutations, o.seed)?;
    let opts = o.input.read_options()?;
    let sources = expand_inputs(&o.inputs, o.input.format())?;
    let mut reader = Reader::new(sources, opts);
    let k = o.permutations;
    // Reading errors surface through the writer; keep the library error to
    // report it whole.
    let mut failure: Option<syndic::Error> = None;
    let result = emit(
        o.output.as_deref(),
        o.inputs.iter().map(|p| p.as_path()),
        |out| {
            let mut batch = RecordBatch::new();
            let mut values: Vec<u32> = Vec::new();
            let mut empty: Vec<bool> = Vec::new();
            loop {
                batch.clear();
                let more = match reader.fill(&mut batch, 1 << 14, 16 << 20) {
                    Ok(more) => more,
                    Err(e) => {
                        let io = std::io::Error::other(e.to_string());
                        failure = Some(e);
                        return Err(io);
                    }
                };
                signer.sign_batch(&batch, &mut values, &mut empty);
                for i in 0..batch.len() {
                    let line = Line {
                        id: batch.id(i),
                        empty: empty[i],
                        signature: &values[i * k..(i + 1) * k],
                    };
                    serde_json::to_writer(&mut *out, &line)?;
                    out.write_all(b"\n")?;
                }
                if !more {
                    return Ok(());
                }
            }
        },
    );
    if let Some(e) = failure {
        return Err(e.into());
    }
    result?;
    // --skip-bad: the records left out, and exit 1 (as dedup and index add).
    for example in &reader.skipped.examples {
        eprintln!("syndic: skipped: {example}");
    }
    if reader.skipped.records > 0 {
        eprintln!("syndic: {} bad records skipped", reader.skipped.records);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
