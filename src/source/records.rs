//! Streaming records from crawl inputs, for `syndic dedup`.
//!
//! A *record* is one document: a JSON Lines line, a Parquet row, a WARC
//! `conversion`/`response`/`resource` record with text, or a whole `.txt`
//! file. [`Reader`] walks a list of [`Source`]s in order and appends records
//! to a reusable [`RecordBatch`] (texts and ids in two arenas, no allocation
//! per record), so memory is bounded by the batch size, never by the total
//! size of the input.
//!
//! Formats ([`InputFormat`]) are told by extension (`.jsonl`, `.ndjson`,
//! `.json`, `.parquet`, `.warc`, `.wet`, `.txt`, `.text`, `.md`, each
//! optionally followed by `.gz`, `.zst` or `.zstd`), else by the first bytes.
//! Compression is told by magic bytes (gzip `1f 8b`, zstd `28 b5 2f fd`),
//! never by the name; gzip may have several members (as WARC files do).
//!
//! Every bad record becomes an [`Error::BadRecord`] naming the file and the
//! line (JSON Lines), row (Parquet) or record and line (WARC). With
//! [`ReadOptions::skip_bad`] it is counted in [`SkipLog`] instead and reading
//! goes on; a fault that ends a file (a truncated `.gz`, an unreadable
//! Parquet file) skips the rest of that file.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::walk::files_under;
use crate::error::{Error, Position, Result};

use super::jsonl::FieldPath;
use super::{jsonl, parquet as pq, warc};

/// Name shown for standard input in messages and default ids.
pub const STDIN_NAME: &str = "<stdin>";
/// Default limit on one record (a JSON line, a WARC record, a text file).
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;
/// How many skipped records [`SkipLog`] keeps as examples.
pub const SKIP_EXAMPLES: usize = 20;

/// The format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// Apache Parquet with a string column.
    Parquet,
    /// WARC or WET (Common Crawl's text extracts).
    Warc,
    /// A plain text file: one document.
    Text,
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InputFormat::Jsonl => "jsonl",
            InputFormat::Parquet => "parquet",
            InputFormat::Warc => "warc",
            InputFormat::Text => "text",
        })
    }
}

impl InputFormat {
    /// The format a file name implies, if any: the last extension after
    /// dropping `.gz`, `.zst` or `.zstd`.
    pub fn from_name(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let mut stem = name.as_str();
        for c in [".gz", ".zst", ".zstd"] {
            if let Some(s) = stem.strip_suffix(c) {
                stem = s;
                break;
            }
        }
        let ext = stem.rsplit_once('.')?.1;
        match ext {
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "parquet" => Some(InputFormat::Parquet),
            "warc" | "wet" => Some(InputFormat::Warc),
            "txt" | "text" | "md" => Some(InputFormat::Text),
            _ => None,
        }
    }
}

/// One input: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name used in messages and default ids: the path as given (or as
    /// found under a directory given), or [`STDIN_NAME`].
    pub name: String,
    /// The file; `None` for standard input.
    pub path: Option<PathBuf>,
    /// The format, if known before opening (by extension or override).
    pub format: Option<InputFormat>,
}

/// Expands command-line inputs into sources, in order: `-` is standard
/// input (at most once), a directory contributes every file under it whose
/// extension names a format (sorted by name, hidden entries skipped), a file
/// is taken as given. `format` overrides detection for every input.
pub fn expand_inputs(paths: &[PathBuf], format: Option<InputFormat>) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut stdin_seen = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_seen {
                return Err(Error::InvalidParameter {
                    name: "INPUT",
                    value: "-".into(),
                    reason: "standard input can be named only once",
                });
            }
            stdin_seen = true;
            out.push(Source {
                name: STDIN_NAME.into(),
                path: None,
                format,
            });
            continue;
        }
        if !path.exists() {
            return Err(Error::NotFound { path: path.clone() });
        }
        if path.is_dir() {
            let before = out.len();
            for entry in files_under(path, |p| InputFormat::from_name(p).is_some()) {
                let entry = entry?;
                let found = InputFormat::from_name(&entry).expect("kept by the walk");
                out.push(Source {
                    name: entry.display().to_string(),
                    path: Some(entry),
                    format: Some(format.unwrap_or(found)),
                });
            }
            if out.len() == before {
                return Err(Error::BadInput {
                    path: path.clone(),
                    reason: "directory contains no input files (looked for *.jsonl, *.parquet, \
                             *.warc, *.wet, *.txt, *.md, optionally .gz/.zst)"
                        .into(),
                });
            }
        } else {
            out.push(Source {
                name: path.display().to_string(),
                path: Some(path.clone()),
                format: format.or_else(|| InputFormat::from_name(path)),
            });
        }
    }
    Ok(out)
}

