//! The layering rule of `DESIGN.md`: every folder of the library uses only
//! the folders before it in the data flow, and the library holds no clap
//! types. Read from the sources, outside `#[cfg(test)]` code and comments.

use std::path::{Path, PathBuf};

/// The folders (or root files) of `src/` in data-flow order.
const LAYERS: &[&str] = &[
    "error", "util", "source", "text", "sketch", "align", "compare", "dedup", "index", "pan",
    "report",
];

/// What the crate root re-exports, and the layer each comes from.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Error", "error"),
    ("Result", "error"),
    ("Position", "error"),
    ("Span", "util"),
    ("DEFAULT_SEED", "error"),
];

fn layer(name: &str) -> Option<usize> {
    let name = ROOT_ITEMS
        .iter()
        .find(|(item, _)| *item == name)
        .map_or(name, |(_, l)| l);
    LAYERS.iter().position(|l| *l == name)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its test module and without comments.
fn code(text: &str) -> String {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::NAME` in `code`.
fn crate_refs(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if let Some(brace) = after.strip_prefix('{') {
            // `use crate::{a, b::c}`
            let inner = &brace[..brace.find('}').unwrap_or(brace.len())];
            for part in inner.split(',') {
                let head: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    out.push(head);
                }
            }
        } else if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

#[test]
fn no_module_uses_a_later_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs");
        if matches!(top, "lib" | "main" | "cli") {
            continue;
        }
        let own = layer(top).unwrap_or_else(|| panic!("{}: not a known layer", rel.display()));
        let text = std::fs::read_to_string(f).unwrap();
        for r in crate_refs(&code(&text)) {
            match layer(&r) {
                Some(l) if l > own => problems.push(format!(
                    "{} ({top}) uses crate::{r} ({})",
                    rel.display(),
                    LAYERS[l]
                )),
                Some(_) => {}
                None => problems.push(format!(
                    "{}: crate::{r} is not a known layer",
                    rel.display()
                )),
            }
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} library files found");
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_library_has_no_clap_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| {
            let rel = f.strip_prefix(&src).unwrap();
            !(rel.starts_with("cli") || rel == Path::new("main.rs"))
        })
        .filter(|f| code(&std::fs::read_to_string(f).unwrap()).contains("clap::"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "clap in the library: {offenders:?}");
}

#[test]
fn the_checker_sees_a_violation() {
    // The oracle on a made-up file: text using compare is flagged.
    let refs = crate_refs(&code(
        "use crate::{error::Result, compare::Kind};\n// crate::report in a comment\nfn f() { crate::util::round4(1.0); }\n#[cfg(test)]\nmod tests { use crate::report; }",
    ));
    assert_eq!(refs, ["error", "compare", "util"]);
    assert!(layer("compare").unwrap() > layer("text").unwrap());
    assert_eq!(layer("Span"), layer("util"));
}
