//! WARC and WET records (ISO 28500; Common Crawl's `.warc.gz` and
//! `.warc.wet.gz`), parsed by hand: a header block of `Name: value` lines,
//! an empty line, `Content-Length` bytes of block, and `\r\n\r\n`.
//!
//! Documents are `conversion` records (WET text), `resource` records with a
//! `text/*` content type, and `response` records whose HTTP payload is
//! `text/html` (converted to text with `nanohtml2text`) or `text/plain`.
//! Other records (`warcinfo`, `request`, `metadata`, images, …) are read and
//! passed over.

use std::io::{BufRead, Read};

use super::decode::content_type_charset;
use super::records::{
    decode_text, read_line, utf8, Bad, Compression, Ctx, RawKind, RecordBatch, Step,
};
use crate::error::Position;

/// Longest header block accepted (WARC headers are a few hundred bytes).
const MAX_HEADER_BYTES: usize = 1 << 20;

pub(crate) struct WarcReader {
    stream: Box<dyn BufRead + Send>,
    compression: Compression,
    /// Lines consumed so far (1-based line of the next header is line + 1).
    line: u64,
    record: u64,
    buf: Vec<u8>,
    header: Vec<u8>,
    block: Vec<u8>,
    /// `buf` holds the first line of the next record, found by
    /// resynchronising after a bad Content-Length.
    pending: bool,
}

/// The header fields of a record that matter.
#[derive(Default)]
struct Header {
    content_length: Option<u64>,
    warc_type: String,
    content_type: String,
    id: Option<String>,
}

/// The header that holds the id: `--id-field`, else `WARC-Record-ID`.
fn id_field<'a>(ctx: &'a Ctx) -> &'a str {
    ctx.opts
        .id_field
        .as_ref()
        .map(|p| p.as_str())
        .unwrap_or("WARC-Record-ID")
}

impl WarcReader {
    pub(crate) fn new(stream: Box<dyn BufRead + Send>, compression: Compression) -> WarcReader {
        WarcReader {
            stream,
            compression,
            line: 0,
            record: 0,
            buf: Vec::new(),
            header: Vec::new(),
            block: Vec::new(),
            pending: false,
        }
    }

    pub(crate) fn next(
        &mut self,
        batch: &mut RecordBatch,
        ctx: &Ctx,
    ) -> std::result::Result<Step, Bad> {
        let Some(start_line) = self.record_start(ctx)? else {
            return Ok(Step::End);
        };
        self.record += 1;
        let pos = Position::Record {
            number: self.record,
            line: start_line,
        };
        let h = self.read_header(ctx, pos)?;
        self.read_block(ctx, pos, &h)?;
        let Some(text) = self.record_text(ctx, pos, &h)? else {
            return Ok(Step::Nothing);
        };
        let Some(id) = &h.id else {
            return Err(Bad::record(
                ctx.name,
                pos,
                format!("no {} header for the id", id_field(ctx)),
            ));
        };
        batch.text.push_str(&text);
        batch.ids.push_str(id);
        if ctx.opts.keep_raw {
            batch.raw.extend_from_slice(&self.header);
            batch.raw.extend_from_slice(&self.block);
            batch.raw.extend_from_slice(b"\r\n\r\n");
        }
        batch.commit(ctx.source, pos, RawKind::Warc, ctx.opts.keep_raw);
        Ok(Step::Record)
    }

    /// Skips blank lines between records; the line of the next record's
    /// first line, or `None` at the end of the input.
    fn record_start(&mut self, ctx: &Ctx) -> std::result::Result<Option<u64>, Bad> {
        if std::mem::take(&mut self.pending) {
            return Ok(Some(self.line));
        }
        loop {
            let got = read_line(&mut self.stream, &mut self.buf, MAX_HEADER_BYTES)
                .map_err(|e| self.io_bad(ctx, e))?;
            match got {
                None => return Ok(None),
                Some(Err(len)) => {
                    return Err(Bad::fatal(
                        ctx.name,
                        Position::Line(self.line + 1),
                        format!("not a WARC file: a {len}-byte line where a record should start"),
                    ))
                }
                Some(Ok(())) => {
                    self.line += 1;
                    if !self.buf.is_empty() {
                        return Ok(Some(self.line));
                    }
                }
            }
        }
    }