/// Options of a [`Reader`].
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Field (JSON path, or Parquet column path) holding the text.
    pub text_field: FieldPath,
    /// Field holding the id (for WARC: a header name). `None`: the default
    /// id (see [`Reader`]).
    pub id_field: Option<FieldPath>,
    /// Count bad records and go on instead of failing.
    pub skip_bad: bool,
    /// Keep each record's raw bytes (for `--write-deduped`).
    pub keep_raw: bool,
    /// Longest accepted record, in bytes.
    pub max_record_bytes: usize,
    /// How text files and WARC payloads are decoded (JSON Lines and
    /// Parquet text is UTF-8 by format).
    pub decode: super::decode::DecodeOptions,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            text_field: FieldPath::parse("text").expect("valid path"),
            id_field: None,
            skip_bad: false,
            keep_raw: false,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            decode: super::decode::DecodeOptions::default(),
        }
    }
}

/// How a record's raw form is written back by `--write-deduped`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// One JSON Lines line (JSON Lines and Parquet rows, and text files as
    /// `{"id": …, "text": …}`).
    JsonLine,
    /// A whole WARC record.
    Warc,
}

/// Records read so far, stored in arenas: no allocation per record.
#[derive(Debug, Default)]
pub struct RecordBatch {
    pub(super) text: String,
    text_ends: Vec<usize>,
    pub(super) ids: String,
    id_ends: Vec<usize>,
    pub(super) raw: Vec<u8>,
    raw_ends: Vec<usize>,
    raw_kinds: Vec<RawKind>,
    sources: Vec<u32>,
    positions: Vec<Position>,
    /// Input bytes consumed while this batch was filled.
    pub input_bytes: u64,
}

impl RecordBatch {
    /// An empty batch.
    pub fn new() -> RecordBatch {
        RecordBatch::default()
    }

