//! The input-reading options shared by `syndic dedup`, `syndic index add`,
//! `syndic index query` and `syndic sign`: one clap struct, flattened into
//! each, turned into the library's [`ReadOptions`] in one place.

use syndic::source::{FieldPath, InputFormat, ReadOptions};

use super::dedup::InputFormatArg;

/// How records are read.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// Field holding the text: a dotted JSON path (meta.body), a Parquet
    /// column.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    pub text_field: String,
    /// Field holding the id: a dotted JSON path, a Parquet column, a WARC
    /// header name. Default: FILE:LINE (JSON Lines), FILE:ROW (Parquet),
    /// WARC-Record-ID (WARC), the file name (text files).
    #[arg(long, value_name = "FIELD")]
    pub id_field: Option<String>,
    /// Format of every input (default: by extension, else by content).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,
    /// Skip bad records instead of stopping at the first one: they are
    /// counted (dedup: in stats.json) and the exit code is 1.
    #[arg(long)]
    pub skip_bad: bool,
    /// Reject records longer than this.
    #[arg(long, default_value_t = syndic::source::DEFAULT_MAX_RECORD_BYTES, value_name = "BYTES")]
    pub max_record_bytes: usize,
    /// Decoding of text files and WARC payloads.
    #[command(flatten)]
    pub decode: super::DecodeArgs,
}

impl InputArgs {
    /// The library's read options; a bad field path is an error naming
    /// its option.
    pub fn read_options(&self) -> syndic::Result<ReadOptions> {
        Ok(ReadOptions {
            text_field: FieldPath::parse(&self.text_field)
                .map_err(|e| super::as_option(e, "text-field"))?,
            id_field: self
                .id_field
                .as_deref()
                .map(FieldPath::parse)
                .transpose()
                .map_err(|e| super::as_option(e, "id-field"))?,
            skip_bad: self.skip_bad,
            keep_raw: false,
            max_record_bytes: self.max_record_bytes,
            decode: self.decode.options()?,
        })
    }

    /// The `--input-format` override.
    pub fn format(&self) -> Option<InputFormat> {
        self.input_format.map(Into::into)
    }
}
