//! Bytes to text in any encoding: byte-order marks, UTF-16 without a BOM
//! where it is unambiguous, a charset declared by HTTP or `<meta>`, UTF-8,
//! and legacy encodings guessed by `chardetng`; decoding by `encoding_rs`.
//!
//! The order of decisions, first match wins:
//! 1. `--strict-utf8`: UTF-8 or the old refusal;
//! 2. `--encoding NAME` ([`DecodeOptions::forced`]): that encoding, invalid
//!    bytes an error naming the line and byte offset;
//! 3. a byte-order mark (UTF-8, UTF-16 LE/BE): *declared*;
//! 4. NUL bytes: UTF-16 without a BOM when the zero bytes sit on one parity
//!    and the text decodes cleanly, otherwise binary and refused;
//! 5. a charset declared by the caller (a WARC record's HTTP `Content-Type`)
//!    or by a `<meta>` in the first 1024 bytes: *declared*, except that
//!    bytes which are valid UTF-8 with non-ASCII characters are UTF-8
//!    (a mislabelled page);
//! 6. valid UTF-8: *detected* (the fast path: no copy, no offset map);
//! 7. `chardetng`'s guess: *detected*; when the guess still leaves invalid
//!    bytes, [`EncodingInfo::confident`] is false and the caller warns.
//!
//! Text that was not UTF-8 on disk comes with an [`OffsetMap`] from byte
//! offsets of the decoded text to byte offsets of the file, so reports can
//! give offsets that slice the file as it is.

use std::path::Path;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{Error, Result};

use super::check::line_of;

/// How the encoding of a document was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EncodingSource {
    /// A byte-order mark, an HTTP header or a `<meta>` declared it.
    Declared,
    /// Found from the bytes (valid UTF-8, or `chardetng`'s guess).
    Detected,
    /// Given with `--encoding`.
    Forced,
}

/// The encoding a document was read as (the report's `encoding` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct EncodingInfo {
    /// The WHATWG name (`UTF-8`, `windows-1252`, `Shift_JIS`, ...).
    pub name: &'static str,
    /// Declared, detected or forced.
    pub source: EncodingSource,
    /// False when the encoding could not be decided cleanly (the guess left
    /// invalid bytes, replaced by U+FFFD); callers warn.
    #[serde(skip)]
    pub confident: bool,
}

impl EncodingInfo {
    /// UTF-8 found valid.
    pub const UTF8: EncodingInfo = EncodingInfo {
        name: "UTF-8",
        source: EncodingSource::Detected,
        confident: true,
    };

    /// True for UTF-8 however it was decided.
    pub fn is_utf8(&self) -> bool {
        self.name == "UTF-8"
    }
}

impl Default for EncodingInfo {
    fn default() -> Self {
        EncodingInfo::UTF8
    }
}

/// How to decode inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// Decode every input with this encoding (`--encoding`).
    pub forced: Option<&'static Encoding>,
    /// Refuse anything that is not UTF-8 (`--strict-utf8`).
    pub strict_utf8: bool,
}

impl DecodeOptions {
    /// Options forcing the encoding named `label` (any WHATWG label:
    /// `latin1`, `cp1252`, `sjis`, `gb18030`, `utf-16le`, ...);
    /// an unknown label is [`Error::InvalidParameter`] naming `--encoding`.
    pub fn forcing(label: &str) -> Result<DecodeOptions> {
        let enc = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Error::InvalidParameter {
                name: "--encoding",
                value: label.to_string(),
                reason: "not an encoding name (try utf-8, windows-1252, iso-8859-1, utf-16le, \
                     gb18030, shift_jis, euc-kr, big5, koi8-r)",
            }
        })?;
        Ok(DecodeOptions {
            forced: Some(enc),
            strict_utf8: false,
        })
    }
}

