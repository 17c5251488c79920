"""Read the organisation chart."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import NotFound
from heard.store.engine import read_dicts, read_rows
from heard.store.tables.org import Department, Person, Team

# Fixed statements are built once: composing a select costs more than running it on the
# demo-sized organisation, and these two sit on every home page and the teams API.
_SUMMARY = select(
    select(func.count(Department.id)).scalar_subquery().label("departments"),
    select(func.count(Team.id)).scalar_subquery().label("teams"),
    select(func.count(Person.id)).where(Person.active.is_(True)).scalar_subquery().label("people"),
)
_LEADER = aliased(Person, name="leader")
_TEAMS = (
    select(
        Team.id,
        Team.name,
        Department.name.label("department"),
        Team.parent_id,
        _LEADER.name.label("leader"),
        Team.leader_id,
        select(func.count(Person.id))
        .where(Person.team_id == Team.id, Person.active.is_(True))
        .correlate(Team)
        .scalar_subquery()
        .label("size"),
    )
    .join(Department, Department.id == Team.department_id)
    .outerjoin(_LEADER, _LEADER.id == Team.leader_id)
    .order_by(Department.name, Team.name)
)


def org_summary(session: Session, actor: Actor) -> dict[str, int]:
    require(actor, Permission.VIEW_ORG)
    row = read_rows(session, _SUMMARY).one()
    return {"departments": row.departments or 0, "teams": row.teams or 0, "people": row.people or 0}


def list_teams(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Teams with their department, parent, leader and head count."""
    require(actor, Permission.VIEW_ORG)
    return read_dicts(session, _TEAMS)


def person_to_dict(person: Person, team: str, department: str) -> dict[str, Any]:
    return {
        "id": person.id,
        "employee_id": person.employee_id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "team": team,
        "department": department,
        "location": person.location,
        "start_date": person.start_date.isoformat() if person.start_date else None,
    }


def list_people(
    session: Session, actor: Actor, *, query: str = "", limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """The staff directory. Personal data, so every read is audited."""
    require(actor, Permission.VIEW_PEOPLE)
    stmt = (
        select(Person, Team.name, Department.name)
        .join(Team, Team.id == Person.team_id)
        .join(Department, Department.id == Person.department_id)
        .where(Person.active.is_(True))
    )
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(
            func.lower(Person.name).like(like)
            | func.lower(Person.email).like(like)
            | func.lower(Team.name).like(like)
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Person.name).limit(limit).offset(offset))
    people = [person_to_dict(p, t, d) for p, t, d in rows]
    audit.record(session, actor, "people.read", "people", query=query, count=len(people))
    return {"total": total, "people": people, "query": query}


def teams_led_by(session: Session, person_id: int) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.leader_id == person_id)))


def team_tree_ids(session: Session, root_team_id: int) -> list[int]:
    """The team and every team below it in the hierarchy."""
    parents = dict(session.execute(select(Team.id, Team.parent_id)).all())
    children: dict[int, list[int]] = {}
    for team_id, parent_id in parents.items():
        if parent_id is not None and parent_id != team_id:
            children.setdefault(parent_id, []).append(team_id)
    found, stack = [], [root_team_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    return person
