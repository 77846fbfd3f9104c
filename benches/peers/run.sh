#!/usr/bin/env bash
# Compares syndic dedup with datasketch, rensa and gaoya on one synthetic
# crawl, in one run on one machine, each pinned to one core, next to the
# read+tokenize+hash floor. Writes benches/peers/out/table.md.
#
#   benches/peers/run.sh [--docs N] [--runs N] [--crawl DIR]
#
# --docs  documents of the crawl made with `syndic synth` (default 51000,
#         151 MB); ignored with --crawl DIR (a directory holding corpus.jsonl
#         and truth.tsv)
# --runs  runs of each tool; the table shows medians (default 1)
#
# Needs Python 3 with venv and the network to PyPI (first run only). Not
# part of CI. On a shared machine run it alone, e.g. under
# `flock /tmp/syndic-cpu.lock benches/peers/run.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
docs=51000
runs=1
crawl=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --crawl) crawl="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

# Versions pinned: the ones this table was measured with.
peers=("datasketch==2.0.0" "rensa==0.5.0" "gaoya==0.2.2")

venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
fi
missing=()
for spec in "${peers[@]}"; do
    name="${spec%%==*}"
    if ! "$venv/bin/pip" show --quiet "$name" >/dev/null 2>&1 \
        || [[ "$("$venv/bin/pip" show "$name" | awk '/^Version:/{print $2}')" != "${spec##*==}" ]]; then
        if ! "$venv/bin/pip" install --quiet "$spec"; then
            echo "== $spec could not be installed; the table says so" >&2
            missing+=("$name")
        fi
    fi
done

echo "== building syndic and the floor (release)" >&2
(cd "$root" && cargo build --release --quiet --bin syndic --example floor)
syndic="$root/target/release/syndic"
floor="$root/target/release/examples/floor"

if [[ -z "$crawl" ]]; then
    crawl="$root/benches/data/crawl-$docs"
    if [[ ! -f "$crawl/truth.tsv" ]]; then
        echo "== syndic synth --docs $docs" >&2
        "$syndic" synth -o "$crawl" --docs "$docs"
    fi
fi

echo "== peer tokens against syndic's (planted pairs' Jaccard)" >&2
(cd "$here" && "$venv/bin/python" check_tokens.py "$crawl/corpus.jsonl" "$crawl/truth.tsv" 2000)

missing_list="$(IFS=,; echo "${missing[*]:-}")"
"$venv/bin/python" "$here/compare.py" --syndic "$syndic" --floor "$floor" \
    --crawl "$crawl" --out "$here/out" --runs "$runs" --missing "$missing_list"
