//! The stage executor (`syndic::dedup::stages`, issue 15) against the
//! single-machine run: on synthetic crawls with copies, near copies, a
//! bucket over the cap and an empty document, split over several input
//! files, every output is byte-identical for every number of partitions
//! (`stats.json` after removing `work`, `seconds` and `peak_rss_bytes`,
//! which count the execution, not the result).

use std::path::{Path, PathBuf};

use syndic::dedup::stages::{run_local, Plan};
use syndic::dedup::synth::{Crawl, CrawlConfig};
use syndic::dedup::{DedupConfig, Deduper, NoProgress, Verify};
use syndic::source::expand_inputs;

use crate::util::Fixture;

/// A crawl of `docs` documents from `seed`, 40 copies of one page (a
/// bucket over the cap of 16 used below) and an empty record, written
/// round-robin-free as `files` consecutive JSON Lines files.
fn crawl(f: &Fixture, docs: usize, seed: u64, files: usize) -> Vec<PathBuf> {
    let c = Crawl::new(CrawlConfig {
        docs,
        seed,
        target_bytes: 600,
        ..CrawlConfig::default()
    });
    let mut lines: Vec<String> = (0..c.len())
        .map(|i| {
            let d = c.document(i);
            serde_json::json!({"id": c.id(i), "text": d.text}).to_string()
        })
        .collect();
    let page = c.document(0).text;
    for k in 0..40 {
        let at = (k * 7 + 3) % lines.len();
        lines.insert(
            at,
            serde_json::json!({"id": format!("boiler{k}"), "text": page}).to_string(),
        );
    }
    lines.insert(
        lines.len() / 2,
        r#"{"id": "empty", "text": "..."}"#.to_string(),
    );
    let per = lines.len().div_ceil(files);
    lines
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| f.write(&format!("in/part-{i:02}.jsonl"), chunk.join("\n") + "\n"))
        .collect()
}

fn config(verify: Verify, write_deduped: bool) -> DedupConfig {
    DedupConfig {
        verify,
        write_deduped,
        bucket_cap: 16,
        batch_bytes: 50_000,
        ..DedupConfig::default()
    }
}

fn single_machine(inputs: &[PathBuf], config: &DedupConfig, out: &Path) {
    let sources = expand_inputs(inputs, None).unwrap();
    let mut d = Deduper::new(config.clone())
        .unwrap()
        .run(sources, &NoProgress)
        .unwrap();
    std::fs::create_dir_all(out).unwrap();
    syndic::report::dedup::write_outputs(
        out,
        &mut d,
        config.write_deduped,
        &NoProgress,
        std::time::Instant::now(),
    )
    .unwrap();
}

fn staged(inputs: &[PathBuf], config: &DedupConfig, partitions: usize, work: &Path, out: &Path) {
    let sources = expand_inputs(inputs, None).unwrap();
    let plan = Plan::create(work, sources, config, partitions).unwrap();
    run_local(&plan, &|_, _, _| {}).unwrap();
    std::fs::create_dir_all(out).unwrap();
    syndic::report::dedup::write_stage_outputs(out, &plan).unwrap();
}

/// stats.json without what measures the execution.
fn result_stats(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("stats.json")).unwrap()).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in ["work", "seconds", "peak_rss_bytes"] {
        o.remove(k).unwrap();
    }
    v
}

fn assert_same(a: &Path, b: &Path) {
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            // The marker of a directory the binary made, not an output.
            .filter(|n| n != ".syndic-run")
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b), "{} vs {}", a.display(), b.display());
    for name in names(a).iter().filter(|n| *n != "stats.json") {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        if x != y {
            let (xs, ys) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
            let (xl, yl): (Vec<&str>, Vec<&str>) = (xs.lines().collect(), ys.lines().collect());
            let i = (0..xl.len().max(yl.len()))
                .find(|&i| xl.get(i) != yl.get(i))
                .unwrap_or(0);
            panic!(
                "{name} differs ({} vs {} lines), first at line {}:\n single machine: {:?}\n stages:         {:?}",
                xl.len(),
                yl.len(),
                i + 1,
                xl.get(i),
                yl.get(i)
            );
        }
    }
    assert_eq!(result_stats(a), result_stats(b));
}

