#!/usr/bin/env bash
# How time and memory of `syndic dedup` grow with the crawl: for each size,
# `syndic synth` makes a crawl under $SCALE_DIR (default /tmp/syndic-scale),
# `syndic dedup` runs on it at one thread pinned to one core and at every
# core, `syndic eval` scores it, and the crawl is deleted (unless --keep).
#
#   benches/scale.sh [--keep] [N ...]        # default: 10000 100000 1000000
#
# 1,000,000 documents is about 2.9 GB of JSON Lines: check `df -h` first.
# Not part of CI; on a shared machine run it alone (flock).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${SCALE_DIR:-/tmp/syndic-scale}"
keep=0
sizes=()
for a in "$@"; do
    case "$a" in
        --keep) keep=1 ;;
        *) sizes+=("$a") ;;
    esac
done
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000 1000000)
(cd "$root" && cargo build --release --quiet --bin syndic)
syndic="$root/target/release/syndic"
cores="$(nproc)"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi

echo "| documents | MB | threads | seconds | MB/s | docs/s | peak RSS | RSS/doc | precision | recall | passes |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    crawl="$dir/crawl-$n"
    if [[ ! -f "$crawl/truth.tsv" ]]; then
        "$syndic" synth -o "$crawl" --docs "$n" >/dev/null
    fi
    for threads in 1 "$cores"; do
        out="$dir/out-$n-$threads"
        rm -rf "$out"
        run=("$syndic" dedup "$crawl/corpus.jsonl" -o "$out" --id-field id --threads "$threads")
        [[ "$threads" == 1 ]] && run=("${pin[@]}" "${run[@]}")
        start=$(python3 -c 'import time; print(time.perf_counter())')
        "${run[@]}" 2>/dev/null
        end=$(python3 -c 'import time; print(time.perf_counter())')
        "$syndic" eval "$out/clusters.jsonl" "$crawl/truth.tsv" --format json > "$out/eval.json"
        python3 - "$crawl/corpus.jsonl" "$out" "$n" "$threads" "$start" "$end" <<'PY'
import json, os, sys
corpus, out, n, threads, start, end = sys.argv[1:]
n = int(n); secs = float(end) - float(start)
mb = os.path.getsize(corpus) / 1e6
st = json.load(open(f"{out}/stats.json")); ev = json.load(open(f"{out}/eval.json"))
rss = st["peak_rss_bytes"]
print(f"| {n:,} | {mb:,.1f} | {threads} | {secs:.2f} | {mb / secs:.1f} | {n / secs:,.0f} | "
      f"{rss / 1e6:,.0f} MB | {rss / n:,.0f} B | {ev['precision']:.3f} | {ev['recall']:.3f} | "
      f"{st['work']['passes']} |")
PY
        rm -rf "$out"
    done
    [[ "$keep" == 1 ]] || rm -rf "$crawl"
done
