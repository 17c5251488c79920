"""A trivial stand-in for heard's scorer (STYLE habit 5): keywords decide the emotions, so
tests of ingest, review and routing are fast, deterministic and need no model files.

"angry"/"furious" -> anger; "sad" -> sadness; "thanks" -> gratitude; "hurt myself" ->
distress; "third time" -> effort; "unsure" -> low confidence. Same shape as
``heard.signals.scoring.MessageScore.to_dict()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from heard.signals import pipeline
from heard.signals.models.labels import EMOTIONS, GROUPS

KEYWORDS = {"angry": "anger", "furious": "anger", "sad": "sadness", "thanks": "gratitude"}


@dataclass
class DoubleScore:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, object]:
        return dict(self.data)


class KeywordScorer:
    profile = "test"

    def score(self, texts: Sequence[str], batch_size: int = 64) -> list[DoubleScore]:
        return [DoubleScore(self._one(t.lower())) for t in texts]

    @staticmethod
    def _one(text: str) -> dict[str, Any]:
        labels = sorted({label for word, label in KEYWORDS.items() if word in text}) or ["neutral"]
        emotions = {name: (0.9 if name in labels else 0.01) for name in EMOTIONS}
        negative = any(label in ("anger", "sadness") for label in labels)
        sentiment = "negative" if negative else "positive" if "gratitude" in labels else "neutral"
        distress = "hurt myself" in text
        effort = 0.8 if "third time" in text else 0.0
        confidence = 0.2 if "unsure" in text else 0.9
        return {
            "emotions": emotions,
            "emotion_labels": labels,
            "emotion_groups": {
                g: max(emotions[m] for m in members) for g, members in GROUPS.items()
            },
            "sentiment": {"label": sentiment, "probabilities": {sentiment: 0.9}},
            "intensity": 0.9 if "!!" in text else 0.3,
            "distress": {
                "probability": 0.95 if distress else 0.01,
                "flag": distress,
                "signals": ["self_harm"] if distress else [],
            },
            "effort": {"score": effort, "cues": ["repeat_contact"] if effort else []},
            "confidence": {
                "emotions": confidence,
                "sentiment": confidence,
                "distress": 0.9,
                "intensity": 0.5,
                "effort": 0.5,
            },
        }


@contextmanager
def keyword_scorer(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeywordScorer]:
    """Make every profile in heard's scorer registry return the double."""
    scorer = KeywordScorer()
    for profile in pipeline.PROFILES:
        monkeypatch.setitem(pipeline.SCORERS, profile, lambda: scorer)
    yield scorer
