//! What syndic writes can never destroy what it did not create, a run
//! leaves one complete output or none, signals clean up, resources are
//! bounded. Each test runs the real binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::dedup_cli::article;
use crate::util::Fixture;

const SHARED: &str = "The harbour bridge will close for repairs from Monday until the end of the summer, the council said.";

fn two_articles(f: &Fixture) {
    f.write("a.txt", format!("Bridge news\n\n{SHARED} It rained.\n"));
    f.write(
        "b.txt",
        format!("Local\n\nResidents were told so. {SHARED}\n"),
    );
}

fn mknod(path: &Path, major: u32, minor: u32) -> bool {
    Command::new("mknod")
        .arg(path)
        .args(["c", &major.to_string(), &minor.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

#[test]
fn output_onto_a_character_device_writes_through_and_keeps_the_device() {
    let f = Fixture::new();
    two_articles(&f);
    let null = f.path("null");
    if !mknod(&null, 1, 3) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    f.run(&["compare", "a.txt", "b.txt", "-o", "null"])
        .expect_code(0);
    assert!(is_char_device(&null), "the device was replaced");
}

#[test]
fn output_onto_a_full_device_is_an_error_naming_it() {
    let f = Fixture::new();
    two_articles(&f);
    let full = f.path("full");
    if !mknod(&full, 1, 7) {
        eprintln!("skipped: mknod needs root");
        return;
    }
    let run = f.run(&["compare", "a.txt", "b.txt", "-o", "full"]);
    run.expect_code(2);
    assert!(run.stderr().contains("full"), "{}", run.stderr());
    assert!(is_char_device(&full));
}

#[test]
fn output_onto_a_symlink_writes_its_target_and_keeps_the_link() {
    let f = Fixture::new();
    two_articles(&f);
    std::fs::create_dir(f.path("reports")).unwrap();
    f.write("reports/real.json", "old");
    std::os::unix::fs::symlink("reports/real.json", f.path("link.json")).unwrap();
    f.run(&[
        "compare",
        "a.txt",
        "b.txt",
        "--format",
        "json",
        "-o",
        "link.json",
    ])
    .expect_code(0);
    let meta = std::fs::symlink_metadata(f.path("link.json")).unwrap();
    assert!(meta.file_type().is_symlink());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("reports/real.json")).unwrap())
            .unwrap();
    assert_eq!(v["shared"][0]["kind"], "verbatim");
    let left: Vec<_> = std::fs::read_dir(f.path("reports")).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file beside the real target");
}

#[test]
fn output_equal_to_an_input_is_refused_and_the_input_kept() {
    let f = Fixture::new();
    two_articles(&f);
    let before = std::fs::read(f.path("b.txt")).unwrap();
    let run = f.run(&["compare", "a.txt", "b.txt", "-o", "b.txt"]);
    run.expect_code(2);
    assert!(run.stderr().contains("b.txt"), "{}", run.stderr());
    assert_eq!(std::fs::read(f.path("b.txt")).unwrap(), before);
    // Also through a link, and for align.
    std::os::unix::fs::symlink("a.txt", f.path("alias.txt")).unwrap();
    f.run(&["align", "a.txt", "b.txt", "-o", "alias.txt"])
        .expect_code(2);
    assert!(std::fs::read_to_string(f.path("a.txt"))
        .unwrap()
        .starts_with("Bridge news"));
}

#[test]
fn output_onto_a_directory_is_refused() {
    let f = Fixture::new();
    two_articles(&f);
    std::fs::create_dir(f.path("d")).unwrap();
    let run = f.run(&["compare", "a.txt", "b.txt", "-o", "d"]);
    run.expect_code(2);
    assert!(run.stderr().contains("directory"), "{}", run.stderr());
}

#[test]
fn a_closed_standard_output_is_an_error() {
    let f = Fixture::new();
    two_articles(&f);
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' compare a.txt b.txt >&-",
            env!("CARGO_BIN_EXE_syndic")
        ))
        .current_dir(f.dir.path())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

