//! Writers for `syndic dedup`'s outputs: `clusters.jsonl`, `duplicates.txt`
//! and `stats.json`, one at a time or all of a run into its (staging)
//! directory ([`write_outputs`], which the binary and the Python package
//! share, so both write the same bytes).

use std::io::Write;
use std::path::Path;

use crate::dedup::{DedupStats, Deduped, Progress};
use crate::error::{Error, Result};
use crate::util::round4;

/// One output file of a run, in `dir`.
fn create(
    dir: &Path,
    name: &str,
) -> Result<(std::path::PathBuf, std::io::BufWriter<std::fs::File>)> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok((path, std::io::BufWriter::with_capacity(1 << 20, file)))
}

/// Flushes and syncs an output file.
fn finish(path: &Path, w: std::io::BufWriter<std::fs::File>) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)
}

/// Writes every output of a dedup run into `dir` (normally a
/// [`crate::util::StagedDir`]'s path, committed by the caller):
/// `clusters.jsonl`, `duplicates.txt`, with `write_deduped`
/// `deduped.jsonl` and/or `deduped.warc` (whichever the input had), and
/// `stats.json` last, its write and total times measured from `started`.
pub fn write_outputs(
    dir: &Path,
    deduped: &mut Deduped,
    write_deduped: bool,
    progress: &dyn Progress,
    started: std::time::Instant,
) -> Result<()> {
    let write_start = std::time::Instant::now();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let (path, mut w) = create(dir, "clusters.jsonl")?;
    write_clusters(&mut w, deduped).map_err(io(&path))?;
    finish(&path, w)?;
    let (path, mut w) = create(dir, "duplicates.txt")?;
    write_duplicates(&mut w, deduped).map_err(io(&path))?;
    finish(&path, w)?;
    if write_deduped {
        let (jpath, mut j) = create(dir, "deduped.jsonl")?;
        let (wpath, mut w) = create(dir, "deduped.warc")?;
        let survivors = deduped.write_survivors(&mut j, &mut w, progress)?;
        finish(&jpath, j)?;
        finish(&wpath, w)?;
        if survivors.json_lines == 0 && survivors.warc_records > 0 {
            std::fs::remove_file(&jpath).map_err(io(&jpath))?;
        }
        if survivors.warc_records == 0 {
            std::fs::remove_file(&wpath).map_err(io(&wpath))?;
        }
    }
    let stats = deduped.stats_mut();
    stats.seconds.write = write_start.elapsed().as_secs_f64();
    stats.seconds.total = started.elapsed().as_secs_f64();
    stats.peak_rss_bytes = crate::dedup::peak_rss_bytes();
    let (path, mut w) = create(dir, "stats.json")?;
    write_stats(&mut w, deduped.stats()).map_err(io(&path))?;
    finish(&path, w)
}

/// One JSON object per document in a cluster of two or more, clusters in
/// order of their representatives (each starting with it):
/// `{"id", "cluster", "representative", "similarity"}`.
pub fn write_clusters(out: &mut dyn Write, deduped: &Deduped) -> std::io::Result<()> {
    for m in deduped.members() {
        crate::dedup::write_cluster_line(out, deduped.id(m.doc), deduped.id(m.representative), m)?;
    }
    Ok(())
}

