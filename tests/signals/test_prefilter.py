"""The pre-filters in front of the distress and effort patterns never change a reading.

``heard.signals.prefilter`` derives, from each compiled pattern, literals that every match
must contain, and the detectors skip their patterns when none of those literals occurs.
Recall must be provably unchanged, so these tests check three things:

* for every single pattern, strings Hypothesis generates *from that pattern* (so they match
  it) are let through by the pattern's own literals and by the detector's combined filter;
* on the distress datasets, the real customer-care turns and GoEmotions, the pre-filtered
  detectors give exactly the readings the unfiltered ones give (probability, flag, signals,
  confidence), and the grouped lexicon equals the rule-by-rule lexicon;
* the same holds for texts Hypothesis builds from the patterns' own vocabulary.

It also checks the static model's cached word-by-word tokenisation against the tokenizer.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heard.signals import distress, effort
from heard.signals.prefilter import BOUNDARY, Prefilter, required_literals

ROOT = Path(__file__).resolve().parents[2]
DISTRESS_BANK = [
    *(pattern for _signal, _weight, pattern in distress._LEXICON),
    *(pattern for _name, _value, signal, pattern in distress._FAMILIES if signal),
    distress._IDIOMS,
    distress._DENIALS,
]
EFFORT_BANK = [*(p for group in effort._PATTERNS.values() for p in group), effort._NEGATION]


@cache
def corpus() -> list[str]:
    """Every labelled distress text, the real customer-care turns and GoEmotions dev."""
    texts: list[str] = []
    for name in ("distress_dev.jsonl", "distress_eval.jsonl"):
        lines = (ROOT / "data" / "distress" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines]
    for path in sorted((ROOT / "data" / "distress" / "authored").glob("*.txt")):
        texts += [t for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    for split in ("dev", "test"):
        raw = (ROOT / "data" / "customer-care-twitter" / f"{split}.json").read_text()
        texts += [turn["message"] for conv in json.loads(raw) for turn in conv["dialogContent"]]
    with open(ROOT / "data" / "goemotions" / "dev.tsv", encoding="utf-8") as fh:
        texts += [row[0] for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return texts


def _vocabulary(bank: list[re.Pattern[str]]) -> list[str]:
    words = set()
    for pattern in bank:
        for literal in required_literals(pattern):
            words.update(literal.replace(BOUNDARY, " ").split())
    return sorted(words)


# --- the literal analysis itself ------------------------------------------------------


def test_literals_keep_word_boundaries_and_reject_unanchored_patterns() -> None:
    assert required_literals(re.compile(r"\bhit\b")) == {f"{BOUNDARY}hit{BOUNDARY}"}
    assert required_literals(re.compile(r"\b(?:kill|hurt) (?:me|him)\b")) == {
        f"{BOUNDARY}{verb} {who}{BOUNDARY}" for verb in ("kill", "hurt") for who in ("me", "him")
    }
    assert required_literals(re.compile(r"punch\w*")) == {"punch"}
    with pytest.raises(ValueError, match="no literal"):
        required_literals(re.compile(r"\w+\d"))
    with pytest.raises(ValueError, match="IGNORECASE"):
        required_literals(re.compile("abc", re.IGNORECASE))


def test_combined_filter_rejects_ordinary_complaints() -> None:
    filt = Prefilter([re.compile(r"\bkill(?:ing)? my ?self\b"), re.compile(r"\boverdos\w*")])
    assert filt.may_match("i want to kill myself")
    assert filt.may_match("she took an overdose")
    assert not filt.may_match("my parcel is three days late and nobody answers")
    assert not filt.may_match("skill myself up")  # the boundary before "kill" is kept


LEXICON_AND_MASKS = {p.pattern for _s, _w, p in distress._LEXICON} | {
    distress._IDIOMS.pattern,
    distress._DENIALS.pattern,
}
BANKS = [
    *((f"distress-{i}", p, distress._PREFILTER) for i, p in enumerate(DISTRESS_BANK)),
    *(
        (f"distress-lexicon-{i}", p, distress._LEXICON_PREFILTER)
        for i, p in enumerate(DISTRESS_BANK)
        if p.pattern in LEXICON_AND_MASKS
    ),
    *((f"effort-{i}", p, effort._PREFILTER) for i, p in enumerate(EFFORT_BANK)),
]


@pytest.mark.parametrize(
    ("pattern", "combined"), [(p, f) for _, p, f in BANKS], ids=[name for name, _, _ in BANKS]
)
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_every_pattern_is_admitted_by_its_literals(
    pattern: re.Pattern[str], combined: Prefilter, data: st.DataObject
) -> None:
    """Hypothesis writes strings that match each pattern; the filters must let them all in."""
    text = data.draw(st.from_regex(pattern))
    if pattern.search(text):
        assert Prefilter([pattern]).may_match(text), text
        assert combined.may_match(text), text


# --- distress: pre-filtered readings equal full readings ----------------------------------


def _reference_lexicon(norm: str) -> dict[str, float]:
    """The lexicon tier rule by rule, as it was before rules were grouped."""
    found: dict[str, float] = {}
    for signal, weight, pattern in distress._LEXICON:
        if weight > found.get(signal, 0.0) and pattern.search(norm):
            found[signal] = weight
    return found


def test_distress_prefilter_changes_no_reading_on_the_datasets() -> None:
    texts = corpus()
    assert len(texts) > 9_000
    flagged = 0
    for text in texts:
        full = distress.detect_one_unfiltered(text)
        assert distress.detect_one(text) == full, text
        flagged += full.flag
    assert flagged > 500  # the datasets do exercise the flagging path


def test_grouped_lexicon_equals_rule_by_rule_lexicon() -> None:
    for text in corpus():
        norm = distress._normalise(text)
        masked, _ = distress._mask(norm, distress._IDIOMS)
        masked, _ = distress._mask(masked, distress._DENIALS)
        grouped: dict[str, float] = {}
        for signal, weight, pattern in distress._LEXICON_GROUPS:
            if weight > grouped.get(signal, 0.0) and pattern.search(masked):
                grouped[signal] = weight
        assert grouped == _reference_lexicon(masked), text


DISTRESS_WORDS = _vocabulary(DISTRESS_BANK)
FILLER = ["the", "refund", "order", "again", "lol", "please", "!", ",", ".", "tonight", "I"]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(DISTRESS_WORDS + FILLER), min_size=1, max_size=14),
    st.sampled_from([" ", "  ", ", ", "\n"]),
    st.booleans(),
)
def test_distress_prefilter_on_texts_built_from_the_pattern_vocabulary(
    words: list[str], joiner: str, shout: bool
) -> None:
    text = joiner.join(words)
    text = text.upper() if shout else text
    assert distress.detect_one(text) == distress.detect_one_unfiltered(text)


# --- effort -------------------------------------------------------------------------------


def test_effort_prefilter_changes_no_reading_on_the_datasets() -> None:
    with_cues = 0
    for text in corpus():
        full = effort._read(effort._normalise(text))
        assert effort.detect_effort(text) == full, text
        with_cues += bool(full.cues)
    assert with_cues > 100


EFFORT_WORDS = _vocabulary(EFFORT_BANK)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(EFFORT_WORDS + FILLER + ["3", "5", "hours"]), max_size=14))
def test_effort_prefilter_on_texts_built_from_the_pattern_vocabulary(words: list[str]) -> None:
    text = " ".join(words)
    assert effort.detect_effort(text) == effort._read(effort._normalise(text))


# --- the fast model's cached tokenisation ---------------------------------------------------


def test_word_by_word_token_ids_equal_the_tokenizer() -> None:
    pytest.importorskip("tokenizers")
    from heard.signals.models.emotions import ARTIFACTS, StaticEmotionModel

    if not (ARTIFACTS / "emotions-static.npz").exists():
        pytest.skip("fast model not trained")
    model = StaticEmotionModel()
    tricky = ["", "   ", "a\x0bb c", "naïve CAFÉ", "日本語のテキスト", "x" * 300, "zero\u200bwidth",
              "tab\tand\nnewline", "emoji😀glued", "a\u2028b\xa0c\u3000d", "word " * 400]
    texts = corpus()[:6000] + tricky
    encoded = model._tok.encode_batch(texts, add_special_tokens=False)
    expected = [
        [i for i in e.ids if i != model._unk][:256] or [max(model._unk, 0)] for e in encoded
    ]
    got = model.token_ids(texts[:3000]) + model.token_ids(texts[3000:])  # second call: cached
    assert got == expected
