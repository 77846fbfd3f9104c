//! Writes the synthetic news articles of `benches/compare.rs` as text files,
//! so that whole `syndic compare` runs can be timed (see benches/README.md).
//!
//! `cargo run --release --example news -- DIR [N] [SEED]`

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: news DIR [N] [SEED]"));
    let n: usize = args.next().map_or(10_000, |a| a.parse().expect("N"));
    let seed: u64 = args.next().map_or(7, |a| a.parse().expect("SEED"));
    std::fs::create_dir_all(&dir).expect("create DIR");
    let corpus = syndic::dedup::synth::news(n, 3_000, seed);
    for (id, text) in &corpus.docs {
        std::fs::write(dir.join(format!("{id}.txt")), text).expect("write");
    }
    eprintln!(
        "{} articles, {} bytes in {}",
        corpus.docs.len(),
        corpus.bytes,
        dir.display()
    );
}
