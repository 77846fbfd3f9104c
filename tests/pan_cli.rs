//! `syndic pan` and `syndic plagdet` on a tiny PAN-style corpus made here.

use crate::util::Fixture;

const PASSAGE: &str =
    "Über den Fluss führte eine alte Brücke, die im Jahre 1931 gebaut worden war. \
Die Ingenieure sagten, dass sie den Verkehr der Lastwagen nicht mehr tragen könne. \
Der Neubau soll im nächsten Frühjahr beginnen und etwa achtzehn Monate dauern.";

fn susp_text() -> String {
    format!(
        "Ein Bericht über das Tal — ça commence ici: 東京. Die Bewohner klagten seit Jahren über \
         den Lärm der Straße. {PASSAGE} Der Bürgermeister begrüßte die Entscheidung im Rathaus.\n"
    )
}

fn src_text() -> String {
    format!(
        "Wetter und Verkehr. Die Bauern flussaufwärts sorgen sich um die Kosten. {PASSAGE} \
         Kritiker meinten, eine neue Straße wäre besser.\n"
    )
}

fn corpus(f: &Fixture, pairs: &str) {
    f.write("susp/suspicious-document00001.txt", susp_text());
    f.write("src/source-document00002.txt", src_text());
    f.write(
        "src/source-document00003.txt",
        "Ein ganz anderer Text über Fußball im Regen. Die Heimmannschaft gewann drei zu eins \
         nach einer späten Aufholjagd in der zweiten Halbzeit des Spiels.\n",
    );
    f.write("pairs", pairs);
}

fn pan(f: &Fixture) -> crate::util::Run {
    f.run(&[
        "pan", "--pairs", "pairs", "--susp", "susp", "--src", "src", "--out", "out",
    ])
}

#[test]
fn writes_one_xml_per_pair_with_offsets_in_characters() {
    let f = Fixture::new();
    corpus(
        &f,
        "suspicious-document00001.txt source-document00002.txt\n\
         suspicious-document00001.txt source-document00003.txt\n",
    );
    let run = pan(&f);
    run.expect_code(0);
    let hit = f.path("out/suspicious-document00001-source-document00002.xml");
    let miss = f.path("out/suspicious-document00001-source-document00003.xml");
    let found = syndic::pan::read_xml(&hit).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d.this_reference, "suspicious-document00001.txt");
    assert_eq!(d.source_reference, "source-document00002.txt");
    // Offsets and lengths count characters: slicing by characters gives the
    // passage back on both sides.
    let by_chars = |text: &str, off: usize, len: usize| -> String {
        text.chars().skip(off).take(len).collect()
    };
    assert_eq!(
        by_chars(&susp_text(), d.this_offset, d.this_length),
        PASSAGE
    );
    assert_eq!(
        by_chars(&src_text(), d.source_offset, d.source_length),
        PASSAGE
    );
    assert!(syndic::pan::read_xml(&miss).unwrap().is_empty());
    // Well-formed, in the PAN format.
    let xml = std::fs::read_to_string(&hit).unwrap();
    assert!(
        xml.starts_with("<document reference=\"suspicious-document00001.txt\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<feature name=\"detected-plagiarism\""),
        "{xml}"
    );
    assert!(xml.trim_end().ends_with("</document>"), "{xml}");
}

