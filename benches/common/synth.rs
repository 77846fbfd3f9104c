//! A seeded synthetic news corpus for the benchmarks: wire stories that
//! articles republish (some sentences verbatim, some with a word or two
//! replaced or trimmed), the articles' own sentences, and page furniture.
//! Word frequencies follow a Zipf law over a generated vocabulary.

#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub struct Corpus {
    /// (id, text)
    pub docs: Vec<(String, String)>,
    /// Wire sentences that at least two articles republished unchanged.
    pub planted_verbatim: Vec<String>,
    /// Total bytes.
    pub bytes: usize,
}

struct Vocab {
    words: Vec<String>,
    /// The first `functions` words are function words.
    functions: usize,
    /// Cumulative Zipf weights.
    cdf: Vec<f64>,
}

impl Vocab {
    fn new(rng: &mut ChaCha8Rng, size: usize) -> Vocab {
        const SYL: &[&str] = &[
            "ka", "lo", "ri", "an", "te", "mo", "su", "ve", "pa", "ni", "or", "el", "du", "si",
            "ba", "re", "to", "ma", "gu", "li", "ne", "co", "ra", "in", "de", "po", "st", "ch",
        ];
        // The most frequent words are real function words, as in English.
        const FUNCTION: &[&str] = &[
            "the", "of", "to", "and", "a", "in", "that", "is", "for", "on", "was", "with", "he",
            "it", "as", "at", "by", "said", "from", "his", "an", "be", "has", "have", "are", "its",
            "not", "but", "this", "they", "were", "had", "who", "will", "their", "would", "been",
            "which",
        ];
        let mut words: Vec<String> = FUNCTION.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let n = rng.gen_range(2..=4);
            let w: String = (0..n).map(|_| SYL[rng.gen_range(0..SYL.len())]).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cdf = Vec::with_capacity(size);
        let mut acc = 0.0;
        for rank in 1..=size {
            acc += 1.0 / (rank as f64).powf(1.05);
            cdf.push(acc);
        }
        Vocab {
            words,
            cdf,
            functions: FUNCTION.len(),
        }
    }

    fn word(&self, rng: &mut ChaCha8Rng) -> &str {
        let x = rng.gen::<f64>() * self.cdf[self.cdf.len() - 1];
        let i = self
            .cdf
            .partition_point(|&c| c < x)
            .min(self.words.len() - 1);
        &self.words[i]
    }

    fn is_function(&self, w: &str) -> bool {
        self.words[..self.functions].iter().any(|f| f == w)
    }

    fn sentence(&self, rng: &mut ChaCha8Rng) -> String {
        let n = rng.gen_range(10..32);
        let mut s = String::new();
        for i in 0..n {
            let mut w = self.word(rng);
            // English sentences do not end on a function word ("… a.").
            while i + 1 == n && self.is_function(w) {
                w = self.word(rng);
            }
            if i == 0 {
                let mut c = w.chars();
                let first = c.next().unwrap().to_ascii_uppercase();
                s.push(first);
                s.push_str(c.as_str());
            } else {
                s.push(' ');
                s.push_str(w);
                if rng.gen_ratio(1, 12) && i + 1 < n {
                    s.push(',');
                }
            }
        }
        s.push('.');
        s
    }
}

const FURNITURE: &[&str] = &["Adjust Comment Print", "Share this article", "Comments"];

/// Generates `n` articles of about `target_bytes` each.
pub fn news(n: usize, target_bytes: usize, seed: u64) -> Corpus {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let vocab = Vocab::new(&mut rng, 20_000);
    let wires: Vec<Vec<String>> = (0..(n / 20).max(2))
        .map(|_| (0..30).map(|_| vocab.sentence(&mut rng)).collect())
        .collect();
    // Wire sentence -> the articles that republished it unchanged.
    let mut uses: std::collections::HashMap<(usize, usize), std::collections::BTreeSet<usize>> =
        Default::default();
    let mut docs = Vec::with_capacity(n);
    let mut bytes = 0;
    for d in 0..n {
        let wire = rng.gen_range(0..wires.len());
        let mut text = String::with_capacity(target_bytes + 512);
        text.push_str(vocab.sentence(&mut rng).trim_end_matches('.'));
        text.push_str("\n\n");
        if rng.gen_ratio(1, 3) {
            text.push_str(FURNITURE[0]);
            text.push_str("\n\n");
        }
        while text.len() < target_bytes {
            let sentence = if rng.gen_ratio(1, 3) {
                let i = rng.gen_range(0..wires[wire].len());
                let s = &wires[wire][i];
                if rng.gen_ratio(2, 3) {
                    uses.entry((wire, i)).or_default().insert(d);
                    s.clone()
                } else {
                    // Replace one word, or trim the tail.
                    let mut words: Vec<&str> = s.split(' ').collect();
                    if rng.gen_bool(0.5) {
                        let k = rng.gen_range(1..words.len());
                        let w = vocab.word(&mut rng).to_owned();
                        let mut v: Vec<String> = words.iter().map(|x| x.to_string()).collect();
                        v[k] = w;
                        let mut out = v.join(" ");
                        if !out.ends_with('.') {
                            out.push('.');
                        }
                        out
                    } else {
                        let keep = words.len() * 3 / 4;
                        words.truncate(keep.max(6));
                        format!("{}.", words.join(" ").trim_end_matches(['.', ',']))
                    }
                }
            } else {
                vocab.sentence(&mut rng)
            };
            text.push_str(&sentence);
            text.push_str(if rng.gen_ratio(1, 3) { "\n\n" } else { " " });
        }
        if rng.gen_ratio(1, 4) {
            text.push_str("\n\n");
            text.push_str(FURNITURE[1 + d % 2]);
        }
        text.push('\n');
        bytes += text.len();
        docs.push((format!("doc{d:06}"), text));
    }
    let mut planted: Vec<String> = uses
        .iter()
        .filter(|(_, docs)| docs.len() >= 2)
        .map(|(&(w, i), _)| wires[w][i].clone())
        .collect();
    planted.sort();
    Corpus {
        docs,
        planted_verbatim: planted,
        bytes,
    }
}
