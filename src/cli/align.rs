//! `syndic align A B`.

use std::path::PathBuf;
use std::process::ExitCode;

use syndic::align::{AlignConfig, Aligner};
use syndic::source::{read_document, LoadOptions, DEFAULT_MAX_LINE_BYTES};
use syndic::text::Language;

use super::{emit, ReportFormatArg};
use syndic::report::Format;

/// Options of `syndic align`.
#[derive(Debug, clap::Args)]
pub struct AlignOpts {
    /// The first document (in PAN terms, the suspicious one).
    pub a: PathBuf,
    /// The second document (the source).
    pub b: PathBuf,
    /// Output format (html: the two texts side by side, scrolled together,
    /// with a word-level diff inside each passage).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormatArg,
    /// Seed of the word hashes.
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// Shortest passage reported, in words on each side.
    #[arg(long, default_value_t = AlignConfig::default().min_words, value_name = "N")]
    pub min_words: usize,
    /// Shortest passage reported, in characters on each side.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub min_chars: usize,
    /// Write the report to FILE (atomically).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Reject files with a line longer than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES, value_name = "BYTES")]
    pub max_line_bytes: usize,
    /// Decoding of the inputs.
    #[command(flatten)]
    pub decode: super::DecodeArgs,
    /// The language of every input (ISO 639-1 or 639-3 code, or English
    /// name: en, ur, hi, zh, ja, th ...) whose stemmer and stopwords apply;
    /// default: detected per document.
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Align with the settings of `syndic pan` (the PAN text-alignment
    /// task: long cases only, outer spans, English words of the first
    /// document matched through WordNet synonyms, none of the editor's
    /// extras such as short quotes and passages in the gaps of others), to
    /// see why `pan` reported what it did for one pair.
    #[arg(long)]
    pub pan: bool,
    /// Also match English words of the first document replaced by a WordNet
    /// synonym of a word of the second ("physician" for "doctor": spun
    /// copy); always on with `--pan`.
    #[arg(long)]
    pub synonyms: bool,
}

pub(super) fn run(o: AlignOpts) -> anyhow::Result<ExitCode> {
    let load = LoadOptions {
        max_line_bytes: o.max_line_bytes,
        decode: o.decode.options()?,
    };
    let a = read_document(&o.a, load)?;
    let b = read_document(&o.b, load)?;
    super::warn_encoding(&a);
    super::warn_encoding(&b);
    let aligner = Aligner::new(AlignConfig {
        seed: o.seed,
        min_words: o.min_words,
        min_chars: if o.pan {
            o.min_chars.max(AlignConfig::pan().min_chars)
        } else {
            o.min_chars
        },
        language: o.language.as_deref().map(Language::parse).transpose()?,
        synonyms: o.synonyms || o.pan,
        ..if o.pan {
            AlignConfig::pan()
        } else {
            AlignConfig::default()
        }
    })?;
    let alignment = aligner.align_documents(&a, &b);
    emit(
        o.output.as_deref(),
        [o.a.as_path(), o.b.as_path()],
        |out| match o.format {
            ReportFormatArg::Html => syndic::report::write_alignment_html(out, &alignment, &a, &b),
            ReportFormatArg::Json => syndic::report::write_alignment(out, &alignment, Format::Json),
            ReportFormatArg::Text => syndic::report::write_alignment(out, &alignment, Format::Text),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