fn crawl(f: &Fixture, docs: usize) {
    let mut s = String::new();
    for i in 0..docs {
        let text = article(i as u64 / 2, 200);
        s.push_str(&serde_json::json!({"id": format!("d{i}"), "text": text}).to_string());
        s.push('\n');
    }
    f.write("crawl.jsonl", s);
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_second_dedup_run_replaces_the_first_as_a_whole() {
    let f = Fixture::new();
    crawl(&f, 40);
    let args = ["dedup", "crawl.jsonl", "--id-field", "id", "-o", "out"];
    let mut first = args.to_vec();
    first.push("--write-deduped");
    f.run(&first).expect_code(0);
    assert!(f.path("out/deduped.jsonl").exists());
    f.run(&args).expect_code(0);
    assert_eq!(
        names(&f.path("out")),
        [
            ".syndic-run",
            "clusters.jsonl",
            "duplicates.txt",
            "stats.json"
        ],
        "the first run's deduped.jsonl must not sit beside the second run's files"
    );
    // Nothing beside the output either.
    assert_eq!(names(f.dir.path()), ["crawl.jsonl", "out"]);
}

#[test]
fn dedup_into_a_directory_syndic_did_not_make_is_refused_untouched() {
    let f = Fixture::new();
    crawl(&f, 10);
    f.write("mine/notes.txt", "keep me");
    let run = f.run(&["dedup", "crawl.jsonl", "--id-field", "id", "-o", "mine"]);
    run.expect_code(2);
    assert!(run.stderr().contains("did not make"), "{}", run.stderr());
    assert_eq!(names(&f.path("mine")), ["notes.txt"]);
}

#[test]
fn dedup_output_inside_an_input_directory_is_refused() {
    let f = Fixture::new();
    crawl(&f, 10);
    std::fs::create_dir(f.path("in")).unwrap();
    std::fs::rename(f.path("crawl.jsonl"), f.path("in/crawl.jsonl")).unwrap();
    for out in ["in", "in/out"] {
        let run = f.run(&["dedup", "in", "--id-field", "id", "-o", out]);
        run.expect_code(2);
        assert!(run.stderr().contains("inside"), "{}", run.stderr());
    }
    assert_eq!(names(&f.path("in")), ["crawl.jsonl"]);
}

/// Starts `syndic dedup - -o out` reading standard input, feeds it part of
/// a crawl and waits until the run has made its staging directory; the
/// returned child is blocked reading the rest.
fn running_dedup(f: &Fixture) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_syndic"))
        .args(["dedup", "-", "--id-field", "id", "-o", "out"])
        .current_dir(f.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..50 {
        let line = serde_json::json!({"id": format!("d{i}"), "text": article(i, 100)});
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    let start = Instant::now();
    while !names(f.dir.path()).iter().any(|n| n.ends_with(".dir")) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no staging directory"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Keep standard input open: the run waits for more.
    std::mem::forget(stdin);
    child
}

#[test]
fn sigterm_removes_the_runs_temporary_files_and_exits_143() {
    let f = Fixture::new();
    let child = running_dedup(&f);
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("SIGTERM"));
    assert!(names(f.dir.path()).is_empty(), "{:?}", names(f.dir.path()));
}

#[test]
fn kill_9_leaves_nothing_that_looks_complete_and_the_next_run_cleans_up() {
    let f = Fixture::new();
    // A complete first run.
    crawl(&f, 20);
    f.run(&["dedup", "crawl.jsonl", "--id-field", "id", "-o", "out"])
        .expect_code(0);
    let first = std::fs::read(f.path("out/clusters.jsonl")).unwrap();
    let mut child = running_dedup(&f);
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    // The previous run is intact; the killed one left only its staging
    // directory, which no reader takes for a run.
    assert_eq!(std::fs::read(f.path("out/clusters.jsonl")).unwrap(), first);
    let left: Vec<String> = names(f.dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".dir"))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".syndic.out."));
    // The next run recognises it, removes it and says so.
    let run = f.run(&["dedup", "crawl.jsonl", "--id-field", "id", "-o", "out"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("left by an interrupted run"),
        "{}",
        run.stderr()
    );
    assert_eq!(names(f.dir.path()), ["crawl.jsonl", "out"]);
}

