//! `syndic index check`: SQLite's own integrity check, then syndic's: every
//! document's rows decode, its postings are all there and point back to it,
//! kept texts match their content hash, every document belongs to a
//! committed batch.

use super::add::decompress;
use super::analyse::content_hash;
use super::store::{decode_sentences, decode_signature, Archive};
use crate::error::Result;

/// What a check found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckReport {
    /// The archive file.
    pub archive: String,
    /// No problem found.
    pub ok: bool,
    /// Documents checked.
    pub documents: u64,
    /// Committed batches.
    pub batches: u64,
    /// Kept texts decompressed and checked.
    pub texts: u64,
    /// Each problem found (at most 100 are listed).
    pub problems: Vec<String>,
    /// Problems in all.
    pub problem_count: u64,
}

impl CheckReport {
    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < 100 {
            self.problems.push(p);
        }
    }
}

/// Checks an archive (opened for reading; one snapshot).
pub fn check(archive: &Archive) -> Result<CheckReport> {
    let mut report = CheckReport {
        archive: archive.path().display().to_string(),
        ..CheckReport::default()
    };
    let conn = &archive.conn;
    let err = |e| archive.err(e);
    archive.begin_read()?;
    {
        let mut st = conn.prepare("PRAGMA integrity_check").map_err(err)?;
        let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(err)?;
        for r in rows {
            let r = r.map_err(err)?;
            if r != "ok" {
                report.problem(format!("sqlite: {r}"));
            }
        }
    }
    let params = archive.params().clone();
    let analyser = super::analyse::Analyser::new(&params)?;
    let k = params.permutations;
    let format2 = archive.format() >= 2;
    let mut expected_bands = 0u64;
    let mut expected_sentences = 0u64;
    // Format 2: the postings the documents imply (count and an
    // order-free checksum), and which row numbers are live.
    let mut expected_postings = 0u64;
    let mut expected_sum = 0u64;
    let mut live: std::collections::HashSet<u32> = Default::default();
    {
        let mut st = conn
            .prepare(
                "SELECT d.doc, d.id, d.length, d.hash, d.signature, d.sentences, d.text,
                        (SELECT count(*) FROM batches b WHERE b.batch = d.batch)
                 FROM docs d ORDER BY d.doc",
            )
            .map_err(err)?;
        let mut rows = st.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            report.documents += 1;
            let doc: i64 = r.get(0).map_err(err)?;
            let id: String = r.get(1).map_err(err)?;
            let length = r.get::<_, i64>(2).map_err(err)? as usize;
            let hash: Vec<u8> = r.get(3).map_err(err)?;
            let sig: Vec<u8> = r.get(4).map_err(err)?;
            let sentences: Vec<u8> = r.get(5).map_err(err)?;
            let text: Option<Vec<u8>> = r.get(6).map_err(err)?;
            let in_batch: i64 = r.get(7).map_err(err)?;
            let what = format!("document {id:?} (row {doc})");
            if hash.len() != 16 {
                report.problem(format!(
                    "{what}: content hash of {} bytes, not 16",
                    hash.len()
                ));
            }
            if sig.len() != 4 * k {
                report.problem(format!(
                    "{what}: signature of {} bytes, not {} ({k} permutations)",
                    sig.len(),
                    4 * k
                ));
            }
            let signature = decode_signature(&sig);
            let band_keys = if sig.len() == 4 * k && signature.iter().any(|&v| v != u32::MAX) {
                expected_bands += params.bands as u64;
                analyser.band_keys(&signature)
            } else {
                Vec::new()
            };
            if !sentences.len().is_multiple_of(16) {
                report.problem(format!(
                    "{what}: sentence list of {} bytes",
                    sentences.len()
                ));
            } else {
                let mut hs: Vec<u64> = decode_sentences(&sentences)
                    .iter()
                    .map(|s| {
                        if s.start > s.end || s.end as usize > length {
                            report.problem(format!(
                                "{what}: sentence span {}..{} outside the text ({length} bytes)",
                                s.start, s.end
                            ));
                        }
                        s.hash
                    })
                    .collect();
                hs.sort_unstable();
                hs.dedup();
                expected_sentences += hs.len() as u64;
                if format2 {
                    match u32::try_from(doc) {
                        Ok(d) => {
                            live.insert(d);
                            for key in super::runs::document_keys(&band_keys, hs.iter().copied()) {
                                expected_postings += 1;
                                expected_sum = expected_sum
                                    .wrapping_add(super::runs::posting_checksum(key, d));
                            }
                        }
                        Err(_) => report.problem(format!("{what}: row number over 2^32")),
                    }
                }
            }
            if in_batch == 0 {
                report.problem(format!("{what}: its batch was never committed"));
            }
            if let Some(z) = text {
                report.texts += 1;
                match decompress(archive.path(), &z, length) {
                    Ok(t)
                        if t.len() == length && content_hash(&t).to_le_bytes()[..] == hash[..] => {}
                    Ok(_) => report.problem(format!("{what}: kept text does not match its hash")),
                    Err(e) => report.problem(format!("{what}: {e}")),
                }
            }
        }
    }
    let one = |sql: &str| -> Result<u64> {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|v| v as u64)
            .map_err(err)
    };
    if format2 {
        check_runs(archive, &live, expected_postings, expected_sum, &mut report)?;
    } else {
        let bands = one("SELECT count(*) FROM bands")?;
        if bands != expected_bands {
            report.problem(format!(
                "{bands} band postings, {expected_bands} expected ({} bands per document with words)",
                params.bands
            ));
        }
        let sentences = one("SELECT count(*) FROM sentences")?;
        if sentences != expected_sentences {
            report.problem(format!(
                "{sentences} sentence postings, {expected_sentences} expected"
            ));
        }
        let orphans = one("SELECT count(*) FROM bands b WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.doc = b.doc)")?
            + one("SELECT count(*) FROM sentences s WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.doc = s.doc)")?;
        if orphans > 0 {
            report.problem(format!("{orphans} postings point to no document"));
        }
    }
    report.batches = one("SELECT count(*) FROM batches")?;
    archive.end_read()?;
    report.ok = report.problem_count == 0;
    Ok(report)
}

