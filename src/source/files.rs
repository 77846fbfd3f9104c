//! Reading documents from files and directories, with the checks that turn
//! bad input into clear errors (missing, empty, binary, invalid UTF-8, one
//! enormous line) instead of nonsense or panics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::check::{check_decoded, DEFAULT_MAX_LINE_BYTES};
use super::decode::{DecodeOptions, EncodingInfo, OffsetMap};
use super::walk::files_under;
use crate::error::{Error, Result};

/// File extensions (lower case) that a directory walk picks up.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md"];

/// One document to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDoc {
    /// Identifier: the file stem, made unique if two files share it.
    pub id: String,
    /// Path as given (for reports).
    pub path: String,
    /// The file's text: exactly as on disk for UTF-8, else decoded to UTF-8.
    pub text: String,
    /// The encoding the file was read as.
    pub encoding: EncodingInfo,
    /// Byte offsets of `text` back to the file, for a file that was not
    /// UTF-8 (`None`: the offsets are the same).
    pub offsets: Option<OffsetMap>,
    /// Size of the file in bytes.
    pub file_len: usize,
}

impl InputDoc {
    /// A document from memory.
    pub fn new(id: impl Into<String>, path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        InputDoc {
            id: id.into(),
            path: path.into(),
            file_len: text.len(),
            text,
            encoding: EncodingInfo::UTF8,
            offsets: None,
        }
    }

    /// The file byte offset of byte offset `offset` of [`InputDoc::text`].
    pub fn file_offset(&self, offset: usize) -> usize {
        match &self.offsets {
            Some(m) => m.original(offset),
            None => offset,
        }
    }
}

/// Options for [`load_paths`].
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Files with a longer line are rejected.
    pub max_line_bytes: usize,
    /// How files are decoded.
    pub decode: DecodeOptions,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            decode: DecodeOptions::default(),
        }
    }
}

/// What [`load_paths`] read, and what it had to skip.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Documents read successfully, in argument order (directories sorted by
    /// file name).
    pub docs: Vec<InputDoc>,
    /// Inputs that could not be used, with the reason.
    pub skipped: Vec<Error>,
    /// Canonical paths already read.
    seen: std::collections::HashSet<PathBuf>,
}

/// Reads every path: files directly, directories recursively (files with a
/// [`TEXT_EXTENSIONS`] extension, hidden entries skipped, sorted by name).
/// Problems with one input are collected in [`Loaded::skipped`] so the others
/// can still be analysed.
pub fn load_paths(paths: &[PathBuf], opts: LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        if !path.exists() {
            loaded.skipped.push(Error::NotFound { path: path.clone() });
            continue;
        }
        if path.is_dir() {
            let (files, errors) = text_files_in(path);
            let had_errors = !errors.is_empty();
            loaded.skipped.extend(errors);
            if files.is_empty() && !had_errors {
                loaded
                    .skipped
                    .push(Error::NoTextFiles { path: path.clone() });
            }
            for file in files {
                push_file(&mut loaded, &file, opts);
            }
        } else {
            push_file(&mut loaded, path, opts);
        }
    }
    make_ids_unique(&mut loaded.docs);
    loaded
}

fn push_file(loaded: &mut Loaded, path: &Path, opts: LoadOptions) {
    // The same file named twice (or reached through a directory and a link)
    // is one document, not a perfect copy of itself.
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !loaded.seen.insert(key) {
        return;
    }
    match read_document(path, opts) {
        Ok(doc) => loaded.docs.push(doc),
        Err(e) => loaded.skipped.push(e),
    }
}

/// Text files under `dir`, sorted by name, and the entries that could not be
/// read (which do not stop the walk).
fn text_files_in(dir: &Path) -> (Vec<PathBuf>, Vec<Error>) {
    let text = |p: &Path| {
        p.extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.as_str()))
    };
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for entry in files_under(dir, text) {
        match entry {
            Ok(p) => files.push(p),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// Reads and checks one file.
pub fn read_document(path: &Path, opts: LoadOptions) -> Result<InputDoc> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file_len = bytes.len();
    let decoded = check_decoded(path, bytes, opts.max_line_bytes, opts.decode)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(InputDoc {
        id,
        path: path.display().to_string(),
        text: decoded.text,
        encoding: decoded.encoding,
        offsets: decoded.map,
        file_len,
    })
}

/// Gives documents that share a file stem their path as id instead, and
/// numbers any id that is still taken (`a.txt#2`).
fn make_ids_unique(docs: &mut [InputDoc]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for d in docs.iter() {
        *count.entry(d.id.clone()).or_default() += 1;
    }
    for d in docs.iter_mut() {
        if count[&d.id] > 1 {
            d.id = d.path.clone();
        }
    }
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for d in docs.iter_mut() {
        let mut id = d.id.clone();
        let mut n = 1;
        while !taken.insert(id.clone()) {
            n += 1;
            id = format!("{}#{n}", d.id);
        }
        d.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::source::check_text;

    fn check(bytes: &[u8]) -> Result<String> {
        check_text(Path::new("x.txt"), bytes.to_vec(), 10)
    }

    #[test]
    fn classifies_bad_bytes() {
        assert!(matches!(check(b""), Err(Error::Empty { .. })));
        assert!(matches!(check(b" \n\t\n"), Err(Error::Empty { .. })));
        assert!(matches!(
            check(b"ok\nbad \xff here"),
            Err(Error::InvalidUtf8 {
                line: 2,
                offset: 7,
                ..
            })
        ));
        assert!(matches!(
            check(b"a\nb\nc\0"),
            Err(Error::Binary {
                line: 3,
                offset: 5,
                ..
            })
        ));
        assert!(matches!(
            check(b"short\nthis line is too long\nok"),
            Err(Error::LineTooLong {
                line: 2,
                len: 21,
                limit: 10,
                ..
            })
        ));
        assert_eq!(check(b"fine\ntext").unwrap(), "fine\ntext");
    }

    #[test]
    fn duplicate_stems_get_paths_as_ids() {
        let mut docs = vec![
            InputDoc::new("a", "x/a.txt", "t"),
            InputDoc::new("a", "y/a.txt", "t"),
            InputDoc::new("b", "b.txt", "t"),
        ];
        make_ids_unique(&mut docs);
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["x/a.txt", "y/a.txt", "b"]);
        // A stem that equals another document's path-id is numbered.
        let mut docs = vec![
            InputDoc::new("a", "a", "t"),
            InputDoc::new("a", "x/a", "t"),
            InputDoc::new("a", "a.md", "t"),
        ];
        make_ids_unique(&mut docs);
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "x/a", "a.md"]);
        let mut docs = vec![InputDoc::new("a", "a", "t"), InputDoc::new("a", "a", "t")];
        make_ids_unique(&mut docs);
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "a#2"]);
    }
}
