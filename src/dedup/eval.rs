//! `syndic eval`: pair precision and recall of dedup clusters against the
//! planted pairs of a synthetic crawl.
//!
//! Predicted pairs are all pairs of documents in one cluster. A predicted
//! pair is right when its true Jaccard is at least `t − margin` (pairs absent
//! from truth.tsv are unrelated, Jaccard 0). Recall is the share of planted
//! pairs with true Jaccard at least `t + margin` that are predicted. The
//! margin leaves out the pairs so close to the threshold that no method can
//! be asked to place them exactly.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use crate::error::Position;
use crate::error::{Error, Result};

/// Scores of a clustering.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalReport {
    /// The threshold.
    pub threshold: f64,
    /// The margin.
    pub margin: f64,
    /// Right predicted pairs / predicted pairs (1 when nothing is
    /// predicted).
    pub precision: f64,
    /// Found planted pairs / planted pairs at or above `t + margin` (1 when
    /// there are none).
    pub recall: f64,
    /// Pairs of documents in one cluster.
    pub predicted_pairs: u64,
    /// Of those, pairs with true Jaccard ≥ `t − margin`.
    pub right_pairs: u64,
    /// Planted pairs with true Jaccard ≥ `t + margin`.
    pub truth_pairs: u64,
    /// Of those, pairs in one cluster.
    pub found_pairs: u64,
    /// Clusters read.
    pub clusters: u64,
    /// Documents in them.
    pub clustered_documents: u64,
}

fn bad(path: &Path, line: u64, reason: impl Into<String>) -> Error {
    Error::BadRecord {
        path: path.to_path_buf(),
        position: Position::Line(line),
        reason: reason.into(),
    }
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let f = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(std::io::BufReader::new(f))
}

#[derive(serde::Deserialize)]
struct ClusterLine {
    id: String,
    cluster: u64,
}

/// Scores `clusters` (clusters.jsonl) against `truth` (truth.tsv).
pub fn evaluate(clusters: &Path, truth: &Path, threshold: f64, margin: f64) -> Result<EvalReport> {
    let mut cluster_of: HashMap<String, u64> = HashMap::new();
    let mut sizes: HashMap<u64, u64> = HashMap::new();
    for (i, line) in open(clusters)?.lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|e| bad(clusters, n, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let c: ClusterLine = serde_json::from_str(&line)
            .map_err(|e| bad(clusters, n, format!("not a clusters.jsonl line: {e}")))?;
        if cluster_of.insert(c.id.clone(), c.cluster).is_some() {
            return Err(bad(clusters, n, format!("id {:?} appears twice", c.id)));
        }
        *sizes.entry(c.cluster).or_default() += 1;
    }
    let predicted: u64 = sizes.values().map(|&s| s * (s - 1) / 2).sum();
    let (mut right, mut truth_pairs, mut found) = (0u64, 0u64, 0u64);
    // Ids of the pairs that should be clustered, and how many of them the
    // clusters know at all: few means the two files do not speak of the
    // same ids, and every figure would be meaningless.
    let mut expected_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, line) in open(truth)?.lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|e| bad(truth, n, e.to_string()))?;
        if n == 1 && line.starts_with("id_a\t") {
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        let (Some(a), Some(b), Some(j), None) = (f.next(), f.next(), f.next(), f.next()) else {
            return Err(bad(
                truth,
                n,
                "expected three tab-separated fields: id_a id_b jaccard",
            ));
        };
        let j: f64 = j
            .parse()
            .map_err(|_| bad(truth, n, format!("jaccard {j:?} is not a number")))?;
        let together = match (cluster_of.get(a), cluster_of.get(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        };
        if together && j >= threshold - margin - 1e-9 {
            right += 1;
        }
        if j >= threshold + margin - 1e-9 {
            truth_pairs += 1;
            if expected_ids.len() < 1_000_000 {
                expected_ids.insert(a.to_owned());
                expected_ids.insert(b.to_owned());
            }
            if together {
                found += 1;
            }
        }
    }
    let known = expected_ids
        .iter()
        .filter(|id| cluster_of.contains_key(id.as_str()))
        .count();
    if !expected_ids.is_empty() && known * 2 < expected_ids.len() {
        return Err(Error::BadInput {
            path: clusters.to_path_buf(),
            reason: format!(
                "only {known} of the {} ids that {} says should be clustered occur in it: \
                 the two files most likely do not use the same ids (was dedup run with \
                 --id-field id?); no figure is given, since it would be meaningless",
                expected_ids.len(),
                truth.display()
            ),
        });
    }
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    Ok(EvalReport {
        threshold,
        margin,
        precision: ratio(right, predicted),
        recall: ratio(found, truth_pairs),
        predicted_pairs: predicted,
        right_pairs: right,
        truth_pairs,
        found_pairs: found,
        clusters: sizes.len() as u64,
        clustered_documents: cluster_of.len() as u64,
    })
}
