//! `syndic index add`: inputs read in batches (the readers of
//! [`crate::source`]), sketched in parallel, each batch committed in one
//! transaction.

use std::sync::mpsc;

use rayon::prelude::*;

use super::analyse::{Analyser, DocSketch};
use super::store::{delete_doc, doc_number, encode_sentences, encode_signature, Archive};
use crate::dedup::SignScratch;
use crate::error::{Error, Result};
use crate::source::{ReadOptions, Reader, RecordBatch, SkipLog, Source};

/// Settings of an add.
#[derive(Debug, Clone)]
pub struct AddConfig {
    /// How records are read (fields, `skip_bad`, limits, decoding).
    pub read: ReadOptions,
    /// Keep each text (zstd) so later queries can align passages and
    /// compute exact similarities.
    pub keep_text: bool,
    /// An id already archived with other content is replaced instead of
    /// being an error.
    pub replace: bool,
    /// Documents per committed batch.
    pub batch_docs: usize,
    /// Text bytes per batch at most.
    pub batch_bytes: usize,
}

impl Default for AddConfig {
    fn default() -> Self {
        AddConfig {
            read: ReadOptions::default(),
            keep_text: false,
            replace: false,
            batch_docs: super::DEFAULT_BATCH_DOCS,
            batch_bytes: crate::dedup::DEFAULT_BATCH_BYTES,
        }
    }
}

/// What an add did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AddSummary {
    /// Records read.
    pub read: u64,
    /// Documents added.
    pub added: u64,
    /// Documents whose archived content was replaced (`--replace`).
    pub replaced: u64,
    /// Documents already archived with the same content (left as they
    /// were).
    pub unchanged: u64,
    /// Records left out by the caller's filter (`dedup --add`: the
    /// duplicates).
    pub filtered: u64,
    /// Batches committed.
    pub batches: u64,
    /// Documents in the archive after the last commit.
    pub archived: u64,
    /// Records skipped as bad (`--skip-bad`).
    pub skipped: SkipLog,
}

/// Adds documents to an archive.
pub struct Adder<'a> {
    archive: &'a mut Archive,
    analyser: Analyser,
    config: AddConfig,
}

/// A record ready to store.
struct Prepared {
    sketch: DocSketch,
    text: Option<Vec<u8>>,
}