#[test]
fn absurd_thread_counts_are_capped_with_a_warning() {
    let f = Fixture::new();
    two_articles(&f);
    let start = Instant::now();
    let run = f.run(&["compare", "a.txt", "b.txt", "--threads", "100000"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("--threads 100000"),
        "{}",
        run.stderr()
    );
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn templated_furniture_is_boilerplate_and_families_cost_linear_pairs() {
    let f = Fixture::new();
    let outlets = [
        "Corane Journal",
        "Veloch News",
        "Deanan Post",
        "Rilinesu Times",
        "Mora Herald",
        "Elre Daily",
        "Chmora Courier",
        "Tavin Gazette",
        "Sulo Star",
        "Brena Tribune",
        "Quill Observer",
        "Nadir Ledger",
    ];
    let wire = "The regional water authority approved a new reservoir north of the valley after a decade of drought warnings.";
    for i in 0..120 {
        let outlet = outlets[i % outlets.len()];
        let mut text = format!("{}\n\n", article(1000 + i as u64, 120));
        if i < 30 {
            text.push_str(wire);
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "Contact the {outlet} newsroom with tips and corrections.\n"
        ));
        f.write(&format!("docs/d{i:03}.txt",), text);
    }
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let report = run.json();
    let groups = report["shared"].as_array().unwrap();
    let footer = groups
        .iter()
        .find(|g| {
            g["members"][0]["text"]
                .as_str()
                .unwrap()
                .starts_with("Contact the")
        })
        .expect("the footer is a group");
    assert_eq!(footer["kind"], "boilerplate", "{footer:#}");
    let wire_group = groups
        .iter()
        .find(|g| g["members"][0]["text"] == wire)
        .expect("the wire sentence is a group");
    assert_eq!(wire_group["kind"], "verbatim");
    assert_eq!(wire_group["documents"], 30);
    // 30 documents share the wire sentence: 29 pairs, not 435.
    let pairs = report["pairs"].as_array().unwrap();
    let sharing = pairs
        .iter()
        .filter(|p| p["shared_sentences"].as_u64().unwrap() > 0)
        .count();
    assert_eq!(sharing, 29, "{sharing} pairs share a sentence");
    assert!(pairs.len() < 200, "{} pairs listed", pairs.len());
}

// --- honest answers ---

#[test]
fn a_report_over_max_report_bytes_is_an_error_and_nothing_is_written() {
    let f = Fixture::new();
    two_articles(&f);
    let run = f.run(&[
        "compare",
        "a.txt",
        "b.txt",
        "--format",
        "json",
        "-o",
        "r.json",
        "--max-report-bytes",
        "200",
    ]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("--max-report-bytes 200"),
        "{}",
        run.stderr()
    );
    assert_eq!(names(f.dir.path()), ["a.txt", "b.txt"]);
    // 0 is no limit.
    f.run(&["compare", "a.txt", "b.txt", "--max-report-bytes", "0"])
        .expect_code(0);
}

#[test]
fn repeated_ids_are_an_error_naming_both_lines_or_made_unique() {
    let f = Fixture::new();
    let text = |i: u64| article(i, 60);
    f.write(
        "c.jsonl",
        crate::dedup_cli::jsonl(&[("a", &text(1)), ("b", &text(2)), ("a", &text(3))]),
    );
    let run = f.run(&["dedup", "c.jsonl", "--id-field", "id", "-o", "out"]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("c.jsonl: line 3") && err.contains("c.jsonl: line 1"),
        "{err}"
    );
    assert!(err.contains("--unique-ids"), "{err}");
    assert!(!f.path("out").exists());
    f.run(&[
        "dedup",
        "c.jsonl",
        "--id-field",
        "id",
        "-o",
        "out",
        "--unique-ids",
        "--write-deduped",
    ])
    .expect_code(0);
    let kept = std::fs::read_to_string(f.path("out/deduped.jsonl")).unwrap();
    assert_eq!(kept.lines().count(), 3);
}

#[test]
fn eval_refuses_clusters_that_do_not_know_the_truth_ids() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "200", "--seed", "5"])
        .expect_code(0);
    // Without --id-field the ids are FILE:LINE, not the truth's ids.
    f.run(&["dedup", "crawl/corpus.jsonl", "-o", "out"])
        .expect_code(0);
    let run = f.run(&["eval", "out/clusters.jsonl", "crawl/truth.tsv"]);
    run.expect_code(2);
    assert!(run.stderr().contains("--id-field"), "{}", run.stderr());
}

