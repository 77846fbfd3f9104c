//! Postings of format 2: sorted runs of `(key, document)` pairs, packed
//! [`CHUNK_POSTINGS`] to a row, merged size-tiered (a log-structured
//! merge, O'Neil et al. 1996, with the tiering of Bigtable/Cassandra).
//!
//! Every band key and sentence hash of a document is a *posting*: a 64-bit
//! key (a band key mixed with its band number by [`band_key`], a sentence
//! hash as it is) and the document's row number. An add writes the postings
//! of one batch, sorted, as one *run* at level 0: about 41 postings per
//! document become less than one row (`chunks(run, last, n, data)`, a
//! `WITHOUT ROWID` B-tree whose rows are appended at its right end), where
//! format 1 inserted 41 rows at random places of two B-trees (and rewrote
//! most of their pages in the log at every batch). When [`FANOUT`] runs
//! share a level they are merged (a streamed k-way merge, inside the same
//! transaction) into one run of the next level, so an archive of `b`
//! batches has at most `(FANOUT - 1) × log_FANOUT(b)` runs and every
//! posting is rewritten about `log_FANOUT(b)` times.
//!
//! A lookup reads, in each run, the first chunk whose last key is at or
//! past the key (one B-tree descent), and the next ones while their last
//! key still equals it. Postings of removed or replaced documents stay in
//! their run until a merge drops them; their numbers are listed in
//! `dead(doc)` and skipped by lookups.

use std::collections::{BinaryHeap, HashSet};

use rusqlite::{Connection, OptionalExtension};

/// Postings per chunk row (12 bytes each: 768 bytes of data, under the
/// size SQLite keeps inside a 4 KiB index page, so no overflow pages).
pub const CHUNK_POSTINGS: usize = 64;
/// Runs of one level merged into one of the next.
pub const FANOUT: usize = 4;
/// Bytes of one posting: key i64 LE, document u32 LE.
pub const POSTING_BYTES: usize = 12;
/// Seed of [`band_key`] (fixed: posting keys are stored).
const BAND_KEY_SEED: u64 = 0x5359_4e44_4943_3133; // "SYNDIC13"

/// The tables of format 2's postings.
pub const SCHEMA: &str = "
CREATE TABLE runs(run INTEGER PRIMARY KEY, level INTEGER NOT NULL,
    postings INTEGER NOT NULL, chunks INTEGER NOT NULL);
CREATE TABLE chunks(run INTEGER NOT NULL, last INTEGER NOT NULL, n INTEGER NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY(run, last, n)) WITHOUT ROWID;
CREATE TABLE dead(doc INTEGER PRIMARY KEY);
";

/// A posting: key (u64 bits as i64, sorted as i64: SQLite's order) and
/// document row number.
pub type Posting = (i64, u32);

/// The posting key of band `band`'s key `key`: XXH3-64 of both under a
/// fixed seed, so keys of different bands never meet and the band needs no
/// column of its own.
pub fn band_key(band: usize, key: u64) -> i64 {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&(band as u32).to_le_bytes());
    b[4..].copy_from_slice(&key.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64_with_seed(&b, BAND_KEY_SEED) as i64
}

/// The posting key of a sentence hash.
pub fn sentence_key(hash: u64) -> i64 {
    hash as i64
}

