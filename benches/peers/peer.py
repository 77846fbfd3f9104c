"""Runs one MinHash LSH library on a JSON Lines corpus and writes its
clusters in the format of `syndic dedup` (clusters.jsonl), so that
`syndic eval` scores every tool the same way.

    python peer.py TOOL CORPUS OUTDIR [--threshold 0.8] [--permutations 128]
                   [--shingle 5] [--seed 42]

TOOL is datasketch, rensa or gaoya. The corpus is read one line at a time
(`{"id": ..., "text": ...}`), and each document is handled the way each
library's documentation shows: build its MinHash, query the LSH index for
earlier documents, keep the candidates whose estimated Jaccard reaches the
threshold, insert the document. Accepted pairs are joined by union-find; a
cluster's representative is its earliest document, as in syndic.

Tokens: lower-cased `\\w+` runs (Unicode word characters), the same tokens as
syndic's UAX #29 + NFKC + case-fold tokenizer on text without apostrophes
inside words, dotted abbreviations or numbers, compatibility characters or
non-ASCII letters (the synthetic crawl has none of these; check_tokens.py
compares both on the crawl's planted pairs). A shingle is 5 consecutive
tokens joined by one space; a text of 1-4 tokens is one shingle; a text
without tokens is never a duplicate. gaoya tokenizes in Rust with its own
word analyzer (`analyzer="word"`, `lowercase=True`, `ngram_range=(5, 5)`),
which strips punctuation around words but keeps a symbol such as `©` as a
token.

Prints one JSON object: tool, version, documents, bytes, seconds (inside
Python, after imports), bands, rows, accepted pairs.
"""

import argparse
import json
import re
import sys
import time

WORD = re.compile(r"\w+")


def shingles(text, n):
    toks = WORD.findall(text.lower())
    if not toks:
        return []
    if len(toks) < n:
        return [" ".join(toks)]
    return list({" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)})


def documents(path):
    with open(path, "r", encoding="utf-8", buffering=1 << 20) as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                yield rec["id"], rec["text"], len(line.encode("utf-8"))


class UnionFind:
    def __init__(self):
        self.parent = []

    def add(self):
        self.parent.append(len(self.parent))

    def find(self, x):
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = min(ra, rb), max(ra, rb)
            self.parent[hi] = lo  # the root is the earliest document


def run_datasketch(args, uf, ids):
    import datasketch
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.permutations)
    # Permutations drawn once and shared (the documented way to avoid
    # drawing them again for every MinHash).
    proto = MinHash(num_perm=args.permutations, seed=args.seed)
    perms, scheme = proto.permutations, proto.scheme
    sigs = []
    nbytes = pairs = 0
    for i, (doc_id, text, size) in enumerate(documents(args.corpus)):
        nbytes += size
        ids.append(doc_id)
        uf.add()
        sh = shingles(text, args.shingle)
        if not sh:
            sigs.append(None)
            continue
        m = MinHash(num_perm=args.permutations, seed=args.seed, permutations=perms, scheme=scheme)
        m.update_batch([s.encode("utf-8") for s in sh])
        for j in lsh.query(m):
            if m.jaccard(sigs[j]) >= args.threshold:
                uf.union(i, j)
                pairs += 1
        lsh.insert(i, m, check_duplication=False)
        sigs.append(m)
    return datasketch.__version__ if hasattr(datasketch, "__version__") else "?", nbytes, pairs, lsh.b, lsh.r


def run_rensa(args, uf, ids):
    from datasketch.lsh import _false_negative_probability, _false_positive_probability
    from importlib.metadata import version
    from rensa import RMinHash, RMinHashLSH

    # rensa takes the number of bands, which must divide the number of
    # permutations; among those, take datasketch's optimum for the threshold
    # (least false positive + false negative area, weighted equally).
    def error(b):
        r = args.permutations // b
        return _false_positive_probability(args.threshold, b, r) + _false_negative_probability(
            args.threshold, b, r
        )

    bands = min((b for b in range(1, args.permutations + 1) if args.permutations % b == 0), key=error)
    rows = args.permutations // bands
    lsh = RMinHashLSH(threshold=args.threshold, num_perm=args.permutations, num_bands=bands)
    sigs = []
    nbytes = pairs = 0
    for i, (doc_id, text, size) in enumerate(documents(args.corpus)):
        nbytes += size
        ids.append(doc_id)
        uf.add()
        sh = shingles(text, args.shingle)
        if not sh:
            sigs.append(None)
            continue
        m = RMinHash(num_perm=args.permutations, seed=args.seed)
        m.update(sh)
        for j in lsh.query(m):
            if m.jaccard(sigs[j]) >= args.threshold:
                uf.union(i, j)
                pairs += 1
        lsh.insert(i, m)
        sigs.append(m)
    return version("rensa"), nbytes, pairs, bands, rows


def run_gaoya(args, uf, ids):
    from importlib.metadata import version
    import gaoya.minhash as gm

    # gaoya picks bands and rows from the threshold and the requested number
    # of hashes itself; query() returns only documents whose estimated
    # Jaccard reaches the threshold.
    index = gm.MinHashStringIndex(
        hash_size=32,
        jaccard_threshold=args.threshold,
        num_bands=None,
        band_size=None,
        num_hashes=args.permutations,
        analyzer="word",
        lowercase=True,
        ngram_range=(args.shingle, args.shingle),
        id_container="vec",
    )
    desc = str(index)
    bands = int(re.search(r"bands = (\d+)", desc).group(1))
    rows = int(re.search(r"rows_per_band = (\d+)", desc).group(1))
    nbytes = pairs = 0
    for i, (doc_id, text, size) in enumerate(documents(args.corpus)):
        nbytes += size
        ids.append(doc_id)
        uf.add()
        for j in index.query(text):
            uf.union(i, j)
            pairs += 1
        index.insert_document(i, text)
    return version("gaoya"), nbytes, pairs, bands, rows


def write_clusters(path, uf, ids):
    members = {}
    for d in range(len(ids)):
        members.setdefault(uf.find(d), []).append(d)
    with open(path, "w", encoding="utf-8") as out:
        cluster = 0
        for root in sorted(members):
            group = members[root]
            if len(group) < 2:
                continue
            for d in group:
                out.write(json.dumps({"id": ids[d], "cluster": cluster, "representative": ids[root]}))
                out.write("\n")
            cluster += 1
    return cluster


def main():
    p = argparse.ArgumentParser()
    p.add_argument("tool", choices=["datasketch", "rensa", "gaoya"])
    p.add_argument("corpus")
    p.add_argument("outdir")
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--permutations", type=int, default=128)
    p.add_argument("--shingle", type=int, default=5)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    run = {"datasketch": run_datasketch, "rensa": run_rensa, "gaoya": run_gaoya}[args.tool]
    uf, ids = UnionFind(), []
    start = time.perf_counter()
    ver, nbytes, pairs, bands, rows = run(args, uf, ids)
    clusters = write_clusters(f"{args.outdir}/clusters.jsonl", uf, ids)
    seconds = time.perf_counter() - start
    json.dump(
        {
            "tool": args.tool,
            "version": ver,
            "documents": len(ids),
            "bytes": nbytes,
            "seconds": seconds,
            "bands": bands,
            "rows": rows,
            "accepted_pairs": pairs,
            "clusters": clusters,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
