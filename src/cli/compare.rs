//! `syndic compare`, with the five sample articles built in.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use syndic::compare::{CompareConfig, Comparer, Skipped};
use syndic::report::Format;
use syndic::source::{load_paths, InputDoc, LoadOptions, DEFAULT_MAX_LINE_BYTES};

use super::{emit, ReportFormatArg};

/// The five sample articles, built in so `syndic compare` works anywhere.
const EMBEDDED_CORPUS: &[(&str, &str)] = &[
    (
        "000_2418eaf12bc7a03f",
        include_str!("../../corpus/000_2418eaf12bc7a03f.txt"),
    ),
    (
        "001_ed852534e1fcf919",
        include_str!("../../corpus/001_ed852534e1fcf919.txt"),
    ),
    (
        "002_7c5c3771152c00cc",
        include_str!("../../corpus/002_7c5c3771152c00cc.txt"),
    ),
    (
        "003_51106e80349272ef",
        include_str!("../../corpus/003_51106e80349272ef.txt"),
    ),
    (
        "004_8365b9acc8308324",
        include_str!("../../corpus/004_8365b9acc8308324.txt"),
    ),
];

/// Options of `syndic compare`.
#[derive(Debug, clap::Args)]
pub struct CompareOpts {
    /// Files or directories (directories are searched for *.txt, *.text,
    /// *.md). Default: corpus/ in the current directory, or the five sample
    /// articles built into syndic if there is none.
    pub paths: Vec<PathBuf>,
    /// Output format (html: one self-contained page, best with -o
    /// report.html).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormatArg,
    /// Word n-gram size for whole documents.
    #[arg(long, default_value_t = syndic::sketch::shingle::DEFAULT_DOCUMENT_SHINGLE, value_name = "N")]
    pub shingle: usize,
    /// Word n-gram size for sentences (candidate search; pairs must share 3
    /// of them, so keep it small: 1 to 3).
    #[arg(long, default_value_t = syndic::sketch::shingle::DEFAULT_SENTENCE_SHINGLE, value_name = "N")]
    pub sentence_shingle: usize,
    /// MinHash permutations (signature length).
    #[arg(long, default_value_t = syndic::sketch::minhash::DEFAULT_PERMUTATIONS, value_name = "K")]
    pub permutations: usize,
    /// Seed for hashing and MinHash; the same seed gives the same output.
    #[arg(long, default_value_t = syndic::DEFAULT_SEED)]
    pub seed: u64,
    /// Near-duplicate sentence threshold, in (0, 1): word-alignment
    /// similarity 2·LCS/(|a|+|b|) of the two sentences.
    #[arg(long, default_value_t = 0.45, value_name = "T")]
    pub threshold: f64,
    /// Containment of a shorter sentence in a longer one that makes it a
    /// near duplicate (trimmed copy), in (0, 1].
    #[arg(long, default_value_t = 0.8, value_name = "C")]
    pub containment: f64,
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write the report to FILE (atomically: a temporary file, then rename).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Reject files with a line longer than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES, value_name = "BYTES")]
    pub max_line_bytes: usize,
    /// Stop with an error, writing nothing to -o FILE, when the report
    /// would be larger than this (0: no limit).
    #[arg(long, default_value_t = DEFAULT_MAX_REPORT_BYTES, value_name = "BYTES")]
    pub max_report_bytes: u64,
    /// Decoding of the inputs.
    #[command(flatten)]
    pub decode: super::DecodeArgs,
    /// The language of every input (ISO 639-1 or 639-3 code, or English
    /// name: en, ur, hi, zh, ja, th ...) whose stemmer and stopwords apply;
    /// default: detected per document.
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Also compare with an archive (syndic index): the archived documents
    /// that match each article (near duplicates, shared sentences) join the
    /// comparison as archive:ID (their text must be kept).
    #[arg(long, value_name = "ARCHIVE")]
    pub against: Option<PathBuf>,
    /// With --against: archived documents taken per article at most, best
    /// first.
    #[arg(long, default_value_t = 5, value_name = "K", requires = "against")]
    pub against_top: usize,
}

/// Default of `--max-report-bytes`: 1 GiB.
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 1 << 30;

/// Everything `syndic compare` needs, resolved from [`CompareOpts`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Inputs; empty means the default corpus.
    pub paths: Vec<PathBuf>,
    /// Output format.
    pub format: ReportFormatArg,
    /// Comparer settings.
    pub compare: CompareConfig,
    /// Loader settings.
    pub load: LoadOptions,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Output file, or standard output.
    pub output: Option<PathBuf>,
    /// Largest report written (0: no limit).
    pub max_report_bytes: u64,
    /// `--against ARCHIVE`.
    pub against: Option<PathBuf>,
    /// `--against-top K`.
    pub against_top: usize,
}

