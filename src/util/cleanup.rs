//! The temporary files and directories a run has open, so that an
//! interrupted run (SIGINT, SIGTERM) can remove them before it exits, and
//! the naming pattern that lets a later run recognise what a killed run
//! (`kill -9`) left behind.
//!
//! Every temporary name syndic creates is `.syndic.<name>.<pid>.<random>.tmp`
//! (a file) or `.syndic.<name>.<pid>.<random>.dir` (a staging directory)
//! beside its target `<name>`. A leftover is removed only when it matches
//! that pattern exactly and the process `<pid>` is gone, so neither another
//! program's files nor a concurrent syndic run's are ever touched.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Prefix of every temporary name.
pub const TMP_PREFIX: &str = ".syndic.";
/// Suffix of a temporary file.
pub const TMP_FILE_SUFFIX: &str = ".tmp";
/// Suffix of a staging directory.
pub const TMP_DIR_SUFFIX: &str = ".dir";

static REGISTRY: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A registered temporary path; dropping it unregisters the path (it does
/// not remove it: its owner does that).
#[derive(Debug)]
pub struct Registered(u64);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut r) = REGISTRY.lock() {
            r.retain(|(id, _)| *id != self.0);
        }
    }
}

/// Registers `path` for removal if the run is interrupted.
pub fn register(path: &Path) -> Registered {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut r) = REGISTRY.lock() {
        r.push((id, path.to_path_buf()));
    }
    Registered(id)
}

/// Removes every registered path (files, and directories with their
/// contents). Called once, by the binary's signal handler, just before it
/// exits.
pub fn remove_all() -> usize {
    let paths: Vec<PathBuf> = match REGISTRY.lock() {
        Ok(r) => r.iter().map(|(_, p)| p.clone()).collect(),
        Err(_) => return 0,
    };
    let mut removed = 0;
    for p in paths {
        let gone = match std::fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&p).is_ok(),
            Ok(_) => std::fs::remove_file(&p).is_ok(),
            Err(_) => false,
        };
        removed += usize::from(gone);
    }
    removed
}

/// A fresh temporary name for `target_name`: `.syndic.<name>.<pid>.<random>`
/// followed by `suffix`.
pub fn temp_name(target_name: &str, suffix: &str) -> String {
    let mut bytes = [0u8; 6];
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        ^ NEXT.fetch_add(1, Ordering::Relaxed).rotate_left(32);
    let mut x =
        xxhash_rust::xxh3::xxh3_64_with_seed(&seed.to_le_bytes(), std::process::id() as u64);
    for b in &mut bytes {
        *b = b"abcdefghijklmnopqrstuvwxyz0123456789"[(x % 36) as usize];
        x /= 36;
    }
    format!(
        "{TMP_PREFIX}{target_name}.{}.{}{suffix}",
        std::process::id(),
        std::str::from_utf8(&bytes).expect("ASCII")
    )
}

/// The pid in a name made by [`temp_name`] for `target_name`, if `name`
/// is one.
fn own_pid(name: &str, target_name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TMP_PREFIX)?.strip_prefix(target_name)?;
    let rest = rest
        .strip_suffix(TMP_FILE_SUFFIX)
        .or_else(|| rest.strip_suffix(TMP_DIR_SUFFIX))?;
    let mut parts = rest.strip_prefix('.')?.split('.');
    let pid = parts.next()?.parse().ok()?;
    let random = parts.next()?;
    (parts.next().is_none()
        && random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric()))
    .then_some(pid)
}

fn alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes what a killed syndic run left in `dir` for `target_name`: only
/// names of the [`temp_name`] pattern whose process is gone. Returns the
/// paths removed.
pub fn remove_leftovers(dir: &Path, target_name: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = own_pid(name, target_name) else {
            continue;
        };
        if alive(pid) {
            continue;
        }
        let p = e.path();
        let ok = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&p).is_ok(),
            Ok(_) => std::fs::remove_file(&p).is_ok(),
            Err(_) => false,
        };
        if ok {
            removed.push(p);
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised_and_nothing_else() {
        let n = temp_name("report.json", TMP_FILE_SUFFIX);
        assert_eq!(own_pid(&n, "report.json"), Some(std::process::id()));
        assert_eq!(own_pid(&n, "report"), None);
        let d = temp_name("out", TMP_DIR_SUFFIX);
        assert_eq!(own_pid(&d, "out"), Some(std::process::id()));
        for other in [
            "report.json",
            ".syndic.report.json.tmp",
            ".syndic.report.json.12.abc.tmp",
            ".syndic.report.json.x.abcdef.tmp",
            ".syndic.report.json.12.abcdef.tmp.bak",
            "syndic.report.json.12.abcdef.tmp",
        ] {
            assert_eq!(own_pid(other, "report.json"), None, "{other}");
        }
    }

    #[test]
    fn leftovers_of_dead_processes_only_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let dead = ".syndic.r.json.4000000000.abcdef.tmp";
        let live = format!(".syndic.r.json.{}.abcdef.tmp", std::process::id());
        for n in [dead, &live, "r.json", ".syndic.other.4000000000.abcdef.tmp"] {
            std::fs::write(dir.path().join(n), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join(".syndic.r.json.4000000001.zzzzzz.dir")).unwrap();
        let removed = remove_leftovers(dir.path(), "r.json");
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(dir.path().join(&live).exists());
        assert!(dir.path().join("r.json").exists());
        assert!(dir
            .path()
            .join(".syndic.other.4000000000.abcdef.tmp")
            .exists());
    }
}
