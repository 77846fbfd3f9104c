//! The archive file: SQLite in WAL mode, its schema, opening (with the
//! checks that turn a missing, foreign, corrupt, newer or read-only file
//! into a clear error), the writer's lock, and the row encodings.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{ArchiveParams, SentenceHash, FORMAT_VERSION, MAGIC};
use crate::error::{Error, Result};

/// How an archive is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Queries, statistics, checks: a read-only connection; any number at
    /// once, also while a writer works.
    Read,
    /// Adds and removals: one writer at a time.
    Write,
}

/// An open archive.
pub struct Archive {
    path: PathBuf,
    // Dropped before the lock (fields drop in order): closing the lock's
    // descriptor first would not matter for flock, but the connection must
    // be gone before another writer may start.
    pub(super) conn: Connection,
    params: ArchiveParams,
    format: u32,
    migrated_from: Option<u32>,
    _lock: Option<File>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("path", &self.path)
            .field("params", &self.params)
            .finish()
    }
}

/// What `syndic index stats` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArchiveStats {
    /// The archive file.
    pub archive: String,
    /// Format version.
    pub format: u32,
    /// Documents.
    pub documents: u64,
    /// Sentences stored (of at least the posted length), over all
    /// documents.
    pub sentences: u64,
    /// Postings stored: distinct `(band key, document)` and `(sentence,
    /// document)` pairs (in format 2 also those of removed or replaced
    /// documents not yet dropped by a merge).
    pub postings: u64,
    /// Posting runs (format 2; 0 in format 1, whose postings are two
    /// B-tree tables).
    pub runs: u64,
    /// Documents whose text is kept.
    pub texts: u64,
    /// Text bytes of all documents.
    pub text_bytes: u64,
    /// Committed batches.
    pub batches: u64,
    /// Bytes on disk (the file and its write-ahead log).
    pub bytes: u64,
    /// Bytes on disk per document.
    pub bytes_per_document: f64,
    /// The parameters.
    pub parameters: ArchiveParams,
}

/// Tables of every format. Format 2 adds [`super::runs::SCHEMA`]; format 1
/// had instead `bands(band, key, doc)` and `sentences(hash, doc)`, both
/// `WITHOUT ROWID` with all three (two) columns as the primary key, which
/// are read as they are and migrated by the first writer.
const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs(
    doc INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    length INTEGER NOT NULL,
    hash BLOB NOT NULL,
    signature BLOB NOT NULL,
    sentences BLOB NOT NULL,
    text BLOB,
    batch INTEGER NOT NULL
);
CREATE TABLE batches(
    batch INTEGER PRIMARY KEY,
    documents INTEGER NOT NULL,
    added INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    inputs TEXT NOT NULL,
    committed_at INTEGER NOT NULL
);
";

fn archive_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Archive {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Maps an SQLite error to one naming the archive and saying what it means.
pub(super) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let reason = match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "not a syndic archive (not an SQLite database file, or damaged beyond reading)"
                .to_owned()
        }
        Some(ErrorCode::DatabaseCorrupt) => format!(
            "the archive is corrupt ({e}); `syndic index check` reports what is damaged; \
             batches committed before the damage may be readable with the sqlite3 shell's .recover"
        ),
        Some(ErrorCode::DiskFull) => format!(
            "the disk is full ({e}); the batch under way was rolled back, every batch committed \
             before it is kept"
        ),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            format!("the archive is busy ({e}): another process holds it; try again")
        }
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => {
            format!("cannot write to the archive ({e})")
        }
        Some(ErrorCode::SystemIoFailure) => format!("input/output error ({e})"),
        _ => e.to_string(),
    };
    archive_error(path, reason)
}

