"""The distress head: a small neural net over the emotion model's sentence vector.

It reads the vector the emotion model computes anyway (``EmotionOutput.features``), so it
costs two small matrix products per batch, and it recognises crisis wording the lexicon has
no words for. Trained by training/train_distress_head.py; see docs/models/distress.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from heard.signals.models.calibration import FloatArray

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def head_path(model_name: str, artifacts: Path = ARTIFACTS) -> Path:
    return artifacts / f"distress-head-{model_name}.npz"


@dataclass(frozen=True)
class DistressHead:
    """One hidden ReLU layer; says yes at ``probabilities(...) >= threshold``."""

    w1: FloatArray  # (dims, hidden)
    b1: FloatArray  # (hidden,)
    w2: FloatArray  # (hidden,)
    b2: float
    threshold: float

    def probabilities(self, features: FloatArray) -> FloatArray:
        hidden = np.maximum(features @ self.w1 + self.b1, 0.0)
        z = (hidden @ self.w2).astype(np.float64) + self.b2
        p: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return p

    def scores(self, features: FloatArray) -> FloatArray:
        """Probabilities rescaled so that the threshold sits at 0.5: the distress reading can
        then treat a score like any other weight (0.5 and up flags)."""
        p, t = self.probabilities(features), self.threshold
        scaled: FloatArray = np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1.0 - t))
        return scaled

    def with_threshold(self, threshold: float) -> DistressHead:
        return replace(self, threshold=threshold)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2, threshold=self.threshold
        )


@cache
def load_head(model_name: str, artifacts: Path = ARTIFACTS) -> DistressHead | None:
    """The shipped head for an emotion model, or None where it has none."""
    path = head_path(model_name, artifacts)
    if not path.exists():
        return None
    with np.load(path) as z:
        return DistressHead(
            w1=z["w1"], b1=z["b1"], w2=z["w2"], b2=float(z["b2"]), threshold=float(z["threshold"])
        )