    /// Empties the batch, keeping its memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.text_ends.clear();
        self.ids.clear();
        self.id_ends.clear();
        self.raw.clear();
        self.raw_ends.clear();
        self.raw_kinds.clear();
        self.sources.clear();
        self.positions.clear();
        self.input_bytes = 0;
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.text_ends.len()
    }

    /// True if there is no record.
    pub fn is_empty(&self) -> bool {
        self.text_ends.is_empty()
    }

    /// Total text bytes.
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    fn range(ends: &[usize], i: usize) -> std::ops::Range<usize> {
        (if i == 0 { 0 } else { ends[i - 1] })..ends[i]
    }

    /// The text of record `i`.
    pub fn text(&self, i: usize) -> &str {
        &self.text[Self::range(&self.text_ends, i)]
    }

    /// The id of record `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[Self::range(&self.id_ends, i)]
    }

    /// The raw bytes of record `i` (empty unless [`ReadOptions::keep_raw`]).
    pub fn raw(&self, i: usize) -> &[u8] {
        if self.raw_ends.is_empty() {
            return &[];
        }
        &self.raw[Self::range(&self.raw_ends, i)]
    }

    /// How record `i`'s raw bytes are written back.
    pub fn raw_kind(&self, i: usize) -> RawKind {
        self.raw_kinds[i]
    }

    /// Index (into the reader's sources) of record `i`'s source.
    pub fn source(&self, i: usize) -> usize {
        self.sources[i] as usize
    }

    /// Where record `i` is in its source.
    pub fn position(&self, i: usize) -> Position {
        self.positions[i]
    }

    /// Start of a record: remembers the arena lengths so a bad record can be
    /// rolled back.
    fn mark(&self) -> Mark {
        Mark {
            text: self.text.len(),
            ids: self.ids.len(),
            raw: self.raw.len(),
        }
    }

    fn rollback(&mut self, m: Mark) {
        self.text.truncate(m.text);
        self.ids.truncate(m.ids);
        self.raw.truncate(m.raw);
    }

    /// Removes the last record.
    fn pop(&mut self) {
        self.text_ends.pop();
        self.id_ends.pop();
        self.raw_ends.pop();
        self.raw_kinds.pop();
        self.sources.pop();
        self.positions.pop();
        let end = |v: &Vec<usize>| v.last().copied().unwrap_or(0);
        self.text.truncate(end(&self.text_ends));
        self.ids.truncate(end(&self.id_ends));
        // Without raw bytes, `raw` is empty and stays so.
        self.raw.truncate(end(&self.raw_ends));
    }

    pub(super) fn commit(
        &mut self,
        source: usize,
        position: Position,
        kind: RawKind,
        keep_raw: bool,
    ) {
        self.text_ends.push(self.text.len());
        self.id_ends.push(self.ids.len());
        if keep_raw {
            self.raw_ends.push(self.raw.len());
        }
        self.raw_kinds.push(kind);
        self.sources.push(source as u32);
        self.positions.push(position);
    }
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    text: usize,
    ids: usize,
    raw: usize,
}

/// Skipped records: how many, and the first few messages.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SkipLog {
    /// Number of records skipped (a file that could not be read, or the
    /// unread rest of a truncated file, counts once).
    pub records: u64,
    /// The first [`SKIP_EXAMPLES`] messages.
    pub examples: Vec<String>,
}

impl SkipLog {
    fn push(&mut self, e: &Error) {
        self.records += 1;
        if self.examples.len() < SKIP_EXAMPLES {
            self.examples.push(e.to_string());
        }
    }
}

/// A record problem: the error, and whether the rest of the file is lost.
pub(crate) struct Bad {
    pub error: Error,
    pub ends_file: bool,
}

impl Bad {
    pub(crate) fn record(path: &str, position: Position, reason: impl Into<String>) -> Bad {
        Bad {
            error: Error::BadRecord {
                path: PathBuf::from(path),
                position,
                reason: reason.into(),
            },
            ends_file: false,
        }
    }

    pub(crate) fn fatal(path: &str, position: Position, reason: impl Into<String>) -> Bad {
        Bad {
            ends_file: true,
            ..Bad::record(path, position, reason)
        }
    }
}

/// What a format reader did.
pub(crate) enum Step {
    /// Appended one record to the batch.
    Record,
    /// Read something that is not a document (a WARC `request`, a blank
    /// line); nothing appended.
    Nothing,
    /// The source is exhausted.
    End,
}

/// Context passed to format readers.
pub(crate) struct Ctx<'a> {
    pub name: &'a str,
    pub source: usize,
    pub opts: &'a ReadOptions,
}

enum Open {
    Jsonl(jsonl::JsonlReader),
    Parquet(Box<pq::ParquetReader>),
    Warc(warc::WarcReader),
    Text(Option<Box<dyn BufRead + Send>>),
}

/// Reads records from a list of sources, in order.
///
/// Default ids: JSON Lines `NAME:LINE`, Parquet `NAME:ROW` (both 1-based,
/// `NAME` the source name), WARC the `WARC-Record-ID` header, text files
/// their name.
pub struct Reader {
    sources: Vec<Source>,
    opts: ReadOptions,
    next: usize,
    current: Option<(usize, Open)>,
    /// Skipped records (with [`ReadOptions::skip_bad`]).
    pub skipped: SkipLog,
    consumed: Arc<AtomicU64>,
    batch_start: u64,
    stdin_tee: Option<std::fs::File>,
}

