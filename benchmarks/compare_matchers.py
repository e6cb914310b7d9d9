#!/usr/bin/env python3
"""Concord's matcher side by side with rapidfuzz and nomenklatura, same data, one run.

Two data sets:
  * the hand-made pairs of historical and cultural figures (benchmarks/figures.tsv);
  * ground truth from `concord evaluate --export DIR`: each query against its
    true record and against hard negatives (records sharing a name token's
    first three letters with the query, chosen by the same rule for everyone).

Matchers, each scoring names only (no birth dates, for a fair comparison):
  * concord: `concord compare --pairs` (the best of the record's names);
  * rapidfuzz: token_sort_ratio over anyascii transliterations, lowercased;
  * nomenklatura logic-v2 (what OpenSanctions' yente scores with) and
    nomenklatura name-based, on FollowTheMoney Person entities.

Reports ROC AUC, precision and recall at each matcher's default threshold, and
the recall each reaches at Concord's precision (recall at equal precision).
Speed: pairs per second per matcher, and batch screening queries per second
(Concord's index against rapidfuzz's brute force over the same records).

Usage: python3 benchmarks/compare_matchers.py --concord target/release/concord \
           --figures benchmarks/figures.tsv --truth /tmp/truth --queries 1000
Needs: pip install rapidfuzz anyascii nomenklatura followthemoney
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

from anyascii import anyascii
from rapidfuzz import fuzz, process

DEFAULTS = {"concord": 0.9, "rapidfuzz": 0.85, "nomenklatura logic-v2": 0.7, "nomenklatura name-based": 0.7}


def fold(name):
    return anyascii(name).lower()


def read_figures(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3 or cols[2] not in ("0", "1"):
                sys.exit(f"{path}:{n}: expected name<TAB>name<TAB>0|1<TAB>note")
            pairs.append(([cols[0]], [cols[1]], int(cols[2])))
    return pairs


def read_truth(directory, limit):
    records = {}
    with open(os.path.join(directory, "records.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records[r["id"]] = r["names"]
    queries = []
    with open(os.path.join(directory, "queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            queries.append(json.loads(line))
    queries = queries[:limit]
    # Hard negatives by one rule for every matcher: records sharing the first
    # three letters of a (transliterated) name token with the query.
    by_prefix = defaultdict(list)
    for rid in sorted(records):
        for name in records[rid]:
            for token in fold(name).split():
                if len(token) >= 3:
                    by_prefix[token[:3]].append(rid)
    pairs = []
    for q in queries:
        text, truth = q["query"], q.get("truth")
        if truth in records:
            pairs.append(([text], records[truth], 1))
        negatives = []
        for token in fold(text).split():
            for rid in by_prefix.get(token[:3], []):
                if rid != truth and rid not in negatives:
                    negatives.append(rid)
                if len(negatives) >= 4:
                    break
            if len(negatives) >= 4:
                break
        for rid in negatives:
            pairs.append(([text], records[rid], 0))
    return pairs, records, queries


def score_concord(binary, pairs):
    lines, owner = [], []
    for i, (a, b, _) in enumerate(pairs):
        for x in a:
            for y in b:
                lines.append(f"{x}\t{y}".replace("\n", " "))
                owner.append(i)
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    t = time.perf_counter()
    out = subprocess.run([binary, "compare", "--pairs", path], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    os.unlink(path)
    scores = [0.0] * len(pairs)
    for i, s in zip(owner, out.stdout.splitlines()):
        if s.strip():
            scores[i] = max(scores[i], float(s))
    return scores, len(lines) / elapsed


def score_rapidfuzz(pairs):
    scores, n = [], 0
    t = time.perf_counter()
    for a, b, _ in pairs:
        best = 0.0
        for x in a:
            for y in b:
                best = max(best, fuzz.token_sort_ratio(fold(x), fold(y)) / 100.0)
                n += 1
        scores.append(best)
    return scores, n / (time.perf_counter() - t)


def score_nomenklatura(pairs, algorithm):
    from followthemoney import model
    from nomenklatura.matching.types import ScoringConfig

    config = ScoringConfig.defaults()

    def entity(eid, names):
        e = model.make_entity("Person")
        e.id = eid
        for n in names:
            e.add("name", n)
        return e

    # The first call loads models and tables; not counted.
    algorithm.compare(entity("w1", ["Warm Up"]), entity("w2", ["Warm Up"]), config)
    scores = []
    t = time.perf_counter()
    for i, (a, b, _) in enumerate(pairs):
        scores.append(algorithm.compare(entity(f"q{i}", a), entity(f"r{i}", b), config).score)
    return scores, len(pairs) / (time.perf_counter() - t)


def roc_auc(scores, labels):
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    if not pos or not neg:
        return None
    # Mann-Whitney U with ties counted half.
    ranked = sorted((s, y) for s, y in zip(scores, labels))
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2.0
        rank_sum += avg * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))


def at_threshold(scores, labels, t):
    tp = sum(1 for s, y in zip(scores, labels) if s >= t and y == 1)
    fp = sum(1 for s, y in zip(scores, labels) if s >= t and y == 0)
    pos = sum(labels)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / pos if pos else 0.0)


def recall_at_precision(scores, labels, precision):
    """The highest recall at any threshold whose precision reaches `precision`."""
    best = 0.0
    for t in sorted(set(scores)):
        p, r = at_threshold(scores, labels, t)
        if p >= precision:
            best = max(best, r)
    return best


def evaluate(name, pairs, matchers):
    labels = [y for _, _, y in pairs]
    results = {}
    for m, (scores, rate) in matchers.items():
        p, r = at_threshold(scores, labels, DEFAULTS[m])
        results[m] = {"auc": roc_auc(scores, labels), "precision": p, "recall": r, "pairs_per_s": rate}
    target = results["concord"]["precision"]
    for m in matchers:
        results[m]["recall_at_concord_precision"] = recall_at_precision(matchers[m][0], labels, target)
    print(f"\n## {name}: {sum(labels)} same, {len(labels) - sum(labels)} different\n")
    print(f"| matcher | ROC AUC | precision @ default | recall @ default | recall at precision {target:.3f} | name pairs/s |")
    print("|---|---|---|---|---|---|")
    for m, v in results.items():
        print(f"| {m} (threshold {DEFAULTS[m]}) | {v['auc']:.3f} | {v['precision']:.3f} | {v['recall']:.3f} "
              f"| {v['recall_at_concord_precision']:.3f} | {v['pairs_per_s']:,.0f} |")
    return results


def misses(name, pairs, scores, threshold, n):
    wrong = [(a[0], b[0], y, s) for (a, b, y), s in zip(pairs, scores) if (s >= threshold) != (y == 1)]
    if wrong and n:
        print(f"\n{name}: {len(wrong)} wrong at {threshold}, first {min(n, len(wrong))}:", file=sys.stderr)
        for a, b, y, s in wrong[:n]:
            print(f"  {'same' if y else 'diff'} {s:.3f}  {a}  |  {b}", file=sys.stderr)


def batch_speed(binary, records, queries, nomenklatura_pairs_per_s):
    """Concord's index (`concord screen`) against rapidfuzz brute force, same records and queries."""
    with tempfile.TemporaryDirectory() as d:
        ftm = os.path.join(d, "records.ftm.jsonl")
        with open(ftm, "w", encoding="utf-8") as f:
            for rid, names in records.items():
                f.write(json.dumps({"id": rid, "schema": "Person", "properties": {"name": names}}) + "\n")
        qfile = os.path.join(d, "queries.jsonl")
        with open(qfile, "w", encoding="utf-8") as f:
            for i, q in enumerate(queries):
                f.write(json.dumps({"id": str(i), "name": q["query"]}) + "\n")
        index = os.path.join(d, "records.idx")
        subprocess.run([binary, "index", ftm, "-o", index], check=True, capture_output=True)
        t = time.perf_counter()
        subprocess.run([binary, "screen", "--input", qfile, "--against", index, "-o", os.path.join(d, "out.jsonl")],
                       check=True, capture_output=True)
        concord_qps = len(queries) / (time.perf_counter() - t)
    choices = [fold(n) for names in records.values() for n in names]
    sample = queries[: max(1, min(len(queries), 200))]
    t = time.perf_counter()
    for q in sample:
        process.extract(fold(q["query"]), choices, scorer=fuzz.token_sort_ratio, limit=10, score_cutoff=85)
    rapidfuzz_qps = len(sample) / (time.perf_counter() - t)
    print(f"\n## Batch screening, names only, {len(records):,} records ({len(choices):,} names)\n")
    print("| matcher | queries/s (one process) | ratio |")
    print("|---|---|---|")
    print(f"| concord screen (index; process start and index load included) | {concord_qps:,.0f} | 1 |")
    print(f"| rapidfuzz brute force (process.extract, token_sort_ratio) | {rapidfuzz_qps:,.1f} | "
          f"Concord {concord_qps / rapidfuzz_qps:,.0f}x faster |")
    nk_qps = nomenklatura_pairs_per_s / len(records)
    print(f"| nomenklatura logic-v2 brute force (from its pairs/s above, one pair per record) | {nk_qps:,.2f} | "
          f"Concord {concord_qps / nk_qps:,.0f}x faster |")
    return concord_qps, rapidfuzz_qps


