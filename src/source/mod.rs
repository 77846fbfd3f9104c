//! How documents come in: text files and directories, JSON Lines, Parquet,
//! WARC/WET and standard input.
//!
//! In: paths (or `-`) and options. Out: checked text with a name and an id,
//! either whole documents ([`InputDoc`], for `compare`, `align` and `pan`) or
//! a stream of [`RecordBatch`]es with bounded memory (for `dedup`). Every
//! byte check (valid UTF-8, no NUL, no over-long line) and every directory
//! walk is here, once; later stages receive `&str` and never see a file.
//! Decoding (`decode.rs`) turns any encoding into UTF-8 and keeps the way
//! back to the file's byte offsets ([`OffsetMap`]).

mod check;
mod decode;
mod files;
mod jsonl;
mod parquet;
mod records;
mod walk;
mod warc;

pub use check::{check_decoded, check_text, DEFAULT_MAX_LINE_BYTES};
pub use decode::{
    decode, DecodeOptions, Decoded, EncodingInfo, EncodingSource, Mapping, OffsetMap,
};
pub use files::{load_paths, read_document, InputDoc, LoadOptions, Loaded, TEXT_EXTENSIONS};
pub use jsonl::FieldPath;
pub use records::*;

pub(crate) use check::utf8_text;
