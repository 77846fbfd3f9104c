//! `syndic sign`: one JSON line per record, the values of the library's
//! `DocumentSigner` (what `syndic dedup` signs), bad input named.

use serde_json::Value;
use syndic::dedup::{DocumentSigner, SignScratch};

use crate::util::Fixture;

#[test]
fn sign_prints_the_dedup_signatures_of_every_record() {
    let f = Fixture::new();
    let texts = [
        "The council met on Tuesday to discuss the budget for next year.",
        "“Don’t” — said the U.S. envoy, ﬁnally; 20% of 3.5 ÉLAN",
        "",
        "two words",
    ];
    let lines: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{}\n",
                serde_json::json!({"key": format!("d{i}"), "text": t})
            )
        })
        .collect();
    let input = f.write("c.jsonl", lines);
    for (k, seed, shingle) in [(128usize, 42u64, 5usize), (16, 7, 2)] {
        let run = f.run(&[
            "sign",
            input.to_str().unwrap(),
            "--id-field",
            "key",
            "--permutations",
            &k.to_string(),
            "--seed",
            &seed.to_string(),
            "--shingle",
            &shingle.to_string(),
        ]);
        run.expect_code(0);
        let got: Vec<Value> = run
            .stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(got.len(), texts.len());
        let signer = DocumentSigner::new(shingle, k, seed).unwrap();
        for (i, (line, text)) in got.iter().zip(texts).enumerate() {
            let mut want = vec![0u32; k];
            let nonempty = signer.sign(text, &mut SignScratch::default(), &mut want);
            assert_eq!(line["id"], format!("d{i}"));
            assert_eq!(line["empty"], !nonempty, "{text}");
            let values: Vec<u32> = line["signature"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            assert_eq!(values, want, "{text}");
        }
    }
}

#[test]
fn sign_names_the_file_and_line_of_a_bad_record() {
    let f = Fixture::new();
    let input = f.write("c.jsonl", "{\"text\": \"fine\"}\n{\"text\": 3}\n");
    let run = f.run(&["sign", input.to_str().unwrap()]);
    run.expect_code(2);
    assert!(run.stderr().contains("c.jsonl"), "{}", run.stderr());
    assert!(run.stderr().contains("line 2"), "{}", run.stderr());
    let run = f.run(&["sign", input.to_str().unwrap(), "--permutations", "0"]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("--permutations 0"),
        "{}",
        run.stderr()
    );
}

#[test]
fn sign_skip_bad_leaves_out_the_bad_record_names_it_and_exits_1() {
    let f = Fixture::new();
    let input = f.write(
        "c.jsonl",
        "{\"id\": \"a\", \"text\": \"fine words here\"}\n{\"id\": \"b\", \"text\": 3}\n{\"id\": \"c\", \"text\": \"more fine words\"}\n",
    );
    let run = f.run(&[
        "sign",
        input.to_str().unwrap(),
        "--id-field",
        "id",
        "--skip-bad",
    ]);
    run.expect_code(1);
    let ids: Vec<String> = run
        .stdout()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["a", "c"]);
    assert!(run.stderr().contains("c.jsonl"), "{}", run.stderr());
    assert!(run.stderr().contains("line 2"), "{}", run.stderr());
}
