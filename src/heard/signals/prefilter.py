"""One cheap pre-filter in front of a bank of regular expressions.

The distress and effort detectors run dozens to hundreds of patterns per message, yet almost
every customer message matches none of them. :class:`Prefilter` reads the patterns themselves
(their parse trees, via the standard library's regex parser) and works out, for each one, a
small set of literal strings such that **every match of the pattern contains at least one of
them** ("required literals", the idea behind RE2's and code search's pre-filters). The union
of those sets becomes one compiled alternation. A message in which the alternation finds
nothing cannot match any pattern in the bank, so the caller may skip the bank entirely; a
message in which it finds something runs the full patterns as before.

Because the literal sets are derived from the same compiled patterns the detector runs, the
filter stays correct when a pattern is edited: there is no second keyword list to keep in
step. A pattern for which no literal can be required (say ``\\w+ing``) makes construction
fail loudly instead of silently letting the filter reject its matches.

Word boundaries the pattern requires (``\\b``) are kept in the literals, so "\\bhit\\b" does
not admit "white". Lookarounds are treated as matching the empty string, which only makes the
filter more permissive, never less.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from re import _constants as C  # type: ignore[attr-defined]  # stdlib regex internals
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["Prefilter", "required_literals"]

BOUNDARY = "\x00"  # stands for a \b the pattern requires at that point
# The most alternative strings one part of a pattern may expand to. Bigger sets give longer,
# rarer literals (fewer false alarms) but a bigger alternation to scan with.
DEFAULT_CAP = 64

_Lits = frozenset[str]


@dataclass(frozen=True)
class _Info:
    """What a piece of a pattern guarantees about the text it matches.

    ``exact``: every string the piece can match (when that set is finite and small).
    ``required``: strings at least one of which every match contains (None: no guarantee).
    ``prefix`` / ``suffix``: strings one of which every match starts / ends with, so that
    neighbouring literals can be joined to them ("\\bhit" rather than "hit").
    """

    exact: _Lits | None
    required: _Lits | None = None
    prefix: _Lits | None = None
    suffix: _Lits | None = None

    @classmethod
    def of_exact(cls, lits: _Lits) -> _Info:
        useful = lits if _useful(lits) else None
        return cls(lits, useful, lits, lits)


def _squash(text: str) -> str:
    while BOUNDARY * 2 in text:
        text = text.replace(BOUNDARY * 2, BOUNDARY)
    return text


def _join(left: _Lits | None, right: _Lits | None, cap: int) -> _Lits | None:
    """Every concatenation of a string of ``left`` with one of ``right`` (None if too many)."""
    if left is None or right is None or len(left) * len(right) > cap:
        return None
    return frozenset(_squash(a + b) for a, b in product(left, right))


def _useful(lits: _Lits | None) -> bool:
    """A set guarantees something only if none of its strings is empty (boundaries aside)."""
    return bool(lits) and all(s.replace(BOUNDARY, "") for s in lits)  # type: ignore[union-attr]


# Words so common in customer messages that a literal made of them says little.
_COMMON_WORDS = (
    "a an the i i'm i've i'll me my you your it it's is are was were be been to of in on at for"
    " and or not no do don't did get got have has had will would want wanted take took going"
    " just so this that with all can can't"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def _weight(text: str) -> float:
    """How rare a literal is, in characters: common words count as one character."""
    plain = text.replace(BOUNDARY, " ")
    words = plain.split()
    size = sum(1 if w in _COMMON else len(w) for w in words) + plain.count(" ")
    return size + 0.5 * text.count(BOUNDARY)


def _cost(lits: _Lits) -> float:
    """How often we expect the set to turn up in ordinary text: short strings often."""
    return float(sum(0.25 ** _weight(s) for s in lits))


def _best(candidates: Iterable[_Lits | None]) -> _Lits | None:
    useful = [c for c in candidates if c is not None and _useful(c)]
    return min(useful, key=_cost) if useful else None


_NOTHING = _Info(None)
_EMPTY = _Info.of_exact(frozenset({""}))


def _sequence(items: Sequence[Any], cap: int) -> _Info:
    run: _Lits | None = frozenset({""})  # strings the current run of exact items matches
    whole = True  # every item so far was exact and the run never overflowed
    prefix: _Lits | None = None
    candidates: list[_Lits | None] = []
    for item in items:
        info = _item(item, cap)
        joined = _join(run, info.exact, cap)
        if joined is not None:
            run = joined
            continue
        if whole:  # the first break: what every match of the sequence starts with
            prefix = (_join(run, info.prefix, cap) if info.exact is None else None) or run
        whole = False
        candidates += [run, _join(run, info.prefix, cap), info.required]
        run = info.exact if info.exact is not None else info.suffix
    candidates.append(run)
    if whole:
        assert run is not None
        return _Info.of_exact(run)
    return _Info(None, _best(candidates), prefix, run)


def _charset(entries: Sequence[Any], cap: int) -> _Info:
    chars: set[str] = set()
    for op, arg in entries:
        if op is C.LITERAL:
            chars.add(chr(arg).lower())
        elif op is C.RANGE and arg[1] - arg[0] < cap:
            chars.update(chr(c).lower() for c in range(arg[0], arg[1] + 1))
        else:  # NEGATE, CATEGORY (\w, \s, \d), big ranges
            return _NOTHING
    return _Info.of_exact(frozenset(chars)) if len(chars) <= cap else _NOTHING


def _union(sets: Sequence[_Lits | None]) -> _Lits | None:
    if any(s is None for s in sets):
        return None
    union: _Lits = frozenset().union(*sets)  # type: ignore[arg-type]
    return union


def _branch(alternatives: Sequence[Any], cap: int) -> _Info:
    infos = [_sequence(alt, cap) for alt in alternatives]
    exact = _union([i.exact for i in infos])
    if exact is not None and len(exact) <= cap:
        return _Info.of_exact(exact)
    # One alternative that guarantees nothing means the whole choice guarantees nothing.
    required = _union([_best([i.required, i.exact]) for i in infos])
    return _Info(
        None, required, _union([i.prefix for i in infos]), _union([i.suffix for i in infos])
    )


def _repeat(low: int, high: int, body: Sequence[Any], cap: int) -> _Info:
    info = _sequence(body, cap)
    if low == high == 1:
        return info
    if low == 0:
        if high == 1 and info.exact is not None:
            return _Info.of_exact(info.exact | {""})
        return _EMPTY if high == 0 else _NOTHING
    return _Info(None, _best([info.required, info.exact]), info.prefix, info.suffix)


def _item(item: tuple[Any, Any], cap: int) -> _Info:
    op, arg = item
    if op is C.LITERAL:
        return _Info.of_exact(frozenset({chr(arg).lower()}))
    if op is C.IN:
        return _charset(arg, cap)
    if op is C.BRANCH:
        return _branch(arg[1], cap)
    if op is C.SUBPATTERN:
        return _sequence(arg[3], cap)
    if op is C.ATOMIC_GROUP:
        return _sequence(arg, cap)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return _repeat(arg[0], arg[1], arg[2], cap)
    if op is C.AT:
        return _Info.of_exact(frozenset({BOUNDARY})) if arg is C.AT_BOUNDARY else _EMPTY
    if op in (C.ASSERT, C.ASSERT_NOT):
        return _EMPTY  # zero width; ignoring what it asserts only admits more text
    return _NOTHING  # ANY, NOT_LITERAL, CATEGORY, GROUPREF...


@functools.lru_cache(maxsize=1024)  # several filters share patterns; analysing them is slow
def required_literals(pattern: re.Pattern[str], cap: int = DEFAULT_CAP) -> frozenset[str]:
    """Strings (``BOUNDARY`` marks a required word boundary) at least one of which occurs in
    every match of ``pattern``. Raises ValueError when no such set can be found."""
    if pattern.flags & re.IGNORECASE:
        raise ValueError("pre-filtered patterns run on lower-cased text; drop IGNORECASE")
    info = _sequence(_parser.parse(pattern.pattern, pattern.flags), cap)
    lits = _best([info.required, info.exact])
    if lits is None:
        raise ValueError(f"no literal is required by every match of {pattern.pattern!r}")
    return frozenset(s.lower() for s in lits)


def _trie_regex(strings: Iterable[str]) -> str:
    """One regex for "contains any of these", shaped as a trie so it branches per character.

    A string that has another string of the set as a prefix is redundant (if "kill" is
    present, so is something the filter accepts) and is dropped.
    """
    ordered = sorted(set(strings), key=len)
    trie: dict[str, Any] = {}
    for text in ordered:
        node = trie
        for ch in text:
            if "" in node:
                break  # a shorter prefix is already enough
            node = node.setdefault(ch, {})
        else:
            node.clear()
            node[""] = {}

    escaped = {ch: re.escape(ch) for ch in set("".join(ordered))} | {BOUNDARY: r"\b"}

    def emit(node: dict[str, Any]) -> str:
        if "" in node:
            return ""
        parts = [escaped[ch] + emit(child) for ch, child in sorted(node.items())]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return emit(trie)


class Prefilter:
    """``may_match(text)`` is False only when no pattern of the bank can match ``text``."""

    def __init__(self, patterns: Iterable[re.Pattern[str]], cap: int = DEFAULT_CAP) -> None:
        self.literals: frozenset[str] = frozenset().union(
            *(required_literals(p, cap) for p in patterns)
        )
        self.pattern = re.compile(_trie_regex(self.literals))

    def may_match(self, text: str) -> bool:
        return self.pattern.search(text) is not None
