//! A PAN corpus: the pairs file, the documents, one run of the aligner per
//! pair.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Annotation;
use crate::align::{align, AlignConfig, AlignDoc};
use crate::error::{Error, Result};

/// One line of a `pairs` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// 1-based line in the pairs file.
    pub line: usize,
    /// Suspicious document file name.
    pub susp: String,
    /// Source document file name.
    pub src: String,
}

impl Pair {
    /// The output file name PAN expects:
    /// `suspicious-documentXXXXX-source-documentYYYYY.xml`.
    pub fn output_name(&self) -> String {
        format!("{}-{}.xml", stem(&self.susp), stem(&self.src))
    }
}

fn stem(name: &str) -> &str {
    name.strip_suffix(".txt").unwrap_or(name)
}

/// Reads a pairs file: one `suspicious.txt source.txt` pair per line; blank
/// lines are skipped. Malformed lines are returned as errors, with the line,
/// beside the pairs that could be read.
pub fn read_pairs(path: &Path) -> Result<(Vec<Pair>, Vec<Error>)> {
    let text = std::fs::read(path).map_err(|source| io_error(path, source))?;
    let text = crate::source::utf8_text(path, text)?;
    // A byte-order mark (Windows editors write one) is not part of a name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [] => {}
            [susp, src] if is_file_name(susp) && is_file_name(src) => pairs.push(Pair {
                line: i + 1,
                susp: susp.to_string(),
                src: src.to_string(),
            }),
            _ => errors.push(Error::Malformed {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!(
                    "expected two file names (suspicious and source document), found {:?}",
                    truncate(line, 120)
                ),
            }),
        }
    }
    Ok((pairs, errors))
}

fn is_file_name(s: &str) -> bool {
    !s.is_empty() && !s.contains('/') && !s.contains('\\') && s != "." && s != ".."
}

fn truncate(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Aligns one suspicious document with one source document and returns the
/// detections in PAN's character offsets.
pub fn detect(
    susp_name: &str,
    susp: &str,
    src_name: &str,
    src: &str,
    config: &AlignConfig,
) -> Vec<Annotation> {
    let b = AlignDoc::new(src, config);
    let a = if config.synonyms {
        AlignDoc::toward(susp, config, &b)
    } else {
        AlignDoc::new(susp, config)
    };
    align(&a, &b, config)
        .into_iter()
        .map(|p| Annotation {
            this_reference: susp_name.to_string(),
            this_offset: p.a.chars.start,
            this_length: p.a.chars.len(),
            source_reference: src_name.to_string(),
            source_offset: p.b.chars.start,
            source_length: p.b.chars.len(),
        })
        .collect()
}

/// Receives the detections of one pair: `(output path, pair, detections)`.
pub type Sink = dyn Fn(&Path, &Pair, &[Annotation]) -> Result<()> + Sync;

/// What [`run`] did.
#[derive(Debug, Default)]
pub struct RunSummary {
    /// Pairs read from the pairs file.
    pub pairs: usize,
    /// XML files written.
    pub written: usize,
    /// Detections written, over all pairs.
    pub detections: usize,
    /// Pairs (or lines) that failed, each naming the pairs file and line.
    pub failed: Vec<Error>,
}

/// Where a PAN corpus is and where detections go.
#[derive(Debug, Clone)]
pub struct RunPaths {
    /// The pairs file.
    pub pairs: PathBuf,
    /// Directory of suspicious documents.
    pub susp: PathBuf,
    /// Directory of source documents.
    pub src: PathBuf,
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// How documents that are not UTF-8 are decoded (`--encoding`,
    /// `--strict-utf8`).
    pub decode: crate::source::DecodeOptions,
}

/// Runs the aligner over every pair of a PAN corpus, in parallel, and hands
/// the detections of each pair to `sink` with its output path in
/// `paths.out` (the binary writes each as PAN XML, atomically). A pair that
/// fails (a missing or unreadable document) is reported with the pairs file
/// and line; the others are still processed.
pub fn run(paths: &RunPaths, config: &AlignConfig, sink: &Sink) -> Result<RunSummary> {
    config.validate()?;
    let (pairs, mut failed) = read_pairs(&paths.pairs)?;
    std::fs::create_dir_all(&paths.out).map_err(|source| Error::Io {
        path: paths.out.clone(),
        source,
    })?;
    let results: Vec<Result<usize>> = pairs
        .par_iter()
        .map(|pair| {
            run_pair(paths, pair, config, sink).map_err(|e| Error::Malformed {
                path: paths.pairs.clone(),
                line: pair.line,
                message: e.to_string(),
            })
        })
        .collect();
    let mut summary = RunSummary {
        pairs: pairs.len(),
        ..RunSummary::default()
    };
    for r in results {
        match r {
            Ok(n) => {
                summary.written += 1;
                summary.detections += n;
            }
            Err(e) => failed.push(e),
        }
    }
    summary.failed = failed;
    Ok(summary)
}

fn load(dir: &Path, name: &str, opts: crate::source::DecodeOptions) -> Result<String> {
    let path = dir.join(name);
    // PAN documents are taken as they are: a stray NUL byte (some sources
    // have them) is one character like any other, so offsets stay right.
    // A document that is not UTF-8 is decoded (PAN offsets count characters
    // of the decoded text).
    let bytes = std::fs::read(&path).map_err(|source| io_error(&path, source))?;
    if opts.forced.is_none() && std::str::from_utf8(&bytes).is_ok() {
        return crate::source::utf8_text(&path, bytes);
    }
    crate::source::decode(&path, bytes, None, opts, crate::source::Mapping::Skip).map(|d| d.text)
}

fn run_pair(paths: &RunPaths, pair: &Pair, config: &AlignConfig, sink: &Sink) -> Result<usize> {
    let susp = load(&paths.susp, &pair.susp, paths.decode)?;
    let src = load(&paths.src, &pair.src, paths.decode)?;
    let detections = detect(&pair.susp, &susp, &pair.src, &src, config);
    let path = paths.out.join(pair.output_name());
    sink(&path, pair, &detections)?;
    Ok(detections.len())
}

pub(super) fn io_error(path: &Path, source: std::io::Error) -> Error {
    if source.kind() == std::io::ErrorKind::NotFound {
        Error::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_name_follows_pan() {
        let p = Pair {
            line: 1,
            susp: "suspicious-document00001.txt".into(),
            src: "source-document00294.txt".into(),
        };
        assert_eq!(
            p.output_name(),
            "suspicious-document00001-source-document00294.xml"
        );
    }
}
