//! Report writers: a terminal-friendly text report and JSON (the format is
//! documented in `docs/report.md`). Serialization lives only here.

mod json;
mod text;
// --- dedup outputs (issue 4) ---
pub mod dedup;

use std::io::Write;

pub use json::write_json;
pub use text::write_text;

use crate::compare::{Alignment, Comparison};
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

/// Writes a file atomically: to a temporary file beside `path`, synced, then
/// renamed into place, so an interrupted run never leaves a file that looks
/// complete. The file gets the permissions of the file it replaces, or 0644.
pub fn write_atomically(
    path: &std::path::Path,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> crate::Result<()> {
    use crate::Error;
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".syndic-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        f(&mut out).map_err(io)?;
        out.flush().map_err(io)?;
    }
    // tempfile creates 0600 files; an output should get the permissions of
    // the file it replaces, or ordinary ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file().set_permissions(perms).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
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
