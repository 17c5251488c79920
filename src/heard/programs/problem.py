"""The rotation-scheduling problem as typed data, parsed strictly from its JSON form.

Input (weeks are numbered 1 to W)::

    {"weeks": W,
     "leaders": [{"id", "department", "visits", "unavailable_weeks"}],
     "hosts":   [{"id", "department", "capacity_per_week", "blackout_weeks",
                  "peak_hours" (optional, e.g. [[9, 12]])}],
     "mentors": [{"id", "host", "capacity_per_week", "unavailable_weeks"}],
     "start_date": "YYYY-MM-DD" (optional; the Monday of week 1, for calendar export)}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from heard.errors import Problem, ValidationError


@dataclass(frozen=True)
class Leader:
    id: str
    department: str
    visits: int
    unavailable: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Host:
    id: str
    department: str
    capacity: int
    blackout: frozenset[int] = frozenset()
    peak_hours: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Mentor:
    id: str
    host: str
    capacity: int
    unavailable: frozenset[int] = frozenset()


@dataclass
class RotationProblem:
    weeks: int
    leaders: list[Leader]
    hosts: list[Host]
    mentors: list[Mentor]
    start_date: date | None = None
    mentors_by_host: dict[str, list[Mentor]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for mentor in self.mentors:
            self.mentors_by_host.setdefault(mentor.host, []).append(mentor)

    @property
    def week_numbers(self) -> range:
        return range(1, self.weeks + 1)

    def leader_weeks(self, leader: Leader) -> list[int]:
        return [w for w in self.week_numbers if w not in leader.unavailable]

    def mentor_capacity(self, host: Host, week: int) -> int:
        return sum(
            m.capacity for m in self.mentors_by_host.get(host.id, []) if week not in m.unavailable
        )

    def host_capacity(self, host: Host, week: int) -> int:
        """Sessions a host can take in a week: its own limit, and no more than its mentors'."""
        if week in host.blackout:
            return 0
        return min(host.capacity, self.mentor_capacity(host, week))


class _Reader:
    """Collects every problem in the input instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, reason: str) -> None:
        self.problems.append(Problem(reason, field=where))

    def text(self, item: dict[str, Any], key: str, where: str) -> str:
        value = item.get(key)
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            self.fail(f"{where}.{key}", "must be a non-empty string")
            return ""
        return str(value)

    def count(self, item: dict[str, Any], key: str, where: str, minimum: int = 0) -> int:
        value = item.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(f"{where}.{key}", f"must be a whole number ≥ {minimum}")
            return minimum
        return value

    def weeks(self, item: dict[str, Any], key: str, where: str, horizon: int) -> frozenset[int]:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(w, int) and not isinstance(w, bool) for w in value
        ):
            self.fail(f"{where}.{key}", "must be a list of week numbers")
            return frozenset()
        outside = [w for w in value if not 1 <= w <= horizon]
        if outside:
            self.fail(f"{where}.{key}", f"weeks {outside} are outside 1..{horizon}")
        return frozenset(value)

    def items(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            self.fail(key, "must be a list of objects")
            return []
        return value


def _peak_hours(reader: _Reader, item: dict[str, Any], where: str) -> tuple[tuple[int, int], ...]:
    raw = item.get("peak_hours", [])
    spans: list[tuple[int, int]] = []
    if not isinstance(raw, list):
        reader.fail(f"{where}.peak_hours", "must be a list of [start_hour, end_hour] pairs")
        return ()
    for span in raw:
        if (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(h, int) and 0 <= h <= 24 for h in span)
            and span[0] < span[1]
        ):
            spans.append((span[0], span[1]))
        else:
            reader.fail(f"{where}.peak_hours", f"{span!r} is not a [start_hour, end_hour] pair")
    return tuple(spans)


def _unique(reader: _Reader, ids: list[str], kind: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            reader.fail(kind, f"id {item_id!r} appears more than once")
        seen.add(item_id)


def parse_problem(data: Any) -> RotationProblem:
    """Turn the JSON form into a :class:`RotationProblem`, or raise listing every problem."""
    if not isinstance(data, dict):
        raise ValidationError("the problem must be a JSON object")
    reader = _Reader()
    weeks = reader.count(data, "weeks", "problem", minimum=1)
    leaders = [
        Leader(
            id=reader.text(item, "id", f"leaders[{i}]"),
            department=reader.text(item, "department", f"leaders[{i}]"),
            visits=reader.count(item, "visits", f"leaders[{i}]"),
            unavailable=reader.weeks(item, "unavailable_weeks", f"leaders[{i}]", weeks),
        )
        for i, item in enumerate(reader.items(data, "leaders"))
    ]
    hosts = [
        Host(
            id=reader.text(item, "id", f"hosts[{i}]"),
            department=reader.text(item, "department", f"hosts[{i}]"),
            capacity=reader.count(item, "capacity_per_week", f"hosts[{i}]"),
            blackout=reader.weeks(item, "blackout_weeks", f"hosts[{i}]", weeks),
            peak_hours=_peak_hours(reader, item, f"hosts[{i}]"),
        )
        for i, item in enumerate(reader.items(data, "hosts"))
    ]
    mentors = [
        Mentor(
            id=reader.text(item, "id", f"mentors[{i}]"),
            host=reader.text(item, "host", f"mentors[{i}]"),
            capacity=reader.count(item, "capacity_per_week", f"mentors[{i}]"),
            unavailable=reader.weeks(item, "unavailable_weeks", f"mentors[{i}]", weeks),
        )
        for i, item in enumerate(reader.items(data, "mentors"))
    ]
    _unique(reader, [x.id for x in leaders], "leaders")
    _unique(reader, [x.id for x in hosts], "hosts")
    _unique(reader, [x.id for x in mentors], "mentors")
    host_ids = {h.id for h in hosts}
    for i, mentor in enumerate(mentors):
        if mentor.host and mentor.host not in host_ids:
            reader.fail(f"mentors[{i}].host", f"no host has id {mentor.host!r}")
    start = _start_date(reader, data.get("start_date"))
    if reader.problems:
        raise ValidationError(reader.problems)
    return RotationProblem(weeks, leaders, hosts, mentors, start_date=start)


def _start_date(reader: _Reader, value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        reader.fail("start_date", "must be a date written YYYY-MM-DD")
        return None