impl Archive {
    /// Opens an existing archive. [`Mode::Write`] takes the writer's lock
    /// (an error if another process holds it) and refuses a file without
    /// write permission.
    pub fn open(path: &Path, mode: Mode) -> Result<Archive> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(archive_error(
                    path,
                    "no such archive (`syndic index add ARCHIVE INPUT...` makes one)",
                ))
            }
            Err(source) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        if !meta.is_file() {
            return Err(archive_error(path, "not a regular file, so not an archive"));
        }
        if meta.len() == 0 {
            return Err(archive_error(
                path,
                "the file is empty: not a syndic archive (syndic does not write over a file it did not make)",
            ));
        }
        let lock = match mode {
            Mode::Read => None,
            Mode::Write => Some(Self::writer_lock(path, &meta)?),
        };
        let flags = match mode {
            Mode::Read => OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            Mode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| db_error(path, e))?;
        let (format, params) = Self::read_meta(path, &conn)?;
        let mut archive = Archive {
            path: path.to_path_buf(),
            conn,
            params,
            format,
            migrated_from: None,
            _lock: lock,
        };
        match mode {
            Mode::Write => {
                archive.tune_writer()?;
                if archive.format < FORMAT_VERSION {
                    archive.migrate()?;
                }
            }
            Mode::Read => archive.tune_reader()?,
        }
        Ok(archive)
    }

    /// Opens the archive for writing, making it with `params` if it does
    /// not exist; an existing archive must have the same parameters.
    pub fn open_or_create(path: &Path, params: &ArchiveParams) -> Result<Archive> {
        if std::fs::symlink_metadata(path).is_err() {
            Self::create(path, params)?;
        }
        let archive = Archive::open(path, Mode::Write)?;
        archive.check_params(params)?;
        Ok(archive)
    }

    /// An error naming every field of `params` that differs from the
    /// archive's.
    pub fn check_params(&self, params: &ArchiveParams) -> Result<()> {
        let diffs = params.differences(&self.params);
        if diffs.is_empty() {
            return Ok(());
        }
        Err(archive_error(
            &self.path,
            format!(
                "made with other parameters; these differ: {} (give the archive's values, or use another archive)",
                diffs.join(", ")
            ),
        ))
    }

    /// Makes a new archive: written under a temporary name beside it and
    /// renamed into place only once whole (never over an existing file).
    fn create(path: &Path, params: &ArchiveParams) -> Result<()> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "archive".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{}{name}.", crate::util::cleanup::TMP_PREFIX))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| archive_error(path, format!("cannot create the archive: {e}")))?;
        {
            let conn = Connection::open(tmp.path()).map_err(|e| db_error(path, e))?;
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| db_error(path, e))?;
            let tx_sql = format!(
                "BEGIN; {SCHEMA} {}
                 INSERT INTO meta VALUES('magic', '{MAGIC}');
                 INSERT INTO meta VALUES('format', '{FORMAT_VERSION}');
                 INSERT INTO meta VALUES('created_by', 'syndic {}');
                 COMMIT;",
                super::runs::SCHEMA,
                env!("CARGO_PKG_VERSION")
            );
            conn.execute_batch(&tx_sql).map_err(|e| db_error(path, e))?;
            let json = serde_json::to_string(params).expect("params serialize");
            conn.execute("INSERT INTO meta VALUES('params', ?1)", [json])
                .map_err(|e| db_error(path, e))?;
            // Fold the log into the file, so the renamed file is whole.
            conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
                .map_err(|e| db_error(path, e))?;
            conn.close().map_err(|(_, e)| db_error(path, e))?;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| archive_error(path, format!("cannot create the archive: {e}")))?;
        match tmp.persist_noclobber(path) {
            Ok(_) => Ok(()),
            // Another writer made it first: open theirs.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(archive_error(
                path,
                format!("cannot create the archive: {}", e.error),
            )),
        }
    }

    /// The writer's advisory lock (`flock`, held until the archive is
    /// dropped); refuses a file with no write permission (even for root,
    /// who could write it anyway).
    fn writer_lock(path: &Path, meta: &std::fs::Metadata) -> Result<File> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o222 == 0 {
                return Err(archive_error(
                    path,
                    "the archive is read-only (no write permission); nothing was added (chmod u+w to allow it)",
                ));
            }
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| {
                archive_error(path, format!("cannot open the archive for writing: {e}"))
            })?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a descriptor this function owns.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc != 0 {
                let e = std::io::Error::last_os_error();
                return Err(archive_error(
                    path,
                    if e.kind() == std::io::ErrorKind::WouldBlock {
                        "another syndic process is writing to this archive (one writer at a time; queries may run meanwhile)".to_owned()
                    } else {
                        format!("cannot lock the archive: {e}")
                    },
                ));
            }
        }
        Ok(file)
    }

    fn read_meta(path: &Path, conn: &Connection) -> Result<(u32, ArchiveParams)> {
        let get = |key: &str| -> Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| match &e {
                rusqlite::Error::SqliteFailure(_, Some(m)) if m.contains("no such table") => {
                    archive_error(
                        path,
                        "not a syndic archive (an SQLite database of another program)",
                    )
                }
                _ => db_error(path, e),
            })
        };
        if get("magic")?.as_deref() != Some(MAGIC) {
            return Err(archive_error(
                path,
                "not a syndic archive (its meta table does not say syndic-archive)",
            ));
        }
        let format: u32 = get("format")?
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| archive_error(path, "the archive has no readable format version"))?;
        if format > FORMAT_VERSION {
            return Err(archive_error(
                path,
                format!(
                    "archive format {format} is newer than this syndic reads (format {FORMAT_VERSION}); \
                     use a newer syndic (nothing was changed)"
                ),
            ));
        }
        // Format 1 is read as it is; the first writer migrates it
        // (`Archive::migrate`).
        let params = get("params")?
            .ok_or_else(|| archive_error(path, "the archive has no parameters (meta 'params')"))?;
        let params: ArchiveParams = serde_json::from_str(&params).map_err(|e| {
            archive_error(
                path,
                format!("the archive's parameters cannot be read: {e}"),
            )
        })?;
        Ok((format, params))
    }

    fn tune_writer(&self) -> Result<()> {
        let c = &self.conn;
        let path = &self.path;
        // FULL: a committed batch survives a crash of the machine too, not
        // only of the process.
        c.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| db_error(path, e))?;
        // 256 MiB of page cache: bounded, independent of the archive size.
        c.pragma_update(None, "cache_size", -262_144)
            .map_err(|e| db_error(path, e))?;
        Ok(())
    }

    fn tune_reader(&self) -> Result<()> {
        let c = &self.conn;
        // A query looks a key up in every posting run: pages read through
        // a memory map (no copy per page; SQLite caps the map at 2 GiB and
        // reads the rest as usual) and a 64 MiB cache for the B-tree
        // interiors. Safe beside a writer: the file never shrinks (no
        // vacuum, no auto_vacuum), and WAL readers never see pages of
        // later commits.
        c.pragma_update(None, "mmap_size", 2_147_418_112i64)
            .map_err(|e| self.err(e))?;
        c.pragma_update(None, "cache_size", -65_536)
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parameters fixed by the first add.
    pub fn params(&self) -> &ArchiveParams {
        &self.params
    }

    /// The format version of the file.
    pub fn format(&self) -> u32 {
        self.format
    }

    /// The format this archive had before this writer migrated it, if it
    /// did.
    pub fn migrated_from(&self) -> Option<u32> {
        self.migrated_from
    }

    /// Format 1 → 2, in one transaction (a writer killed during it leaves
    /// format 1 as it was): the postings are made again from each
    /// document's stored signature and sentences, in runs of
    /// [`super::DEFAULT_BATCH_DOCS`] documents (merged as an add merges
    /// them, so memory stays bounded), then format 1's `bands` and
    /// `sentences` tables are dropped.
    fn migrate(&mut self) -> Result<()> {
        let from = self.format;
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        let analyser = super::analyse::Analyser::new(&self.params)?;
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute_batch(super::runs::SCHEMA).map_err(err)?;
        {
            let mut st = tx
                .prepare("SELECT doc, signature, sentences FROM docs ORDER BY doc")
                .map_err(err)?;
            let mut rows = st.query([]).map_err(err)?;
            let mut postings: Vec<super::runs::Posting> = Vec::new();
            let mut docs = 0usize;
            while let Some(r) = rows.next().map_err(err)? {
                let doc = doc_number(&path, r.get(0).map_err(err)?)?;
                let sig = decode_signature(&r.get::<_, Vec<u8>>(1).map_err(err)?);
                let sentences = decode_sentences(&r.get::<_, Vec<u8>>(2).map_err(err)?);
                let bands = if sig.len() == self.params.permutations
                    && sig.iter().any(|&v| v != u32::MAX)
                {
                    analyser.band_keys(&sig)
                } else {
                    Vec::new()
                };
                for k in super::runs::document_keys(&bands, sentences.iter().map(|s| s.hash)) {
                    postings.push((k, doc));
                }
                docs += 1;
                if docs == super::DEFAULT_BATCH_DOCS {
                    super::runs::add_run(&tx, &mut postings).map_err(err)?;
                    postings.clear();
                    docs = 0;
                }
            }
            super::runs::add_run(&tx, &mut postings).map_err(err)?;
        }
        tx.execute_batch(&format!(
            "DROP TABLE bands; DROP TABLE sentences;
             UPDATE meta SET value = '{FORMAT_VERSION}' WHERE key = 'format';
             INSERT OR REPLACE INTO meta VALUES('migrated_from', '{from}');"
        ))
        .map_err(err)?;
        tx.commit().map_err(err)?;
        self.format = FORMAT_VERSION;
        self.migrated_from = Some(from);
        Ok(())
    }

    /// The postings as this snapshot has them (call inside the read
    /// transaction that the lookups use).
    pub(super) fn postings(&self) -> Result<Postings> {
        if self.format == 1 {
            return Ok(Postings {
                format: 1,
                runs: Vec::new(),
                dead: Default::default(),
            });
        }
        Ok(Postings {
            format: self.format,
            runs: super::runs::run_list(&self.conn).map_err(|e| self.err(e))?,
            dead: super::runs::dead_set(&self.conn).map_err(|e| self.err(e))?,
        })
    }

    /// Error naming this archive.
    pub(super) fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Starts a read transaction: every read until [`Archive::end_read`]
    /// sees one snapshot.
    pub fn begin_read(&self) -> Result<()> {
        self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
        // A read is what pins the snapshot in WAL mode; it also catches a
        // writer that migrated the archive after this process opened it.
        let format: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        if format.as_deref() != Some(self.format.to_string().as_str()) {
            let _ = self.conn.execute_batch("COMMIT");
            return Err(archive_error(
                &self.path,
                format!(
                    "a writer changed the archive's format (to {}) after this command opened it; \
                     nothing was read: run it again",
                    format.as_deref().unwrap_or("none")
                ),
            ));
        }
        Ok(())
    }

    /// Ends the read transaction of [`Archive::begin_read`].
    pub fn end_read(&self) -> Result<()> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    /// Statistics.
    pub fn stats(&self) -> Result<ArchiveStats> {
        let c = &self.conn;
        let one = |sql: &str| -> Result<u64> {
            c.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
                .map(|v| v.unwrap_or(0) as u64)
                .map_err(|e| self.err(e))
        };
        let documents = one("SELECT count(*) FROM docs")?;
        let sentences = one("SELECT sum(length(sentences)) FROM docs")? / 16;
        let texts = one("SELECT count(*) FROM docs WHERE text IS NOT NULL")?;
        let text_bytes = one("SELECT sum(length) FROM docs")?;
        let (postings, runs) = if self.format == 1 {
            (
                one("SELECT count(*) FROM bands")? + one("SELECT count(*) FROM sentences")?,
                0,
            )
        } else {
            (
                one("SELECT sum(postings) FROM runs")?,
                one("SELECT count(*) FROM runs")?,
            )
        };
        let batches = one("SELECT count(*) FROM batches")?;
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let bytes = size(&self.path) + size(Path::new(&wal));
        Ok(ArchiveStats {
            archive: self.path.display().to_string(),
            format: self.format,
            documents,
            sentences,
            postings,
            runs,
            texts,
            text_bytes,
            batches,
            bytes,
            bytes_per_document: if documents == 0 {
                0.0
            } else {
                crate::util::round4(bytes as f64 / documents as f64)
            },
            parameters: self.params.clone(),
        })
    }

    /// Removes the documents with these ids; returns the ids not found.
    pub fn remove(&mut self, ids: &[String]) -> Result<Vec<String>> {
        let path = self.path.clone();
        let err = |e| db_error(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let mut missing = Vec::new();
        for id in ids {
            let row: Option<(i64, Vec<u8>, Vec<u8>)> = tx
                .query_row(
                    "SELECT doc, signature, sentences FROM docs WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(err)?;
            match row {
                None => missing.push(id.clone()),
                Some((doc, _, _)) => delete_doc(&tx, doc).map_err(err)?,
            }
        }
        tx.commit().map_err(err)?;
        Ok(missing)
    }
}

/// Deletes a document (format 2, what a writer has): its number goes to
/// `dead`, so lookups skip its postings until a merge drops them.
pub(super) fn delete_doc(tx: &rusqlite::Transaction, doc: i64) -> rusqlite::Result<()> {
    tx.execute("INSERT OR IGNORE INTO dead(doc) VALUES(?1)", [doc])?;
    tx.execute("DELETE FROM docs WHERE doc = ?1", [doc])?;
    Ok(())
}

/// A document's row number as postings store it (u32).
pub(super) fn doc_number(path: &Path, doc: i64) -> Result<u32> {
    u32::try_from(doc).map_err(|_| {
        archive_error(
            path,
            format!("document number {doc} does not fit the postings (at most 2^32 - 1 documents ever added)"),
        )
    })
}

/// A key of the postings.
#[derive(Debug, Clone, Copy)]
pub(super) enum Key {
    /// Band `.0`'s key `.1`.
    Band(usize, u64),
    /// A sentence hash.
    Sentence(u64),
}

/// The postings of one snapshot: format 1's two tables, or format 2's runs
/// (with the dead documents to skip).
pub(super) struct Postings {
    format: u32,
    runs: Vec<i64>,
    dead: std::collections::HashSet<u32>,
}

impl Postings {
    /// Appends to `out` the `cap` lowest row numbers of the documents
    /// posted under `key`, ascending.
    pub(super) fn docs(
        &self,
        archive: &Archive,
        which: Key,
        cap: usize,
        out: &mut Vec<i64>,
    ) -> Result<()> {
        let conn = &archive.conn;
        let limit = i64::try_from(cap).unwrap_or(i64::MAX);
        let r = if self.format == 1 {
            format_1_docs(conn, which, limit, out)
        } else {
            let k = match which {
                Key::Band(b, k) => super::runs::band_key(b, k),
                Key::Sentence(h) => super::runs::sentence_key(h),
            };
            super::runs::lookup(conn, &self.runs, &self.dead, k, cap, out)
        };
        r.map_err(|e| archive.err(e))
    }
}

/// `k` × u32, little-endian.
pub(super) fn encode_signature(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub(super) fn decode_signature(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect()
}

/// `n` × (hash u64, start u32, end u32), little-endian.
pub(super) fn encode_sentences(s: &[SentenceHash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 16);
    for x in s {
        out.extend_from_slice(&x.hash.to_le_bytes());
        out.extend_from_slice(&x.start.to_le_bytes());
        out.extend_from_slice(&x.end.to_le_bytes());
    }
    out
}

pub(super) fn decode_sentences(bytes: &[u8]) -> Vec<SentenceHash> {
    bytes
        .chunks_exact(16)
        .map(|c| SentenceHash {
            hash: u64::from_le_bytes(c[0..8].try_into().expect("8 bytes")),
            start: u32::from_le_bytes(c[8..12].try_into().expect("4 bytes")),
            end: u32::from_le_bytes(c[12..16].try_into().expect("4 bytes")),
        })
        .collect()
}

/// Format 1's lookups: its two postings tables.
fn format_1_docs(
    conn: &Connection,
    which: Key,
    limit: i64,
    out: &mut Vec<i64>,
) -> rusqlite::Result<()> {
    let mut rows = match which {
        Key::Band(b, k) => {
            let mut st = conn.prepare_cached(
                "SELECT doc FROM bands WHERE band = ?1 AND key = ?2 ORDER BY doc LIMIT ?3",
            )?;
            let v = st
                .query_map(rusqlite::params![b as i64, key(k), limit], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>();
            v?
        }
        Key::Sentence(h) => {
            let mut st = conn.prepare_cached(
                "SELECT doc FROM sentences WHERE hash = ?1 ORDER BY doc LIMIT ?2",
            )?;
            let v = st
                .query_map(rusqlite::params![key(h), limit], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>();
            v?
        }
    };
    out.append(&mut rows);
    Ok(())
}

/// SQLite integers are signed: a u64 key is stored as the i64 of the same
/// bits.
pub(super) fn key(k: u64) -> i64 {
    k as i64
}