impl<'a> Adder<'a> {
    /// An adder for `archive` (opened with [`super::Mode::Write`]).
    pub fn new(archive: &'a mut Archive, config: AddConfig) -> Result<Adder<'a>> {
        if config.batch_docs == 0 {
            return Err(Error::InvalidParameter {
                name: "batch-docs",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        let analyser = Analyser::new(archive.params())?;
        Ok(Adder {
            archive,
            analyser,
            config,
        })
    }

    /// Reads every record of `sources` and stores those `keep(record
    /// number)` accepts (record numbers count from 0 in input order), one
    /// transaction per batch; `on_commit` hears of every committed batch.
    ///
    /// Three stages overlap, as `dedup`'s reader overlaps its signing: a
    /// reader thread fills batch `n + 2` while a sketching thread sketches
    /// batch `n + 1` (with rayon, so `--threads` workers) and the calling
    /// thread commits batch `n`. Each hand-over holds one batch at most, so
    /// at most five batches are in memory; batches are committed in input
    /// order, and an error at any stage stops the others.
    pub fn run(
        &mut self,
        sources: Vec<Source>,
        keep: &(dyn Fn(u64) -> bool + Sync),
        on_commit: &mut dyn FnMut(&AddSummary),
    ) -> Result<AddSummary> {
        let mut reader = Reader::new(sources, self.config.read.clone());
        let names: Vec<String> = reader.sources().iter().map(|s| s.name.clone()).collect();
        let mut summary = AddSummary::default();
        let mut next_batch: i64 = self
            .archive
            .conn
            .query_row("SELECT coalesce(max(batch), 0) + 1 FROM batches", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.archive.err(e))?;
        // Counted once: `count(*)` after every batch reads the whole id
        // index (quadratic over a large add).
        summary.archived = self
            .archive
            .conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
            .map_err(|e| self.archive.err(e))? as u64;
        let (batch_docs, batch_bytes) = (self.config.batch_docs, self.config.batch_bytes.max(1));
        let keep_text = self.config.keep_text;
        let analyser = self.analyser.clone();
        std::thread::scope(|scope| -> Result<()> {
            let (read_tx, read_rx) = mpsc::sync_channel::<Result<RecordBatch>>(1);
            let (sketch_tx, sketch_rx) = mpsc::sync_channel::<Result<Sketched>>(1);
            let reader_thread = scope.spawn(move || {
                loop {
                    let mut batch = RecordBatch::new();
                    match reader.fill(&mut batch, batch_docs, batch_bytes) {
                        Ok(more) => {
                            if !batch.is_empty() && read_tx.send(Ok(batch)).is_err() {
                                break;
                            }
                            if !more {
                                break;
                            }
                        }
                        Err(e) => {
                            let _ = read_tx.send(Err(e));
                            break;
                        }
                    }
                }
                reader.skipped
            });
            let analyser = &analyser;
            scope.spawn(move || {
                let mut base = 0u64;
                for msg in read_rx {
                    let out = msg.map(|batch| {
                        let prepared = prepare(analyser, keep_text, &batch, base, keep);
                        base += batch.len() as u64;
                        (batch, prepared)
                    });
                    if sketch_tx.send(out).is_err() {
                        break;
                    }
                }
            });
            let committed = (|| -> Result<()> {
                for msg in sketch_rx.iter() {
                    let (batch, prepared) = msg?;
                    let base = summary.read;
                    summary.read += batch.len() as u64;
                    self.commit(&batch, base, &prepared, &names, next_batch, &mut summary)?;
                    next_batch += 1;
                    on_commit(&summary);
                }
                Ok(())
            })();
            // Stop the other stages if we stopped early, then collect the
            // reader's log.
            drop(sketch_rx);
            summary.skipped = reader_thread.join().map_err(|_| Error::Io {
                path: "<reader thread>".into(),
                source: std::io::Error::other("the reader thread panicked"),
            })?;
            committed
        })?;
        Ok(summary)
    }

    fn commit(
        &mut self,
        batch: &RecordBatch,
        base: u64,
        prepared: &[Option<Prepared>],
        names: &[String],
        number: i64,
        summary: &mut AddSummary,
    ) -> Result<()> {
        let path = self.archive.path().to_path_buf();
        let committed = summary.batches;
        let in_batch = |e: rusqlite::Error| {
            let inner = super::store::db_error(&path, e);
            let reason = match inner {
                Error::Archive { reason, .. } => reason,
                other => other.to_string(),
            };
            Error::Archive {
                path: path.clone(),
                reason: format!(
                    "{reason} (while adding batch {number}, records {}..{}; the {committed} batches \
                     committed before by this run are kept)",
                    base + 1,
                    base + batch.len() as u64
                ),
            }
        };
        let replace = self.config.replace;
        let tx = self.archive.conn.transaction().map_err(in_batch)?;
        let (mut added, mut replaced, mut unchanged, mut filtered) = (0u64, 0u64, 0u64, 0u64);
        {
            let mut find = tx
                .prepare_cached("SELECT doc, hash FROM docs WHERE id = ?1")
                .map_err(in_batch)?;
            let mut insert_doc = tx
                .prepare_cached(
                    "INSERT INTO docs(id, source, length, hash, signature, sentences, text, batch)
                     VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(in_batch)?;
            // The batch's postings become one sorted run (`runs.rs`):
            // about one chunk row per 64 postings, appended, instead of a
            // B-tree row each.
            let mut postings: Vec<super::runs::Posting> = Vec::new();
            // Documents replaced in this batch (their postings may still be
            // in the vectors above).
            let mut deleted: std::collections::BTreeSet<i64> = Default::default();
            for (i, p) in prepared.iter().enumerate() {
                let Some(p) = p else {
                    filtered += 1;
                    continue;
                };
                let id = batch.id(i);
                let hash = p.sketch.content_hash.to_le_bytes();
                let existing: Option<(i64, Vec<u8>)> = {
                    use rusqlite::OptionalExtension;
                    find.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                        .map_err(in_batch)?
                };
                if let Some((doc, old)) = existing {
                    if old == hash {
                        unchanged += 1;
                        continue;
                    }
                    if !replace {
                        return Err(Error::Archive {
                            path: path.clone(),
                            reason: format!(
                                "{}: {}: id {id:?} is already archived with other content; \
                                 nothing of batch {number} was added (the {committed} batches committed \
                                 before by this run are kept); give --replace to replace it",
                                names[batch.source(i)],
                                batch.position(i)
                            ),
                        });
                    }
                    delete_doc(&tx, doc).map_err(in_batch)?;
                    deleted.insert(doc);
                    replaced += 1;
                } else {
                    added += 1;
                }
                let text = batch.text(i);
                insert_doc
                    .execute(rusqlite::params![
                        id,
                        names[batch.source(i)],
                        text.len() as i64,
                        &hash[..],
                        encode_signature(&p.sketch.signature),
                        encode_sentences(&p.sketch.sentences),
                        p.text.as_deref(),
                        number,
                    ])
                    .map_err(in_batch)?;
                let doc = doc_number(&path, tx.last_insert_rowid())?;
                for k in super::runs::document_keys(
                    &p.sketch.band_keys,
                    p.sketch.sentences.iter().map(|s| s.hash),
                ) {
                    postings.push((k, doc));
                }
            }
            if !deleted.is_empty() {
                postings.retain(|p| !deleted.contains(&(p.1 as i64)));
            }
            super::runs::add_run(&tx, &mut postings).map_err(in_batch)?;
            let inputs: Vec<&str> = {
                let mut v: Vec<usize> = (0..batch.len()).map(|i| batch.source(i)).collect();
                v.dedup();
                v.into_iter().map(|s| names[s].as_str()).collect()
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            tx.execute(
                "INSERT INTO batches(batch, documents, added, replaced, unchanged, inputs, committed_at)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    number,
                    (batch.len() as u64 - filtered) as i64,
                    added as i64,
                    replaced as i64,
                    unchanged as i64,
                    serde_json::to_string(&inputs).expect("names serialize"),
                    now
                ],
            )
            .map_err(in_batch)?;
        }
        tx.commit().map_err(in_batch)?;
        summary.added += added;
        summary.replaced += replaced;
        summary.unchanged += unchanged;
        summary.filtered += filtered;
        summary.batches += 1;
        // A replaced document is deleted and inserted again.
        summary.archived += added;
        Ok(())
    }
}

/// A batch and its sketches.
type Sketched = (RecordBatch, Vec<Option<Prepared>>);

/// Sketches the records of `batch` that `keep` accepts, in parallel
/// (rayon), in input order.
fn prepare(
    analyser: &Analyser,
    keep_text: bool,
    batch: &RecordBatch,
    base: u64,
    keep: &(dyn Fn(u64) -> bool + Sync),
) -> Vec<Option<Prepared>> {
    (0..batch.len())
        .into_par_iter()
        .map_init(SignScratch::default, |scratch, i| {
            if !keep(base + i as u64) {
                return None;
            }
            let text = batch.text(i);
            Some(Prepared {
                sketch: analyser.sketch(text, scratch),
                text: keep_text.then(|| compress(text)),
            })
        })
        .collect()
}

/// zstd level 3 of a text.
fn compress(text: &str) -> Vec<u8> {
    zstd::bulk::compress(text.as_bytes(), 3).expect("compressing to memory")
}

/// The text of zstd bytes (an error naming the archive if damaged).
pub(super) fn decompress(archive: &std::path::Path, bytes: &[u8], length: usize) -> Result<String> {
    let raw = zstd::bulk::decompress(bytes, length.max(1)).map_err(|e| Error::Archive {
        path: archive.to_path_buf(),
        reason: format!("a kept text cannot be decompressed ({e}); run syndic index check"),
    })?;
    String::from_utf8(raw).map_err(|_| Error::Archive {
        path: archive.to_path_buf(),
        reason: "a kept text is not UTF-8; run syndic index check".into(),
    })
}
