//! Report writers: a terminal-friendly text report and JSON (the format is
//! documented in `docs/report.md`). Serialization lives only here.

mod json;
mod text;
// --- dedup outputs (issue 4) ---
pub mod dedup;

use std::io::Write;

pub use json::write_json;
pub use text::write_text;

use crate::compare::Comparison;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON, one object.
    Json,
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
    use crate::compare::{compare, CompareConfig, InputDoc};

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
