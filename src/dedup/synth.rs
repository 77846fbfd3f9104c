//! Seeded synthetic news for benchmarks and tests.
//!
//! * [`news`]: articles that republish sentences of wire stories (for the
//!   `compare` benchmarks).
//! * [`Crawl`]: a synthetic news *crawl* built the way syndication happens:
//!   wire stories republished by outlets with trimmed or added sentences,
//!   reordered paragraphs, word substitutions, and each outlet's header and
//!   footer, mixed with unrelated articles; with the true word-shingle
//!   Jaccard of every planted pair (`syndic synth`).
//!
//! Word frequencies follow a Zipf law over a generated vocabulary whose most
//! frequent words are English function words. Everything is a function of
//! the seed, at any thread count.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A corpus for the `compare` benchmarks.
pub struct Corpus {
    /// (id, text)
    pub docs: Vec<(String, String)>,
    /// Wire sentences that at least two articles republished unchanged.
    pub planted_verbatim: Vec<String>,
    /// Total bytes.
    pub bytes: usize,
}

/// A generated vocabulary with Zipf word frequencies.
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

// --- the synthetic crawl of `syndic synth` (issue 4) ---

/// Settings of [`Crawl`].
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// Number of documents.
    pub docs: usize,
    /// Seed of everything.
    pub seed: u64,
    /// Word n-gram size of the true Jaccard.
    pub shingle: usize,
    /// Mean size of a wire story in bytes (documents come out a little
    /// larger, with headers and footers).
    pub target_bytes: usize,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            docs: 10_000,
            seed: crate::DEFAULT_SEED,
            shingle: crate::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE,
            target_bytes: 2_800,
        }
    }
}

/// Share of documents that are copies of a wire story; the rest are
/// unrelated articles.
const SYNDICATED_SHARE: f64 = 0.5;
const OUTLETS: usize = 60;

struct Outlet {
    name: String,
    header: String,
    footer: String,
}

/// A synthetic crawl: which story each document republishes, generated on
/// demand (a document's text is a pure function of the seed, its story and
/// its copy number), so memory stays small for millions of documents.
pub struct Crawl {
    config: CrawlConfig,
    vocab: Vocab,
    outlets: Vec<Outlet>,
    /// Output position -> (story, copy).
    slots: Vec<(u32, u32)>,
    /// Story -> positions of its copies (ascending).
    stories: Vec<Vec<u32>>,
}

/// One generated document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynthDoc {
    /// `d` and the 0-based position, zero-padded to 7 digits.
    pub id: String,
    /// The outlet that published it.
    pub outlet: String,
    /// The article.
    pub text: String,
}

