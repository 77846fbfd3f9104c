//! JSON Lines: one object per line; the text and id are found by dotted
//! field paths without building a JSON tree (everything else is skipped by
//! `serde::de::IgnoredAny`).

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::records::{read_line, utf8, Bad, Compression, Ctx, RawKind, RecordBatch, Step};
use crate::error::Position;
use crate::error::{Error, Result};

/// A dotted field path such as `meta.url`: each part is a key of a nested
/// JSON object (or, for Parquet, a level of the column path). Keys that
/// themselves contain a dot cannot be named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    dotted: String,
    parts: Vec<String>,
}

impl FieldPath {
    /// Parses `a.b.c`; empty parts are an error.
    pub fn parse(dotted: &str) -> Result<FieldPath> {
        let parts: Vec<String> = dotted.split('.').map(str::to_owned).collect();
        if parts.iter().any(String::is_empty) {
            return Err(Error::InvalidParameter {
                name: "field",
                value: dotted.to_owned(),
                reason: "a field path is keys joined by dots, none of them empty",
            });
        }
        Ok(FieldPath {
            dotted: dotted.to_owned(),
            parts,
        })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.dotted
    }

    /// The keys.
    pub fn parts(&self) -> &[String] {
        &self.parts
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted)
    }
}

pub(crate) struct JsonlReader {
    stream: Box<dyn BufRead + Send>,
    compression: Compression,
    line: u64,
    buf: Vec<u8>,
}

impl JsonlReader {
    pub(crate) fn new(stream: Box<dyn BufRead + Send>, compression: Compression) -> JsonlReader {
        JsonlReader {
            stream,
            compression,
            line: 0,
            buf: Vec::with_capacity(64 << 10),
        }
    }

    pub(crate) fn next(
        &mut self,
        batch: &mut RecordBatch,
        ctx: &Ctx,
    ) -> std::result::Result<Step, Bad> {
        let cap = ctx.opts.max_record_bytes;
        let got = read_line(&mut self.stream, &mut self.buf, cap).map_err(|e| {
            Bad::fatal(
                ctx.name,
                Position::Line(self.line + 1),
                self.compression.describe(&e),
            )
        })?;
        let Some(got) = got else {
            return Ok(Step::End);
        };
        self.line += 1;
        let pos = Position::Line(self.line);
        if let Err(len) = got {
            return Err(Bad::record(
                ctx.name,
                pos,
                format!(
                    "line is {len} bytes long, over the limit of {cap} (raise --max-record-bytes)"
                ),
            ));
        }
        if self.line == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") {
            // A byte-order mark before the first record (Windows tools
            // write one) is not part of it.
            self.buf.drain(..3);
        }
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(Step::Nothing);
        }
        let line = utf8(&self.buf, "line").map_err(|m| Bad::record(ctx.name, pos, m))?;
        extract(line, batch, ctx).map_err(|m| Bad::record(ctx.name, pos, m))?;
        if ctx.opts.id_field.is_none() {
            use std::fmt::Write;
            write!(batch.ids, "{}:{}", ctx.name, self.line).expect("writing to memory");
        }
        if ctx.opts.keep_raw {
            batch.raw.extend_from_slice(line.as_bytes());
        }
        batch.commit(ctx.source, pos, RawKind::JsonLine, ctx.opts.keep_raw);
        Ok(Step::Record)
    }
}

/// Which wanted field a path leads to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Text,
    Id,
}

/// Paths still to follow below the current value: (slot, remaining keys).
type Wanted<'p> = [Option<(Slot, &'p [String])>; 2];

struct Out<'b> {
    batch: &'b mut RecordBatch,
    text_start: usize,
    id_start: usize,
    got_text: bool,
    got_id: bool,
}

