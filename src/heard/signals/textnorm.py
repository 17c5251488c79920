"""Small text helpers shared by the lexicon detectors (kept exact: the detectors' readings
must not change when these are swapped in for the regular expressions they replace)."""

from __future__ import annotations

__all__ = ["collapse_whitespace"]


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace as one space: exactly ``re.sub(r"\\s+", " ", text)``, about 3x
    faster (str.split and re's \\s agree on what whitespace is)."""
    parts = text.split()
    if not parts:
        return " " if text else ""
    out = " ".join(parts)
    if text[0].isspace():
        out = " " + out
    if text[-1].isspace():
        out += " "
    return out