#[test]
fn bad_pairs_are_reported_with_their_line_and_the_rest_is_processed() {
    let f = Fixture::new();
    corpus(
        &f,
        "suspicious-document00001.txt source-document00002.txt\n\
         suspicious-document00001.txt\n\
         suspicious-document00009.txt source-document00002.txt\n\
         \n\
         suspicious-document00001.txt source-document00003.txt\n",
    );
    let run = pan(&f);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("pairs: line 2: expected two file names"),
        "{err}"
    );
    assert!(
        err.contains("pairs: line 3:") && err.contains("suspicious-document00009.txt"),
        "{err}"
    );
    assert!(err.contains("2 failed"), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(f.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Only complete outputs, no temporary files.
    assert_eq!(
        names,
        [
            ".syndic-run",
            "suspicious-document00001-source-document00002.xml",
            "suspicious-document00001-source-document00003.xml"
        ]
    );
}

#[test]
fn a_missing_pairs_file_is_fatal() {
    let f = Fixture::new();
    let run = pan(&f);
    run.expect_code(2);
    assert!(run.stderr().contains("pairs"), "{}", run.stderr());
}

fn truth(f: &Fixture, dir: &str, name: &str, features: &[(usize, usize, &str, usize, usize)]) {
    let mut xml = String::from("<document reference=\"suspicious-document00001.txt\">\n");
    for (to, tl, src, so, sl) in features {
        xml.push_str(&format!(
            "<feature name=\"plagiarism\" this_offset=\"{to}\" this_length=\"{tl}\" \
             source_reference=\"{src}\" source_offset=\"{so}\" source_length=\"{sl}\"/>\n"
        ));
    }
    xml.push_str("</document>\n");
    f.write(&format!("{dir}/{name}"), xml);
}

#[test]
fn plagdet_scores_perfect_split_and_wrong_source_detections() {
    let f = Fixture::new();
    let name = "suspicious-document00001-source-document00002.xml";
    let src = "source-document00002.txt";
    truth(&f, "truth", name, &[(100, 400, src, 0, 400)]);
    let score = |dir: &str| -> serde_json::Value {
        let run = f.run(&["plagdet", "truth", dir, "--format", "json"]);
        run.expect_code(0);
        run.json()
    };
    truth(&f, "perfect", name, &[(100, 400, src, 0, 400)]);
    let s = score("perfect");
    assert_eq!(s["plagdet"], 1.0, "{s:#}");

    truth(
        &f,
        "split",
        name,
        &[(100, 200, src, 0, 200), (300, 200, src, 200, 200)],
    );
    let s = score("split");
    assert_eq!(s["granularity"], 2.0, "{s:#}");
    assert!(s["plagdet"].as_f64().unwrap() < 0.64, "{s:#}");

    truth(
        &f,
        "wrong",
        name,
        &[(100, 400, "source-document00003.txt", 0, 400)],
    );
    let s = score("wrong");
    assert_eq!(s["plagdet"], 0.0, "{s:#}");

    // No detection file at all: nothing detected.
    std::fs::create_dir_all(f.path("none")).unwrap();
    let s = score("none");
    assert_eq!(
        (s["plagdet"].as_f64(), s["missing_detection_files"].as_u64()),
        (Some(0.0), Some(1))
    );
}

#[test]
fn plagdet_names_the_file_of_malformed_xml() {
    let f = Fixture::new();
    f.write(
        "truth/x.xml",
        "<document reference=\"s.txt\">\n<feature name=\"plagiarism\" this_offset=\"ten\" this_length=\"1\" source_reference=\"t.txt\" source_offset=\"0\" source_length=\"1\"/>\n</document>\n",
    );
    std::fs::create_dir_all(f.path("det")).unwrap();
    let run = f.run(&["plagdet", "truth", "det"]);
    run.expect_code(2);
    assert!(run.stderr().contains("x.xml: line 2"), "{}", run.stderr());
}

#[test]
fn pan_decodes_forced_and_refuses_under_strict_utf8() {
    let f = Fixture::new();
    let passage = "Caf\u{e9} owners said the new tax would hurt business in the old town this winter, and the council agreed to review it in spring. \
        The mayor told reporters that the levy had been designed for large chains and not for family businesses near the cathedral. \
        Several owners described falling takings since the autumn, when the roadworks on the main square began and visitors stayed away. \
        A decision on the exemptions is expected before the regional elections next year.";
    let latin1: Vec<u8> = format!("Intro line here. {passage} Other closing words.\n")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    f.write("susp/suspicious-document00001.txt", &latin1);
    // --encoding applies to every document: the source is Latin-1 too.
    let src: Vec<u8> = format!("{passage}\n")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    f.write("src/source-document00002.txt", &src);
    f.write(
        "pairs",
        "suspicious-document00001.txt source-document00002.txt\n",
    );
    let args = [
        "pan", "--pairs", "pairs", "--susp", "susp", "--src", "src", "--out", "out",
    ];
    let mut forced = args.to_vec();
    forced.extend(["--encoding", "latin1"]);
    f.run(&forced).expect_code(0);
    let xml =
        std::fs::read_to_string(f.path("out/suspicious-document00001-source-document00002.xml"))
            .unwrap();
    // Offsets in characters of the decoded text: the passage starts after
    // "Intro line here. " (17 characters).
    assert!(xml.contains("this_offset=\"17\""), "{xml}");
    assert!(xml.contains("source_offset=\"0\""), "{xml}");
    let mut strict = args.to_vec();
    strict.push("--strict-utf8");
    let run = f.run(&strict);
    run.expect_code(2);
    assert!(
        run.stderr().contains("suspicious-document00001.txt"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_copy_with_words_replaced_by_synonyms_is_detected() {
    let (susp, src, copy, source) = crate::util::spun_pair();
    let f = Fixture::new();
    f.write("susp/suspicious-document00001.txt", &susp);
    f.write("src/source-document00002.txt", &src);
    f.write(
        "pairs",
        "suspicious-document00001.txt source-document00002.txt\n",
    );
    pan(&f).expect_code(0);
    let found =
        syndic::pan::read_xml(&f.path("out/suspicious-document00001-source-document00002.xml"))
            .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    // The whole copy on both sides, at most a few characters off at an edge
    // (ASCII: characters are bytes).
    let (c, s) = (susp.find(&copy).unwrap(), src.find(&source).unwrap());
    assert!(d.this_offset.abs_diff(c) < 20, "{d:?}");
    assert!(
        (d.this_offset + d.this_length).abs_diff(c + copy.len()) < 20,
        "{d:?}"
    );
    assert!(d.source_offset.abs_diff(s) < 20, "{d:?}");
    assert!(
        (d.source_offset + d.source_length).abs_diff(s + source.len()) < 20,
        "{d:?}"
    );
}
