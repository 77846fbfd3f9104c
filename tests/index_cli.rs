//! `syndic index` and `dedup --against`: the real binary on archives the
//! tests make (issue 13).

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::Fixture;

/// `n` JSON Lines documents with ids `p0..`, each a distinct article of
/// eight sentences (sentence `j` of document `i` is unique to it).
fn articles(prefix: &str, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let mut text = String::new();
        for j in 0..8 {
            text.push_str(&format!(
                "Reporter {prefix} number {i} wrote sentence {j} about the harbour council and its budget plans. "
            ));
        }
        out.push_str(&serde_json::json!({"id": format!("{prefix}{i}"), "text": text}).to_string());
        out.push('\n');
    }
    out
}

fn stats(f: &Fixture, archive: &str) -> serde_json::Value {
    let r = f.run(&["index", "stats", archive, "--format", "json"]);
    r.expect_code(0);
    r.json()
}

fn docs(f: &Fixture, archive: &str) -> u64 {
    stats(f, archive)["documents"].as_u64().unwrap()
}

#[test]
fn add_query_stats_check_round_trip() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 20));
    f.run(&[
        "index",
        "add",
        "x.db",
        "a.jsonl",
        "--keep-text",
        "--id-field",
        "id",
    ])
    .expect_code(0);
    let s = stats(&f, "x.db");
    assert_eq!(s["documents"], 20);
    assert_eq!(s["texts"], 20);
    assert_eq!(s["format"], 2);
    assert_eq!(s["parameters"]["shingle"], 5);
    f.run(&["index", "check", "x.db"]).expect_code(0);
    // A query: document a3 with its first sentence replaced, plus one
    // sentence of a7.
    let a3 = articles("a", 20).lines().nth(3).unwrap().to_owned();
    let a3: serde_json::Value = serde_json::from_str(&a3).unwrap();
    let text = a3["text"].as_str().unwrap();
    let cut = text.find("Reporter a number 3 wrote sentence 1").unwrap();
    let q = format!(
        "Something new opens the story here today for everyone. {}Reporter a number 7 wrote sentence 2 about the harbour council and its budget plans.",
        &text[cut..]
    );
    f.write("q.txt", &q);
    let r = f.run(&[
        "index",
        "query",
        "x.db",
        "q.txt",
        "--format",
        "json",
        "--threshold",
        "0.5",
    ]);
    r.expect_code(0);
    let line: serde_json::Value = serde_json::from_str(r.stdout().lines().next().unwrap()).unwrap();
    assert_eq!(line["id"], "q.txt");
    let m = line["matches"].as_array().unwrap();
    assert_eq!(m[0]["id"], "a3");
    assert_eq!(m[0]["near_duplicate"], true);
    assert!(m[0]["exact_similarity"].as_f64().unwrap() > 0.5);
    assert_eq!(m[0]["shared_sentences"].as_array().unwrap().len(), 7);
    let s0 = &m[0]["shared_sentences"][0];
    let (qs, qe) = (
        s0["query"]["start"].as_u64().unwrap() as usize,
        s0["query"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&q[qs..qe], s0["text"].as_str().unwrap());
    let (as_, ae) = (
        s0["archived"]["start"].as_u64().unwrap() as usize,
        s0["archived"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[as_..ae], &q[qs..qe]);
    assert!(!m[0]["passages"].as_array().unwrap().is_empty());
    let a7 = m
        .iter()
        .find(|x| x["id"] == "a7")
        .expect("a7 shares a sentence");
    assert_eq!(a7["near_duplicate"], false);
    assert_eq!(a7["shared_sentences"].as_array().unwrap().len(), 1);
    // Text format names the match too.
    let t = f.run(&["index", "query", "x.db", "q.txt"]);
    t.expect_code(0);
    assert!(t.stdout().contains("a3"), "{}", t.stdout());
}

#[test]
fn re_adding_is_idempotent_and_new_content_needs_replace() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 10));
    f.run(&["index", "add", "x.db", "a.jsonl", "--id-field", "id"])
        .expect_code(0);
    let before = std::fs::read(f.path("x.db")).unwrap().len();
    let r = f.run(&["index", "add", "x.db", "a.jsonl", "--id-field", "id"]);
    r.expect_code(0);
    assert!(
        r.stderr().contains("0 added, 10 unchanged"),
        "{}",
        r.stderr()
    );
    assert_eq!(docs(&f, "x.db"), 10);
    assert!(std::fs::read(f.path("x.db")).unwrap().len() <= before + 8192);
    // a2 with other content.
    f.write("b.jsonl", format!("{}\n", serde_json::json!({"id": "a2", "text": "Completely different words fill this replacement article today."})));
    let r = f.run(&["index", "add", "x.db", "b.jsonl", "--id-field", "id"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("x.db")
            && r.stderr().contains("\"a2\"")
            && r.stderr().contains("--replace"),
        "{}",
        r.stderr()
    );
    let r = f.run(&[
        "index",
        "add",
        "x.db",
        "b.jsonl",
        "--id-field",
        "id",
        "--replace",
    ]);
    r.expect_code(0);
    assert!(r.stderr().contains("1 replaced"), "{}", r.stderr());
    assert_eq!(docs(&f, "x.db"), 10);
    f.run(&["index", "check", "x.db"]).expect_code(0);
    // remove: a5 is found before, not after (its postings stay in their
    // run until a merge, skipped as dead).
    f.write("q5.jsonl", articles("a", 10).lines().nth(5).unwrap());
    let matches_a5 = || -> bool {
        let r = f.run(&[
            "index",
            "query",
            "x.db",
            "q5.jsonl",
            "--id-field",
            "id",
            "--format",
            "json",
        ]);
        r.expect_code(0);
        let v: serde_json::Value = serde_json::from_str(r.stdout().trim()).unwrap();
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "a5")
    };
    assert!(matches_a5());
    f.run(&["index", "remove", "x.db", "a2", "a5"])
        .expect_code(0);
    assert_eq!(docs(&f, "x.db"), 8);
    f.run(&["index", "remove", "x.db", "nope"]).expect_code(1);
    f.run(&["index", "check", "x.db"]).expect_code(0);
    assert!(!matches_a5());
    // Added again, it is found again (a new row number).
    f.run(&["index", "add", "x.db", "q5.jsonl", "--id-field", "id"])
        .expect_code(0);
    assert!(matches_a5());
    f.run(&["index", "check", "x.db"]).expect_code(0);
}

