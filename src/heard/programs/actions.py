"""Patterns become experiments someone owns; their progress feeds a public commitments feed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, NotFound, ValidationError
from heard.programs.pilots import link_pilot_experiment
from heard.store.tables.org import Person, Team
from heard.store.tables.programs import Experiment, ExperimentEvent

STATUSES = ("proposed", "running", "measuring", "adopted", "dropped")
NEXT = {
    "proposed": {"running", "dropped"},
    "running": {"measuring", "dropped"},
    "measuring": {"adopted", "dropped"},
    "adopted": set(),
    "dropped": set(),
}


def promote_pattern(
    session: Session,
    actor: Actor,
    *,
    pattern_label: str,
    evidence: list[int],
    hypothesis: str,
    owner_id: int,
    metric: str,
    baseline: float | None = None,
    target: float | None = None,
    due_on: date | None = None,
    pilot_id: int | None = None,
) -> Experiment:
    """A pattern becomes a proposed experiment; from a pilot's debrief it also counts as
    one of that pilot's changes."""
    require(actor, Permission.PROGRAMS_MANAGE)
    if not hypothesis.strip() or not metric.strip():
        raise ValidationError("an experiment needs a hypothesis and the metric it should move")
    if session.get(Person, owner_id) is None:
        raise NotFound(f"no person {owner_id}")
    experiment = Experiment(
        title=pattern_label[:200],
        hypothesis=hypothesis.strip(),
        owner_id=owner_id,
        metric=metric.strip(),
        baseline=baseline,
        target=target,
        due_on=due_on,
        status="proposed",
        pattern_label=pattern_label[:300],
        evidence=evidence,
    )
    session.add(experiment)
    session.flush()
    session.add(ExperimentEvent(experiment_id=experiment.id, status="proposed",
                                note="promoted from a debrief pattern", actor=actor.label))
    if pilot_id is not None:
        link_pilot_experiment(session, actor, pilot_id, experiment.id)
    return experiment


def owner_choices(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """People who can own an experiment: leaders first (they own most), then everyone else."""
    require(actor, Permission.PROGRAMS_MANAGE)
    leaders = set(session.scalars(select(Team.leader_id).where(Team.leader_id.is_not(None))))
    people = session.execute(
        select(Person.id, Person.name, Person.title).where(Person.active.is_(True))
    ).all()
    ordered = sorted(people, key=lambda p: (p.id not in leaders, p.name))
    return [{"id": p.id, "name": p.name, "title": p.title, "leader": p.id in leaders}
            for p in ordered]


def move_experiment(
    session: Session, actor: Actor, experiment_id: int, status: str, note: str = ""
) -> Experiment:
    require(actor, Permission.EXPERIMENTS_UPDATE)
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise NotFound(f"no experiment {experiment_id}")
    if experiment.owner_id != actor.person_id and not actor.can(Permission.PROGRAMS_MANAGE):
        raise Forbidden("only the owner or a people partner can move this experiment")
    if status not in NEXT[experiment.status]:
        raise ValidationError(f"an experiment that is {experiment.status} cannot become {status}")
    experiment.status = status
    session.add(ExperimentEvent(experiment_id=experiment.id, status=status, note=note,
                                actor=actor.label))
    return experiment


def commitments(session: Session, actor: Actor, owner_id: int | None = None) -> dict[str, Any]:
    """The feed everyone can read: every experiment, its owner and its history."""
    require(actor, Permission.COMMITMENTS_VIEW)
    query = select(Experiment, Person.name).join(Person, Person.id == Experiment.owner_id)
    if owner_id is not None:
        query = query.where(Experiment.owner_id == owner_id)
    rows = session.execute(query.order_by(Experiment.id.desc())).all()
    events: dict[int, list[dict[str, Any]]] = {}
    for event in session.scalars(select(ExperimentEvent).order_by(ExperimentEvent.id)):
        events.setdefault(event.experiment_id, []).append(
            {"status": event.status, "note": event.note, "at": event.at.isoformat()[:16]}
        )
    return {
        "commitments": [
            {
                "id": e.id,
                "title": e.title,
                "hypothesis": e.hypothesis,
                "owner": name,
                "mine": e.owner_id == actor.person_id,
                "metric": e.metric,
                "baseline": e.baseline,
                "target": e.target,
                "due_on": e.due_on.isoformat() if e.due_on else None,
                "status": e.status,
                "history": events.get(e.id, []),
            }
            for e, name in rows
        ],
        "statuses": list(STATUSES),
    }
