#!/usr/bin/env bash
# The archive (issue 13): `index add` throughput against `dedup` on one core,
# peak RSS and archive size of a large add, and `index query` latency with
# half the queries planted near-duplicates (every one must be found).
#
#   benches/index.sh [WORK_DIR]
#
# Environment: DOCS (default 51000: the synthetic crawl of the dedup
# benchmarks), BIG (default 1000000: the large add; 0 skips it), QUERIES
# (default 1000), RUNS (default 3: timed runs of each throughput command,
# the median is printed), BASE (optional: another syndic binary, e.g. one
# built from main, whose `index add --threads 1` joins the alternation as
# the "before" of a change).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-$(mktemp -d /tmp/syndic-index-bench.XXXXXX)}
DOCS=${DOCS:-51000}
BIG=${BIG:-1000000}
QUERIES=${QUERIES:-1000}
RUNS=${RUNS:-3}
mkdir -p "$WORK"
cargo build --release --quiet
S=${CARGO_TARGET_DIR:-target}/release/syndic
echo "machine: $(nproc) cores, $(uname -srm); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "work dir: $WORK"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { # prints "wall cpu" seconds of "$@" (cpu: user + system, all threads)
  /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" "$@" >/dev/null 2>&1
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$WORK/time.txt"
}

[ -f "$WORK/crawl/corpus.jsonl" ] || "$S" synth -o "$WORK/crawl" --docs "$DOCS" 2>/dev/null
MB=$(du -m "$WORK/crawl/corpus.jsonl" | cut -f1)
echo "== throughput, one core: $DOCS documents, $MB MB (runs alternate: dedup, add, add --keep-text)"
: > "$WORK/d.runs"; : > "$WORK/a.runs"; : > "$WORK/k.runs"; : > "$WORK/b.runs"
BASE=${BASE:-}
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/d"; timed "$S" dedup "$WORK/crawl/corpus.jsonl" --id-field id -o "$WORK/d" --threads 1 >> "$WORK/d.runs"
  if [ -n "$BASE" ]; then
    rm -f "$WORK/b.db"*; timed "$BASE" index add "$WORK/b.db" "$WORK/crawl/corpus.jsonl" --id-field id --threads 1 >> "$WORK/b.runs"
  fi
  rm -f "$WORK/a.db"*; timed "$S" index add "$WORK/a.db" "$WORK/crawl/corpus.jsonl" --id-field id --threads 1 >> "$WORK/a.runs"
  rm -f "$WORK/k.db"*; timed "$S" index add "$WORK/k.db" "$WORK/crawl/corpus.jsonl" --id-field id --threads 1 --keep-text >> "$WORK/k.runs"
done
D=$(cut -d' ' -f1 "$WORK/d.runs" | median); DC=$(cut -d' ' -f2 "$WORK/d.runs" | median)
A=$(cut -d' ' -f1 "$WORK/a.runs" | median); AC=$(cut -d' ' -f2 "$WORK/a.runs" | median)
K=$(cut -d' ' -f1 "$WORK/k.runs" | median); KC=$(cut -d' ' -f2 "$WORK/k.runs" | median)
echo "runs (wall cpu): dedup $(tr '\n' ';' < "$WORK/d.runs") add $(tr '\n' ';' < "$WORK/a.runs") keep-text $(tr '\n' ';' < "$WORK/k.runs")"
echo "medians, wall s (cpu s):"
echo "dedup --threads 1:                 $D ($DC)  ($(echo "$DOCS / $D" | bc) docs/s)"
if [ -n "$BASE" ]; then
  B=$(cut -d' ' -f1 "$WORK/b.runs" | median); BC=$(cut -d' ' -f2 "$WORK/b.runs" | median)
  echo "base: runs $(tr '\n' ';' < "$WORK/b.runs")"
  echo "index add --threads 1, BASE:       $B ($BC)  ($(echo "$DOCS / $B" | bc) docs/s, $(echo "scale=2; $D / $B" | bc) x dedup wall, $(echo "scale=2; $DC / $BC" | bc) x cpu)"