/// Parses one JSON line, appending the text (and id, when an id field is
/// set) to the batch. Returns a message on failure.
pub(crate) fn extract(
    line: &str,
    batch: &mut RecordBatch,
    ctx: &Ctx,
) -> std::result::Result<(), String> {
    let text_path = ctx.opts.text_field.parts();
    let id_path = ctx.opts.id_field.as_ref().map(|p| p.parts());
    let wanted: Wanted = [
        Some((Slot::Text, text_path)),
        id_path.map(|p| (Slot::Id, p)),
    ];
    let mut out = Out {
        text_start: batch.text.len(),
        id_start: batch.ids.len(),
        batch,
        got_text: false,
        got_id: false,
    };
    let mut de = serde_json::Deserializer::from_str(line);
    let top = Node {
        wanted,
        out: &mut out,
    };
    let result = top.deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = result {
        return Err(json_message(&e, line));
    }
    if !out.got_text {
        return Err(format!(
            "no string field `{}` (set --text-field)",
            ctx.opts.text_field
        ));
    }
    if let Some(p) = &ctx.opts.id_field {
        if !out.got_id {
            return Err(format!("no field `{p}` for the id (set --id-field)"));
        }
    }
    Ok(())
}

/// serde_json's message without its " at line 1 column N" (the line is ours).
fn json_message(e: &serde_json::Error, line: &str) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    if let Some(at) = lone_surrogate(line) {
        return format!(
            "a string holds a lone UTF-16 surrogate escape ({}) at column {}: half of a \
             surrogate pair is not text (the producer split a character; fix or drop the \
             record, or --skip-bad)",
            &line[at..at + 6],
            at + 1
        );
    }
    match e.classify() {
        serde_json::error::Category::Data => msg.to_owned(),
        _ => format!("malformed JSON: {msg} (column {})", e.column()),
    }
}

/// Byte offset of the first `\uD800`-`\uDFFF` escape in `line` that is not
/// half of a well-formed pair (a high surrogate followed by a low one).
fn lone_surrogate(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match unit(i) {
                Some(0xD800..=0xDBFF) => {
                    if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) {
                        i += 12;
                        continue;
                    }
                    return Some(i);
                }
                Some(0xDC00..=0xDFFF) => return Some(i),
                _ => i += 2, // any other escape, `\\` included
            }
            continue;
        }
        i += 1;
    }
    None
}

struct Node<'o, 'b, 'p> {
    wanted: Wanted<'p>,
    out: &'o mut Out<'b>,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        // A path that ends here: this value is the field.
        for (slot, rest) in self.wanted.iter().flatten() {
            if rest.is_empty() {
                return d.deserialize_any(Target {
                    slot: *slot,
                    out: self.out,
                });
            }
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(hits) = map.next_key_seed(KeyMatch {
            wanted: &self.wanted,
        })? {
            if hits == [None, None] {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Node {
                    wanted: hits,
                    out: &mut *self.out,
                })?;
            }
        }
        Ok(())
    }

    // Anything else on the way to a field: the field is not there.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

/// Matches an object key against the first part of each wanted path and
/// returns the remaining paths of those that match.
struct KeyMatch<'w, 'p> {
    wanted: &'w Wanted<'p>,
}

impl<'de, 'p> DeserializeSeed<'de> for KeyMatch<'_, 'p> {
    type Value = Wanted<'p>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Wanted<'p>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'p> Visitor<'_> for KeyMatch<'_, 'p> {
    type Value = Wanted<'p>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> std::result::Result<Wanted<'p>, E> {
        let mut hits: Wanted<'p> = [None, None];
        for (hit, w) in hits.iter_mut().zip(self.wanted.iter()) {
            if let Some((slot, rest)) = w {
                if rest.first().is_some_and(|k| k == key) {
                    *hit = Some((*slot, &rest[1..]));
                }
            }
        }
        Ok(hits)
    }
}

/// Receives the value of a wanted field.
struct Target<'o, 'b> {
    slot: Slot,
    out: &'o mut Out<'b>,
}

