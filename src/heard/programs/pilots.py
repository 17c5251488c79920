"""The pilot workflow: one product area, a short immersion cycle, a debrief, a few actionable
changes (three by default), then measurement over the next quarter.

A pilot owns an immersion program. Its sessions are that program's sessions, its debrief is
a debrief saved over that program's observations, and its changes are experiments linked to
it (by promoting one of its debrief's patterns, or by linking an existing experiment). The
stage follows from the dates and from what has been linked, so nobody moves it by hand, and
the page says what is missing before the next stage.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, NotFound, Problem, ValidationError
from heard.programs.catalog import KINDS, TEMPLATES
from heard.programs.debriefs import debrief_view, save_debrief
from heard.programs.sessions import add_session
from heard.store.tables.org import Person
from heard.store.tables.programs import (
    Debrief,
    Experiment,
    Observation,
    Pilot,
    Program,
    ProgramSession,
)

MEASURE_DAYS = 92  # "the next quarter"
STAGES = ("immersion", "debrief", "changes", "measuring", "done")
IMMERSION_FORMATS = tuple(t.format for t in TEMPLATES if t.kind == "immersion")


def _day(value: date | str, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError([Problem("a date like 2026-03-02", field)]) from exc


def start_pilot(
    session: Session, actor: Actor, *, product_area: str, starts_on: date | str,
    immersion_days: int = 14, changes_planned: int = 3,
) -> Pilot:
    require(actor, Permission.PROGRAMS_MANAGE)
    starts = _day(starts_on, "starts_on")
    if not product_area.strip():
        raise ValidationError([Problem("a pilot needs one product area", "product_area")])
    if not 1 <= immersion_days <= 42:
        raise ValidationError([Problem("keep the immersion short: 1 to 42 days",
                                       "immersion_days")])
    if not 1 <= changes_planned <= 10:
        raise ValidationError([Problem("plan 1 to 10 changes (three is the rule of thumb)",
                                       "changes_planned")])
    program = Program(name=f"Pilot: {product_area.strip()}", kind="immersion",
                      strategic_priority=f"Pilot in {product_area.strip()}")
    session.add(program)
    session.flush()
    pilot = Pilot(product_area=product_area.strip()[:120], program_id=program.id,
                  starts_on=starts, immersion_days=immersion_days,
                  changes_planned=changes_planned, experiment_ids=[], created_by=actor.label)
    session.add(pilot)
    session.flush()
    return pilot


def _stage(pilot: Pilot, today: date) -> str:
    immersion_ends = pilot.starts_on + timedelta(days=pilot.immersion_days)
    if today < immersion_ends:
        return "immersion"
    if pilot.debrief_id is None:
        return "debrief"
    if len(pilot.experiment_ids) < pilot.changes_planned:
        return "changes"
    if today <= immersion_ends + timedelta(days=MEASURE_DAYS):
        return "measuring"
    return "done"


def _missing(view: dict[str, Any]) -> list[str]:
    """What stands between the pilot and its next stage, in words."""
    stage, sessions, observations = view["stage"], view["sessions"], view["observations"]
    missing = []
    if stage == "immersion":
        if not sessions:
            missing.append("No immersion sessions yet: add the leaders who will take part.")
        missing.append(f"The immersion runs until {view['immersion_ends']}; "
                       f"{observations} observations logged so far.")
    elif stage == "debrief":
        if not observations:
            missing.append("No observations from the pilot's sessions: leaders log them "
                           "under My sessions, then save a debrief.")
        else:
            missing.append(f"Save a debrief of the pilot's {observations} observations.")
    elif stage == "changes":
        left = view["changes_planned"] - view["changes"]
        missing.append(f"{left} more change{'s' if left > 1 else ''} to link: promote a "
                       "pattern from the pilot's debrief, or link an existing experiment.")
    elif stage == "measuring":
        missing.append(f"Measuring until {view['measure_until']}; the owners move their "
                       "experiments along on the commitments feed.")
    return missing


def pilot_view(
    pilot: Pilot, today: date, *, sessions: int = 0, observations: int = 0
) -> dict[str, Any]:
    immersion_ends = pilot.starts_on + timedelta(days=pilot.immersion_days)
    view = {
        "id": pilot.id, "product_area": pilot.product_area, "program_id": pilot.program_id,
        "stage": _stage(pilot, today), "stage_number": STAGES.index(_stage(pilot, today)) + 1,
        "starts_on": pilot.starts_on.isoformat(),
        "immersion_ends": immersion_ends.isoformat(),
        "measure_until": (immersion_ends + timedelta(days=MEASURE_DAYS)).isoformat(),
        "changes": len(pilot.experiment_ids), "changes_planned": pilot.changes_planned,
        "debrief_id": pilot.debrief_id, "experiment_ids": list(pilot.experiment_ids),
        "sessions": sessions, "observations": observations,
    }
    view["missing"] = _missing(view)
    return view


def _counts(session: Session, program_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Sessions and observations per program."""
    sessions = session.execute(
        select(ProgramSession.program_id, func.count(ProgramSession.id))
        .where(ProgramSession.program_id.in_(program_ids)).group_by(ProgramSession.program_id)
    ).all()
    observations = session.execute(
        select(ProgramSession.program_id, func.count(Observation.id))
        .join(Observation, Observation.session_id == ProgramSession.id)
        .where(ProgramSession.program_id.in_(program_ids)).group_by(ProgramSession.program_id)
    ).all()
    return ({int(p): int(n) for p, n in sessions}, {int(p): int(n) for p, n in observations})


