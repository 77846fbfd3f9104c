"""Checks that the Python tokens given to datasketch and rensa (peer.py) are
syndic's tokens on this corpus: for the first N planted pairs of truth.tsv
(whose Jaccard syndic computed with its own tokenizer and shingler), the
exact Jaccard of peer.py's shingle sets must be the same to 4 decimals.

    python check_tokens.py CORPUS TRUTH [N]
"""

import json
import sys

from peer import shingles


def main():
    corpus, truth = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    pairs = []
    with open(truth, encoding="utf-8") as f:
        next(f)
        for line in f:
            a, b, j = line.rstrip("\n").split("\t")
            pairs.append((a, b, float(j)))
            if len(pairs) == limit:
                break
    wanted = {x for a, b, _ in pairs for x in (a, b)}
    sets = {}
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["id"] in wanted:
                sets[rec["id"]] = set(shingles(rec["text"], 5))
    worst = 0.0
    for a, b, j in pairs:
        x, y = sets[a], sets[b]
        mine = len(x & y) / len(x | y) if x | y else 0.0
        worst = max(worst, abs(round(mine, 4) - j))
    ok = worst < 1e-9
    print(
        json.dumps(
            {"pairs_checked": len(pairs), "largest_difference": round(worst, 6), "same_tokens": ok}
        )
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
