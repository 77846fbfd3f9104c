//! Shingling and MinHash signature throughput over a synthetic news corpus
//! of at least 50 MB. Run: `cargo bench --bench throughput`.

#[path = "common/synth.rs"]
mod synth;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use syndic::minhash::{MinHashParams, MinHasher};
use syndic::shingle::Shingler;
use syndic::text::{Analyzed, Tokens};

fn shingle_sets(shingler: &Shingler, docs: &[(String, String)]) -> Vec<Vec<u64>> {
    docs.iter()
        .map(|(_, t)| shingler.shingle_set(&shingler.token_hashes(&Tokens::new(t))))
        .collect()
}

fn bench(c: &mut Criterion) {
    let corpus = synth::news(17_000, 3_000, 1);
    assert!(
        corpus.bytes >= 50_000_000,
        "corpus is {} bytes",
        corpus.bytes
    );
    eprintln!(
        "corpus: {} documents, {:.1} MB; {} threads available",
        corpus.docs.len(),
        corpus.bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    let shingler = Shingler::new(5, 42).unwrap();
    let hasher = MinHasher::new(MinHashParams {
        permutations: 128,
        seed: 42,
        shingle_size: 5,
    })
    .unwrap();
    let sets = shingle_sets(&shingler, &corpus.docs);
    let total_shingles: usize = sets.iter().map(Vec::len).sum();
    eprintln!("{total_shingles} distinct document shingles in all");

    let mut g = c.benchmark_group("throughput");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(corpus.bytes as u64));

    g.bench_function("tokenize_1thread", |b| {
        b.iter(|| {
            let n: usize = corpus.docs.iter().map(|(_, t)| Tokens::new(t).len()).sum();
            assert!(n > 0);
            n
        })
    });
    g.bench_function("tokenize_and_split_sentences_1thread", |b| {
        b.iter(|| {
            let n: usize = corpus
                .docs
                .iter()
                .map(|(_, t)| Analyzed::new(t).sentences.len())
                .sum();
            assert!(n > 0);
            n
        })
    });
    g.bench_function("shingle_1thread", |b| {
        b.iter(|| {
            let s = shingle_sets(&shingler, &corpus.docs);
            assert_eq!(s.iter().map(Vec::len).sum::<usize>(), total_shingles);
            s
        })
    });
    g.bench_function("signature_1thread", |b| {
        b.iter(|| {
            let sigs: Vec<_> = sets.iter().map(|s| hasher.signature(s)).collect();
            assert_eq!(sigs.len(), corpus.docs.len());
            sigs
        })
    });
    g.bench_function("shingle_and_signature_parallel", |b| {
        b.iter(|| {
            let sigs: Vec<_> = corpus
                .docs
                .par_iter()
                .map(|(_, t)| {
                    let set = shingler.shingle_set(&shingler.token_hashes(&Tokens::new(t)));
                    hasher.signature(&set)
                })
                .collect();
            assert_eq!(sigs.len(), corpus.docs.len());
            sigs
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
