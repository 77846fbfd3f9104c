//! One pass over the inputs: a reader thread fills batches of records while
//! the caller works on the previous one (in parallel, with rayon). Two
//! batches are in flight at most, so memory is bounded by the batch size.

use std::sync::atomic::Ordering;
use std::sync::mpsc;

use xxhash_rust::xxh3::Xxh3;

use super::Progress;
use crate::error::{Error, Result};
use crate::source::{ReadOptions, Reader, RecordBatch, SkipLog, Source};

/// Records per batch at most (besides the byte budget).
const BATCH_RECORDS: usize = 1 << 16;

/// What a pass saw.
pub(crate) struct PassSummary {
    pub documents: u64,
    pub text_bytes: u64,
    pub input_bytes: u64,
    /// XXH3 over every document's id and text length: a later pass must see
    /// the same documents in the same order.
    pub fingerprint: u64,
    pub skipped: SkipLog,
}

/// Settings shared by every pass.
#[derive(Clone)]
pub(crate) struct PassInput {
    pub sources: Vec<Source>,
    pub opts: ReadOptions,
    pub batch_bytes: usize,
    pub total_bytes: Option<u64>,
}

/// Runs `f(first document number, batch)` on every batch, in order.
pub(crate) fn run_pass(
    input: &PassInput,
    keep_raw: bool,
    tee: Option<std::fs::File>,
    progress: &dyn Progress,
    stage: &'static str,
    mut f: impl FnMut(u64, &RecordBatch) -> Result<()>,
) -> Result<PassSummary> {
    let mut opts = input.opts.clone();
    opts.keep_raw = keep_raw;
    let mut reader = Reader::new(input.sources.clone(), opts);
    if let Some(t) = tee {
        reader.tee_stdin(t);
    }
    let consumed = reader.consumed();
    let batch_bytes = input.batch_bytes;
    progress.begin(stage, input.total_bytes);
    let mut summary = PassSummary {
        documents: 0,
        text_bytes: 0,
        input_bytes: 0,
        fingerprint: 0,
        skipped: SkipLog::default(),
    };
    let mut hasher = Xxh3::new();
    let outcome = std::thread::scope(|scope| -> Result<()> {
        let (full_tx, full_rx) = mpsc::sync_channel::<Result<RecordBatch>>(1);
        let (empty_tx, empty_rx) = mpsc::channel::<RecordBatch>();
        let handle = scope.spawn(move || {
            loop {
                let mut batch = empty_rx.try_recv().unwrap_or_default();
                batch.clear();
                match reader.fill(&mut batch, BATCH_RECORDS, batch_bytes) {
                    Ok(more) => {
                        if (batch.is_empty() && !more) || full_tx.send(Ok(batch)).is_err() {
                            break;
                        }
                        if !more {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = full_tx.send(Err(e));
                        break;
                    }
                }
            }
            reader.skipped
        });
        let result = (|| -> Result<()> {
            for msg in full_rx.iter() {
                let batch = msg?;
                if progress.cancelled() {
                    return Err(Error::Interrupted);
                }
                let base = summary.documents;
                f(base, &batch)?;
                for i in 0..batch.len() {
                    hasher.update(batch.id(i).as_bytes());
                    hasher.update(&[0xff]);
                    hasher.update(&(batch.text(i).len() as u64).to_le_bytes());
                }
                summary.documents += batch.len() as u64;
                summary.text_bytes += batch.text_bytes() as u64;
                summary.input_bytes += batch.input_bytes;
                progress.set(consumed.load(Ordering::Relaxed), summary.documents);
                let _ = empty_tx.send(batch);
            }
            Ok(())
        })();
        // Unblock the reader if we stopped early, then collect its log.
        drop(full_rx);
        summary.skipped = handle.join().map_err(|_| Error::Io {
            path: "<reader thread>".into(),
            source: std::io::Error::other("the reader thread panicked"),
        })?;
        result
    });
    progress.end();
    outcome?;
    summary.fingerprint = hasher.digest();
    Ok(summary)
}

/// Checks that a later pass saw what the first one did.
pub(crate) fn check_same(first: &PassSummary, later: &PassSummary, pass: usize) -> Result<()> {
    if first.documents != later.documents || first.fingerprint != later.fingerprint {
        return Err(Error::InputChanged {
            pass,
            expected: first.documents,
            found: later.documents,
        });
    }
    Ok(())
}
