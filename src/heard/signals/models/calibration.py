"""Turn raw model logits into calibrated probabilities and per-label decisions.

The numbers come from a JSON file fitted at training time on a held-out slice of GoEmotions
train (never on dev): per-label Platt scaling for the 28 emotions, per-label thresholds, and
one softmax temperature for the 3-way sentiment head.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heard.signals.models.labels import EMOTIONS, SENTIMENTS

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Calibration:
    platt_a: FloatArray
    platt_b: FloatArray
    thresholds: FloatArray
    sentiment_temperature: float

    @classmethod
    def from_json(cls, path: Path) -> Calibration:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if tuple(raw["labels"]) != EMOTIONS or tuple(raw["sentiment_labels"]) != SENTIMENTS:
            raise ValueError(f"{path.name}: label order differs from heard's label set")
        return cls(
            platt_a=np.asarray(raw["platt_a"], dtype=np.float32),
            platt_b=np.asarray(raw["platt_b"], dtype=np.float32),
            thresholds=np.asarray(raw["thresholds"], dtype=np.float32),
            sentiment_temperature=float(raw["sentiment_temperature"]),
        )

    def emotion_probs(self, logits: FloatArray) -> FloatArray:
        z = np.clip(logits * self.platt_a + self.platt_b, -30.0, 30.0)
        probs: FloatArray = (1.0 / (1.0 + np.exp(-z))).astype(np.float32)
        return probs

    def sentiment_probs(self, logits: FloatArray) -> FloatArray:
        z = logits / self.sentiment_temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        probs: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return probs
