//! Bad crawl input: by default `syndic dedup` stops with a message naming
//! the file and line and leaves no output; with `--skip-bad` it counts the
//! bad records in stats.json and goes on.

use crate::dedup_cli::{article, duplicates, gzip, jsonl, planted_jsonl, run_stdin, stats};
use crate::util::Fixture;

/// Runs the failing case: exit 2, `message` on stderr, no output directory.
fn fails(f: &Fixture, input: &str, extra: &[&str], message: &str) {
    let mut args = vec!["dedup", input, "-o", "out"];
    args.extend(extra);
    let run = f.run(&args);
    run.expect_code(2);
    assert!(
        run.stderr().contains(message),
        "expected {message:?} in:\n{}",
        run.stderr()
    );
    assert!(!f.path("out").exists(), "output directory left behind");
}

/// Runs with --skip-bad: exit 1, `skipped` records counted, the good
/// documents all read.
fn skips(f: &Fixture, input: &str, extra: &[&str], skipped: u64, documents: u64) {
    let mut args = vec!["dedup", input, "-o", "skip", "--skip-bad"];
    args.extend(extra);
    let run = f.run(&args);
    run.expect_code(1);
    let st = stats(&f.path("skip"));
    assert_eq!(st["skipped"]["records"], skipped, "{st}");
    assert_eq!(st["documents"], documents, "{st}");
    assert!(run.stderr().contains("skipped"), "{}", run.stderr());
    std::fs::remove_dir_all(f.path("skip")).unwrap();
}

/// The planted fixture with line `at` (1-based) replaced.
fn with_line(at: usize, line: &str) -> String {
    let mut lines: Vec<String> = planted_jsonl().lines().map(str::to_owned).collect();
    lines[at - 1] = line.to_owned();
    lines.join("\n") + "\n"
}

