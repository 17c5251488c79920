"""Demo pulse data: six closed rounds (results published) and one open round.

The story the gap pages tell:

* some leaders keep overestimating how healthy workload and meetings are (optimists), and
  name the wrong top barriers;
* some are well calibrated;
* Lee (lee@heard.example) overestimates for three rounds, then tries protected focus
  time on Support Tier 1 EMEA; the team's workload and focus scores rise and Lee's
  predictions come close;
* teams of 3 and 4 (Escalations, Security Engineering, ...) never show results.

Answers go in through sealed ballots and :func:`heard.pulse.rounds.close_round`, the same
path as the app, but in bulk so the demo stays fast.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from heard.accounts.policy import OPERATOR, Role
from heard.demo.generator import DemoContext
from heard.pulse import checkins_demo, experiments_demo, rounds
from heard.pulse.items import ItemView
from heard.settings import Settings
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import PulseBallot, PulseInvitation, PulsePrediction, PulseRound

ROUNDS = 6
WEEKS_APART = 6
STRAINED = {"workload", "meeting load", "energy"}  # where optimists misread quiet as coping
EXPERIMENT_AFTER = 3  # Lee's change lands after the third round
COMMENTS = {
    "workload": "Too many tickets land at once after each release.",
    "meeting load": "Status meetings eat the mornings; no time to focus.",
    "handoff friction": "Handoffs from sales arrive without the customer's history.",
    "tool friction": "The ticket tool times out during peak hours.",
    "clarity of priorities": "Priorities change mid-sprint without explanation.",
    "recognition": "Fixes that prevent incidents go unnoticed.",
    "energy": "By Thursday there is nothing left.",
    "psychological safety": "Hard to say no to escalations from senior people.",
}


def build(ctx: DemoContext) -> None:
    session, rng = ctx.session, ctx.rng
    people = [
        (person, team)
        for person, team in session.execute(
            # Ordered: random draws are handed out in this order, and PostgreSQL returns
            # unordered rows in whatever order its pages hold them (not insertion order
            # once rows have been deleted), which made the demo differ between databases.
            select(Person.id, Person.team_id).where(Person.active.is_(True)).order_by(Person.id)
        )
    ]
    teams = {t.id: t for t in ctx.teams()}
    lee_team = next(t.id for t in teams.values() if t.leader_id == _persona(ctx, Role.LEADER))
    team_base = {t: rng.uniform(3.0, 3.9) for t in teams}
    person_offset = {p: rng.gauss(0, 0.45) for p, _ in people}
    style = {
        t: rng.choice(["optimist", "optimist", "calibrated", "calibrated", "modest"]) for t in teams
    }
    style[lee_team] = "optimist"
    settings = Settings.from_env(environ={})
    start = ctx.today - timedelta(weeks=WEEKS_APART * ROUNDS)
    for number in range(1, ROUNDS + 2):
        opened = start + timedelta(weeks=WEEKS_APART * (number - 1))
        rnd = rounds.create_round(
            session,
            OPERATOR,
            name=f"Pulse {opened:%B %Y}",
            opens_on=opened,
            closes_on=opened + timedelta(days=10),
        )
        rounds.open_round(session, OPERATOR, rnd.id)
        items = rounds.round_items(session, rnd.id)
        final = number == ROUNDS + 1  # the last one stays open for the demo logins
        share = 0.35 if final else rng.uniform(0.74, 0.92)
        truth = {
            t: _team_means(items.ratings, team_base[t], number, t == lee_team, rng) for t in teams
        }
        seen = _ballots(ctx, rnd, items.ratings, items.open, people, truth, person_offset, share)
        _predictions(ctx, rnd, items.ratings, teams, truth | seen, style, lee_team, number)
        if final:
            break
        rounds.close_round(session, OPERATOR, rnd.id, settings)
        rounds.publish_results(session, OPERATOR, rnd.id)
        closed = datetime.combine(opened + timedelta(days=10), time(17))
        session.execute(
            update(PulseRound)
            .where(PulseRound.id == rnd.id)
            .values(
                opened_at=datetime.combine(opened, time(9)),
                closed_at=closed,
                results_at=closed + timedelta(days=1),
            )
        )
    ctx.summary["pulse rounds"] = f"{ROUNDS} with results, 1 open"
    checkins_demo.build(ctx)
    experiments_demo.build(ctx)


def _persona(ctx: DemoContext, role: Role) -> int | None:
    user = ctx.logins.get(role)
    return user.person_id if user else None


def _team_means(
    ratings: list[ItemView], base: float, number: int, experiment: bool, rng: random.Random
) -> list[float]:
    means = []
    for item in ratings:
        mean = base + rng.gauss(0, 0.15)
        if item.dimension in STRAINED:
            mean -= 0.6 + 0.08 * number  # workload slowly worsens across the organisation
            if experiment and number > EXPERIMENT_AFTER:
                mean += 0.35 * (number - EXPERIMENT_AFTER)  # protected focus time helps
        means.append(min(4.8, max(1.3, mean)))
    return means


def _ballots(
    ctx: DemoContext,
    rnd: PulseRound,
    ratings: list[ItemView],
    open_items: list[ItemView],
    people: list[tuple[int, int]],
    truth: dict[int, list[float]],
    offset: dict[int, float],
    share: float,
) -> dict[int, list[float]]:
    """Seal ballots for a share of the invited; return each team's realised item means
    (what a well-calibrated leader would sense)."""
    invited = set(
        ctx.session.scalars(
            select(PulseInvitation.person_id).where(PulseInvitation.round_id == rnd.id)
        )
    )
    mo = _persona(ctx, Role.MEMBER)
    answering = [(p, t) for p, t in people if p in invited and p != mo and ctx.rng.random() < share]
    rows: list[dict[str, Any]] = []
    for person, team in answering:
        values = [
            min(5, max(1, round(m + offset[person] + ctx.rng.gauss(0, 0.6)))) for m in truth[team]
        ]
        comments = []
        if open_items and ctx.rng.random() < 0.3:
            worst = min(range(len(ratings)), key=lambda j: values[j] + ctx.rng.random())
            comments = [[open_items[0].id, COMMENTS.get(ratings[worst].dimension, "")]]
        rows.append(
            {
                "id": uuid.uuid4().hex,
                "round_id": rnd.id,
                "team_id": team,
                "values": values,
                "comments": comments,
            }
        )
    if rows:
        ctx.session.execute(insert(PulseBallot), rows)
        ctx.session.execute(
            update(PulseInvitation)
            .where(
                PulseInvitation.round_id == rnd.id,
                PulseInvitation.person_id.in_([p for p, _ in answering]),
            )
            .values(answered=True)
        )
    by_team: dict[int, list[list[int]]] = {}
    for row in rows:
        by_team.setdefault(row["team_id"], []).append(row["values"])
    return {
        team: [sum(col) / len(col) for col in zip(*vals, strict=True)]
        for team, vals in by_team.items()
    }


def _predictions(
    ctx: DemoContext,
    rnd: PulseRound,
    ratings: list[ItemView],
    teams: dict[int, Team],
    truth: dict[int, list[float]],
    style: dict[int, str],
    lee_team: int,
    number: int,
) -> None:
    rows = []
    for team_id, team in teams.items():
        persona = team_id == lee_team
        if team.leader_id is None or (not persona and ctx.rng.random() < 0.1):  # some skip
            continue
        kind = style[team_id]
        if team_id == lee_team and number > EXPERIMENT_AFTER:
            kind = "calibrated"  # Lee has been listening
        values = []
        for item, actual in zip(ratings, truth[team_id], strict=True):
            bias = {
                "optimist": 1.0 if item.dimension in STRAINED else 0.3,
                "calibrated": 0.0,
                "modest": -0.35,
            }[kind]
            values.append(round(min(5.0, max(1.0, actual + bias + ctx.rng.gauss(0, 0.15))), 1))
        order = sorted(range(len(ratings)), key=lambda j: truth[team_id][j])
        if kind == "optimist":  # names the wrong barriers
            chosen = [j for j in order if ratings[j].dimension not in STRAINED][-3:]
        else:
            chosen = order[:3]
        rows.append(
            {
                "round_id": rnd.id,
                "team_id": team_id,
                "leader_id": team.leader_id,
                "values": values,
                "barriers": [ratings[j].id for j in chosen],
            }
        )
    if rows:
        ctx.session.execute(insert(PulsePrediction), rows)
