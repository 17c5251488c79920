"""Debrief patterns: quality on the labelled set and time for 1,000 observations.

    .venv/bin/python benchmarks/programs_patterns.py [--runs 5]

Quality: adjusted Rand index (anecdotes count as their own groups) on the development set
data/programs/patterns_dev.jsonl (the only set the settings were chosen on, by
benchmarks/programs_patterns_tune.py), the untouched eval set patterns_eval.jsonl, and
patterns_stress.jsonl, a harder set whose paraphrases share almost no words. Speed: 1,000
observations (the eval set repeated with a marker, spread over more sessions) through
find_patterns, model already loaded.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from heard.programs.embedding import sentence_model
from heard.programs.patterns import Item, find_patterns

DATA = Path(__file__).parents[1] / "data" / "programs"


def ari(path: Path) -> float:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    items = [Item(r["id"], r["text"], r["session"], r["leader"], r["segment"]) for r in rows]
    result = find_patterns(items)
    found = {m: k for k, p in enumerate(result["patterns"]) for m in p["members"]}
    truth = [r["label"] if r["label"] != "anecdote" else r["id"] for r in rows]
    predicted = [f"p{found[r['id']]}" if r["id"] in found else r["id"] for r in rows]
    return float(adjusted_rand_score(truth, predicted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    sentence_model()
    print(f"model load {time.perf_counter() - started:.2f} s")
    for name in ("patterns_dev.jsonl", "patterns_eval.jsonl", "patterns_stress.jsonl"):
        print(f"{name}: ARI {ari(DATA / name):.3f}")
    rows = [json.loads(x) for x in (DATA / "patterns_eval.jsonl").read_text().splitlines()]
    items = [
        Item(f"{r['id']}-{c}", f"{r['text']} ({c})", f"{r['session']}-{c % 3}", r["leader"],
             r["segment"])
        for c in range(7) for r in rows
    ][:1000]
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        find_patterns(items)
        times.append(time.perf_counter() - started)
    print(f"1,000 observations: median {statistics.median(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
