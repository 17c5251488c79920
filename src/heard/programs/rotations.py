"""Rotation schedules from the organisation, and from a schedule to program sessions.

The scheduler itself (``heard.programs.scheduler``) reads only the JSON problem. This module
builds that problem from the stored organisation (team leaders visit, teams host, members
who lead no team mentor), lays a result out as a week x host grid for the schedule page,
and turns a schedule into role-rotation sessions, all behind the programs permission.

Ids in a problem built here are stable and human-readable: a leader or mentor is their
email address and a host is its team's name, so a schedule can be mapped back onto people
and teams when sessions are created. Display names ride along as an extra ``name`` key,
which the parser ignores.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.programs.calendar import session_times, to_ics
from heard.programs.catalog import template_for
from heard.programs.problem import parse_problem
from heard.programs.sessions import add_session, create_program
from heard.programs.slots import DAY_INDEX
from heard.store.tables.org import Department, Person, Team

MAX_WEEKS = 26  # two quarters: longer plans change before they happen
DEFAULT_PEAK = "9-12"


@dataclass(frozen=True)
class OrgOptions:
    """What a people partner chooses when building a problem from the organisation."""

    weeks: int = 13
    visits: int = 1
    host_capacity: int = 1
    mentors_per_host: int = 1
    blackout_weeks: tuple[int, ...] = ()
    host_departments: tuple[str, ...] = ()  # empty: every department hosts
    peak_hours: str = DEFAULT_PEAK
    start_date: date | None = None


def next_monday(today: date | None = None) -> date:
    today = today or date.today()
    return today + timedelta(days=7 - today.weekday())


def _leaders(session: Session) -> list[tuple[Person, str]]:
    """Everyone active who leads a team, with their department's name."""
    rows = session.execute(
        select(Person, Department.name)
        .join(Department, Department.id == Person.department_id)
        .where(Person.id.in_(select(Team.leader_id)), Person.active.is_(True))
        .order_by(Department.name, Person.name)
    ).all()
    return [(person, department) for person, department in rows]


def _hosts(session: Session) -> list[tuple[Team, str]]:
    rows = session.execute(
        select(Team, Department.name)
        .join(Department, Department.id == Team.department_id)
        .order_by(Department.name, Team.name)
    ).all()
    return [(team, department) for team, department in rows]