impl Reader {
    /// A reader over `sources`.
    pub fn new(sources: Vec<Source>, opts: ReadOptions) -> Reader {
        Reader {
            sources,
            opts,
            next: 0,
            current: None,
            skipped: SkipLog::default(),
            consumed: Arc::new(AtomicU64::new(0)),
            batch_start: 0,
            stdin_tee: None,
        }
    }

    /// Copies everything read from standard input to `file`, so that a later
    /// pass can read it again.
    pub fn tee_stdin(&mut self, file: std::fs::File) {
        self.stdin_tee = Some(file);
    }

    /// The sources.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// A counter of input bytes consumed (compressed bytes as stored), for
    /// progress reports; updated while reading.
    pub fn consumed(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.consumed)
    }

    /// Appends records to `batch` until it holds `max_records` records or
    /// `max_text_bytes` of text, or the input ends. Returns false once the
    /// input is exhausted (the batch may still hold records).
    pub fn fill(
        &mut self,
        batch: &mut RecordBatch,
        max_records: usize,
        max_text_bytes: usize,
    ) -> Result<bool> {
        self.batch_start = self.consumed.load(Ordering::Relaxed);
        let more = self.fill_inner(batch, max_records, max_text_bytes);
        batch.input_bytes += self.consumed.load(Ordering::Relaxed) - self.batch_start;
        more
    }

    fn fill_inner(
        &mut self,
        batch: &mut RecordBatch,
        max_records: usize,
        max_text_bytes: usize,
    ) -> Result<bool> {
        loop {
            if batch.len() >= max_records || batch.text_bytes() >= max_text_bytes {
                return Ok(true);
            }
            if self.current.is_none() {
                if self.next == self.sources.len() {
                    return Ok(false);
                }
                let i = self.next;
                self.next += 1;
                match self.open(i) {
                    Ok(open) => self.current = Some((i, open)),
                    Err(bad) => {
                        self.bad(bad)?;
                        continue;
                    }
                }
            }
            let (i, open) = self.current.as_mut().expect("a source is open");
            let ctx = Ctx {
                name: &self.sources[*i].name,
                source: *i,
                opts: &self.opts,
            };
            let mark = batch.mark();
            let step = match open {
                Open::Jsonl(r) => r.next(batch, &ctx),
                Open::Parquet(r) => r.next(batch, &ctx),
                Open::Warc(r) => r.next(batch, &ctx),
                Open::Text(r) => match r.take() {
                    Some(stream) => read_text_file(stream, batch, &ctx),
                    None => Ok(Step::End),
                },
            };
            let step = match step {
                Ok(Step::Record) if batch.id(batch.len() - 1).contains(['\n', '\r']) => {
                    let position = batch.position(batch.len() - 1);
                    batch.pop();
                    Err(Bad::record(
                        ctx.name,
                        position,
                        "the id contains a line break (duplicates.txt has one id per line)",
                    ))
                }
                other => other,
            };
            match step {
                Ok(Step::Record) | Ok(Step::Nothing) => {}
                Ok(Step::End) => {
                    self.current = None;
                }
                Err(bad) => {
                    batch.rollback(mark);
                    if bad.ends_file {
                        self.current = None;
                    }
                    self.bad(bad)?;
                }
            }
        }
    }

    fn bad(&mut self, bad: Bad) -> Result<()> {
        if self.opts.skip_bad {
            self.skipped.push(&bad.error);
            Ok(())
        } else {
            Err(bad.error)
        }
    }

    fn open(&mut self, i: usize) -> std::result::Result<Open, Bad> {
        let source = &self.sources[i];
        let name = source.name.as_str();
        let io_bad = |e: std::io::Error| Bad::fatal(name, Position::File, e.to_string());
        if source.format == Some(InputFormat::Parquet) {
            let Some(path) = &source.path else {
                return Err(Bad::fatal(
                    name,
                    Position::File,
                    "Parquet cannot be read from standard input (it needs to seek); \
                     give the file name",
                ));
            };
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let r = pq::ParquetReader::open(path, name, &self.opts)?;
            self.consumed.fetch_add(size, Ordering::Relaxed);
            return Ok(Open::Parquet(Box::new(r)));
        }
        let raw: Box<dyn Read + Send> = match &source.path {
            Some(p) => Box::new(std::fs::File::open(p).map_err(io_bad)?),
            None => {
                let stdin = std::io::stdin();
                match self.stdin_tee.take() {
                    Some(f) => Box::new(Tee {
                        inner: stdin,
                        copy: f,
                    }),
                    None => Box::new(stdin),
                }
            }
        };
        let counted = Counting {
            inner: raw,
            counter: Arc::clone(&self.consumed),
        };
        let (compression, stream) = decompress(counted).map_err(io_bad)?;
        let mut stream = stream;
        let format = match source.format {
            Some(f) => f,
            None => sniff(&mut stream, name).map_err(io_bad)?.ok_or_else(|| {
                Bad::fatal(
                    name,
                    Position::File,
                    "cannot tell the format (not JSON Lines, WARC or Parquet by \
                     extension or content); use --input-format",
                )
            })?,
        };
        Ok(match format {
            InputFormat::Jsonl => Open::Jsonl(jsonl::JsonlReader::new(stream, compression)),
            InputFormat::Warc => Open::Warc(warc::WarcReader::new(stream, compression)),
            InputFormat::Text => Open::Text(Some(stream)),
            InputFormat::Parquet => {
                if source.path.is_none() {
                    return Err(Bad::fatal(
                        name,
                        Position::File,
                        "Parquet cannot be read from standard input (it needs to seek); \
                         give the file name",
                    ));
                }
                // A file sniffed as Parquet.
                let path = source.path.as_ref().expect("checked");
                Open::Parquet(Box::new(pq::ParquetReader::open(path, name, &self.opts)?))
            }
        })
    }
}

