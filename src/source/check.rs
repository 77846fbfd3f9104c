//! The byte checks every input goes through, once: valid UTF-8, no NUL
//! byte, no enormous line, not empty. Each failure names the file, the
//! 1-based line and the byte offset.

use std::path::Path;

use crate::error::{Error, Result};
use crate::util::LineIndex;

/// Default limit on the length of one line, in bytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// The 1-based line holding byte `offset` of `bytes`.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1
}

/// Where bytes stop being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Utf8Fault {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// Its 1-based line.
    pub line: usize,
}

/// `bytes` as UTF-8, or where the first invalid byte is.
pub(crate) fn utf8(bytes: &[u8]) -> std::result::Result<&str, Utf8Fault> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        Utf8Fault {
            offset,
            line: line_of(bytes, offset),
        }
    })
}

/// Takes `bytes` as UTF-8 text, or [`Error::InvalidUtf8`] naming `path`.
pub(crate) fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Err(f) = utf8(&bytes) {
        return Err(Error::InvalidUtf8 {
            path: path.to_path_buf(),
            line: f.line,
            offset: f.offset,
        });
    }
    Ok(String::from_utf8(bytes).expect("checked above"))
}

/// Decodes raw bytes ([`decode`](super::decode::decode)) and checks the
/// text: not only white space, no line longer than `max_line_bytes`
/// (counted in the decoded text).
pub fn check_decoded(
    path: &Path,
    bytes: Vec<u8>,
    max_line_bytes: usize,
    opts: super::decode::DecodeOptions,
) -> Result<super::decode::Decoded> {
    let d = super::decode::decode(path, bytes, None, opts, super::decode::Mapping::Keep)?;
    check_decoded_text(path, &d.text, max_line_bytes)?;
    Ok(d)
}

fn check_decoded_text(path: &Path, text: &str, max_line_bytes: usize) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let (line, len) = LineIndex::new(text).longest_line(text.len());
    if len > max_line_bytes {
        return Err(Error::LineTooLong {
            path: path.to_path_buf(),
            line,
            len,
            limit: max_line_bytes,
        });
    }
    Ok(())
}

/// Validates raw bytes as an analysable text: no NUL byte (binary), valid
/// UTF-8, not only white space, no line longer than `max_line_bytes`.
pub fn check_text(path: &Path, bytes: Vec<u8>, max_line_bytes: usize) -> Result<String> {
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            line: line_of(&bytes, offset),
            offset,
        });
    }
    let text = utf8_text(path, bytes)?;
    check_decoded_text(path, &text, max_line_bytes)?;
    Ok(text)
}