#[test]
fn stages_equal_the_single_machine_run_at_every_partition_count() {
    let cases = [
        (Verify::Auto, true, 400, 11, 3),
        (Verify::Signature, false, 300, 12, 1),
        (Verify::Exact, true, 300, 13, 4),
        (Verify::Auto, false, 500, 14, 5),
    ];
    for (case, &(verify, write_deduped, docs, seed, files)) in cases.iter().enumerate() {
        let f = Fixture::new();
        let inputs = crawl(&f, docs, seed, files);
        let config = config(verify, write_deduped);
        let cli = f.path("cli");
        single_machine(&inputs, &config, &cli);
        let clusters = std::fs::read_to_string(cli.join("clusters.jsonl")).unwrap();
        assert!(
            clusters.lines().count() > 50,
            "case {case}: the crawl has clusters"
        );
        let mut exact_checks = Vec::new();
        for partitions in 1..=5 {
            let (work, out) = (
                f.path(&format!("work{partitions}")),
                f.path(&format!("out{partitions}")),
            );
            staged(&inputs, &config, partitions, &work, &out);
            assert_same(&cli, &out);
            let stats: serde_json::Value =
                serde_json::from_slice(&std::fs::read(out.join("stats.json")).unwrap()).unwrap();
            exact_checks.push(stats["work"]["exact_checks"].as_u64().unwrap());
        }
        // A pair proposed in several partitions (several bands) is routed
        // to one filter task and checked once: the exact work does not grow
        // with the partition count.
        assert!(
            exact_checks.iter().all(|&n| n == exact_checks[0]),
            "case {case}: exact checks at 1..=5 partitions: {exact_checks:?}"
        );
        if verify == Verify::Exact {
            assert!(exact_checks[0] > 0, "case {case}: exact checks were made");
        }
    }
}

#[test]
fn a_finished_task_is_not_run_again_and_a_lost_output_is_remade_by_a_retry() {
    let f = Fixture::new();
    let inputs = crawl(&f, 300, 21, 2);
    let config = config(Verify::Auto, true);
    let cli = f.path("cli");
    single_machine(&inputs, &config, &cli);
    let work = f.path("work");
    let plan = Plan::create(&work, expand_inputs(&inputs, None).unwrap(), &config, 3).unwrap();
    run_local(&plan, &|_, _, _| {}).unwrap();
    // A task killed before its marker: the marker is gone, its output is
    // half-written; running it again repairs both.
    std::fs::remove_file(work.join("done/bucket.1.json")).unwrap();
    std::fs::write(work.join("bucket/1.accept"), b"garbage").unwrap();
    plan.run_task("bucket", 1).unwrap();
    // Every later task runs again (their markers removed), from the repaired file.
    for st in plan
        .stages()
        .iter()
        .skip_while(|s| s.name != "bucket")
        .skip(1)
    {
        for r in 0..st.tasks {
            let _ = std::fs::remove_file(work.join(format!("done/{}.{r}.json", st.name)));
        }
    }
    // A finished task is skipped: its output is not touched.
    let before = std::fs::metadata(work.join("sign/0.sig"))
        .unwrap()
        .modified()
        .unwrap();
    run_local(&Plan::open(&work).unwrap(), &|_, _, _| {}).unwrap();
    assert_eq!(
        before,
        std::fs::metadata(work.join("sign/0.sig"))
            .unwrap()
            .modified()
            .unwrap()
    );
    let out = f.path("out");
    std::fs::create_dir_all(&out).unwrap();
    syndic::report::dedup::write_stage_outputs(&out, &plan).unwrap();
    assert_same(&cli, &out);
    // The same work directory with other settings is refused.
    let other = DedupConfig {
        threshold: 0.7,
        ..config
    };
    let err = Plan::create(&work, expand_inputs(&inputs, None).unwrap(), &other, 3).unwrap_err();
    assert!(err.to_string().contains("different run"), "{err}");
}

