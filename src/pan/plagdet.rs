//! The PAN plagdet score (Potthast, Stein, Barrón-Cedeño and Rosso, "An
//! Evaluation Framework for Plagiarism Detection", COLING 2010).
//!
//! - **Recall** (macro): for each true case, the share of its characters
//!   (suspicious side plus source side) covered by detections that overlap
//!   it on both sides; averaged over cases.
//! - **Precision** (macro): the same with the roles swapped, averaged over
//!   detections.
//! - **Granularity**: over the cases detected at all, the mean number of
//!   detections overlapping each; 1 is ideal.
//! - **plagdet** = F1(precision, recall) / log2(1 + granularity).
//!
//! A case and a detection overlap when they name the same suspicious and
//! source documents and their character ranges intersect in both. As in the
//! official evaluation script, no cases and no detections score 1; cases
//! without detections (or detections without cases) score 0.

use ahash::AHashMap;

use super::Annotation;

/// Precision, recall, granularity and plagdet of a set of detections.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Score {
    /// Macro-averaged character precision.
    pub precision: f64,
    /// Macro-averaged character recall.
    pub recall: f64,
    /// Mean detections per detected case (1 is ideal).
    pub granularity: f64,
    /// F1 of precision and recall over log2(1 + granularity).
    pub plagdet: f64,
    /// Number of true cases.
    pub cases: usize,
    /// Number of detections.
    pub detections: usize,
    /// Cases overlapped by at least one detection.
    pub detected_cases: usize,
}

fn key(a: &Annotation) -> (&str, &str) {
    (&a.this_reference, &a.source_reference)
}

fn overlapping(x: &Annotation, y: &Annotation) -> bool {
    x.this_reference == y.this_reference
        && x.source_reference == y.source_reference
        && y.this_offset + y.this_length > x.this_offset
        && y.this_offset < x.this_offset + x.this_length
        && y.source_offset + y.source_length > x.source_offset
        && y.source_offset < x.source_offset + x.source_length
}

/// Length of the union of half-open intervals.
fn union_len(mut v: Vec<(usize, usize)>) -> usize {
    v.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(usize, usize)> = None;
    for (s, e) in v {
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs;
    }
    total
}

/// Share of `x`'s characters covered by the `others` that overlap it, and
/// how many overlap it.
fn coverage(x: &Annotation, others: &[&Annotation]) -> (f64, usize) {
    let mut this = Vec::new();
    let mut source = Vec::new();
    for o in others.iter().filter(|o| overlapping(x, o)) {
        this.push((
            x.this_offset.max(o.this_offset),
            (x.this_offset + x.this_length).min(o.this_offset + o.this_length),
        ));
        source.push((
            x.source_offset.max(o.source_offset),
            (x.source_offset + x.source_length).min(o.source_offset + o.source_length),
        ));
    }
    let n = this.len();
    let total = x.this_length + x.source_length;
    if total == 0 {
        return (0.0, n);
    }
    (
        (union_len(this) + union_len(source)) as f64 / total as f64,
        n,
    )
}

