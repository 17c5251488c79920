"""Time slots within a week, chosen outside a host team's peak hours.

A rotation visit is a two-hour block on a weekday. Slots that overlap a host's peak hours
are skipped, so the team is never short-handed when customers need it most. Sessions of the
same mentor in a week get different slots so a mentor is never in two places at once.
"""

from __future__ import annotations

from typing import Any

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
DAY_INDEX = {day: i for i, day in enumerate(DAYS)}
STARTS = (9, 11, 14, 16)
LENGTH_HOURS = 2


def _overlaps(start: int, peaks: tuple[tuple[int, int], ...]) -> bool:
    end = start + LENGTH_HOURS
    return any(start < peak_end and peak_start < end for peak_start, peak_end in peaks)


def open_slots(peaks: tuple[tuple[int, int], ...]) -> list[tuple[str, int]]:
    """Every (day, start hour) outside peak hours, spread across days first."""
    starts = [s for s in STARTS if not _overlaps(s, peaks)]
    if not starts:  # a host busy all day still needs somewhere to put a visitor
        starts = [min(STARTS, key=lambda s: sum(_overlaps(s, ((a, b),)) for a, b in peaks))]
    return [(day, start) for start in starts for day in DAYS]


def assign_slots(peaks: tuple[tuple[int, int], ...], mentors: list[str]) -> list[dict[str, Any]]:
    """One slot per session at this host this week; a mentor never gets the same slot twice."""
    options = open_slots(peaks)
    used: dict[str, set[int]] = {}
    chosen: list[dict[str, Any]] = []
    for index, mentor in enumerate(mentors):
        taken = used.setdefault(mentor, set())
        pick = next((i for i in range(len(options)) if i not in taken), index % len(options))
        taken.add(pick)
        day, start = options[pick]
        chosen.append(
            {"day": day, "start": f"{start:02d}:00", "end": f"{start + LENGTH_HOURS:02d}:00"}
        )
    return chosen
