"""Times syndic dedup, the read+tokenize+hash floor and the peers on one
corpus, one after the other, each pinned to one core, and writes a markdown
table. Called by run.sh (which builds syndic and makes the virtual
environment); see benches/README.md.

    python compare.py --syndic BIN --floor BIN --crawl DIR --out DIR
                      [--runs N] [--tools floor,syndic,gaoya,rensa,datasketch]

Every tool runs as its own process; wall time and user+system CPU time come
from os.wait4 and so does the peak resident set (ru_maxrss of that process
alone). With several runs the table shows medians. Precision and recall are
`syndic eval` of each tool's clusters.jsonl against the crawl's truth.tsv.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

ONE_THREAD = {
    "RAYON_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "POLARS_MAX_THREADS": "1",
}


def timed(cmd, stdout_path):
    """Runs cmd pinned to CPU 0; returns (wall s, cpu s, peak RSS bytes, rc)."""
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    env = dict(os.environ, **ONE_THREAD)
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode("utf-8", "replace")
    if p.returncode != 0:
        sys.stderr.write(err)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, p.returncode


def evaluate(syndic, clusters, truth):
    out = subprocess.run(
        [syndic, "eval", clusters, truth, "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--syndic", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--crawl", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--tools", default="floor,syndic,gaoya,rensa,datasketch")
    ap.add_argument("--missing", default="", help="tools that could not be installed")
    args = ap.parse_args()

    corpus = os.path.join(args.crawl, "corpus.jsonl")
    truth = os.path.join(args.crawl, "truth.tsv")
    size = os.path.getsize(corpus)
    with open(corpus, "rb") as f:
        docs = sum(1 for _ in f)
    python = sys.executable
    missing = {m for m in args.missing.split(",") if m}
    os.makedirs(args.out, exist_ok=True)

    rows = []
    for tool in args.tools.split(","):
        if tool in missing:
            rows.append({"tool": tool, "missing": True})
            continue
        work = os.path.join(args.out, tool)
        os.makedirs(work, exist_ok=True)
        if tool == "floor":
            cmd = [args.floor, corpus]
        elif tool == "syndic":
            cmd = [args.syndic, "dedup", corpus, "-o", work, "--id-field", "id", "--threads", "1"]
        else:
            cmd = [python, os.path.join(HERE, "peer.py"), tool, corpus, work]
        runs = []
        for r in range(args.runs):
            if tool == "syndic":
                shutil.rmtree(work)
            wall, cpu, rss, rc = timed(cmd, os.path.join(args.out, f"{tool}.{r}.out"))
            if rc != 0:
                raise SystemExit(f"{tool} failed (exit {rc}): {' '.join(cmd)}")
            runs.append((wall, cpu, rss))
            print(f"{tool} run {r + 1}: {wall:.2f} s wall, {cpu:.2f} s cpu, {rss / 1e6:.0f} MB", file=sys.stderr)
        row = {
            "tool": tool,
            "seconds": statistics.median(w for w, _, _ in runs),
            "cpu_seconds": statistics.median(c for _, c, _ in runs),
            "peak_rss": statistics.median(m for _, _, m in runs),
            "runs": len(runs),
        }
        with open(os.path.join(args.out, f"{tool}.0.out")) as f:
            info = json.loads(f.read().strip().splitlines()[-1] if tool != "syndic" else "{}")
        if tool == "syndic":
            with open(os.path.join(work, "stats.json")) as f:
                stats = json.load(f)
            row["version"] = subprocess.run(
                [args.syndic, "--version"], capture_output=True, text=True
            ).stdout.split()[-1]
            row["banding"] = f"{stats['parameters']['bands']}x{stats['parameters']['rows']}"
        elif tool == "floor":
            row["version"] = "-"
            row["banding"] = "-"
            row["checksum"] = info["checksum"]
        else:
            row["version"] = info["version"]
            row["banding"] = f"{info['bands']}x{info['rows']}"
        if tool != "floor":
            ev = evaluate(args.syndic, os.path.join(work, "clusters.jsonl"), truth)
            row["precision"] = ev["precision"]
            row["recall"] = ev["recall"]
        rows.append(row)

    floor = next((r for r in rows if r["tool"] == "floor" and not r.get("missing")), None)
    gaoya = next((r for r in rows if r["tool"] == "gaoya" and not r.get("missing")), None)
    lines = [
        f"Corpus: `{corpus}`, {docs:,} documents, {size / 1e6:.1f} MB; word 5-grams, "
        f"128 permutations, threshold 0.8; each tool alone, pinned to one core "
        f"(`taskset -c 0`, thread variables 1); {platform.machine()}, "
        f"Python {platform.python_version()}; medians of {args.runs} run(s).",
        "",
        "| tool | version | bands x rows | seconds | MB/s | docs/s | CPU s | peak RSS | bytes/doc | precision | recall | vs floor | vs gaoya |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['tool']} | could not be installed | | | | | | | | | | | |")
            continue
        mbs = size / 1e6 / r["seconds"]
        vs_floor = f"{floor['seconds'] / r['seconds']:.2f}" if floor else ""
        vs_gaoya = f"{gaoya['seconds'] / r['seconds']:.1f}x" if gaoya else ""
        p = f"{r['precision']:.3f}" if "precision" in r else "-"
        rc = f"{r['recall']:.3f}" if "recall" in r else "-"
        lines.append(
            f"| {r['tool']} | {r['version']} | {r['banding']} | {r['seconds']:.2f} | {mbs:.1f} | "
            f"{docs / r['seconds']:,.0f} | {r['cpu_seconds']:.2f} | {r['peak_rss'] / 1e6:.0f} MB | "
            f"{r['peak_rss'] / docs:,.0f} | {p} | {rc} | {vs_floor} | {vs_gaoya} |"
        )
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"corpus": corpus, "documents": docs, "bytes": size, "rows": rows}, f, indent=1)
    print(table)


if __name__ == "__main__":
    main()
