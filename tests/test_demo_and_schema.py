"""The demo organisation is believable and deterministic; the schema migrates cleanly."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.app import Heard
from heard.demo import load_demo
from heard.demo.generator import DEMO_PASSWORD
from heard.signals import sla
from heard.signals.demo import OPEN_WINDOW
from heard.store import migrate
from heard.store.engine import utcnow
from heard.store.tables.accounts import User
from heard.store.tables.org import Department, Person, Team
from heard.store.tables.signals import Case


def test_migrations_leave_the_database_at_head(heard_app: Heard) -> None:
    assert migrate.is_current(heard_app.db)


def test_demo_builds_a_believable_organisation_with_one_login_per_role(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        summary = load_demo(s, seed=7, today=date(2026, 11, 1))
    with heard_app.transaction() as s:
        _assert_a_believable_support_backlog(s)
    with heard_app.transaction() as s:
        people = s.scalar(select(func.count(Person.id))) or 0
        teams = list(s.scalars(select(Team)))
        departments = s.scalar(select(func.count(Department.id)))
        sizes = dict(s.execute(select(Person.team_id, func.count()).group_by(Person.team_id)).all())
        logins = list(s.scalars(select(User).where(User.password_hash.is_not(None))))
    assert 370 <= people <= 430
    assert len(teams) == 45 and departments == 5
    assert all(t.leader_id is not None for t in teams)
    assert sum(1 for t in teams if t.parent_id is None) == 1  # one root: the leadership team
    assert any(sizes.get(t.id, 0) < 5 for t in teams)  # some teams too small to report
    assert {u.role for u in logins} == {
        "admin",
        "people_partner",
        "leader",
        "member",
        "cx_lead",
        "agent",
        "executive",
    }
    assert set(summary.logins.values()) == {u.email for u in logins}
    assert summary.password == DEMO_PASSWORD


def test_demo_is_deterministic(heard_app: Heard) -> None:
    def snapshot() -> list[tuple[str, str, str]]:
        with heard_app.transaction() as s:
            load_demo(s, seed=3, today=date(2026, 1, 1), reset=True)
        with heard_app.transaction() as s:
            rows = s.execute(
                select(Person.employee_id, Person.name, Person.email).order_by(Person.employee_id)
            ).all()
            return [tuple(r) for r in rows]

    assert snapshot() == snapshot()


def _assert_a_believable_support_backlog(s: Session) -> None:
    """The team has been working its cases: a backlog, some of it late, not everything late;
    recent distress cases are still open with the specialists; nothing was done before it
    arrived or in the future."""
    now = utcnow()
    cases = list(s.scalars(select(Case)))
    open_cases = [c for c in cases if c.status != "resolved"]
    late_now = [c for c in open_cases if any(sla.breaches(c, now).values())]
    assert len(cases) > 1000
    assert 0 < len(late_now) < 0.5 * len(open_cases)
    recent_distress = [c for c in cases if c.distress and now - c.opened_at <= OPEN_WINDOW]
    assert recent_distress
    assert all(c.status != "resolved" for c in recent_distress)
    for c in cases:
        for done in (c.first_response_at, c.resolved_at):
            assert done is None or c.opened_at <= done <= now
    late_replies = sum(sla.breaches(c, now)["first_response"] for c in cases)
    assert late_replies < 0.25 * len(cases)
