"""Pulse rounds: draft -> open -> closed -> results.

* **open**: everyone active is invited (except a person who leads the very team they sit
  in: nobody rates their own leadership). Each invited person answers once. The answer is
  a sealed ballot with no person id, no timestamp and a random key; participation is a
  separate flag on the invitation.
* **closed**: ballots are turned into per-team aggregates (:class:`PulseTeamResult`), then
  written once, shuffled, into ``pulse_responses``/``pulse_comments`` and deleted. k is
  frozen into the round. Predictions lock.
* **results**: leaders see their teams' results (through :mod:`heard.pulse.anonymity`).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Row, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, NotFound, Problem, ValidationError
from heard.pulse import config
from heard.pulse.items import ItemView, active_items
from heard.settings import Settings
from heard.store.engine import read_dicts, utcnow
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import (
    PulseBallot,
    PulseComment,
    PulseInvitation,
    PulseItem,
    PulseResponse,
    PulseRound,
    PulseRoundItem,
    PulseTeamResult,
)

DRAFT, OPEN, CLOSED, RESULTS = "draft", "open", "closed", "results"
STATUSES = (DRAFT, OPEN, CLOSED, RESULTS)
COMMENT_MAX = 2000
_SYSTEM_RANDOM = random.SystemRandom()  # shuffling for anonymity must not be predictable


@dataclass(frozen=True)
class RoundItems:
    """The items of a round, split by kind, in round order."""

    ratings: list[ItemView]
    open: list[ItemView]


# Built once, columns only: every results read (and so every gap page) runs it per round.
_ROUND_ITEMS = (
    select(
        PulseItem.id,
        PulseItem.key,
        PulseItem.text,
        PulseItem.dimension,
        PulseItem.kind,
        PulseItem.scale_min,
        PulseItem.scale_max,
    )
    .join(PulseRoundItem, PulseRoundItem.item_id == PulseItem.id)
    .where(PulseRoundItem.round_id == bindparam("round_id"))
    .order_by(PulseRoundItem.position)
)


def round_items(session: Session, round_id: int) -> RoundItems:
    items = [ItemView(*row) for row in session.execute(_ROUND_ITEMS, {"round_id": round_id})]
    return RoundItems([i for i in items if i.is_rating], [i for i in items if not i.is_rating])


def get_round(session: Session, ref: int | str) -> PulseRound:
    """A round by id or by name."""
    rnd: PulseRound | None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        rnd = session.get(PulseRound, int(ref))
    else:
        rnd = session.scalar(select(PulseRound).where(PulseRound.name == ref))
    if rnd is None:
        raise NotFound(f"no pulse round {ref!r}")
    return rnd


def latest_round(session: Session, statuses: Sequence[str]) -> PulseRound | None:
    return session.scalar(
        select(PulseRound)
        .where(PulseRound.status.in_(statuses))
        .order_by(PulseRound.closed_at.desc().nulls_last(), PulseRound.id.desc())
        .limit(1)
    )


_ROUNDS_IN = (
    select(PulseRound)
    .where(PulseRound.status.in_(bindparam("statuses", expanding=True)))
    .order_by(PulseRound.closed_at, PulseRound.id)
)


def rounds_in(session: Session, statuses: Sequence[str] = (CLOSED, RESULTS)) -> list[PulseRound]:
    """Rounds in the given statuses (closed ones by default), in the order they closed."""
    return list(session.scalars(_ROUNDS_IN, {"statuses": list(statuses)}))


# The columns round_to_dict reads, for request-path selects that skip entity loading.
ROUND_COLUMNS = (PulseRound.id, PulseRound.name, PulseRound.status, PulseRound.opens_on,
                 PulseRound.closes_on, PulseRound.closed_at, PulseRound.k)
_OPEN_ROUND_NAMES = (
    select(PulseRound.id, PulseRound.name)
    .where(PulseRound.status == OPEN)
    .order_by(PulseRound.closed_at, PulseRound.id)
)


def open_round_names(session: Session) -> list[dict[str, Any]]:
    """Open rounds as {id, name}, in rounds_in's order: for links, without loading rounds."""
    return read_dicts(session, _OPEN_ROUND_NAMES)


