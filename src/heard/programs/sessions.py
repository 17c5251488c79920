"""Programs and their sessions, created from heard's templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import NotFound, ValidationError
from heard.programs.catalog import DEFAULT_GOALS, KINDS, template_for
from heard.store.tables.programs import Program, ProgramSession


def create_program(
    session: Session, actor: Actor, *, name: str, kind: str, strategic_priority: str
) -> Program:
    require(actor, Permission.PROGRAMS_MANAGE)
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}")
    program = Program(name=name.strip(), kind=kind, strategic_priority=strategic_priority.strip())
    session.add(program)
    session.flush()
    return program


def add_session(
    session: Session,
    actor: Actor,
    program: Program,
    *,
    format_: str,
    leader_id: int | None,
    scheduled_on: date | None = None,
    host_team_id: int | None = None,
    mentor_id: int | None = None,
) -> ProgramSession:
    """A session from the template for its format, with the default learning goals."""
    require(actor, Permission.PROGRAMS_MANAGE)
    template = template_for(program.kind, format_)
    if template is None:
        raise ValidationError(f"no {KINDS[program.kind]} template has the format {format_!r}")
    row = ProgramSession(
        program_id=program.id,
        title=template.title,
        format=format_,
        objective=f"{template.objective} Priority: {program.strategic_priority}",
        learning_goals=list(DEFAULT_GOALS),
        question_guide=list(template.guide),
        time_box_minutes=template.time_box_minutes,
        leader_id=leader_id,
        host_team_id=host_team_id,
        mentor_id=mentor_id,
        scheduled_on=scheduled_on,
        status="planned",
    )
    session.add(row)
    session.flush()
    return row


def session_dict(row: ProgramSession) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "format": row.format,
        "objective": row.objective,
        "learning_goals": row.learning_goals,
        "question_guide": row.question_guide,
        "time_box_minutes": row.time_box_minutes,
        "scheduled_on": row.scheduled_on.isoformat() if row.scheduled_on else None,
        "status": row.status,
    }


def my_sessions(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.PROGRAMS_OBSERVE)
    rows = session.scalars(
        select(ProgramSession)
        .where(ProgramSession.leader_id == actor.person_id)
        .order_by(ProgramSession.scheduled_on, ProgramSession.id)
    )
    return [session_dict(r) for r in rows]


def get_session(session: Session, actor: Actor, session_id: int) -> ProgramSession:
    require(actor, Permission.PROGRAMS_VIEW)
    row = session.get(ProgramSession, session_id)
    if row is None:
        raise NotFound(f"no program session {session_id}")
    return row
