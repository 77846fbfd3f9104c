//! `syndic dedup` on a synthetic crawl of at least 150 MB and 50,000
//! documents: the read + tokenize + hash floor, signature throughput, and the
//! end-to-end run of the real binary at 1 thread (pinned to one core) and at
//! every core, with MB/s, documents/s, peak RSS and precision/recall.
//!
//! ```sh
//! cargo bench --bench dedup                      # 51,000 documents, 3 runs each
//! cargo bench --bench dedup -- --docs 100000 --runs 1
//! ```
//!
//! The crawl is made once with the library's `syndic::dedup::synth` and kept in
//! `benches/data/crawl-N/` (the same place `benches/peers/run.sh` uses).
//! Figures are medians. The benchmark fails when the clusters fall below
//! precision 0.99 or recall 0.95, when 1 and 2 threads give different
//! clusters, or when the signature pass does not sign every document, so a
//! fast wrong answer fails. Not a criterion benchmark: end to end is a
//! separate process (its own peak RSS), and each figure takes seconds.

#[path = "common/floor.rs"]
mod floor;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use syndic::dedup::synth::{Crawl, CrawlConfig};
use syndic::dedup::{DocumentSigner, SignScratch};

const PRECISION_FLOOR: f64 = 0.99;
const RECALL_FLOOR: f64 = 0.95;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Makes (once) and returns the crawl directory.
fn crawl(docs: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/data/crawl-{docs}"));
    if dir.join("truth.tsv").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).expect("create benches/data");
    eprintln!("making the crawl in {} ...", dir.display());
    let c = Crawl::new(CrawlConfig {
        docs,
        ..CrawlConfig::default()
    });
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(dir.join("corpus.jsonl")).expect("create corpus.jsonl"),
    );
    c.write_corpus(&mut w).expect("write corpus.jsonl");
    drop(w);
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(dir.join("truth.tsv.tmp")).expect("create truth.tsv"),
    );
    c.write_truth(&mut w).expect("write truth.tsv");
    drop(w);
    std::fs::rename(dir.join("truth.tsv.tmp"), dir.join("truth.tsv")).expect("rename truth.tsv");
    dir
}

struct EndToEnd {
    seconds: f64,
    peak_rss: u64,
    precision: f64,
    recall: f64,
    clusters: Vec<u8>,
}

/// Runs the real binary; `pin` pins it (reader thread included) to CPU 0.
fn end_to_end(corpus: &Path, truth: &Path, threads: usize, pin: bool) -> EndToEnd {
    let out = tempfile::tempdir().expect("temporary directory");
    let bin = env!("CARGO_BIN_EXE_syndic");
    let mut cmd = if pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "0", bin]);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("dedup")
        .arg(corpus)
        .arg("-o")
        .arg(out.path().join("o"))
        .args(["--id-field", "id", "--threads", &threads.to_string()]);
    let start = Instant::now();
    let status = cmd.status().expect("run syndic dedup");
    let seconds = start.elapsed().as_secs_f64();
    assert!(status.success(), "syndic dedup failed: {status}");
    let stats: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("o/stats.json")).expect("stats.json"),
    )
    .expect("stats.json is JSON");
    let clusters_path = out.path().join("o/clusters.jsonl");
    let eval = syndic::dedup::eval::evaluate(&clusters_path, truth, 0.8, 0.05).expect("eval");
    EndToEnd {
        seconds,
        peak_rss: stats["peak_rss_bytes"].as_u64().unwrap_or(0),
        precision: eval.precision,
        recall: eval.recall,
        clusters: std::fs::read(&clusters_path).expect("clusters.jsonl"),
    }
}

