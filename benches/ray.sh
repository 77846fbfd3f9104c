#!/usr/bin/env bash
# syndic.ray against syndic dedup on one machine (issue 15): a synthetic
# crawl of N documents (default 1,000,000, `syndic synth`, written as
# SHARDS JSON Lines files), deduplicated by the binary (all cores) and by
# `python -m syndic dedup --engine ray` on a two-node Ray cluster started
# here on 127.0.0.1 (head + one worker node, one CPU each); prints wall
# times, the peak RSS of the binary and of every Ray task process, and
# checks the outputs are identical (stats.json without work, seconds,
# peak_rss_bytes).
#
#   VENV=/path/to/venv benches/ray.sh [N] [SHARDS]    # venv with "./python[ray]" installed
#   (SYNDIC_BIN=path skips building the binary)
#
# 1,000,000 documents are about 2.9 GB of JSON Lines plus ~1 GB of stage
# files under $RAY_BENCH_DIR (default /tmp/syndic-ray-bench): check df -h.
# Not part of CI. Ends only the Ray processes it started (their process
# groups), also on failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-1000000}"
shards="${2:-16}"
dir="${RAY_BENCH_DIR:-/tmp/syndic-ray-bench}"
venv="${VENV:?set VENV to a virtual environment with ./python[ray] installed}"
py="$venv/bin/python"
ray="$venv/bin/ray"
target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -z "${SYNDIC_BIN:-}" ]]; then
    (cd "$root" && cargo build --release --quiet --bin syndic)
fi
syndic="${SYNDIC_BIN:-$target/release/syndic}"
mkdir -p "$dir"
# A private cluster on 127.0.0.1: no token authentication, no usage stats.
export RAY_AUTH_MODE=disabled RAY_USAGE_STATS_ENABLED=0

crawl="$dir/crawl-$n"
if [[ ! -f "$crawl/shards/.done" ]]; then
    rm -rf "$crawl"
    "$syndic" synth -o "$crawl" --docs "$n" --seed 1 >/dev/null
    mkdir -p "$crawl/shards"
    split -d -a 3 -n "l/$shards" --additional-suffix=.jsonl "$crawl/corpus.jsonl" "$crawl/shards/part-"
    rm "$crawl/corpus.jsonl"
    touch "$crawl/shards/.done"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "crawl: $n documents, $(du -sm "$crawl/shards" | cut -f1) MB in $shards files"

# --- the binary -------------------------------------------------------------
rm -rf "$dir/cli"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$dir/cli.rss" "$syndic" dedup "$crawl/shards" -o "$dir/cli" --id-field id
cli_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "syndic dedup: ${cli_s} s, peak RSS $(( $(cat "$dir/cli.rss") / 1024 )) MB"

# --- a two-node Ray cluster -------------------------------------------------
tmp=$(mktemp -d /tmp/srb-XXXX)
port=$(( 20000 + RANDOM % 20000 ))
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    sleep 3
    for p in "${pids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
common=(--num-cpus 1 --object-store-memory 104857600 --node-ip-address 127.0.0.1 --block --disable-usage-stats)
setsid "$ray" start --head --port "$port" --include-dashboard=false --temp-dir "$tmp" "${common[@]}" >"$dir/head.log" 2>&1 &
pids+=($!)
sleep 8
setsid "$ray" start --address "127.0.0.1:$port" "${common[@]}" >"$dir/worker.log" 2>&1 &
pids+=($!)
sleep 8

rm -rf "$dir/ray" "$dir/ray-work"
start=$(date +%s.%N)
"$py" -m syndic dedup "$crawl/shards" -o "$dir/ray" --id-field id --engine ray \
    --address "127.0.0.1:$port" --work-dir "$dir/ray-work" --partitions 4 --quiet
ray_s=$(echo "$(date +%s.%N) - $start" | bc)
work_mb=$(du -sm "$dir/ray-work" | cut -f1)
echo "syndic.ray, 2 nodes x 1 CPU: ${ray_s} s, overhead $(echo "scale=2; $ray_s / $cli_s" | bc) x the binary; work dir $work_mb MB"
"$py" - "$dir" <<'EOF'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
w = d / "ray-work" / "done"
rss, secs = {}, {}
for m in w.iterdir():
    stage = m.name.rsplit(".", 2)[0]
    j = json.loads(m.read_text())
    rss[stage] = max(rss.get(stage, 0), j.get("peak_rss_bytes") or 0)
    secs[stage] = secs.get(stage, 0) + j["seconds"]
order = json.loads((d / "ray-work" / "plan.json").read_text())
print("stage task seconds (summed) and largest task-process peak RSS:")
for s in sorted(secs, key=lambda s: -secs[s])[:12]:
    print(f"  {s:16s} {secs[s]:8.1f} s  {rss[s] / 2**20:7.0f} MB")
print(f"largest Ray worker process peak RSS: {max(rss.values()) / 2**20:.0f} MB")
def strip(p):
    s = json.loads(p.read_text())
    for k in ["work", "seconds", "peak_rss_bytes"]:
        s.pop(k)
    return s
same = all((d / "cli" / f).read_bytes() == (d / "ray" / f).read_bytes()
           for f in ["clusters.jsonl", "duplicates.txt"])
same = same and strip(d / "cli" / "stats.json") == strip(d / "ray" / "stats.json")
print("identical outputs:", same)
sys.exit(0 if same else 1)
EOF
rm -rf "$dir/ray-work"
