//! Writing outputs without destroying anything: a regular file (or a new
//! path) is written atomically (a temporary file beside the real target,
//! synced, then renamed over it, so an interrupted run never leaves a file
//! that looks complete); a symbolic link is followed and kept; anything else
//! (a character device such as `/dev/null`, a FIFO, `/dev/stdout`) is
//! written straight through, never replaced. Every error names the path the
//! user gave.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cleanup::{self, Registered, TMP_FILE_SUFFIX, TMP_PREFIX};
use crate::error::{Error, Result};

/// Where an output really goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// A regular file, or nothing yet: written atomically at this path
    /// (symbolic links resolved).
    Regular(PathBuf),
    /// A device, FIFO or socket: written in place.
    Stream(PathBuf),
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Follows symbolic links from `path` (a dangling link resolves to the path
/// it names), at most 40 deep.
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&p).map_err(|e| io(path, e))?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(Error::BadOutput {
        path: path.to_path_buf(),
        reason: "too many levels of symbolic links".into(),
    })
}

/// What kind of output `path` is; a directory is an error.
pub fn output_kind(path: &Path) -> Result<OutputKind> {
    let real = resolve_links(path)?;
    match std::fs::metadata(&real) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(OutputKind::Regular(real)),
        Err(e) => Err(io(path, e)),
        Ok(m) if m.is_dir() => Err(Error::BadOutput {
            path: path.to_path_buf(),
            reason: "is a directory (give a file name)".into(),
        }),
        Ok(m) if m.is_file() => Ok(OutputKind::Regular(real)),
        Ok(_) => Ok(OutputKind::Stream(real)),
    }
}

/// True if `a` and `b` are the same existing file (same device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Refuses an output that is one of the inputs.
pub fn check_not_an_input<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<()> {
    for input in inputs {
        if same_file(output, input) {
            return Err(Error::BadOutput {
                path: output.to_path_buf(),
                reason: format!("is the input {}; refusing to overwrite it", input.display()),
            });
        }
    }
    Ok(())
}

/// A file being written under a temporary name beside its real target.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    /// Where it will be renamed to (symbolic links resolved).
    real: PathBuf,
    /// The path the user gave, for messages.
    target: PathBuf,
    _registered: Registered,
}

impl AtomicFile {
    /// Starts writing `target`: creates the temporary file in the directory
    /// of the real target (links followed). What killed runs left there is
    /// removed by [`remove_leftovers_for`], which the caller runs once per
    /// user-given output (not per file of a directory being filled).
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let real = match output_kind(target)? {
            OutputKind::Regular(real) => real,
            OutputKind::Stream(_) => {
                return Err(Error::BadOutput {
                    path: target.to_path_buf(),
                    reason: "is not a regular file".into(),
                })
            }
        };
        let dir = match real.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{name}.{}.", std::process::id()))
            .rand_bytes(6)
            .suffix(TMP_FILE_SUFFIX)
            .tempfile_in(&dir)
            .map_err(|e| io(target, e))?;
        let registered = cleanup::register(tmp.path());
        Ok(AtomicFile {
            tmp,
            real,
            target: target.to_path_buf(),
            _registered: registered,
        })
    }

    /// The file to write to.
    pub fn file_mut(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// The path the user gave.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Gives the file the permissions of the file it replaces (or 0644),
    /// syncs it and renames it into place. Dropped without a commit, the
    /// temporary file is removed.
    pub fn commit(self) -> Result<()> {
        let target = self.target.clone();
        // tempfile creates 0600 files; an output should get the permissions
        // of the file it replaces, or ordinary ones.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::metadata(&self.real)
                .map(|m| m.permissions())
                .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
            self.tmp
                .as_file()
                .set_permissions(perms)
                .map_err(|e| io(&target, e))?;
        }
        self.tmp.as_file().sync_all().map_err(|e| io(&target, e))?;
        self.tmp
            .persist(&self.real)
            .map_err(|e| io(&target, e.error))?;
        Ok(())
    }
}

/// Removes what killed runs left beside the real target of `path` for that
/// target (see [`cleanup::remove_leftovers`]) and returns the paths removed.
pub fn remove_leftovers_for(path: &Path) -> Vec<PathBuf> {
    let Ok(real) = resolve_links(path) else {
        return Vec::new();
    };
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match real.file_name() {
        Some(name) => cleanup::remove_leftovers(&dir, &name.to_string_lossy()),
        None => Vec::new(),
    }
}

/// Writes the output `path` with `f` (through a buffer): atomically for a
/// regular file or a new path, straight through for a device or FIFO.
pub fn write_atomically(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let err = |source| io(path, source);
    match output_kind(path)? {
        OutputKind::Stream(real) => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&real)
                .map_err(err)?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            f(&mut out).map_err(err)?;
            out.flush().map_err(err)?;
            Ok(())
        }
        OutputKind::Regular(_) => {
            let mut file = AtomicFile::create(path)?;
            {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, file.file_mut());
                f(&mut out).map_err(err)?;
                out.flush().map_err(err)?;
            }
            file.commit()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file left");
    }

    #[test]
    fn a_dangling_symlink_writes_the_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("made.txt", &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"x")).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("made.txt")).unwrap(),
            "x"
        );
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_atomically(dir.path(), |w| w.write_all(b"x")),
            Err(Error::BadOutput { .. })
        ));
    }

    #[test]
    fn an_input_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "x").unwrap();
        let link = dir.path().join("l.txt");
        std::os::unix::fs::symlink(&a, &link).unwrap();
        assert!(check_not_an_input(&link, [a.as_path()]).is_err());
        assert!(check_not_an_input(&dir.path().join("b.txt"), [a.as_path()]).is_ok());
    }
}