/// From byte offsets of a decoded text back to byte offsets of the file.
///
/// Checkpoints `(decoded, original)`; between two, offsets advance together
/// (a run of characters whose length is the same in both, such as ASCII in
/// an ASCII-compatible encoding).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffsetMap {
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    fn push(&mut self, decoded: usize, original: usize) {
        if let Some(&(d, o)) = self.points.last() {
            if o + (decoded - d) == original {
                return;
            }
        }
        self.points.push((decoded, original));
    }

    /// The file offset of decoded byte offset `decoded` (a character
    /// boundary of the decoded text, or its end).
    pub fn original(&self, decoded: usize) -> usize {
        let i = self.points.partition_point(|p| p.0 <= decoded);
        if i == 0 {
            return decoded;
        }
        let (d, o) = self.points[i - 1];
        let guess = o + (decoded - d);
        // Never past the next checkpoint's original offset: offsets stay
        // monotonic inside a character that grew in decoding.
        match self.points.get(i) {
            Some(&(_, next)) => guess.min(next),
            None => guess,
        }
    }
}

/// A decoded document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text as UTF-8.
    pub text: String,
    /// What it was read as.
    pub encoding: EncodingInfo,
    /// Decoded to file offsets; `None` when the file was UTF-8 (offsets are
    /// the same).
    pub map: Option<OffsetMap>,
}

/// Whether [`decode`] keeps an [`OffsetMap`] (documents whose spans are
/// reported) or not (dedup records, which report only ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// Keep the map.
    Keep,
    /// Skip it (faster).
    Skip,
}

/// Decodes `bytes` read from `path`; `declared` is a charset label given by
/// the container (an HTTP `Content-Type`). See the module docs for the
/// order of decisions. Binary input is [`Error::Binary`]; invalid bytes under
/// `--strict-utf8` are [`Error::InvalidUtf8`], under `--encoding`
/// [`Error::InvalidEncoding`].
pub fn decode(
    path: &Path,
    bytes: Vec<u8>,
    declared: Option<&str>,
    opts: DecodeOptions,
    mapping: Mapping,
) -> Result<Decoded> {
    let binary = |offset: usize, bytes: &[u8]| Error::Binary {
        path: path.to_path_buf(),
        line: line_of(bytes, offset),
        offset,
    };
    if opts.strict_utf8 {
        if let Some(offset) = memchr::memchr(0, &bytes) {
            return Err(binary(offset, &bytes));
        }
        return Ok(utf8_decoded(super::check::utf8_text(path, bytes)?));
    }
    if let Some(enc) = opts.forced {
        let skip = match Encoding::for_bom(&bytes) {
            Some((bom_enc, len)) if bom_enc == enc => len,
            _ => 0,
        };
        let out =
            run(enc, &bytes, skip, false, mapping).map_err(|offset| Error::InvalidEncoding {
                path: path.to_path_buf(),
                line: line_of(&bytes, offset),
                offset,
                encoding: enc.name(),
            })?;
        if let Some(nul) = out.text.find('\0') {
            let at = out.map.as_ref().map_or(nul, |m| m.original(nul));
            return Err(binary(at, &bytes));
        }
        return Ok(out.with(EncodingSource::Forced));
    }
    if let Some((enc, len)) = Encoding::for_bom(&bytes) {
        let out = run(enc, &bytes, len, true, mapping).expect("lossy never fails");
        return Ok(out.with(EncodingSource::Declared));
    }
    if let Some(nul) = memchr::memchr(0, &bytes) {
        if let Some(enc) = utf16_without_bom(&bytes) {
            if let Ok(out) = run(enc, &bytes, 0, false, mapping) {
                if !out.text.contains('\0') {
                    return Ok(out.with(EncodingSource::Detected));
                }
            }
        }
        return Err(binary(nul, &bytes));
    }
    let valid_utf8 = std::str::from_utf8(&bytes).is_ok();
    let declared = declared
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| meta_charset(&bytes));
    if let Some(enc) = declared {
        let mislabelled_utf8 = enc != UTF_8 && valid_utf8 && !bytes.is_ascii();
        if !mislabelled_utf8 && enc != UTF_8 && enc != UTF_16LE && enc != UTF_16BE {
            let out = run(enc, &bytes, 0, true, mapping).expect("lossy never fails");
            return Ok(out.with(EncodingSource::Declared));
        }
        if enc == UTF_8 && valid_utf8 {
            let mut out = utf8_decoded(String::from_utf8(bytes).expect("checked"));
            out.encoding.source = EncodingSource::Declared;
            return Ok(out);
        }
    }
    if valid_utf8 {
        return Ok(utf8_decoded(String::from_utf8(bytes).expect("checked")));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
    let out = run(enc, &bytes, 0, true, mapping).expect("lossy never fails");
    Ok(out.with(EncodingSource::Detected))
}

