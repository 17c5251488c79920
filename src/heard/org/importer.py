"""Import an HRIS-style people export (CSV).

Columns: ``employee_id, name, email, department, team`` are required;
``manager_employee_id, title, location, start_date, leads_team`` are optional.

A leader is a member of their own manager's team and leads the team named in
``leads_team``; so a team's parent is the team its leader belongs to.

The file is validated completely before anything is written. Any problem rejects the
whole file (:class:`~heard.errors.ImportRejected`, listing line, field and reason for
each); otherwise it is applied in the caller's transaction. Re-importing the same file
changes nothing: people are matched on ``employee_id``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.accounts.users import EMAIL_RE
from heard.errors import ImportRejected, Problem
from heard.store.tables.org import Department, Person, Team

REQUIRED = ("employee_id", "name", "email", "department", "team")
OPTIONAL = ("manager_employee_id", "title", "location", "start_date", "leads_team")


@dataclass
class PersonRow:
    line: int
    employee_id: str
    name: str
    email: str
    department: str
    team: str
    manager_employee_id: str = ""
    title: str = ""
    location: str = ""
    start_date: date | None = None
    leads_team: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    teams_created: int = 0
    departments_created: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "teams_created": self.teams_created,
            "departments_created": self.departments_created,
        }


def read_rows(stream: IO[str]) -> tuple[list[PersonRow], list[Problem]]:
    """Parse and check each row on its own. Cross-row checks come later."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [Problem(f"missing column(s): {', '.join(missing)}", line=1)]
    reader.fieldnames = header
    rows, problems = [], []
    for raw in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        row_problems = [
            Problem("must not be empty", field=name, line=line)
            for name in REQUIRED
            if not values.get(name)
        ]
        email = values.get("email", "").lower()
        if email and not EMAIL_RE.match(email):
            row_problems.append(Problem(f"not a valid email address: {email!r}", "email", line))
        start = None
        if values.get("start_date"):
            try:
                start = date.fromisoformat(values["start_date"])
            except ValueError:
                row_problems.append(
                    Problem(
                        f"not a date (use YYYY-MM-DD): {values['start_date']!r}", "start_date", line
                    )
                )
        problems.extend(row_problems)
        if not row_problems:
            rows.append(
                PersonRow(
                    line=line,
                    employee_id=values["employee_id"],
                    name=values["name"],
                    email=email,
                    department=values["department"],
                    team=values["team"],
                    manager_employee_id=values.get("manager_employee_id", ""),
                    title=values.get("title", ""),
                    location=values.get("location", ""),
                    start_date=start,
                    leads_team=values.get("leads_team", ""),
                )
            )
    return rows, problems