/// Rewrites a (format 2) archive as format 1 wrote it: the postings in
/// `bands(band, key, doc)` and `sentences(hash, doc)`, one B-tree row per
/// posting, made from each document's stored signature and sentences as
/// format 1's writer made them; no runs.
fn downgrade_to_format_1(path: &Path) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    let params: String = c
        .query_row("SELECT value FROM meta WHERE key = 'params'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let params: syndic::index::ArchiveParams = serde_json::from_str(&params).unwrap();
    let analyser = syndic::index::Analyser::new(&params).unwrap();
    let tx = c.transaction().unwrap();
    tx.execute_batch(
        "DROP TABLE runs; DROP TABLE chunks; DROP TABLE dead;
         CREATE TABLE bands(band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
             PRIMARY KEY(band, key, doc)) WITHOUT ROWID;
         CREATE TABLE sentences(hash INTEGER NOT NULL, doc INTEGER NOT NULL,
             PRIMARY KEY(hash, doc)) WITHOUT ROWID;
         UPDATE meta SET value = '1' WHERE key = 'format';",
    )
    .unwrap();
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = tx
        .prepare("SELECT doc, signature, sentences FROM docs")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (doc, sig, sentences) in rows {
        let sig: Vec<u32> = sig
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        if sig.iter().any(|&v| v != u32::MAX) {
            for (b, k) in analyser.band_keys(&sig).into_iter().enumerate() {
                tx.execute(
                    "INSERT OR IGNORE INTO bands VALUES(?1, ?2, ?3)",
                    rusqlite::params![b as i64, k as i64, doc],
                )
                .unwrap();
            }
        }
        for s in sentences.chunks_exact(16) {
            let h = u64::from_le_bytes(s[..8].try_into().unwrap());
            tx.execute(
                "INSERT OR IGNORE INTO sentences VALUES(?1, ?2)",
                rusqlite::params![h as i64, doc],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

#[test]
fn a_format_1_archive_is_read_and_migrated_by_the_first_writer() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 30));
    f.write("b.jsonl", articles("b", 12));
    // Queries: a near duplicate of a3 (first sentence replaced), one
    // sentence of a7, and b2 as it is.
    let a3: serde_json::Value =
        serde_json::from_str(articles("a", 30).lines().nth(3).unwrap()).unwrap();
    let text = a3["text"].as_str().unwrap();
    let cut = text.find("Reporter a number 3 wrote sentence 1").unwrap();
    let q = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "q1", "text": format!(
            "Something new opens the story here today for everyone. {}Reporter a number 7 wrote sentence 2 about the harbour council and its budget plans.",
            &text[cut..]
        )}),
        articles("b", 12)
            .lines()
            .nth(2)
            .unwrap()
            .replace("\"b2\"", "\"q2\"")
    );
    f.write("q.jsonl", q);
    let query = |db: &str| -> String {
        let r = f.run(&[
            "index",
            "query",
            db,
            "q.jsonl",
            "--id-field",
            "id",
            "--format",
            "json",
        ]);
        r.expect_code(0);
        r.stdout().to_owned()
    };
    let add = |db: &str, input: &str| {
        let r = f.run(&[
            "index",
            "add",
            db,
            input,
            "--id-field",
            "id",
            "--keep-text",
            "--batch-docs",
            "4",
        ]);
        r.expect_code(0);
        r
    };
    for db in ["new.db", "old.db"] {
        add(db, "a.jsonl");
        f.run(&["index", "remove", db, "a5"]).expect_code(0);
    }
    downgrade_to_format_1(&f.path("old.db"));
    let s = stats(&f, "old.db");
    assert_eq!(s["format"], 1);
    assert_eq!(s["documents"], 29);
    assert_eq!(s["runs"], 0);
    // Read as it is: stats, check and queries, with the same answers.
    f.run(&["index", "check", "old.db"]).expect_code(0);
    let before = query("new.db");
    assert!(
        before.contains("\"a3\"") && before.contains("\"a7\""),
        "{before}"
    );
    assert_eq!(query("old.db"), before);
    // Queries of format 1 did not change it.
    assert_eq!(stats(&f, "old.db")["format"], 1);
    // The first writer migrates it (and says so), then adds.
    add("new.db", "b.jsonl");
    let r = add("old.db", "b.jsonl");
    assert!(
        r.stderr()
            .contains("old.db: migrated from archive format 1 to format 2"),
        "{}",
        r.stderr()
    );
    let s = stats(&f, "old.db");
    assert_eq!(s["format"], 2);
    assert_eq!(s["documents"], 41);
    assert!(s["runs"].as_u64().unwrap() >= 1);
    f.run(&["index", "check", "old.db"]).expect_code(0);
    f.run(&["index", "check", "new.db"]).expect_code(0);
    let after = query("new.db");
    assert!(after.contains("\"b2\""), "{after}");
    assert_eq!(query("old.db"), after);
    // Once only.
    let r = add("old.db", "b.jsonl");
    assert!(!r.stderr().contains("migrated"), "{}", r.stderr());
}

