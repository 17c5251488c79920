"""heard's offline text models for customer messages (emotions, sentiment); numpy + ONNX only."""

from heard.signals.models.emotions import (
    EmotionModel,
    EmotionOutput,
    OnnxEmotionModel,
    StaticEmotionModel,
)
from heard.signals.models.labels import AROUSAL, EMOTIONS, GROUPS, SENTIMENTS

__all__ = [
    "AROUSAL",
    "EMOTIONS",
    "GROUPS",
    "SENTIMENTS",
    "EmotionModel",
    "EmotionOutput",
    "OnnxEmotionModel",
    "StaticEmotionModel",
]
