//! PAN detection XML.

use std::io::Write;

use crate::pan::Annotation;

/// Escapes a string for an XML attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes the PAN detection XML of one suspicious document.
pub fn write_pan_xml(
    out: &mut dyn Write,
    this_reference: &str,
    detections: &[Annotation],
) -> std::io::Result<()> {
    writeln!(out, "<document reference=\"{}\">", escape(this_reference))?;
    for d in detections {
        writeln!(
            out,
            "<feature name=\"detected-plagiarism\" this_offset=\"{}\" this_length=\"{}\" \
             source_reference=\"{}\" source_offset=\"{}\" source_length=\"{}\"/>",
            d.this_offset,
            d.this_length,
            escape(&d.source_reference),
            d.source_offset,
            d.source_length
        )?;
    }
    writeln!(out, "</document>")
}

/// Writes the detection XML of one pair to `path`, atomically (a
/// [`crate::pan::Sink`] for [`crate::pan::run`]).
pub fn write_pan_file(
    path: &std::path::Path,
    pair: &crate::pan::Pair,
    detections: &[Annotation],
) -> crate::Result<()> {
    crate::util::write_atomically(path, |out| write_pan_xml(out, &pair.susp, detections))
}
