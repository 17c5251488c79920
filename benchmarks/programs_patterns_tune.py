"""Choose the debrief clustering's settings on the development set, never on the eval set.

    .venv/bin/python benchmarks/programs_patterns_tune.py

Sweeps the distance threshold and the lexical weight on data/programs/patterns_dev.jsonl
(its own planted patterns and anecdotes, written apart from the eval set) and prints the
dev ARI of each setting and the best one. Only then, for the chosen setting and for the
one in heard.programs.patterns, it prints the ARI on the untouched eval and stress sets.
Nothing here reads the eval or stress sets while choosing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from heard.programs.patterns import DISTANCE_THRESHOLD, LEXICAL_WEIGHT, Item, find_patterns

DATA = Path(__file__).parents[1] / "data" / "programs"
THRESHOLDS = [round(t, 2) for t in np.arange(0.70, 1.00, 0.02)]
WEIGHTS = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6]


def load(name: str) -> list[dict[str, str]]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines()]


def ari(rows: list[dict[str, str]], threshold: float, weight: float) -> float:
    """Anecdotes are each their own group in the truth; so is anything left unclustered."""
    items = [Item(r["id"], r["text"], r["session"], r["leader"], r["segment"]) for r in rows]
    result = find_patterns(items, threshold, weight)
    found = {m: k for k, p in enumerate(result["patterns"]) for m in p["members"]}
    truth = [r["label"] if r["label"] != "anecdote" else r["id"] for r in rows]
    predicted = [f"p{found[r['id']]}" if r["id"] in found else r["id"] for r in rows]
    return float(adjusted_rand_score(truth, predicted))


def main() -> None:
    dev = load("patterns_dev.jsonl")
    scores = {(t, w): ari(dev, t, w) for w in WEIGHTS for t in THRESHOLDS}
    for w in WEIGHTS:
        row = " ".join(f"{scores[(t, w)]:.2f}" for t in THRESHOLDS)
        print(f"weight {w:.1f}: {row}")
    print("thresholds:", " ".join(f"{t:.2f}" for t in THRESHOLDS))
    best = max(scores, key=lambda k: (round(scores[k], 3), -abs(k[0] - 0.85)))
    print(f"best on dev: threshold {best[0]:.2f}, lexical weight {best[1]:.1f}, "
          f"dev ARI {scores[best]:.3f}")
    chosen = (DISTANCE_THRESHOLD, LEXICAL_WEIGHT)
    for label, (t, w) in (("best on dev", best), ("in heard.programs.patterns", chosen)):
        print(f"{label} ({t:.2f}, {w:.1f}): dev {ari(dev, t, w):.3f}, "
              f"eval {ari(load('patterns_eval.jsonl'), t, w):.3f}, "
              f"stress {ari(load('patterns_stress.jsonl'), t, w):.3f}")


if __name__ == "__main__":
    main()
