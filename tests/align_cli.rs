//! `syndic align` and the passages of `syndic compare`.

use crate::util::{assert_members_match_files, assert_side_matches, Fixture};

const COPIED: &str = "The regional water board approved a plan on Thursday to rebuild the \
old pumping station on the river. Engineers said the station, built in 1931, can no longer \
keep up with demand during the dry summer months. Construction is expected to begin next \
spring and to last about eighteen months.";

fn doc_a() -> String {
    format!(
        "Residents of the valley have complained for years about low pressure in their taps. \
         {COPIED} The mayor welcomed the decision at a press conference in the town hall.\n"
    )
}

fn doc_b() -> String {
    format!(
        "WATER NEWS\n\nFarmers upstream are worried about the cost of irrigation this year. \
         {COPIED} Critics of the plan argued that a new reservoir would serve the region better.\n"
    )
}

fn passages(run: &serde_json::Value) -> &Vec<serde_json::Value> {
    run["passages"].as_array().unwrap()
}

/// Words of the first document aligned in all of a report's passages.
fn aligned_in_first(run: &serde_json::Value) -> u64 {
    passages(run)
        .iter()
        .map(|p| p["a"]["aligned_words"].as_u64().unwrap())
        .sum()
}

#[test]
fn a_copied_run_of_sentences_is_one_verbatim_passage_with_exact_offsets() {
    let f = Fixture::new();
    let a = f.write("a.txt", doc_a());
    let b = f.write("b.txt", doc_b());
    let run = f.run(&["align", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    let p = &ps[0];
    assert_eq!(p["edit"], "verbatim");
    assert_eq!(p["a"]["text"], COPIED);
    assert_eq!(p["b"]["text"], COPIED);
    assert_side_matches(&p["a"], &std::fs::read(a).unwrap());
    assert_side_matches(&p["b"], &std::fs::read(b).unwrap());
    assert_eq!(p["a"]["words"], 50);
}

#[test]
fn offsets_match_the_bytes_in_non_ascii_documents() {
    let f = Fixture::new();
    let copied = "Le conseil régional a approuvé jeudi un plan pour reconstruire la vieille \
                  station de pompage sur la rivière. Les ingénieurs ont déclaré que la station, \
                  construite en 1931, ne suffit plus à la demande pendant les mois d’été.";
    let a = f.write(
        "a.txt",
        format!("Über die Brücke — 東京 の ニュース 🚰. {copied} Fin de l’article, ça va.\n"),
    );
    let b = f.write(
        "b.txt",
        format!("« Dépêche » Ωmega ünïcödé. {copied} Autre chose: naïveté.\n"),
    );
    let run = f.run(&["align", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    let p = &ps[0];
    assert_side_matches(&p["a"], &std::fs::read(a).unwrap());
    assert_side_matches(&p["b"], &std::fs::read(b).unwrap());
    assert_eq!(p["a"]["text"], copied);
    // Characters, not bytes: the prefix has multi-byte characters.
    assert!(p["a"]["char_start"].as_u64() < p["a"]["start"].as_u64());
}

#[test]
fn an_edited_copy_is_labelled_edited_and_a_reordered_one_reordered() {
    let f = Fixture::new();
    let edited = COPIED
        .replace("approved", "passed")
        .replace("dry summer months", "hot dry months")
        .replace("about eighteen", "roughly 18");
    f.write("a.txt", doc_a());
    f.write(
        "b.txt",
        format!(
            "Farmers upstream are worried about the cost of irrigation. {edited} Nothing else.\n"
        ),
    );
    let r = f
        .run(&["align", "--format", "json", "a.txt", "b.txt"])
        .json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    assert_eq!(ps[0]["edit"], "edited", "{r:#}");

    // The same three sentences, in another order.
    let s: Vec<&str> = COPIED.split_inclusive(". ").collect();
    let reordered = format!("{} {} {}", s[2], s[0].trim_end(), s[1].trim_end());
    f.write(
        "c.txt",
        format!("Farmers upstream are worried about the cost of irrigation. {reordered} Nothing else.\n"),
    );
    let r = f
        .run(&["align", "--format", "json", "a.txt", "c.txt"])
        .json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    assert_eq!(ps[0]["edit"], "reordered", "{r:#}");
}

#[test]
fn documents_sharing_only_names_share_no_passage() {
    let f = Fixture::new();
    f.write(
        "a.txt",
        "Secretary of State Rex Tillerson arrived in Moscow on Tuesday. The talks lasted two hours \
         and ended without a statement. Officials described the mood as cold.\n",
    );
    f.write(
        "b.txt",
        "Bakers in Lyon have a new favourite pastry this winter. Secretary of State Rex Tillerson \
         was not mentioned once at the annual fair. Prices of butter rose again.\n",
    );
    let r = f
        .run(&["align", "--format", "json", "a.txt", "b.txt"])
        .json();
    assert!(passages(&r).is_empty(), "{r:#}");
    assert_eq!(r["a"]["reused_fraction"], 0.0);
}

#[test]
fn text_report_shows_both_locations() {
    let f = Fixture::new();
    f.write("a.txt", doc_a());
    f.write("b.txt", doc_b());
    let run = f.run(&["align", "a.txt", "b.txt"]);
    run.expect_code(0);
    let out = run.stdout();
    assert!(out.contains("1 passages shared by a and b"), "{out}");
    assert!(out.contains("verbatim"), "{out}");
    assert!(out.contains("a:1 (bytes 84..373, chars 84..373)"), "{out}");
    assert!(
        out.contains("b:3 (bytes 81..370, chars 81..370) the same words"),
        "{out}"
    );
}

#[test]
fn a_missing_document_is_named() {
    let f = Fixture::new();
    f.write("a.txt", doc_a());
    let run = f.run(&["align", "a.txt", "nope.txt"]);
    run.expect_code(2);
    assert!(run.stderr().contains("nope.txt"), "{}", run.stderr());
}

#[test]
fn compare_reports_passages_what_each_document_takes_and_what_it_adds() {
    let f = Fixture::new();
    f.write("docs/a.txt", doc_a());
    f.write("docs/b.txt", doc_b());
    f.write(
        "docs/c.txt",
        "A completely different story about a football match in the rain. The home side won \
         three goals to one after a late rally in the second half.\n",
    );
    let run = f.run(&["compare", "--format", "json", "docs"]);
    run.expect_code(0);
    let r = run.json();
    assert_members_match_files(&r, f.dir.path());
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    assert_eq!(
        (&ps[0]["a"]["doc"], &ps[0]["b"]["doc"]),
        (&"a".into(), &"b".into())
    );
    let docs = r["documents"].as_array().unwrap();
    let a = &docs[0];
    assert_eq!(a["reused_words"], 50);
    assert_eq!(a["found_in"][0]["doc"], "b");
    assert_eq!(a["found_in"][0]["words"], 50);
    // What a adds: its lead and its last sentence, nothing of the copy.
    let own: Vec<&str> = a["own"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert_eq!(own.len(), 2, "{own:?}");
    assert!(own[0].starts_with("Residents of the valley"), "{own:?}");
    assert!(own[1].starts_with("The mayor welcomed"), "{own:?}");
    // The unrelated document takes nothing and adds everything.
    let c = &docs[2];
    assert_eq!(c["reused_fraction"], 0.0);
    assert!(c["found_in"].as_array().unwrap().is_empty());
    assert_eq!(c["own"].as_array().unwrap().len(), 1);
}

#[test]
fn unpunctuated_documents_align_like_any_other() {
    // One paragraph each, no full stop anywhere: one unit per document.
    let f = Fixture::new();
    let run = "the council met on Tuesday to discuss the budget for next year and the new bridge over the river which will cost more than expected according to the engineers";
    f.write(
        "a.txt",
        format!("{run} who reviewed the plans last month\n"),
    );
    f.write(
        "b.txt",
        format!("In other news residents complained about noise {run} while farmers worried\n"),
    );
    let out = f.run(&["align", "a.txt", "b.txt", "--format", "json"]);
    out.expect_code(0);
    let v = out.json();
    let passages = v["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{v:#}");
    let text = passages[0]["b"]["text"].as_str().unwrap();
    assert!(text.contains("council met on Tuesday"), "{text}");
    assert!(text.contains("according to the engineers"), "{text}");
}

#[test]
fn a_single_sentence_document_aligns_inside_a_longer_one() {
    let f = Fixture::new();
    let s = "The harbour authority will close the old swing bridge for repairs from Monday until the end of the summer season.";
    f.write("a.txt", format!("{s}\n"));
    f.write(
        "b.txt",
        format!("Traffic news. Buses will be diverted through the town centre. {s} Ferries run as usual.\n"),
    );
    let out = f.run(&["align", "a.txt", "b.txt", "--format", "json"]);
    out.expect_code(0);
    let v = out.json();
    assert_eq!(v["passages"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["passages"][0]["a"]["text"], s);
    assert_eq!(v["passages"][0]["b"]["text"], s);
}

/// `n` sentences of made-up words no other text shares (a different
/// vocabulary for every `salt`).
fn filler(n: usize, salt: u64) -> String {
    let word = |i: usize, k: usize| -> String {
        let mut x = (salt * 1_000_003 + i as u64 * 131 + k as u64 * 7 + 1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..7)
            .map(|_| {
                x = x.rotate_left(5).wrapping_mul(0x0000_0100_0000_01B3) ^ 0x5555;
                (b'a' + (x % 26) as u8) as char
            })
            .collect()
    };
    (0..n)
        .map(|i| {
            format!(
                "The {} and the {} met a {} near the {} {}.",
                word(i, 0),
                word(i, 1),
                word(i, 2),
                word(i, 3),
                word(i, 4)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const FIRST_COPY: &str = "The harbour authority published its annual report on Monday, \
showing that container traffic through the port rose by a third last year while bulk cargo \
fell slightly. Officials credited the new deep water berth, which opened in March and can \
handle the largest ships now sailing between Asia and northern Europe.";

const SECOND_COPY: &str = "Separately, the city council voted to close the old ferry \
terminal at the end of the summer season. Commuters who rely on the crossing will be offered \
a shuttle bus, although campaigners say the journey will take twice as long and cost more \
for families living on the island.";

#[test]
fn pan_settings_report_copies_from_two_places_of_the_source_as_two_exact_passages() {
    // The two copies are side by side in `a` and far apart, in the other
    // order, in `b`: one passage spanning both would claim the source's
    // text between them.
    let f = Fixture::new();
    let a = format!(
        "{} {FIRST_COPY} {SECOND_COPY} {}\n",
        filler(6, 1),
        filler(6, 2)
    );
    let b = format!(
        "{} {SECOND_COPY} {} {FIRST_COPY} {}\n",
        filler(4, 3),
        filler(40, 4),
        filler(4, 5)
    );
    let pa = f.write("a.txt", &a);
    let pb = f.write("b.txt", &b);
    let run = f.run(&["align", "--pan", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 2, "{r:#}");
    for (p, text) in ps.iter().zip([FIRST_COPY, SECOND_COPY]) {
        assert_eq!(p["edit"], "verbatim", "{r:#}");
        assert_eq!(p["a"]["text"], text, "{r:#}");
        assert_eq!(p["b"]["text"], text, "{r:#}");
        assert_side_matches(&p["a"], &std::fs::read(&pa).unwrap());
        assert_side_matches(&p["b"], &std::fs::read(&pb).unwrap());
    }
}

/// Made-up word `k` of sentence `i` of vocabulary `salt`.
fn made_up(salt: u64, i: usize, k: usize) -> String {
    let mut x =
        (salt * 1_000_003 + i as u64 * 131 + k as u64 * 7 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..8)
        .map(|_| {
            x = x.rotate_left(5).wrapping_mul(0x0000_0100_0000_01B3) ^ 0x5555;
            (b'a' + (x % 26) as u8) as char
        })
        .collect()
}

#[test]
fn pan_settings_report_a_summary_against_the_whole_region_it_condenses() {
    // The source: 48 sentences of six content words each. The summary: six
    // sentences, sentence j taking four words of source sentence 8j + 4
    // (its seed) and two of each of 8j, 8j + 2 and 8j + 6, so that the
    // condensed region runs from sentence 0 to sentence 46 while the seeds
    // run only from 4 to 44.
    let src: Vec<Vec<String>> = (0..48)
        .map(|i| (0..6).map(|k| made_up(7, i, k)).collect())
        .collect();
    let b = src
        .iter()
        .map(|w| {
            format!(
                "The {} and the {} of a {} with the {} for {} and {}.",
                w[0], w[1], w[2], w[3], w[4], w[5]
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let summary = (0..6)
        .map(|j| {
            let (s, p, q, r) = (
                &src[8 * j + 4],
                &src[8 * j],
                &src[8 * j + 2],
                &src[8 * j + 6],
            );
            format!(
                "The {} and {} of the {} {}, with {} {}, {} {} and {} {}.",
                s[0], s[1], s[2], s[3], p[0], p[1], q[0], q[1], r[0], r[1]
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let a = format!("{} {summary} {}\n", filler(10, 11), filler(10, 12));
    let f = Fixture::new();
    let pa = f.write("a.txt", &a);
    let pb = f.write("b.txt", format!("{b}\n"));
    let args = [
        "align",
        "--language",
        "en",
        "--format",
        "json",
        "a.txt",
        "b.txt",
    ];
    let mut pan_args = args.to_vec();
    pan_args.insert(1, "--pan");
    let run = f.run(&pan_args);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#}");
    let p = &ps[0];
    assert_side_matches(&p["a"], &std::fs::read(&pa).unwrap());
    assert_side_matches(&p["b"], &std::fs::read(&pb).unwrap());
    let at = |text: &str, w: &str| text.find(w).unwrap() as u64;
    // The summary side is the summary, none of the text around it.
    let (a0, a1) = (at(&a, &summary), at(&a, &summary) + summary.len() as u64);
    let (sa, ea) = (
        p["a"]["start"].as_u64().unwrap(),
        p["a"]["end"].as_u64().unwrap(),
    );
    assert!(a0 <= sa && sa <= a0 + 4 && ea == a1, "{r:#}");
    // The source side runs from the first condensed sentence (the whole
    // of it: only its first word, "The", is left of the first condensed
    // word) to the last condensed word (ten words are left of that
    // sentence, more than a side takes in).
    let (b0, b1) = (
        at(&b, &src[0][0]) - "The ".len() as u64,
        at(&b, &src[46][1]) + src[46][1].len() as u64,
    );
    let (sb, eb) = (
        p["b"]["start"].as_u64().unwrap(),
        p["b"]["end"].as_u64().unwrap(),
    );
    assert_eq!((sb, eb), (b0, b1), "{r:#}");
    // The editor's settings end the passage where the matched words end.
    let run = f.run(&args);
    let r = run.json();
    assert!(
        passages(&r)
            .iter()
            .all(|p| p["b"]["start"].as_u64().unwrap() > b0),
        "{r:#}"
    );
}

#[test]
fn pan_settings_join_summary_pieces_next_to_each_other_into_one_summary() {
    // Two pieces side by side in the suspicious document, condensing two
    // places of the source 26 sentences apart (beyond the summary
    // clustering's reach): PAN's settings report one summary from the
    // first piece's source to the second's; the editor's report the two
    // pieces as they are.
    let src: Vec<Vec<String>> = (0..40)
        .map(|i| (0..6).map(|k| made_up(9, i, k)).collect())
        .collect();
    let sentence = |w: &[String], lead: &str| {
        format!(
            "{lead} {} and the {} of a {} with the {} for {} and {}.",
            w[0], w[1], w[2], w[3], w[4], w[5]
        )
    };
    let b = src
        .iter()
        .map(|w| sentence(w, "The"))
        .collect::<Vec<_>>()
        .join(" ");
    // Lightly edited pieces of two sentences (no verbatim run long enough
    // to make the pair a verbatim pair).
    let piece = |r: std::ops::Range<usize>| {
        src[r]
            .iter()
            .map(|w| sentence(w, "A"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (p1, p2) = (piece(2..4), piece(30..32));
    let a = format!("{} {p1} {p2} {}\n", filler(10, 13), filler(10, 14));
    let f = Fixture::new();
    let pa = f.write("a.txt", &a);
    let pb = f.write("b.txt", format!("{b}\n"));
    let args = [
        "align",
        "--language",
        "en",
        "--format",
        "json",
        "a.txt",
        "b.txt",
    ];
    let at = |text: &str, w: &str| text.find(w).unwrap() as u64;
    let span = |p: &serde_json::Value, side: &str| {
        (
            p[side]["start"].as_u64().unwrap(),
            p[side]["end"].as_u64().unwrap(),
        )
    };
    let r = f.run(&args).json();
    assert_eq!(passages(&r).len(), 2, "{r:#}");
    let mut pan_args = args.to_vec();
    pan_args.insert(1, "--pan");
    let run = f.run(&pan_args);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#} {}", run.stderr());
    assert_side_matches(&ps[0]["a"], &std::fs::read(&pa).unwrap());
    assert_side_matches(&ps[0]["b"], &std::fs::read(&pb).unwrap());
    let (sa, ea) = span(&ps[0], "a");
    assert!(
        sa <= at(&a, &src[2][0]) && ea >= at(&a, &p2) + p2.len() as u64 - 1,
        "{r:#}"
    );
    let (sb, eb) = span(&ps[0], "b");
    assert!(sb <= at(&b, &src[2][0]), "{r:#}");
    assert!(eb >= at(&b, &src[31][5]) + src[31][5].len() as u64, "{r:#}");
    assert!(eb <= at(&b, &src[32][0]), "{r:#}");
}

#[test]
fn pan_settings_join_a_one_sentence_summary_piece() {
    // A summary of two pieces: two sentences condensing the source's
    // sentences 2 and 3, then one sentence condensing sentence 30, shorter
    // than a PAN case (150 characters) on both sides. The short piece is
    // kept for the summary: PAN's settings report one summary from the
    // source's sentence 2 to its sentence 30.
    let src: Vec<Vec<String>> = (0..40)
        .map(|i| (0..6).map(|k| made_up(9, i, k)).collect())
        .collect();
    let sentence = |w: &[String], lead: &str| {
        format!(
            "{lead} {} and the {} of a {} with the {} for {} and {}.",
            w[0], w[1], w[2], w[3], w[4], w[5]
        )
    };
    let b = src
        .iter()
        .map(|w| sentence(w, "The"))
        .collect::<Vec<_>>()
        .join(" ");
    let piece = |r: std::ops::Range<usize>| {
        src[r]
            .iter()
            .map(|w| sentence(w, "A"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (p1, p2) = (piece(2..4), piece(30..31));
    assert!(p2.chars().count() < 150 && sentence(&src[30], "The").chars().count() < 150);
    let a = format!("{} {p1} {p2} {}\n", filler(10, 13), filler(10, 14));
    let f = Fixture::new();
    let pa = f.write("a.txt", &a);
    let pb = f.write("b.txt", format!("{b}\n"));
    let run = f.run(&[
        "align",
        "--pan",
        "--language",
        "en",
        "--format",
        "json",
        "a.txt",
        "b.txt",
    ]);
    run.expect_code(0);
    let r = run.json();
    let ps = passages(&r);
    assert_eq!(ps.len(), 1, "{r:#} {}", run.stderr());
    assert_side_matches(&ps[0]["a"], &std::fs::read(&pa).unwrap());
    assert_side_matches(&ps[0]["b"], &std::fs::read(&pb).unwrap());
    let at = |text: &str, w: &str| text.find(w).unwrap() as u64;
    let (ea, sb, eb) = (
        ps[0]["a"]["end"].as_u64().unwrap(),
        ps[0]["b"]["start"].as_u64().unwrap(),
        ps[0]["b"]["end"].as_u64().unwrap(),
    );
    assert!(ea >= at(&a, &p2) + p2.len() as u64 - 1, "{r:#}");
    assert!(sb <= at(&b, &src[2][0]), "{r:#}");
    assert!(eb >= at(&b, &src[30][5]) + src[30][5].len() as u64, "{r:#}");
}

#[test]
fn align_pan_and_synonyms_match_words_replaced_by_synonyms_and_the_editor_does_not() {
    let (susp, src, copy, _) = crate::util::spun_pair();
    let f = Fixture::new();
    f.write("a.txt", &susp);
    f.write("b.txt", &src);
    let run = f.run(&["align", "--pan", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let pan = run.json();
    let ps = passages(&pan);
    assert_eq!(ps.len(), 1, "{pan}");
    let start = susp.find(&copy).unwrap();
    let side = &ps[0]["a"];
    assert!(
        side["start"].as_u64().unwrap().abs_diff(start as u64) < 20,
        "{side}"
    );
    assert!(side["aligned_words"].as_u64().unwrap() >= 40, "{side}");
    // The editor reports reused words, and a synonym is not the same word:
    // what it finds is at most the few words left unchanged.
    let run = f.run(&["align", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let editor = run.json();
    assert!(aligned_in_first(&editor) < 20, "{editor}");
    // Unless asked to.
    let run = f.run(&["align", "--synonyms", "--format", "json", "a.txt", "b.txt"]);
    run.expect_code(0);
    let spun = run.json();
    assert!(aligned_in_first(&spun) >= 40, "{spun}");
}