#[test]
fn plagdet_refuses_a_missing_detections_directory() {
    let f = Fixture::new();
    f.write(
        "truth/x.xml",
        "<document reference=\"s.txt\">\n</document>\n",
    );
    let run = f.run(&["plagdet", "truth", "nowhere"]);
    run.expect_code(2);
    assert!(run.stderr().contains("nowhere"), "{}", run.stderr());
}

#[test]
fn byte_order_marks_before_json_lines_and_pan_pairs_are_accepted() {
    let f = Fixture::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        crate::dedup_cli::jsonl(&[("a", &article(1, 50)), ("b", &article(1, 50))]).into_bytes(),
    );
    f.write("c.jsonl", bytes);
    f.run(&["dedup", "c.jsonl", "--id-field", "id", "-o", "out"])
        .expect_code(0);
    let clusters = std::fs::read_to_string(f.path("out/clusters.jsonl")).unwrap();
    assert_eq!(clusters.lines().count(), 2, "{clusters}");
    f.write("susp/suspicious-document00001.txt", format!("{SHARED}\n"));
    f.write("src/source-document00002.txt", format!("{SHARED}\n"));
    f.write(
        "pairs",
        "\u{feff}suspicious-document00001.txt source-document00002.txt\n",
    );
    let run = f.run(&[
        "pan", "--pairs", "pairs", "--susp", "susp", "--src", "src", "--out", "det",
    ]);
    run.expect_code(0);
    assert!(f
        .path("det/suspicious-document00001-source-document00002.xml")
        .exists());
}

#[test]
fn a_lone_surrogate_escape_is_named_as_such() {
    let f = Fixture::new();
    f.write("c.jsonl", "{\"text\": \"broken \\ud83d here\"}\n");
    let run = f.run(&["dedup", "c.jsonl", "-o", "out"]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("c.jsonl: line 1") && err.contains("lone UTF-16 surrogate"),
        "{err}"
    );
}

#[test]
fn option_errors_name_the_option_typed() {
    let f = Fixture::new();
    two_articles(&f);
    f.write(
        "c.jsonl",
        crate::dedup_cli::jsonl(&[("a", "some words here")]),
    );
    for (args, option) in [
        (
            vec!["compare", "a.txt", "b.txt", "--threshold", "2"],
            "--threshold 2",
        ),
        (
            vec!["compare", "a.txt", "b.txt", "--sentence-shingle", "0"],
            "--sentence-shingle 0",
        ),
        (
            vec!["compare", "a.txt", "b.txt", "--permutations", "0"],
            "--permutations 0",
        ),
        (
            vec!["dedup", "c.jsonl", "-o", "o", "--bucket-cap", "1"],
            "--bucket-cap 1",
        ),
        (
            vec!["dedup", "c.jsonl", "-o", "o", "--text-field", "a..b"],
            "--text-field a..b",
        ),
        (
            vec!["dedup", "c.jsonl", "-o", "o", "--threshold", "1"],
            "--threshold 1",
        ),
    ] {
        let run = f.run(&args);
        run.expect_code(2);
        assert!(run.stderr().contains(option), "{args:?}: {}", run.stderr());
    }
}