/// Tells the format of a stream without a known extension from its first
/// bytes (after decompression): `WARC/` is WARC, `PAR1` Parquet, `{` (after
/// whitespace) JSON Lines.
fn sniff(
    stream: &mut Box<dyn BufRead + Send>,
    _name: &str,
) -> std::io::Result<Option<InputFormat>> {
    let buf = stream.fill_buf()?;
    let head = &buf[..buf.len().min(64)];
    if head.starts_with(b"WARC/") {
        return Ok(Some(InputFormat::Warc));
    }
    if head.starts_with(b"PAR1") {
        return Ok(Some(InputFormat::Parquet));
    }
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    Ok(match first {
        Some(b'{') | None => Some(InputFormat::Jsonl),
        _ => None,
    })
}

/// Compression of a stream, told by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// A message for an I/O error met while reading the (decompressed)
    /// stream.
    pub(crate) fn describe(self, e: &std::io::Error) -> String {
        match (self, e.kind()) {
            (Compression::None, _) => format!("read failed: {e}"),
            (Compression::Gzip, std::io::ErrorKind::UnexpectedEof) => {
                "truncated gzip stream (the file ends in the middle of compressed data)".into()
            }
            (Compression::Zstd, std::io::ErrorKind::UnexpectedEof) => {
                "truncated zstd stream (the file ends in the middle of compressed data)".into()
            }
            (Compression::Gzip, _) => format!("corrupt gzip stream: {e}"),
            (Compression::Zstd, _) => format!("corrupt zstd stream: {e}"),
        }
    }
}

const BUF_SIZE: usize = 256 << 10;

/// Wraps `raw` in the decoder its first bytes call for.
fn decompress(
    mut raw: impl Read + Send + 'static,
) -> std::io::Result<(Compression, Box<dyn BufRead + Send>)> {
    let mut head = Vec::with_capacity(4);
    while head.len() < 4 {
        let mut b = [0u8; 4];
        let n = raw.read(&mut b[..4 - head.len()])?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&b[..n]);
    }
    let compression = if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let joined = BufReader::with_capacity(BUF_SIZE, std::io::Cursor::new(head).chain(raw));
    let stream: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(joined),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF_SIZE,
            flate2::bufread::MultiGzDecoder::new(joined),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUF_SIZE,
            zstd::stream::read::Decoder::with_buffer(joined)?,
        )),
    };
    Ok((compression, stream))
}

