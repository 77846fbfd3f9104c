#!/usr/bin/env python3
"""How much would WordNet synonyms add to the words a random-obfuscation
case matches, and how much to passages that are not copies?

Measures, on a seeded sample of PAN 2013 random-obfuscation cases, the share
of the suspicious side's content words that match the source side
  * by stem (what syndic matches today), and
  * only through a WordNet synonym (any sense) present on the source side,
then the same for each case's suspicious side against another case's
source side (passages that are not copies of each other). Synonym matching
is worth building only if the second figure is far below the first.

WordNet comes from the crate `thesaurus-wordnet` (its `src/wordnet.jsonl`,
WordNet synsets, MIT-licensed crate): `cargo add thesaurus-wordnet` in a scratch crate and
`cargo fetch` put it under ~/.cargo/registry/src/. Usage:

    python3 benches/synonyms.py [--wordnet PATH] [--corpus DIR] [--sample N] [--seed S]
"""

import argparse
import collections
import glob
import json
import os
import random
import re

STOP = set(
    "the a an of and or to in on for with by at from as is are was were be been "
    "that this these those it its which who whom their there they he she his her "
    "we our you your not but also has have had can will would may more most such "
    "than other into about after over all some any one two i my me".split()
)


def find_wordnet():
    pattern = os.path.expanduser(
        "~/.cargo/registry/src/*/thesaurus-wordnet-*/src/wordnet.jsonl"
    )
    found = sorted(glob.glob(pattern))
    if not found:
        raise SystemExit(
            "wordnet.jsonl not found: `cargo add thesaurus-wordnet && cargo fetch` "
            "in a scratch crate, or pass --wordnet"
        )
    return found[-1]


def load_synonyms(path):
    syn = collections.defaultdict(set)
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            word = entry["word"].lower()
            if " " in word:
                continue
            for s in entry["synonyms"]:
                s = s.lower()
                if " " not in s and s != word:
                    syn[word].add(s)
                    syn[s].add(word)
    return syn


def words(text):
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP and len(w) > 2]


def stem(w):
    return w[:5]


def lemmas(w):
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) > 4:
            return {w, w[: -len(suffix)] + repl, w[:-1]}
    return {w}


def cases(corpus, category):
    for path in sorted(glob.glob(os.path.join(corpus, category, "*.xml"))):
        name = os.path.basename(path)
        m = re.match(r"(suspicious-document\d+)-(source-document\d+)", name)
        with open(path, encoding="utf-8") as f:
            for feature in re.findall(r"<feature[^>]*>", f.read()):
                if "this_offset" not in feature:
                    continue

                def num(key, feature=feature):
                    return int(re.search(key + r'="(\d+)"', feature).group(1))

                yield (
                    m.group(1),
                    m.group(2),
                    num("this_offset"),
                    num("this_length"),
                    num("source_offset"),
                    num("source_length"),
                )


def measure(pairs, syn):
    total = by_stem = by_synonym = 0
    for a, b in pairs:
        stems_b = {stem(w) for w in b}
        lemmas_b = {x for w in b for x in lemmas(w)}
        for w in a:
            total += 1
            if stem(w) in stems_b:
                by_stem += 1
            elif any(s in lemmas_b for x in lemmas(w) for s in syn.get(x, ())):
                by_synonym += 1
    return total, by_stem, by_synonym


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--wordnet")
    ap.add_argument(
        "--corpus", default=os.path.join(here, "..", "..", "shared", "data", "pan13-train")
    )
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    syn = load_synonyms(args.wordnet or find_wordnet())
    chosen = list(cases(args.corpus, "03-random-obfuscation"))
    random.seed(args.seed)
    chosen = random.sample(chosen, min(args.sample, len(chosen)))
    pairs = []
    for susp, src, ao, al, bo, bl in chosen:
        with open(os.path.join(args.corpus, "susp", susp + ".txt"), errors="replace") as f:
            a = f.read()[ao : ao + al]
        with open(os.path.join(args.corpus, "src", src + ".txt"), errors="replace") as f:
            b = f.read()[bo : bo + bl]
        pairs.append((words(a), words(b)))
    others = [(pairs[i][0], pairs[(i + 1) % len(pairs)][1]) for i in range(len(pairs))]
    print(f"{len(syn)} WordNet words; {len(pairs)} random-obfuscation cases (seed {args.seed})")
    for label, ps in (("copies", pairs), ("not copies", others)):
        total, by_stem, by_synonym = measure(ps, syn)
        print(
            f"{label:>10}: {total} content words, {by_stem / total:.1%} matched by stem, "
            f"{by_synonym / total:.1%} only through a synonym"
        )


if __name__ == "__main__":
    main()