fi
echo "index add --threads 1:             $A ($AC)  ($(echo "$DOCS / $A" | bc) docs/s, $(echo "scale=2; $D / $A" | bc) x dedup wall, $(echo "scale=2; $DC / $AC" | bc) x cpu)"
echo "index add --threads 1 --keep-text: $K ($KC)  ($(echo "$DOCS / $K" | bc) docs/s, $(echo "scale=2; $D / $K" | bc) x dedup wall, $(echo "scale=2; $DC / $KC" | bc) x cpu)"
"$S" index stats "$WORK/a.db" | grep -E "documents|size"
"$S" index stats "$WORK/k.db" | grep -E "size"

ARCH="$WORK/a.db"
N=$DOCS
if [ "$BIG" -gt 0 ]; then
  echo "== one add of $BIG documents"
  [ -f "$WORK/big/corpus.jsonl" ] || "$S" synth -o "$WORK/big" --docs "$BIG" --seed 7 2>/dev/null
  rm -f "$WORK/big.db"*
  /usr/bin/time -v "$S" index add "$WORK/big.db" "$WORK/big/corpus.jsonl" --id-field id \
    2> "$WORK/big.time" >/dev/null || { tail -5 "$WORK/big.time"; exit 1; }
  grep -E "Elapsed|Maximum resident|User time|System time" "$WORK/big.time"
  "$S" index stats "$WORK/big.db" | grep -E "documents|postings|size"
  ARCH="$WORK/big.db"
  N=$BIG
  CORPUS="$WORK/big/corpus.jsonl"
else
  CORPUS="$WORK/crawl/corpus.jsonl"
fi

echo "== $QUERIES queries against $N archived documents (warm cache, one process)"
HALF=$((QUERIES / 2))
# Planted near-duplicates: archived documents with their first sentence
# dropped and a few words changed; the other half, documents of another
# crawl (not archived).
python3 - "$CORPUS" "$N" "$HALF" "$WORK/queries.jsonl" "$WORK/planted.txt" <<'EOF'
import json, random, sys
corpus, n, half, out, planted = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
rng = random.Random(13)
want = set(rng.sample(range(n), half))
with open(corpus) as f, open(out, "w") as q, open(planted, "w") as p:
    for i, line in enumerate(f):
        if i not in want:
            continue
        d = json.loads(line)
        words = d["text"].split(" ")
        for _ in range(3):
            j = rng.randrange(len(words))
            words[j] = "edited"
        q.write(json.dumps({"id": "q-" + d["id"], "text": " ".join(words)}) + "\n")
        p.write(d["id"] + "\n")
EOF
[ -f "$WORK/other/corpus.jsonl" ] || "$S" synth -o "$WORK/other" --docs "$HALF" --seed 99 2>/dev/null
python3 - "$WORK/other/corpus.jsonl" >> "$WORK/queries.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(json.dumps({"id": "u-" + d["id"], "text": d["text"]}))
EOF
# Warm the cache, then measure.
"$S" index query "$ARCH" "$WORK/queries.jsonl" --id-field id --no-passages --format json > /dev/null 2>&1
"$S" index query "$ARCH" "$WORK/queries.jsonl" --id-field id --no-passages --format json --timings \
  > "$WORK/answers.jsonl" 2> "$WORK/query.err"
grep "queries:" "$WORK/query.err"
python3 - "$WORK/answers.jsonl" <<'EOF'
import json, sys
found = missed = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not r["id"].startswith("q-"):
        continue
    src = r["id"][2:]
    if any(m["id"] == src and m["near_duplicate"] for m in r["matches"]):
        found += 1
    else:
        missed += 1
print(f"planted near-duplicates found: {found} of {found + missed}")
sys.exit(1 if missed else 0)
EOF