/// Counts bytes read from the underlying file.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Copies what it reads to a file.
struct Tee<R> {
    inner: R,
    copy: std::fs::File,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::Write;
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

/// Reads a line (without its `\n` or `\r\n`) into `buf`, at most `cap`
/// bytes. `Ok(None)` at the end of the stream; an error message if the line
/// is longer than `cap`.
pub(crate) fn read_line(
    stream: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<Option<std::result::Result<(), usize>>> {
    buf.clear();
    let mut too_long = false;
    let mut len = 0usize;
    loop {
        let available = match stream.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if len == 0 && !too_long {
                return Ok(None);
            }
            break;
        }
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = chunk.len();
        len += n;
        if !too_long {
            if buf.len() + n > cap.saturating_add(2) {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        stream.consume(n);
        if done {
            break;
        }
    }
    if too_long {
        return Ok(Some(Err(len)));
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    Ok(Some(Ok(())))
}

/// Checks that `bytes` are UTF-8; the message names the offending offset.
pub(crate) fn utf8<'a>(bytes: &'a [u8], what: &str) -> std::result::Result<&'a str, String> {
    super::check::utf8(bytes).map_err(|f| {
        format!(
            "invalid UTF-8 in {what} at byte {} (convert the input to UTF-8, or --skip-bad)",
            f.offset
        )
    })
}

/// `bytes` as text: borrowed when they are UTF-8 (the fast path, as long
/// as nothing forces another encoding), else decoded by
/// [`decode`](super::decode::decode) with the `declared` charset; the
/// message names what was wrong.
pub(crate) fn decode_text<'a>(
    bytes: &'a [u8],
    declared: Option<&str>,
    what: &str,
    opts: &super::decode::DecodeOptions,
) -> std::result::Result<std::borrow::Cow<'a, str>, String> {
    let utf8_declared = declared.is_none_or(|d| {
        encoding_rs::Encoding::for_label(d.trim().as_bytes()) == Some(encoding_rs::UTF_8)
    });
    if opts.strict_utf8 || (opts.forced.is_none() && (utf8_declared || bytes.is_ascii())) {
        match utf8(bytes, what) {
            Ok(s) if !s.starts_with('\u{feff}') && (opts.strict_utf8 || !s.contains('\0')) => {
                return Ok(s.into())
            }
            Err(m) if opts.strict_utf8 => return Err(m),
            _ => {}
        }
    }
    let path = std::path::Path::new(what);
    let decoded = super::decode::decode(
        path,
        bytes.to_vec(),
        declared,
        *opts,
        super::decode::Mapping::Skip,
    );
    // Valid UTF-8 with a NUL byte that is not UTF-16 is taken as it is, as
    // before encodings were detected (a record is not refused for it).
    if let (Err(Error::Binary { .. }), None) = (&decoded, opts.forced) {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return Ok(s.into());
        }
    }
    decoded.map(|d| d.text.into()).map_err(|e| match e {
        Error::InvalidEncoding {
            offset, encoding, ..
        } => format!(
            "bytes not valid in {encoding} in {what} at byte {offset} (forced with --encoding)"
        ),
        Error::Binary { offset, .. } => {
            format!("{what} looks binary (NUL byte at offset {offset})")
        }
        other => other.to_string(),
    })
}

