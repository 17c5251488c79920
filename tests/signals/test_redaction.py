"""Tests for heard.redaction: table-driven cases per kind plus the real Twitter data."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from heard.redaction import Redacted, RedactedSpan, redact, redact_many

DATA = Path(__file__).resolve().parents[2] / "data" / "customer-care-twitter"

# (text, kind that must be found, the exact substring that must disappear)
POSITIVES: list[tuple[str, str, str]] = [
    ("write to john.doe+x@gmail.com, thanks", "EMAIL", "john.doe+x@gmail.com"),
    ("my e-mail: ZEKI_089@Mail.Example.co.uk", "EMAIL", "ZEKI_089@Mail.Example.co.uk"),
    ("reach me at jo [at] mail [dot] com", "EMAIL", "jo [at] mail [dot] com"),
    ("it's john at gmail dot com ok", "EMAIL", "john at gmail dot com"),
    ("Call me on +44 20 7946 0958 please", "PHONE", "+44 20 7946 0958"),
    ("my number is (555) 123-4567.", "PHONE", "(555) 123-4567"),
    ("555.123.4567 is my cell", "PHONE", "555.123.4567"),
    ("ring +1-800-555-0199 now", "PHONE", "+1-800-555-0199"),
    ("mobile 07700 900123", "PHONE", "07700 900123"),
    ("call 555-1234 after six", "PHONE", "555-1234"),
    ("phone them: 1 (800) 642 7676 or chat", "PHONE", "1 (800) 642 7676"),
    ("I can be reached at 4045781025", "PHONE", "4045781025"),
    ("cell number +254711303113...kindly", "PHONE", "+254711303113"),
    ("Berlin office +49 30 123456", "PHONE", "+49 30 123456"),
    ("phone: 08035794030 on the 1st", "PHONE", "08035794030"),
    ("my card 4111 1111 1111 1111 was charged", "CARD", "4111 1111 1111 1111"),
    ("amex 3782-822463-10005 declined", "CARD", "3782-822463-10005"),
    ("card 5555555555554444.", "CARD", "5555555555554444"),
    ("IBAN GB82 WEST 1234 5698 7654 32 thanks", "IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("pay to DE89370400440532013000 today", "IBAN", "DE89370400440532013000"),
    ("@TeamYouTube help me", "HANDLE", "@TeamYouTube"),
    ("ask @bob_99!", "HANDLE", "@bob_99"),
    ("see https://t.co/abc123?uid=42.", "URL", "abc123?uid=42"),
    ("reset at www.example.com/reset?token=abc", "URL", "reset?token=abc"),
    ("profile example.org/u/john", "URL", "u/john"),
    ("link: https: //www.youtube.com/channel/UCW97Zu17", "URL", "channel/UCW97Zu17"),
    ("I live at 123 Main Street, Apt 4B", "ADDRESS", "123 Main Street, Apt 4B"),
    ("send it to 42 baker st. please", "ADDRESS", "42 baker st."),
    ("1600 Pennsylvania Avenue NW is not mine", "ADDRESS", "1600 Pennsylvania Avenue NW"),
    ("London SW1A 1AA", "ADDRESS", "SW1A 1AA"),
    ("Manchester M1 1AE.", "ADDRESS", "M1 1AE"),
    ("Springfield, IL 62704", "ADDRESS", "IL 62704"),
]

# Text that looks numeric or link-like but carries no personal data: must be unchanged.
NEGATIVES: list[str] = [
    "On 2020-04-01 at 10:30 I paid $1,234.56",
    "order AB-123456 and ticket #10267422",
    "Order # 40256780019417115 never arrived",
    "I was charged 1299.99 in 2019",
    "between 2019 2020 2021 it got worse",
    "dates 01/04/2020 and 12.03.2020 and 2020.04.01",
    "Error WS-37368-7 and 0x30005001",
    "Windows 10 Pro 1909 18563.592 build",
    "version 15.5.2.1054 and 10.14.5",
    "it cost €1.234.567 or 1,234,567 USD",
    "card 4111-1111-1111-1112 fails luhn",
    "1234567890123456 is not a card",
    "GB00 WEST 1234 5698 7654 32 fails mod-97",
    "waited 3 hours, 45 minutes, on 12 calls",
    "a 2 way street and 3 times a day",
    "my PS4 1TB console",
    "email me back please",
    "see www.example.com for details",
    "I paid 49.99 at 10:30pm",
    "",
]


@pytest.mark.parametrize(("text", "kind", "secret"), POSITIVES)
def test_each_kind_is_redacted(text: str, kind: str, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert f"[{kind}]" in result.text
    assert any(s.kind == kind for s in result.spans)


@pytest.mark.parametrize("text", NEGATIVES)
def test_non_personal_text_is_unchanged(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.spans == []


def test_spans_point_into_original_text() -> None:
    text = "mail a@b.com or call +44 20 7946 0958, @me"
    result = redact(text)
    assert [text[s.start : s.end] for s in result.spans] == [
        "a@b.com",
        "+44 20 7946 0958",
        "@me",
    ]
    assert result.text == "mail [EMAIL] or call [PHONE], [HANDLE]"


def test_url_keeps_host_and_trailing_punctuation() -> None:
    result = redact("see (https://t.co/x?id=7).")
    assert result.text == "see (https://t.co/[URL])."
    assert result.spans == [RedactedSpan("URL", 18, 24)]


def test_email_inside_url_goes_with_the_path() -> None:
    result = redact("https://ex.com/unsub?e=jo@mail.com")
    assert result.text == "https://ex.com/[URL]"


def test_result_is_frozen_and_keeps_no_values() -> None:
    result = redact("call 555-123-4567")
    with pytest.raises(AttributeError):
        result.text = "x"  # type: ignore[misc]
    assert "555" not in repr(result)


def test_redact_many_matches_redact() -> None:
    texts = ["a@b.com", "plain", "@x 555-123-4567"]
    assert redact_many(texts) == [redact(t) for t in texts]
    assert isinstance(redact_many(iter(texts))[0], Redacted)


# --- real conversations ------------------------------------------------------

# Deliberately broader than heard's detectors: anything@anything.tld, and any run
# of digits with phone-style separators holding 9 or more digits.
_ANY_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-z]{2,}", re.IGNORECASE)
_ANY_LONG_NUMBER = re.compile(r"\+?[\d(][\d\s().\-+]*\d")

# Digit runs in this data set that were checked by hand and are not phone numbers.
# Each entry must still occur in the raw data (asserted below), so the list cannot rot.
_KNOWN_NOT_PHONES = {
    "10267422",  # "ticket #10267422"
    "40256780019417115",  # "Order # 40256780019417115"
    "38120-001",  # "Part number is L38120-001"
    "15.5.2.1054",  # "intel version 15.5.2.1054 driver"
    "1909 18563.592",  # Windows build number
    "03/18/2020",  # a date
    "8-4750000030256",  # YouTube TV case id quoted to the agent
}


def _turns() -> list[str]:
    turns: list[str] = []
    for name in ("dev.json", "test.json"):
        for conv in json.loads((DATA / name).read_text(encoding="utf-8")):
            turns.extend(t["message"] for t in conv["dialogContent"])
            turns.append(conv["agentURL"]["url_utterance"])
    return turns


def _phone_like(text: str) -> list[str]:
    found = []
    for m in _ANY_LONG_NUMBER.finditer(text):
        candidate = m.group().strip(" .()-")
        if sum(ch.isdigit() for ch in candidate) < 9:
            continue
        if any(candidate in known or known in candidate for known in _KNOWN_NOT_PHONES):
            continue
        found.append(candidate)
    return found


def test_real_data_has_personal_data_to_find() -> None:
    raw = "\n".join(_turns())
    # Hand inspection found 12 e-mail mentions and about 18 phone numbers in these files.
    assert len(_ANY_EMAIL.findall(raw)) >= 10
    assert len(_phone_like(raw)) >= 10
    for known in _KNOWN_NOT_PHONES:
        assert known in raw


def test_no_email_or_phone_survives_on_real_turns() -> None:
    leaks: list[str] = []
    for turn in _turns():
        text = redact(turn).text
        leaks.extend(_ANY_EMAIL.findall(text))
        leaks.extend(_phone_like(text))
    assert leaks == []


def test_adversarial_input_stays_fast() -> None:
    # Guards against catastrophic backtracking: long runs of separators and digits.
    texts = ["1-" * 2000, "a." * 2000 + "@", "1 " * 2000, "@" * 4000, "x" * 5000 + "/"]
    start = time.perf_counter()
    redact_many(texts)
    assert time.perf_counter() - start < 1.0
