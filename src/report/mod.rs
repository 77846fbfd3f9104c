//! Report writers: a terminal-friendly text report and JSON (the format is
//! documented in `docs/report.md`). Serialization lives only here.

mod json;
mod text;

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
