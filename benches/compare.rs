//! `compare` end to end: the five sample articles, and 10,000 synthetic
//! news-like articles of ~3 KB. Run: `cargo bench --bench compare`.

#[path = "common/synth.rs"]
mod synth;

use std::collections::HashSet;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use syndic::compare::{compare, CompareConfig, Kind};
use syndic::source::InputDoc;
use syndic::source::{load_paths, LoadOptions};

fn bench(c: &mut Criterion) {
    let config = CompareConfig::default();
    let corpus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let five = load_paths(&[corpus_dir], LoadOptions::default()).docs;
    assert_eq!(five.len(), 5);

    let mut g = c.benchmark_group("compare");
    g.sample_size(20);
    g.throughput(Throughput::Elements(5));
    g.bench_function("five_articles", |b| {
        b.iter(|| {
            let r = compare(five.clone(), &config).unwrap();
            assert_eq!(
                r.shared.iter().filter(|g| g.kind == Kind::Verbatim).count(),
                2
            );
            r
        })
    });
    g.finish();

    let corpus = synth::news(10_000, 3_000, 7);
    let docs: Vec<InputDoc> = corpus
        .docs
        .iter()
        .map(|(id, t)| InputDoc::new(id.clone(), id.clone(), t.clone()))
        .collect();
    eprintln!(
        "synthetic corpus: {} articles, {:.1} MB, {} wire sentences republished verbatim by 2+ articles",
        docs.len(),
        corpus.bytes as f64 / 1e6,
        corpus.planted_verbatim.len()
    );
    // Every planted sentence must be found; as reuse (verbatim or near)
    // unless it is a fragment of function words, which is boilerplate.
    let check = |r: &syndic::compare::Comparison| {
        let texts = |boilerplate: bool| -> HashSet<&str> {
            r.shared
                .iter()
                .filter(|g| (g.kind == Kind::Boilerplate) == boilerplate)
                .flat_map(|g| g.members.iter().map(|m| m.text.as_str()))
                .collect()
        };
        let (reuse, furniture) = (texts(false), texts(true));
        let planted = &corpus.planted_verbatim;
        let as_reuse = planted
            .iter()
            .filter(|s| reuse.contains(s.as_str()))
            .count();
        let missed: Vec<&String> = planted
            .iter()
            .filter(|s| !reuse.contains(s.as_str()) && !furniture.contains(s.as_str()))
            .take(3)
            .collect();
        assert!(
            missed.is_empty(),
            "planted sentences missed, e.g. {missed:?}"
        );
        assert!(
            as_reuse as f64 >= 0.99 * planted.len() as f64,
            "only {as_reuse} of {} planted sentences reported as reuse",
            planted.len()
        );
        as_reuse
    };
    let first = compare(docs.clone(), &config).unwrap();
    check(&first);
    eprintln!(
        "{} groups ({} verbatim, {} near, {} boilerplate), {} document pairs",
        first.shared.len(),
        first
            .shared
            .iter()
            .filter(|g| g.kind == Kind::Verbatim)
            .count(),
        first.shared.iter().filter(|g| g.kind == Kind::Near).count(),
        first
            .shared
            .iter()
            .filter(|g| g.kind == Kind::Boilerplate)
            .count(),
        first.pairs.len()
    );

    let mut g = c.benchmark_group("compare");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(corpus.bytes as u64));
    g.bench_function("10k_articles", |b| {
        b.iter(|| {
            let r = compare(docs.clone(), &config).unwrap();
            check(&r);
            r
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
