"""Recall and precision of heard's distress reading on the labelled sets.

Run: python benchmarks/distress_quality.py [--show-errors] [--set eval|dev] [--profile P]

Each message goes through heard's scoring path (redaction, the emotion model, the distress
head over its sentence vector, the lexicon and the recall net), once per profile. "rules"
is the lexicon and recall net alone (``detect_distress`` without the head), for comparison.
Reports the held-out eval set (data/distress/distress_eval.jsonl) and the development set
the rules were tuned on and the learned parts were trained on.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from heard.signals.distress import detect_distress
from heard.signals.scoring import PROFILES, score_messages

DATA = Path(__file__).resolve().parents[1] / "data" / "distress"
SETS = {"eval": "distress_eval.jsonl", "dev": "distress_dev.jsonl"}
# Eval v6's hard negatives are grouped by kind; its first 160 lines are strongly upset
# customers with no risk (angry, exhausted, worried), the false alarms specialists see most.
UPSET = DATA / "authored" / "eval6_hardneg.txt"
UPSET_LINES = 160


@cache  # read once, not once per profile and set
def _upset_customers() -> frozenset[str]:
    return frozenset(UPSET.read_text(encoding="utf-8").splitlines()[:UPSET_LINES])


def _rules(texts: list[str]) -> list[bool]:
    return [r.flag for r in detect_distress(texts)]


def _profile(name: str) -> Callable[[list[str]], list[bool]]:
    def flags(texts: list[str]) -> list[bool]:
        return [bool(m.score.distress["flag"]) for m in score_messages(texts, profile=name)]

    return flags


def evaluate(
    rows: list[dict[str, object]], flagger: Callable[[list[str]], list[bool]], show: bool
) -> dict[str, float]:
    start = time.perf_counter()
    flags = flagger([str(r["text"]) for r in rows])
    elapsed = time.perf_counter() - start
    tp = fp = fn = 0
    upset = _upset_customers()
    fp_by: dict[str, int] = {"authored": 0, "goemotions": 0, "upset": 0}
    for row, flag in zip(rows, flags, strict=True):
        if flag and row["label"] == 1:
            tp += 1
        elif flag:
            fp += 1
            fp_by["authored" if row["source"] == "heard-authored" else "goemotions"] += 1
            fp_by["upset"] += row["text"] in upset
            if show:
                print(f"    FP [{row['source']}] {str(row['text'])[:120]}")
        elif row["label"] == 1:
            fn += 1
            if show:
                print(f"    FN [{row['source']}] {str(row['text'])[:120]}")
    negatives = len(rows) - tp - fn
    n_upset = sum(1 for r in rows if r["label"] == 0 and r["text"] in upset)
    return {
        "false_flags": fp_by,
        "upset_rows": n_upset,
        "rows": len(rows),
        "positives": tp + fn,
        "negatives": negatives,
        "recall": tp / (tp + fn),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "false_positive_rate": fp / negatives,
        "msgs_per_s": len(rows) / elapsed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--set", choices=sorted(SETS), action="append", help="default: both")
    ap.add_argument("--profile", choices=[*PROFILES, "rules"], action="append",
                    help="default: every profile and the rules alone")
    args = ap.parse_args()
    readers = {name: _profile(name) for name in PROFILES} | {"rules": _rules}
    for set_name in args.set or ["eval", "dev"]:
        path = DATA / SETS[set_name]
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        print(path.name)
        for name in args.profile or list(readers):
            m = evaluate(rows, readers[name], args.show_errors)
            print(
                f"  {name:8s} rows {m['rows']} ({m['positives']} pos / {m['negatives']} neg)  "
                f"recall {m['recall']:.3f}  precision {m['precision']:.3f}  "
                f"FPR {m['false_positive_rate']:.3f}  {m['msgs_per_s']:,.0f} msgs/s"
            )
            f = m["false_flags"]
            n = m["upset_rows"]
            upset = f" (upset customers {f['upset']} of {n})" if n else ""
            print(f"           false flags: authored {f['authored']}{upset}, "
                  f"GoEmotions {f['goemotions']}")


if __name__ == "__main__":
    main()