#[test]
fn a_reader_opened_before_a_migration_gets_a_clear_error() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 5));
    f.run(&["index", "add", "x.db", "a.jsonl", "--id-field", "id"])
        .expect_code(0);
    downgrade_to_format_1(&f.path("x.db"));
    let reader = syndic::index::Archive::open(&f.path("x.db"), syndic::index::Mode::Read).unwrap();
    assert_eq!(reader.format(), 1);
    // A writer migrates it meanwhile.
    let r = f.run(&["index", "remove", "x.db", "a1"]);
    r.expect_code(0);
    assert!(r.stderr().contains("migrated"), "{}", r.stderr());
    let e = reader.begin_read().unwrap_err().to_string();
    assert!(e.contains("x.db") && e.contains("run it again"), "{e}");
    // Opened again, it reads format 2.
    let reader = syndic::index::Archive::open(&f.path("x.db"), syndic::index::Mode::Read).unwrap();
    assert_eq!(reader.format(), 2);
    reader.begin_read().unwrap();
    reader.end_read().unwrap();
}

#[test]
fn a_damaged_posting_run_fails_the_check() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 12));
    f.run(&["index", "add", "x.db", "a.jsonl", "--id-field", "id"])
        .expect_code(0);
    f.run(&["index", "check", "x.db"]).expect_code(0);
    // One posting's document number changed: same count, other postings.
    let c = rusqlite::Connection::open(f.path("x.db")).unwrap();
    let (run, last, n, mut data): (i64, i64, i64, Vec<u8>) = c
        .query_row(
            "SELECT run, last, n, data FROM chunks ORDER BY run, last, n LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let doc = u32::from_le_bytes(data[8..12].try_into().unwrap());
    let other = if doc == 1 { 2u32 } else { 1u32 };
    data[8..12].copy_from_slice(&other.to_le_bytes());
    c.execute(
        "UPDATE chunks SET data = ?4 WHERE run = ?1 AND last = ?2 AND n = ?3",
        rusqlite::params![run, last, n, data],
    )
    .unwrap();
    drop(c);
    let r = f.run(&["index", "check", "x.db", "--format", "json"]);
    r.expect_code(1);
    let v = r.json();
    assert!(
        v["problems"].as_array().unwrap().iter().any(|p| p
            .as_str()
            .unwrap()
            .contains("postings of archived documents")),
        "{v}"
    );
}