fn utf8_decoded(text: String) -> Decoded {
    Decoded {
        text,
        encoding: EncodingInfo::UTF8,
        map: None,
    }
}

/// The result of one decoding run: text, map, whether bytes were replaced.
struct Run {
    text: String,
    map: Option<OffsetMap>,
    enc: &'static Encoding,
    replaced: bool,
}

impl Run {
    fn with(self, source: EncodingSource) -> Decoded {
        let confident =
            !self.replaced && (source == EncodingSource::Forced || plausible(&self.text));
        Decoded {
            text: self.text,
            encoding: EncodingInfo {
                name: self.enc.name(),
                source,
                confident,
            },
            map: self.map,
        }
    }
}

/// Whether a decoded text looks like text: no control characters (what a
/// single-byte encoding makes of bytes it has no letter for), and at least
/// 90% of the non-ASCII characters letters, marks, digits or common
/// punctuation. A multi-byte text read in a single-byte encoding (the guess
/// `chardetng` falls back to when every multi-byte reading has an invalid
/// sequence) fails: its trail bytes come out as symbols such as `¹ ¼ ×`.
fn plausible(text: &str) -> bool {
    let (mut non_ascii, mut odd) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
                return false;
            }
            continue;
        }
        non_ascii += 1;
        if c.is_control() {
            return false;
        }
        let usual = c.is_alphanumeric()
            || matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
            || matches!(
                c,
                '\u{A0}' | '«' | '»' | '¿' | '¡' | '·' | '€' | '°' | '£' | '©' | '§'
            )
            || (c as u32) >= 0x0300 && !matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{FFFD}');
        odd += !usual as usize;
    }
    odd * 10 <= non_ascii
}

/// Decodes `bytes[skip..]` with `enc`. With `lossy`, invalid bytes become
/// U+FFFD; without, the first one is `Err(offset)`. With [`Mapping::Keep`]
/// the input is fed one byte at a time so that every character learns the
/// file offset it came from.
fn run(
    enc: &'static Encoding,
    bytes: &[u8],
    skip: usize,
    lossy: bool,
    mapping: Mapping,
) -> std::result::Result<Run, usize> {
    let input = &bytes[skip..];
    let ascii_same = enc.is_ascii_compatible() && enc != encoding_rs::ISO_2022_JP;
    if (enc == UTF_8 || ascii_same && input.is_ascii()) && std::str::from_utf8(input).is_ok() {
        let text = std::str::from_utf8(input).expect("checked").to_string();
        let map = (skip > 0 && mapping == Mapping::Keep).then(|| {
            let mut m = OffsetMap::default();
            m.push(0, skip);
            m
        });
        return Ok(Run {
            text,
            map,
            enc,
            replaced: false,
        });
    }
    if mapping == Mapping::Skip {
        let mut decoder = enc.new_decoder_without_bom_handling();
        let mut text = String::with_capacity(
            decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3),
        );
        if lossy {
            let (_, _, replaced) = decoder.decode_to_string(input, &mut text, true);
            return Ok(Run {
                text,
                map: None,
                enc,
                replaced,
            });
        }
        let (res, read) = decoder.decode_to_string_without_replacement(input, &mut text, true);
        return match res {
            DecoderResult::Malformed(bad, extra) => {
                Err(skip + read.saturating_sub(bad as usize + extra as usize))
            }
            _ => Ok(Run {
                text,
                map: None,
                enc,
                replaced: false,
            }),
        };
    }
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length(input.len())
        .unwrap_or(input.len() * 3)
        .max(16);
    let mut text = String::with_capacity(cap);
    let mut map = OffsetMap::default();
    map.push(0, skip);
    let mut replaced = false;
    // The first file byte not yet given to a character.
    let mut pending = skip;
    for i in 0..=input.len() {
        let last = i == input.len();
        let chunk = if last { &[][..] } else { &input[i..i + 1] };
        let before = text.len();
        let mut fed = 0;
        loop {
            if text.capacity() - text.len() < 16 {
                text.reserve(64);
            }
            if lossy {
                let (res, read, r) = decoder.decode_to_string(&chunk[fed..], &mut text, last);
                replaced |= r;
                fed += read;
                if res == encoding_rs::CoderResult::InputEmpty {
                    break;
                }
            } else {
                let (res, read) =
                    decoder.decode_to_string_without_replacement(&chunk[fed..], &mut text, last);
                match res {
                    DecoderResult::InputEmpty => break,
                    DecoderResult::OutputFull => fed += read,
                    DecoderResult::Malformed(bad, extra) => {
                        // The bad sequence ends `extra` bytes before the end
                        // of what was read and is `bad` bytes long.
                        let end = i + fed + read;
                        let at = skip + end.saturating_sub(bad as usize + extra as usize);
                        return Err(at.min(bytes.len()));
                    }
                }
            }
        }
        if text.len() > before {
            let here = skip + i;
            for (n, (d, _)) in text[before..].char_indices().enumerate() {
                map.push(before + d, if n == 0 { pending } else { here });
            }
            pending = skip + i + chunk.len();
        }
    }
    map.push(text.len(), bytes.len());
    Ok(Run {
        text,
        map: Some(map),
        enc,
        replaced,
    })
}

