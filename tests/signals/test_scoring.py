"""The one scoring function: shipped models load offline and give sane, well-formed scores."""

from __future__ import annotations

import pytest

from heard.signals.models.labels import EMOTIONS, GROUPS, SENTIMENTS
from heard.signals.scoring import MessageScore, load_scorer, score_messages

THANKS = "Thank you so much, this is wonderful!"
ANGRY = "This is ridiculous, I am so angry. Your service is the worst and nobody helps me!"
HEADS = {"emotions", "sentiment", "intensity", "distress", "effort"}


@pytest.fixture(scope="module", params=["default", "fast"])
def scores(request: pytest.FixtureRequest) -> dict[str, MessageScore]:
    texts = [THANKS, ANGRY, "", "ok"]
    return dict(zip(texts, load_scorer(request.param).score(texts), strict=True))


def test_every_score_has_all_heads_and_probabilities_in_range(
    scores: dict[str, MessageScore],
) -> None:
    for score in scores.values():
        assert list(score.emotions) == list(EMOTIONS)
        assert set(score.emotion_groups) == set(GROUPS)
        assert set(score.confidence) == HEADS
        probs = score.sentiment["probabilities"]
        assert isinstance(probs, dict) and list(probs) == list(SENTIMENTS)
        assert abs(sum(probs.values()) - 1.0) < 1e-3
        values = [*score.emotions.values(), *score.emotion_groups.values(), *probs.values(),
                  score.intensity, *score.confidence.values()]
        assert all(0.0 <= v <= 1.0 for v in values)
        assert set(score.emotion_labels) <= set(EMOTIONS)


def test_thanks_is_gratitude_and_positive(scores: dict[str, MessageScore]) -> None:
    score = scores[THANKS]
    assert "gratitude" in score.emotion_labels
    assert score.sentiment["label"] == "positive"
    assert score.emotion_groups["gratitude_joy"] > score.emotion_groups["anger_frustration"]


def test_angry_message_is_anger_and_negative(scores: dict[str, MessageScore]) -> None:
    score = scores[ANGRY]
    assert {"anger", "annoyance"} & set(score.emotion_labels)
    assert score.sentiment["label"] == "negative"
    groups = score.emotion_groups
    assert max(groups, key=lambda g: groups[g]) == "anger_frustration"
    # a shouted complaint is more intense than a polite "ok"
    assert score.intensity > scores["ok"].intensity


def test_to_dict_is_json_ready() -> None:
    import json

    (scored,) = score_messages(["Mail me at jane.doe@example.com, I'm furious!"], profile="fast")
    data = scored.to_dict()
    assert "jane.doe@example.com" not in json.dumps(data)
    assert data["redactions"] == ["EMAIL"]
    assert set(data) >= {"emotions", "sentiment", "intensity", "distress", "effort", "confidence"}


def test_crisis_language_reaches_the_distress_head() -> None:
    (score,) = load_scorer("fast").score(["I want to kill myself, I can't go on"])
    assert score.distress["flag"] is True


def test_scorer_is_cached_and_rejects_unknown_profiles() -> None:
    assert load_scorer("fast") is load_scorer("fast")
    with pytest.raises(ValueError):
        load_scorer("gpu")


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_scoring_from_several_threads_gives_the_same_answers(profile: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    scorer = load_scorer(profile)
    texts = [THANKS, ANGRY, "Where is my refund? Third time asking.", "ok"] * 8
    expected = [s.to_dict() for s in scorer.score(texts)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: [s.to_dict() for s in scorer.score(texts)], range(4)))
    assert all(r == expected for r in results)


OBVIOUS = [
    ("I am furious", "anger_frustration", "negative"),
    ("I am so angry with you", "anger_frustration", "negative"),
    ("This is disgusting service", "anger_frustration", "negative"),
    ("I'm really sad about this", "sadness_disappointment", "negative"),
    ("I'm very disappointed", "sadness_disappointment", "negative"),
    ("I'm scared my account was hacked", "fear_anxiety", "negative"),
    ("I am confused, what does this mean?", "confusion", "neutral"),
    ("I love this app", "gratitude_joy", "positive"),
    ("This makes me so happy", "gratitude_joy", "positive"),
]


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_obvious_feelings_land_in_their_dashboard_group(profile: str) -> None:
    """Both profiles read plain emotional sentences the way a person would (the dashboard
    group is what the inbox filters on; "I am furious" was once reported as neutral)."""
    from heard.signals.pipeline import top_group

    texts = [text for text, _group, _sentiment in OBVIOUS]
    for (text, group, sentiment), score in zip(
        OBVIOUS, load_scorer(profile).score(texts), strict=True
    ):
        assert top_group(score.to_dict()) == group, text
        assert score.sentiment["label"] == sentiment, text