impl TryFrom<CompareOpts> for Config {
    type Error = syndic::Error;
    fn try_from(o: CompareOpts) -> syndic::Result<Config> {
        Ok(Config {
            paths: o.paths,
            format: o.format,
            compare: CompareConfig {
                document_shingle: o.shingle,
                sentence_shingle: o.sentence_shingle,
                permutations: o.permutations,
                seed: o.seed,
                threshold: o.threshold,
                containment: o.containment,
                align: syndic::align::AlignConfig {
                    language: o
                        .language
                        .as_deref()
                        .map(syndic::text::Language::parse)
                        .transpose()?,
                    ..Default::default()
                },
                ..CompareConfig::default()
            },
            load: LoadOptions {
                max_line_bytes: o.max_line_bytes,
                decode: o.decode.options()?,
            },
            threads: o.threads,
            output: o.output,
            max_report_bytes: o.max_report_bytes,
            against: o.against,
            against_top: o.against_top,
        })
    }
}

pub(super) fn run(o: CompareOpts) -> anyhow::Result<ExitCode> {
    let config = Config::try_from(o)?;
    super::init_threads(config.threads)?;
    let (docs, skipped) = if config.paths.is_empty() && !Path::new("corpus").is_dir() {
        let docs = EMBEDDED_CORPUS
            .iter()
            .map(|(id, text)| InputDoc::new(*id, format!("corpus/{id}.txt (built in)"), *text))
            .collect();
        (docs, Vec::new())
    } else {
        let paths = if config.paths.is_empty() {
            vec![PathBuf::from("corpus")]
        } else {
            config.paths.clone()
        };
        let loaded = load_paths(&paths, config.load);
        (loaded.docs, loaded.skipped)
    };
    for e in &skipped {
        eprintln!("syndic: skipped: {e}");
    }
    docs.iter().for_each(super::warn_encoding);
    if docs.is_empty() {
        anyhow::bail!("no document could be analysed");
    }
    let mut docs = docs;
    if let Some(archive) = &config.against {
        let archived = archived_matches(archive, &docs, config.against_top)?;
        docs.extend(archived);
    }
    // The HTML report shows every text in full; the comparer consumes them.
    let texts = (config.format == ReportFormatArg::Html).then(|| docs.clone());
    let mut comparison = Comparer::new(config.compare.clone())?.compare(docs)?;
    comparison.skipped = skipped.iter().map(Skipped::from).collect();

    emit(
        config.output.as_deref(),
        comparison
            .documents
            .iter()
            .map(|d| Path::new(&d.path))
            .chain(config.against.as_deref()),
        |out| {
            let mut limited = super::Limited::new(out, config.max_report_bytes);
            match (config.format, &texts) {
                (ReportFormatArg::Html, Some(texts)) => {
                    syndic::report::write_html(&mut limited, &comparison, texts)
                }
                (ReportFormatArg::Json, _) => {
                    syndic::report::write(&mut limited, &comparison, Format::Json)
                }
                _ => syndic::report::write(&mut limited, &comparison, Format::Text),
            }
        },
    )?;
    Ok(if skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The archived documents matching each article (at most `top` per article,
/// best first), in order of first appearance, as documents `archive:ID`.
fn archived_matches(
    archive: &Path,
    docs: &[InputDoc],
    top: usize,
) -> anyhow::Result<Vec<InputDoc>> {
    use syndic::index::{Archive, Mode, QueryConfig, Searcher};
    let a = Archive::open(archive, Mode::Read)?;
    let mut qc = QueryConfig::for_archive(&a);
    qc.top = top;
    qc.passages = false;
    let searcher = Searcher::new(&a, qc)?;
    a.begin_read()?;
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for d in docs {
        let r = searcher.query(&d.id, &d.path, &d.text)?;
        for m in r.matches {
            if !seen.insert(m.id.clone()) {
                continue;
            }
            match searcher.text_by_id(&m.id)? {
                Some((_, Some(text))) => out.push(InputDoc::new(
                    format!("archive:{}", m.id),
                    format!("{}#{}", archive.display(), m.id),
                    text,
                )),
                _ => eprintln!(
                    "syndic: warning: {}: archived document {:?} matches {} but its text is not kept \
                     (index add --keep-text); `syndic index query` lists its shared sentences",
                    archive.display(),
                    m.id,
                    d.id
                ),
            }
        }
    }
    a.end_read()?;
    eprintln!(
        "syndic: {}: {} archived document{} added to the comparison",
        archive.display(),
        out.len(),
        if out.len() == 1 { "" } else { "s" }
    );
    Ok(out)
}
