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
