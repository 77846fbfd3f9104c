//! Atomic file writing: a temporary file beside the target, synced, then
//! renamed over it, so an interrupted run never leaves a file that looks
//! complete.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Prefix of every temporary file syndic creates; the rest of the name is
/// the target's file name, a random part and [`TMP_SUFFIX`].
pub const TMP_PREFIX: &str = ".syndic.";
/// Suffix of every temporary file syndic creates.
pub const TMP_SUFFIX: &str = ".tmp";

/// A file being written under a temporary name beside its target.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing `target`: creates the temporary file in its directory.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{name}."))
            .suffix(TMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(AtomicFile {
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// The file to write to.
    pub fn file_mut(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// The path the file will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.target.clone(),
            source,
        }
    }

    /// Gives the file the permissions of the file it replaces (or 0644),
    /// syncs it and renames it into place. Dropped without a commit, the
    /// temporary file is removed.
    pub fn commit(self) -> Result<()> {
        // tempfile creates 0600 files; an output should get the permissions
        // of the file it replaces, or ordinary ones.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::metadata(&self.target)
                .map(|m| m.permissions())
                .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
            self.tmp
                .as_file()
                .set_permissions(perms)
                .map_err(|e| self.io(e))?;
        }
        self.tmp.as_file().sync_all().map_err(|e| self.io(e))?;
        let target = self.target.clone();
        self.tmp.persist(&target).map_err(|e| Error::Io {
            path: target,
            source: e.error,
        })?;
        Ok(())
    }
}

/// Writes `path` atomically with `f` (through a buffer).
pub fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file.file_mut());
        f(&mut out).map_err(io)?;
        out.flush().map_err(io)?;
    }
    file.commit()
}