#[test]
fn other_parameters_are_refused_naming_the_fields() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 3));
    f.run(&["index", "add", "x.db", "a.jsonl", "--shingle", "4"])
        .expect_code(0);
    // Given nothing, the archive's parameters apply.
    f.run(&["index", "add", "x.db", "a.jsonl"]).expect_code(0);
    let r = f.run(&[
        "index",
        "add",
        "x.db",
        "a.jsonl",
        "--shingle",
        "5",
        "--seed",
        "7",
    ]);
    r.expect_code(2);
    let e = r.stderr();
    assert!(
        e.contains("x.db")
            && e.contains("shingle 5 (archive: 4)")
            && e.contains("seed 7 (archive: 42)"),
        "{e}"
    );
    assert!(!e.contains("permutations"), "{e}");
    let r = f.run(&["dedup", "a.jsonl", "-o", "out", "--against", "x.db"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("shingle 5 (archive: 4)"),
        "{}",
        r.stderr()
    );
}

fn set_meta(path: &Path, key: &str, value: &str) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute("UPDATE meta SET value = ?2 WHERE key = ?1", [key, value])
        .unwrap();
}

#[test]
fn a_newer_format_is_refused() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 3));
    f.run(&["index", "add", "x.db", "a.jsonl"]).expect_code(0);
    set_meta(&f.path("x.db"), "format", "99");
    for args in [
        vec!["index", "stats", "x.db"],
        vec!["index", "add", "x.db", "a.jsonl"],
        vec!["index", "query", "x.db", "a.jsonl"],
    ] {
        let r = f.run(&args);
        r.expect_code(2);
        assert!(
            r.stderr().contains("x.db: archive format 99 is newer"),
            "{}",
            r.stderr()
        );
    }
}

