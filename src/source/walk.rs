//! The one directory walk: files under a directory, sorted by name, links
//! followed, hidden entries (a name starting with `.`) skipped below the
//! root.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Every file under `dir` that `keep` accepts, in name order; an entry that
/// cannot be read is an [`Error::Io`] in the sequence (the walk goes on).
pub(crate) fn files_under<'a>(
    dir: &'a Path,
    keep: impl Fn(&Path) -> bool + 'a,
) -> impl Iterator<Item = Result<PathBuf>> + 'a {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(move |entry| match entry {
            Err(e) => Some(Err(Error::Io {
                path: e.path().unwrap_or(dir).to_path_buf(),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
            })),
            Ok(entry) if entry.file_type().is_file() && keep(entry.path()) => {
                Some(Ok(entry.into_path()))
            }
            Ok(_) => None,
        })
}
