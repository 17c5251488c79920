"""Cadence adherence for each leader's rituals, with reminders.

A ritual session is held ("done"), skipped, or still planned. Adherence is the share of a
leader's ritual sessions due so far that were held; a ritual is overdue when none was held
within its rhythm (a week for the weekly briefing), which is what the rituals page and the
home panel remind. (Pilots live in ``heard.programs.pilots``.)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, ValidationError
from heard.programs.catalog import RITUAL_EVERY_DAYS
from heard.programs.sessions import get_session
from heard.store.engine import read_rows
from heard.store.tables.programs import Program, ProgramSession

RECENT = 8  # recorded rituals shown on the page


# Built once: every leader's home page reads it.
_RITUALS = (
    select(ProgramSession.format, ProgramSession.status, ProgramSession.scheduled_on)
    .join(Program, Program.id == ProgramSession.program_id)
    .where(Program.kind == "ritual", ProgramSession.leader_id == bindparam("leader_id"))
)
RitualRow = tuple[str, str, date | None]  # format, status, scheduled day


def _ritual_rows(session: Session, actor: Actor) -> list[RitualRow]:
    rows = read_rows(session, _RITUALS, {"leader_id": actor.person_id})
    return [(format_, status, day) for format_, status, day in rows]


def ritual_cadence(
    session: Session, actor: Actor, today: date | None = None
) -> list[dict[str, Any]]:
    """One row per ritual the actor keeps: held, due so far, adherence, overdue."""
    require(actor, Permission.PROGRAMS_OBSERVE)
    return _cadence(_ritual_rows(session, actor), today or date.today())


def _cadence(rows: list[RitualRow], today: date) -> list[dict[str, Any]]:
    by_format: dict[str, list[tuple[str, date | None]]] = {}
    for format_, status, day in rows:
        by_format.setdefault(format_, []).append((status, day))
    return [_adherence(f, sessions, today) for f, sessions in sorted(by_format.items())]


def _adherence(
    format_: str, sessions: list[tuple[str, date | None]], today: date
) -> dict[str, Any]:
    every = RITUAL_EVERY_DAYS.get(format_, 7)
    due = [(s, d) for s, d in sessions if d is not None and d <= today]
    held = [d for s, d in due if s == "done" and d is not None]
    last = max(held, default=None)
    return {
        "ritual": format_,
        "every_days": every,
        "due": len(due),
        "held": len(held),
        "adherence": round(len(held) / len(due), 2) if due else None,
        "last_held": last.isoformat() if last else None,
        "overdue": bool(due) and (last is None or (today - last).days > every),
    }


def mark_ritual(session: Session, actor: Actor, session_id: int, held: bool) -> ProgramSession:
    """Record a session as held or skipped (a later record replaces an earlier one)."""
    require(actor, Permission.PROGRAMS_OBSERVE)
    row = get_session(session, actor, session_id)
    if row.leader_id != actor.person_id and not actor.can(Permission.PROGRAMS_MANAGE):
        raise Forbidden("you can only record your own rituals")
    today = date.today()
    if row.scheduled_on is not None and row.scheduled_on > today:
        raise ValidationError(f"this session is on {row.scheduled_on.isoformat()}; record it "
                              "on the day or after")
    row.status = "done" if held else "skipped"
    return row


def _ritual_row(row: ProgramSession, today: date) -> dict[str, Any]:
    return {
        "id": row.id, "ritual": row.format, "title": row.title,
        "scheduled_on": row.scheduled_on.isoformat() if row.scheduled_on else None,
        "status": row.status,
        "days_ago": (today - row.scheduled_on).days if row.scheduled_on else None,
    }


def ritual_sessions(
    session: Session, actor: Actor, today: date | None = None
) -> dict[str, Any]:
    """The actor's ritual sessions: due but not yet recorded, coming up, and recently recorded."""
    require(actor, Permission.PROGRAMS_OBSERVE)
    today = today or date.today()
    rows = list(session.scalars(
        select(ProgramSession)
        .join(Program, Program.id == ProgramSession.program_id)
        .where(Program.kind == "ritual", ProgramSession.leader_id == actor.person_id)
        .order_by(ProgramSession.scheduled_on.desc(), ProgramSession.id.desc())
    ))
    past = [r for r in rows if r.scheduled_on is not None and r.scheduled_on <= today]
    future = [r for r in rows if r.scheduled_on is None or r.scheduled_on > today]
    return {
        "to_record": [_ritual_row(r, today) for r in past if r.status == "planned"],
        "upcoming": [_ritual_row(r, today) for r in reversed(future)][:3],
        "recorded": [_ritual_row(r, today) for r in past if r.status != "planned"][:RECENT],
    }


def rituals_data(session: Session, actor: Actor, today: date | None = None) -> dict[str, Any]:
    """The rituals page: adherence per ritual, overdue reminders, and sessions to record."""
    cadence = ritual_cadence(session, actor, today)
    return {
        "rituals": cadence,
        "overdue": [r for r in cadence if r["overdue"]],
        **ritual_sessions(session, actor, today),
    }


def rituals_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """Home panel: the leader's rituals, overdue ones first; None when they keep none."""
    if actor.person_id is None or not actor.can(Permission.PROGRAMS_OBSERVE):
        return None
    today = date.today()
    sessions = _ritual_rows(session, actor)
    rows = _cadence(sessions, today)
    if not rows:
        return None
    # Same rule as ritual_sessions' "to_record", counted from the rows already read.
    to_record = sum(1 for _f, status, day in sessions
                    if status == "planned" and day is not None and day <= today)
    return {"rituals": sorted(rows, key=lambda r: not r["overdue"]),
            "overdue": sum(r["overdue"] for r in rows),
            "to_record": to_record}
