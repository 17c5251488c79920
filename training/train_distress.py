"""Train the distress detector's learned recall net (src/heard/signals/distress.py).

    .venv/bin/python training/train_distress.py /work/shared/datasets/goemotions

A logistic regression (L1, so few weights ship) over ``distress.net_features`` of the
normalised, idiom-masked text. scikit-learn is used here only; heard scores the shipped JSON
weights with a dictionary sum. About 10 s on one core.

Data, and what is never used:
* the authored rows of ``data/distress/distress_dev.jsonl``, split once by a hash of the
  text: 80 % fit, 20 % held out (``_held_out``); the held-out rows are only scored;
* GoEmotions ``train.tsv`` comments as negatives (80 % fit, 20 % held out for the flag-rate
  check), except the few the rules flag: unlabelled Reddit text that reads like a crisis is
  not a trustworthy negative;
* customer-care turns of ``data/customer-care-twitter/dev.json`` as in-domain negatives
  (again minus rule-flagged ones); ``test.json`` is kept for the flag-rate check;
* GoEmotions ``dev.tsv`` (and the dev rows copied into the development set) are never used
  for fitting, and the eval set ``distress_eval.jsonl`` is never read.

The threshold is fixed in advance (``THRESHOLD``), not searched on the held-out rows.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from heard.signals import distress

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "data" / "distress" / "distress_dev.jsonl"
CARE = ROOT / "data" / "customer-care-twitter"
# Hard negatives written mostly as angry, worried or despairing customers with no risk: their
# held-out rows are reported on their own, the precision that matters most to specialists.
UPSET = [
    ROOT / "data" / "distress" / "authored" / f
    for f in ("train6_hardneg.txt", "train7_hardneg.txt")
]
C = 1.0
THRESHOLD = 0.5
# Sample weights: a few hundred authored rows against ~35,000 Reddit comments.
WEIGHT = {"positive": 40.0, "hard_negative": 10.0, "care": 5.0, "goemotions": 1.0}


def _held_out(text: str) -> bool:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 5 == 0


def _care(split: str) -> list[str]:
    raw = json.loads((CARE / f"{split}.json").read_text(encoding="utf-8"))
    return [turn["message"] for conv in raw for turn in conv["dialogContent"]]


def _goemotions(folder: Path) -> list[str]:
    with (folder / "train.tsv").open(encoding="utf-8") as fh:
        return [row[0] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def load(folder: Path) -> tuple[list[tuple[str, int, float]], dict[str, list[tuple[str, int]]]]:
    dev = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    authored = [(r["text"], int(r["label"])) for r in dev if r["source"] == "heard-authored"]
    goemotions = _goemotions(folder)
    fit: list[tuple[str, int, float]] = [
        (t, y, WEIGHT["positive" if y else "hard_negative"])
        for t, y in authored
        if not _held_out(t)
    ]
    fit += [
        (t, 0, WEIGHT["goemotions"])
        for t in goemotions
        if not _held_out(t) and not distress.rules_flag(t)
    ]
    fit += [(t, 0, WEIGHT["care"]) for t in _care("dev") if not distress.rules_flag(t)]
    checks = {
        "dev held-out (authored)": [(t, y) for t, y in authored if _held_out(t)],
        "dev GoEmotions-dev rows (never fitted)": [
            (r["text"], 0) for r in dev if r["source"].startswith("goemotions-dev")
        ],
        "GoEmotions train held-out": [(t, 0) for t in goemotions if _held_out(t)],
        "customer-care test": [(t, 0) for t in _care("test")],
        "dev held-out upset customers (train6, train7)": [
            (t, 0)
            for path in UPSET
            if path.exists()
            for t in path.read_text(encoding="utf-8").splitlines()
            if t.strip() and _held_out(t)
        ],
    }
    return fit, checks


def train(fit: list[tuple[str, int, float]]) -> dict[str, object]:
    vectoriser = CountVectorizer(
        analyzer=lambda t: distress.net_features(distress.masked_text(t)), min_df=2, binary=True
    )
    x = vectoriser.fit_transform([t for t, _, _ in fit])
    y = np.array([label for _, label, _ in fit])
    weights = np.array([w for _, _, w in fit])
    model = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", max_iter=2000)
    model.fit(x, y, sample_weight=weights)
    names = vectoriser.get_feature_names_out()
    coef = model.coef_[0]
    kept = {str(names[i]): round(float(coef[i]), 4) for i in np.flatnonzero(np.abs(coef) >= 1e-4)}
    return {
        "about": "distress recall net; see training/train_distress.py and "
        "docs/models/distress.md",
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": THRESHOLD,
        "C": C,
        "fit_rows": len(fit),
        "weights": dict(sorted(kept.items())),
    }


def flag_summary(flags: list[bool], rows: list[tuple[str, int]]) -> str:
    """Recall and precision (where there are positives) and flagged negatives of one check."""
    pos = sum(y for _, y in rows)
    tp = sum(f and y for f, (_, y) in zip(flags, rows, strict=True))
    fp = sum(f and not y for f, (_, y) in zip(flags, rows, strict=True))
    recall = f"recall {tp / pos:.3f} precision {tp / max(tp + fp, 1):.3f} " if pos else ""
    return f"{recall}flagged negatives {fp} ({fp / len(rows):.2%})"


def report(checks: dict[str, list[tuple[str, int]]]) -> None:
    """Rules alone, and the shipped detector (rules OR net), on the rows never fitted."""
    for name, rows in checks.items():
        rules = [distress.rules_flag(t) for t, _ in rows]
        full = [distress.detect_one(t).flag for t, _ in rows]
        line = f"{name}: {len(rows)} rows ({sum(y for _, y in rows)} pos)"
        for label, flags in (("rules", rules), ("rules+net", full)):
            line += f" | {label}: {flag_summary(flags, rows)}"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("goemotions", type=Path)
    ap.add_argument("--report-only", action="store_true", help="score the shipped weights")
    args = ap.parse_args()
    fit, checks = load(args.goemotions)
    if not args.report_only:
        artifact = train(fit)
        distress.NET_ARTIFACT.write_text(json.dumps(artifact, indent=0) + "\n", encoding="utf-8")
        distress.load_net.cache_clear()
        n = len(artifact["weights"])  # type: ignore[arg-type]
        print(f"wrote {distress.NET_ARTIFACT.name}: {n} weights, {len(fit)} rows fitted")
    report(checks)


if __name__ == "__main__":
    main()
