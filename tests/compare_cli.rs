//! `syndic compare` on small fixtures.

use crate::util::{assert_members_match_files, groups, Fixture};

const SHARED: &str =
    "The council voted on Tuesday to close the old harbour bridge for repairs until next spring.";

fn three_articles(f: &Fixture) {
    f.write(
        "docs/a.txt",
        format!("Bridge to close\n\nCity news in brief. {SHARED} Drivers were angry.\n"),
    );
    f.write(
        "docs/b.txt",
        format!("Harbour bridge shut\n\nResidents reacted with dismay. {SHARED}\n"),
    );
    f.write(
        "docs/c.txt",
        format!("{SHARED}\nThe mayor said the decision was unavoidable and overdue.\n"),
    );
}

#[test]
fn sentence_reused_by_three_articles_is_one_group_of_three() {
    let f = Fixture::new();
    three_articles(&f);
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let report = run.json();
    let verbatim = groups(&report, "verbatim");
    assert_eq!(verbatim.len(), 1, "{report:#}");
    let members = verbatim[0]["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(verbatim[0]["documents"], 3);
    for m in members {
        assert_eq!(m["text"], SHARED);
    }
    assert_members_match_files(&report, f.dir.path());
}

#[test]
fn json_report_has_documented_fields() {
    let f = Fixture::new();
    three_articles(&f);
    let report = f.run(&["compare", "docs", "--format", "json"]).json();
    let ids: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(report["documents"][0]["path"], "docs/a.txt");
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    for p in pairs {
        for field in [
            "jaccard",
            "jaccard_estimate",
            "containment_a_in_b",
            "containment_b_in_a",
        ] {
            let v = p[field].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{field} = {v}");
        }
        assert_eq!(p["shared_sentences"], 1);
    }
    let g = &report["shared"][0];
    assert_eq!(g["kind"], "verbatim");
    assert_eq!(g["similarity"], 1.0);
    let m = &g["members"][0];
    for field in ["doc", "start", "end", "text", "line"] {
        assert!(!m[field].is_null(), "member lacks {field}");
    }
}

#[test]
fn reworded_sentence_is_near_and_offsets_match() {
    let f = Fixture::new();
    f.write(
        "a.txt",
        "Officials confirmed that the northern railway line will reopen to passenger traffic after three months of costly repairs.\nOther news.\n",
    );
    f.write(
        "b.txt",
        "Unrelated opening words here.\nOfficials said that the northern railway line would reopen to passenger traffic after three months of repairs.\n",
    );
    let run = f.run(&["compare", "a.txt", "b.txt", "--format", "json"]);
    run.expect_code(0);
    let report = run.json();
    let near = groups(&report, "near");
    assert_eq!(near.len(), 1, "{report:#}");
    let sim = near[0]["similarity"].as_f64().unwrap();
    assert!(sim > 0.45 && sim < 1.0, "similarity {sim}");
    assert_eq!(near[0]["members"][1]["line"], 2);
    assert!(groups(&report, "verbatim").is_empty());
    assert_members_match_files(&report, f.dir.path());
}

#[test]
fn sentences_sharing_only_a_name_are_not_reported() {
    let f = Fixture::new();
    f.write(
        "a.txt",
        "Secretary of State Rex Tillerson arrived in Moscow late on Tuesday evening for difficult talks.\n",
    );
    f.write(
        "b.txt",
        "Critics in Congress questioned whether Secretary of State Rex Tillerson understood the stakes.\n",
    );
    f.write(
        "c.txt",
        "Syrian President Bashar al-Assad denied any role in the attack during a rare interview.\n",
    );
    f.write(
        "d.txt",
        "Western governments blamed forces loyal to Syrian President Bashar al-Assad for the strike.\n",
    );
    let report = f
        .run(&[
            "compare", "a.txt", "b.txt", "c.txt", "d.txt", "--format", "json",
        ])
        .json();
    assert_eq!(report["shared"].as_array().unwrap().len(), 0, "{report:#}");
}

#[test]
fn page_furniture_is_boilerplate() {
    let f = Fixture::new();
    for (i, body) in [
        "The river flooded three villages overnight, forcing hundreds of families from their homes.",
        "Farmers in the valley say the spring harvest is the best in a decade despite the drought.",
        "A new museum dedicated to maritime history opened its doors to visitors on Saturday morning.",
    ]
    .iter()
    .enumerate()
    {
        f.write(
            &format!("{i}.txt"),
            format!("Adjust Comment Print\n\n{body}\n\nShare this article\n"),
        );
    }
    let report = f.run(&["compare", ".", "--format", "json"]).json();
    let boiler = groups(&report, "boilerplate");
    assert_eq!(boiler.len(), 2, "{report:#}");
    assert!(groups(&report, "verbatim").is_empty());
    for d in report["documents"].as_array().unwrap() {
        assert_eq!(d["boilerplate_sentences"], 2);
        assert_eq!(d["shared_sentences"], 0);
    }
}

#[test]
fn non_ascii_documents_keep_exact_byte_offsets() {
    let f = Fixture::new();
    let shared = "Le président a déclaré à la presse que la réforme des retraites serait adoptée «sans délai» cet été.";
    f.write(
        "fr1.txt",
        format!("Économie — «Réforme»\n\nÀ Paris, jeudi. {shared}\n"),
    );
    f.write("fr2.txt", format!("Ça continue… 😀 {shared} Fin.\n"));
    let report = f
        .run(&["compare", "fr1.txt", "fr2.txt", "--format", "json"])
        .json();
    let verbatim = groups(&report, "verbatim");
    assert_eq!(verbatim.len(), 1, "{report:#}");
    assert_eq!(verbatim[0]["members"][0]["text"], shared);
    assert_members_match_files(&report, f.dir.path());
}

#[test]
fn same_output_at_one_and_two_threads() {
    let f = Fixture::new();
    three_articles(&f);
    f.write(
        "docs/d.txt",
        "Officials said that the northern railway line would reopen to passenger traffic after three months of repairs.\n",
    );
    f.write(
        "docs/e.txt",
        "Officials confirmed that the northern railway line will reopen to passenger traffic after three months of costly repairs.\n",
    );
    let one = f.run(&["compare", "docs", "--format", "json", "--threads", "1"]);
    let two = f.run(&["compare", "docs", "--format", "json", "--threads", "2"]);
    one.expect_code(0);
    assert_eq!(one.output.stdout, two.output.stdout);
    let text1 = f.run(&["compare", "docs", "--threads", "1"]);
    let text2 = f.run(&["compare", "docs", "--threads", "2"]);
    assert_eq!(text1.output.stdout, text2.output.stdout);
}

#[test]
fn seed_is_reported_and_does_not_change_exact_results() {
    let f = Fixture::new();
    three_articles(&f);
    let a = f
        .run(&["compare", "docs", "--format", "json", "--seed", "1"])
        .json();
    let b = f
        .run(&["compare", "docs", "--format", "json", "--seed", "2"])
        .json();
    assert_eq!(a["params"]["seed"], 1);
    assert_eq!(a["shared"], b["shared"]);
    for (pa, pb) in a["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["pairs"].as_array().unwrap())
    {
        assert_eq!(pa["jaccard"], pb["jaccard"]);
    }
}

#[test]
fn output_file_is_written_whole_and_no_temporary_is_left() {
    let f = Fixture::new();
    three_articles(&f);
    let stdout = f.run(&["compare", "docs", "--format", "json"]);
    let to_file = [
        "compare",
        "docs",
        "--format",
        "json",
        "-o",
        "out/report.json",
    ];
    f.run(&to_file).expect_code(2); // out/ does not exist
    assert!(!f.path("out").exists());
    std::fs::create_dir(f.path("out")).unwrap();
    f.run(&to_file).expect_code(0);
    let written = std::fs::read(f.path("out/report.json")).unwrap();
    assert_eq!(written, stdout.output.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.path("out/report.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "report is readable like any file");
    }
    let leftovers: Vec<_> = std::fs::read_dir(f.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["report.json"]);
}

#[test]
fn text_report_shows_table_matrix_and_groups() {
    let f = Fixture::new();
    three_articles(&f);
    let run = f.run(&["compare", "docs"]);
    run.expect_code(0);
    let out = run.stdout();
    for needle in [
        "DOCUMENTS",
        "SIMILARITY",
        "SHARED SENTENCES",
        "verbatim, in 3 documents",
        "a:3",
        SHARED,
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn invalid_parameters_are_rejected() {
    let f = Fixture::new();
    three_articles(&f);
    for args in [
        ["--threshold", "1.5"],
        ["--threshold", "0"],
        ["--permutations", "0"],
        ["--shingle", "0"],
        ["--threads", "0"],
    ] {
        let run = f.run(&["compare", "docs", args[0], args[1]]);
        run.expect_code(2);
        assert!(run.stderr().contains("error"), "{}", run.stderr());
    }
}

#[test]
fn help_lists_subcommands_in_the_order_a_user_meets_them() {
    let f = Fixture::new();
    let help = f.run(&["--help"]);
    help.expect_code(0);
    let out = help.stdout();
    let at = |name: &str| {
        out.find(&format!("\n  {name} "))
            .unwrap_or_else(|| panic!("{name} not in --help:\n{out}"))
    };
    let order = [
        "compare", "align", "dedup", "synth", "eval", "pan", "plagdet",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} after {}:\n{out}", w[0], w[1]);
    }
}

#[test]
fn completions_and_man_page_come_from_the_same_definitions() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = f.run(&["completions", shell]);
        run.expect_code(0);
        assert!(run.stdout().contains("dedup"), "{shell}: {}", run.stdout());
    }
    let man = f.run(&["man"]);
    man.expect_code(0);
    assert!(man.stdout().contains(".TH syndic 1"));
    assert!(man.stdout().contains("compare"));
    f.run(&["completions", "nope"]).expect_code(2);
}

#[test]
fn completions_into_a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_syndic"))
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

const WIRE: &str = "The city council approved a new budget for public transport on Monday evening after a long debate.
The plan adds forty electric buses to the fleet and extends night services on six routes.
Officials said the cost of the programme would be covered by a regional grant and higher parking fees.
Opposition members argued that the fare increase would hurt commuters on low incomes.
The mayor promised that the first new buses would be on the streets before the end of the year.
A public consultation on the new timetable will open next month.
";
const INSERTED: &str = "Our reporter watched the vote from a crowded gallery where several pensioners waved handmade banners.";
const DROPPED: &str = "Officials said the cost of the programme would be covered by a regional grant and higher parking fees.";

/// A paper republishes a wire story, inserts a sentence of its own after
/// the first and drops the third: the inserted sentence is the paper's own,
/// the dropped one the wire's, and the shares count only aligned text.
#[test]
fn inserted_sentence_is_own_and_dropped_sentence_is_not_reused() {
    let f = Fixture::new();
    let lines: Vec<&str> = WIRE.lines().collect();
    let paper = [lines[0], INSERTED, lines[1], lines[3], lines[4], lines[5]].join("\n") + "\n";
    f.write("docs/wire.txt", WIRE);
    f.write("docs/paper.txt", &paper);
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let r = run.json();
    let doc = |id: &str| {
        r["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap()
            .clone()
    };
    let covers = |d: &serde_json::Value, text: &str, whole: &str| {
        let start = whole.find(text).unwrap();
        let end = start + text.len() - 1; // the full stop may stay outside
        d["own"].as_array().unwrap().iter().any(|o| {
            o["start"].as_u64().unwrap() as usize <= start
                && end <= o["end"].as_u64().unwrap() as usize
        })
    };
    let (p, w) = (doc("paper"), doc("wire"));
    assert!(covers(&p, INSERTED, &paper), "{p:#}");
    assert!(covers(&w, DROPPED, WIRE), "{w:#}");
    let words = |s: &str| s.split_whitespace().count() as f64;
    let truth_p = 1.0 - words(INSERTED) / words(&paper);
    let truth_w = 1.0 - words(DROPPED) / words(WIRE);
    assert!(
        (p["reused_fraction"].as_f64().unwrap() - truth_p).abs() <= 0.02,
        "{p:#}"
    );
    assert!(
        (w["reused_fraction"].as_f64().unwrap() - truth_w).abs() <= 0.02,
        "{w:#}"
    );
    // The passage says where its gaps are, on both sides.
    let passages = r["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{passages:#?}");
    let gaps = passages[0]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2, "{gaps:#?}");
    let gap_text = |side: &str| {
        gaps.iter()
            .find(|g| g["side"] == side)
            .map(|g| g["text"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (pa, pb) = (
        passages[0]["a"]["doc"].as_str().unwrap(),
        passages[0]["b"]["doc"].as_str().unwrap(),
    );
    let (in_a, in_b) = if pa == "paper" {
        (INSERTED, DROPPED)
    } else {
        (DROPPED, INSERTED)
    };
    assert_eq!(pb == "paper", pa == "wire");
    assert_eq!(gap_text("a"), in_a);
    assert_eq!(gap_text("b"), in_b);
    // The text report marks them.
    let text = f.run(&["compare", "docs"]);
    text.expect_code(0);
    let out = text.stdout();
    assert!(out.contains("words added] ..."), "{out}");
}

/// Three sentences, the middle one different in each article: the middle
/// sentences are each article's own, not "100% found elsewhere".
#[test]
fn a_replaced_middle_sentence_is_own_on_both_sides() {
    let f = Fixture::new();
    let first = "The regional parliament passed the water protection law with a large majority late on Thursday night.";
    let last = "The law takes effect in January and will be reviewed by an independent panel after three years.";
    let mid_a = "Farmers in the northern valleys staged a protest with tractors outside the building all afternoon.";
    let mid_b = "Environmental groups welcomed the decision but warned that enforcement would need more inspectors.";
    f.write("docs/a.txt", format!("{first} {mid_a} {last}\n"));
    f.write("docs/b.txt", format!("{first} {mid_b} {last}\n"));
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let r = run.json();
    for (id, mid) in [("a", mid_a), ("b", mid_b)] {
        let d = r["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap();
        let own: Vec<&str> = d["own"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["text"].as_str().unwrap())
            .collect();
        assert!(
            own.iter()
                .any(|o| mid.starts_with(o) && o.len() + 1 >= mid.len()),
            "{id}: {own:?}"
        );
        let f = d["reused_fraction"].as_f64().unwrap();
        assert!(f < 0.75 && f > 0.55, "{id}: reused {f}");
    }
}

/// Two articles whose only common words are names and a title: no passage.
#[test]
fn a_short_run_of_names_is_not_a_quote() {
    let f = Fixture::new();
    f.write("docs/a.txt", "Officials met President Donald Trump at the airport before the summit began in the rain.\nLater the delegation visited a school.\n");
    f.write("docs/b.txt", "Protesters waited for President Donald Trump outside the hotel on a cold morning.\nNobody was arrested, police said.\n");
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let r = run.json();
    assert_eq!(
        r["passages"].as_array().unwrap().len(),
        0,
        "{:#}",
        r["passages"]
    );
}

/// A short quote followed by a changed word and an equal stopword ("...
/// overnight. Farmers to" / "... overnight. Bankers to"): the quote ends
/// with its own words, and the stopword after the change stays each
/// article's own text.
#[test]
fn a_short_quote_takes_no_stopword_across_a_changed_word() {
    let f = Fixture::new();
    f.write("docs/a.txt", "Officials confirmed the copper turbine gasket ruptured twice overnight. Farmers to the north were evacuated before dawn.\n");
    f.write("docs/b.txt", "A spokesman said the copper turbine gasket ruptured twice overnight. Bankers to the south complained about the noise.\n");
    let run = f.run(&["compare", "docs", "--format", "json"]);
    run.expect_code(0);
    let r = run.json();
    let passages = r["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{:#}", r["passages"]);
    for side in ["a", "b"] {
        assert_eq!(
            passages[0][side]["text"], "the copper turbine gasket ruptured twice overnight.",
            "{:#}",
            passages[0]
        );
    }
    for (id, own) in [("a", "Farmers to the north"), ("b", "Bankers to the south")] {
        let d = r["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap();
        assert!(
            d["own"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["text"].as_str().unwrap().starts_with(own)),
            "{id}: {:#}",
            d["own"]
        );
    }
}