def round_to_dict(rnd: PulseRound | Row[*tuple[Any, ...]]) -> dict[str, Any]:
    return {
        "id": rnd.id,
        "name": rnd.name,
        "status": rnd.status,
        "opens_on": rnd.opens_on.isoformat() if rnd.opens_on else None,
        "closes_on": rnd.closes_on.isoformat() if rnd.closes_on else None,
        "closed_at": rnd.closed_at.isoformat(timespec="seconds") if rnd.closed_at else None,
        "k": rnd.k,
    }


def create_round(
    session: Session,
    actor: Actor,
    *,
    name: str,
    opens_on: date | None = None,
    closes_on: date | None = None,
    item_ids: Sequence[int] | None = None,
) -> PulseRound:
    require(actor, Permission.PULSE_RUN)
    name = name.strip()
    if not name:
        raise ValidationError([Problem("must not be empty", field="name")])
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError([Problem("must not be before the opening date", "closes_on")])
    if session.scalar(select(PulseRound.id).where(PulseRound.name == name)):
        raise Conflict(f"a round named {name!r} already exists")
    available = {i.id: i for i in active_items(session)}
    chosen = list(item_ids) if item_ids else list(available)
    unknown = [i for i in chosen if i not in available]
    if unknown:
        raise ValidationError([Problem(f"unknown or inactive items {unknown}", "item_ids")])
    if not any(available[i].is_rating for i in chosen):
        raise ValidationError([Problem("a round needs at least one rating item", "item_ids")])
    rnd = PulseRound(name=name, status=DRAFT, opens_on=opens_on, closes_on=closes_on)
    session.add(rnd)
    session.flush()
    for position, item_id in enumerate(dict.fromkeys(chosen)):
        session.add(PulseRoundItem(round_id=rnd.id, item_id=item_id, position=position))
    audit.record(session, actor, "pulse.round_create", name, items=len(chosen))
    return rnd


def _require_status(rnd: PulseRound, *allowed: str) -> None:
    if rnd.status not in allowed:
        raise Conflict(f"round {rnd.name!r} is {rnd.status}; this needs {' or '.join(allowed)}")


def open_round(session: Session, actor: Actor, ref: int | str) -> PulseRound:
    """Invite every active person, except anyone who leads the team they sit in."""
    require(actor, Permission.PULSE_RUN)
    rnd = get_round(session, ref)
    _require_status(rnd, DRAFT)
    invitees = session.execute(
        select(Person.id, Person.team_id)
        .join(Team, Team.id == Person.team_id)
        .where(Person.active.is_(True))
        .where((Team.leader_id.is_(None)) | (Team.leader_id != Person.id))
    ).all()
    if invitees:
        session.execute(
            insert(PulseInvitation),
            [
                {
                    "round_id": rnd.id,
                    "person_id": pid,
                    "team_id": tid,
                    "answered": False,
                    "reminders": 0,
                }
                for pid, tid in invitees
            ],
        )
    rnd.status, rnd.opened_at = OPEN, utcnow()
    audit.record(session, actor, "pulse.round_open", rnd.name, invited=len(invitees))
    return rnd