#[test]
fn repeated_ids_are_an_error_naming_the_id() {
    let f = Fixture::new();
    let a = f.write(
        "a.jsonl",
        "{\"id\": \"x\", \"text\": \"one two three four five six\"}\n",
    );
    let b = f.write(
        "b.jsonl",
        "{\"id\": \"x\", \"text\": \"seven eight nine ten eleven\"}\n",
    );
    let mut config = DedupConfig::default();
    config.read.id_field = Some(syndic::source::FieldPath::parse("id").unwrap());
    let plan = Plan::create(
        &f.path("w"),
        expand_inputs(&[a, b], None).unwrap(),
        &config,
        2,
    )
    .unwrap();
    let err = run_local(&plan, &|_, _, _| {}).unwrap_err();
    assert!(matches!(err, syndic::Error::DuplicateId { .. }), "{err}");
}

/// `dedup --against ARCHIVE` as stages (`index::against::plan_stages`)
/// writes what the binary writes, at several partition counts, in `auto`
/// and `--exact` modes; with `--add` both leave the archive holding the
/// same documents.
#[test]
fn stages_against_an_archive_equal_dedup_against_with_add() {
    let f = Fixture::new();
    let inputs = crawl(&f, 500, 21, 3);
    let (old, new) = (&inputs[0], &inputs[1..]);
    let old_s = old.to_str().unwrap();
    f.run(&[
        "index",
        "add",
        "arch.db",
        old_s,
        "--id-field",
        "id",
        "--keep-text",
    ])
    .expect_code(0);
    let archived_docs = |name: &str| -> u64 {
        f.run(&["index", "check", name]).expect_code(0);
        f.run(&["index", "stats", name, "--format", "json"])
            .expect_code(0)
            .json()["documents"]
            .as_u64()
            .unwrap()
    };
    let before = archived_docs("arch.db");
    for (mode, verify) in [("auto", Verify::Auto), ("exact", Verify::Exact)] {
        let cli_db = format!("cli-{mode}.db");
        std::fs::copy(f.path("arch.db"), f.path(&cli_db)).unwrap();
        let out = format!("cli-{mode}");
        let mut args = vec!["dedup"];
        args.extend(new.iter().map(|p| p.to_str().unwrap()));
        args.extend([
            "--id-field",
            "id",
            "--bucket-cap",
            "16",
            "--write-deduped",
            "--against",
            &cli_db,
            "--add",
            "-o",
            &out,
        ]);
        if verify == Verify::Exact {
            args.push("--exact");
        }
        f.run(&args).expect_code(0);
        let cli = f.path(&out);
        let matches = std::fs::read_to_string(cli.join("matches.jsonl")).unwrap();
        assert!(
            matches.lines().count() > 5,
            "{mode}: new documents duplicate archived ones"
        );
        let after = archived_docs(&cli_db);
        assert!(after > before, "{mode}: --add added the survivors");
        let mut config = config(verify, true);
        config.read.id_field = Some(syndic::source::FieldPath::parse("id").unwrap());
        for partitions in [1, 3] {
            let db = f.path(&format!("st-{mode}-{partitions}.db"));
            std::fs::copy(f.path("arch.db"), &db).unwrap();
            let work = f.path(&format!("work-{mode}-{partitions}"));
            let sources = expand_inputs(new, None).unwrap();
            let plan =
                syndic::index::against::plan_stages(&db, &work, sources, &config, partitions)
                    .unwrap();
            run_local(&plan, &|_, _, _| {}).unwrap();
            let st = f.path(&format!("st-{mode}-{partitions}"));
            std::fs::create_dir_all(&st).unwrap();
            syndic::report::dedup::write_against_stage_outputs(&st, &plan, &cli_db, &mut || {
                syndic::index::against::add_stage_survivors(&db, &plan, &mut |_| {})
            })
            .unwrap();
            assert_same(&cli, &st);
            assert_eq!(
                archived_docs(db.to_str().unwrap()),
                after,
                "{mode}, {partitions} partitions: the same documents added"
            );
        }
    }
}
