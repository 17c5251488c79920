"""Tests for heard.signals.distress: must-flag / must-not-flag lists and eval recall."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from heard.signals import distress
from heard.signals.distress import SIGNALS, DistressResult, detect_distress, detect_one

DATA = Path(__file__).resolve().parents[2] / "data" / "distress"

MUST_FLAG: list[tuple[str, str]] = [
    ("I don't want to be alive anymore", "suicidal_ideation"),
    ("I'm going to hurt myself", "self_harm"),
    ("there's no point going on", "hopelessness"),
    ("he hits me", "abuse_or_violence"),
    ("I took all my pills", "self_harm"),
    ("I'm going to kill the manager at your store", "threat_to_others"),
    ("My dad collapsed and isn't breathing", "medical_emergency"),
]

MUST_NOT_FLAG = [
    "I could kill for a coffee",
    "this update is killing me",
    "dying to try it",
    "My phone died again after the update",
    "I'm dead tired of asking the same question",
    "I almost had a heart attack when I saw the bill",
    "Shoot me a DM with the tracking number",
    "I'm not suicidal, just furious with your billing team",
    "My grandmother passed away, how do I close her account?",
    "I'm so sad the store is closing",
]


def _rows(name: str) -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _recall_precision(name: str) -> tuple[float, float]:
    rows = _rows(name)
    results = detect_distress([str(r["text"]) for r in rows])
    tp = sum(1 for r, res in zip(rows, results, strict=True) if res.flag and r["label"] == 1)
    fp = sum(1 for r, res in zip(rows, results, strict=True) if res.flag and r["label"] == 0)
    positives = sum(1 for r in rows if r["label"] == 1)
    return tp / positives, tp / max(tp + fp, 1)


@pytest.mark.parametrize(("text", "signal"), MUST_FLAG)
def test_crisis_language_is_flagged(text: str, signal: str) -> None:
    result = detect_one(text)
    assert result.flag
    assert signal in result.signals
    assert result.probability >= 0.5


@pytest.mark.parametrize("text", MUST_NOT_FLAG)
def test_idioms_and_ordinary_sadness_are_not_flagged(text: str) -> None:
    assert not detect_one(text).flag


def test_emotions_amplify_a_weak_cue_but_never_create_one() -> None:
    weak = "I can't do this anymore"
    assert not detect_one(weak).flag
    assert detect_one(weak, {"sadness": 0.9}).flag
    assert not detect_one("Where is my parcel?", {"fear": 1.0, "sadness": 1.0}).flag


def test_batch_matches_single_and_checks_lengths() -> None:
    texts = ["he hits me", "where is my order"]
    assert detect_distress(texts) == [detect_one(t) for t in texts]
    with pytest.raises(ValueError):
        detect_distress(texts, [{"fear": 0.1}])


def test_result_shape() -> None:
    result = detect_one("I want to end my life")
    assert isinstance(result, DistressResult)
    assert 0.0 <= result.probability <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert set(result.signals) <= set(SIGNALS)


def test_net_fast_scoring_equals_its_feature_definition() -> None:
    # The shipped scorer remembers weighted features per word; it must sum exactly what
    # training/train_distress.py fitted on (net_features of the masked text).
    net = distress.load_net()
    assert net is not None
    assert 100 < len(net.weights) < 5000  # L1 keeps the artifact small
    for row in _rows("distress_dev.jsonl"):
        text = distress.masked_text(str(row["text"]))
        z = net.bias + sum(net.weights.get(f, 0.0) for f in distress.net_features(text))
        expected = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
        assert net.probability(text) == pytest.approx(expected, abs=1e-12), row["text"]


def test_net_only_reads_messages_with_a_crisis_literal() -> None:
    # By design the net never flags text the pre-filter rejects ("I'm starving, where's my
    # order?" scores high on its own), so ordinary complaints stay with the rules.
    net = distress.load_net()
    assert net is not None
    texts = [str(r["text"]) for r in _rows("distress_dev.jsonl")]
    rejected = [t for t in texts if not distress._PREFILTER.may_match(distress._normalise(t))]
    assert len(rejected) > 100
    assert any(net.probability(distress.masked_text(t)) >= net.threshold for t in rejected)
    assert not any(detect_one(t).flag or distress.detect_one_unfiltered(t).flag for t in rejected)


def test_rules_work_alone_without_the_net(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distress, "load_net", lambda: None)
    for text, signal in MUST_FLAG:
        assert signal in detect_one(text).signals
    for text in MUST_NOT_FLAG:
        assert not detect_one(text).flag


def test_net_adds_recall_but_sadness_alone_still_does_not_flag() -> None:
    assert not distress.rules_flag("i want 2 die")
    assert detect_one("i want 2 die").flag
    assert not detect_one("I'm so sad and lonely tonight", {"sadness": 1.0}).flag


def test_eval_file_is_large_enough_and_disjoint_from_dev() -> None:
    eval_rows = _rows("distress_eval.jsonl")
    dev_texts = {r["text"] for r in _rows("distress_dev.jsonl")}
    assert sum(1 for r in eval_rows if r["label"] == 1) >= 150
    assert sum(1 for r in eval_rows if r["label"] == 0) >= 400
    assert not dev_texts & {r["text"] for r in eval_rows}


def test_eval_recall_regression_floor() -> None:
    # Measured on the held-out eval set (v4, its single scoring run): recall 0.427, precision
    # 0.811 (the detector before this round scored 0.287 / 0.817 on it). This floor catches
    # regressions; the product target is the xfail test below.
    recall, precision = _recall_precision("distress_eval.jsonl")
    assert recall >= 0.41
    assert precision >= 0.78


@pytest.mark.xfail(
    strict=True,
    reason="Target not met: held-out recall (eval v4) is 0.427 (see docs/models/distress.md). "
    "strict=True makes this fail loudly once the target is reached, so the marker is removed.",
)
def test_eval_recall_meets_target() -> None:
    recall, _ = _recall_precision("distress_eval.jsonl")
    assert recall >= 0.95
