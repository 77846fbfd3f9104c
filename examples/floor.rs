//! The read + tokenize + hash floor of `benches/README.md` as a program, so
//! `benches/peers/run.sh` can time it in the same run as the peers:
//!
//! ```sh
//! cargo run --release --example floor -- crawl/corpus.jsonl
//! ```
//!
//! Prints one JSON object (documents, bytes, words, shingles, checksum,
//! seconds, MB/s).

#[path = "../benches/common/floor.rs"]
mod floor;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: floor CORPUS.jsonl");
        return std::process::ExitCode::from(2);
    };
    match floor::floor(std::path::Path::new(&path)) {
        Ok(f) => {
            println!(
                "{{\"documents\": {}, \"bytes\": {}, \"words\": {}, \"shingles\": {}, \
                 \"checksum\": {}, \"seconds\": {:.4}, \"mb_per_s\": {:.1}}}",
                f.documents,
                f.bytes,
                f.words,
                f.shingles,
                f.checksum,
                f.seconds,
                f.bytes as f64 / 1e6 / f.seconds
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: {}: {e}", path.to_string_lossy());
            std::process::ExitCode::from(2)
        }
    }
}