def submit_answers(
    session: Session,
    actor: Actor,
    ref: int | str,
    ratings: dict[int, int],
    comments: dict[int, str] | None = None,
) -> None:
    """Record one person's answers: every rating item is required, open questions are not.

    The invitation is marked answered and a sealed ballot is added; nothing links the two.
    """
    require(actor, Permission.PULSE_ANSWER)
    rnd = get_round(session, ref)
    invitation = _invitation(session, rnd, actor)
    _require_status(rnd, OPEN)
    if invitation.answered:
        raise Conflict("you have already answered this round; answers cannot be changed")
    items = round_items(session, rnd.id)
    values, problems = [], []
    for item in items.ratings:
        value = ratings.get(item.id)
        if value is None:
            problems.append(Problem("please answer this question", field=f"item_{item.id}"))
        elif not item.scale_min <= value <= item.scale_max:
            problems.append(
                Problem(f"must be {item.scale_min} to {item.scale_max}", field=f"item_{item.id}")
            )
        else:
            values.append(int(value))
    texts = []
    open_ids = {i.id for i in items.open}
    for item_id, text in (comments or {}).items():
        text = (text or "").strip()
        if item_id not in open_ids:
            problems.append(Problem("not an open question of this round", f"item_{item_id}"))
        elif len(text) > COMMENT_MAX:
            problems.append(Problem(f"at most {COMMENT_MAX} characters", f"item_{item_id}"))
        elif text:
            texts.append([item_id, text])
    if problems:
        raise ValidationError(problems)
    person = session.get(Person, actor.person_id)
    assert person is not None  # _invitation found one
    invitation.answered, invitation.team_id = True, person.team_id
    session.add(
        PulseBallot(
            id=uuid.uuid4().hex,
            round_id=rnd.id,
            team_id=person.team_id,
            values=values,
            comments=texts,
        )
    )
    # No audit event: an event carrying who and when would link the person to the ballot.


def _invitation(session: Session, rnd: PulseRound, actor: Actor) -> PulseInvitation:
    if actor.person_id is None:
        raise NotFound("your account is not linked to a person in the organisation")
    invitation = session.scalar(
        select(PulseInvitation).where(
            PulseInvitation.round_id == rnd.id, PulseInvitation.person_id == actor.person_id
        )
    )
    if invitation is None:
        raise NotFound(f"you are not invited to round {rnd.name!r}")
    return invitation


def response_counts(session: Session, round_id: int) -> dict[int, tuple[int, int]]:
    """Per team: (invited, answered). Participation only, never answers."""
    rows = session.execute(
        select(
            PulseInvitation.team_id,
            func.count(),
            func.sum(case((PulseInvitation.answered.is_(True), 1), else_=0)),
        )
        .where(PulseInvitation.round_id == round_id)
        .group_by(PulseInvitation.team_id)
    ).all()
    return {team: (int(invited), int(answered or 0)) for team, invited, answered in rows}


