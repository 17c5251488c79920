"""THE scoring function for customer messages: one path for the CLI, the API and ingest.

``load_scorer(profile)`` gives a cached :class:`Scorer`; ``Scorer.score`` turns already-redacted
texts into :class:`MessageScore` objects (emotions, dashboard groups, sentiment, intensity,
distress, effort, and a confidence per head). ``score_messages`` redacts first, then scores.

Profiles:
* ``"default"``: all-MiniLM-L6-v2 fine-tuned on GoEmotions, int8 ONNX (best quality).
* ``"fast"``: static token embeddings + MLP on numpy alone (much faster, lower quality).
See docs/models/emotions.md for how each was trained and measured.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from heard.redaction import Redacted, redact
from heard.signals.distress import detect_distress
from heard.signals.effort import detect_effort
from heard.signals.models.calibration import FloatArray
from heard.signals.models.distress_head import load_head
from heard.signals.models.emotions import (
    EmotionModel,
    EmotionOutput,
    OnnxEmotionModel,
    StaticEmotionModel,
)
from heard.signals.models.labels import AROUSAL, EMOTIONS, GROUPS, SENTIMENTS

__all__ = [
    "PROFILES",
    "MessageScore",
    "ScoredMessage",
    "Scorer",
    "load_scorer",
    "score_messages",
]

PROFILES = ("default", "fast")
_NEUTRAL = EMOTIONS.index("neutral")
_AROUSAL = np.array([AROUSAL[name] for name in EMOTIONS], dtype=np.float32)
_GROUP_INDEX = {g: [EMOTIONS.index(m) for m in members] for g, members in GROUPS.items()}
# Intensity is not a trained head (no public intensity labels for this domain), so the emotion
# part carries most of it and surface cues only nudge it; we discount its confidence for that.
_INTENSITY_CONFIDENCE_DISCOUNT = 0.7
_INTENSIFIER_WORDS = (
    r"\b(so|very|really|extremely|absolutely|totally|completely|seriously|ridiculous|"
    r"worst|never|always|unacceptable|furious|disgusting|amazing|awesome)\b"
)
_INTENSIFIERS = re.compile(_INTENSIFIER_WORDS, re.IGNORECASE)
_INTENSIFIERS_LOWER = re.compile(_INTENSIFIER_WORDS)
_WORD = re.compile(r"[^\W\d_]{3,}")  # words of 3+ letters; "I" and "OK" are not shouting
_ELONGATED = re.compile(r"(\w)\1{2,}|[!?]{2,}")


@dataclass(frozen=True)
class MessageScore:
    emotions: dict[str, float]  # all 28 labels -> probability
    emotion_labels: list[str]  # labels over their threshold
    emotion_groups: dict[str, float]  # the 6 dashboard groups
    sentiment: dict[str, object]  # {"label": ..., "probabilities": {...}}
    intensity: float  # 0..1
    distress: dict[str, object]  # {"probability": float, "flag": bool, "signals": [...]}
    effort: dict[str, object]  # {"score": float, "cues": [...]}
    confidence: dict[str, float]  # per head: emotions, sentiment, intensity, distress, effort

    def to_dict(self) -> dict[str, object]:
        # The nested dicts and lists are this score's own (not copies: copying them was a
        # measurable share of the fast profile); a score is built fresh for each call.
        return {
            "emotions": self.emotions,
            "emotion_labels": self.emotion_labels,
            "emotion_groups": self.emotion_groups,
            "sentiment": self.sentiment,
            "intensity": self.intensity,
            "distress": self.distress,
            "effort": self.effort,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class ScoredMessage:
    """A message after redaction and scoring: what ingest stores and the API returns."""

    redacted: Redacted
    score: MessageScore

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.redacted.text,
            "redactions": [s.kind for s in self.redacted.spans],
            **self.score.to_dict(),
        }


class Scorer:
    """Scores already-redacted customer messages. Load once (``load_scorer``) and reuse.

    Inference is thread-safe: the model objects are read-only after loading and
    onnxruntime sessions may be run from several threads.
    """

    def __init__(self, model: EmotionModel, profile: str) -> None:
        self.model = model
        self.profile = profile
        self._thresholds = model.calibration.thresholds
        self._distress_head = load_head(model.name)

    def score(self, texts: Sequence[str], batch_size: int = 64) -> list[MessageScore]:
        texts = list(texts)
        if not texts:
            return []
        out = self.model.predict(texts, batch_size=batch_size)
        heads = _Heads.compute(out, self._thresholds, texts)
        emotion_dicts = [dict(zip(EMOTIONS, row, strict=True)) for row in heads.emotions]
        distress = detect_distress(texts, emotion_dicts, self._learned(out.features))
        return [
            _message_score(i, emotion_dicts[i], heads, distress[i], detect_effort(text))
            for i, text in enumerate(texts)
        ]

    def _learned(self, features: FloatArray) -> list[float] | None:
        """The distress head's scores, from the sentence vectors the emotion model made."""
        head = self._distress_head
        return None if head is None else head.scores(features).tolist()


def _rounded(values: FloatArray) -> list[list[float]]:
    # Rounded in float64: float32 values rounded to 4 places print as 0.006899999920278788.
    rows: list[list[float]] = np.round(values.astype(np.float64), 4).tolist()
    return rows


