"""What leaders saw, captured quickly and redacted before it is stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, Problem, ValidationError
from heard.programs.catalog import OBSERVATION_KINDS
from heard.programs.patterns import Item, find_patterns
from heard.programs.sessions import get_session
from heard.redaction import redact
from heard.store.tables.org import Person
from heard.store.tables.programs import Observation, ProgramSession

TOUCHPOINTS = ("onboarding", "billing", "support", "product", "delivery", "offboarding")
SEGMENTS = ("consumer", "small business", "enterprise", "public sector")


def log_observation(
    session: Session,
    actor: Actor,
    session_id: int,
    *,
    kind: str,
    text: str,
    touchpoint: str = "",
    segment: str = "",
    severity: int = 2,
) -> Observation:
    """Store one observation; customer personal data is replaced by placeholders first."""
    require(actor, Permission.PROGRAMS_OBSERVE)
    program_session = get_session(session, actor, session_id)
    if program_session.leader_id != actor.person_id and not actor.can(Permission.PROGRAMS_MANAGE):
        raise Forbidden("you can only log observations for sessions you take part in")
    problems = []
    if kind not in OBSERVATION_KINDS:
        problems.append(Problem(f"must be one of {', '.join(OBSERVATION_KINDS)}", "kind"))
    if not text.strip():
        problems.append(Problem("write what you saw or heard", "text"))
    if not 1 <= severity <= 4:
        problems.append(Problem("must be 1 (minor) to 4 (severe)", "severity"))
    if problems:
        raise ValidationError(problems)
    cleaned = redact(text.strip())
    row = Observation(
        session_id=session_id,
        leader_id=actor.person_id,
        kind=kind,
        text=cleaned.text,
        touchpoint=touchpoint.strip()[:60],
        segment=segment.strip()[:60],
        severity=severity,
        redactions=len(cleaned.spans),
    )
    session.add(row)
    session.flush()
    return row


def debrief_items(session: Session, program_id: int | None = None) -> list[Item]:
    query = select(Observation, ProgramSession.program_id, Person.name).join(
        ProgramSession, ProgramSession.id == Observation.session_id
    ).outerjoin(Person, Person.id == Observation.leader_id)
    if program_id is not None:
        query = query.where(ProgramSession.program_id == program_id)
    return [
        Item(str(o.id), o.text, str(o.session_id), name or str(o.leader_id), o.segment)
        for o, _program, name in session.execute(query.order_by(Observation.id))
    ]


def run_debrief(session: Session, actor: Actor, program_id: int | None = None) -> dict[str, Any]:
    """The same pattern finder as `heard programs patterns`, over stored observations."""
    require(actor, Permission.PROGRAMS_MANAGE)
    items = debrief_items(session, program_id)
    result = find_patterns(items)
    by_id = {item.id: item for item in items}
    result["anecdote_texts"] = [by_id[i].text for i in result["anecdotes"]]
    result["observations"] = len(items)
    return result
