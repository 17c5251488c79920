"""Who may do what. The one access policy shared by the API, the pages and the CLI.

Domain functions call :func:`require` before they touch data; templates only decide what
to *show*, never what is *allowed*. Each capability adds its permissions here so the whole
policy can be read in one screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from heard.errors import Forbidden, NotAuthenticated


class Role(StrEnum):
    ADMIN = "admin"
    PEOPLE_PARTNER = "people_partner"
    LEADER = "leader"
    MEMBER = "member"
    CX_LEAD = "cx_lead"
    AGENT = "agent"
    EXECUTIVE = "executive"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Admin",
    Role.PEOPLE_PARTNER: "People partner",
    Role.LEADER: "Leader",
    Role.MEMBER: "Member",
    Role.CX_LEAD: "CX lead",
    Role.AGENT: "Agent",
    Role.EXECUTIVE: "Executive viewer",
}


class Permission(StrEnum):
    # foundation
    MANAGE_USERS = "users:manage"
    MANAGE_TOKENS = "tokens:manage"
    IMPORT_PEOPLE = "people:import"
    VIEW_PEOPLE = "people:view"
    VIEW_ORG = "org:view"
    VIEW_AUDIT = "audit:view"
    USE_OWN_TOKENS = "tokens:own"
    # pulse (heard.pulse)
    PULSE_ANSWER = "pulse:answer"  # answer rounds one is invited to; see own check-ins
    PULSE_LEAD = "pulse:lead"  # predict, see own teams' results, check-ins, decisions
    PULSE_VIEW_ORG = "pulse:org"  # organisation-wide aggregates
    PULSE_RUN = "pulse:run"  # create, open, close and publish rounds; reminders
    PULSE_CONFIGURE = "pulse:configure"  # item bank and the anonymity threshold k
    # signals: customer text is visible only with SIGNALS_VIEW
    SIGNALS_VIEW = "signals:view"
    SIGNALS_DASHBOARD = "signals:dashboard"
    SIGNALS_INGEST = "signals:ingest"
    SIGNALS_SCORE = "signals:score"
    SIGNALS_REVIEW = "signals:review"
    SIGNALS_WORK = "signals:work"
    SIGNALS_MANAGE = "signals:manage"
    # programs (heard.programs)
    PROGRAMS_VIEW = "programs:view"  # programs, sessions, debrief patterns
    PROGRAMS_OBSERVE = "programs:observe"  # log observations from sessions
    PROGRAMS_MANAGE = "programs:manage"  # programs, schedules, debriefs, promoting patterns
    EXPERIMENTS_UPDATE = "experiments:update"  # move an experiment one owns along
    COMMITMENTS_VIEW = "commitments:view"  # the commitments feed everyone can read


_EVERYONE = {Permission.VIEW_ORG, Permission.PULSE_ANSWER}
# Agents work queues and review scores; CX leads also ingest and manage rules and SLAs.
_SIGNALS_AGENT = {
    Permission.SIGNALS_VIEW,
    Permission.SIGNALS_DASHBOARD,
    Permission.SIGNALS_SCORE,
    Permission.SIGNALS_REVIEW,
    Permission.SIGNALS_WORK,
}
_SIGNALS_LEAD = _SIGNALS_AGENT | {Permission.SIGNALS_INGEST, Permission.SIGNALS_MANAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        _EVERYONE
        | {
            Permission.MANAGE_USERS,
            Permission.MANAGE_TOKENS,
            Permission.IMPORT_PEOPLE,
            Permission.VIEW_PEOPLE,
            Permission.VIEW_AUDIT,
            Permission.USE_OWN_TOKENS,
            Permission.PULSE_RUN,
            Permission.PULSE_CONFIGURE,
            Permission.PULSE_VIEW_ORG,
        }
        | _SIGNALS_LEAD
    ),
    Role.PEOPLE_PARTNER: frozenset(
        _EVERYONE
        | {
            Permission.IMPORT_PEOPLE,
            Permission.VIEW_PEOPLE,
            Permission.USE_OWN_TOKENS,
            Permission.PULSE_RUN,
            Permission.PULSE_VIEW_ORG,
        }
    ),
    Role.LEADER: frozenset(_EVERYONE | {Permission.VIEW_PEOPLE, Permission.PULSE_LEAD}),
    Role.MEMBER: frozenset(_EVERYONE),
    Role.CX_LEAD: frozenset(_EVERYONE | {Permission.USE_OWN_TOKENS} | _SIGNALS_LEAD),
    Role.AGENT: frozenset(_EVERYONE | _SIGNALS_AGENT),
    Role.EXECUTIVE: frozenset(
        _EVERYONE
        | {
            Permission.VIEW_PEOPLE,
            Permission.SIGNALS_DASHBOARD,
            Permission.PULSE_LEAD,
            Permission.PULSE_VIEW_ORG,
        }
    ),
}


# programs: people partners run programs and debriefs; leaders take part, log what they saw
# and own experiments; everyone reads the commitments feed.
_PROGRAMS_TAKE_PART = {
    Permission.PROGRAMS_VIEW,
    Permission.PROGRAMS_OBSERVE,
    Permission.EXPERIMENTS_UPDATE,
    Permission.COMMITMENTS_VIEW,
}
_PROGRAMS_RUN = _PROGRAMS_TAKE_PART | {Permission.PROGRAMS_MANAGE}
_PROGRAMS_BY_ROLE: dict[Role, set[Permission]] = {
    Role.ADMIN: _PROGRAMS_RUN,
    Role.PEOPLE_PARTNER: _PROGRAMS_RUN,
    Role.LEADER: _PROGRAMS_TAKE_PART,
    Role.EXECUTIVE: {Permission.PROGRAMS_VIEW, Permission.COMMITMENTS_VIEW},
}
ROLE_PERMISSIONS = {
    role: granted | _PROGRAMS_BY_ROLE.get(role, {Permission.COMMITMENTS_VIEW})
    for role, granted in ROLE_PERMISSIONS.items()
}

@dataclass(frozen=True)
class Actor:
    """Whoever is asking: a signed-in user, an API token's owner, or the local operator."""

    user_id: int | None
    name: str
    email: str
    role: Role
    person_id: int | None = None
    via: str = "session"  # session | token | cli

    @property
    def label(self) -> str:
        return f"{self.email} ({self.via})"

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


# The CLI runs on the server with direct database access; it acts as the operator.
OPERATOR = Actor(
    user_id=None, name="operator", email="operator@localhost", role=Role.ADMIN, via="cli"
)


def require(actor: Actor | None, permission: Permission) -> Actor:
    """Return the actor if allowed, raise otherwise. Call this first in domain functions."""
    if actor is None:
        raise NotAuthenticated("sign in first")
    if not actor.can(permission):
        raise Forbidden(f"your role ({actor.role.label}) may not do this: {permission.value}")
    return actor
