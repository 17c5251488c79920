"""Shared helpers for heard's training scripts (training venv only; never imported at run time)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "datasets"
GOEMO = SHARED / "goemotions"
ARTIFACTS = REPO / "src" / "heard" / "signals" / "models" / "artifacts"
WORK = REPO / "training" / ".cache"  # git-ignored scratch space

SEED = 13
HOLDOUT_FRACTION = 0.1

# GoEmotions' published sentiment grouping (Demszky et al. 2020, sentiment_mapping.json);
# "ambiguous" emotions count as neutral for heard's 3-way sentiment.
POSITIVE = {
    "admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude",
    "joy", "love", "optimism", "pride", "relief",
}
NEGATIVE = {
    "anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment",
    "fear", "grief", "nervousness", "remorse", "sadness",
}
SENTIMENTS = ["negative", "neutral", "positive"]


def seed_everything(seed: int = SEED) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # the fast-path helpers do not need torch
        pass


def labels() -> list[str]:
    return (GOEMO / "labels.txt").read_text().split()


def read_goemotions(split: str) -> tuple[list[str], np.ndarray]:
    """Texts and a (n, 28) 0/1 matrix for a GoEmotions split."""
    names = labels()
    texts: list[str] = []
    rows: list[np.ndarray] = []
    with open(GOEMO / f"{split}.tsv", encoding="utf-8") as fh:
        for rec in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            y = np.zeros(len(names), dtype=np.float32)
            for i in rec[1].split(","):
                y[int(i)] = 1.0
            texts.append(rec[0])
            rows.append(y)
    return texts, np.stack(rows)


def sentiment_targets(y: np.ndarray) -> np.ndarray:
    """Soft 3-way sentiment targets: uniform over the sentiment groups an example's labels hit."""
    names = labels()
    neg = np.array([n in NEGATIVE for n in names])
    pos = np.array([n in POSITIVE for n in names])
    other = ~(neg | pos)
    t = np.stack([y[:, neg].max(1), y[:, other].max(1), y[:, pos].max(1)], axis=1)
    return (t / t.sum(1, keepdims=True)).astype(np.float32)


def split_train() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """Fixed split of GoEmotions train into fit / held-out (calibration + thresholds)."""
    texts, y = read_goemotions("train")
    rng = np.random.default_rng(SEED)
    perm = rng.permutation(len(texts))
    n_hold = int(len(texts) * HOLDOUT_FRACTION)
    hold, fit = perm[:n_hold], perm[n_hold:]
    return [texts[i] for i in fit], y[fit], [texts[i] for i in hold], y[hold]


def best_thresholds(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-label threshold maximising F1 on (p, y).

    A fixed grid (not every observed value) limits overfitting on rare labels."""
    # Fine at the low end: calibrated probabilities of rare labels (grief, relief) rarely pass 0.3.
    grid = np.round(np.arange(0.01, 0.951, 0.01), 3)
    out = np.full(p.shape[1], 0.5)
    for j in range(p.shape[1]):
        best = -1.0
        for t in grid:
            pred = p[:, j] >= t
            tp = float((pred & (y[:, j] > 0)).sum())
            f1 = 2 * tp / max(pred.sum() + y[:, j].sum(), 1)
            if f1 > best:
                best, out[j] = f1, t
    return out


def f1_report(pred: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    """macro-F1, micro-F1 and per-label F1 for 0/1 matrices."""
    yb = y > 0
    tp = (pred & yb).sum(0).astype(float)
    per = 2 * tp / np.maximum(pred.sum(0) + yb.sum(0), 1)
    micro = 2 * tp.sum() / max(pred.sum() + yb.sum(), 1)
    return float(per.mean()), float(micro), per


def fit_platt(logit: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Per-label Platt scaling: p = sigmoid(a * logit + b), a logistic regression on the logit.

    Mild L2 (C=100) keeps labels with a dozen positives from running off to huge slopes.
    """
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=100.0, max_iter=1000)
    lr.fit(logit.reshape(-1, 1).astype(np.float64), (y > 0).astype(int))
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def fit_temperature(logits: np.ndarray, target: np.ndarray) -> float:
    """Single softmax temperature minimising cross-entropy against (soft) targets."""
    best_t, best_loss = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.3), np.log(5.0), 120)):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        loss = float(-(target * logp).sum(1).mean())
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t