/// The distinct posting keys of a document, sorted.
pub fn document_keys(band_keys: &[u64], sentence_hashes: impl Iterator<Item = u64>) -> Vec<i64> {
    let mut keys: Vec<i64> = band_keys
        .iter()
        .enumerate()
        .map(|(b, &k)| band_key(b, k))
        .chain(sentence_hashes.map(sentence_key))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A checksum term of one posting (summed with wrapping adds, so the order
/// does not matter): `check` compares the postings stored with those the
/// documents imply.
pub fn posting_checksum(key: i64, doc: u32) -> u64 {
    let mut b = [0u8; 12];
    b[..8].copy_from_slice(&key.to_le_bytes());
    b[8..].copy_from_slice(&doc.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&b)
}

/// Decodes a chunk's data (a trailing partial posting is ignored; `check`
/// reports it).
pub fn decode_chunk(data: &[u8], out: &mut Vec<Posting>) {
    out.clear();
    out.extend(data.chunks_exact(POSTING_BYTES).map(|c| {
        (
            i64::from_le_bytes(c[..8].try_into().expect("8 bytes")),
            u32::from_le_bytes(c[8..].try_into().expect("4 bytes")),
        )
    }));
}

/// Writes one run, postings pushed in order.
pub struct RunWriter {
    run: i64,
    buf: Vec<u8>,
    in_buf: usize,
    last: i64,
    chunks: i64,
    postings: u64,
    prev: Option<Posting>,
}

impl RunWriter {
    /// A writer of a new run (numbered after every run there is).
    pub fn new(conn: &Connection) -> rusqlite::Result<RunWriter> {
        let run: i64 = conn.query_row("SELECT coalesce(max(run), 0) + 1 FROM runs", [], |r| {
            r.get(0)
        })?;
        Ok(RunWriter {
            run,
            buf: Vec::with_capacity(CHUNK_POSTINGS * POSTING_BYTES),
            in_buf: 0,
            last: 0,
            chunks: 0,
            postings: 0,
            prev: None,
        })
    }

    /// Appends a posting (ascending order; a repeat is dropped).
    pub fn push(&mut self, conn: &Connection, p: Posting) -> rusqlite::Result<()> {
        if let Some(prev) = self.prev {
            if p == prev {
                return Ok(());
            }
            assert!(p > prev, "postings pushed out of order");
        }
        self.prev = Some(p);
        if self.in_buf == CHUNK_POSTINGS {
            self.flush(conn)?;
        }
        self.buf.extend_from_slice(&p.0.to_le_bytes());
        self.buf.extend_from_slice(&p.1.to_le_bytes());
        self.in_buf += 1;
        self.last = p.0;
        self.postings += 1;
        Ok(())
    }

    fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.in_buf == 0 {
            return Ok(());
        }
        conn.prepare_cached("INSERT INTO chunks(run, last, n, data) VALUES(?1, ?2, ?3, ?4)")?
            .execute(rusqlite::params![
                self.run,
                self.last,
                self.chunks,
                &self.buf
            ])?;
        self.chunks += 1;
        self.buf.clear();
        self.in_buf = 0;
        Ok(())
    }

    /// Writes what is left and records the run at `level` (nothing if the
    /// run is empty). Returns the number of postings.
    pub fn finish(mut self, conn: &Connection, level: i64) -> rusqlite::Result<u64> {
        self.flush(conn)?;
        if self.postings > 0 {
            conn.execute(
                "INSERT INTO runs(run, level, postings, chunks) VALUES(?1, ?2, ?3, ?4)",
                rusqlite::params![self.run, level, self.postings as i64, self.chunks],
            )?;
        }
        Ok(self.postings)
    }
}

/// Writes `postings` (any order; sorted and deduplicated here) as a new run
/// of level 0, then merges runs while a level holds [`FANOUT`] of them.
pub fn add_run(conn: &Connection, postings: &mut Vec<Posting>) -> rusqlite::Result<()> {
    postings.sort_unstable();
    postings.dedup();
    let mut w = RunWriter::new(conn)?;
    for &p in postings.iter() {
        w.push(conn, p)?;
    }
    w.finish(conn, 0)?;
    compact(conn)
}

/// Merges the runs of the lowest level holding [`FANOUT`] or more, until
/// none does. When one run is left, no posting of a dead document remains
/// and the `dead` list is emptied.
pub fn compact(conn: &Connection) -> rusqlite::Result<()> {
    loop {
        let level: Option<i64> = conn
            .query_row(
                "SELECT level FROM runs GROUP BY level HAVING count(*) >= ?1 ORDER BY level LIMIT 1",
                [FANOUT as i64],
                |r| r.get(0),
            )
            .optional()?;
        let Some(level) = level else {
            return Ok(());
        };
        let inputs: Vec<i64> = conn
            .prepare("SELECT run FROM runs WHERE level = ?1 ORDER BY run")?
            .query_map([level], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let dead = dead_set(conn)?;
        merge(conn, &inputs, level + 1, &dead)?;
        let runs: i64 = conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))?;
        if runs <= 1 {
            conn.execute("DELETE FROM dead", [])?;
        }
    }
}

