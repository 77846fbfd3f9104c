"""The Python package against the command line and the Python MinHash
libraries, one core each, in one run (benches/python.sh sets it up).

    python benches/python.py --syndic BIN --crawl DIR [--runs N]

Everything runs pinned to one core (this process and its children):

* signing, texts already in a Python list (read before any timing):
  - ``syndic.MinHasher().sign_batch(texts, threads=1)``;
  - the command line's signing: the ``read_and_sign`` stage of
    ``syndic dedup --threads 1`` (read the JSON Lines, words, shingles,
    MinHash; from stats.json) and ``syndic sign --threads 1 -o /dev/null``
    (the same signatures printed as JSON lines), both on the same file;
  - rensa 0.5 ``RMinHash.digest_matrix_from_token_sets`` with its shingles
    made in Python (lower-cased ``\\w+`` runs, 5-grams joined by a space:
    benches/peers/peer.py's tokens, which are syndic's on this crawl), the
    tokenizing timed with it;
  - datasketch 2.0 ``MinHash.bulk`` over the same shingles, encoded to
    bytes, permutations drawn once (its ``bulk`` shares them), tokenizing
    timed with it;
* dedup: ``syndic.dedup(crawl, out, threads=1)`` against ``syndic dedup
  --threads 1`` (wall time of the process), same crawl, same outputs
  (checked).

Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version

WORD = re.compile(r"\w+")


def shingle_sets(texts: list[str], n: int = 5) -> list[list[str]]:
    out = []
    for text in texts:
        toks = WORD.findall(text.lower())
        if not toks:
            out.append([])
        elif len(toks) < n:
            out.append([" ".join(toks)])
        else:
            out.append(list({" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)}))
    return out


def timed(f, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--syndic", required=True)
    ap.add_argument("--crawl", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-peers", action="store_true")
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    os.environ["RAYON_NUM_THREADS"] = "1"
    import numpy as np

    import syndic

    corpus = os.path.join(args.crawl, "corpus.jsonl")
    texts = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
    mb = os.path.getsize(corpus) / 1e6
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n = len(texts)
    rows: list[tuple[str, float, list[float], str]] = []
    print(
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"Python {platform.python_version()}; {n} documents, {mb:.1f} MB JSONL, {text_mb:.1f} MB text; "
        f"runs {args.runs}, one core",
        flush=True,
    )

    m = syndic.MinHasher(permutations=128, seed=42, shingle=5)
    # sign_batch and the command line's signing, alternating run by run (the
    # machine's load drifts: alternation spreads it over both).
    tmp = tempfile.mkdtemp(prefix="syndic-bench-")
    try:
        sign_all, stage, sign_cli_all, sigs = [], [], [], None
        for i in range(args.runs):
            t0 = time.perf_counter()
            sigs = m.sign_batch(texts, threads=1)
            sign_all.append(time.perf_counter() - t0)
            out = os.path.join(tmp, f"cli{i}")
            subprocess.run([args.syndic, "dedup", corpus, "-o", out, "--threads", "1"], check=True, capture_output=True)
            with open(os.path.join(out, "stats.json")) as f:
                stage.append(json.load(f)["seconds"]["read_and_sign"])
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run(
                [args.syndic, "sign", corpus, "--threads", "1", "-o", "/dev/null"], check=True, capture_output=True
            )
            sign_cli_all.append(time.perf_counter() - t0)
        sign_s = statistics.median(sign_all)
        rows.append(("syndic.MinHasher.sign_batch (texts in Python)", sign_s, sign_all, f"syndic {syndic.__version__}"))
        rows.append(("syndic dedup: read_and_sign stage (JSONL from disk)", statistics.median(stage), stage, "CLI"))
        rows.append(("syndic sign -o /dev/null (process, JSONL in and out)", statistics.median(sign_cli_all), sign_cli_all, "CLI"))
        cli_sig = subprocess.run(
            [args.syndic, "sign", corpus, "--threads", "1"], check=True, capture_output=True
        ).stdout.splitlines()
        want = np.array([json.loads(l)["signature"] for l in cli_sig], dtype=np.uint32)
        assert np.array_equal(want, sigs), "sign_batch differs from syndic sign"

        if not args.skip_peers:
            try:
                import rensa

                def run_rensa():
                    sets = shingle_sets(texts)
                    return rensa.RMinHash.digest_matrix_from_token_sets(sets, num_perm=128, seed=42)

                r_s, r_all, _ = timed(run_rensa, args.runs)
                rows.append(("rensa RMinHash.digest_matrix_from_token_sets (+ Python shingles)", r_s, r_all, f"rensa {version('rensa')}"))
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"rensa: not measured: {e!r}", flush=True)
            try:
                import datasketch

                def run_datasketch():
                    sets = shingle_sets(texts)
                    encoded = [[s.encode("utf-8") for s in shingles] for shingles in sets]
                    return datasketch.MinHash.bulk(encoded, num_perm=128, seed=42)

                d_s, d_all, _ = timed(run_datasketch, max(1, min(args.runs, 3)))
                rows.append(("datasketch MinHash.bulk (+ Python shingles)", d_s, d_all, f"datasketch {version('datasketch')}"))
            except Exception as e:  # noqa: BLE001
                print(f"datasketch: not measured: {e!r}", flush=True)
            tok_s, tok_all, _ = timed(lambda: shingle_sets(texts), args.runs)
            rows.append(("(Python shingles alone, in both peers' times)", tok_s, tok_all, "re"))

        # Dedup: Python against the process, alternating.
        # Wall time, and CPU time (user + system, every thread): on a loaded
        # machine the CPU time tells a cost from a wait for a core.
        py_t, cli_t, py_cpu, cli_cpu = [], [], [], []
        children = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_CHILDREN))
        for i in range(args.runs):
            out_py = os.path.join(tmp, f"py{i}")
            t0, c0 = time.perf_counter(), time.process_time()
            syndic.dedup(corpus, out_py, threads=1)
            py_t.append(time.perf_counter() - t0)
            py_cpu.append(time.process_time() - c0)
            out_cli = os.path.join(tmp, f"c{i}")
            t0, c0 = time.perf_counter(), children()
            subprocess.run([args.syndic, "dedup", corpus, "-o", out_cli, "--threads", "1"], check=True, capture_output=True)
            cli_t.append(time.perf_counter() - t0)
            cli_cpu.append(children() - c0)
            for name in ("clusters.jsonl", "duplicates.txt"):
                with open(os.path.join(out_py, name), "rb") as a, open(os.path.join(out_cli, name), "rb") as b:
                    assert a.read() == b.read(), name
        rows.append(("syndic.dedup (from Python)", statistics.median(py_t), py_t, "outputs equal"))
        rows.append(("syndic dedup (process)", statistics.median(cli_t), cli_t, "CLI"))
        rows.append(("syndic.dedup CPU time (from Python)", statistics.median(py_cpu), py_cpu, "user + system"))
        rows.append(("syndic dedup CPU time (process)", statistics.median(cli_cpu), cli_cpu, "user + system"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("| measurement | seconds (median) | runs | docs/s | text MB/s | vs sign_batch | note |")
    print("|---|---:|---|---:|---:|---:|---|")
    for name, s, all_s, note in rows:
        ratio = s / sign_s
        print(
            f"| {name} | {s:.3f} | {', '.join(f'{x:.2f}' for x in all_s)} | {n / s:,.0f} | {text_mb / s:.1f} | {ratio:.2f} | {note} |"
        )


if __name__ == "__main__":
    sys.exit(main())
