"""Quality of heard's emotion and sentiment heads on GoEmotions dev (never trained or tuned on).

Runs the shipped scoring path (``load_scorer(profile).score``) over data/goemotions/dev.tsv and
compares ``emotion_labels`` (labels over their per-label threshold) with the gold labels:
macro-F1 over all 28 labels, micro-F1 and per-label F1. Sentiment is checked against
GoEmotions' published sentiment grouping of the gold labels (ambiguous -> neutral): a
prediction counts as correct when its label is one of the gold example's groups.

    .venv/bin/python benchmarks/emotion_quality.py            # both profiles, table
    .venv/bin/python benchmarks/emotion_quality.py --json out.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

DEV = Path(__file__).resolve().parents[1] / "data" / "goemotions" / "dev.tsv"


def read_dev() -> tuple[list[str], np.ndarray]:
    from heard.signals.models.labels import EMOTIONS

    texts, rows = [], []
    with open(DEV, encoding="utf-8") as fh:
        for rec in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            y = np.zeros(len(EMOTIONS), dtype=bool)
            y[[int(i) for i in rec[1].split(",")]] = True
            texts.append(rec[0])
            rows.append(y)
    return texts, np.stack(rows)


def gold_sentiments(y: np.ndarray) -> list[set[str]]:
    from heard.signals.models.labels import EMOTIONS

    positive = {"admiration", "amusement", "approval", "caring", "desire", "excitement",
                "gratitude", "joy", "love", "optimism", "pride", "relief"}
    negative = {"anger", "annoyance", "disappointment", "disapproval", "disgust",
                "embarrassment", "fear", "grief", "nervousness", "remorse", "sadness"}
    out = []
    for row in y:
        names = {EMOTIONS[j] for j in np.flatnonzero(row)}
        groups = {"positive" if n in positive else "negative" if n in negative else "neutral"
                  for n in names}
        out.append(groups)
    return out


def evaluate(profile: str, texts: list[str], y: np.ndarray) -> dict[str, object]:
    from heard.signals.models.labels import EMOTIONS
    from heard.signals.scoring import load_scorer

    scorer = load_scorer(profile)
    t0 = time.perf_counter()
    scores = scorer.score(texts)
    seconds = time.perf_counter() - t0
    pred = np.array([[name in s.emotion_labels for name in EMOTIONS] for s in scores])
    tp = (pred & y).sum(axis=0)
    per_label = 2 * tp / np.maximum(pred.sum(axis=0) + y.sum(axis=0), 1)
    micro = 2 * tp.sum() / max(pred.sum() + y.sum(), 1)
    gold = gold_sentiments(y)
    sent = [str(s.sentiment["label"]) for s in scores]
    conf = np.array([s.confidence["sentiment"] for s in scores])
    correct = np.array([p in g for p, g in zip(sent, gold, strict=True)])
    # Does the emotions confidence mean anything? Example-level F1 for low vs high confidence
    # (0.35 is the review queue's cut-off in heard.signals.review).
    example_f1 = 2 * (pred & y).sum(1) / np.maximum(pred.sum(1) + y.sum(1), 1)
    econf = np.array([s.confidence["emotions"] for s in scores])
    low = econf < 0.35
    return {
        "profile": profile,
        "n": len(texts),
        "macro_f1": round(float(per_label.mean()), 4),
        "micro_f1": round(float(micro), 4),
        "per_label_f1": {n: round(float(v), 4) for n, v in zip(EMOTIONS, per_label, strict=True)},
        "support": {n: int(v) for n, v in zip(EMOTIONS, y.sum(axis=0), strict=True)},
        "sentiment_accuracy": round(float(correct.mean()), 4),
        "sentiment_mean_confidence": round(float(conf.mean()), 4),
        "share_emotions_conf_below_0.35": round(float(low.mean()), 4),
        "example_f1_conf_below_0.35": round(float(example_f1[low].mean()), 4),
        "example_f1_conf_at_least_0.35": round(float(example_f1[~low].mean()), 4),
        "sentiment_accuracy_conf_below_0.5": round(float(correct[conf < 0.5].mean()), 4),
        "sentiment_accuracy_conf_at_least_0.8": round(float(correct[conf >= 0.8].mean()), 4),
        "seconds": round(seconds, 1),
    }


def print_table(results: list[dict[str, object]]) -> None:
    from heard.signals.models.labels import EMOTIONS

    head = "".join(f"{str(r['profile']):>10s}" for r in results)
    print(f"{'label':30s}{'support':>8s}{head}")
    for name in EMOTIONS:
        support = results[0]["support"][name]  # type: ignore[index]
        cells = "".join(f"{r['per_label_f1'][name]:>10.3f}" for r in results)  # type: ignore[index]
        print(f"{name:30s}{support:>8d}{cells}")
    for key in ("macro_f1", "micro_f1", "sentiment_accuracy", "sentiment_mean_confidence",
                "share_emotions_conf_below_0.35", "example_f1_conf_below_0.35",
                "example_f1_conf_at_least_0.35", "sentiment_accuracy_conf_below_0.5",
                "sentiment_accuracy_conf_at_least_0.8"):
        print(f"{key:38s}" + "".join(f"{float(r[key]):>10.4f}" for r in results))  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--profile", choices=["default", "fast", "both"], default="both")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    texts, y = read_dev()
    profiles = ["default", "fast"] if args.profile == "both" else [args.profile]
    results = [evaluate(p, texts, y) for p in profiles]
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
