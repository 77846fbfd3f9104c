//! Byte-for-byte outputs of every subcommand on fixed inputs, kept in
//! `tests/golden/`: the safety net for changes that must not change
//! behaviour. A change that means to change an output re-blesses it with
//! `SYNDIC_BLESS=1 cargo test golden` and the diff shows what moved.

use std::path::{Path, PathBuf};

use crate::util::{run_in, Fixture};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with `tests/golden/NAME`, or writes it when blessing.
fn golden(name: &str, actual: &[u8]) {
    let path = repo().join("tests/golden").join(name);
    if std::env::var_os("SYNDIC_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with SYNDIC_BLESS=1)", path.display()));
    if expected != actual {
        let e = String::from_utf8_lossy(&expected);
        let a = String::from_utf8_lossy(actual);
        let line = e
            .lines()
            .zip(a.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(e.lines().count().min(a.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}\n--- expected ---\n{}\n--- actual ---\n{}",
            line + 1,
            e.lines().nth(line).unwrap_or("<end>"),
            a.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

fn stdout_of(dir: &Path, args: &[&str]) -> Vec<u8> {
    let run = run_in(dir, args);
    run.expect_code(0);
    run.output.stdout
}

const A: &str = "corpus/000_2418eaf12bc7a03f.txt";
const B: &str = "corpus/004_8365b9acc8308324.txt";

#[test]
fn compare_on_the_five_articles() {
    let root = repo();
    golden("compare.txt", &stdout_of(&root, &["compare"]));
    golden(
        "compare.json",
        &stdout_of(&root, &["compare", "--format", "json"]),
    );
}

#[test]
fn align_two_articles() {
    let root = repo();
    golden("align.txt", &stdout_of(&root, &["align", A, B]));
    golden(
        "align.json",
        &stdout_of(&root, &["align", A, B, "--format", "json"]),
    );
}

#[test]
fn pan_and_plagdet_on_a_small_corpus() {
    let f = Fixture::new();
    let root = repo();
    let names: Vec<String> = std::fs::read_dir(root.join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut pairs = String::new();
    for (i, p) in names.iter().enumerate() {
        let text = std::fs::read(p).unwrap();
        f.write(&format!("susp/suspicious-document{i:05}.txt"), &text);
        f.write(&format!("src/source-document{i:05}.txt"), &text);
    }
    for i in 0..names.len() {
        for j in 0..names.len() {
            if i != j {
                pairs.push_str(&format!(
                    "suspicious-document{i:05}.txt source-document{j:05}.txt\n"
                ));
            }
        }
    }
    f.write("pairs", &pairs);
    f.run(&[
        "pan", "--pairs", "pairs", "--susp", "susp", "--src", "src", "--out", "out",
    ])
    .expect_code(0);
    let mut all = Vec::new();
    let mut outs: Vec<PathBuf> = std::fs::read_dir(f.path("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    outs.sort();
    for p in &outs {
        all.extend_from_slice(p.file_name().unwrap().to_string_lossy().as_bytes());
        all.push(b'\n');
        all.extend(std::fs::read(p).unwrap());
    }
    golden("pan.xml", &all);
    // The detections scored against the truth of two pairs: one with a
    // detection (taken as its truth), one without.
    std::fs::create_dir_all(f.path("truth")).unwrap();
    let with = outs
        .iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains("<feature"))
        .expect("a pair with a detection");
    for p in [with, &outs[0]] {
        std::fs::copy(p, f.path("truth").join(p.file_name().unwrap())).unwrap();
    }
    golden(
        "plagdet.txt",
        &stdout_of(f.dir.path(), &["plagdet", "truth", "out"]),
    );
    golden(
        "plagdet.json",
        &stdout_of(
            f.dir.path(),
            &["plagdet", "truth", "out", "--format", "json"],
        ),
    );
}

#[test]
fn synth_dedup_and_eval_on_a_small_crawl() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "400", "--seed", "11"])
        .expect_code(0);
    let corpus = std::fs::read(f.path("crawl/corpus.jsonl")).unwrap();
    golden(
        "synth-truth.tsv",
        &std::fs::read(f.path("crawl/truth.tsv")).unwrap(),
    );
    let digest = xxhash_rust::xxh3::xxh3_64(&corpus);
    golden("synth-corpus.xxh3", format!("{digest:016x}\n").as_bytes());
    f.run(&[
        "dedup",
        "crawl/corpus.jsonl",
        "--id-field",
        "id",
        "-o",
        "out",
    ])
    .expect_code(0);
    golden(
        "dedup-clusters.jsonl",
        &std::fs::read(f.path("out/clusters.jsonl")).unwrap(),
    );
    golden(
        "dedup-duplicates.txt",
        &std::fs::read(f.path("out/duplicates.txt")).unwrap(),
    );
    let mut stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(f.path("out/stats.json")).unwrap()).unwrap();
    let obj = stats.as_object_mut().unwrap();
    obj.retain(|k, _| !matches!(k.as_str(), "seconds" | "peak_rss_bytes"));
    golden(
        "dedup-stats.json",
        serde_json::to_string_pretty(&stats).unwrap().as_bytes(),
    );
    let eval = ["eval", "out/clusters.jsonl", "crawl/truth.tsv"];
    golden("eval.txt", &stdout_of(f.dir.path(), &eval));
    let mut json = eval.to_vec();
    json.extend(["--format", "json"]);
    golden("eval.json", &stdout_of(f.dir.path(), &json));
}
