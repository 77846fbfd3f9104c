//! Fuzzing by mutation, as a bounded proptest campaign: every target starts
//! from the seed inputs in `tests/fuzz-corpus/` and mutates them (bytes
//! flipped, inserted, deleted, runs duplicated, truncated), plus wholly
//! random input. Coverage-guided fuzzers (cargo-fuzz, libFuzzer) need a
//! nightly toolchain, which a fresh machine here does not have; see
//! `benches/fuzz.sh` for the long campaign and DESIGN.md for why.
//!
//! `cargo test` runs a few dozen cases per target (set `PROPTEST_CASES` for
//! more); a failure is shrunk and saved under `proptest-regressions/`,
//! which is kept in the repository and replayed first on every run.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

fn corpus(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// One mutation of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop::sample::select(vec![
        0u8, b'\n', b'\r', b'"', b'\\', b'{', b'}', b'<', b'>', b'.', b' ', 0xC3, 0xA9, 0xE2, 0x80,
        0xFF, 0xFE, 0xEF, 0xBB, 0xBF,
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<usize>(),
            prop::collection::vec(prop_oneof![any::<u8>(), special], 1..12)
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(mut v: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let len = v.len().max(1);
        match m {
            Mutation::Flip(i, b) => {
                if !v.is_empty() {
                    let i = i % v.len();
                    v[i] ^= b;
                }
            }
            Mutation::Insert(i, bytes) => {
                let i = i % (v.len() + 1);
                v.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = i % len;
                let end = (i + n).min(v.len());
                if i < end {
                    v.drain(i..end);
                }
            }
            Mutation::Duplicate(i, n) => {
                let i = i % len;
                let end = (i + n).min(v.len());
                if i < end {
                    let run: Vec<u8> = v[i..end].to_vec();
                    v.splice(end..end, run);
                }
            }
            Mutation::Truncate(i) => v.truncate(i % (v.len() + 1)),
        }
    }
    v
}

/// A seed input, mutated, or random bytes.
fn input(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let base = corpus(seed);
    prop_oneof![
        4 => prop::collection::vec(mutation(), 0..6).prop_map(move |ms| apply(base.clone(), &ms)),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

fn text_input() -> impl Strategy<Value = String> {
    prop_oneof![
        input("article-en.txt").prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        input("article-en-2.txt").prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "\\PC{0,400}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Sentences and words: spans in order, on char boundaries, inside the
    /// text; every word inside its sentence.
    #[test]
    fn text_spans_always_slice_the_source(text in text_input()) {
        let a = syndic::text::Analyzed::new(&text);
        let mut last = 0;
        for s in &a.sentences {
            prop_assert!(s.span.start >= last && s.span.start < s.span.end && s.span.end <= text.len());
            prop_assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
            for t in s.tokens.clone() {
                let w = a.tokens.span(t);
                prop_assert!(w.start >= s.span.start && w.end <= s.span.end, "word {w:?} outside {:?}", s.span);
            }
            last = s.span.end;
        }
        for w in a.tokens.spans() {
            prop_assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end) && w.start < w.end);
        }
    }

    /// The aligner on arbitrary pairs: every passage's spans slice both
    /// texts, and its text is those bytes.
    #[test]
    fn aligned_passages_slice_both_documents(a in text_input(), b in text_input()) {
        let aligner = syndic::align::Aligner::new(syndic::align::AlignConfig::default()).unwrap();
        let da = syndic::source::InputDoc::new("a", "a.txt", a.clone());
        let db = syndic::source::InputDoc::new("b", "b.txt", b.clone());
        let al = aligner.align_documents(&da, &db);
        for p in &al.passages {
            prop_assert_eq!(&a[p.a.start..p.a.end], p.a.text.as_str());
            prop_assert_eq!(&b[p.b.start..p.b.end], p.b.text.as_str());
            prop_assert!(p.a.char_start <= p.a.char_end && p.b.char_start <= p.b.char_end);
        }
        prop_assert!(al.a.reused_fraction <= 1.0 && al.b.reused_fraction <= 1.0);
    }

    /// JSON Lines and WARC readers on mutated files: records or errors that
    /// name the file, never a panic; with --skip-bad, reading goes on.
    #[test]
    fn crawl_readers_never_panic(
        jsonl in input("records.jsonl"),
        warc in input("crawl.warc"),
        skip in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("f.jsonl", &jsonl), ("f.warc", &warc)] {
            let path: PathBuf = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let sources = syndic::source::expand_inputs(std::slice::from_ref(&path), None).unwrap();
            let opts = syndic::source::ReadOptions {
                skip_bad: skip,
                id_field: None,
                ..syndic::source::ReadOptions::default()
            };
            let mut reader = syndic::source::Reader::new(sources, opts);
            let mut batch = syndic::source::RecordBatch::new();
            loop {
                batch.clear();
                match reader.fill(&mut batch, 16, 1 << 20) {
                    Ok(more) => {
                        for i in 0..batch.len() {
                            let _ = (batch.text(i), batch.id(i), batch.position(i));
                        }
                        if !more {
                            break;
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        prop_assert!(msg.contains(name), "{msg}");
                        break;
                    }
                }
            }
        }
    }

    /// PAN XML: annotations or an error naming file and line.
    #[test]
    fn pan_xml_reader_never_panics(xml in input("detections.xml")) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.xml");
        std::fs::write(&path, &xml).unwrap();
        match syndic::pan::read_xml(&path) {
            Ok(anns) => {
                // What was read writes back and reads again the same.
                if let Some(first) = anns.first() {
                    if anns.iter().all(|a| a.this_reference == first.this_reference) {
                        let mut out = Vec::new();
                        syndic::report::write_pan_xml(&mut out, &first.this_reference, &anns).unwrap();
                        let again = dir.path().join("again.xml");
                        std::fs::write(&again, &out).unwrap();
                        prop_assert_eq!(syndic::pan::read_xml(&again).unwrap(), anns);
                    }
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("d.xml"), "{e}"),
        }
    }
}