    /// Reads the header of the record at `pos` (its first line is in
    /// `self.buf`) into `self.header`, keeping the fields that matter.
    fn read_header(&mut self, ctx: &Ctx, pos: Position) -> std::result::Result<Header, Bad> {
        if !self.buf.starts_with(b"WARC/") {
            return Err(Bad::fatal(
                ctx.name,
                pos,
                format!(
                    "expected a WARC header (`WARC/1.0`), found {:?}",
                    String::from_utf8_lossy(&self.buf[..self.buf.len().min(40)])
                ),
            ));
        }
        self.header.clear();
        self.header.extend_from_slice(&self.buf);
        self.header.extend_from_slice(b"\r\n");
        let mut h = Header::default();
        let id_name = id_field(ctx);
        loop {
            let got = read_line(&mut self.stream, &mut self.buf, MAX_HEADER_BYTES)
                .map_err(|e| self.io_bad(ctx, e))?;
            let Some(Ok(())) = got else {
                return Err(Bad::fatal(
                    ctx.name,
                    pos,
                    "the file ends inside a WARC header (truncated?)",
                ));
            };
            self.line += 1;
            self.header.extend_from_slice(&self.buf);
            self.header.extend_from_slice(b"\r\n");
            if self.header.len() > MAX_HEADER_BYTES {
                return Err(Bad::fatal(ctx.name, pos, "WARC header over 1 MiB"));
            }
            if self.buf.is_empty() {
                break;
            }
            let line = String::from_utf8_lossy(&self.buf);
            let Some((name, value)) = line.split_once(':') else {
                continue; // a continuation or a malformed line; not needed
            };
            let (name, value) = (name.trim(), value.trim());
            if name.eq_ignore_ascii_case("Content-Length") {
                h.content_length = Some(value.parse().map_err(|_| {
                    Bad::fatal(ctx.name, pos, format!("bad Content-Length {value:?}"))
                })?);
            } else if name.eq_ignore_ascii_case("WARC-Type") {
                h.warc_type = value.to_ascii_lowercase();
            } else if name.eq_ignore_ascii_case("Content-Type") {
                h.content_type = value.to_ascii_lowercase();
            }
            if name.eq_ignore_ascii_case(id_name) {
                h.id = Some(value.to_owned());
            }
        }
        Ok(h)
    }