/// UTF-16 LE or BE when the zero bytes of the first 4 KiB sit almost all on
/// one parity (text mostly in Latin or other scripts below U+0100).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let pairs = head.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even += (p[0] == 0) as usize;
        odd += (p[1] == 0) as usize;
    }
    let clear = |many: usize, few: usize| many * 10 >= pairs * 3 && few * 50 <= many;
    if clear(odd, even) {
        Some(UTF_16LE)
    } else if clear(even, odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The charset of a `<meta charset=...>` or `<meta http-equiv content="...;
/// charset=...">` in the first 1024 bytes (the HTML prescan's window). A
/// declared UTF-16 means UTF-8 there, as in HTML.
pub(crate) fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let tag_start = from + i;
        let tag_end =
            memchr::memchr(b'>', &lower[tag_start..]).map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest
                .iter()
                .position(|&b| b != b' ')
                .map_or(&rest[rest.len()..], |p| &rest[p..]);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest: &[u8] = {
                    let s = rest.iter().position(|&b| !matches!(b, b' ' | b'"' | b'\''));
                    s.map_or(&[], |s| &rest[s..])
                };
                let end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..end]) {
                    return Some(enc.output_encoding());
                }
            }
        }
        from = tag_end.max(tag_start + 5);
    }
    None
}

