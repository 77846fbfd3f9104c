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

use syndic::cli::{Command, Config, Opts};
use syndic::compare::{compare, InputDoc, Skipped};
use syndic::input::load_paths;

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
    }
}

fn run_compare(config: Config) -> anyhow::Result<ExitCode> {
    if let Some(n) = config.threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("could not start the thread pool")?;
    }
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

    match &config.output {
        Some(path) => write_atomically(path, |out| {
            syndic::report::write(out, &comparison, config.format)
        })?,
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            syndic::report::write(&mut out, &comparison, config.format)?;
            out.flush()?;
        }
    }
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

/// Writes to a temporary file beside `path`, then renames it into place, so
/// an interrupted run never leaves a file that looks complete.
fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".syndic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        f(&mut out).with_context(|| format!("{}: write failed", path.display()))?;
        out.flush()
            .with_context(|| format!("{}: write failed", path.display()))?;
    }
    // tempfile creates 0600 files; a report should get the permissions of
    // the file it replaces, or ordinary ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file()
            .set_permissions(perms)
            .with_context(|| format!("{}: cannot set permissions", path.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("{}: sync failed", path.display()))?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| {
        format!(
            "{}: cannot rename the finished report into place",
            path.display()
        )
    })?;
    Ok(())
}
