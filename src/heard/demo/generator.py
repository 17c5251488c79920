"""Run the demo steps in order against one transaction."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.passwords import hash_password
from heard.accounts.policy import OPERATOR, Role
from heard.demo.organisation import OrgPlan, plan_organisation
from heard.errors import Conflict
from heard.org.importer import import_people
from heard.store.tables.accounts import User
from heard.store.tables.org import Person, Team
from heard.store.wipe import delete_all_rows

DEMO_PASSWORD = "heard-demo"

# role -> (email, display name, (team the persona sits in, is that team's leader?))
PERSONAS: dict[Role, tuple[str, str, str, bool]] = {
    Role.ADMIN: ("alice@heard.example", "Alice Admin", "Workplace & IT", False),
    Role.PEOPLE_PARTNER: ("pat@heard.example", "Pat Partner", "People Partners", False),
    Role.LEADER: ("lee@heard.example", "Lee Leader", "Support Tier 1 EMEA", True),
    Role.MEMBER: ("mo@heard.example", "Mo Member", "Support Tier 1 EMEA", False),
    Role.CX_LEAD: ("cora@heard.example", "Cora CX", "Support Operations", False),
    Role.AGENT: ("ari@heard.example", "Ari Agent", "Support Tier 2", False),
    Role.EXECUTIVE: ("eve@heard.example", "Eve Executive", "Leadership", True),
}


@dataclass
class DemoContext:
    """What every demo step can use and extend."""

    session: Session
    rng: random.Random
    today: date
    plan: OrgPlan = field(default_factory=OrgPlan)
    logins: dict[Role, User] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def people(self) -> list[Person]:
        return list(self.session.scalars(select(Person).order_by(Person.id)))

    def teams(self) -> list[Team]:
        return list(self.session.scalars(select(Team).order_by(Team.id)))


DemoStep = Callable[[DemoContext], None]


def _cast_personas(plan: OrgPlan) -> None:
    """Give the demo logins memorable names by taking over generated people."""
    taken: set[str] = set()
    for email, name, team, is_leader in PERSONAS.values():
        if is_leader:
            person = plan.leader_of(team)
        else:
            person = next(
                p for p in plan.by_team(team) if not p.leads_team and p.employee_id not in taken
            )
        taken.add(person.employee_id)
        person.email, person.name = email, name


def build_organisation(ctx: DemoContext) -> None:
    ctx.plan = plan_organisation(ctx.rng, ctx.today)
    _cast_personas(ctx.plan)
    result = import_people(ctx.session, OPERATOR, ctx.plan.to_csv())
    ctx.summary["people"] = result.created


def create_accounts(ctx: DemoContext) -> None:
    """Everyone gets an account (leaders as leaders); only the personas get a password."""
    leaders = {t.leader_id for t in ctx.teams()}
    persona_by_email = {email: role for role, (email, *_rest) in PERSONAS.items()}
    password_hash = hash_password(DEMO_PASSWORD)
    for person in ctx.people():
        role = persona_by_email.get(person.email)
        user = User(
            email=person.email,
            name=person.name,
            person_id=person.id,
            role=(role or (Role.LEADER if person.id in leaders else Role.MEMBER)).value,
            password_hash=password_hash if role else None,
        )
        ctx.session.add(user)
        if role:
            ctx.logins[role] = user
    ctx.session.flush()
    ctx.summary["logins"] = {r.value: ctx.logins[r].email for r in Role if r in ctx.logins}


# Later capabilities append their steps here, in dependency order.
STEPS: list[tuple[str, DemoStep]] = [
    ("organisation", build_organisation),
    ("accounts", create_accounts),
]


def _pulse(ctx: DemoContext) -> None:
    from heard.pulse import demo  # imported late: heard.pulse.demo imports this module

    demo.build(ctx)


STEPS.append(("pulse", _pulse))


def _signals(ctx: DemoContext) -> None:
    from heard.signals import demo  # imported late: it needs the tables and the models

    demo.build(ctx)


STEPS.append(("signals", _signals))


def _programs(ctx: DemoContext) -> None:
    from heard.programs import demo  # imported late, like the steps above

    demo.build(ctx)


STEPS.append(("programs", _programs))


@dataclass(frozen=True)
class DemoSummary:
    logins: dict[str, str]
    password: str
    details: dict[str, Any]


def load_demo(
    session: Session, *, seed: int = 7, today: date | None = None, reset: bool = False
) -> DemoSummary:
    if reset:
        delete_all_rows(session)
    elif session.scalar(select(Person.id).limit(1)) is not None:
        raise Conflict("the database already holds people; use `heard demo --reset` to replace")
    ctx = DemoContext(session=session, rng=random.Random(seed), today=today or date.today())
    for _name, step in STEPS:
        step(ctx)
    logins = ctx.summary.pop("logins")
    return DemoSummary(logins=logins, password=DEMO_PASSWORD, details=ctx.summary)
