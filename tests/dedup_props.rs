//! Property tests of `syndic::dedup` against a brute-force oracle: the exact
//! Jaccard of every pair of documents.

use std::collections::HashMap;
use std::io::Write;

use proptest::prelude::*;
use syndic::dedup::{dedup, DedupConfig, NoProgress, Verify};
use syndic::sketch::shingle::{self, Shingler};
use syndic::source::{ReadOptions, Source};
use syndic::text::Tokens;

/// Stories of random words and copies of them with a few edits.
fn corpus() -> impl Strategy<Value = Vec<String>> {
    let story = prop::collection::vec(0u8..40, 20..70);
    let edits = prop::collection::vec((0usize..1000, 0u8..40, any::<bool>()), 0..6);
    let doc = (0usize..3, edits);
    (
        prop::collection::vec(story, 3),
        prop::collection::vec(doc, 2..14),
    )
        .prop_map(|(stories, docs)| {
            docs.into_iter()
                .map(|(s, edits)| {
                    let mut words = stories[s].clone();
                    for (at, w, delete) in edits {
                        let i = at % words.len();
                        if delete && words.len() > 10 {
                            words.remove(i);
                        } else {
                            words[i] = w;
                        }
                    }
                    words
                        .iter()
                        .map(|w| format!("w{w}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
}

fn exact(texts: &[String]) -> impl Fn(usize, usize) -> f64 {
    let sh = Shingler::new(5, 42).unwrap();
    let sets: Vec<Vec<u64>> = texts
        .iter()
        .map(|t| sh.shingle_set(&sh.token_hashes(&Tokens::new(t))))
        .collect();
    move |a, b| shingle::jaccard(&sets[a], &sets[b])
}

fn run(texts: &[String], verify: Verify) -> Vec<(usize, usize, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    for t in texts {
        writeln!(f, "{}", serde_json::json!({ "text": t })).unwrap();
    }
    drop(f);
    let sources = vec![Source {
        name: "c.jsonl".into(),
        path: Some(path),
        format: None,
    }];
    let config = DedupConfig {
        verify,
        read: ReadOptions::default(),
        batch_bytes: 300,
        ..DedupConfig::default()
    };
    let d = dedup(sources, &config, &NoProgress).unwrap();
    d.members()
        .iter()
        .map(|m| {
            assert_eq!(d.is_duplicate(m.doc), m.doc != m.representative);
            (
                m.doc as usize,
                m.representative as usize,
                m.similarity as f64,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With --exact: every member reaches the threshold with its
    /// representative (reported similarities are the exact Jaccard), the
    /// representative is the cluster's earliest document, and a document with
    /// an identical twin is always in a cluster.
    #[test]
    fn exact_clusters_match_the_oracle(texts in corpus()) {
        let j = exact(&texts);
        let t = 0.8;
        let members = run(&texts, Verify::Exact);
        let mut cluster: HashMap<usize, usize> = HashMap::new();
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for &(doc, rep, sim) in &members {
            cluster.insert(doc, rep);
            groups.entry(rep).or_default().push(doc);
            prop_assert!(rep <= doc);
            prop_assert!((sim - j(doc, rep)).abs() < 1e-6, "similarity {} vs exact {}", sim, j(doc, rep));
            prop_assert!(doc == rep || j(doc, rep) >= t - 1e-6, "member {} below t with {}", doc, rep);
        }
        for (rep, docs) in &groups {
            prop_assert_eq!(docs.iter().min(), Some(rep));
            prop_assert!(docs.len() >= 2);
            // Connected through pairs at or above the threshold.
            let mut seen = vec![*rep];
            let mut stack = vec![*rep];
            while let Some(x) = stack.pop() {
                for &y in docs {
                    if !seen.contains(&y) && j(x, y) >= t {
                        seen.push(y);
                        stack.push(y);
                    }
                }
            }
            prop_assert_eq!(seen.len(), docs.len(), "cluster of {} not connected at t", rep);
        }
        for a in 0..texts.len() {
            for b in a + 1..texts.len() {
                if texts[a] == texts[b] {
                    prop_assert!(cluster.contains_key(&a) && cluster.contains_key(&b),
                        "identical docs {} and {} not clustered", a, b);
                }
            }
        }
    }

    /// The default verification agrees with --exact far from the threshold:
    /// identical documents are clustered, and two documents whose every
    /// connecting pair is below 0.6 are not in one cluster.
    #[test]
    fn auto_agrees_far_from_the_threshold(texts in corpus()) {
        let j = exact(&texts);
        let members = run(&texts, Verify::Auto);
        let rep: HashMap<usize, usize> = members.iter().map(|&(d, r, _)| (d, r)).collect();
        let n = texts.len();
        // Components of the graph of pairs at 0.6 or more: nothing may be
        // clustered across them.
        let mut comp: Vec<usize> = (0..n).collect();
        fn root(c: &[usize], x: usize) -> usize {
            let mut x = x;
            while c[x] != x { x = c[x]; }
            x
        }
        for a in 0..n {
            for b in a + 1..n {
                if j(a, b) >= 0.6 {
                    let (ra, rb) = (root(&comp, a), root(&comp, b));
                    comp[ra.max(rb)] = ra.min(rb);
                }
                if texts[a] == texts[b] {
                    prop_assert!(rep.contains_key(&a) && rep.contains_key(&b));
                }
            }
        }
        for (&d, &r) in &rep {
            prop_assert_eq!(root(&comp, d), root(&comp, r));
        }
    }
}
