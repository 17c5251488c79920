"""Remove personal data from free text before heard stores or scores it.

``redact`` replaces each piece of personal data with a typed placeholder
(``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[IBAN]``, ``[HANDLE]``, ``[URL]``,
``[ADDRESS]``) and reports where it was in the *original* text. The original
values are never kept, so a ``Redacted`` can be logged or stored safely.

Rules worth knowing:

* Detectors run in a fixed priority order (URL, email, IBAN, card, phone,
  handle, address). A later detector never touches text an earlier one claimed.
* URLs keep their scheme and host and lose everything after it:
  ``https://t.co/abc?uid=42`` becomes ``https://t.co/[URL]``. Paths and query
  strings are where links carry personal identifiers (account ids, reset
  tokens, emails, tracking ids); we cannot tell a harmless path from an
  identifying one, so every path goes. The host is kept because "which site"
  is useful for routing and is not personal. A bare host is left alone.
* Phone numbers are matched by shape (digit groups with ``+``, ``()``, space,
  dot or dash separators) and then validated by digit count. Dates, times,
  prices, years, versions and codes with letters (``WS-37368-7``) are rejected
  by the shape rules; a number right after "order", "ticket", "ref", "#"...
  is treated as a reference, not a phone.
* Card numbers must pass the Luhn check and IBANs the mod-97 check, so random
  digit runs are not reported as cards.
* Addresses are best-effort: US-style street addresses ("123 Main Street"),
  US "ST 12345" ZIP endings and UK postcodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

__all__ = ["KINDS", "Redacted", "RedactedSpan", "redact", "redact_many"]

KINDS = ("URL", "EMAIL", "IBAN", "CARD", "PHONE", "HANDLE", "ADDRESS")


@dataclass(frozen=True)
class RedactedSpan:
    """One removed value: its kind and ``[start, end)`` in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """Redacted text plus where each removed value was in the original."""

    text: str
    spans: list[RedactedSpan]


# --- patterns --------------------------------------------------------------

# "https: //" with a stray space occurs in real tweets (people dodge link
# shorteners), so the separator tolerates one space.
_URL_SCHEMED = re.compile(
    r"(?<![\w@.])(?:https?:\s?//|www\.)"
    r"(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?)"
    r"(?P<rest>[/?#][^\s<>\"']*)?",
    re.IGNORECASE,
)
# "example.org/u/john": no scheme, so only hosts followed by a path count.
_URL_BARE = re.compile(
    r"(?<![\w@./-])(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?P<rest>/[^\s<>\"']+)",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""

_EMAIL = re.compile(
    r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b",
    re.IGNORECASE,
)
# Most '@' in social text start a handle; only scan for e-mails when a
# character that can end a local part sits right before an '@'.
_EMAIL_HINT = re.compile(r"[\w.%+-]@")
_BARE_URL_HINT = re.compile(r"\.[a-z]{2,}/", re.IGNORECASE)
# Spelled-out forms people use to dodge filters: "jo [at] mail [dot] com",
# "john at gmail dot com".
_EMAIL_SPELLED = re.compile(
    r"(?<!\w)[a-z0-9][a-z0-9._%+-]*\s*[\[(]\s*at\s*[\])]\s*[a-z0-9-]+"
    r"(?:\s*[\[(]\s*dot\s*[\])]\s*[a-z0-9-]+)+"
    r"|(?<!\w)[a-z0-9][a-z0-9._%+-]*\s+at\s+[a-z0-9-]+\s+dot\s+"
    r"(?:com|net|org|edu|gov|io|co\s+dot\s+uk|co\.uk|de|fr|uk)\b",
    re.IGNORECASE,
)

# The lookbehind sits after the first letter: sre then tests it only where a
# capital letter starts, which is measurably faster than a leading lookbehind.
_IBAN = re.compile(
    r"[A-Z](?<!\w[A-Z])[A-Z]\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?!\w)"
)

# 13-19 digits, optionally grouped by single spaces or dashes.
_CARD = re.compile(r"\d(?<![\w.+-]\d)(?:[ -]?\d){12,18}(?![\w-]|\.\d)")

# Phone shape: optional +country, optional (area), then digit groups joined
# by one separator. Validation of digit counts happens in ``_valid_phone``.
_PHONE = re.compile(
    r"(?<![\w.+/#$€£¥%-])"
    r"(?:\+ ?\d{1,3}[ .-]?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"\d+(?:[ .-]\d+|[ .-]?\(\d{1,5}\)[ .-]?\d+)*"
    r"(?![\w/%€£$]|[.,:]\d|-\d)"
)
# A number right after these words is a reference the customer and agent
# need to keep talking about, not a phone.
_REFERENCE_BEFORE = re.compile(
    r"(?:order|ticket|case|ref|reference|invoice|tracking|confirmation|serial|part|model|"
    r"error|code|kb|id|version|build|transaction|booking|claim|#)\s*(?:no\.?|number|nr|#)?"
    r"\s*[:#-]?\s*$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")

_HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_]{1,15}(?![\w@])")

