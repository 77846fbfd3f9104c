//! `syndic completions SHELL` and `syndic man`: generated from the same clap
//! definitions as `--help` (`clap_complete`, `clap_mangen`).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::Opts;

/// Options of `syndic completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsOpts {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `syndic man`.
#[derive(Debug, clap::Args)]
pub struct ManOpts {}

pub(super) fn run_completions(o: CompletionsOpts) -> anyhow::Result<ExitCode> {
    let mut cmd = Opts::command();
    // clap_complete panics on a write error, so the script is made in
    // memory and written here (a closed pipe is then exit 0, not a panic).
    let mut script = Vec::new();
    clap_complete::generate(o.shell, &mut cmd, "syndic", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_man(_: ManOpts) -> anyhow::Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_mangen::Man::new(Opts::command()).render(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
