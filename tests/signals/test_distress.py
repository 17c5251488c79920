"""Tests for heard.signals.distress and the distress head: must-flag / must-not-flag lists,
how the learned head joins the rules, and recall on the held-out eval set."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from heard.signals import distress
from heard.signals.distress import (
    LEARNED,
    SIGNALS,
    DistressResult,
    detect_distress,
    detect_one,
    why_flagged,
)
from heard.signals.models.distress_head import load_head
from heard.signals.scoring import score_messages

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


def _held_out(text: str) -> bool:
    """training/train_distress.py's split: these authored rows were never fitted."""
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 5 == 0


def _rows(name: str) -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _recall_precision(name: str, profile: str | None = None) -> tuple[float, float]:
    """Recall and precision of the rules alone (``profile`` None) or of heard's scoring path."""
    rows = _rows(name)
    texts = [str(r["text"]) for r in rows]
    if profile is None:
        flags = [res.flag for res in detect_distress(texts)]
    else:
        flags = [bool(m.score.distress["flag"]) for m in score_messages(texts, profile=profile)]
    tp = sum(1 for r, flag in zip(rows, flags, strict=True) if flag and r["label"] == 1)
    fp = sum(1 for r, flag in zip(rows, flags, strict=True) if flag and r["label"] == 0)
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
    coded = "ctb tonight. thanks for nothing"  # "ctb": "catch the bus", coded for suicide
    assert not distress.rules_flag(coded)
    assert detect_one(coded).flag
    assert not detect_one("I'm so sad and lonely tonight", {"sadness": 1.0}).flag


def test_eval_file_is_large_enough_and_disjoint_from_dev() -> None:
    eval_rows = _rows("distress_eval.jsonl")
    dev_texts = {r["text"] for r in _rows("distress_dev.jsonl")}
    assert sum(1 for r in eval_rows if r["label"] == 1) >= 150
    assert sum(1 for r in eval_rows if r["label"] == 0) >= 400
    assert not dev_texts & {r["text"] for r in eval_rows}


def test_the_head_flags_what_no_rule_names_and_never_lowers_a_rule_reading() -> None:
    coded = "thinking about taking a long nap, the forever kind"
    assert not detect_one(coded).flag
    result = detect_distress([coded], learned=[0.8])[0]
    assert result.flag
    assert result.signals == [LEARNED]
    assert not detect_distress([coded], learned=[0.49])[0].flag
    rule = detect_one("he hits me")
    assert detect_distress(["he hits me"], learned=[0.0]) == [rule]
    with pytest.raises(ValueError):
        detect_distress([coded], learned=[0.8, 0.1])


@pytest.mark.parametrize("model_name", ["minilm-int8", "static-mlp"])
def test_head_scores_put_its_threshold_at_one_half(model_name: str) -> None:
    head = load_head(model_name)
    assert head is not None
    rng = np.random.default_rng(0)
    features = rng.normal(size=(500, head.w1.shape[0])).astype(np.float32)
    p, scores = head.probabilities(features), head.scores(features)
    assert np.all((scores >= 0.5) == (p >= head.threshold))
    order = np.argsort(p)
    assert np.all(np.diff(scores[order]) >= 0)  # rescaling keeps the ranking
    assert scores.min() >= 0.0 and scores.max() <= 1.0


def test_scoring_path_uses_the_head() -> None:
    # Crisis wording with no literal the lexicon knows: only the head can find it.
    text = "cancel everything. I won't be needing any of it after this weekend"
    assert not detect_one(text).flag
    for profile in ("default", "fast"):
        coded, ordinary = score_messages([text, "where is my parcel? due monday"], profile=profile)
        assert coded.score.distress["flag"] is True
        assert coded.score.distress["signals"] == [LEARNED]
        assert ordinary.score.distress["flag"] is False


# Eval v6 (docs/models/distress.md), written blind. Second scoring, detector of commit
# cd1dc2d (the first, 9c9958a, had MiniLM fine-tuned on distress; withdrawn because it broke
# the emotion readings of crisis messages): default recall 0.983, precision 0.743; fast
# 0.943 / 0.784; rules alone 0.617 / 0.898. These floors sit just under those figures.
def test_eval_recall_regression_floors() -> None:
    for profile, min_recall, min_precision in (("default", 0.98, 0.73), ("fast", 0.93, 0.77)):
        recall, precision = _recall_precision("distress_eval.jsonl", profile)
        assert recall >= min_recall, profile
        assert precision >= min_precision, profile
    recall, precision = _recall_precision("distress_eval.jsonl")
    assert recall >= 0.60
    assert precision >= 0.88


def test_eval_recall_meets_the_target_in_the_default_profile() -> None:
    recall, _ = _recall_precision("distress_eval.jsonl", "default")
    assert recall >= 0.95


def test_strong_customer_emotion_is_mostly_not_a_crisis() -> None:
    # Angry, worried or despairing customers with no risk, never fitted: the held-out train6
    # sentences (16 of 76 flagged in the default profile at commit cd1dc2d; the first head
    # flagged 27) and eval v6's first 160 hard negatives (54 flagged). Ceilings against the
    # detector drifting further towards "upset means crisis", its weakest point.
    lines = (DATA / "authored" / "train6_hardneg.txt").read_text(encoding="utf-8").splitlines()
    held_out = [t for t in lines if t.strip() and _held_out(t)]
    upset = (DATA / "authored" / "eval6_hardneg.txt").read_text(encoding="utf-8").splitlines()
    for texts, ceiling in ((held_out, 0.25), (upset[:160], 0.35)):
        assert len(texts) > 50
        flagged = sum(bool(m.score.distress["flag"]) for m in score_messages(texts))
        assert flagged <= ceiling * len(texts)


def test_why_flagged_names_the_kinds_or_says_only_a_model_saw_it() -> None:
    assert why_flagged(True, ["self_harm", "medical_emergency"]) == "self-harm, medical emergency"
    assert why_flagged(True, ["learned"]) == why_flagged(True, []) != ""
    assert "model" in why_flagged(True, ["learned"])
    assert why_flagged(False, ["self_harm"]) == ""
