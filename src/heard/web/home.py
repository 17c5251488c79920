"""Each role's home page is a list of panels. Capabilities register panels here; a panel's
builder returns None when it has nothing for this actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from heard.accounts.policy import Actor, Role
from heard.org.queries import org_summary
from heard.programs.cadence import rituals_panel
from heard.pulse.checkins import home_panel as checkins_panel
from heard.pulse.views import home_panel as pulse_panel
from heard.signals.inbox import overview_panel, queue_panel
from heard.store.engine import read_rows
from heard.store.tables.accounts import User
from heard.store.tables.org import Person, Team

PanelBuilder = Callable[[Session, Actor], dict[str, Any] | None]


@dataclass(frozen=True)
class HomePanel:
    key: str
    title: str
    template: str
    build: PanelBuilder


ROLE_INTROS = {
    Role.ADMIN: "Set up the organisation, accounts, privacy rules and API tokens.",
    Role.PEOPLE_PARTNER: "Run pulse rounds, programs and trainings; see the organisation-wide "
    "picture.",
    Role.LEADER: "Predict how your team is doing, see where you were wrong, and close the gap.",
    Role.MEMBER: "Say what gets in your way. Your pulse answers are anonymous.",
    Role.CX_LEAD: "See how customers feel across every conversation, and route the ones that "
    "need care.",
    Role.AGENT: "Work the queues that need a human: escalations and reviews.",
    Role.EXECUTIVE: "Read-only dashboards: the empathy gap, customer signals, and their impact.",
}


def _org_panel(session: Session, actor: Actor) -> dict[str, Any]:
    return org_summary(session, actor)


_LEADER = aliased(Person, name="leader")
# Built once with bind parameters: composing selects costs more than running them here.
_MY_TEAM = (
    select(Team.name, _LEADER.name.label("leader"))
    .join(Person, Person.team_id == Team.id)
    .outerjoin(_LEADER, _LEADER.id == Team.leader_id)
    .where(Person.id == bindparam("person_id"))
)
_TEAMS_LED = (
    select(Team.name, func.count(Person.id))
    .outerjoin(Person, (Person.team_id == Team.id) & Person.active.is_(True))
    .where(Team.leader_id == bindparam("person_id"))
    .group_by(Team.id, Team.name)
    .order_by(Team.name)
)


def _my_team_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    if actor.person_id is None:
        return None
    me = {"person_id": actor.person_id}
    row = read_rows(session, _MY_TEAM, me).first()
    if row is None:
        return None
    led = read_rows(session, _TEAMS_LED, me).all()
    return {
        "team": row.name,
        "leader": row.leader,
        "leads": [{"team": name, "size": size} for name, size in led],
    }


def _accounts_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    if actor.role is not Role.ADMIN:
        return None
    by_role = session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all()
    return {"by_role": [{"role": Role(r).label, "count": n} for r, n in sorted(by_role)]}


HOME_PANELS: list[HomePanel] = [
    HomePanel("my_team", "Your team", "panels/my_team.html", _my_team_panel),
    HomePanel("pulse", "Pulse", "panels/pulse.html", pulse_panel),
    HomePanel("checkins", "Your check-ins", "panels/checkins.html", checkins_panel),
    HomePanel("organisation", "Organisation", "panels/organisation.html", _org_panel),
    HomePanel("accounts", "Accounts", "panels/accounts.html", _accounts_panel),
    HomePanel("signals_queue", "Your queue", "panels/signals_queue.html", queue_panel),
    HomePanel(
        "signals_overview", "Customer signals", "panels/signals_overview.html", overview_panel
    ),
    HomePanel("rituals", "Your rituals", "panels/rituals.html", rituals_panel),
]


def home_data(session: Session, actor: Actor) -> dict[str, Any]:
    panels = []
    for panel in HOME_PANELS:
        data = panel.build(session, actor)
        if data is not None:
            panels.append(
                {"key": panel.key, "title": panel.title, "template": panel.template, "data": data}
            )
    return {
        "user": {
            "name": actor.name,
            "email": actor.email,
            "role": actor.role.value,
            "role_label": actor.role.label,
        },
        "intro": ROLE_INTROS[actor.role],
        "panels": panels,
    }