/// Scores `detections` against the true `cases`.
pub fn score(cases: &[Annotation], detections: &[Annotation]) -> Score {
    let mut s = Score {
        precision: 0.0,
        recall: 0.0,
        granularity: 1.0,
        plagdet: 0.0,
        cases: cases.len(),
        detections: detections.len(),
        detected_cases: 0,
    };
    if cases.is_empty() && detections.is_empty() {
        s.precision = 1.0;
        s.recall = 1.0;
        s.plagdet = 1.0;
        return s;
    }
    if cases.is_empty() || detections.is_empty() {
        return s;
    }
    let mut by_pair_det: AHashMap<(&str, &str), Vec<&Annotation>> = AHashMap::new();
    for d in detections {
        by_pair_det.entry(key(d)).or_default().push(d);
    }
    let mut by_pair_case: AHashMap<(&str, &str), Vec<&Annotation>> = AHashMap::new();
    for c in cases {
        by_pair_case.entry(key(c)).or_default().push(c);
    }
    let mut recall = 0.0;
    let mut detected = 0usize;
    let mut per_case = 0usize;
    for c in cases {
        let dets = by_pair_det.get(&key(c)).map(Vec::as_slice).unwrap_or(&[]);
        let (r, n) = coverage(c, dets);
        recall += r;
        if n > 0 {
            detected += 1;
            per_case += n;
        }
    }
    let mut precision = 0.0;
    for d in detections {
        let cs = by_pair_case.get(&key(d)).map(Vec::as_slice).unwrap_or(&[]);
        precision += coverage(d, cs).0;
    }
    s.recall = recall / cases.len() as f64;
    s.precision = precision / detections.len() as f64;
    s.detected_cases = detected;
    s.granularity = if detected == 0 {
        1.0
    } else {
        per_case as f64 / detected as f64
    };
    let f1 = if s.precision + s.recall == 0.0 {
        0.0
    } else {
        2.0 * s.precision * s.recall / (s.precision + s.recall)
    };
    s.plagdet = f1 / (1.0 + s.granularity).log2();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(this: (usize, usize), src: &str, source: (usize, usize)) -> Annotation {
        Annotation {
            this_reference: "suspicious-document00001.txt".into(),
            this_offset: this.0,
            this_length: this.1,
            source_reference: src.into(),
            source_offset: source.0,
            source_length: source.1,
        }
    }

    const SRC: &str = "source-document00002.txt";

    #[test]
    fn perfect_detection_scores_one() {
        let cases = vec![
            ann((100, 500), SRC, (0, 480)),
            ann((900, 300), SRC, (700, 300)),
        ];
        let s = score(&cases, &cases.clone());
        assert_eq!(
            (s.precision, s.recall, s.granularity, s.plagdet),
            (1.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(s.detected_cases, 2);
    }

    #[test]
    fn split_detection_raises_granularity() {
        let cases = vec![ann((100, 400), SRC, (0, 400))];
        let dets = vec![
            ann((100, 200), SRC, (0, 200)),
            ann((300, 200), SRC, (200, 200)),
        ];
        let s = score(&cases, &dets);
        assert_eq!(s.recall, 1.0);
        assert_eq!(s.precision, 1.0);
        assert_eq!(s.granularity, 2.0);
        // F1 = 1, over log2(3).
        assert!((s.plagdet - 1.0 / 3f64.log2()).abs() < 1e-12, "{s:?}");
    }

    #[test]
    fn detection_on_the_wrong_source_scores_zero() {
        let cases = vec![ann((100, 400), SRC, (0, 400))];
        let dets = vec![ann((100, 400), "source-document00003.txt", (0, 400))];
        let s = score(&cases, &dets);
        assert_eq!((s.precision, s.recall, s.plagdet), (0.0, 0.0, 0.0));
        assert_eq!(s.detected_cases, 0);
    }

    #[test]
    fn detection_must_overlap_on_both_sides() {
        let cases = vec![ann((100, 400), SRC, (0, 400))];
        let dets = vec![ann((100, 400), SRC, (1000, 400))];
        let s = score(&cases, &dets);
        assert_eq!(s.plagdet, 0.0);
    }

    #[test]
    fn partial_detection_counts_characters_on_both_sides() {
        // The detection covers half the case in the suspicious document and
        // all of it in the source, and has 100 extra characters there.
        let cases = vec![ann((0, 200), SRC, (0, 200))];
        let dets = vec![ann((0, 100), SRC, (0, 300))];
        let s = score(&cases, &dets);
        assert!((s.recall - 300.0 / 400.0).abs() < 1e-12, "{s:?}");
        assert!((s.precision - 300.0 / 400.0).abs() < 1e-12, "{s:?}");
        assert_eq!(s.granularity, 1.0);
    }

    #[test]
    fn no_cases_and_no_detections_is_perfect_but_any_false_alarm_is_zero() {
        assert_eq!(score(&[], &[]).plagdet, 1.0);
        let s = score(&[], &[ann((0, 10), SRC, (0, 10))]);
        assert_eq!(s.plagdet, 0.0);
        let s = score(&[ann((0, 10), SRC, (0, 10))], &[]);
        assert_eq!(s.plagdet, 0.0);
    }

    #[test]
    fn overlapping_detections_are_not_counted_twice() {
        let cases = vec![ann((0, 100), SRC, (0, 100))];
        let dets = vec![ann((0, 80), SRC, (0, 80)), ann((20, 80), SRC, (20, 80))];
        let s = score(&cases, &dets);
        assert_eq!(s.recall, 1.0);
        assert_eq!(s.granularity, 2.0);
    }
}