fn read_text_file(
    mut stream: Box<dyn BufRead + Send>,
    batch: &mut RecordBatch,
    ctx: &Ctx,
) -> std::result::Result<Step, Bad> {
    let mut bytes = Vec::new();
    let limit = ctx.opts.max_record_bytes as u64 + 1;
    (&mut stream)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Bad::fatal(ctx.name, Position::File, format!("read failed: {e}")))?;
    if bytes.len() as u64 >= limit {
        return Err(Bad::fatal(
            ctx.name,
            Position::File,
            format!(
                "file is longer than {} bytes (raise --max-record-bytes)",
                ctx.opts.max_record_bytes
            ),
        ));
    }
    let text: std::borrow::Cow<str> = if ctx.opts.decode.strict_utf8 {
        super::check::utf8(&bytes)
            .map_err(|f| {
                Bad::fatal(
                    ctx.name,
                    Position::Line(f.line as u64),
                    format!(
                        "invalid UTF-8 at byte {} (convert the file to UTF-8, or --skip-bad)",
                        f.offset
                    ),
                )
            })?
            .into()
    } else {
        decode_text(&bytes, None, "the file", &ctx.opts.decode)
            .map_err(|m| Bad::fatal(ctx.name, Position::File, m))?
    };
    let text = &*text;
    batch.text.push_str(text);
    batch.ids.push_str(ctx.name);
    if ctx.opts.keep_raw {
        let line = serde_json::json!({ "id": ctx.name, "text": text });
        serde_json::to_writer(&mut batch.raw, &line).expect("writing to memory");
    }
    batch.commit(
        ctx.source,
        Position::File,
        RawKind::JsonLine,
        ctx.opts.keep_raw,
    );
    Ok(Step::Record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_text_decodes_and_keeps_the_utf8_path() {
        use crate::source::DecodeOptions;
        let d = DecodeOptions::default();
        // UTF-8 is borrowed, even with a NUL byte (as before decoding).
        assert!(matches!(
            decode_text(b"plain text", None, "r", &d),
            Ok(std::borrow::Cow::Borrowed("plain text"))
        ));
        assert_eq!(decode_text(b"a\0b", None, "r", &d).unwrap(), "a\0b");
        // A declared charset and a BOM are followed.
        assert_eq!(
            decode_text(b"caf\xe9", Some("windows-1252"), "r", &d).unwrap(),
            "café"
        );
        assert_eq!(decode_text(b"\xff\xfeh\0i\0", None, "r", &d).unwrap(), "hi");
        // --strict-utf8 refuses, --encoding errors name the offset.
        let strict = DecodeOptions {
            strict_utf8: true,
            ..d
        };
        assert!(decode_text(b"caf\xe9", None, "r", &strict)
            .unwrap_err()
            .contains("invalid UTF-8 in r at byte 3"));
        let sjis = DecodeOptions::forcing("shift_jis").unwrap();
        let e = decode_text(b"ok \x82 ", None, "r", &sjis).unwrap_err();
        assert!(e.contains("not valid in Shift_JIS in r at byte 3"), "{e}");
    }

    #[test]
    fn formats_by_name() {
        let f = |s: &str| InputFormat::from_name(Path::new(s));
        assert_eq!(f("a.jsonl"), Some(InputFormat::Jsonl));
        assert_eq!(f("a.jsonl.gz"), Some(InputFormat::Jsonl));
        assert_eq!(f("a.JSONL.ZST"), Some(InputFormat::Jsonl));
        assert_eq!(f("CC-MAIN-1.warc.wet.gz"), Some(InputFormat::Warc));
        assert_eq!(f("x.warc.gz"), Some(InputFormat::Warc));
        assert_eq!(f("train-0001.parquet"), Some(InputFormat::Parquet));
        assert_eq!(f("notes.txt"), Some(InputFormat::Text));
        assert_eq!(f("data.bin"), None);
        assert_eq!(f("gz"), None);
    }

    #[test]
    fn read_line_strips_endings_and_caps_length() {
        let mut s: &[u8] = b"ab\r\ncd\nlong line here\nlast";
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while let Some(r) = read_line(&mut s, &mut buf, 8).unwrap() {
            lines.push(r.map(|_| String::from_utf8(buf.clone()).unwrap()));
        }
        assert_eq!(
            lines,
            [
                Ok("ab".to_string()),
                Ok("cd".to_string()),
                Err(15),
                Ok("last".to_string())
            ]
        );
    }
}