fn main() {
    let mut docs = 51_000usize;
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--docs" => docs = args.next().and_then(|v| v.parse().ok()).expect("--docs N"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            _ => {} // cargo bench passes --bench
        }
    }
    let dir = crawl(docs);
    let corpus = dir.join("corpus.jsonl");
    let truth = dir.join("truth.tsv");
    let bytes = std::fs::metadata(&corpus).expect("corpus").len();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = Command::new("taskset")
        .args(["-c", "0", "true"])
        .status()
        .is_ok_and(|s| s.success());
    eprintln!(
        "crawl: {docs} documents, {:.1} MB; {cores} cores; {} runs each; pinned: {pin}",
        bytes as f64 / 1e6,
        runs
    );
    if docs == 51_000 {
        assert!(bytes >= 150_000_000, "the crawl must be at least 150 MB");
    }

    // The floor.
    let mut floor_secs = Vec::new();
    let mut checksum = None;
    for _ in 0..runs {
        let f = floor::floor(&corpus).expect("floor");
        assert_eq!(f.documents, docs as u64);
        assert!(checksum.is_none_or(|c| c == f.checksum));
        checksum = Some(f.checksum);
        floor_secs.push(f.seconds);
    }

    // Signatures from texts in memory, one thread.
    let texts: Vec<String> = {
        let raw = std::fs::read_to_string(&corpus).expect("read corpus");
        raw.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
                v["text"].as_str().expect("text").to_owned()
            })
            .collect()
    };
    let text_bytes: usize = texts.iter().map(String::len).sum();
    let signer = DocumentSigner::new(5, 128, 42).expect("signer");
    let mut sign_secs = Vec::new();
    for _ in 0..runs {
        let mut scratch = SignScratch::default();
        let mut values = vec![0u32; 128];
        let mut signed = 0usize;
        let mut check = 0u64;
        let start = Instant::now();
        for t in &texts {
            signed += signer.sign(t, &mut scratch, &mut values) as usize;
            check = check.wrapping_add(u64::from(values[0]));
        }
        sign_secs.push(start.elapsed().as_secs_f64());
        assert_eq!(signed, texts.len(), "every document has words");
        std::hint::black_box(check);
    }
    drop(texts);

    // End to end, the real binary.
    let mut rows = Vec::new();
    let mut reference: Option<Vec<u8>> = None;
    for (threads, pinned) in [(1, pin), (cores, false)] {
        let mut results = Vec::new();
        for _ in 0..runs {
            let r = end_to_end(&corpus, &truth, threads, pinned);
            assert!(
                r.precision >= PRECISION_FLOOR && r.recall >= RECALL_FLOOR,
                "precision {} / recall {} below {PRECISION_FLOOR} / {RECALL_FLOOR}",
                r.precision,
                r.recall
            );
            match &reference {
                None => reference = Some(r.clusters.clone()),
                Some(c) => assert!(c == &r.clusters, "clusters differ between runs or threads"),
            }
            results.push(r);
        }
        let secs = median(results.iter().map(|r| r.seconds).collect());
        let rss = median(results.iter().map(|r| r.peak_rss as f64).collect());
        rows.push((
            threads,
            pinned,
            secs,
            rss,
            results[0].precision,
            results[0].recall,
        ));
    }

    let mb = bytes as f64 / 1e6;
    let floor_s = median(floor_secs);
    let sign_s = median(sign_secs);
    println!(
        "\n{docs} documents, {mb:.1} MB of JSON Lines ({:.1} MB of text); medians of {runs} runs\n",
        text_bytes as f64 / 1e6
    );
    println!("| measurement | threads | seconds | MB/s | docs/s | peak RSS | RSS/doc | precision | recall | vs floor |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| floor: read + tokenize + hash (JSONL) | 1 | {floor_s:.3} | {:.1} | {:.0} | | | | | 1.00 |",
        mb / floor_s,
        docs as f64 / floor_s
    );
    println!(
        "| signatures: words + shingles + MinHash (text in memory) | 1 | {sign_s:.3} | {:.1} | {:.0} | | | | | |",
        text_bytes as f64 / 1e6 / sign_s,
        docs as f64 / sign_s
    );
    for (threads, pinned, secs, rss, p, r) in rows {
        println!(
            "| `syndic dedup` end to end (JSONL){} | {threads} | {secs:.3} | {:.1} | {:.0} | {:.0} MB | {:.0} B | {p:.3} | {r:.3} | {:.2} |",
            if pinned { ", one core" } else { "" },
            mb / secs,
            docs as f64 / secs,
            rss / 1e6,
            rss / docs as f64,
            floor_s / secs
        );
    }
}
