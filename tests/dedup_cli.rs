//! `syndic dedup`, `synth` and `eval` end to end: every input format on small
//! fixtures made here, planted clusters, determinism across thread counts,
//! oversized buckets, surviving records.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{Fixture, Run};

/// A deterministic article of `words` words drawn from a small vocabulary.
pub fn article(seed: u64, words: usize) -> String {
    const VOCAB: &[&str] = &[
        "council",
        "budget",
        "river",
        "bridge",
        "school",
        "minister",
        "harbour",
        "storm",
        "election",
        "museum",
        "railway",
        "doctor",
        "farmers",
        "market",
        "court",
        "village",
        "festival",
        "factory",
        "airport",
        "library",
        "police",
        "weather",
        "winter",
        "summer",
        "energy",
        "prices",
        "workers",
        "teachers",
        "mayor",
        "residents",
        "plans",
        "report",
        "approved",
        "rejected",
        "announced",
        "delayed",
        "opened",
        "closed",
        "warned",
        "said",
        "the",
        "a",
        "of",
        "to",
        "and",
        "in",
        "on",
        "for",
        "with",
        "after",
        "before",
        "new",
        "old",
        "local",
        "national",
        "public",
        "private",
        "small",
        "large",
        "early",
        "late",
    ];
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::new();
    for i in 0..words {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let w = VOCAB[(x % VOCAB.len() as u64) as usize];
        if i > 0 {
            out.push(if i % 12 == 0 { '.' } else { ' ' });
            if i % 12 == 0 {
                out.push(' ');
            }
        }
        out.push_str(w);
    }
    out.push('.');
    out
}

/// `text` with the word at `at` (of its space-separated words) replaced.
pub fn edit(text: &str, at: usize, with: &str) -> String {
    let mut w: Vec<&str> = text.split(' ').collect();
    w[at] = with;
    w.join(" ")
}

pub fn jsonl(records: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (id, text) in records {
        s.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        s.push('\n');
    }
    s
}

/// The planted fixture: a0 and its two copies (one exact, one with a word
/// changed near the end), b0 with one copy, and unrelated documents.
pub fn planted() -> Vec<(String, String)> {
    let a = article(1, 150);
    let b = article(2, 150);
    vec![
        ("u1".into(), article(10, 150)),
        ("a0".into(), a.clone()),
        ("b0".into(), b.clone()),
        ("u2".into(), article(11, 150)),
        ("a1".into(), a.clone()),
        ("b1".into(), edit(&b, 140, "zeppelin")),
        ("a2".into(), edit(&a, 145, "zeppelin")),
        ("u3".into(), article(12, 150)),
    ]
}

