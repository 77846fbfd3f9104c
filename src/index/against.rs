//! `dedup --against ARCHIVE`: the archived documents that can matter to a
//! new crawl (those sharing an LSH band key with one of its documents),
//! written as JSON Lines ahead of the new inputs, so that one ordinary
//! [`crate::dedup::Deduper`] run sees them first, exactly as a run over old
//! and new together would (its representatives are the earliest
//! documents, so an archived document is always kept before a new one).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::analyse::Analyser;
use super::store::{Archive, Key};
use crate::dedup::SignScratch;
use crate::error::{Error, Result};
use crate::source::{ReadOptions, Reader, RecordBatch, Source};

/// The archived documents written ahead of a new crawl.
#[derive(Debug)]
pub struct Prior {
    /// The JSON Lines file (in the caller's directory; removed on drop).
    pub file: tempfile::NamedTempFile,
    /// Archived ids, in the order of the file's lines.
    pub ids: Vec<String>,
}

impl Prior {
    /// Number of archived documents in the file.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True if no archived document can matter.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// The id given to the `n`-th archived document in the prior file: one no
/// crawl uses, so it never collides with a new document's id.
pub fn prior_id(n: usize) -> String {
    format!("\u{1}archive:{n}")
}

/// Reads the new inputs once, and writes every archived document that
/// shares a band key with one of them to a JSON Lines file in `dir`, with
/// its text under `read.text_field` (and, if `read.id_field` is set, a
/// synthetic id under it). Every such archived document must have its text
/// kept: exact verification needs it.
pub fn prior_documents(
    archive: &Archive,
    sources: &[Source],
    read: &ReadOptions,
    batch_bytes: usize,
    dir: &Path,
) -> Result<Prior> {
    let analyser = Analyser::new(archive.params())?;
    let mut reader = Reader::new(sources.to_vec(), read.clone());
    let mut batch = RecordBatch::new();
    let mut rows: BTreeSet<i64> = BTreeSet::new();
    archive.begin_read()?;
    let conn = &archive.conn;
    let postings = archive.postings()?;
    let mut found: Vec<i64> = Vec::new();
    loop {
        batch.clear();
        let more = reader.fill(&mut batch, 1 << 16, batch_bytes.max(1))?;
        let keys: Vec<Vec<u64>> = (0..batch.len())
            .into_par_iter()
            .map_init(SignScratch::default, |scratch, i| {
                analyser.band_keys_of(batch.text(i), scratch)
            })
            .collect();
        for doc_keys in keys {
            for (b, &kk) in doc_keys.iter().enumerate() {
                found.clear();
                postings.docs(archive, Key::Band(b, kk), usize::MAX, &mut found)?;
                rows.extend(found.iter().copied());
            }
        }
        if !more {
            break;
        }
    }
    let file = tempfile::Builder::new()
        .prefix(".syndic-archived-")
        .suffix(".jsonl")
        .tempfile_in(dir)
        .map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    let io = |source| Error::Io {
        path: PathBuf::from(file.path()),
        source,
    };
    let mut out = std::io::BufWriter::new(file.as_file());
    let mut ids = Vec::with_capacity(rows.len());
    let mut load = conn
        .prepare_cached("SELECT id, length, text FROM docs WHERE doc = ?1")
        .map_err(|e| archive.err(e))?;
    for &row in &rows {
        let (id, length, text): (String, i64, Option<Vec<u8>>) = load
            .query_row([row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| archive.err(e))?;
        let Some(z) = text else {
            return Err(Error::Archive {
                path: archive.path().to_path_buf(),
                reason: format!(
                    "archived document {id:?} was added without its text; dedup --against \
                     verifies candidates on their text (add with --keep-text, as dedup --add does)"
                ),
            });
        };
        let text = super::add::decompress(archive.path(), &z, length as usize)?;
        let mut value = serde_json::Value::Null;
        set_path(&mut value, read.text_field.parts(), text.into());
        if let Some(f) = &read.id_field {
            set_path(&mut value, f.parts(), prior_id(ids.len()).into());
        }
        serde_json::to_writer(&mut out, &value).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
        ids.push(id);
    }
    drop(load);
    out.flush().map_err(io)?;
    drop(out);
    archive.end_read()?;
    Ok(Prior { file, ids })
}

/// Sets `parts` (a dotted path) in a JSON object to `v`.
fn set_path(root: &mut serde_json::Value, parts: &[String], v: serde_json::Value) {
    let mut cur = root;
    for p in parts {
        if !cur.is_object() {
            *cur = serde_json::Value::Object(Default::default());
        }
        cur = cur
            .as_object_mut()
            .expect("an object")
            .entry(p.clone())
            .or_insert(serde_json::Value::Null);
    }
    *cur = v;
}

/// Lays out `dedup --against ARCHIVE` as stages in `work_dir`
/// ([`crate::dedup::stages`]): the archived documents that can matter are
/// found once (one read of `sources`, here) and written into the work
/// directory as the plan's first input, with their ids in
/// [`crate::dedup::stages::ARCHIVED_IDS`]; the stages then write exactly
/// what `syndic dedup --against` writes. A work directory that already
/// holds the archived documents of this run is resumed, not redone.
pub fn plan_stages(
    archive: &Path,
    work_dir: &Path,
    sources: Vec<Source>,
    config: &crate::dedup::DedupConfig,
    partitions: usize,
) -> Result<crate::dedup::stages::Plan> {
    use crate::dedup::stages::{Plan, ARCHIVED_IDS};
    if let Some(s) = sources.iter().find(|s| s.path.is_none()) {
        return Err(Error::InvalidParameter {
            name: "INPUT",
            value: s.name.clone(),
            reason: "--against reads the inputs twice (once to find the archived candidates): give files, not standard input",
        });
    }
    let params = super::ArchiveParams::new(
        config.shingle,
        config.permutations,
        config.seed,
        config.threshold,
    )?;
    std::fs::create_dir_all(work_dir).map_err(|source| Error::Io {
        path: work_dir.to_path_buf(),
        source,
    })?;
    let file = work_dir.join("archived.jsonl");
    let ids_path = work_dir.join(ARCHIVED_IDS);
    let ids: Vec<String> = if ids_path.is_file() && file.is_file() {
        let b = std::fs::read(&ids_path).map_err(|source| Error::Io {
            path: ids_path.clone(),
            source,
        })?;
        serde_json::from_slice(&b).map_err(|e| Error::BadOutput {
            path: ids_path.clone(),
            reason: e.to_string(),
        })?
    } else {
        let a = Archive::open(archive, super::store::Mode::Read)?;
        a.check_params(&params)?;
        let prior = prior_documents(&a, &sources, &config.read, config.batch_bytes, work_dir)?;
        // The documents first, their ids last: the ids file says the
        // documents are complete.
        prior.file.persist(&file).map_err(|e| Error::Io {
            path: file.clone(),
            source: e.error,
        })?;
        let json = serde_json::to_vec(&prior.ids).expect("strings serialize");
        crate::util::write_atomically(&ids_path, |w| w.write_all(&json))?;
        prior.ids
    };
    let mut all = crate::source::expand_inputs(&[file], Some(crate::source::InputFormat::Jsonl))?;
    all.extend(sources);
    Plan::create_with_archived(work_dir, all, config, partitions, ids.len() as u32)
}

/// `dedup --against ARCHIVE --add` after the stages of [`plan_stages`]:
/// adds the new documents that are not duplicates to the archive (with
/// their text), in batches; `on_commit` after each. Returns the number
/// added.
pub fn add_stage_survivors(
    archive: &Path,
    plan: &crate::dedup::stages::Plan,
    on_commit: &mut dyn FnMut(&super::AddSummary),
) -> Result<u64> {
    let c = plan.config();
    let params = super::ArchiveParams::new(c.shingle, c.permutations, c.seed, c.threshold)?;
    let mut writer = Archive::open_or_create(archive, &params)?;
    let duplicates = plan.new_duplicates()?;
    let config = super::AddConfig {
        read: c.read.clone(),
        keep_text: true,
        replace: false,
        batch_docs: super::DEFAULT_BATCH_DOCS,
        batch_bytes: c.batch_bytes,
    };
    let new_sources = plan.sources()[1..].to_vec();
    let keep = |i: u64| duplicates.binary_search(&i).is_err();
    let summary = super::Adder::new(&mut writer, config)?.run(new_sources, &keep, on_commit)?;
    Ok(summary.added)
}
