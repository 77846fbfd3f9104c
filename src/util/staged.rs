//! An output directory that holds one complete run or none: every output
//! is written into a staging directory beside the target
//! (`.syndic.<name>.<pid>.<random>.dir`), which then takes the target's
//! place in one atomic step.
//!
//! The commit protocol:
//! 1. On start the target must be absent, empty, or a directory a syndic run
//!    made (it holds [`MANIFEST`]); anything else is refused before any
//!    work, so files syndic did not create are never touched. Leftovers of
//!    killed runs beside it (the staging pattern, their process gone) are
//!    removed.
//! 2. Outputs are written into the staging directory; [`MANIFEST`] (the
//!    list of the run's files) is written last.
//! 3. The staging directory replaces the target: `rename` when there is no
//!    target, else `renameat2(RENAME_EXCHANGE)` swaps the two in one step
//!    (Linux); the previous run, now under the staging name, is removed.
//!    Where the exchange is not supported, the previous run is first
//!    renamed aside (an instant with no run at all), then the new one into
//!    place.
//!
//! A run killed at any point leaves the target as it was (the previous
//! complete run, or nothing) plus at most a staging directory that the next
//! run removes; SIGINT and SIGTERM remove it at once (it is registered with
//! [`super::cleanup`]).

use std::path::{Path, PathBuf};

use super::cleanup::{self, Registered, TMP_DIR_SUFFIX};
use crate::error::{Error, Result};

/// The file that marks a directory as a complete syndic run; it lists the
/// run's files, one per line.
pub const MANIFEST: &str = ".syndic-run";

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses an output directory that is, or is inside, an input directory,
/// or that is an input file.
pub fn check_output_dir(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    // The output may not exist yet: resolve its nearest existing ancestor.
    let mut existing = output.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_owned()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => break,
        }
    }
    let Ok(mut resolved) = existing.canonicalize() else {
        return Ok(());
    };
    resolved.extend(rest.iter().rev());
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(inp) = input.canonicalize() else {
            continue;
        };
        if resolved == inp || (inp.is_dir() && resolved.starts_with(&inp)) {
            return Err(Error::BadOutput {
                path: output.to_path_buf(),
                reason: format!(
                    "is, or is inside, the input {}; the next run would read its own outputs \
                     (give a directory outside the inputs)",
                    input.display()
                ),
            });
        }
    }
    Ok(())
}

/// A run's output directory under construction.
#[derive(Debug)]
pub struct StagedDir {
    name: String,
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
    _registered: Registered,
}

/// True if `dir` is empty or was made by a syndic run.
fn ours_or_empty(dir: &Path) -> Result<bool> {
    if dir.join(MANIFEST).is_file() {
        return Ok(true);
    }
    let mut entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    Ok(entries.next().is_none())
}

impl StagedDir {
    /// Checks `target` and creates the staging directory beside it.
    pub fn create(target: &Path) -> Result<StagedDir> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::BadOutput {
                path: target.to_path_buf(),
                reason: "names no directory".into(),
            })?;
        match std::fs::symlink_metadata(target) {
            Ok(m) if m.is_dir() => {
                if !ours_or_empty(target)? {
                    return Err(Error::BadOutput {
                        path: target.to_path_buf(),
                        reason: format!(
                            "is a directory that syndic did not make (it has files and no {MANIFEST}); \
                             give a new or empty directory"
                        ),
                    });
                }
            }
            Ok(m) if m.file_type().is_symlink() => {
                return Err(Error::BadOutput {
                    path: target.to_path_buf(),
                    reason: "is a symbolic link; give the directory itself".into(),
                })
            }
            Ok(_) => {
                return Err(Error::BadOutput {
                    path: target.to_path_buf(),
                    reason: "exists and is not a directory".into(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(target, e)),
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
        for p in cleanup::remove_leftovers(&parent, &name) {
            eprintln!(
                "syndic: removed {}, left by an interrupted run",
                p.display()
            );
        }
        let staging = parent.join(cleanup::temp_name(&name, TMP_DIR_SUFFIX));
        std::fs::create_dir(&staging).map_err(|e| io(target, e))?;
        let registered = cleanup::register(&staging);
        Ok(StagedDir {
            name,
            staging,
            target: target.to_path_buf(),
            committed: false,
            _registered: registered,
        })
    }

    /// Where the outputs go until the commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The directory the run will be in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes the manifest and puts the run in place (see the module docs).
    pub fn commit(mut self) -> Result<()> {
        let mut files: Vec<String> = std::fs::read_dir(&self.staging)
            .map_err(|e| io(&self.target, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let manifest = self.staging.join(MANIFEST);
        std::fs::write(&manifest, files.join("\n") + "\n").map_err(|e| io(&self.target, e))?;
        std::fs::File::open(&manifest)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&self.target, e))?;
        if !self.target.exists() {
            std::fs::rename(&self.staging, &self.target).map_err(|e| io(&self.target, e))?;
        } else if let Err(e) = exchange(&self.staging, &self.target) {
            if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
                return Err(io(&self.target, e));
            }
            let aside = self
                .staging
                .with_file_name(cleanup::temp_name(&self.name, TMP_DIR_SUFFIX));
            std::fs::rename(&self.target, &aside).map_err(|e| io(&self.target, e))?;
            std::fs::rename(&self.staging, &self.target).map_err(|e| io(&self.target, e))?;
            std::fs::rename(&aside, &self.staging).map_err(|e| io(&self.target, e))?;
        }
        // The previous run (if any) is now under the staging name.
        self.committed = true;
        if self.staging.exists() {
            std::fs::remove_dir_all(&self.staging).map_err(|e| io(&self.staging, e))?;
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 reads them only.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from_raw_os_error(libc::ENOSYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(target: &Path, files: &[(&str, &str)]) -> Result<()> {
        let s = StagedDir::create(target)?;
        for (n, c) in files {
            std::fs::write(s.path().join(n), c).unwrap();
        }
        s.commit()
    }

    #[test]
    fn a_second_run_replaces_the_first_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run(&out, &[("a", "1"), ("b", "1")]).unwrap();
        run(&out, &[("a", "2")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "2");
        assert!(
            !out.join("b").exists(),
            "the first run's extra file is gone"
        );
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "a\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_directory_syndic_did_not_make_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious"), "x").unwrap();
        assert!(matches!(
            run(dir.path(), &[("a", "1")]),
            Err(Error::BadOutput { .. })
        ));
        assert!(dir.path().join("precious").exists());
    }

    #[test]
    fn an_uncommitted_run_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        {
            let s = StagedDir::create(&out).unwrap();
            std::fs::write(s.path().join("a"), "1").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