/// Charset parameter of an HTTP `Content-Type` value (lower-cased or not).
pub(crate) fn content_type_charset(content_type: &str) -> Option<&str> {
    let lower = content_type.to_ascii_lowercase();
    let i = lower.find("charset=")?;
    let v = content_type[i + 8..].trim_start_matches(['"', '\'', ' ']);
    let end = v.find(['"', '\'', ';', ' ', ',']).unwrap_or(v.len());
    Some(&v[..end]).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Decoded {
        decode(
            Path::new("t"),
            bytes.to_vec(),
            None,
            DecodeOptions::default(),
            Mapping::Keep,
        )
        .unwrap()
    }

    /// Every character of the decoded text maps to a file range that
    /// decodes to it.
    fn assert_map_true(bytes: &[u8], d: &Decoded) {
        let enc = Encoding::for_label(d.encoding.name.as_bytes()).unwrap();
        let m = d.map.as_ref().unwrap();
        for (i, c) in d.text.char_indices() {
            let (s, e) = (m.original(i), m.original(i + c.len_utf8()));
            let (got, _) = enc.decode_without_bom_handling(&bytes[s..e]);
            assert_eq!(got, c.to_string(), "char {c:?} at {i} -> {s}..{e}");
        }
    }

    #[test]
    fn windows_1252_is_detected_and_mapped() {
        let bytes = b"The caf\xe9 said \x93no\x94 \x96 twice. Na\xefve r\xe9sum\xe9s are common in Paris, and the \xe9l\xe8ve agreed.";
        let d = dec(bytes);
        assert_eq!(d.encoding.name, "windows-1252");
        assert_eq!(d.encoding.source, EncodingSource::Detected);
        assert!(d.text.starts_with("The café said “no” – twice."));
        assert_map_true(bytes, &d);
    }

    #[test]
    fn boms_are_declared() {
        let mut b = vec![0xff, 0xfe];
        for u in "Hi é\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = dec(&b);
        assert_eq!(
            (d.encoding.name, d.encoding.source),
            ("UTF-16LE", EncodingSource::Declared)
        );
        assert_eq!(d.text, "Hi é\n");
        assert_map_true(&b, &d);
        assert_eq!(d.map.as_ref().unwrap().original(0), 2);
        let d = dec(b"\xef\xbb\xbfplain");
        assert_eq!((d.encoding.name, d.text.as_str()), ("UTF-8", "plain"));
        assert_eq!(d.map.unwrap().original(0), 3);
    }

    #[test]
    fn utf16_without_bom_when_clear_else_binary() {
        let b: Vec<u8> = "Plain English text, no mark."
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let d = dec(&b);
        assert_eq!(d.encoding.name, "UTF-16BE");
        assert_eq!(d.text, "Plain English text, no mark.");
        let bin = decode(
            Path::new("x.bin"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            None,
            DecodeOptions::default(),
            Mapping::Keep,
        );
        assert!(matches!(bin, Err(Error::Binary { offset: 8, .. })));
    }

    #[test]
    fn declared_charset_wins_but_not_over_valid_utf8() {
        let html = b"<html><head><meta charset=\"iso-8859-1\"></head><body>d\xe9j\xe0 vu</body>";
        let d = dec(html);
        assert_eq!(
            (d.encoding.name, d.encoding.source),
            ("windows-1252", EncodingSource::Declared)
        );
        assert!(d.text.contains("déjà vu"));
        let mislabelled =
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">déjà"
                .as_bytes();
        assert_eq!(dec(mislabelled).encoding.name, "UTF-8");
        assert_eq!(
            content_type_charset("text/html; charset=\"Shift_JIS\""),
            Some("Shift_JIS")
        );
    }

    #[test]
    fn forced_encoding_errors_name_the_offset() {
        let opts = DecodeOptions::forcing("shift_jis").unwrap();
        let e = decode(
            Path::new("f"),
            b"ok\nbad \x82".to_vec(),
            None,
            opts,
            Mapping::Keep,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidEncoding {
                    line: 2,
                    offset: 7,
                    ..
                }
            ),
            "{e}"
        );
        assert!(DecodeOptions::forcing("klingon").is_err());
        let d = decode(
            Path::new("f"),
            b"caf\xe9".to_vec(),
            None,
            DecodeOptions::forcing("latin1").unwrap(),
            Mapping::Keep,
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding.source),
            ("café", EncodingSource::Forced)
        );
    }

    #[test]
    fn legacy_cjk_is_detected() {
        let text = "中国国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长百分之五。专家认为，经济运行总体平稳。";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        let d = dec(&gb);
        assert_eq!(d.encoding.name, "GBK");
        assert_eq!(d.text, text);
        assert_map_true(&gb, &d);
        let text = "東京都は今日、新しい防災計画を発表した。計画では、地震の際の避難所を増やすことが盛り込まれている。";
        let (sj, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let d = dec(&sj);
        assert_eq!(d.encoding.name, "Shift_JIS");
        assert_eq!(d.text, text);
        assert_map_true(&sj, &d);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_without_panic_and_map_monotonically(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(d) = decode(Path::new("p"), bytes.clone(), None, DecodeOptions::default(), Mapping::Keep) {
                if let Some(m) = &d.map {
                    let mut last = 0;
                    for (i, _) in d.text.char_indices().chain([(d.text.len(), ' ')]) {
                        let o = m.original(i);
                        proptest::prop_assert!(o >= last && o <= bytes.len());
                        last = o;
                    }
                    proptest::prop_assert_eq!(m.original(d.text.len()), bytes.len());
                }
            }
        }
    }
}