_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    r"terrace|circle|highway|hwy|parkway|pkwy|square|sq|crescent|close)"
)
# Words after a number that make "2 way street" or "3 times a day" read as
# ordinary prose rather than a street name.
_NOT_STREET_NAME = (
    r"(?:way|ways|one|two|of|the|a|an|and|or|to|in|on|at|for|by|my|your|his|her|their|our|"
    r"times?|days?|hours?|weeks?|months?|years?|minutes?|mins?|people|more|less|other)"
)
# "123 Main Street", "42b baker st.", "1600 Pennsylvania Avenue NW, Apt 4".
# Case-insensitive on purpose: social-media addresses are often lower case.
_STREET = re.compile(
    r"(?<![\w$£€.,-])\d{1,6}[a-z]?\s+"
    r"(?:(?!"
    + _NOT_STREET_NAME
    + r"\b)(?:[NSEW]\.?|[a-z][a-z]+|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
    + _STREET_SUFFIX
    + r"\b\.?(?:\s+[NS][EW]\b)?"
    r"(?:,?\s+(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\s*[a-z0-9-]+)?",
    re.IGNORECASE,
)
# UK postcodes (SW1A 1AA, M1 1AE), upper case only. Inward letters never use
# C I K M O V; "GB"/"TB" inwards are storage sizes ("PS4 1TB"), not postcodes.
_UK_POSTCODE = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d(?!GB|TB)[ABD-HJLNP-UW-Z]{2}\b")
# US "City, ST 12345(-6789)" endings.
_US_ZIP = re.compile(r"(?<=, )[A-Z]{2}\s\d{5}(?:-\d{4})?\b")

_DIGIT = re.compile(r"\d")


# --- validators ------------------------------------------------------------


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    # Letters become 10..35, then the whole number must be 1 mod 97.
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def _card_ok(text: str, m: re.Match[str]) -> bool:
    digits = re.sub(r"[ -]", "", m.group())
    # A card of all one digit passes Luhn for some lengths; it is never real.
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and _luhn_ok(digits)


def _valid_phone(text: str, m: re.Match[str]) -> bool:
    raw = m.group()
    digits = "".join(ch for ch in raw if ch.isdigit())
    n = len(digits)
    if _REFERENCE_BEFORE.search(text, max(0, m.start() - 24), m.start()):
        return False
    if raw.startswith("+"):
        return 8 <= n <= 15
    if "." in raw and (" " in raw or "-" in raw):
        return False  # "1909 18563.592": build numbers mix separators, phones don't
    groups = re.findall(r"\d+", raw)
    if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return False  # "2019 2020 2021"
    if n == 7:
        # Local numbers only in the unambiguous 555-1234 / 555.1234 shape.
        return re.fullmatch(r"\d{3}[.-]\d{4}", raw) is not None
    if digits.startswith("0"):
        return 9 <= n <= 12
    return 10 <= n <= 13


def _always(text: str, m: re.Match[str]) -> bool:
    return True


# --- engine ----------------------------------------------------------------


