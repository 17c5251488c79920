"""Leader predictions: while a round is open, a leader predicts their team's average for
every rating item and names the three items they expect to hurt most.

Predictions lock when the round closes (only an *open* round accepts them), and a
prediction arriving after the round's results were visible is rejected outright.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, Forbidden, Problem, ValidationError
from heard.pulse.rounds import OPEN, get_round, round_items
from heard.store.engine import read_dicts, utcnow
from heard.store.tables.org import Team
from heard.store.tables.pulse import PulsePrediction

BARRIER_COUNT = 3


@dataclass(frozen=True)
class Prediction:
    team_id: int
    leader_id: int
    values: tuple[float, ...]  # per rating item, in round order
    barriers: tuple[int, ...]  # item ids


_LED_TEAMS = select(Team).where(Team.leader_id == bindparam("person_id")).order_by(Team.name)
_LED_TEAM_NAMES = (
    select(Team.id, Team.name).where(Team.leader_id == bindparam("person_id")).order_by(Team.name)
)


def led_teams(session: Session, actor: Actor) -> list[Team]:
    if actor.person_id is None:
        return []
    return list(session.scalars(_LED_TEAMS, {"person_id": actor.person_id}))


def led_team_names(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """led_teams as {id, name}, without loading teams: the home page needs no more."""
    if actor.person_id is None:
        return []
    return read_dicts(session, _LED_TEAM_NAMES, {"person_id": actor.person_id})


def _led_team(session: Session, actor: Actor, team_id: int) -> Team:
    team = next((t for t in led_teams(session, actor) if t.id == team_id), None)
    if team is None:
        raise Forbidden("you can only predict for a team you lead")
    return team


def submit_prediction(
    session: Session,
    actor: Actor,
    round_ref: int | str,
    team_id: int,
    values: dict[int, float],
    barriers: list[int],
) -> Prediction:
    """Store (or replace, while the round is open) a leader's prediction for one team."""
    require(actor, Permission.PULSE_LEAD)
    rnd = get_round(session, round_ref)
    _led_team(session, actor, team_id)
    if rnd.results_at is not None:
        raise Conflict("results for this round were already visible; predictions no longer count")
    if rnd.status != OPEN:
        raise Conflict(f"round {rnd.name!r} is {rnd.status}: predictions lock when a round closes")
    items = round_items(session, rnd.id).ratings
    ordered, problems = [], []
    for item in items:
        value = values.get(item.id)
        if value is None:
            problems.append(Problem("predict the team average", field=f"item_{item.id}"))
        elif not item.scale_min <= value <= item.scale_max:
            problems.append(
                Problem(f"must be {item.scale_min} to {item.scale_max}", field=f"item_{item.id}")
            )
        else:
            ordered.append(round(float(value), 2))
    rating_ids = {i.id for i in items}
    chosen = list(dict.fromkeys(barriers))
    if len(chosen) != BARRIER_COUNT or not set(chosen) <= rating_ids:
        problems.append(Problem("name three different items you expect to hurt most", "barriers"))
    if problems:
        raise ValidationError(problems)
    assert actor.person_id is not None  # _led_team found a team this person leads
    row = session.scalar(
        select(PulsePrediction).where(
            PulsePrediction.round_id == rnd.id, PulsePrediction.team_id == team_id
        )
    )
    if row is None:
        row = PulsePrediction(round_id=rnd.id, team_id=team_id, leader_id=actor.person_id)
        session.add(row)
    row.values, row.barriers = ordered, chosen
    row.leader_id, row.submitted_at = actor.person_id, utcnow()
    session.flush()
    audit.record(session, actor, "pulse.predict", rnd.name, team_id=team_id)
    return Prediction(team_id, actor.person_id, tuple(ordered), tuple(chosen))


# Built once: a leader's trend reads one round after another.
_ROUND_PREDICTIONS = select(
    PulsePrediction.team_id,
    PulsePrediction.leader_id,
    # as text, decoded in one call below: thousands of tiny JSON decodes are slow
    cast(PulsePrediction.values, Text),
    cast(PulsePrediction.barriers, Text),
).where(PulsePrediction.round_id == bindparam("round_id"))
_TEAM_PREDICTIONS = _ROUND_PREDICTIONS.where(
    PulsePrediction.team_id.in_(bindparam("team_ids", expanding=True))
)


def predictions_for_round(
    session: Session, round_id: int, team_ids: list[int] | None = None
) -> dict[int, Prediction]:
    """Predictions that count: made while the round was open, before any results."""
    if team_ids is None:
        rows = session.execute(_ROUND_PREDICTIONS, {"round_id": round_id}).all()
    else:
        rows = session.execute(
            _TEAM_PREDICTIONS, {"round_id": round_id, "team_ids": list(team_ids)}
        ).all()
    decoded = json.loads("[" + ",".join(f"[{v},{b}]" for _t, _l, v, b in rows) + "]")
    return {
        team: Prediction(team, leader, tuple(values), tuple(barriers))
        for (team, leader, _v, _b), (values, barriers) in zip(rows, decoded, strict=True)
    }


def prediction_form(
    session: Session, actor: Actor, round_ref: int | str, team_id: int
) -> dict[str, Any]:
    require(actor, Permission.PULSE_LEAD)
    rnd = get_round(session, round_ref)
    team = _led_team(session, actor, team_id)
    items = round_items(session, rnd.id).ratings
    current = predictions_for_round(session, rnd.id, [team_id]).get(team_id)
    values = dict(zip([i.id for i in items], current.values, strict=False)) if current else {}
    return {
        "round": {"id": rnd.id, "name": rnd.name, "status": rnd.status},
        "team": {"id": team.id, "name": team.name},
        "open": rnd.status == OPEN,
        "items": [i.to_dict() | {"predicted": values.get(i.id)} for i in items],
        "barriers": list(current.barriers) if current else [],
        "submitted": current is not None,
    }
