//! Shingling and MinHash signature throughput over a synthetic news corpus
//! of at least 50 MB. Run: `cargo bench --bench throughput`.

#[path = "common/synth.rs"]
mod synth;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use syndic::sketch::minhash::{MinHashParams, MinHasher};
use syndic::sketch::shingle::Shingler;
use syndic::text::{Analyzed, Tokens};

fn shingle_sets(shingler: &Shingler, docs: &[(String, String)]) -> Vec<Vec<u64>> {
    docs.iter()
        .map(|(_, t)| shingler.shingle_set(&shingler.token_hashes(&Tokens::new(t))))
        .collect()
}

/// Baseline: classic MinHash with `k` independent hash functions per shingle
/// (multiply-add on the 64-bit shingle hash, keep the high 32 bits), the
/// scheme of datasketch and most libraries. Only for the ratio in
/// benches/README.md.
struct ClassicMinHash {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl ClassicMinHash {
    fn new(k: usize) -> Self {
        let mut x = 0x1234_5678_9abc_def0_u64;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let a = (0..k).map(|_| next() | 1).collect();
        let b = (0..k).map(|_| next()).collect();
        ClassicMinHash { a, b }
    }

    fn signature(&self, set: &[u64]) -> Vec<u32> {
        let mut sig = vec![u32::MAX; self.a.len()];
        for &x in set {
            for ((s, &a), &b) in sig.iter_mut().zip(&self.a).zip(&self.b) {
                let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                *s = (*s).min(h);
            }
        }
        sig
    }
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
    let classic = ClassicMinHash::new(128);
    g.bench_function("baseline_classic_minhash_signature_1thread", |b| {
        b.iter(|| {
            let sigs: Vec<_> = sets.iter().map(|s| classic.signature(s)).collect();
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
