"""Calendar export (iCalendar, RFC 5545) for scheduled rotation sessions.

Written by hand rather than with a library: the format needs CRLF line endings, escaped
text values and lines folded at 75 octets, and that is all a schedule uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from heard.programs.slots import DAY_INDEX

PRODID = "-//heard//programs//EN"


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Split a content line into 75-octet pieces; continuation lines start with a space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    pieces: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74  # the leading space counts towards the 75
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def session_times(start_date: date, assignment: dict[str, Any]) -> tuple[datetime, datetime]:
    """Local start and end of a scheduled session; week 1 begins on ``start_date``."""
    monday = start_date - timedelta(days=start_date.weekday())
    offset = DAY_INDEX[assignment["slot"]["day"]]
    day = monday + timedelta(weeks=assignment["week"] - 1, days=offset)
    start_hour = int(assignment["slot"]["start"][:2])
    end_hour = int(assignment["slot"]["end"][:2])
    begin = datetime(day.year, day.month, day.day, start_hour)
    return begin, begin.replace(hour=end_hour)


def to_ics(
    assignments: Iterable[dict[str, Any]], start_date: date, now: datetime | None = None
) -> str:
    """One VEVENT per session, in floating local time (each office's own clock)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    for a in assignments:
        begin, end = session_times(start_date, a)
        uid = f"{a['leader']}-{a['host']}-w{a['week']}@heard"
        summary = f"Rotation: {a['leader']} with {a['host']}"
        description = f"Mentor: {a['mentor']}. Week {a['week']}."
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(begin)}",
            f"DTEND:{_stamp(end)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