fn mix(seed: u64, a: u64, b: u64, c: u64) -> u64 {
    let mut h = seed ^ 0x5eed_5eed_5eed_5eed;
    for x in [a, b, c] {
        h = (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 31;
    }
    h
}

fn capitalized(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Crawl {
    /// Lays out a crawl: story sizes (2 to 20 copies, most 2 or 3), the
    /// unrelated articles, and a seeded shuffle of all documents.
    pub fn new(config: CrawlConfig) -> Crawl {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(config.seed, 0, 0, 0));
        let vocab = Vocab::new(&mut rng, 20_000);
        let sections = [
            "World",
            "Politics",
            "Business",
            "Sports",
            "Culture",
            "Science",
            "Opinion",
            "Weather",
            "Local",
            "Health",
            "Technology",
            "Travel",
        ];
        let kinds = [
            "Times",
            "Herald",
            "Post",
            "Daily",
            "Tribune",
            "News",
            "Gazette",
            "Journal",
            "Chronicle",
            "Observer",
        ];
        let outlets = (0..OUTLETS)
            .map(|i| {
                let name = format!(
                    "{} {} {}",
                    capitalized(vocab.word(&mut rng)),
                    capitalized(vocab.word(&mut rng)),
                    kinds[i % kinds.len()]
                );
                let mut header = format!("{name} | Home");
                for _ in 0..rng.gen_range(3..7) {
                    header.push_str(" | ");
                    header.push_str(sections[rng.gen_range(0..sections.len())]);
                }
                let mut footer = format!("© 2026 {name}. All rights reserved.");
                if rng.gen_bool(0.6) {
                    footer.push_str("\nShare this article. Sign up for our newsletter.");
                }
                if rng.gen_bool(0.4) {
                    footer.push_str(&format!(
                        "\nContact the {name} newsroom with tips and corrections."
                    ));
                }
                Outlet {
                    name,
                    header,
                    footer,
                }
            })
            .collect();
        let n = config.docs;
        let mut sizes: Vec<u32> = Vec::new();
        let mut syndicated = 0usize;
        let goal = (n as f64 * SYNDICATED_SHARE) as usize;
        while syndicated < goal {
            let x: f64 = rng.gen();
            let size = if x < 0.4 {
                2
            } else if x < 0.6 {
                3
            } else if x < 0.72 {
                4
            } else if x < 0.9 {
                rng.gen_range(5..=8)
            } else {
                rng.gen_range(9..=20)
            };
            let size = size.min(n - syndicated);
            if size < 2 {
                break;
            }
            sizes.push(size as u32);
            syndicated += size;
        }
        sizes.extend(std::iter::repeat_n(1, n - syndicated));
        let mut slots: Vec<(u32, u32)> = sizes
            .iter()
            .enumerate()
            .flat_map(|(s, &size)| (0..size).map(move |c| (s as u32, c)))
            .collect();
        // Fisher-Yates with the layout generator.
        for i in (1..slots.len()).rev() {
            let j = rng.gen_range(0..=i);
            slots.swap(i, j);
        }
        let mut stories = vec![Vec::new(); sizes.len()];
        for (pos, &(s, _)) in slots.iter().enumerate() {
            stories[s as usize].push(pos as u32);
        }
        Crawl {
            config,
            vocab,
            outlets,
            slots,
            stories,
        }
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True if there are no documents.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The id of the document at `pos`.
    pub fn id(&self, pos: usize) -> String {
        format!("d{pos:07}")
    }

    /// The wire story: a headline and paragraphs of sentences.
    fn story(&self, story: u32) -> (String, Vec<Vec<String>>) {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.config.seed, 1, story as u64, 0));
        let headline = self
            .vocab
            .sentence(&mut rng)
            .trim_end_matches('.')
            .to_owned();
        let target = (self.config.target_bytes as f64 * rng.gen_range(0.7..1.3)) as usize;
        let mut paragraphs = Vec::new();
        let mut bytes = headline.len();
        while bytes < target {
            let p: Vec<String> = (0..rng.gen_range(2..=4))
                .map(|_| self.vocab.sentence(&mut rng))
                .collect();
            bytes += p.iter().map(|s| s.len() + 1).sum::<usize>();
            paragraphs.push(p);
        }
        (headline, paragraphs)
    }

    /// The document at `pos`.
    pub fn document(&self, pos: usize) -> SynthDoc {
        let (story, copy) = self.slots[pos];
        let (headline, paragraphs) = self.story(story);
        let (outlet, text) = self.republish(story, copy, headline, paragraphs);
        SynthDoc {
            id: self.id(pos),
            outlet,
            text,
        }
    }

    /// One outlet's copy of a story. An edit intensity `e` (0 for a third
    /// of the copies, else uniform in 0.05..1) sets how much is trimmed,
    /// dropped, reordered, substituted and added.
    fn republish(
        &self,
        story: u32,
        copy: u32,
        mut headline: String,
        mut paragraphs: Vec<Vec<String>>,
    ) -> (String, String) {
        let mut rng =
            ChaCha8Rng::seed_from_u64(mix(self.config.seed, 2, story as u64, copy as u64));
        let outlet = &self.outlets[rng.gen_range(0..self.outlets.len())];
        let e: f64 = if rng.gen_bool(0.3) {
            0.0
        } else {
            rng.gen_range(0.05..1.0)
        };
        if e > 0.0 {
            if rng.gen_bool(0.5) {
                headline = self
                    .vocab
                    .sentence(&mut rng)
                    .trim_end_matches('.')
                    .to_owned();
            }
            // Trim the tail.
            if rng.gen_bool(0.15 + 0.6 * e) && paragraphs.len() > 2 {
                let k =
                    ((paragraphs.len() as f64 * 0.4 * e).ceil() as usize).min(paragraphs.len() - 2);
                paragraphs.truncate(paragraphs.len() - k);
            }
            // Drop sentences here and there.
            for p in paragraphs.iter_mut() {
                if p.len() > 1 {
                    let keep: Vec<bool> = p.iter().map(|_| !rng.gen_bool(0.08 * e)).collect();
                    let mut it = keep.iter();
                    p.retain(|_| *it.next().expect("one flag per sentence"));
                    if p.is_empty() {
                        p.push(self.vocab.sentence(&mut rng));
                    }
                }
            }
            // Swap two neighbouring paragraphs.
            if paragraphs.len() > 2 && rng.gen_bool(0.5 * e) {
                let i = rng.gen_range(0..paragraphs.len() - 1);
                paragraphs.swap(i, i + 1);
            }
            // Substitute words.
            let words: usize = paragraphs
                .iter()
                .flatten()
                .map(|s| s.split(' ').count())
                .sum();
            let subs = (words as f64 * 0.04 * e).round() as usize;
            for _ in 0..subs {
                let pi = rng.gen_range(0..paragraphs.len());
                let si = rng.gen_range(0..paragraphs[pi].len());
                let s = &mut paragraphs[pi][si];
                let mut ws: Vec<&str> = s.split(' ').collect();
                if ws.len() < 3 {
                    continue;
                }
                let wi = rng.gen_range(1..ws.len() - 1);
                let w = self.vocab.word(&mut rng);
                ws[wi] = w;
                *s = ws.join(" ");
            }
            // Add the outlet's own sentences.
            if rng.gen_bool(0.2 + 0.5 * e) {
                let add: Vec<String> = (0..rng.gen_range(1..=3))
                    .map(|_| self.vocab.sentence(&mut rng))
                    .collect();
                if rng.gen_bool(0.5) {
                    paragraphs.insert(0, add);
                } else {
                    paragraphs.push(add);
                }
            }
        }
        let mut text = String::with_capacity(self.config.target_bytes * 3 / 2);
        text.push_str(&outlet.header);
        text.push_str("\n\n");
        text.push_str(&headline);
        text.push_str("\n\n");
        for p in &paragraphs {
            text.push_str(&p.join(" "));
            text.push_str("\n\n");
        }
        text.push_str(&outlet.footer);
        text.push('\n');
        (outlet.name.clone(), text)
    }

    /// Writes the corpus as JSON Lines (`{"id", "outlet", "text"}`), in
    /// order; returns the bytes written.
    pub fn write_corpus(&self, out: &mut dyn std::io::Write) -> std::io::Result<u64> {
        use rayon::prelude::*;
        let mut bytes = 0u64;
        for chunk in (0..self.len()).collect::<Vec<_>>().chunks(2048) {
            let lines: Vec<Vec<u8>> = chunk
                .par_iter()
                .map(|&pos| {
                    let mut line = serde_json::to_vec(&self.document(pos)).expect("serializable");
                    line.push(b'\n');
                    line
                })
                .collect();
            for l in lines {
                out.write_all(&l)?;
                bytes += l.len() as u64;
            }
        }
        Ok(bytes)
    }

    /// Every planted pair (two copies of one story) with the exact Jaccard
    /// of their word shingle sets, sorted by the first then the second
    /// document: `(position a, position b, jaccard)` with `a < b`.
    pub fn truth(&self) -> crate::Result<Vec<(u32, u32, f64)>> {
        use rayon::prelude::*;
        let shingler =
            crate::sketch::shingle::Shingler::new(self.config.shingle, self.config.seed)?;
        let mut pairs: Vec<(u32, u32, f64)> = self
            .stories
            .par_iter()
            .enumerate()
            .filter(|(_, positions)| positions.len() >= 2)
            .flat_map_iter(|(story, positions)| {
                let (headline, paragraphs) = self.story(story as u32);
                let mut scratch = String::new();
                let sets: Vec<Vec<u64>> = positions
                    .iter()
                    .map(|&pos| {
                        let copy = self.slots[pos as usize].1;
                        let (_, text) = self.republish(
                            story as u32,
                            copy,
                            headline.clone(),
                            paragraphs.clone(),
                        );
                        let mut hashes = Vec::new();
                        crate::text::for_each_word(&text, &mut scratch, |w| {
                            hashes.push(shingler.token_hash(w))
                        });
                        shingler.shingle_set(&hashes)
                    })
                    .collect();
                let mut out = Vec::new();
                for i in 0..positions.len() {
                    for j in i + 1..positions.len() {
                        out.push((
                            positions[i],
                            positions[j],
                            crate::sketch::shingle::jaccard(&sets[i], &sets[j]),
                        ));
                    }
                }
                out
            })
            .collect();
        pairs.par_sort_unstable_by_key(|&(a, b, _)| (a, b));
        Ok(pairs)
    }

    /// Writes `truth.tsv`: a header `id_a id_b jaccard`, then one planted
    /// pair per line (Jaccard to 4 decimals). Returns the number of pairs.
    pub fn write_truth(&self, out: &mut dyn std::io::Write) -> crate::Result<u64> {
        let io = |source| crate::Error::Io {
            path: "truth.tsv".into(),
            source,
        };
        let pairs = self.truth()?;
        writeln!(out, "id_a\tid_b\tjaccard").map_err(io)?;
        for &(a, b, j) in &pairs {
            writeln!(
                out,
                "{}\t{}\t{:.4}",
                self.id(a as usize),
                self.id(b as usize),
                j
            )
            .map_err(io)?;
        }
        Ok(pairs.len() as u64)
    }
}