impl Target<'_, '_> {
    fn name(&self) -> &'static str {
        match self.slot {
            Slot::Text => "text field",
            Slot::Id => "id field",
        }
    }

    fn put(self, s: &str) {
        // A repeated key: the last one wins, as in most JSON readers.
        match self.slot {
            Slot::Text => {
                self.out.batch.text.truncate(self.out.text_start);
                self.out.batch.text.push_str(s);
                self.out.got_text = true;
            }
            Slot::Id => {
                self.out.batch.ids.truncate(self.out.id_start);
                self.out.batch.ids.push_str(s);
                self.out.got_id = true;
            }
        }
    }

    fn wrong<E: de::Error>(self, found: &str) -> std::result::Result<(), E> {
        let want = match self.slot {
            Slot::Text => "a string",
            Slot::Id => "a string or a number",
        };
        Err(E::custom(format!(
            "the {} is {found}, not {want}",
            self.name()
        )))
    }
}

impl<'de> Visitor<'de> for Target<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<(), E> {
        self.put(s);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<(), E> {
        match self.slot {
            Slot::Id => {
                self.put(&v.to_string());
                Ok(())
            }
            Slot::Text => self.wrong("a number"),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<(), E> {
        match self.slot {
            Slot::Id => {
                self.put(&v.to_string());
                Ok(())
            }
            Slot::Text => self.wrong("a number"),
        }
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.wrong("a fractional number")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.wrong("a boolean")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.wrong("null")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong("an array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.wrong("an object")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::ReadOptions;

    fn run(
        line: &str,
        text: &str,
        id: Option<&str>,
    ) -> std::result::Result<(String, String), String> {
        let opts = ReadOptions {
            text_field: FieldPath::parse(text).unwrap(),
            id_field: id.map(|i| FieldPath::parse(i).unwrap()),
            ..ReadOptions::default()
        };
        let ctx = Ctx {
            name: "t.jsonl",
            source: 0,
            opts: &opts,
        };
        let mut batch = RecordBatch::new();
        extract(line, &mut batch, &ctx)?;
        Ok((batch.text.clone(), batch.ids.clone()))
    }

    #[test]
    fn finds_fields_by_dotted_path() {
        let line = r#"{"a": 1, "meta": {"url": "http://x", "n": [1, {"text": "no"}]}, "body": {"text": "hi \"there\""}, "z": null}"#;
        assert_eq!(
            run(line, "body.text", Some("meta.url")).unwrap(),
            ("hi \"there\"".into(), "http://x".into())
        );
        assert_eq!(
            run(r#"{"id": 17, "text": "x"}"#, "text", Some("id"))
                .unwrap()
                .1,
            "17"
        );
        assert_eq!(
            run(r#"{"text": "a", "text": "b"}"#, "text", None)
                .unwrap()
                .0,
            "b"
        );
    }

    #[test]
    fn reports_missing_and_wrong_fields() {
        assert_eq!(
            run(r#"{"body": "x"}"#, "text", None).unwrap_err(),
            "no string field `text` (set --text-field)"
        );
        assert_eq!(
            run(r#"{"text": 3}"#, "text", None).unwrap_err(),
            "the text field is a number, not a string"
        );
        assert_eq!(
            run(r#"{"text": "x"}"#, "text", Some("meta.id")).unwrap_err(),
            "no field `meta.id` for the id (set --id-field)"
        );
        assert!(run(r#"{"text": null}"#, "text", None)
            .unwrap_err()
            .contains("null"));
        let e = run(r#"{"text": "x""#, "text", None).unwrap_err();
        assert!(e.starts_with("malformed JSON"), "{e}");
        let e = run(r#"{"text": "x"} trailing"#, "text", None).unwrap_err();
        assert!(e.starts_with("malformed JSON"), "{e}");
        assert!(run("[1, 2]", "text", None).is_err());
        assert!(FieldPath::parse("a..b").is_err());
    }
}
