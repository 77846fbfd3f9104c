#!/usr/bin/env bash
# The long fuzz campaign: the mutation-based proptest targets of tests/fuzz.rs
# (sentence splitter and tokenizer spans, the aligner on arbitrary pairs, the
# JSON Lines and WARC readers, PAN XML) with many cases, in release mode,
# bounded in time. A failure is shrunk and saved under proptest-regressions/
# (commit it: it is replayed first on every `cargo test`).
#   benches/fuzz.sh [CASES] [SECONDS]     default 20000 cases, 600 s
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-20000}
SECS=${2:-600}
PROPTEST_CASES=$CASES timeout "$SECS" cargo test --release --test tests fuzz -- --test-threads 2