pub fn planted_jsonl() -> String {
    let p = planted();
    let refs: Vec<(&str, &str)> = p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    jsonl(&refs)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn clusters(dir: &Path) -> Vec<Value> {
    read(&dir.join("clusters.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (id, cluster, representative) of every clusters.jsonl line.
pub fn cluster_triples(dir: &Path) -> Vec<(String, u64, String)> {
    clusters(dir)
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["cluster"].as_u64().unwrap(),
                c["representative"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn stats(dir: &Path) -> Value {
    serde_json::from_str(&read(&dir.join("stats.json"))).unwrap()
}

pub fn duplicates(dir: &Path) -> Vec<String> {
    read(&dir.join("duplicates.txt"))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

fn planted_clusters() -> Vec<(String, u64, String)> {
    vec![
        (s("a0"), 0, s("a0")),
        (s("a1"), 0, s("a0")),
        (s("a2"), 0, s("a0")),
        (s("b0"), 1, s("b0")),
        (s("b1"), 1, s("b0")),
    ]
}

pub fn run_stdin(f: &Fixture, args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_syndic"))
        .args(args)
        .current_dir(f.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run syndic");
    child.stdin.take().unwrap().write_all(input).unwrap();
    Run {
        output: child.wait_with_output().unwrap(),
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn jsonl_planted_clusters_and_outputs() {
    let f = Fixture::new();
    f.write("crawl.jsonl", planted_jsonl());
    f.run(&["dedup", "crawl.jsonl", "-o", "out", "--id-field", "id"])
        .expect_code(0);
    let out = f.path("out");
    assert_eq!(cluster_triples(&out), planted_clusters());
    // The representative is its own: similarity 1; the exact copy too.
    let c = clusters(&out);
    assert_eq!(c[0]["similarity"], 1.0);
    assert_eq!(c[1]["similarity"], 1.0);
    let sim = c[2]["similarity"].as_f64().unwrap();
    assert!(sim > 0.85 && sim < 1.0, "{sim}");
    assert_eq!(duplicates(&out), ["a1", "b1", "a2"]);
    let st = stats(&out);
    assert_eq!(st["documents"], 8);
    assert_eq!(st["clusters"], 2);
    assert_eq!(st["duplicates"], 3);
    assert_eq!(st["kept"], 5);
    assert_eq!(st["skipped"]["records"], 0);
    assert_eq!(st["parameters"]["permutations"], 128);
    assert_eq!(st["parameters"]["threshold"], 0.8);
    assert!(st["peak_rss_bytes"].as_u64().unwrap() > 0);
    assert!(st["seconds"]["total"].as_f64().is_some());
    // Nothing else left in the directory (no temporary files), and the
    // manifest that marks one complete run.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".syndic-run",
            "clusters.jsonl",
            "duplicates.txt",
            "stats.json"
        ]
    );
    assert_eq!(
        read(&out.join(".syndic-run")),
        "clusters.jsonl\nduplicates.txt\nstats.json\n"
    );
}

#[test]
fn default_ids_are_file_and_line() {
    let f = Fixture::new();
    f.write("crawl.jsonl", format!("\n{}", planted_jsonl()));
    f.run(&["dedup", "crawl.jsonl", "-o", "out"]).expect_code(0);
    // The blank first line is not a record, but it is line 1.
    assert_eq!(
        duplicates(&f.path("out")),
        ["crawl.jsonl:6", "crawl.jsonl:7", "crawl.jsonl:8"]
    );
}

#[test]
fn gzip_and_zstd_jsonl_match_plain() {
    let f = Fixture::new();
    let plain = planted_jsonl();
    f.write("c.jsonl.gz", gzip(plain.as_bytes()));
    f.write(
        "c.jsonl.zst",
        zstd::encode_all(plain.as_bytes(), 3).unwrap(),
    );
    // Compression is told by content, not by name.
    f.write("c.jsonl", gzip(plain.as_bytes()));
    for name in ["c.jsonl.gz", "c.jsonl.zst", "c.jsonl"] {
        let out = format!("out-{name}");
        f.run(&["dedup", name, "-o", &out, "--id-field", "id"])
            .expect_code(0);
        assert_eq!(cluster_triples(&f.path(&out)), planted_clusters(), "{name}");
    }
}

#[test]
fn dotted_field_paths() {
    let f = Fixture::new();
    let mut s = String::new();
    for (i, (id, text)) in planted().iter().enumerate() {
        let v = serde_json::json!({
            "n": i, "meta": {"lang": "en", "doc": {"uid": id}},
            "body": {"title": "t", "text": text}, "text": "decoy"
        });
        s.push_str(&v.to_string());
        s.push('\n');
    }
    f.write("nested.jsonl", s);
    f.run(&[
        "dedup",
        "nested.jsonl",
        "-o",
        "out",
        "--id-field",
        "meta.doc.uid",
        "--text-field",
        "body.text",
    ])
    .expect_code(0);
    assert_eq!(cluster_triples(&f.path("out")), planted_clusters());
}

fn write_parquet(path: &Path, rows: &[(String, Option<String>)], rows_per_group: usize) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = Arc::new(
        parse_message_type(
            "message doc { required binary id (UTF8); optional group meta { optional binary text (UTF8); } }",
        )
        .unwrap(),
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build(),
    );
    let file = std::fs::File::create(path).unwrap();
    let mut w = SerializedFileWriter::new(file, schema, props).unwrap();
    for group in rows.chunks(rows_per_group) {
        let mut rg = w.next_row_group().unwrap();
        let mut col_index = 0;
        while let Some(mut col) = rg.next_column().unwrap() {
            let typed = col.typed::<ByteArrayType>();
            if col_index == 0 {
                let vals: Vec<ByteArray> = group.iter().map(|r| r.0.as_str().into()).collect();
                typed.write_batch(&vals, None, None).unwrap();
            } else {
                let vals: Vec<ByteArray> = group
                    .iter()
                    .filter_map(|r| r.1.as_deref().map(ByteArray::from))
                    .collect();
                let defs: Vec<i16> = group
                    .iter()
                    .map(|r| if r.1.is_some() { 2 } else { 1 })
                    .collect();
                typed.write_batch(&vals, Some(&defs), None).unwrap();
            }
            col.close().unwrap();
            col_index += 1;
        }
        rg.close().unwrap();
    }
    w.close().unwrap();
}

#[test]
fn parquet_text_column_by_path() {
    let f = Fixture::new();
    let rows: Vec<(String, Option<String>)> =
        planted().into_iter().map(|(i, t)| (i, Some(t))).collect();
    write_parquet(&f.path("train-0000.parquet"), &rows, 3);
    f.run(&[
        "dedup",
        "train-0000.parquet",
        "-o",
        "out",
        "--id-field",
        "id",
        "--text-field",
        "meta.text",
        "--write-deduped",
    ])
    .expect_code(0);
    assert_eq!(cluster_triples(&f.path("out")), planted_clusters());
    // Surviving rows come out as JSON objects, in order.
    let kept: Vec<Value> = read(&f.path("out/deduped.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = kept.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["u1", "a0", "b0", "u2", "u3"]);
    assert_eq!(kept[1]["meta"]["text"], planted()[1].1.as_str());
    // Default ids: FILE:ROW.
    f.run(&[
        "dedup",
        "train-0000.parquet",
        "-o",
        "out2",
        "--text-field",
        "meta.text",
    ])
    .expect_code(0);
    assert_eq!(
        duplicates(&f.path("out2")),
        [
            "train-0000.parquet:5",
            "train-0000.parquet:6",
            "train-0000.parquet:7"
        ]
    );
}

/// A WARC record with CRLF line ends.
pub fn warc_record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: {id}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A WET file: a warcinfo record, then one conversion record per document,
/// each gzip member on its own (as Common Crawl writes them).
pub fn wet_gz(docs: &[(String, String)]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut records = vec![warc_record(
        "warcinfo",
        "<urn:uuid:info>",
        "",
        "application/warc-fields",
        b"software: test\r\n",
    )];
    for (id, text) in docs {
        records.push(warc_record(
            "conversion",
            &format!("<urn:uuid:{id}>"),
            &format!("http://example.com/{id}"),
            "text/plain",
            text.as_bytes(),
        ));
    }
    let mut out = Vec::new();
    for r in &records {
        out.extend(gzip(r));
    }
    (out, records)
}

#[test]
fn wet_gz_multi_member_and_surviving_records() {
    let f = Fixture::new();
    let (bytes, records) = wet_gz(&planted());
    f.write("CC-MAIN-x.warc.wet.gz", bytes);
    f.run(&[
        "dedup",
        "CC-MAIN-x.warc.wet.gz",
        "-o",
        "out",
        "--write-deduped",
    ])
    .expect_code(0);
    let out = f.path("out");
    let ids: Vec<String> = duplicates(&out);
    assert_eq!(ids, ["<urn:uuid:a1>", "<urn:uuid:b1>", "<urn:uuid:a2>"]);
    // Surviving conversion records, byte for byte (warcinfo is not a
    // document and is not copied).
    let mut expected = Vec::new();
    for (i, r) in records.iter().enumerate().skip(1) {
        if ![5, 6, 7].contains(&i) {
            expected.extend_from_slice(r);
        }
    }
    assert_eq!(std::fs::read(out.join("deduped.warc")).unwrap(), expected);
    assert!(!out.join("deduped.jsonl").exists());
    // The target URI as id.
    f.run(&[
        "dedup",
        "CC-MAIN-x.warc.wet.gz",
        "-o",
        "out2",
        "--id-field",
        "WARC-Target-URI",
    ])
    .expect_code(0);
    assert_eq!(duplicates(&f.path("out2"))[0], "http://example.com/a1");
}

#[test]
fn warc_response_records_with_html() {
    let f = Fixture::new();
    let mut bytes = Vec::new();
    for (id, text) in planted() {
        let html = format!(
            "<html><head><title>x</title><style>p {{color: red}}</style></head>\
             <body><p>{text}</p><script>var x = 1;</script></body></html>"
        );
        let http =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
        bytes.extend(warc_record(
            "request",
            &format!("<urn:uuid:req-{id}>"),
            "http://x",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        bytes.extend(warc_record(
            "response",
            &format!("<urn:uuid:{id}>"),
            "http://x",
            "application/http; msgtype=response",
            http.as_bytes(),
        ));
    }
    f.write("crawl.warc", &bytes);
    f.run(&["dedup", "crawl.warc", "-o", "out"]).expect_code(0);
    assert_eq!(
        duplicates(&f.path("out")),
        ["<urn:uuid:a1>", "<urn:uuid:b1>", "<urn:uuid:a2>"]
    );
    assert_eq!(stats(&f.path("out"))["documents"], 8);
}

#[test]
fn directory_of_text_files_and_several_inputs() {
    let f = Fixture::new();
    for (id, text) in planted() {
        f.write(&format!("docs/{id}.txt"), text);
    }
    f.write("docs/.hidden.txt", "ignored");
    f.write("docs/notes.bin", "ignored");
    f.write("more.jsonl", jsonl(&[("x", &planted()[1].1)]));
    f.run(&[
        "dedup",
        "docs",
        "more.jsonl",
        "-o",
        "out",
        "--write-deduped",
    ])
    .expect_code(0);
    let out = f.path("out");
    // Directory entries in name order: a0 a1 a2 b0 b1 u1 u2 u3, then more.
    assert_eq!(
        duplicates(&out),
        ["docs/a1.txt", "docs/a2.txt", "docs/b1.txt", "more.jsonl:1"]
    );
    let kept: Vec<Value> = read(&out.join("deduped.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(kept.len(), 5);
    assert_eq!(kept[0]["id"], "docs/a0.txt");
    assert_eq!(kept[0]["text"], planted()[1].1.as_str());
}

#[test]
fn standard_input_twice_read_through_a_copy() {
    let f = Fixture::new();
    let input = planted_jsonl();
    let run = run_stdin(
        &f,
        &[
            "dedup",
            "-",
            "-o",
            "out",
            "--id-field",
            "id",
            "--write-deduped",
            "--exact",
        ],
        input.as_bytes(),
    );
    run.expect_code(0);
    let out = f.path("out");
    assert_eq!(cluster_triples(&out), planted_clusters());
    // Surviving lines unchanged.
    let kept: Vec<&str> = input
        .lines()
        .enumerate()
        .filter(|(i, _)| ![4, 5, 6].contains(i))
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        read(&out.join("deduped.jsonl")),
        format!("{}\n", kept.join("\n"))
    );
    assert_eq!(stats(&out)["inputs"][0], "<stdin>");
    // The copy of standard input is gone (4 outputs and the manifest).
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5);
    // Gzip on standard input, told by its magic bytes.
    run_stdin(
        &f,
        &["dedup", "-", "-o", "out2", "--id-field", "id"],
        &gzip(input.as_bytes()),
    )
    .expect_code(0);
    assert_eq!(cluster_triples(&f.path("out2")), planted_clusters());
}

fn strip_measurements(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("seconds");
    v.as_object_mut().unwrap().remove("peak_rss_bytes");
    v
}

#[test]
fn same_bytes_at_one_and_two_threads() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "600", "--seed", "5"])
        .expect_code(0);
    for threads in ["1", "2"] {
        for mode in ["--signature-only", "--exact", "--skip-bad"] {
            let out = format!("out-{threads}{mode}");
            f.run(&[
                "dedup",
                "crawl/corpus.jsonl",
                "-o",
                &out,
                "--threads",
                threads,
                mode,
                "--write-deduped",
                "--batch-bytes",
                "100000",
            ])
            .expect_code(0);
        }
    }
    for mode in ["--signature-only", "--exact", "--skip-bad"] {
        let (a, b) = (
            f.path(&format!("out-1{mode}")),
            f.path(&format!("out-2{mode}")),
        );
        for file in ["clusters.jsonl", "duplicates.txt", "deduped.jsonl"] {
            assert!(
                std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
                "{file} differs between 1 and 2 threads ({mode})"
            );
        }
        assert_eq!(strip_measurements(stats(&a)), strip_measurements(stats(&b)));
        assert!(stats(&a)["clusters"].as_u64().unwrap() > 10);
    }
    // synth itself is deterministic across thread counts.
    f.run(&[
        "synth",
        "-o",
        "crawl1",
        "--docs",
        "600",
        "--seed",
        "5",
        "--threads",
        "1",
    ])
    .expect_code(0);
    for file in ["corpus.jsonl", "truth.tsv"] {
        assert!(
            std::fs::read(f.path("crawl").join(file)).unwrap()
                == std::fs::read(f.path("crawl1").join(file)).unwrap(),
            "synth {file} differs"
        );
    }
}

#[test]
fn oversized_bucket_is_capped_and_still_one_cluster() {
    let f = Fixture::new();
    let boiler = article(99, 80);
    let mut recs: Vec<(String, String)> = Vec::new();
    for i in 0..400 {
        recs.push((format!("p{i}"), boiler.clone()));
        if i % 50 == 0 {
            recs.push((format!("u{i}"), article(1000 + i, 120)));
        }
    }
    let refs: Vec<(&str, &str)> = recs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    f.write("boiler.jsonl", jsonl(&refs));
    f.run(&[
        "dedup",
        "boiler.jsonl",
        "-o",
        "out",
        "--id-field",
        "id",
        "--bucket-cap",
        "16",
    ])
    .expect_code(0);
    let out = f.path("out");
    let st = stats(&out);
    assert_eq!(st["clusters"], 1);
    assert_eq!(st["clustered_documents"], 400);
    assert!(st["work"]["oversized_buckets"].as_u64().unwrap() >= 1);
    // Linear work: at most 8 pairs per member in a capped bucket (and once
    // joined, pairs are not looked at again), far from 400·399/2 per band.
    let pairs = st["work"]["candidate_pairs"].as_u64().unwrap();
    assert!(pairs <= 400 * 8, "{pairs} candidate pairs");
    assert_eq!(duplicates(&out).len(), 399);
    assert_eq!(duplicates(&out)[0], "p1");
}

#[test]
fn exact_with_a_tiny_memory_budget_takes_more_passes_and_agrees() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "500", "--seed", "9"])
        .expect_code(0);
    let base = ["dedup", "crawl/corpus.jsonl", "--id-field", "id", "--exact"];
    let mut a = base.to_vec();
    a.extend(["-o", "big"]);
    f.run(&a).expect_code(0);
    let mut b = base.to_vec();
    b.extend([
        "-o",
        "small",
        "--exact-memory",
        "1",
        "--batch-bytes",
        "50000",
    ]);
    f.run(&b).expect_code(0);
    assert_eq!(
        read(&f.path("big/clusters.jsonl")),
        read(&f.path("small/clusters.jsonl"))
    );
    let passes = |d: &str| stats(&f.path(d))["work"]["passes"].as_u64().unwrap();
    // Reading, then exact checks (edges; pairs inside clusters).
    assert!((2..=4).contains(&passes("big")), "{}", passes("big"));
    assert!(passes("small") > passes("big") + 5, "{}", passes("small"));
    assert_eq!(
        stats(&f.path("big"))["similarity"],
        "exact jaccard of word shingle sets"
    );
}

#[test]
fn synth_dedup_eval_end_to_end() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "3000", "--seed", "3"])
        .expect_code(0);
    let truth = read(&f.path("crawl/truth.tsv"));
    assert!(truth.starts_with("id_a\tid_b\tjaccard\n"));
    assert!(truth.lines().count() > 1000);
    f.run(&[
        "dedup",
        "crawl/corpus.jsonl",
        "-o",
        "out",
        "--id-field",
        "id",
    ])
    .expect_code(0);
    let run = f.run(&[
        "eval",
        "out/clusters.jsonl",
        "crawl/truth.tsv",
        "--format",
        "json",
    ]);
    run.expect_code(0);
    let e = run.json();
    let (p, r) = (
        e["precision"].as_f64().unwrap(),
        e["recall"].as_f64().unwrap(),
    );
    assert!(e["truth_pairs"].as_u64().unwrap() > 200, "{e}");
    assert!(p >= 0.98, "precision {p}: {e}");
    assert!(r >= 0.95, "recall {r}: {e}");
    // The text form says the same.
    let text = f
        .run(&["eval", "out/clusters.jsonl", "crawl/truth.tsv"])
        .stdout();
    assert!(text.starts_with(&format!("precision {p:.4}")), "{text}");
}

#[test]
fn eval_counts_pairs() {
    let f = Fixture::new();
    f.write(
        "clusters.jsonl",
        r#"{"id":"a","cluster":0,"representative":"a","similarity":1.0}
{"id":"b","cluster":0,"representative":"a","similarity":0.9}
{"id":"c","cluster":0,"representative":"a","similarity":0.8}
{"id":"d","cluster":1,"representative":"d","similarity":1.0}
{"id":"e","cluster":1,"representative":"d","similarity":0.9}
"#,
    );
    // Predicted: ab ac bc de (4). Right (J >= 0.75): ab, ac; bc absent
    // (unrelated); de at 0.7 is wrong. Truth >= 0.85: ab, fg -> 1 of 2.
    f.write(
        "truth.tsv",
        "id_a\tid_b\tjaccard\na\tb\t0.9\na\tc\t0.76\nd\te\t0.7\nf\tg\t0.95\n",
    );
    let run = f.run(&["eval", "clusters.jsonl", "truth.tsv", "--format", "json"]);
    run.expect_code(0);
    let e = run.json();
    assert_eq!(e["predicted_pairs"], 4);
    assert_eq!(e["right_pairs"], 2);
    assert_eq!(e["precision"], 0.5);
    assert_eq!(e["truth_pairs"], 2);
    assert_eq!(e["found_pairs"], 1);
    assert_eq!(e["recall"], 0.5);
    f.write("bad.tsv", "a\tb\n");
    let run = f.run(&["eval", "clusters.jsonl", "bad.tsv"]);
    run.expect_code(2);
    assert!(run.stderr().contains("bad.tsv: line 1"), "{}", run.stderr());
}
