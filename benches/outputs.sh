#!/usr/bin/env bash
# Every subcommand's outputs on fixed inputs, with their SHA-256: run it with
# two builds and diff the sums to show a change left every output byte-identical.
#   benches/outputs.sh OLD/syndic /tmp/before > before.sums
#   benches/outputs.sh target/release/syndic /tmp/after > after.sums && diff before.sums after.sums
# Needs ../shared/data/pan13-train (PAN 2013 training corpus) beside the repository.
set -euo pipefail
BIN=$(realpath "$1"); FINAL=$(realpath -m "$2"); O=/tmp/syndic-outputs-work; rm -rf "$O" "$FINAL"; mkdir -p "$O"
cd "$(dirname "$0")/.."
P=${PAN:-$(pwd)/../shared/data/pan13-train}
$BIN compare > $O/compare.txt
$BIN compare --format json > $O/compare.json
$BIN compare corpus/000_2418eaf12bc7a03f.txt corpus/004_8365b9acc8308324.txt corpus/001_ed852534e1fcf919.txt --format json > $O/compare3.json
$BIN align corpus/000_2418eaf12bc7a03f.txt corpus/004_8365b9acc8308324.txt > $O/align.txt
$BIN align corpus/000_2418eaf12bc7a03f.txt corpus/004_8365b9acc8308324.txt --format json > $O/align.json
awk 'NR%25==1' $P/pairs > $O/../pairs.sub
$BIN pan --pairs $O/../pairs.sub --susp $P/susp --src $P/src --out $O/pan 2>/dev/null
$BIN plagdet $P/02-no-obfuscation $O/pan > $O/plagdet.txt 2>&1 || true
$BIN plagdet $P/02-no-obfuscation $O/pan --format json > $O/plagdet.json 2>&1 || true
$BIN synth -o $O/synth --docs 3000 --seed 7 2>/dev/null
$BIN dedup $O/synth/corpus.jsonl --id-field id -o $O/dd 2>/dev/null
$BIN eval $O/dd/clusters.jsonl $O/synth/truth.tsv > $O/eval.txt
$BIN eval $O/dd/clusters.jsonl $O/synth/truth.tsv --format json > $O/eval.json
# stats.json has timings: drop them
python3 - "$O/dd/stats.json" <<'PY'
import json,sys
d=json.load(open(sys.argv[1]))
for k in ["seconds","peak_rss_bytes","peak_memory_bytes"]: d.pop(k,None)
json.dump(d,open(sys.argv[1]+".stable","w"),sort_keys=True)
PY
rm $O/dd/stats.json
(cd $O && find . -type f | sort | xargs sha256sum); mv $O $FINAL