#[cfg(test)]
mod crawl_tests {
    use super::*;

    #[test]
    fn crawl_is_deterministic_and_spreads_jaccards() {
        let c = Crawl::new(CrawlConfig {
            docs: 400,
            ..CrawlConfig::default()
        });
        assert_eq!(c.len(), 400);
        let d = Crawl::new(CrawlConfig {
            docs: 400,
            ..CrawlConfig::default()
        });
        assert_eq!(c.document(17), d.document(17));
        let truth = c.truth().unwrap();
        assert!(truth
            .iter()
            .all(|&(a, b, j)| a < b && (0.0..=1.0).contains(&j)));
        let band = |lo: f64, hi: f64| truth.iter().filter(|t| t.2 >= lo && t.2 < hi).count();
        // Pairs on both sides of 0.8 and far from it.
        assert!(band(0.0, 0.5) > 0, "no low pairs");
        assert!(band(0.7, 0.8) > 0 && band(0.8, 0.9) > 0, "nothing near 0.8");
        assert!(band(0.9, 1.01) > 0, "no near-verbatim pairs");
        let mean = (0..c.len())
            .map(|p| c.document(p).text.len())
            .sum::<usize>()
            / c.len();
        assert!((2_500..4_000).contains(&mean), "mean {mean} bytes");
    }
}