def org_defaults(session: Session, actor: Actor) -> dict[str, Any]:
    """The builder form's choices and defaults, sized from the organisation."""
    require(actor, Permission.PROGRAMS_MANAGE)
    leaders = _leaders(session)
    hosts = _hosts(session)
    counts: dict[str, int] = defaultdict(int)
    for _team, department in hosts:
        counts[department] += 1
    weeks = OrgOptions.weeks
    # Room for every leader's visit twice over, so the solver can still spread the load.
    capacity = max(1, -(-2 * len(leaders) // max(1, len(hosts) * weeks)))
    return {
        "leaders": len(leaders),
        "hosts": len(hosts),
        "departments": [{"name": d, "teams": n} for d, n in sorted(counts.items())],
        "defaults": {
            "weeks": weeks,
            "visits": OrgOptions.visits,
            "host_capacity": capacity,
            "mentors_per_host": OrgOptions.mentors_per_host,
            "blackout_weeks": "",
            "peak_hours": DEFAULT_PEAK,
            "start_date": next_monday().isoformat(),
        },
    }


def parse_week_list(text: str, weeks: int, field: str) -> tuple[int, ...]:
    """"3, 7-8" -> (3, 7, 8); every week must lie in 1..weeks."""
    chosen: set[int] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError as exc:
            raise ValidationError([Problem(f"{part!r} is not a week or a range like 7-8",
                                           field)]) from exc
        if not 1 <= low <= high <= weeks:
            raise ValidationError([Problem(f"weeks {part} are outside 1..{weeks}", field)])
        chosen.update(range(low, high + 1))
    return tuple(sorted(chosen))


def parse_peak_hours(text: str) -> list[list[int]]:
    """"9-12, 16-18" -> [[9, 12], [16, 18]]."""
    spans: list[list[int]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            start, end = int(first), int(last)
        except ValueError as exc:
            raise ValidationError([Problem(f"{part!r} is not an hour range like 9-12",
                                           "peak_hours")]) from exc
        if not 0 <= start < end <= 24:
            raise ValidationError([Problem(f"{part!r} is not an hour range within 0-24",
                                           "peak_hours")])
        spans.append([start, end])
    return spans


def _check_options(options: OrgOptions) -> None:
    problems = []
    if not 1 <= options.weeks <= MAX_WEEKS:
        problems.append(Problem(f"must be 1 to {MAX_WEEKS}", "weeks"))
    if not 1 <= options.visits <= options.weeks:
        problems.append(Problem("must be at least 1 and no more than the weeks", "visits"))
    if not 1 <= options.host_capacity <= 20:
        problems.append(Problem("must be 1 to 20", "host_capacity"))
    if not 1 <= options.mentors_per_host <= 10:
        problems.append(Problem("must be 1 to 10", "mentors_per_host"))
    if problems:
        raise ValidationError(problems)


def problem_from_org(session: Session, actor: Actor, options: OrgOptions) -> dict[str, Any]:
    """Team leaders visit; teams in the chosen departments host; the first members of each
    host team who lead no team of their own mentor, sharing the host's weekly capacity."""
    require(actor, Permission.PROGRAMS_MANAGE)
    _check_options(options)
    leaders = _leaders(session)
    leader_ids = {person.id for person, _d in leaders}
    hosts = [(t, d) for t, d in _hosts(session)
             if not options.host_departments or d in options.host_departments]
    if not leaders:
        raise ValidationError("the organisation has no team leaders to schedule; import people "
                              "with leads_team first")
    if not hosts:
        raise ValidationError([Problem("choose at least one department whose teams host",
                                       "host_departments")])
    members: dict[int, list[Person]] = defaultdict(list)
    for person in session.scalars(
        select(Person).where(Person.active.is_(True)).order_by(Person.name, Person.id)
    ):
        if person.id not in leader_ids:
            members[person.team_id].append(person)
    peaks = parse_peak_hours(options.peak_hours)
    host_rows, mentor_rows = [], []
    for team, department in hosts:
        mentors = members[team.id][: options.mentors_per_host]
        if not mentors and team.leader is not None:
            mentors = [team.leader]  # a team of one: its leader shows visitors around
        host_rows.append({
            "id": team.name, "department": department,
            "capacity_per_week": options.host_capacity,
            "blackout_weeks": list(options.blackout_weeks), "peak_hours": peaks,
        })
        # Mentors share the host's weekly visitors between them.
        each = -(-options.host_capacity // max(1, len(mentors)))
        mentor_rows += [{"id": m.email, "name": m.name, "host": team.name,
                         "capacity_per_week": each, "unavailable_weeks": []} for m in mentors]
    return {
        "weeks": options.weeks,
        "start_date": (options.start_date or next_monday()).isoformat(),
        "leaders": [{"id": p.email, "name": p.name, "department": d, "visits": options.visits,
                     "unavailable_weeks": []} for p, d in leaders],
        "hosts": host_rows,
        "mentors": mentor_rows,
    }


def read_problem_text(text: str) -> dict[str, Any]:
    """A pasted or uploaded PROBLEM.json, checked the same way as the command line's."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(f"not valid JSON: {exc.msg}", "problem",
                                       line=exc.lineno)]) from exc
    parse_problem(data)  # raises listing every problem
    if not isinstance(data, dict):  # parse_problem already refused; this is for the types
        raise ValidationError("the problem must be a JSON object")
    return data


def schedule_view(problem: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """A solver result laid out for people: a host x week grid, load and capacity per week."""
    parsed = parse_problem(problem)
    names = {x["id"]: x.get("name") or x["id"]
             for key in ("leaders", "mentors") for x in problem.get(key, [])}
    weeks = list(parsed.week_numbers)
    view: dict[str, Any] = {"status": result["status"], "seconds": result.get("seconds"),
                            "reason": result.get("reason"), "weeks": weeks,
                            "optimal": result.get("optimal")}
    if result["status"] != "feasible":
        return view
    assignments = result["assignments"]
    cells: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    load = dict.fromkeys(weeks, 0)
    for a in assignments:
        cells[(a["host"], a["week"])].append({
            "leader": names.get(a["leader"], a["leader"]),
            "mentor": names.get(a["mentor"], a["mentor"]),
            "slot": f"{a['slot']['day']} {a['slot']['start']}–{a['slot']['end']}",
        })
        load[a["week"]] += 1
    busy = sorted({a["host"] for a in assignments})
    view |= {
        "sessions": len(assignments),
        "rows": [{"host": h, "cells": [cells.get((h, w), []) for w in weeks]} for h in busy],
        "idle_hosts": len(parsed.hosts) - len(busy),
        "load": [load[w] for w in weeks],
        "capacity": [sum(parsed.host_capacity(h, w) for h in parsed.hosts) for w in weeks],
        "assignments": [a | {"leader_name": names.get(a["leader"], a["leader"]),
                             "mentor_name": names.get(a["mentor"], a["mentor"])}
                        for a in assignments],
    }
    return view


def read_assignments(data: Any) -> list[dict[str, Any]]:
    """A schedule's assignments, checked before they are exported or turned into sessions."""
    rows = data.get("assignments") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not rows:
        raise ValidationError([Problem("a feasible schedule with at least one assignment",
                                       "assignments")])
    problems = []
    for i, row in enumerate(rows):
        ok = (
            isinstance(row, dict)
            and all(isinstance(row.get(k), str) and row[k] for k in ("leader", "host", "mentor"))
            and isinstance(row.get("week"), int) and row["week"] >= 1
            and isinstance(row.get("slot"), dict)
            and row["slot"].get("day") in DAY_INDEX
            and all(str(row["slot"].get(k, ""))[:2].isdigit() for k in ("start", "end"))
        )
        if not ok:
            problems.append(Problem("needs leader, host, mentor, week and a slot "
                                    "{day, start, end}", f"assignments[{i}]"))
    if problems:
        raise ValidationError(problems)
    return rows


def _as_data(data: Any) -> Any:
    """A schedule as posted: already parsed, or JSON text from a page's hidden field."""
    if not isinstance(data, str):
        return data
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(f"not valid JSON: {exc.msg}", "schedule")]) from exc


def _as_day(value: date | str | None, field: str = "start_date") -> date:
    if isinstance(value, date):
        return value
    if not value:
        return next_monday()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError([Problem("must be a date written YYYY-MM-DD", field)]) from exc


def schedule_file(actor: Actor, data: Any) -> str:
    """SCHEDULE.json as the command line writes it."""
    require(actor, Permission.PROGRAMS_MANAGE)
    parsed = _as_data(data)
    read_assignments(parsed)
    return json.dumps(parsed, indent=2, ensure_ascii=False) + "\n"


def schedule_ics(actor: Actor, data: Any, start_date: date | str | None) -> str:
    """The schedule as an iCalendar file; week 1 starts on ``start_date`` (default: next
    Monday)."""
    require(actor, Permission.PROGRAMS_MANAGE)
    return to_ics(read_assignments(_as_data(data)), _as_day(start_date))


def create_rotation_sessions(
    session: Session, actor: Actor, data: Any, *, start_date: date | str, name: str,
    format_: str = "support", strategic_priority: str = "",
) -> dict[str, Any]:
    """One role-rotation program with a session per assignment: the leader, the host team
    and the mentor found by email and team name, on the slot's day. Every assignment is
    checked before anything is written."""
    require(actor, Permission.PROGRAMS_MANAGE)
    rows = read_assignments(_as_data(data))
    first = _as_day(start_date)
    if template_for("rotation", format_) is None:
        raise ValidationError([Problem("not a role-rotation format", "format")])
    people = {p.email: p.id for p in session.scalars(select(Person))}
    teams = {t.name: t.id for t in session.scalars(select(Team))}
    problems = []
    for i, row in enumerate(rows):
        for key, known in (("leader", people), ("mentor", people), ("host", teams)):
            if row[key] not in known:
                what = "person with that email" if key != "host" else "team with that name"
                problems.append(Problem(f"no {what}: {row[key]!r}", f"assignments[{i}].{key}"))
    if problems:
        raise ValidationError(problems)
    program = create_program(session, actor, name=name.strip() or "Role rotation",
                             kind="rotation",
                             strategic_priority=strategic_priority or "Learn from the frontline")
    for row in rows:
        begin, _end = session_times(first, row)
        add_session(session, actor, program, format_=format_, leader_id=people[row["leader"]],
                    scheduled_on=begin.date(), host_team_id=teams[row["host"]],
                    mentor_id=people[row["mentor"]])
    return {"program_id": program.id, "sessions": len(rows)}