def _hints(text: str) -> frozenset[str]:
    """Cheap checks, done once per text, that let most texts skip most regexes."""
    lower = text.lower()
    found: list[str] = []
    if "@" in text:
        found.append("at")
        # Most '@' in social text start a handle; look for e-mails only when a
        # character that can end a local part sits right before an '@'.
        if _EMAIL_HINT.search(text):
            found.append("email")
    if "dot" in lower and ("at]" in lower or "at)" in lower or " at " in lower):
        found.append("spelled_email")
    if _DIGIT.search(text):
        found.append("digit")
    if "//" in text or "www." in lower:
        found.append("scheme")
    if "/" in text and _BARE_URL_HINT.search(text):
        found.append("bare_url")
    return frozenset(found)


_Validator = Callable[[str, re.Match[str]], bool]
_Detector = tuple[str, re.Pattern[str], _Validator, str]

# Order is priority: earlier detectors claim text first. URLs run before this
# list (see ``_url_spans``) so e-mails and ids inside links go with the path.
_DETECTORS: tuple[_Detector, ...] = (
    ("EMAIL", _EMAIL, _always, "email"),
    ("EMAIL", _EMAIL_SPELLED, _always, "spelled_email"),
    ("IBAN", _IBAN, lambda t, m: _iban_ok(m.group()), "digit"),
    ("CARD", _CARD, _card_ok, "digit"),
    ("PHONE", _PHONE, _valid_phone, "digit"),
    ("HANDLE", _HANDLE, _always, "at"),
    ("ADDRESS", _STREET, _always, "digit"),
    ("ADDRESS", _UK_POSTCODE, _always, "digit"),
    ("ADDRESS", _US_ZIP, _always, "digit"),
)
_URL_DETECTORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_URL_SCHEMED, "scheme"),
    (_URL_BARE, "bare_url"),
)


def _url_spans(text: str, hints: frozenset[str]) -> Iterator[RedactedSpan]:
    taken: list[tuple[int, int]] = []
    for pattern, hint in _URL_DETECTORS:
        if hint not in hints:
            continue
        for m in pattern.finditer(text):
            if not _overlaps(taken, *m.span()):
                taken.append(m.span())
                yield from _url_path_span(text, m)


def _url_path_span(text: str, m: re.Match[str]) -> Iterator[RedactedSpan]:
    start, end = m.span("rest")
    if start < 0:
        return  # bare host: nothing identifying to remove
    if text[start] == "/":
        start += 1  # keep the slash so the result still reads as a link
    while end > start and text[end - 1] in _URL_TRAILING:
        end -= 1  # sentence punctuation after a link is not part of it
    if end > start:
        yield RedactedSpan("URL", start, end)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def _find_spans(text: str) -> list[RedactedSpan]:
    hints = _hints(text)
    spans = list(_url_spans(text, hints))
    taken = [(s.start, s.end) for s in spans]
    for kind, pattern, valid, hint in _DETECTORS:
        if hint not in hints:
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if _overlaps(taken, start, end) or not valid(text, m):
                continue
            spans.append(RedactedSpan(kind, start, end))
            taken.append((start, end))
    spans.sort(key=lambda s: s.start)
    return spans


def _splice(text: str, spans: list[RedactedSpan]) -> str:
    parts: list[str] = []
    pos = 0
    for span in spans:
        parts.append(text[pos : span.start])
        parts.append(f"[{span.kind}]")
        pos = span.end
    parts.append(text[pos:])
    return "".join(parts)


def redact(text: str) -> Redacted:
    """Replace personal data in ``text`` with typed placeholders.

    ``spans`` give kind and ``[start, end)`` offsets into the original text,
    sorted by position; the original values are not kept anywhere.
    """
    if not text:
        return Redacted(text, [])
    spans = _find_spans(text)
    if not spans:
        return Redacted(text, spans)
    return Redacted(_splice(text, spans), spans)


def redact_many(texts: Iterable[str]) -> list[Redacted]:
    """Redact each text in order."""
    return [redact(t) for t in texts]
