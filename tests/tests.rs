//! Integration tests: the real `syndic` binary on small fixtures made by the
//! tests, plus property tests of the library against brute-force oracles.

mod util;

mod align_cli;
mod bad_input;
mod compare_cli;
mod corpus;
mod encodings;
mod fuzz;
mod golden;
mod hardening;
mod html_cli;
mod layers;
mod pan_cli;
mod properties;
mod sign_cli;
// --- crawl-scale dedup (issue 4) ---
mod dedup_bad_input;
mod dedup_cli;
mod dedup_props;
mod dedup_stages;
// --- the archive (issue 13) ---
mod index_cli;
