"""Tests for heard.signals.effort."""

from __future__ import annotations

import pytest

from heard.signals.effort import CUES, EffortResult, detect_effort

CASES: list[tuple[str, str]] = [
    ("This is the third time I'm asking about my refund", "repeat_contact"),
    ("I already told you my account number", "repeat_contact"),
    ("How many times do I have to explain this?", "repeat_contact"),
    ("I've emailed 4 times about this", "repeat_contact"),
    ("I have been on hold for 2 hours", "long_wait"),
    ("still waiting for my parcel", "long_wait"),
    ("It's been 3 days and nothing", "long_wait"),
    ("waited over an hour in the queue", "long_wait"),
    ("transferred again, unbelievable", "passed_around"),
    ("you keep sending me to the billing team", "passed_around"),
    ("I'm getting the runaround from your agents", "passed_around"),
    ("I called, emailed and now I'm messaging here", "channel_switching"),
    ("Resorting to Twitter because the phone line is useless", "channel_switching"),
    ("nobody gets back to me", "unresolved"),
    ("my internet is still not working after the visit", "unresolved"),
    ("never got a reply to my complaint", "unresolved"),
]

NO_EFFORT = [
    "Thanks, that fixed it!",
    "Where is my order?",
    "I love the new app",
    "Can I change my delivery address?",
    "What time does the store open on Sunday?",
    "My order number is 12345",
]


@pytest.mark.parametrize(("text", "cue"), CASES)
def test_cue_is_found(text: str, cue: str) -> None:
    result = detect_effort(text)
    assert cue in result.cues
    assert result.score > 0.25


@pytest.mark.parametrize("text", NO_EFFORT)
def test_plain_messages_have_no_effort(text: str) -> None:
    result = detect_effort(text)
    assert result.cues == []
    assert result.score == 0.0


def test_more_cues_and_amounts_score_higher() -> None:
    mild = detect_effort("still waiting")
    heavy = detect_effort(
        "Fifth call this week, on hold for 3 hours, transferred again and still not fixed"
    )
    assert heavy.score > mild.score
    assert {"repeat_contact", "long_wait", "passed_around", "unresolved"} <= set(heavy.cues)
    assert heavy.confidence >= mild.confidence


def test_first_contact_is_trusted_less() -> None:
    result = detect_effort("First time calling, I waited 5 minutes, no problem")
    assert result.score < 0.5
    assert result.confidence <= 0.5


def test_result_shape() -> None:
    result = detect_effort("transferred three times")
    assert isinstance(result, EffortResult)
    assert 0.0 <= result.score <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert set(result.cues) <= set(CUES)
    assert list(result.cues) == [c for c in CUES if c in result.cues]
    with pytest.raises(AttributeError):
        result.score = 1.0  # type: ignore[misc]