#[test]
fn missing_foreign_and_corrupt_archives_are_clear_errors() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 200));
    let r = f.run(&["index", "query", "none.db", "a.jsonl"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("none.db: no such archive"),
        "{}",
        r.stderr()
    );
    // Not a database: a text file is left as it was.
    f.write("notes.txt", "my notes, not an archive\n".repeat(100));
    let r = f.run(&["index", "add", "notes.txt", "a.jsonl"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("notes.txt: not a syndic archive"),
        "{}",
        r.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(f.path("notes.txt")).unwrap(),
        "my notes, not an archive\n".repeat(100)
    );
    // An SQLite database of another program.
    let c = rusqlite::Connection::open(f.path("other.db")).unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1);")
        .unwrap();
    drop(c);
    let r = f.run(&["index", "stats", "other.db"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("other.db: not a syndic archive"),
        "{}",
        r.stderr()
    );
    // An empty file.
    f.write("empty.db", "");
    let r = f.run(&["index", "add", "empty.db", "a.jsonl"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("empty.db: the file is empty"),
        "{}",
        r.stderr()
    );
    // Corrupt: pages overwritten in the middle of a real archive.
    f.run(&["index", "add", "x.db", "a.jsonl", "--keep-text"])
        .expect_code(0);
    let mut bytes = std::fs::read(f.path("x.db")).unwrap();
    let n = bytes.len();
    for b in &mut bytes[4096..n - 4096] {
        *b = 0xA5;
    }
    std::fs::write(f.path("x.db"), &bytes).unwrap();
    let r = f.run(&["index", "check", "x.db"]);
    assert_ne!(r.code(), 0);
    assert!(
        r.stderr().contains("x.db") || r.stdout().contains("DAMAGED"),
        "{}{}",
        r.stdout(),
        r.stderr()
    );
    assert!(!r.stderr().contains("panicked"), "{}", r.stderr());
    let r = f.run(&["index", "query", "x.db", "a.jsonl"]);
    assert_eq!(r.code(), 2, "{}", r.stderr());
    assert!(r.stderr().contains("x.db"), "{}", r.stderr());
    assert!(!r.stderr().contains("panicked"), "{}", r.stderr());
}

#[test]
fn a_read_only_archive_is_not_added_to() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 5));
    f.write("b.jsonl", articles("b", 5));
    f.run(&["index", "add", "x.db", "a.jsonl"]).expect_code(0);
    std::fs::set_permissions(f.path("x.db"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let r = f.run(&["index", "add", "x.db", "b.jsonl"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("x.db: the archive is read-only"),
        "{}",
        r.stderr()
    );
    // Queries still work.
    f.run(&["index", "query", "x.db", "b.jsonl"]).expect_code(0);
    std::fs::set_permissions(f.path("x.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(docs(&f, "x.db"), 5);
}

/// Holds the writer's lock as another syndic would.
#[test]
fn a_second_writer_is_refused() {
    use std::os::unix::io::AsRawFd;
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 5));
    f.write("b.jsonl", articles("b", 5));
    f.run(&["index", "add", "x.db", "a.jsonl"]).expect_code(0);
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(f.path("x.db"))
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(
        unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let r = f.run(&["index", "add", "x.db", "b.jsonl"]);
    r.expect_code(2);
    assert!(
        r.stderr()
            .contains("x.db: another syndic process is writing"),
        "{}",
        r.stderr()
    );
    let r = f.run(&["index", "remove", "x.db", "x.jsonl:1"]);
    r.expect_code(2);
    // Readers are not blocked by a writer.
    f.run(&["index", "query", "x.db", "b.jsonl"]).expect_code(0);
    assert_eq!(docs(&f, "x.db"), 5);
    drop(held);
    f.run(&["index", "add", "x.db", "b.jsonl"]).expect_code(0);
    assert_eq!(docs(&f, "x.db"), 10);
}

/// Spawns `syndic index add` and returns it with its standard error.
fn spawn_add(f: &Fixture, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_syndic"))
        .args(args)
        .current_dir(f.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn queries_during_an_add_see_whole_batches() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 3000));
    f.write("q.jsonl", articles("a", 2));
    let mut child = spawn_add(
        &f,
        &[
            "index",
            "add",
            "x.db",
            "a.jsonl",
            "--batch-docs",
            "100",
            "--threads",
            "1",
        ],
    );
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    // Wait for the first commit, then read while it goes on.
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("batch 1 committed"), "{first}");
    let mut seen = Vec::new();
    for _ in 0..5 {
        let n = docs(&f, "x.db");
        assert_eq!(n % 100, 0, "a snapshot holds whole batches, saw {n}");
        seen.push(n);
        f.run(&["index", "query", "x.db", "q.jsonl", "--format", "json"])
            .expect_code(0);
    }
    for l in lines {
        l.unwrap();
    }
    assert!(child.wait().unwrap().success());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(docs(&f, "x.db"), 3000);
    f.run(&["index", "check", "x.db"]).expect_code(0);
}

#[test]
fn kill_9_during_add_keeps_exactly_the_committed_batches() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 2000));
    for (round, kill_after) in [1usize, 4, 9].into_iter().enumerate() {
        let archive = format!("k{round}.db");
        let mut child = spawn_add(
            &f,
            &[
                "index",
                "add",
                &archive,
                "a.jsonl",
                "--id-field",
                "id",
                "--batch-docs",
                "100",
                "--threads",
                "1",
                "--keep-text",
            ],
        );
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut committed = 0;
        while committed < kill_after {
            let l = lines.next().expect("more progress").unwrap();
            if l.contains(" committed: ") {
                committed += 1;
            }
        }
        // SAFETY: kill on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        let r = f.run(&["index", "check", &archive, "--format", "json"]);
        r.expect_code(0);
        let check = r.json();
        let batches = check["batches"].as_u64().unwrap() as usize;
        assert!(batches >= kill_after, "{batches} < {kill_after}");
        let n = docs(&f, &archive) as usize;
        assert_eq!(n, batches * 100, "exactly the committed batches");
        // And they are the first n records: a query for record n-1 finds
        // itself, one for record n does not.
        let all: Vec<&str> = articles("a", 2000).leak().lines().collect();
        f.write("last.jsonl", format!("{}\n", all[n - 1]));
        let found = |file: &str, id: String| -> bool {
            let r = f.run(&[
                "index",
                "query",
                &archive,
                file,
                "--format",
                "json",
                "--id-field",
                "id",
            ]);
            r.expect_code(0);
            let v: serde_json::Value = serde_json::from_str(r.stdout().trim()).unwrap();
            v["matches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == id.as_str())
        };
        assert!(found("last.jsonl", format!("a{}", n - 1)));
        if n < 2000 {
            f.write("next.jsonl", format!("{}\n", all[n]));
            assert!(!found("next.jsonl", format!("a{n}")));
        }
        // The archive takes more adds after the crash.
        f.run(&[
            "index",
            "add",
            &archive,
            "a.jsonl",
            "--id-field",
            "id",
            "--keep-text",
        ])
        .expect_code(0);
        assert_eq!(docs(&f, &archive), 2000);
        f.run(&["index", "check", &archive]).expect_code(0);
    }
}

