"""Recall and precision of heard.signals.distress on the labelled sets.

Run: python benchmarks/distress_quality.py [--show-errors]
Reports the held-out eval set (data/distress/distress_eval.jsonl) and, for
comparison, the development set the patterns were tuned on.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from heard.signals.distress import detect_distress

DATA = Path(__file__).resolve().parents[1] / "data" / "distress"


def evaluate(name: str, show_errors: bool) -> dict[str, float]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    start = time.perf_counter()
    results = detect_distress([r["text"] for r in rows])
    elapsed = time.perf_counter() - start
    tp = fp = fn = 0
    for row, res in zip(rows, results, strict=True):
        if res.flag and row["label"] == 1:
            tp += 1
        elif res.flag:
            fp += 1
            if show_errors:
                print(f"  FP {res.signals} [{row['source']}] {row['text'][:120]}")
        elif row["label"] == 1:
            fn += 1
            if show_errors:
                print(f"  FN [{row['source']}] {row['text'][:120]}")
    negatives = len(rows) - tp - fn
    return {
        "rows": len(rows),
        "positives": tp + fn,
        "negatives": negatives,
        "recall": tp / (tp + fn),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "false_positive_rate": fp / negatives,
        "msgs_per_s": len(rows) / elapsed,
    }


def main() -> None:
    show = "--show-errors" in sys.argv
    for name in ("distress_eval.jsonl", "distress_dev.jsonl"):
        print(name)
        m = evaluate(name, show)
        print(
            f"  rows {m['rows']} ({m['positives']} pos / {m['negatives']} neg)  "
            f"recall {m['recall']:.3f}  precision {m['precision']:.3f}  "
            f"FPR {m['false_positive_rate']:.3f}  {m['msgs_per_s']:,.0f} msgs/s"
        )


if __name__ == "__main__":
    main()
