"""Pulse at scale: 50,000 people in 5,000 teams, 20 rating items, 12 rounds of responses.

    .venv/bin/python benchmarks/pulse_scale.py [--database sqlite|postgresql] [--repeats 5]
        [--people 50000] [--teams 5000] [--rounds 12]

It builds the organisation in a fresh database (a SQLite file in a temporary folder, or a
new PostgreSQL database on postgresql://postgres@127.0.0.1:5432, dropped afterwards), then
runs 12 rounds through the real code: create, open (50,000 invitations), about 86% answer
(sealed ballots, inserted in bulk), every leader predicts, and :func:`close_round` runs
(timed: aggregates per team, shuffled responses, ballots deleted). Then it times, as the
median of ``--repeats`` runs:

* gap analytics for the latest round: :func:`round_results` plus :func:`org_gaps` (every
  leader's gap, the distribution, blind spots, ICC(1) per item);
* the 12-round organisation trend: :func:`heard.pulse.views.org_trend` (stored at close),
  and the same trend recomputed from the aggregates (what storing it saves).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text, update

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.pulse import anonymity, gaps, items, rounds, views
from heard.pulse.predictions import predictions_for_round
from heard.settings import Settings
from heard.store.tables.org import Department, Person, Team
from heard.store.tables.pulse import PulseBallot, PulseInvitation, PulsePrediction

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
EXTRA_ITEMS = 7  # the bank has 13 rating items; 7 more make 20


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'pulse-bench.db'}"
        return
    name = f"heard_pulse_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_org(heard: Heard, people: int, teams: int, rng: random.Random) -> None:
    """A root, 50 divisions under it, the rest spread under the divisions. Each team's
    leader sits in the parent team; everyone else is spread over the teams (a few small)."""
    with heard.transaction() as s:
        s.execute(insert(Department), [{"id": 1, "name": "Everyone"}])
        parents = [None] + [0] * 50 + [rng.randint(1, 50) for _ in range(teams - 51)]
        s.execute(
            insert(Team),
            [
                {
                    "id": t + 1,
                    "name": f"Team {t}",
                    "department_id": 1,
                    "parent_id": None if p is None else p + 1,
                }
                for t, p in enumerate(parents)
            ],
        )
        rows, person = [], 0
        leaders = {}
        for t, parent in enumerate(parents):
            person += 1
            leaders[t + 1] = person
            rows.append(_person(person, (parent if parent is not None else t) + 1))
        while person < people:
            person += 1
            rows.append(_person(person, rng.randint(1, teams)))
        for start in range(0, len(rows), 10_000):
            s.execute(insert(Person), rows[start : start + 10_000])
        for team, leader in leaders.items():
            s.execute(update(Team).where(Team.id == team).values(leader_id=leader))
        for i in range(EXTRA_ITEMS):
            items.add_item(
                s, OPERATOR, text=f"Benchmark statement number {i}.", dimension="benchmark"
            )


def _person(pid: int, team: int) -> dict[str, Any]:
    return {
        "id": pid,
        "employee_id": f"E{pid}",
        "name": f"Person {pid}",
        "email": f"p{pid}@bench.example",
        "title": "",
        "location": "",
        "department_id": 1,
        "team_id": team,
        "active": True,
    }


def run_round(heard: Heard, number: int, rng: random.Random) -> float:
    """One round through the real code; return the seconds close_round took."""
    with heard.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name=f"Round {number}")
        rounds.open_round(s, OPERATOR, rnd.id)
        ratings = rounds.round_items(s, rnd.id).ratings
        answering = (PulseInvitation.person_id + number) % 7 != 0
        invited = (
            s.execute(
                select(PulseInvitation.team_id).where(PulseInvitation.round_id == rnd.id, answering)
            )
            .scalars()
            .all()
        )
        ballots = [
            {
                "id": uuid.uuid4().hex,
                "round_id": rnd.id,
                "team_id": team,
                "values": [rng.randint(1, 5) for _ in ratings],
                "comments": [[0, "x"]] if rng.random() < 0.05 else [],
            }
            for team in invited
        ]
        open_id = rounds.round_items(s, rnd.id).open[0].id
        for b in ballots:
            b["comments"] = [[open_id, "Too many meetings."]] if b["comments"] else []
        for start in range(0, len(ballots), 5_000):
            s.execute(insert(PulseBallot), ballots[start : start + 5_000])
        s.execute(
            update(PulseInvitation)
            .where(PulseInvitation.round_id == rnd.id, answering)
            .values(answered=True)
        )
        led = s.execute(select(Team.id, Team.leader_id)).all()
        s.execute(
            insert(PulsePrediction),
            [
                {
                    "round_id": rnd.id,
                    "team_id": t,
                    "leader_id": leader,
                    "values": [round(rng.uniform(2, 5), 1) for _ in ratings],
                    "barriers": [i.id for i in rng.sample(ratings, 3)],
                }
                for t, leader in led
            ],
        )
        round_id = rnd.id
    start = time.perf_counter()
    with heard.transaction() as s:
        rounds.close_round(s, OPERATOR, round_id, heard.settings)
    seconds = time.perf_counter() - start
    with heard.transaction() as s:
        rounds.publish_results(s, OPERATOR, round_id)
    return seconds


def timed(heard: Heard, repeats: int, work: Callable[[Any], Any]) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        with heard.transaction() as s:
            work(s)
        out.append(time.perf_counter() - start)
    return out


def latest_round_analytics(session: Any) -> dict[str, Any]:
    latest = rounds.latest_round(session, (rounds.RESULTS,))
    assert latest is not None
    results = anonymity.round_results(session, latest.id)
    return gaps.org_gaps(results, predictions_for_round(session, latest.id))


def recompute_trend(session: Any) -> list[dict[str, Any]]:
    """What the stored trend saves: every round's point from the aggregation function."""
    return [views.trend_point(session, r.id) for r in rounds.rounds_in(session)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--teams", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    with database(args.database) as url:
        heard = Heard(Settings.from_env(environ={}, database_url=url))
        heard.upgrade()
        start = time.perf_counter()
        build_org(heard, args.people, args.teams, rng)
        print(f"{args.database}: organisation built in {time.perf_counter() - start:.1f} s")
        closes = []
        for number in range(1, args.rounds + 1):
            closes.append(run_round(heard, number, rng))
            print(f"  round {number:>2}: close_round {closes[-1]:.2f} s", flush=True)
        analytics = timed(heard, args.repeats, latest_round_analytics)
        trend = timed(heard, args.repeats, views.org_trend)
        recompute = timed(heard, 3, recompute_trend)
        with heard.transaction() as s:
            summary = latest_round_analytics(s)["teams"]
        heard.close()
    print(f"teams in the latest round: {summary}")
    print(f"close_round: median {statistics.median(closes):.2f} s, max {max(closes):.2f} s")
    print(
        f"latest-round gap analytics: median {statistics.median(analytics):.2f} s "
        f"(runs: {', '.join(f'{x:.2f}' for x in analytics)})"
    )
    print(
        f"{args.rounds}-round organisation trend: median {statistics.median(trend):.2f} s "
        f"(runs: {', '.join(f'{x:.2f}' for x in trend)})"
    )
    print(
        f"the same trend recomputed from the aggregates: median "
        f"{statistics.median(recompute):.2f} s (runs: {', '.join(f'{x:.2f}' for x in recompute)})"
    )


if __name__ == "__main__":
    main()
