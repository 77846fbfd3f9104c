//! The `dedup`, `synth` and `eval` subcommands (issue 4): part of the
//! `syndic` binary, not of the library. They turn options into library calls,
//! draw the progress bar, and write outputs under temporary names that are
//! renamed into place at the end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// A progress bar on standard error (documents, MB/s, ETA), drawn only when
/// standard error is a terminal.
struct Bar {
    bar: std::sync::Mutex<Option<indicatif::ProgressBar>>,
    enabled: bool,
}

impl Bar {
    fn new() -> Bar {
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

/// A file being written in the output directory under a temporary name.
struct Pending {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Pending {
    fn new(dir: &Path, name: &str) -> anyhow::Result<Pending> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
        Ok(Pending {
            tmp,
            target: dir.join(name),
        })
    }

    fn writer(&mut self) -> std::io::BufWriter<&mut std::fs::File> {
        std::io::BufWriter::with_capacity(1 << 20, self.tmp.as_file_mut())
    }

    fn persist(self) -> anyhow::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .with_context(|| format!("{}: cannot set permissions", self.target.display()))?;
        }
        self.tmp
            .as_file()
            .sync_all()
            .with_context(|| format!("{}: sync failed", self.target.display()))?;
        let target = self.target.clone();
        self.tmp
            .persist(&target)
            .map_err(|e| e.error)
            .with_context(|| format!("{}: cannot rename into place", target.display()))?;
        Ok(())
    }
}

pub fn run_dedup(run: syndic::cli::DedupRun) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    crate::init_threads(run.threads)?;
    let sources = syndic::records::expand_inputs(&run.inputs, run.input_format)?;
    let dir = &run.output;
    let created = !dir.exists();
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the output directory", dir.display()))?;
    let result = dedup_into(&run, sources, start);
    if result.is_err() && created {
        // Leave nothing behind: the directory only held our temporary files.
        let _ = std::fs::remove_dir(dir);
    }
    result
}

fn dedup_into(
    run: &syndic::cli::DedupRun,
    sources: Vec<syndic::records::Source>,
    start: std::time::Instant,
) -> anyhow::Result<ExitCode> {
    let dir = &run.output;
    let bar = Bar::new();
    let mut deduped = syndic::dedup::dedup(sources, &run.config, &bar)?;
    let write_start = std::time::Instant::now();
    let mut done: Vec<Pending> = Vec::new();
    let mut clusters = Pending::new(dir, "clusters.jsonl")?;
    {
        let mut w = clusters.writer();
        syndic::report::dedup::write_clusters(&mut w, &deduped)?;
        w.flush()?;
    }
    done.push(clusters);
    let mut duplicates = Pending::new(dir, "duplicates.txt")?;
    {
        let mut w = duplicates.writer();
        syndic::report::dedup::write_duplicates(&mut w, &deduped)?;
        w.flush()?;
    }
    done.push(duplicates);
    if run.config.write_deduped {
        let mut jsonl = Pending::new(dir, "deduped.jsonl")?;
        let mut warc = Pending::new(dir, "deduped.warc")?;
        let survivors = {
            let mut j = jsonl.writer();
            let mut w = warc.writer();
            let s = deduped.write_survivors(&mut j, &mut w, &bar)?;
            j.flush()?;
            w.flush()?;
            s
        };
        if survivors.json_lines > 0 || survivors.warc_records == 0 {
            done.push(jsonl);
        }
        if survivors.warc_records > 0 {
            done.push(warc);
        }
    }
    let stats = deduped.stats_mut();
    stats.seconds.write = write_start.elapsed().as_secs_f64();
    stats.seconds.total = start.elapsed().as_secs_f64();
    stats.peak_rss_bytes = syndic::dedup::peak_rss_bytes();
    let mut stats_file = Pending::new(dir, "stats.json")?;
    {
        let mut w = stats_file.writer();
        syndic::report::dedup::write_stats(&mut w, deduped.stats())?;
        w.flush()?;
    }
    // stats.json last: its presence says the run finished.
    done.push(stats_file);
    for p in done {
        p.persist()?;
    }
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
        "syndic: {} documents, {} clusters, {} duplicates ({:.1} s); wrote {}",
        stats.documents,
        stats.clusters,
        stats.duplicates,
        stats.seconds.total,
        dir.display()
    );
    Ok(if stats.skipped.records > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn run_synth(o: syndic::cli::SynthOpts) -> anyhow::Result<ExitCode> {
    crate::init_threads(o.threads)?;
    anyhow::ensure!(o.docs > 0, "--docs must be at least 1");
    let dir = &o.output;
    let created = !dir.exists();
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the output directory", dir.display()))?;
    let result = (|| -> anyhow::Result<(u64, u64)> {
        let crawl = syndic::synth::Crawl::new(syndic::synth::CrawlConfig {
            docs: o.docs,
            seed: o.seed,
            shingle: o.shingle,
            ..Default::default()
        });
        let mut corpus = Pending::new(dir, "corpus.jsonl")?;
        let bytes = {
            let mut w = corpus.writer();
            let b = crawl.write_corpus(&mut w)?;
            w.flush()?;
            b
        };
        let mut truth = Pending::new(dir, "truth.tsv")?;
        let pairs = {
            let mut w = truth.writer();
            let p = crawl.write_truth(&mut w)?;
            w.flush()?;
            p
        };
        corpus.persist()?;
        truth.persist()?;
        Ok((bytes, pairs))
    })();
    match result {
        Ok((bytes, pairs)) => {
            eprintln!(
                "syndic: wrote {} documents ({:.1} MB) to {} and {} planted pairs to {}",
                o.docs,
                bytes as f64 / 1e6,
                dir.join("corpus.jsonl").display(),
                pairs,
                dir.join("truth.tsv").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if created {
                let _ = std::fs::remove_dir(dir);
            }
            Err(e)
        }
    }
}

pub fn run_eval(o: syndic::cli::EvalOpts) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        o.threshold > 0.0 && o.threshold < 1.0,
        "--threshold must be strictly between 0 and 1"
    );
    let report = syndic::eval::evaluate(&o.clusters, &o.truth, o.threshold, o.margin)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    syndic::report::dedup::write_eval(
        &mut out,
        &report,
        o.format == syndic::cli::EvalFormatArg::Json,
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