/// Format 2: every run decodes, is sorted and is what `runs` says; the
/// postings of live documents are exactly those their rows imply (count and
/// checksum); every other posting belongs to a dead document.
fn check_runs(
    archive: &Archive,
    live: &std::collections::HashSet<u32>,
    expected: u64,
    expected_sum: u64,
    report: &mut CheckReport,
) -> Result<()> {
    use super::runs::{decode_chunk, posting_checksum, POSTING_BYTES};
    let conn = &archive.conn;
    let err = |e| archive.err(e);
    let dead = super::runs::dead_set(conn).map_err(err)?;
    let runs: Vec<(i64, i64, i64)> = {
        let mut st = conn
            .prepare("SELECT run, postings, chunks FROM runs ORDER BY run")
            .map_err(err)?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(err)?
            .collect::<rusqlite::Result<Vec<_>>>();
        v.map_err(err)?
    };
    let (mut found, mut sum, mut orphans) = (0u64, 0u64, 0u64);
    let mut buf = Vec::new();
    let mut st = conn
        .prepare("SELECT last, n, data FROM chunks WHERE run = ?1 ORDER BY last, n")
        .map_err(err)?;
    for (run, postings, chunks) in runs {
        let mut rows = st.query([run]).map_err(err)?;
        let (mut n_chunks, mut n_postings) = (0i64, 0i64);
        let mut prev: Option<(i64, u32)> = None;
        let mut bad = false;
        while let Some(r) = rows.next().map_err(err)? {
            let last: i64 = r.get(0).map_err(err)?;
            let n: i64 = r.get(1).map_err(err)?;
            let data = r
                .get_ref(2)
                .map_err(err)?
                .as_blob()
                .map_err(|e| err(e.into()))?;
            if n != n_chunks || data.is_empty() || !data.len().is_multiple_of(POSTING_BYTES) {
                bad = true;
            }
            decode_chunk(data, &mut buf);
            if buf.last().map(|p| p.0) != Some(last) {
                bad = true;
            }
            for &p in &buf {
                if prev.is_some_and(|q| q >= p) {
                    bad = true;
                }
                prev = Some(p);
                if live.contains(&p.1) {
                    found += 1;
                    sum = sum.wrapping_add(posting_checksum(p.0, p.1));
                } else if !dead.contains(&p.1) {
                    orphans += 1;
                }
            }
            n_chunks += 1;
            n_postings += buf.len() as i64;
        }
        if bad {
            report.problem(format!("posting run {run}: chunks damaged or out of order"));
        }
        if n_chunks != chunks || n_postings != postings {
            report.problem(format!(
                "posting run {run}: {n_chunks} chunks and {n_postings} postings, the run says {chunks} and {postings}"
            ));
        }
    }
    let stray: i64 = conn
        .query_row(
            "SELECT count(*) FROM chunks WHERE run NOT IN (SELECT run FROM runs)",
            [],
            |r| r.get(0),
        )
        .map_err(err)?;
    if stray > 0 {
        report.problem(format!("{stray} posting chunks belong to no run"));
    }
    if found != expected || sum != expected_sum {
        report.problem(format!(
            "{found} postings of archived documents, {expected} expected{}",
            if found == expected {
                " (same count, other keys)"
            } else {
                ""
            }
        ));
    }
    if orphans > 0 {
        report.problem(format!("{orphans} postings point to no document"));
    }
    Ok(())
}
