//! Bad input: a clear message naming the file (and line), a non-zero exit
//! code when nothing could be analysed, the other files still analysed.

use crate::util::Fixture;

const GOOD_A: &str =
    "The committee approved the new budget for the regional hospital network on Friday.\n";
const GOOD_B: &str =
    "Nurses welcomed the decision but warned that staff shortages would persist for years.\n";

fn analysed(run: &crate::util::Run) -> Vec<String> {
    run.json()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn missing_path_alone_fails() {
    let f = Fixture::new();
    let run = f.run(&["compare", "nope.txt"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("nope.txt: no such file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn missing_path_beside_good_files_is_skipped() {
    let f = Fixture::new();
    f.write("a.txt", GOOD_A);
    f.write("b.txt", GOOD_B);
    let run = f.run(&[
        "compare",
        "a.txt",
        "missing.txt",
        "b.txt",
        "--format",
        "json",
    ]);
    run.expect_code(1);
    assert!(run.stderr().contains("missing.txt"), "{}", run.stderr());
    assert_eq!(analysed(&run), ["a", "b"]);
    let skipped = &run.json()["skipped"];
    assert_eq!(skipped[0]["path"], "missing.txt");
}

#[test]
fn directory_without_text_files() {
    let f = Fixture::new();
    f.write("d/image.png", b"\x89PNG");
    let run = f.run(&["compare", "d"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("d: directory contains no text files"),
        "{}",
        run.stderr()
    );
}

#[test]
fn empty_file() {
    let f = Fixture::new();
    f.write("empty.txt", "");
    f.write("blank.txt", " \n\n \t\n");
    f.write("a.txt", GOOD_A);
    let run = f.run(&[
        "compare",
        "empty.txt",
        "blank.txt",
        "a.txt",
        "--format",
        "json",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("empty.txt: file is empty"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("blank.txt: file is empty"),
        "{}",
        run.stderr()
    );
    assert_eq!(analysed(&run), ["a"]);
    let only_empty = f.run(&["compare", "empty.txt"]);
    only_empty.expect_code(2);
}

#[test]
fn invalid_utf8_names_file_and_line_with_strict_utf8() {
    let f = Fixture::new();
    f.write("latin1.txt", b"First line is fine.\nCaf\xe9 au lait.\n");
    f.write("a.txt", GOOD_A);
    let run = f.run(&[
        "compare",
        "latin1.txt",
        "a.txt",
        "--format",
        "json",
        "--strict-utf8",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("latin1.txt: line 2: invalid UTF-8 at byte offset 23"),
        "{}",
        run.stderr()
    );
    assert_eq!(analysed(&run), ["a"]);
}

#[test]
fn binary_file() {
    let f = Fixture::new();
    let mut bytes = b"ELF header".to_vec();
    bytes.extend([0u8, 1, 2, 3, 255, 0]);
    f.write("prog.txt", bytes);
    let run = f.run(&["compare", "prog.txt"]);
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("prog.txt: line 1: looks like a binary file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn one_enormous_line() {
    let f = Fixture::new();
    let line = "word ".repeat(300_000); // 1.5 MB, no newline
    f.write("huge.txt", &line);
    f.write("a.txt", GOOD_A);
    let run = f.run(&["compare", "huge.txt", "a.txt", "--format", "json"]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("huge.txt: line 1 is 1500000 bytes long"),
        "{}",
        run.stderr()
    );
    assert_eq!(analysed(&run), ["a"]);
    // Raising the limit analyses it, quickly and without a panic.
    let run = f.run(&[
        "compare",
        "huge.txt",
        "a.txt",
        "--format",
        "json",
        "--max-line-bytes",
        "2000000",
    ]);
    run.expect_code(0);
    assert_eq!(analysed(&run), ["huge", "a"]);
}

#[test]
fn no_panic_on_punctuation_only_and_tiny_files() {
    let f = Fixture::new();
    f.write("p.txt", "... !!! ??? --- “” ‘’\n");
    f.write("one.txt", "x");
    f.write("a.txt", GOOD_A);
    let run = f.run(&["compare", "p.txt", "one.txt", "a.txt", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(analysed(&run), ["p", "one", "a"]);
}

#[test]
fn same_file_twice_is_one_document() {
    let f = Fixture::new();
    f.write("d/a.txt", GOOD_A);
    f.write("d/b.txt", GOOD_B);
    let run = f.run(&["compare", "d/a.txt", "d", "d/a.txt", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(analysed(&run), ["a", "b"]);
    assert!(run.json()["shared"].as_array().unwrap().is_empty());
}

#[test]
fn unwritable_output_leaves_nothing() {
    let f = Fixture::new();
    f.write("a.txt", GOOD_A);
    let run = f.run(&["compare", "a.txt", "-o", "no/such/dir/report.txt"]);
    run.expect_code(2);
    assert!(run.stderr().contains("no/such/dir"), "{}", run.stderr());
}
