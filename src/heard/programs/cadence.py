"""Cadence adherence for each leader's rituals, and the pilot workflow.

A ritual session is held ("done"), skipped, or still planned. Adherence is the share of a
leader's ritual sessions due so far that were held; a ritual is overdue when none was held
within its rhythm (a week for the weekly briefing), which is what the home panel reminds.

A pilot is deliberately small: one product area, a short immersion, a debrief, a few
changes (three by default) and a quarter of measuring. Its stage follows from its dates and
what has been linked to it, so nobody has to move it along by hand.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, Problem, ValidationError
from heard.programs.catalog import RITUAL_EVERY_DAYS
from heard.programs.sessions import get_session
from heard.store.tables.programs import Pilot, Program, ProgramSession

MEASURE_DAYS = 92  # "the next quarter"


def ritual_cadence(
    session: Session, actor: Actor, today: date | None = None
) -> list[dict[str, Any]]:
    """One row per ritual the actor keeps: held, due so far, adherence, overdue."""
    require(actor, Permission.PROGRAMS_OBSERVE)
    today = today or date.today()
    rows = session.execute(
        select(ProgramSession.format, ProgramSession.status, ProgramSession.scheduled_on)
        .join(Program, Program.id == ProgramSession.program_id)
        .where(Program.kind == "ritual", ProgramSession.leader_id == actor.person_id)
    ).all()
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
    require(actor, Permission.PROGRAMS_OBSERVE)
    row = get_session(session, actor, session_id)
    if row.leader_id != actor.person_id and not actor.can(Permission.PROGRAMS_MANAGE):
        raise Forbidden("you can only record your own rituals")
    row.status = "done" if held else "skipped"
    return row


def start_pilot(
    session: Session, actor: Actor, *, product_area: str, starts_on: date | str,
    immersion_days: int = 14, changes_planned: int = 3,
) -> Pilot:
    require(actor, Permission.PROGRAMS_MANAGE)
    if isinstance(starts_on, str):
        try:
            starts_on = date.fromisoformat(starts_on)
        except ValueError as exc:
            raise ValidationError([Problem("a date like 2026-03-02", "starts_on")]) from exc
    if not product_area.strip():
        raise ValidationError("a pilot needs one product area")
    if not 1 <= immersion_days <= 42:
        raise ValidationError("keep the immersion short: 1 to 42 days")
    program = Program(name=f"Pilot: {product_area.strip()}", kind="immersion",
                      strategic_priority=f"Pilot in {product_area.strip()}")
    session.add(program)
    session.flush()
    pilot = Pilot(product_area=product_area.strip(), program_id=program.id, starts_on=starts_on,
                  immersion_days=immersion_days, changes_planned=changes_planned,
                  experiment_ids=[], created_by=actor.label)
    session.add(pilot)
    session.flush()
    return pilot


def pilot_view(pilot: Pilot, today: date) -> dict[str, Any]:
    immersion_ends = pilot.starts_on + timedelta(days=pilot.immersion_days)
    measure_ends = immersion_ends + timedelta(days=MEASURE_DAYS)
    if today < immersion_ends:
        stage = "immersion"
    elif pilot.debrief_id is None:
        stage = "debrief"
    elif len(pilot.experiment_ids) < pilot.changes_planned:
        stage = "changes"
    elif today <= measure_ends:
        stage = "measuring"
    else:
        stage = "done"
    return {
        "id": pilot.id, "product_area": pilot.product_area, "program_id": pilot.program_id,
        "stage": stage, "starts_on": pilot.starts_on.isoformat(),
        "immersion_ends": immersion_ends.isoformat(), "measure_until": measure_ends.isoformat(),
        "changes": len(pilot.experiment_ids), "changes_planned": pilot.changes_planned,
    }


def pilots(session: Session, actor: Actor, today: date | None = None) -> list[dict[str, Any]]:
    require(actor, Permission.PROGRAMS_VIEW)
    rows = session.scalars(select(Pilot).order_by(Pilot.id.desc()))
    return [pilot_view(p, today or date.today()) for p in rows]


def rituals_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """Home panel: the leader's rituals, overdue ones first; None when they keep none."""
    if actor.person_id is None or not actor.can(Permission.PROGRAMS_OBSERVE):
        return None
    rows = ritual_cadence(session, actor)
    if not rows:
        return None
    return {"rituals": sorted(rows, key=lambda r: not r["overdue"]),
            "overdue": sum(r["overdue"] for r in rows)}