def remind(session: Session, actor: Actor, ref: int | str) -> int:
    """Remind everyone who has not answered yet (shown on their home page)."""
    require(actor, Permission.PULSE_RUN)
    rnd = get_round(session, ref)
    _require_status(rnd, OPEN)
    result = session.execute(
        update(PulseInvitation)
        .where(PulseInvitation.round_id == rnd.id, PulseInvitation.answered.is_(False))
        .values(reminders=PulseInvitation.reminders + 1)
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    audit.record(session, actor, "pulse.remind", rnd.name, reminded=count)
    return count


def close_round(session: Session, actor: Actor, ref: int | str, settings: Settings) -> PulseRound:
    """Freeze k, aggregate the ballots per team, store the responses shuffled, lock
    predictions. After this nothing about the round's answers changes."""
    require(actor, Permission.PULSE_RUN)
    rnd = get_round(session, ref)
    _require_status(rnd, OPEN)
    rnd.k = config.min_group_size(session, settings)
    rnd.comment_k = config.comment_group_size(session, settings)
    items = round_items(session, rnd.id)
    ballots = session.execute(
        select(PulseBallot.team_id, PulseBallot.values, PulseBallot.comments).where(
            PulseBallot.round_id == rnd.id
        )
    ).all()
    _store_team_results(session, rnd.id, len(items.ratings), ballots)
    _store_responses(session, rnd.id, ballots)
    session.execute(delete(PulseBallot).where(PulseBallot.round_id == rnd.id))
    rnd.status, rnd.closed_at = CLOSED, utcnow()
    session.flush()
    # Imported here: the trend builds on the aggregation function, which builds on rounds.
    from heard.pulse.views import trend_point

    rnd.summary = trend_point(session, rnd.id)
    audit.record(session, actor, "pulse.round_close", rnd.name, responses=len(ballots), k=rnd.k)
    return rnd


def _store_team_results(
    session: Session, round_id: int, n_items: int, ballots: Sequence[Any]
) -> None:
    teams = session.execute(select(Team.id, Team.name, Team.parent_id, Team.leader_id)).all()
    index = {team_id: i for i, (team_id, *_rest) in enumerate(teams)}
    respondents = np.zeros(len(teams), dtype=np.int64)
    comments = np.zeros(len(teams), dtype=np.int64)
    sums = np.zeros((len(teams), n_items), dtype=np.int64)
    squares = np.zeros((len(teams), n_items), dtype=np.int64)
    if ballots:
        rows = np.array([index[b.team_id] for b in ballots], dtype=np.int64)
        values = np.array([b.values for b in ballots], dtype=np.int64).reshape(
            len(ballots), n_items
        )
        respondents = np.bincount(rows, minlength=len(teams))
        comments = np.bincount(
            rows, weights=[len(b.comments) > 0 for b in ballots], minlength=len(teams)
        ).astype(np.int64)
        np.add.at(sums, rows, values)
        np.add.at(squares, rows, values * values)
    invited = {team: inv for team, (inv, _answered) in response_counts(session, round_id).items()}
    session.execute(
        insert(PulseTeamResult),
        [
            {
                "round_id": round_id,
                "team_id": team_id,
                "team_name": name,
                "parent_id": parent_id if parent_id != team_id else None,
                "leader_id": leader_id,
                "invited": invited.get(team_id, 0),
                "respondents": int(respondents[i]),
                "comments": int(comments[i]),
                "sums": sums[i].tolist(),
                "squares": squares[i].tolist(),
            }
            for i, (team_id, name, parent_id, leader_id) in enumerate(teams)
        ],
    )


def _store_responses(session: Session, round_id: int, ballots: Sequence[Any]) -> None:
    """Write responses and comments in a fresh random order with fresh random keys, all in
    this one transaction: neither row order, keys nor transaction ids say who answered when."""
    responses = [
        {"id": uuid.uuid4().hex, "round_id": round_id, "team_id": b.team_id, "values": b.values}
        for b in ballots
    ]
    comments = [
        {
            "id": uuid.uuid4().hex,
            "round_id": round_id,
            "team_id": b.team_id,
            "item_id": item_id,
            "text": text,
        }
        for b in ballots
        for item_id, text in b.comments
    ]
    _SYSTEM_RANDOM.shuffle(responses)
    _SYSTEM_RANDOM.shuffle(comments)
    if responses:
        session.execute(insert(PulseResponse), responses)
    if comments:
        session.execute(insert(PulseComment), comments)


def publish_results(session: Session, actor: Actor, ref: int | str) -> PulseRound:
    require(actor, Permission.PULSE_RUN)
    rnd = get_round(session, ref)
    _require_status(rnd, CLOSED)
    rnd.status, rnd.results_at = RESULTS, utcnow()
    audit.record(session, actor, "pulse.round_publish", rnd.name)
    return rnd


def list_rounds(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every round with its live response rate, for whoever runs rounds."""
    require(actor, Permission.PULSE_RUN)
    rounds = session.scalars(select(PulseRound).order_by(PulseRound.id.desc())).all()
    out = []
    for rnd in rounds:
        counts = response_counts(session, rnd.id)
        invited = sum(i for i, _a in counts.values())
        answered = sum(a for _i, a in counts.values())
        out.append(
            round_to_dict(rnd)
            | {
                "invited": invited,
                "answered": answered,
                "response_rate": round(answered / invited, 3) if invited else None,
            }
        )
    return out
