#!/usr/bin/env bash
# The HTML report at scale (issue 12): 50 articles of ~700 words must load
# and become interactive in under 1 s in headless Chromium; 200 must still
# work. Writes synthetic news articles (examples/news.rs), makes the report
# with syndic, loads it RUNS times in Debian's Chromium (tests/browser/lib.mjs)
# and prints medians.
#
#   benches/html.sh [N...]        default: 5 50 200; RUNS=5
#   SYNDIC=path/to/syndic benches/html.sh   (default: cargo build --release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
if [ -z "${SYNDIC:-}" ]; then
    cargo build --release --quiet
    SYNDIC=$target/release/syndic
fi
cargo build --release --quiet --example news
tests/browser/run --setup-only
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); $(/usr/bin/chromium --version 2>/dev/null)"
for n in "${@:-5 50 200}"; do
    for k in $n; do
        "$target/release/examples/news" "$work/news$k" "$k" 7 2>/dev/null
        start=$(date +%s.%N)
        "$SYNDIC" compare "$work/news$k" --format html -o "$work/report$k.html"
        end=$(date +%s.%N)
        echo "== $k articles: report written in $(echo "$end - $start" | bc) s"
        (cd tests/browser && node bench.mjs "$work/report$k.html" "${RUNS:-5}")
    done
done
