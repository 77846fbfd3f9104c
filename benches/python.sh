#!/usr/bin/env bash
# The Python package (issue 14) against the command line, rensa 0.5 and
# datasketch 2.0 on the synthetic crawl, one core each, in one run; see
# benches/python.py for what is timed. Figures: benches/README.md.
#
#   benches/python.sh [--docs N] [--runs N] [--crawl DIR]
#
# --docs  documents of the crawl made with `syndic synth` (default 51000,
#         151 MB, as benches/dedup.rs and benches/peers/run.sh make it)
# --runs  runs of each measurement; medians are shown (default 3)
#
# Needs Python >= 3.10 with venv and PyPI (first run). Not part of CI. On a
# shared machine run it alone: `flock /tmp/syndic-cpu.lock benches/python.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
docs=51000
runs=3
crawl=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --docs) docs="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --crawl) crawl="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

venv="$target/python-bench-venv"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet numpy maturin "rensa==0.5.0" "datasketch==2.0.0"
echo "== pip install ./python (release wheel)" >&2
(cd "$root" && "$venv/bin/pip" install --quiet --force-reinstall --no-deps ./python)
echo "== building syndic (release)" >&2
(cd "$root" && cargo build --release --quiet --bin syndic)
syndic="$target/release/syndic"
if [[ -z "$crawl" ]]; then
    crawl="$root/benches/data/crawl-$docs"
    if [[ ! -f "$crawl/corpus.jsonl" ]]; then
        echo "== syndic synth --docs $docs" >&2
        "$syndic" synth -o "$crawl" --docs "$docs"
    fi
fi
cd "$here"
"$venv/bin/python" "$here/python.py" --syndic "$syndic" --crawl "$crawl" --runs "$runs"
