"""Label sets shared by heard's emotion models: GoEmotions labels, dashboard groups, sentiment."""

from __future__ import annotations

from typing import Final

# Order matters: it is the output order of the shipped models (GoEmotions labels.txt).
EMOTIONS: Final[tuple[str, ...]] = (
    "admiration",
    "amusement",
    "anger",
    "annoyance",
    "approval",
    "caring",
    "confusion",
    "curiosity",
    "desire",
    "disappointment",
    "disapproval",
    "disgust",
    "embarrassment",
    "excitement",
    "fear",
    "gratitude",
    "grief",
    "joy",
    "love",
    "nervousness",
    "optimism",
    "pride",
    "realization",
    "relief",
    "remorse",
    "sadness",
    "surprise",
    "neutral",
)

SENTIMENTS: Final[tuple[str, ...]] = ("negative", "neutral", "positive")

# Dashboard groups. A group's probability is the max of its members: members are strongly
# correlated (annoyance and anger fire together), so noisy-OR would overstate the group.
# curiosity, desire, realization and surprise are deliberately in no group: in support
# traffic they mostly mark questions and requests, not a feeling a dashboard should track.
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "anger_frustration": ("anger", "annoyance", "disapproval", "disgust"),
    "sadness_disappointment": ("sadness", "disappointment", "grief", "remorse", "embarrassment"),
    "fear_anxiety": ("fear", "nervousness"),
    "confusion": ("confusion",),
    "gratitude_joy": (
        "gratitude",
        "joy",
        "admiration",
        "amusement",
        "approval",
        "caring",
        "excitement",
        "love",
        "optimism",
        "pride",
        "relief",
    ),
    "neutral": ("neutral",),
}

# How activating each emotion is, 0..1, for the intensity heuristic. Hand-set by heard's
# authors from the arousal ordering common in affect research (anger/fear high, approval and
# realization low); it is a prior, not a fitted value.
AROUSAL: Final[dict[str, float]] = {
    "admiration": 0.5,
    "amusement": 0.55,
    "anger": 0.95,
    "annoyance": 0.65,
    "approval": 0.3,
    "caring": 0.4,
    "confusion": 0.45,
    "curiosity": 0.35,
    "desire": 0.6,
    "disappointment": 0.55,
    "disapproval": 0.5,
    "disgust": 0.8,
    "embarrassment": 0.6,
    "excitement": 0.9,
    "fear": 0.9,
    "gratitude": 0.55,
    "grief": 0.85,
    "joy": 0.7,
    "love": 0.7,
    "nervousness": 0.75,
    "optimism": 0.45,
    "pride": 0.6,
    "realization": 0.3,
    "relief": 0.45,
    "remorse": 0.6,
    "sadness": 0.65,
    "surprise": 0.7,
    "neutral": 0.0,
}