def pilots(session: Session, actor: Actor, today: date | None = None) -> list[dict[str, Any]]:
    """Every pilot with its stage, counts and what is missing for the next stage."""
    require(actor, Permission.PROGRAMS_VIEW)
    rows = list(session.scalars(select(Pilot).order_by(Pilot.id.desc())))
    sessions, observations = _counts(session, [p.program_id for p in rows])
    return [
        pilot_view(p, today or date.today(), sessions=sessions.get(p.program_id, 0),
                   observations=observations.get(p.program_id, 0))
        for p in rows
    ]


def _pilot_sessions(session: Session, pilot: Pilot) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ProgramSession, Person.name)
        .outerjoin(Person, Person.id == ProgramSession.leader_id)
        .where(ProgramSession.program_id == pilot.program_id)
        .order_by(ProgramSession.scheduled_on, ProgramSession.id)
    ).all()
    return [{"id": s.id, "leader": name, "format": s.format, "status": s.status,
             "scheduled_on": s.scheduled_on.isoformat() if s.scheduled_on else None}
            for s, name in rows]


def _experiments(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Experiment, Person.name).join(Person, Person.id == Experiment.owner_id)
        .where(Experiment.id.in_(ids))
    ).all()
    by_id = {e.id: {"id": e.id, "title": e.title, "owner": name, "status": e.status,
                    "metric": e.metric} for e, name in rows}
    return [by_id[i] for i in ids if i in by_id]


def pilots_data(session: Session, actor: Actor, today: date | None = None) -> dict[str, Any]:
    """The pilots page: each pilot with its sessions, debrief patterns and changes; for people
    partners also the choices the forms need."""
    views = pilots(session, actor, today)
    stored = {p.id: p for p in session.scalars(select(Pilot))}
    for view in views:
        pilot = stored[view["id"]]
        view["session_list"] = _pilot_sessions(session, pilot)
        view["experiments"] = _experiments(session, list(pilot.experiment_ids))
        debrief = session.get(Debrief, pilot.debrief_id) if pilot.debrief_id else None
        view["debrief"] = debrief_view(session, actor, debrief) if debrief else None
    data: dict[str, Any] = {"pilots": views, "stages": list(STAGES),
                            "can_manage": actor.can(Permission.PROGRAMS_MANAGE)}
    if data["can_manage"]:
        linked = {i for p in stored.values() for i in p.experiment_ids}
        data["unlinked_experiments"] = [
            {"id": e.id, "title": e.title, "status": e.status}
            for e in session.scalars(select(Experiment).order_by(Experiment.id.desc()))
            if e.id not in linked
        ]
        data["immersion_formats"] = list(IMMERSION_FORMATS)
    return data


