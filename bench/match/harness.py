#!/usr/bin/env python3
"""The `kbc match` harness (issue 14): top-1, top-10 and MRR per query type,
for kbc and two BM25 baselines, on queries generated from a corpus.

    python3 bench/match/harness.py [--corpus ../shared/corpus] [--split test|dev|all]
                                   [--bundle OUT/rules.json] [--kbc target/release/kbc]

Without --bundle it builds the corpus with kbc first (into a temporary
folder). Baselines: BM25 over each article's raw text (the file as written,
\\w+ tokens lowercased), the formula of rank_bm25's BM25Okapi (k1 1.5, b 0.75,
negative idf floored at 0.25 x the mean idf), plain, and with repeated query
words removed. Only standard-library Python.
"""

import argparse
import collections
import json
import math
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import queries as gen  # noqa: E402

TYPES = ["error", "noisy", "sentence", "title"]


class Bm25Okapi:
    """rank_bm25.BM25Okapi's scoring over an inverted index."""

    def __init__(self, docs, k1=1.5, b=0.75, epsilon=0.25):
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / self.n
        self.postings = collections.defaultdict(list)
        for i, d in enumerate(docs):
            for w, tf in collections.Counter(d).items():
                self.postings[w].append((i, tf))
        idf = {w: math.log(self.n - len(p) + 0.5) - math.log(len(p) + 0.5) for w, p in self.postings.items()}
        floor = epsilon * sum(idf.values()) / len(idf)
        self.idf = {w: (v if v >= 0 else floor) for w, v in idf.items()}

    def top(self, words, k=10):
        scores = collections.defaultdict(float)
        for w in words:
            for i, tf in self.postings.get(w, ()):
                denom = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
                scores[i] += self.idf[w] * tf * (self.k1 + 1) / denom
        return [i for i, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def tokens(text):
    return gen.WORD.findall(text.lower())


def kbc_batch(kbc, bundle, qs):
    lines = "".join(json.dumps({"id": q["id"], "text": q["text"], "limit": 10}) + "\n" for q in qs)
    start = time.time()
    out = subprocess.run([kbc, "match", "--batch", "--bundle", bundle], input=lines, capture_output=True,
                         text=True, check=True).stdout
    elapsed = time.time() - start
    ranked = {}
    for line in out.splitlines():
        r = json.loads(line)
        ranked[r["id"]] = [m["path"] for m in r["matches"]]
    return ranked, elapsed


def score(qs, ranked):
    """{type: (top1, top10, mrr, n)} in percent, plus "all"."""
    rows = {}
    for t in TYPES + ["all"]:
        sel = [q for q in qs if t in ("all", q["type"])]
        top1 = top10 = mrr = 0.0
        for q in sel:
            got = ranked[q["id"]][:10]
            ranks = [r for r, p in enumerate(got) if p in q["answers"]]
            if ranks:
                top1 += ranks[0] == 0
                top10 += 1
                mrr += 1 / (ranks[0] + 1)
        n = max(len(sel), 1)
        rows[t] = (100 * top1 / n, 100 * top10 / n, 100 * mrr / n, len(sel))
    return rows


def table(results):
    names = list(results)
    head = "| type | n | " + " | ".join("%s top-1 / top-10 / MRR" % n for n in names) + " |"
    out = [head, "|" + "---|" * (len(names) + 2)]
    for t in TYPES + ["all"]:
        n = results[names[0]][t][3]
        cells = ["%.1f / %.1f / %.1f" % results[name][t][:3] for name in names]
        out.append("| %s | %d | %s |" % (t, n, " | ".join(cells)))
    return "\n".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpus"))
    ap.add_argument("--split", default="test", choices=["dev", "test", "all"])
    ap.add_argument("--bundle")
    ap.add_argument("--kbc", default=os.path.join(root, "target", "release", "kbc"))
    ap.add_argument("--failures", type=int, default=0, help="print this many kbc misses per type")
    ap.add_argument("--queries", help="write the generated queries (JSON Lines) here")
    ap.add_argument("--no-baselines", action="store_true", help="score kbc only (faster while tuning)")
    args = ap.parse_args()
    bundle = args.bundle
    if not bundle:
        out = os.path.join(tempfile.mkdtemp(prefix="kbc-match-"), "out")
        subprocess.run([args.kbc, "build", args.corpus, "-o", out, "--skip-invalid", "-q", "--cloud", "public"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        bundle = os.path.join(out, "rules.json")
    with open(bundle) as f:
        arts = json.load(f)["articles"]
    paths = [a["path"] for a in arts]
    qs = gen.generate(args.corpus, paths, [a["title"] or a["heading"] for a in arts])
    if args.queries:
        with open(args.queries, "w") as f:
            f.writelines(json.dumps(q) + "\n" for q in qs)
    qs = [q for q in qs if args.split in ("all", q["split"])]
    kbc, elapsed = kbc_batch(args.kbc, bundle, qs)
    results = {"kbc": score(qs, kbc)}
    if not args.no_baselines:
        bm25 = Bm25Okapi([tokens(t) for t in gen.Corpus(args.corpus, paths).raw])
        plain = {q["id"]: [paths[i] for i in bm25.top(tokens(q["text"]))] for q in qs}
        dedup = {q["id"]: [paths[i] for i in bm25.top(list(dict.fromkeys(tokens(q["text"]))))] for q in qs}
        results.update({"BM25": score(qs, plain), "BM25 dedup": score(qs, dedup)})
    print("%d articles, %d queries (%s split); kbc match --batch: %.2f s for all queries, process included"
          % (len(paths), len(qs), args.split, elapsed))
    print(table(results))
    for t in TYPES:
        misses = [q for q in qs if q["type"] == t and kbc[q["id"]][:1] != q["answers"][:1]
                  and not set(kbc[q["id"]][:1]) & set(q["answers"])]
        for q in misses[: args.failures]:
            print("MISS %s %r\n  want %s\n  got  %s" % (t, q["text"][:300], q["answers"], kbc[q["id"]][:3]))


if __name__ == "__main__":
    main()
