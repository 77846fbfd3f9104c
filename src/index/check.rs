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
    let k = params.permutations;
    let mut expected_bands = 0u64;
    let mut expected_sentences = 0u64;
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
            } else if decode_signature(&sig).iter().any(|&v| v != u32::MAX) {
                expected_bands += params.bands as u64;
            }
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
    report.batches = one("SELECT count(*) FROM batches")?;
    archive.end_read()?;
    report.ok = report.problem_count == 0;
    Ok(report)
}