    /// Reads the record block of `h` into `self.block` and the empty lines
    /// after it.
    fn read_block(&mut self, ctx: &Ctx, pos: Position, h: &Header) -> std::result::Result<(), Bad> {
        let Some(len) = h.content_length else {
            return Err(Bad::fatal(
                ctx.name,
                pos,
                "WARC record without Content-Length",
            ));
        };
        if len > ctx.opts.max_record_bytes as u64 {
            return Err(Bad::fatal(
                ctx.name,
                pos,
                format!(
                    "record block of {len} bytes, over the limit of {} (raise --max-record-bytes)",
                    ctx.opts.max_record_bytes
                ),
            ));
        }
        self.block.clear();
        let got = (&mut self.stream)
            .take(len)
            .read_to_end(&mut self.block)
            .map_err(|e| self.io_bad(ctx, e))?;
        if (got as u64) < len {
            return Err(Bad::fatal(
                ctx.name,
                pos,
                format!("the file ends inside a record ({got} of {len} bytes; truncated?)"),
            ));
        }
        self.line += self.block.iter().filter(|&&b| b == b'\n').count() as u64;
        // The block is followed by CRLF CRLF; tolerate bare LFs.
        for _ in 0..2 {
            let got = read_line(&mut self.stream, &mut self.buf, MAX_HEADER_BYTES)
                .map_err(|e| self.io_bad(ctx, e))?;
            match got {
                Some(Ok(())) if self.buf.is_empty() => self.line += 1,
                None => break,
                _ => {
                    let skipped = self.resync(ctx)?;
                    return Err(Bad::record(
                        ctx.name,
                        pos,
                        format!(
                            "the record does not end after its Content-Length ({len} bytes); \
                             skipped {skipped} bytes to the next WARC header"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Skips to the next line that starts a WARC record (`WARC/1.`), leaves
    /// it for the next call and returns how many bytes were skipped (the
    /// rest of the bad line included). At the end of the input nothing is
    /// pending.
    fn resync(&mut self, ctx: &Ctx) -> std::result::Result<u64, Bad> {
        let mut skipped = self.buf.len() as u64 + 1;
        loop {
            let got = read_line(&mut self.stream, &mut self.buf, MAX_HEADER_BYTES)
                .map_err(|e| self.io_bad(ctx, e))?;
            match got {
                None => return Ok(skipped),
                Some(Ok(())) => {
                    self.line += 1;
                    if self.buf.starts_with(b"WARC/1.") {
                        self.pending = true;
                        return Ok(skipped);
                    }
                    skipped += self.buf.len() as u64 + 1;
                }
                Some(Err(len)) => {
                    self.line += 1;
                    skipped += len as u64;
                }
            }
        }
    }

    /// The text of the record just read, or `None` for a record that holds
    /// none (metadata, requests, images).
    fn record_text(
        &self,
        ctx: &Ctx,
        pos: Position,
        h: &Header,
    ) -> std::result::Result<Option<std::borrow::Cow<'_, str>>, Bad> {
        Ok(Some(match h.warc_type.as_str() {
            "conversion" => utf8(&self.block, "the record")
                .map_err(|m| Bad::record(ctx.name, pos, m))?
                .into(),
            "resource" if h.content_type.starts_with("text/") => {
                let declared = content_type_charset(&h.content_type);
                let s = decode_text(&self.block, declared, "the record", &ctx.opts.decode)
                    .map_err(|m| Bad::record(ctx.name, pos, m))?;
                if is_html(&h.content_type) {
                    nanohtml2text::html2text(&s).into()
                } else {
                    s.into_owned().into()
                }
            }
            "response" if h.content_type.starts_with("application/http") => {
                match http_payload(&self.block) {
                    Payload::Text {
                        html,
                        body,
                        charset,
                    } => {
                        let s = decode_text(
                            &body,
                            charset.as_deref(),
                            "the HTTP payload",
                            &ctx.opts.decode,
                        )
                        .map_err(|m| Bad::record(ctx.name, pos, m))?;
                        if html {
                            nanohtml2text::html2text(&s).into()
                        } else {
                            s.into_owned().into()
                        }
                    }
                    Payload::NotText => return Ok(None),
                    Payload::Malformed(m) => return Err(Bad::record(ctx.name, pos, m)),
                }
            }
            _ => return Ok(None),
        }))
    }

    fn io_bad(&self, ctx: &Ctx, e: std::io::Error) -> Bad {
        Bad::fatal(
            ctx.name,
            Position::Record {
                number: self.record + 1,
                line: self.line + 1,
            },
            self.compression.describe(&e),
        )
    }
}

fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html") || content_type.starts_with("application/xhtml")
}

enum Payload<'a> {
    Text {
        html: bool,
        body: std::borrow::Cow<'a, [u8]>,
        /// The charset of the HTTP `Content-Type`.
        charset: Option<String>,
    },
    NotText,
    Malformed(String),
}

/// Splits an HTTP response into headers and body and says whether the body
/// is text. Chunked transfer encoding is undone; a compressed
/// `Content-Encoding` makes the record not text (Common Crawl stores
/// payloads decoded and renames those headers).
fn http_payload(block: &[u8]) -> Payload<'_> {
    let Some(split) = find(block, b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(block, b"\n\n").map(|i| (i, i + 2)))
    else {
        return Payload::Malformed("HTTP response without an end of headers".into());
    };
    let head = String::from_utf8_lossy(&block[..split.0]).to_ascii_lowercase();
    let body = &block[split.1..];
    let mut content_type = "";
    let mut chunked = false;
    for line in head.lines().skip(1) {
        if let Some((name, value)) = line.split_once(':') {
            match name.trim() {
                "content-type" => content_type = value.trim(),
                "transfer-encoding" if value.contains("chunked") => chunked = true,
                "content-encoding" if !value.trim().is_empty() && value.trim() != "identity" => {
                    return Payload::NotText
                }
                _ => {}
            }
        }
    }
    let html = is_html(content_type);
    let charset = content_type_charset(content_type).map(str::to_owned);
    if !html && !content_type.starts_with("text/plain") {
        return Payload::NotText;
    }
    if chunked {
        return match dechunk(body) {
            Some(b) => Payload::Text {
                html,
                body: b.into(),
                charset,
            },
            None => Payload::Malformed("malformed chunked HTTP payload".into()),
        };
    }
    Payload::Text {
        html,
        body: body.into(),
        charset,
    }
}

/// Undoes HTTP/1.1 chunked transfer encoding (trailers ignored).
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let eol = find(b, b"\r\n")?;
        let size_field = std::str::from_utf8(&b[..eol]).ok()?;
        let size_hex = size_field.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size..)?;
        b = b.strip_prefix(b"\r\n")?;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_payload_kinds() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi</p>";
        assert!(
            matches!(http_payload(ok), Payload::Text { html: true, body, .. } if &*body == b"<p>Hi</p>")
        );
        let chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=1\r\npedia \r\n0\r\n\r\n";
        assert!(
            matches!(http_payload(chunked), Payload::Text { html: false, body, .. } if &*body == b"Wikipedia ")
        );
        let img = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert!(matches!(http_payload(img), Payload::NotText));
        let gz = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\nxx";
        assert!(matches!(http_payload(gz), Payload::NotText));
        assert!(matches!(http_payload(b"garbage"), Payload::Malformed(_)));
    }
}
