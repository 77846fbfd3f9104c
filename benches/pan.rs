//! PAN 2013 text-alignment training corpus: plagdet, precision, recall and
//! granularity per obfuscation category and overall, and the run time.
//!
//! The corpus stays outside the repository; point `SYNDIC_PAN_DIR` at it or
//! keep it in `../shared/data/pan13-train` beside the project. Without it the
//! benchmark says so and exits.
//!
//! `cargo bench --bench pan [-- --runs N]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use syndic::align::AlignConfig;
use syndic::pan::{self, plagdet, Annotation, RunPaths};

const CATEGORIES: &[&str] = &[
    "01-no-plagiarism",
    "02-no-obfuscation",
    "03-random-obfuscation",
    "04-translation-obfuscation",
    "05-summary-obfuscation",
];

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SYNDIC_PAN_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/pan13-train"),
    };
    dir.join("pairs").is_file().then_some(dir)
}

fn read_dir_xml(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    v.sort();
    v
}

fn main() {
    let Some(dir) = corpus_dir() else {
        eprintln!("pan: corpus not found (set SYNDIC_PAN_DIR or put it in ../shared/data/pan13-train); skipped");
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    // SYNDIC_PAN_OUT keeps the detections for inspection.
    let tmp = tempfile::tempdir().expect("temporary directory");
    let out = std::env::var_os("SYNDIC_PAN_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let paths = RunPaths {
        pairs: dir.join("pairs"),
        susp: dir.join("susp"),
        src: dir.join("src"),
        out: out.clone(),
        decode: Default::default(),
    };
    let config = AlignConfig::pan();
    println!(
        "PAN 2013 text alignment (training): {} ; {} threads",
        dir.display(),
        rayon::current_num_threads()
    );
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let summary = pan::run(&paths, &config, &syndic::report::write_pan_file).expect("run");
        times.push(start.elapsed().as_secs_f64());
        assert!(summary.failed.is_empty(), "{:?}", summary.failed);
        println!(
            "  run: {} pairs, {} detections, {:.2} s",
            summary.pairs,
            summary.detections,
            times.last().unwrap()
        );
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];

    println!(
        "{:<28} {:>6} {:>6} {:>9} {:>9} {:>11} {:>9}",
        "category", "cases", "dets", "precision", "recall", "granularity", "plagdet"
    );
    let mut all_cases: Vec<Annotation> = Vec::new();
    let mut all_dets: Vec<Annotation> = Vec::new();
    for cat in CATEGORIES {
        let mut cases = Vec::new();
        let mut dets = Vec::new();
        for truth in read_dir_xml(&dir.join(cat)) {
            cases.extend(pan::read_xml(&truth).expect("truth xml"));
            let det = out.join(truth.file_name().unwrap());
            dets.extend(pan::read_xml(&det).expect("detection xml"));
        }
        let s = plagdet::score(&cases, &dets);
        print_row(cat, &s);
        all_cases.extend(cases);
        all_dets.extend(dets);
    }
    let s = plagdet::score(&all_cases, &all_dets);
    print_row("overall", &s);
    println!(
        "time: median {median:.2} s of {} runs (align + write XML, all pairs)",
        times.len()
    );
}

fn print_row(name: &str, s: &plagdet::Score) {
    println!(
        "{:<28} {:>6} {:>6} {:>9.4} {:>9.4} {:>11.4} {:>9.4}",
        name, s.cases, s.detections, s.precision, s.recall, s.granularity, s.plagdet
    );
}
