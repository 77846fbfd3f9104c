//! Small kernels used by several stages, one copy each: byte spans and
//! line numbers, union-find, longest common subsequences and multiset
//! overlaps, rounding for reports, atomic file writing, staged output
//! directories and the cleanup of temporary files.
//!
//! In: plain values. Out: plain values. Nothing here knows about documents,
//! formats or analyses, and nothing here uses any other folder of the crate
//! except the error type.

mod atomic;
pub mod cleanup;
mod lcs;
mod span;
mod staged;
mod union_find;

pub use atomic::{
    check_not_an_input, output_kind, remove_leftovers_for, same_file, write_atomically, AtomicFile,
    OutputKind,
};
pub use lcs::{lcs_len, lcs_pairs, lcs_with_flags, multiset_overlap, multiset_overlap_with};
pub use span::{merge_ranges, union_len, LineIndex, Span};
pub use staged::{check_output_dir, StagedDir, MANIFEST};
pub use union_find::UnionFind;

/// Rounds to 4 decimals, the precision of every figure in a report.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