#[test]
fn malformed_json_line() {
    let f = Fixture::new();
    f.write(
        "bad.jsonl",
        with_line(3, r#"{"id": "b0", "text": "unterminated"#),
    );
    fails(&f, "bad.jsonl", &[], "bad.jsonl: line 3: malformed JSON");
    skips(&f, "bad.jsonl", &[], 1, 7);
}

#[test]
fn record_without_the_text_field() {
    let f = Fixture::new();
    f.write("bad.jsonl", with_line(5, r#"{"id": "a1", "body": "x"}"#));
    fails(
        &f,
        "bad.jsonl",
        &[],
        "bad.jsonl: line 5: no string field `text`",
    );
    skips(&f, "bad.jsonl", &[], 1, 7);
    // A missing id field too.
    f.write("noid.jsonl", with_line(2, r#"{"text": "no id here"}"#));
    fails(
        &f,
        "noid.jsonl",
        &["--id-field", "id"],
        "noid.jsonl: line 2: no field `id` for the id",
    );
}

#[test]
fn truncated_gzip() {
    let f = Fixture::new();
    let gz = gzip(planted_jsonl().as_bytes());
    f.write("cut.jsonl.gz", &gz[..gz.len() * 2 / 3]);
    fails(&f, "cut.jsonl.gz", &[], "cut.jsonl.gz: line ");
    let run = f.run(&["dedup", "cut.jsonl.gz", "-o", "out"]);
    assert!(
        run.stderr().contains("truncated gzip stream"),
        "{}",
        run.stderr()
    );
    // With --skip-bad the lines before the cut are kept and the rest of the
    // file counts as one skipped record.
    let run = f.run(&["dedup", "cut.jsonl.gz", "-o", "skip", "--skip-bad"]);
    run.expect_code(1);
    let st = stats(&f.path("skip"));
    assert_eq!(st["skipped"]["records"], 1);
    let docs = st["documents"].as_u64().unwrap();
    assert!((1..8).contains(&docs), "{docs}");
}

#[test]
fn unreadable_parquet() {
    let f = Fixture::new();
    f.write("broken.parquet", b"PAR1 this is not really parquet PAR1");
    f.write("good.jsonl", planted_jsonl());
    fails(
        &f,
        "broken.parquet",
        &[],
        "broken.parquet: file: unreadable Parquet file",
    );
    // Skipped as a whole; the other input is still deduplicated.
    let run = f.run(&[
        "dedup",
        "broken.parquet",
        "good.jsonl",
        "-o",
        "skip",
        "--skip-bad",
        "--id-field",
        "id",
    ]);
    run.expect_code(1);
    assert_eq!(stats(&f.path("skip"))["skipped"]["records"], 1);
    assert_eq!(duplicates(&f.path("skip")), ["a1", "b1", "a2"]);
}

#[test]
fn invalid_utf8() {
    let f = Fixture::new();
    let mut bytes = with_line(4, "").into_bytes();
    // Line 4 becomes a record with a Latin-1 byte inside its text.
    let pos = bytes.iter().position(|&b| b == b'\n').unwrap();
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let bad = b"{\"id\": \"u2\", \"text\": \"caf\xe9 au lait\"}".to_vec();
    lines[3] = &bad;
    let joined = lines.join(&b'\n');
    let _ = pos;
    bytes = joined;
    f.write("latin1.jsonl", &bytes);
    fails(
        &f,
        "latin1.jsonl",
        &[],
        "latin1.jsonl: line 4: invalid UTF-8",
    );
    skips(&f, "latin1.jsonl", &[], 1, 7);
    // A text file.
    f.write("docs/ok.txt", article(1, 50));
    f.write("docs/bad.txt", b"fine\nbroken \xff here\n");
    fails(
        &f,
        "docs",
        &["--strict-utf8"],
        "bad.txt: line 2: invalid UTF-8",
    );
    skips(&f, "docs", &["--strict-utf8"], 1, 1);
}

#[test]
fn failure_leaves_an_existing_directory_untouched() {
    let f = Fixture::new();
    f.write("out/keep.txt", "mine");
    f.write("bad.jsonl", "{not json}\n");
    let run = f.run(&["dedup", "bad.jsonl", "-o", "out"]);
    run.expect_code(2);
    let names: Vec<String> = std::fs::read_dir(f.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["keep.txt"]);
}

#[test]
fn bad_record_on_standard_input_names_stdin() {
    let f = Fixture::new();
    let input = with_line(2, "[1, 2");
    let run = run_stdin(&f, &["dedup", "-", "-o", "out"], input.as_bytes());
    run.expect_code(2);
    assert!(
        run.stderr().contains("<stdin>: line 2: malformed JSON"),
        "{}",
        run.stderr()
    );
    assert!(!f.path("out").exists());
}

#[test]
fn bad_options_and_missing_inputs() {
    let f = Fixture::new();
    f.write("a.jsonl", jsonl(&[("a", "some text here")]));
    let run = f.run(&["dedup", "missing.jsonl", "-o", "out"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("missing.jsonl: no such file"),
        "{}",
        run.stderr()
    );
    let run = f.run(&["dedup", "a.jsonl", "-o", "out", "--threshold", "1.5"]);
    run.expect_code(2);
    assert!(run.stderr().contains("threshold"), "{}", run.stderr());
    let run = f.run(&["dedup", "a.jsonl", "-o", "out", "--text-field", "a..b"]);
    run.expect_code(2);
    assert!(!f.path("out").exists());
    f.write("data.bin", "plain words, not JSON");
    let run = f.run(&["dedup", "data.bin", "-o", "out"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("data.bin: file: cannot tell the format"),
        "{}",
        run.stderr()
    );
}

#[test]
fn id_with_a_line_break() {
    let f = Fixture::new();
    f.write(
        "bad.jsonl",
        with_line(2, r#"{"id": "a\nb", "text": "some words"}"#),
    );
    fails(
        &f,
        "bad.jsonl",
        &["--id-field", "id"],
        "bad.jsonl: line 2: the id contains a line break",
    );
    skips(&f, "bad.jsonl", &["--id-field", "id"], 1, 7);
}

#[test]
fn truncated_zstd_and_warc_gzip() {
    let f = Fixture::new();
    // Enough distinct text that the compressed stream is long.
    let mut recs: Vec<(String, String)> = Vec::new();
    for i in 0..300 {
        recs.push((format!("r{i}"), article(500 + i, 120)));
    }
    let refs: Vec<(&str, &str)> = recs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let z = zstd::encode_all(jsonl(&refs).as_bytes(), 3).unwrap();
    f.write("cut.jsonl.zst", &z[..z.len() / 2]);
    fails(&f, "cut.jsonl.zst", &[], "truncated zstd stream");
    let (wet, _) = crate::dedup_cli::wet_gz(&recs);
    f.write("cut.warc.wet.gz", &wet[..wet.len() / 2]);
    let run = f.run(&["dedup", "cut.warc.wet.gz", "-o", "out"]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("cut.warc.wet.gz: record ") && err.contains("truncated gzip stream"),
        "{err}"
    );
    assert!(!f.path("out").exists());
}

#[test]
fn a_bad_warc_length_resynchronises_at_the_next_record() {
    use crate::dedup_cli::{article, warc_record};
    let f = Fixture::new();
    let good = |id: &str, seed: u64| {
        warc_record(
            "conversion",
            id,
            "http://example.com/",
            "text/plain",
            article(seed, 80).as_bytes(),
        )
    };
    let mut bad = good("<urn:bad>", 1);
    // Claim 40 bytes fewer than the block has.
    let text = String::from_utf8(bad.clone()).unwrap();
    let len: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    bad = text
        .replacen(
            &format!("Content-Length: {len}"),
            &format!("Content-Length: {}", len - 40),
            1,
        )
        .into_bytes();
    let mut file = good("<urn:one>", 2);
    file.extend(bad);
    file.extend(good("<urn:three>", 3));
    f.write("crawl.warc", &file);
    // Without --skip-bad: an error naming the record.
    let run = f.run(&["dedup", "crawl.warc", "-o", "out"]);
    run.expect_code(2);
    assert!(run.stderr().contains("record 2"), "{}", run.stderr());
    assert!(run.stderr().contains("Content-Length"), "{}", run.stderr());
    // With it: the bad record is counted, the next one is read.
    let run = f.run(&["dedup", "crawl.warc", "-o", "out", "--skip-bad"]);
    run.expect_code(1);
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("out/stats.json")).unwrap()).unwrap();
    assert_eq!(stats["documents"], 2, "{stats:#}");
    assert_eq!(stats["skipped"]["records"], 1, "{stats:#}");
    assert!(stats["skipped"]["examples"][0]
        .as_str()
        .unwrap()
        .contains("skipped"));
}