/// The numbers of removed and replaced documents.
pub fn dead_set(conn: &Connection) -> rusqlite::Result<HashSet<u32>> {
    conn.prepare_cached("SELECT doc FROM dead")?
        .query_map([], |r| r.get::<_, i64>(0))?
        .map(|d| d.map(|d| d as u32))
        .collect()
}

/// One input run of a merge, read chunk by chunk.
struct Stream<'s> {
    rows: rusqlite::Rows<'s>,
    buf: Vec<Posting>,
    pos: usize,
}

impl Stream<'_> {
    fn next(&mut self) -> rusqlite::Result<Option<Posting>> {
        while self.pos == self.buf.len() {
            match self.rows.next()? {
                None => return Ok(None),
                Some(row) => {
                    let data = row.get_ref(0)?.as_blob()?;
                    decode_chunk(data, &mut self.buf);
                    self.pos = 0;
                }
            }
        }
        self.pos += 1;
        Ok(Some(self.buf[self.pos - 1]))
    }
}

/// Merges `inputs` into one run of `level` (postings of `dead` documents
/// dropped), then deletes the inputs. Memory: one chunk per input.
fn merge(
    conn: &Connection,
    inputs: &[i64],
    level: i64,
    dead: &HashSet<u32>,
) -> rusqlite::Result<()> {
    let mut out = RunWriter::new(conn)?;
    {
        let mut stmts = Vec::with_capacity(inputs.len());
        for _ in inputs {
            stmts.push(conn.prepare("SELECT data FROM chunks WHERE run = ?1 ORDER BY last, n")?);
        }
        let mut streams = Vec::with_capacity(inputs.len());
        for (st, &run) in stmts.iter_mut().zip(inputs) {
            streams.push(Stream {
                rows: st.query([run])?,
                buf: Vec::new(),
                pos: 0,
            });
        }
        let mut heap = BinaryHeap::new();
        for (i, s) in streams.iter_mut().enumerate() {
            if let Some((k, d)) = s.next()? {
                heap.push(std::cmp::Reverse((k, d, i)));
            }
        }
        while let Some(std::cmp::Reverse((k, d, i))) = heap.pop() {
            if !dead.contains(&d) {
                out.push(conn, (k, d))?;
            }
            if let Some((k, d)) = streams[i].next()? {
                heap.push(std::cmp::Reverse((k, d, i)));
            }
        }
    }
    for &run in inputs {
        conn.execute("DELETE FROM chunks WHERE run = ?1", [run])?;
        conn.execute("DELETE FROM runs WHERE run = ?1", [run])?;
    }
    out.finish(conn, level)?;
    Ok(())
}

