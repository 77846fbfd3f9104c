//! `syndic dedup --against ARCHIVE [--add]`: the archived documents that
//! can matter are read ahead of the new inputs in one ordinary dedup run
//! (`syndic::index::against`); the outputs speak of the new documents only.

use std::io::Write;
use std::process::ExitCode;

use syndic::index::{AddConfig, Adder, Archive, ArchiveParams, Mode};
use syndic::source::{InputFormat, Source};
use syndic::util::StagedDir;

use super::dedup::{create, finish, Bar, DedupRun};

pub(super) fn run_against(
    mut run: DedupRun,
    sources: Vec<Source>,
    start: std::time::Instant,
) -> anyhow::Result<ExitCode> {
    let path = run.against.clone().expect("--against");
    anyhow::ensure!(
        sources.iter().all(|s| s.path.is_some()),
        "--against reads the inputs twice (once to find the archived candidates): give files, not standard input"
    );
    let c = &run.config;
    let params = ArchiveParams::new(c.shingle, c.permutations, c.seed, c.threshold)?;
    // The writer's lock first, so a second writer fails before any work.
    let mut writer = if run.add {
        let w = Archive::open_or_create(&path, &params)?;
        super::index::report_migration(&w);
        Some(w)
    } else {
        None
    };
    let archive = Archive::open(&path, Mode::Read)?;
    archive.check_params(&params)?;
    let staged = StagedDir::create(&run.output)?;
    run.config.spool_dir = Some(staged.path().to_path_buf());
    let prior = syndic::index::against::prior_documents(
        &archive,
        &sources,
        &run.config.read,
        run.config.batch_bytes,
        staged.path(),
    )?;
    let p = prior.len() as u32;
    let mut all =
        syndic::source::expand_inputs(&[prior.path().to_path_buf()], Some(InputFormat::Jsonl))?;
    all.extend(sources.iter().cloned());
    let bar = Bar::new();
    let mut deduped = syndic::dedup::Deduper::new(run.config.clone())?.run(all, &bar)?;
    let id_of = |doc: u32| -> &str {
        if doc < p {
            &prior.ids[doc as usize]
        } else {
            deduped.id(doc)
        }
    };
    let dir = staged.path();

    // clusters.jsonl: the clusters holding a new document, renumbered.
    let mut w = create(dir, "clusters.jsonl")?;
    let members = deduped.members();
    let mut clusters = 0u32;
    let mut clustered_new = 0u64;
    for run_ in members.chunk_by(|a, b| a.cluster == b.cluster) {
        if !run_.iter().any(|m| m.doc >= p) {
            continue;
        }
        for m in run_ {
            clustered_new += (m.doc >= p) as u64;
            let member = syndic::dedup::Member {
                cluster: clusters,
                ..*m
            };
            syndic::dedup::write_against_cluster_line(
                &mut w,
                id_of(m.doc),
                id_of(m.representative),
                &member,
                m.doc < p,
            )?;
        }
        clusters += 1;
    }
    finish(w)?;
    // duplicates.txt: new documents to drop, in input order.
    let mut w = create(dir, "duplicates.txt")?;
    let mut dup_new = 0u64;
    for doc in p..deduped.documents() {
        if deduped.is_duplicate(doc) {
            dup_new += 1;
            w.write_all(id_of(doc).as_bytes())?;
            w.write_all(b"\n")?;
        }
    }
    finish(w)?;
    // matches.jsonl: which archived document each dropped new one matches.
    let mut w = create(dir, "matches.jsonl")?;
    let mut of_archive = 0u64;
    for m in members
        .iter()
        .filter(|m| m.doc >= p && m.representative < p)
    {
        of_archive += 1;
        syndic::dedup::write_match_line(
            &mut w,
            id_of(m.doc),
            id_of(m.representative),
            m.similarity,
        )?;
    }
    finish(w)?;
    if run.config.write_deduped {
        let mut j = create(dir, "deduped.jsonl")?;
        let mut wa = create(dir, "deduped.warc")?;
        let survivors = deduped.write_survivors_from(p, &mut j, &mut wa, &bar)?;
        finish(j)?;
        finish(wa)?;
        if survivors.json_lines == 0 && survivors.warc_records > 0 {
            std::fs::remove_file(dir.join("deduped.jsonl"))?;
        }
        if survivors.warc_records == 0 {
            std::fs::remove_file(dir.join("deduped.warc"))?;
        }
    }
    let new_docs = (deduped.documents() - p) as u64;
    // --add: the survivors, in the same run.
    let mut added = 0u64;
    if let Some(writer) = writer.as_mut() {
        let config = AddConfig {
            read: run.config.read.clone(),
            keep_text: true,
            replace: false,
            batch_docs: syndic::index::DEFAULT_BATCH_DOCS,
            batch_bytes: run.config.batch_bytes,
        };
        let is_dup = |i: u64| deduped.is_duplicate(p + i as u32);
        let name = path.display().to_string();
        let summary = Adder::new(writer, config)?.run(sources, &|i| !is_dup(i), &mut |s| {
            eprintln!(
                "syndic: {name}: batch {} committed: {} added, {} unchanged; {} documents archived",
                s.batches, s.added, s.unchanged, s.archived
            )
        })?;
        added = summary.added;
    }
    let stats = deduped.stats_mut();
    stats.inputs.remove(0);
    stats.documents = new_docs;
    stats.clusters = clusters as u64;
    stats.clustered_documents = clustered_new;
    stats.duplicates = dup_new;
    stats.kept = new_docs - dup_new;
    stats.seconds.total = start.elapsed().as_secs_f64();
    stats.peak_rss_bytes = syndic::dedup::peak_rss_bytes();
    let mut w = create(dir, "stats.json")?;
    syndic::report::dedup::write_stats(&mut w, deduped.stats())?;
    finish(w)?;
    let mut w = create(dir, "against.json")?;
    syndic::report::dedup::write_against_summary(
        &mut w,
        &syndic::report::dedup::AgainstSummary {
            archive: path.display().to_string(),
            archived_candidates: u64::from(p),
            new_documents: new_docs,
            duplicates: dup_new,
            duplicates_of_archived: of_archive,
            added,
        },
    )?;
    finish(w)?;
    drop(prior);
    staged.commit()?;
    eprintln!(
        "syndic: {} new documents, {} archived candidates, {} duplicates ({} of archived documents), {} added to {} ({:.1} s)",
        new_docs,
        p,
        dup_new,
        of_archive,
        added,
        path.display(),
        start.elapsed().as_secs_f64()
    );
    eprintln!("syndic: wrote {}", run.output.display());
    Ok(if deduped.stats().skipped.records > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