#[test]
fn a_full_disk_keeps_the_committed_batches() {
    let f = Fixture::new();
    let mnt = f.path("small");
    std::fs::create_dir(&mnt).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(&mnt)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "SKIPPED a_full_disk_keeps_the_committed_batches: cannot mount a tmpfs (not root?)"
        );
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    f.write("a.jsonl", articles("a", 8000));
    let r = f.run(&[
        "index",
        "add",
        "small/x.db",
        "a.jsonl",
        "--keep-text",
        "--batch-docs",
        "200",
        "--id-field",
        "id",
    ]);
    r.expect_code(2);
    let e = r.stderr();
    assert!(
        e.contains("small/x.db") && e.contains("disk is full"),
        "{e}"
    );
    let committed = e.lines().filter(|l| l.contains(" committed: ")).count();
    assert!(committed >= 1, "{e}");
    // Room again: the archive opens, checks, holds the committed batches.
    std::fs::write(mnt.join("filler"), b"").ok();
    let _ = Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&mnt)
        .status();
    f.run(&["index", "check", "small/x.db"]).expect_code(0);
    assert_eq!(docs(&f, "small/x.db") as usize, committed * 200);
}

#[test]
fn dedup_against_matches_one_run_over_old_and_new() {
    let f = Fixture::new();
    f.run(&["synth", "-o", "crawl", "--docs", "1200", "--seed", "5"])
        .expect_code(0);
    let corpus = std::fs::read_to_string(f.path("crawl/corpus.jsonl")).unwrap();
    let lines: Vec<&str> = corpus.lines().collect();
    f.write("old.jsonl", lines[..600].join("\n") + "\n");
    f.write("new.jsonl", lines[600..].join("\n") + "\n");
    f.run(&[
        "dedup",
        "old.jsonl",
        "--id-field",
        "id",
        "--against",
        "arch.db",
        "--add",
        "-o",
        "d1",
    ])
    .expect_code(0);
    f.run(&[
        "dedup",
        "new.jsonl",
        "--id-field",
        "id",
        "--against",
        "arch.db",
        "-o",
        "d2",
    ])
    .expect_code(0);
    // The reference: one run over the old and the new crawl together.
    f.run(&[
        "dedup",
        "old.jsonl",
        "new.jsonl",
        "--id-field",
        "id",
        "-o",
        "d3",
    ])
    .expect_code(0);
    let new_ids: std::collections::HashSet<String> = lines[600..]
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let dups = |dir: &str| -> Vec<String> {
        std::fs::read_to_string(f.path(&format!("{dir}/duplicates.txt")))
            .unwrap()
            .lines()
            .filter(|l| new_ids.contains(*l))
            .map(str::to_owned)
            .collect()
    };
    let reps = |dir: &str| -> std::collections::BTreeMap<String, String> {
        std::fs::read_to_string(f.path(&format!("{dir}/clusters.jsonl")))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| new_ids.contains(v["id"].as_str().unwrap()))
            .map(|v| {
                (
                    v["id"].as_str().unwrap().to_owned(),
                    v["representative"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let (a, b) = (dups("d2"), dups("d3"));
    assert!(
        a.len() > 20,
        "the split crawl has duplicates across the halves: {}",
        a.len()
    );
    assert_eq!(a, b, "same new documents dropped");
    assert_eq!(
        reps("d2"),
        reps("d3"),
        "same representative for every new document"
    );
    // matches.jsonl names an archived document for those matching one.
    let matches = std::fs::read_to_string(f.path("d2/matches.jsonl")).unwrap();
    assert!(matches.lines().count() > 10);
    for l in matches.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(!new_ids.contains(v["archived"].as_str().unwrap()));
    }
}

#[test]
fn compare_against_brings_in_the_archived_sources() {
    let f = Fixture::new();
    f.write("a.jsonl", articles("a", 30));
    f.run(&[
        "index",
        "add",
        "x.db",
        "a.jsonl",
        "--keep-text",
        "--id-field",
        "id",
    ])
    .expect_code(0);
    let all = articles("a", 30);
    let text = |i: usize| -> String {
        let v: serde_json::Value = serde_json::from_str(all.lines().nth(i).unwrap()).unwrap();
        v["text"].as_str().unwrap().to_owned()
    };
    // Today's article reuses most of a4; another reuses nothing.
    f.write(
        "today.txt",
        format!(
            "A fresh opening line written for this morning edition. {}",
            text(4)
        ),
    );
    f.write("other.txt", "Completely unrelated words about gardening, tomatoes and the summer weather forecast for the valley.");
    let r = f.run(&[
        "compare",
        "--against",
        "x.db",
        "today.txt",
        "other.txt",
        "--format",
        "json",
    ]);
    r.expect_code(0);
    let v = r.json();
    let ids: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"archive:a4"), "{ids:?}");
    assert!(ids.contains(&"today") && ids.contains(&"other"), "{ids:?}");
    let s = serde_json::to_string(&v["pairs"]).unwrap();
    assert!(s.contains("archive:a4") && s.contains("today"), "{s}");
    // Not kept: a warning, and the article is still compared.
    f.run(&["index", "add", "y.db", "a.jsonl", "--id-field", "id"])
        .expect_code(0);
    let r = f.run(&["compare", "--against", "y.db", "today.txt", "other.txt"]);
    r.expect_code(0);
    assert!(
        r.stderr().contains("its text is not kept"),
        "{}",
        r.stderr()
    );
}

#[test]
fn one_id_twice_in_a_batch_replaces_cleanly() {
    let f = Fixture::new();
    let two = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "x", "text": "The first version of this story says the harbour council met on Monday evening."}),
        serde_json::json!({"id": "x", "text": "The second version of this story says the county board met on Friday morning instead."})
    );
    f.write("two.jsonl", &two);
    let r = f.run(&["index", "add", "a.db", "two.jsonl", "--id-field", "id"]);
    r.expect_code(2);
    assert!(
        r.stderr().contains("two.jsonl: line 2") && r.stderr().contains("\"x\""),
        "{}",
        r.stderr()
    );
    f.run(&[
        "index",
        "add",
        "a.db",
        "two.jsonl",
        "--id-field",
        "id",
        "--replace",
    ])
    .expect_code(0);
    assert_eq!(docs(&f, "a.db"), 1);
    f.run(&["index", "check", "a.db"]).expect_code(0);
}
