use std::io::Write;

use crate::compare::Comparison;

/// Writes the comparison as pretty-printed JSON followed by a newline.
pub fn write_json(out: &mut dyn Write, comparison: &Comparison) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, comparison)?;
    out.write_all(b"\n")
}

/// Writes any serializable value as pretty-printed JSON and a newline.
pub fn write_value<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}