def _pilot(session: Session, pilot_id: int) -> Pilot:
    pilot = session.get(Pilot, pilot_id)
    if pilot is None:
        raise NotFound(f"no pilot {pilot_id}")
    return pilot


def add_pilot_sessions(
    session: Session, actor: Actor, pilot_id: int, *, leader_ids: list[int],
    scheduled_on: date | str, format_: str = "support at peak hours",
) -> list[ProgramSession]:
    """Immersion sessions for the chosen leaders, inside the pilot's immersion window."""
    require(actor, Permission.PROGRAMS_MANAGE)
    pilot = _pilot(session, pilot_id)
    day = _day(scheduled_on, "scheduled_on")
    ends = pilot.starts_on + timedelta(days=pilot.immersion_days)
    problems = []
    if not pilot.starts_on <= day < ends:
        problems.append(Problem(f"must fall in the immersion, {pilot.starts_on.isoformat()} "
                                f"to {(ends - timedelta(days=1)).isoformat()}", "scheduled_on"))
    if format_ not in IMMERSION_FORMATS:
        problems.append(Problem(f"must be one of {', '.join(IMMERSION_FORMATS)}", "format"))
    if not leader_ids:
        problems.append(Problem("choose at least one leader", "leader_ids"))
    unknown = [i for i in leader_ids if session.get(Person, i) is None]
    if unknown:
        problems.append(Problem(f"no person {', '.join(map(str, unknown))}", "leader_ids"))
    if problems:
        raise ValidationError(problems)
    program = session.get(Program, pilot.program_id)
    assert program is not None and program.kind in KINDS
    return [add_session(session, actor, program, format_=format_, leader_id=leader,
                        scheduled_on=day) for leader in dict.fromkeys(leader_ids)]


def link_pilot_debrief(
    session: Session, actor: Actor, pilot_id: int, debrief_id: int | None = None
) -> Debrief:
    """Save a debrief over the pilot's own observations (or link a saved one of its program)
    and make it the pilot's debrief."""
    require(actor, Permission.PROGRAMS_MANAGE)
    pilot = _pilot(session, pilot_id)
    if debrief_id is None:
        if not _counts(session, [pilot.program_id])[1]:
            raise ValidationError("the pilot's sessions have no observations to debrief yet")
        debrief = save_debrief(session, actor, program_id=pilot.program_id)
    else:
        found = session.get(Debrief, debrief_id)
        if found is None:
            raise NotFound(f"no debrief {debrief_id}")
        if found.program_id not in (None, pilot.program_id):
            raise ValidationError([Problem("that debrief belongs to another program",
                                           "debrief_id")])
        debrief = found
    if debrief.observations == 0:
        raise ValidationError("the pilot's sessions have no observations to debrief yet")
    pilot.debrief_id = debrief.id
    return debrief


def link_pilot_experiment(
    session: Session, actor: Actor, pilot_id: int, experiment_id: int
) -> Pilot:
    """Count an experiment as one of the pilot's changes (each belongs to one pilot)."""
    require(actor, Permission.PROGRAMS_MANAGE)
    pilot = _pilot(session, pilot_id)
    if session.get(Experiment, experiment_id) is None:
        raise NotFound(f"no experiment {experiment_id}")
    for other in session.scalars(select(Pilot).where(Pilot.id != pilot.id)):
        if experiment_id in other.experiment_ids:
            raise Conflict(f"experiment {experiment_id} is already a change of the "
                           f"{other.product_area} pilot")
    if experiment_id not in pilot.experiment_ids:
        # A new list, so the JSON column is seen as changed.
        pilot.experiment_ids = [*pilot.experiment_ids, experiment_id]
    return pilot