@dataclass(frozen=True)
class _Heads:
    """Per-batch results derived from the model output, vectorised once per batch and turned
    into plain Python lists (indexing numpy arrays message by message is slow)."""

    emotions: list[list[float]]
    labels: list[list[str]]
    groups: dict[str, list[float]]
    sentiment: list[list[float]]
    sentiment_label: list[str]
    emotion_conf: list[float]
    intensity: list[float]

    @classmethod
    def compute(cls, out: EmotionOutput, thresholds: FloatArray, texts: list[str]) -> _Heads:
        p = out.emotions
        over = (p >= thresholds).tolist()
        emotions = np.round(p.astype(np.float64), 4)
        return cls(
            emotions=emotions.tolist(),
            labels=[[name for name, on in zip(EMOTIONS, row, strict=True) if on] for row in over],
            groups={g: emotions[:, idx].max(axis=1).tolist() for g, idx in _GROUP_INDEX.items()},
            sentiment=_rounded(out.sentiment),
            sentiment_label=[SENTIMENTS[k] for k in out.sentiment.argmax(axis=1).tolist()],
            emotion_conf=_emotion_confidence(p, thresholds).tolist(),
            intensity=_intensity(p, texts).tolist(),
        )


def _message_score(
    i: int, emotions: dict[str, float], heads: _Heads, distress: Any, effort: Any
) -> MessageScore:
    sentiment = heads.sentiment[i]
    emotion_conf = heads.emotion_conf[i]
    return MessageScore(
        emotions=emotions,
        emotion_labels=heads.labels[i],
        emotion_groups={g: v[i] for g, v in heads.groups.items()},
        sentiment={
            "label": heads.sentiment_label[i],
            "probabilities": dict(zip(SENTIMENTS, sentiment, strict=True)),
        },
        intensity=round(heads.intensity[i], 4),
        distress={
            "probability": float(distress.probability),
            "flag": bool(distress.flag),
            "signals": list(distress.signals),
        },
        effort={"score": float(effort.score), "cues": list(effort.cues)},
        confidence={
            "emotions": round(emotion_conf, 4),
            # max class probability of a temperature-calibrated softmax ~ expected accuracy
            "sentiment": max(sentiment),
            "intensity": round(emotion_conf * _INTENSITY_CONFIDENCE_DISCOUNT, 4),
            "distress": float(distress.confidence),
            "effort": float(effort.confidence),
        },
    )


def _emotion_confidence(p: FloatArray, thresholds: FloatArray) -> FloatArray:
    """Chance that each label decision in play is right, averaged; 0..1.

    With calibrated probabilities a label we report is right with probability p and a label
    we leave out with 1 - p. Only labels in play count (reported, or p >= 0.15), so the
    two dozen clearly absent labels cannot hide one coin-flip decision.
    """
    on = p >= thresholds
    right = np.where(on, p, 1.0 - p)
    in_play = on | (p >= 0.15)
    n = in_play.sum(axis=1)
    mean_in_play = (right * in_play).sum(axis=1) / np.maximum(n, 1)
    conf: FloatArray = np.where(n > 0, mean_in_play, right.mean(axis=1)).astype(np.float32)
    return conf


def _intensity(p: FloatArray, texts: list[str]) -> FloatArray:
    """0..1: strongest arousal-weighted emotion, nudged up by shouting cues (caps, '!!!')."""
    emotional = (p[:, :_NEUTRAL] * _AROUSAL[:_NEUTRAL]).max(axis=1)
    cues = np.fromiter((_surface_cues(t) for t in texts), dtype=np.float32, count=len(texts))
    # Cues in a message the model reads as neutral ("ORDER #123 STATUS?") count half.
    nudged = emotional + (1.0 - emotional) * cues * (1.0 - 0.5 * p[:, _NEUTRAL])
    intensity: FloatArray = np.clip(nudged, 0.0, 1.0).astype(np.float32)
    return intensity


def _surface_cues(text: str) -> float:
    words = _WORD.findall(text)
    caps = sum(map(str.isupper, words)) / len(words) if words else 0.0
    score = 0.2 * min(caps / 0.5, 1.0)
    score += 0.05 * min(text.count("!"), 3)
    score += 0.05 * min(len(_ELONGATED.findall(text)), 2)
    # Case-insensitive matching is slow; for ASCII text lower-casing first is the same thing.
    intensifiers = (
        _INTENSIFIERS_LOWER.findall(text.lower())
        if text.isascii()
        else _INTENSIFIERS.findall(text)
    )
    score += 0.05 * min(len(intensifiers), 2)
    return min(score, 0.4)


_lock = threading.Lock()
_scorers: dict[str, Scorer] = {}


def load_scorer(profile: str = "default") -> Scorer:
    """The shared Scorer for a profile, loaded on first use (models take ~1 s to load)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown scoring profile {profile!r}; choose one of {PROFILES}")
    with _lock:
        if profile not in _scorers:
            model: EmotionModel
            model = OnnxEmotionModel() if profile == "default" else StaticEmotionModel()
            _scorers[profile] = Scorer(model, profile)
        return _scorers[profile]


def score_messages(
    texts: Sequence[str], profile: str = "default", batch_size: int = 64
) -> list[ScoredMessage]:
    """Redact personal data, then score: the one entry point for raw customer text."""
    redacted = [redact(t) for t in texts]
    scores = load_scorer(profile).score([r.text for r in redacted], batch_size=batch_size)
    return [ScoredMessage(r, s) for r, s in zip(redacted, scores, strict=True)]
