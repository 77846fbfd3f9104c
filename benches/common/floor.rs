//! The read + tokenize + hash floor: the least work any word-shingle dedup
//! of a JSON Lines crawl must do, written plainly, on one thread.
//!
//! Reads the file through a 1 MiB buffer, one line at a time; takes the
//! `text` field with `serde_json` (borrowed when it has no escapes);
//! splits it into runs of ASCII letters and digits (every other byte
//! separates words), lower-cased into a small buffer; hashes each word with
//! XXH3-64 and each word 5-gram (the five word hashes as 40 bytes) with
//! XXH3-64. Nothing is kept: the shingle hashes are summed into a checksum
//! so the compiler cannot drop the work. No MinHash, no shingle set, no
//! Unicode normalization: syndic's `dedup` does all of that in addition.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// What one floor run saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Floor {
    /// Lines (documents) read.
    pub documents: u64,
    /// Bytes of the file.
    pub bytes: u64,
    /// Words hashed.
    pub words: u64,
    /// 5-grams hashed.
    pub shingles: u64,
    /// Sum of the 5-gram hashes.
    pub checksum: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

#[derive(serde::Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
}

/// Runs the floor over the JSON Lines file `path`.
pub fn floor(path: &Path) -> std::io::Result<Floor> {
    const N: usize = 5;
    let start = Instant::now();
    let file = std::fs::File::open(path)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(1 << 16);
    let mut word = Vec::with_capacity(64);
    let mut out = Floor {
        documents: 0,
        bytes: 0,
        words: 0,
        shingles: 0,
        checksum: 0,
        seconds: 0.0,
    };
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        out.bytes += n as u64;
        let record: Record = serde_json::from_slice(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        out.documents += 1;
        let mut window = [0u8; 8 * N];
        let mut seen = 0usize;
        let mut hash_word = |word: &mut Vec<u8>, out: &mut Floor| {
            let h = xxh3_64_with_seed(word, 42);
            word.clear();
            window.copy_within(8.., 0);
            window[8 * (N - 1)..].copy_from_slice(&h.to_le_bytes());
            seen += 1;
            out.words += 1;
            if seen >= N {
                out.shingles += 1;
                out.checksum = out.checksum.wrapping_add(xxh3_64_with_seed(&window, 42));
            }
        };
        for &b in record.text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                word.push(b.to_ascii_lowercase());
            } else if !word.is_empty() {
                hash_word(&mut word, &mut out);
            }
        }
        if !word.is_empty() {
            hash_word(&mut word, &mut out);
        }
    }
    out.seconds = start.elapsed().as_secs_f64();
    Ok(out)
}