/// The runs, oldest first.
pub fn run_list(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached("SELECT run FROM runs ORDER BY run")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// Appends to `out` the documents posted under `key` that are not dead:
/// the `cap` lowest row numbers, ascending.
pub fn lookup(
    conn: &Connection,
    runs: &[i64],
    dead: &HashSet<u32>,
    key: i64,
    cap: usize,
    out: &mut Vec<i64>,
) -> rusqlite::Result<()> {
    let mut st = conn.prepare_cached(
        "SELECT last, data FROM chunks WHERE run = ?1 AND last >= ?2 ORDER BY last, n",
    )?;
    let start = out.len();
    let mut buf = Vec::new();
    for &run in runs {
        let mut taken = 0usize;
        let mut rows = st.query(rusqlite::params![run, key])?;
        while let Some(row) = rows.next()? {
            let last: i64 = row.get(0)?;
            decode_chunk(row.get_ref(1)?.as_blob()?, &mut buf);
            let from = buf.partition_point(|p| p.0 < key);
            for p in &buf[from..] {
                if p.0 != key || taken == cap {
                    break;
                }
                if !dead.contains(&p.1) {
                    out.push(p.1 as i64);
                    taken += 1;
                }
            }
            if last != key || taken == cap {
                break;
            }
        }
    }
    // Runs hold disjoint documents; keep the `cap` lowest of their union.
    out[start..].sort_unstable();
    out.truncate(start.saturating_add(cap).min(out.len()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(SCHEMA).unwrap();
        c
    }

    /// Brute force: every posting ever added, minus the dead.
    fn oracle(all: &[Posting], dead: &HashSet<u32>, key: i64, cap: usize) -> Vec<i64> {
        let mut v: Vec<i64> = all
            .iter()
            .filter(|p| p.0 == key && !dead.contains(&p.1))
            .map(|p| p.1 as i64)
            .collect();
        v.sort_unstable();
        v.dedup();
        v.truncate(cap);
        v
    }

    #[test]
    fn lookups_match_a_brute_force_oracle_through_merges_and_removals() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
        let c = db();
        let mut all: Vec<Posting> = Vec::new();
        let mut dead: HashSet<u32> = HashSet::new();
        let mut doc = 0u32;
        // A small key space so keys repeat across documents, runs and
        // chunks (some keys get hundreds of postings: several chunks).
        let keys: Vec<i64> = (0..300).map(|_| rng.gen::<i64>()).collect();
        for batch in 0..23 {
            let mut postings = Vec::new();
            for _ in 0..rng.gen_range(1..40) {
                doc += 1;
                for _ in 0..rng.gen_range(0..30) {
                    // Key 0 is hot: many documents share it.
                    let k = if rng.gen_bool(0.2) {
                        keys[0]
                    } else {
                        keys[rng.gen_range(0..keys.len())]
                    };
                    postings.push((k, doc));
                }
            }
            all.extend_from_slice(&postings);
            add_run(&c, &mut postings).unwrap();
            if batch % 5 == 2 {
                for _ in 0..5 {
                    let d = rng.gen_range(1..=doc);
                    dead.insert(d);
                    c.execute("INSERT OR IGNORE INTO dead(doc) VALUES(?1)", [d])
                        .unwrap();
                }
            }
            let runs = run_list(&c).unwrap();
            assert!(runs.len() <= (FANOUT - 1) * 4, "{} runs", runs.len());
            let dead_now = dead_set(&c).unwrap();
            for &k in keys
                .iter()
                .take(40)
                .chain([0i64, i64::MIN, i64::MAX].iter())
            {
                for cap in [1usize, 3, 1000] {
                    let mut got = Vec::new();
                    lookup(&c, &runs, &dead_now, k, cap, &mut got).unwrap();
                    assert_eq!(got, oracle(&all, &dead, k, cap), "key {k} cap {cap}");
                }
            }
        }
        // Merges really happened, and the hot key spans several chunks.
        let levels: i64 = c
            .query_row("SELECT max(level) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert!(levels >= 2);
        let hot: i64 = c
            .query_row(
                "SELECT max(m) FROM (SELECT count(*) AS m FROM chunks WHERE last = ?1 GROUP BY run)",
                [keys[0]],
                |r| r.get(0),
            )
            .unwrap();
        assert!(hot >= 2, "the hot key spans {hot} chunks");
    }

    #[test]
    fn band_keys_of_different_bands_differ() {
        assert_ne!(band_key(0, 7), band_key(1, 7));
        assert_eq!(band_key(3, 7), band_key(3, 7));
    }
}
