//! The crate's one error type.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in syndic's library.
///
/// Variants carry the path, line and values involved so that a message can
/// name exactly what was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A path given on the command line does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// A directory contained no text files.
    #[error("{path}: directory contains no text files (looked for *.txt, *.text, *.md)")]
    NoTextFiles {
        /// The directory.
        path: PathBuf,
    },
    /// A file is empty or holds only whitespace.
    #[error("{path}: file is empty (nothing to analyse)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A file is not valid UTF-8.
    #[error("{path}: line {line}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A file has bytes that are not valid in the encoding forced with
    /// `--encoding`.
    #[error(
        "{path}: line {line}: bytes not valid in {encoding} at byte offset {offset} \
         (the encoding was forced with --encoding)"
    )]
    InvalidEncoding {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// The forced encoding.
        encoding: &'static str,
    },
    /// A file looks binary (it contains NUL bytes).
    #[error("{path}: line {line}: looks like a binary file (NUL byte at offset {offset})")]
    Binary {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first NUL byte.
        line: usize,
        /// Byte offset of the first NUL byte.
        offset: usize,
    },
    /// A file has a line longer than the configured limit.
    #[error(
        "{path}: line {line} is {len} bytes long, over the limit of {limit} bytes \
         (not prose? raise --max-line-bytes to analyse it anyway)"
    )]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Length of the line in bytes.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// Two MinHash signatures built with different parameters were compared.
    #[error("incompatible signatures: {left} vs {right}")]
    IncompatibleSignatures {
        /// Parameters of the left signature.
        left: String,
        /// Parameters of the right signature.
        right: String,
    },
    /// A parameter is out of its valid range.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name, as on the command line.
        name: &'static str,
        /// The rejected value.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// A line or element of a structured input file is malformed.
    #[error("{path}: line {line}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number (0 if unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No input could be analysed at all.
    #[error("no document could be analysed")]
    NothingToAnalyse,

    // --- crawl inputs (`syndic dedup`) ---
    /// A record of a crawl input (a JSON line, a Parquet row, a WARC
    /// record) cannot be used, or the file cannot be read from there on.
    #[error("{path}: {position}: {reason}")]
    BadRecord {
        /// The file (or `<stdin>`).
        path: PathBuf,
        /// Where in the file.
        position: Position,
        /// What is wrong.
        reason: String,
    },
    /// An input as a whole is unusable (e.g. a directory without inputs).
    #[error("{path}: {reason}")]
    BadInput {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An output path cannot be used (a directory where a file is wanted,
    /// one of the inputs, a directory syndic did not make, …).
    #[error("{path}: {reason}")]
    BadOutput {
        /// The output as the user gave it.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An archive (`syndic index`) cannot be used: missing, corrupt, of
    /// another program, of other parameters, locked by another writer, or
    /// an id already archived with other content.
    #[error("{path}: {reason}")]
    Archive {
        /// The archive file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Two records have the same id.
    #[error("{at}: id {id:?} is also the id of {first}; ids must be unique (--unique-ids makes them unique with a #2, #3, ... suffix)")]
    DuplicateId {
        /// The id.
        id: String,
        /// The file of the later record.
        path: PathBuf,
        /// Where the later record is: file and position, or its number.
        at: String,
        /// Where the earlier record is, the same way.
        first: String,
    },
    /// The input changed between two passes over it.
    #[error("the input changed while it was being read (pass {pass} saw {found} documents, the first pass {expected}); inputs must not change during a run")]
    InputChanged {
        /// The pass that noticed.
        pass: usize,
        /// Documents in the first pass.
        expected: u64,
        /// Documents in this pass.
        found: u64,
    },
    /// The caller asked the run to stop (a Python caller pressed Ctrl-C);
    /// nothing was written.
    #[error("interrupted; nothing was written")]
    Interrupted,
}

impl Error {
    /// The file or directory the error is about, if it is about one.
    pub fn path(&self) -> Option<&std::path::Path> {
        use Error::*;
        match self {
            Io { path, .. }
            | NotFound { path }
            | NoTextFiles { path }
            | Empty { path }
            | InvalidUtf8 { path, .. }
            | InvalidEncoding { path, .. }
            | Binary { path, .. }
            | LineTooLong { path, .. }
            | Malformed { path, .. }
            | BadRecord { path, .. }
            | BadInput { path, .. }
            | BadOutput { path, .. }
            | DuplicateId { path, .. }
            | Archive { path, .. } => Some(path),
            IncompatibleSignatures { .. }
            | InvalidParameter { .. }
            | NothingToAnalyse
            | InputChanged { .. }
            | Interrupted => None,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a record is in its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The source as a whole (it could not be opened or read).
    File,
    /// 1-based line of a JSON Lines file (after decompression).
    Line(u64),
    /// 1-based row of a Parquet file.
    Row(u64),
    /// 1-based WARC record and the line its header starts on.
    Record {
        /// Record number.
        number: u64,
        /// 1-based line of `WARC/1.x`.
        line: u64,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::File => f.write_str("file"),
            Position::Line(l) => write!(f, "line {l}"),
            Position::Row(r) => write!(f, "row {r}"),
            Position::Record { number, line } => write!(f, "record {number} (line {line})"),
        }
    }
}