def main():
    logging.disable(logging.WARNING)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concord", default="target/release/concord")
    ap.add_argument("--figures", default=os.path.join(os.path.dirname(__file__), "figures.tsv"))
    ap.add_argument("--truth", help="directory written by `concord evaluate --export`")
    ap.add_argument("--queries", type=int, default=1000, help="ground-truth queries to use")
    ap.add_argument("--show-errors", type=int, default=0)
    args = ap.parse_args()

    from nomenklatura.matching import LogicV2, NameMatcher

    sets = [("Historical and cultural figures", read_figures(args.figures))]
    truth = None
    if args.truth:
        pairs, records, queries = read_truth(args.truth, args.queries)
        sets.append((f"Synthetic ground truth ({len(queries)} queries)", pairs))
        truth = (records, queries)
    all_results = {}
    for name, pairs in sets:
        matchers = {
            "concord": score_concord(args.concord, pairs),
            "rapidfuzz": score_rapidfuzz(pairs),
            "nomenklatura logic-v2": score_nomenklatura(pairs, LogicV2),
            "nomenklatura name-based": score_nomenklatura(pairs, NameMatcher),
        }
        for m, (scores, _) in matchers.items():
            misses(f"{name} / {m}", pairs, scores, DEFAULTS[m], args.show_errors)
        all_results[name] = evaluate(name, pairs, matchers)
    if truth:
        rate = all_results[sets[-1][0]]["nomenklatura logic-v2"]["pairs_per_s"]
        all_results["batch"] = batch_speed(args.concord, *truth, rate)
    failed = [n for n, r in all_results.items() if isinstance(r, dict)
              and r["concord"]["recall_at_concord_precision"]
              < max(v["recall_at_concord_precision"] for m, v in r.items() if m != "concord")]
    if failed:
        print(f"\nConcord does not lead on recall at equal precision in: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
