//! PAN text-alignment corpora: the `pairs` file, detection XML in, detection
//! XML out, and the plagdet score ([`plagdet`]).
//!
//! PAN offsets and lengths count Unicode characters, not bytes; the aligner's
//! [`crate::align::Side::chars`] gives them.

pub mod plagdet;

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::align::{align, AlignConfig, AlignDoc};
use crate::error::{Error, Result};

/// One plagiarism case or detection, in characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Annotation {
    /// The suspicious document's file name.
    pub this_reference: String,
    /// First character in the suspicious document.
    pub this_offset: usize,
    /// Length in characters in the suspicious document.
    pub this_length: usize,
    /// The source document's file name.
    pub source_reference: String,
    /// First character in the source document.
    pub source_offset: usize,
    /// Length in characters in the source document.
    pub source_length: usize,
}

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
    let text = utf8(path, text)?;
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

/// Decodes UTF-8, naming the line and offset of the first invalid byte.
fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::InvalidUtf8 {
            path: path.to_path_buf(),
            line,
            offset,
        }
    })
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

fn io_error(path: &Path, source: std::io::Error) -> Error {
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

/// Aligns one suspicious document with one source document and returns the
/// detections in PAN's character offsets.
pub fn detect(
    susp_name: &str,
    susp: &str,
    src_name: &str,
    src: &str,
    config: &AlignConfig,
) -> Vec<Annotation> {
    let a = AlignDoc::new(susp, config);
    let b = AlignDoc::new(src, config);
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
pub fn write_xml(
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

/// Reads the annotations of a PAN XML file: `feature` elements named
/// `plagiarism` (truth) or `detected-plagiarism` (detections). Other
/// features (`about`, `md5`) are ignored.
pub fn read_xml(path: &Path) -> Result<Vec<Annotation>> {
    let text = std::fs::read_to_string(path).map_err(|source| io_error(path, source))?;
    parse_xml(&text).map_err(|(offset, message)| Error::Malformed {
        path: path.to_path_buf(),
        line: text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
        message,
    })
}

/// Parses PAN XML; errors carry the byte offset.
fn parse_xml(text: &str) -> std::result::Result<Vec<Annotation>, (usize, String)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut reference: Option<String> = None;
    let mut out = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs: Vec<(String, String)> = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|err| (pos, err.to_string()))?;
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    let value = a
                        .unescape_value()
                        .map_err(|err| (pos, err.to_string()))?
                        .into_owned();
                    attrs.push((key, value));
                }
                let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
                match e.name().as_ref() {
                    b"document" => reference = get("reference").map(str::to_string),
                    b"feature"
                        if matches!(get("name"), Some("plagiarism" | "detected-plagiarism")) =>
                    {
                        let num = |k: &str| -> std::result::Result<usize, (usize, String)> {
                            let v = get(k).ok_or_else(|| (pos, format!("feature without {k}")))?;
                            v.trim()
                                .parse()
                                .map_err(|_| (pos, format!("{k}={v:?} is not a number")))
                        };
                        let this_reference = reference
                            .clone()
                            .ok_or_else(|| (pos, "feature outside <document>".to_string()))?;
                        out.push(Annotation {
                            this_reference,
                            this_offset: num("this_offset")?,
                            this_length: num("this_length")?,
                            source_reference: get("source_reference")
                                .ok_or_else(|| (pos, "feature without source_reference".into()))?
                                .to_string(),
                            source_offset: num("source_offset")?,
                            source_length: num("source_length")?,
                        });
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if reference.is_none() {
        return Err((0, "no <document reference=...> element".into()));
    }
    Ok(out)
}

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
}

/// Runs the aligner over every pair of a PAN corpus, in parallel, and writes
/// one detection XML per pair into `paths.out`, each atomically. A pair that
/// fails (a missing or unreadable document) is reported with the pairs file
/// and line; the others are still processed.
pub fn run(paths: &RunPaths, config: &AlignConfig) -> Result<RunSummary> {
    config.validate()?;
    let (pairs, mut failed) = read_pairs(&paths.pairs)?;
    std::fs::create_dir_all(&paths.out).map_err(|source| Error::Io {
        path: paths.out.clone(),
        source,
    })?;
    let results: Vec<Result<usize>> = pairs
        .par_iter()
        .map(|pair| {
            run_pair(paths, pair, config).map_err(|e| Error::Malformed {
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

fn load(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    // PAN documents are taken as they are: a stray NUL byte (some sources
    // have them) is one character like any other, so offsets stay right.
    let bytes = std::fs::read(&path).map_err(|source| io_error(&path, source))?;
    utf8(&path, bytes)
}

fn run_pair(paths: &RunPaths, pair: &Pair, config: &AlignConfig) -> Result<usize> {
    let susp = load(&paths.susp, &pair.susp)?;
    let src = load(&paths.src, &pair.src)?;
    let detections = detect(&pair.susp, &susp, &pair.src, &src, config);
    let path = paths.out.join(pair.output_name());
    crate::report::write_atomically(&path, |out| write_xml(out, &pair.susp, &detections))?;
    Ok(detections.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_round_trips_and_escapes() {
        let d = vec![Annotation {
            this_reference: "s&1.txt".into(),
            this_offset: 5,
            this_length: 10,
            source_reference: "src\"2.txt".into(),
            source_offset: 7,
            source_length: 12,
        }];
        let mut buf = Vec::new();
        write_xml(&mut buf, "s&1.txt", &d).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("&amp;") && text.contains("&quot;"), "{text}");
        assert_eq!(parse_xml(&text).unwrap(), d);
    }

    #[test]
    fn truth_features_other_than_plagiarism_are_ignored() {
        let xml = r#"<document  reference="suspicious-document00001.txt">
	<feature  name="about" authors="DUC2006" title="news" language="en" />
	<feature name="plagiarism" obfuscation="random" source_length="402" source_offset="1084" source_reference="source-document00560.txt" this_length="269" this_offset="1412" type="artificial" />
</document>"#;
        let a = parse_xml(xml).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].this_offset, a[0].source_length), (1412, 402));
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse_xml(
            "<document reference=\"x\"><feature name=\"plagiarism\" this_offset=\"a\""
        )
        .is_err());
        assert!(parse_xml("<other/>").is_err());
    }

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