def _first_seen(rows: Iterable[PersonRow], key: str, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for row in rows:
        value = getattr(row, key).lower()
        if value in seen:
            problems.append(
                Problem(f"duplicate {what}; first on line {seen[value]}", key, row.line)
            )
        else:
            seen[value] = row.line
    return problems


def check_rows(session: Session, rows: list[PersonRow]) -> list[Problem]:
    """Checks across rows and against what is already stored."""
    problems = _first_seen(rows, "employee_id", "employee id")
    problems += _first_seen(rows, "email", "email")
    problems += _first_seen([r for r in rows if r.leads_team], "leads_team", "leader for team")
    ids_in_file = {r.employee_id for r in rows}
    stored = dict(session.execute(select(Person.email, Person.employee_id)).all())
    stored_ids = set(stored.values())
    teams_in_file = {r.team.lower() for r in rows}
    for row in rows:
        owner = stored.get(row.email)
        if owner is not None and owner != row.employee_id:
            problems.append(Problem(f"email belongs to employee {owner}", "email", row.line))
        manager = row.manager_employee_id
        if manager and manager == row.employee_id:
            problems.append(
                Problem("a person cannot manage themselves", "manager_employee_id", row.line)
            )
        elif manager and manager not in ids_in_file and manager not in stored_ids:
            problems.append(
                Problem(f"unknown manager {manager!r}", "manager_employee_id", row.line)
            )
        if row.leads_team and row.leads_team.lower() not in teams_in_file:
            problems.append(
                Problem(
                    f"team {row.leads_team!r} has no members in this file", "leads_team", row.line
                )
            )
    return sorted(problems, key=lambda p: (p.line or 0, p.field or ""))


def team_departments(rows: list[PersonRow]) -> dict[str, str]:
    """A team sits in its leader's department; a team without a leader in the file takes
    its first member's. People may belong to a team outside their own department (a VP
    sits in the leadership team), so the two are kept apart."""
    departments = {r.leads_team.lower(): r.department for r in rows if r.leads_team}
    for row in rows:
        departments.setdefault(row.team.lower(), row.department)
    return departments


def _upsert_structure(
    session: Session, rows: list[PersonRow], result: ImportResult
) -> tuple[dict[str, Department], dict[str, Team]]:
    departments = {d.name.lower(): d for d in session.scalars(select(Department))}
    teams = {t.name.lower(): t for t in session.scalars(select(Team))}
    for row in rows:
        dept = departments.get(row.department.lower())
        if dept is None:
            dept = departments[row.department.lower()] = Department(name=row.department)
            session.add(dept)
            result.departments_created += 1
    session.flush()
    for key, dept_name in team_departments(rows).items():
        dept = departments[dept_name.lower()]
        team = teams.get(key)
        if team is None:
            name = next(r.team for r in rows if r.team.lower() == key)
            team = teams[key] = Team(name=name, department_id=dept.id)
            session.add(team)
            result.teams_created += 1
        elif team.department_id != dept.id:
            team.department_id = dept.id
    session.flush()
    return departments, teams


def _apply_person(person: Person, row: PersonRow, dept: Department, team: Team) -> bool:
    """Copy the row onto the person; say whether anything changed."""
    new = {
        "name": row.name,
        "email": row.email,
        "title": row.title,
        "location": row.location,
        "start_date": row.start_date,
        "department_id": dept.id,
        "team_id": team.id,
        "active": True,
    }
    changed = False
    for attr, value in new.items():
        if getattr(person, attr) != value:
            setattr(person, attr, value)
            changed = True
    return changed


def _apply_links(
    person: Person, row: PersonRow, people: dict[str, Person], teams: dict[str, Team]
) -> bool:
    """Set manager and team leadership; say whether anything changed."""
    manager = people[row.manager_employee_id].id if row.manager_employee_id else None
    changed = person.manager_id != manager
    person.manager_id = manager
    if row.leads_team:
        team = teams[row.leads_team.lower()]
        parent = person.team_id if person.team_id != team.id else None
        changed |= team.leader_id != person.id or team.parent_id != parent
        team.leader_id, team.parent_id = person.id, parent
    return changed


def apply_rows(session: Session, rows: list[PersonRow]) -> ImportResult:
    result = ImportResult()
    departments, teams = _upsert_structure(session, rows, result)
    people = {p.employee_id: p for p in session.scalars(select(Person))}
    status: dict[str, str] = {}
    for row in rows:
        dept, team = departments[row.department.lower()], teams[row.team.lower()]
        person = people.get(row.employee_id)
        if person is None:
            person = people[row.employee_id] = Person(employee_id=row.employee_id)
            _apply_person(person, row, dept, team)
            session.add(person)
            status[row.employee_id] = "created"
        else:
            changed = _apply_person(person, row, dept, team)
            status[row.employee_id] = "updated" if changed else "unchanged"
    session.flush()  # new people need ids before managers and leaders can point at them
    for row in rows:
        linked = _apply_links(people[row.employee_id], row, people, teams)
        if linked and status[row.employee_id] == "unchanged":
            status[row.employee_id] = "updated"
    session.flush()
    outcomes = list(status.values())
    result.created = outcomes.count("created")
    result.updated = outcomes.count("updated")
    result.unchanged = outcomes.count("unchanged")
    return result


def import_people(session: Session, actor: Actor, stream: IO[str] | str) -> ImportResult:
    """Validate the whole file, then apply it. Raises ImportRejected with every problem."""
    require(actor, Permission.IMPORT_PEOPLE)
    if isinstance(stream, str):
        stream = io.StringIO(stream)
    rows, problems = read_rows(stream)
    if not problems:
        problems = check_rows(session, rows)
    if problems:
        raise ImportRejected(problems)
    result = apply_rows(session, rows)
    audit.record(session, actor, "people.import", "people", **result.to_dict())
    return result
