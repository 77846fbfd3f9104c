//! Every writer of results: the text, JSON and HTML reports of `compare`
//! and `align` (the JSON format and the HTML views are documented in
//! `docs/report.md`), plagdet
//! scores, PAN detection XML and the dedup outputs. Serialization lives
//! only here.
//!
//! In: the result types of the analyses (each analysis owns its types). Out:
//! bytes on a [`Write`]. Nothing here computes a figure; writing files
//! atomically is [`crate::util::write_atomically`].

pub mod dedup;
mod html;
pub mod index;
mod json;
mod pan;
mod text;

use std::io::Write;

pub use html::{passage_blocks, write_alignment_html, write_html};
pub use json::write_json;
pub use pan::{write_pan_file, write_pan_xml};
pub use text::write_text;

use crate::align::Alignment;
use crate::compare::Comparison;
use crate::pan::plagdet::Score;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON, one object.
    Json,
}

/// Writes an alignment of two documents in `format`.
pub fn write_alignment(
    out: &mut dyn Write,
    alignment: &Alignment,
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::write_alignment_text(out, alignment),
        Format::Json => json::write_value(out, alignment),
    }
}

/// Writes a plagdet score in `format`: `pairs` truth files were read, of
/// which `missing` had no detection file.
pub fn write_plagdet(
    out: &mut dyn Write,
    score: &Score,
    pairs: usize,
    missing: usize,
    format: Format,
) -> std::io::Result<()> {
    match format {
        Format::Text => {
            writeln!(
                out,
                "pairs {pairs} (no detection file: {missing}); cases {}; detections {}; detected cases {}",
                score.cases, score.detections, score.detected_cases
            )?;
            writeln!(
                out,
                "plagdet {:.4}  precision {:.4}  recall {:.4}  granularity {:.4}",
                score.plagdet, score.precision, score.recall, score.granularity
            )
        }
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Report<'a> {
                pairs: usize,
                missing_detection_files: usize,
                #[serde(flatten)]
                score: &'a Score,
            }
            json::write_value(
                out,
                &Report {
                    pairs,
                    missing_detection_files: missing,
                    score,
                },
            )
        }
    }
}

/// Writes `comparison` in `format`.
pub fn write(out: &mut dyn Write, comparison: &Comparison, format: Format) -> std::io::Result<()> {
    match format {
        Format::Text => write_text(out, comparison),
        Format::Json => write_json(out, comparison),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{compare, CompareConfig};
    use crate::source::InputDoc;

    fn sample() -> Comparison {
        let s =
            "The harbour bridge will close for repairs from Monday until the end of the summer.";
        compare(
            vec![
                InputDoc::new("a", "a.txt", format!("Bridge news\n\n{s}\n")),
                InputDoc::new(
                    "b",
                    "b.txt",
                    format!("Local\n\nResidents were told so. {s}\n"),
                ),
            ],
            &CompareConfig::default(),
        )
        .unwrap()
    }

    #[test]
    fn text_report_lists_documents_matrix_and_groups() {
        let mut out = Vec::new();
        write(&mut out, &sample(), Format::Text).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("DOCUMENTS"));
        assert!(out.contains("SIMILARITY"));
        assert!(out.contains("[1] verbatim, in 2 documents"));
        assert!(out.contains("    a:3 (bytes 13..95)"), "{out}");
    }

    #[test]
    fn json_report_round_trips_field_names() {
        let mut out = Vec::new();
        write(&mut out, &sample(), Format::Json).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["shared"][0]["kind"], "verbatim");
        assert_eq!(v["shared"][0]["members"][0]["start"], 13);
        assert_eq!(v["pairs"][0]["a"], "a");
        assert!(v["pairs"][0]["jaccard_estimate"].is_number());
        assert!(out.ends_with(b"\n"));
    }
}