/// The ids of the documents to drop, one per line, in input order.
pub fn write_duplicates(out: &mut dyn Write, deduped: &Deduped) -> std::io::Result<()> {
    for doc in 0..deduped.documents() {
        if deduped.is_duplicate(doc) {
            out.write_all(deduped.id(doc).as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes the outputs of a finished stage plan into `dir` (normally a
/// [`crate::util::StagedDir`]'s path, committed by the caller), the same
/// files as [`write_outputs`]: the pieces concatenated in order, then
/// `stats.json` ([`crate::dedup::stages::Plan::stats`]). Returns the stats.
pub fn write_stage_outputs(dir: &Path, plan: &crate::dedup::stages::Plan) -> Result<DedupStats> {
    let pieces = plan.pieces()?;
    let concat = |name: &str, parts: &[std::path::PathBuf]| -> Result<std::path::PathBuf> {
        let (path, mut w) = create(dir, name)?;
        for p in parts {
            let mut f = std::fs::File::open(p).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?;
            std::io::copy(&mut f, &mut w).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
        }
        finish(&path, w)?;
        Ok(path)
    };
    concat("clusters.jsonl", &pieces.clusters)?;
    concat("duplicates.txt", &pieces.duplicates)?;
    if plan.archived().is_some() {
        concat("matches.jsonl", &pieces.matches)?;
    }
    if plan.config().write_deduped {
        let j = concat("deduped.jsonl", &pieces.deduped_jsonl)?;
        let w = concat("deduped.warc", &pieces.deduped_warc)?;
        let rm = |p: &Path| {
            std::fs::remove_file(p).map_err(|source| Error::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        if pieces.json_lines == 0 && pieces.warc_records > 0 {
            rm(&j)?;
        }
        if pieces.warc_records == 0 {
            rm(&w)?;
        }
    }
    let stats = plan.stats()?;
    let (path, mut w) = create(dir, "stats.json")?;
    write_stats(&mut w, &stats).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    finish(&path, w)?;
    Ok(stats)
}

/// The outputs of a finished run of the stages against an archive (a plan
/// of `syndic::index::against::plan_stages`), exactly those of `syndic
/// dedup --against`: [`write_stage_outputs`] (with `matches.jsonl`), then
/// `add` (the `--add` step: it returns the documents added), then
/// `against.json`. `archive` is the archive as the user named it.
pub fn write_against_stage_outputs(
    dir: &Path,
    plan: &crate::dedup::stages::Plan,
    archive: &str,
    add: &mut dyn FnMut() -> Result<u64>,
) -> Result<DedupStats> {
    let stats = write_stage_outputs(dir, plan)?;
    let matches = dir.join("matches.jsonl");
    let of_archive = std::fs::read(&matches)
        .map_err(|source| Error::Io {
            path: matches.clone(),
            source,
        })?
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    let added = add()?;
    let (path, mut w) = create(dir, "against.json")?;
    write_against_summary(
        &mut w,
        &AgainstSummary {
            archive: archive.to_owned(),
            archived_candidates: u64::from(plan.archived().unwrap_or(0)),
            new_documents: stats.documents,
            duplicates: stats.duplicates,
            duplicates_of_archived: of_archive,
            added,
        },
    )
    .map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    finish(&path, w)?;
    Ok(stats)
}

/// What `dedup --against` found against the archive (`against.json`).
#[derive(Debug, Clone, Default)]
pub struct AgainstSummary {
    /// The archive, as given.
    pub archive: String,
    /// Archived documents that shared a band key with a new one.
    pub archived_candidates: u64,
    /// New documents read.
    pub new_documents: u64,
    /// New documents dropped as duplicates.
    pub duplicates: u64,
    /// Of those, duplicates of archived documents.
    pub duplicates_of_archived: u64,
    /// New documents added to the archive (`--add`).
    pub added: u64,
}

/// `against.json`, pretty-printed: the one writer, for the single-machine
/// run and the stages.
pub fn write_against_summary(out: &mut dyn Write, s: &AgainstSummary) -> std::io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({
            "archive": s.archive,
            "archived_candidates": s.archived_candidates,
            "new_documents": s.new_documents,
            "duplicates": s.duplicates,
            "duplicates_of_archived": s.duplicates_of_archived,
            "duplicates_within_new": s.duplicates - s.duplicates_of_archived,
            "added": s.added,
        }),
    )?;
    out.write_all(b"\n")
}

/// `stats.json`, pretty-printed.
pub fn write_stats(out: &mut dyn Write, stats: &DedupStats) -> std::io::Result<()> {
    let mut stats = stats.clone();
    let s = &mut stats.seconds;
    for x in [
        &mut s.read_and_sign,
        &mut s.lsh_and_verify,
        &mut s.exact,
        &mut s.cluster,
        &mut s.write,
        &mut s.total,
    ] {
        *x = round4(*x);
    }
    serde_json::to_writer_pretty(&mut *out, &stats)?;
    out.write_all(b"\n")
}

fn round_floats(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(x) = n
                .as_f64()
                .and_then(|x| serde_json::Number::from_f64(round4(x)))
            {
                *n = x;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(round_floats),
        serde_json::Value::Object(o) => o.values_mut().for_each(round_floats),
        _ => {}
    }
}

/// `syndic eval`'s report: a few lines of text, or one JSON object.
pub fn write_eval(
    out: &mut dyn Write,
    report: &crate::dedup::eval::EvalReport,
    json: bool,
) -> std::io::Result<()> {
    if json {
        let mut value = serde_json::to_value(report)?;
        round_floats(&mut value);
        serde_json::to_writer_pretty(&mut *out, &value)?;
        return out.write_all(b"\n");
    }
    let (t, m) = (report.threshold, report.margin);
    writeln!(
        out,
        "precision {:.4}  ({} of {} predicted pairs have true Jaccard >= {:.2})",
        report.precision,
        report.right_pairs,
        report.predicted_pairs,
        t - m
    )?;
    writeln!(
        out,
        "recall    {:.4}  ({} of {} planted pairs with true Jaccard >= {:.2} are in one cluster)",
        report.recall,
        report.found_pairs,
        report.truth_pairs,
        t + m
    )?;
    writeln!(
        out,
        "threshold {t}, margin {m}; {} clusters, {} documents in them",
        report.clusters, report.clustered_documents
    )
}
