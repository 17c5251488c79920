"""Warning signs across the organisation, and an experiment's analysis, at scale.

    .venv/bin/python benchmarks/pulse_org_signs.py [--database sqlite|postgresql]
        [--people 50000] [--teams 5000] [--rounds 3] [--repeats 5]

Builds the organisation and rounds with the same code as ``benchmarks/pulse_scale.py``
(50,000 people, 5,000 teams, 20 rating items), then times, as medians of ``--repeats``:

* ``signs.org_signs_for_round`` for the latest round against the one before (what the
  people partner's organisation view adds): two rounds' results and every reported
  team's signs;
* choosing comparison teams for one team (``experiments.candidates`` over every team and
  the baseline rounds) and the DiD analysis of an experiment with five comparison teams.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from pulse_scale import build_org, database, run_round, timed  # noqa: E402

from heard.app import Heard  # noqa: E402
from heard.pulse import anonymity, experiments, rounds, signs  # noqa: E402
from heard.pulse.predictions import predictions_for_round  # noqa: E402
from heard.settings import Settings  # noqa: E402
from heard.store.tables.pulse_decisions import PulseExperiment  # noqa: E402


def org_signs(session: Any) -> dict[str, Any]:
    latest = rounds.latest_round(session, (rounds.RESULTS,))
    assert latest is not None
    results = anonymity.round_results(session, latest.id)
    return signs.org_signs_for_round(session, results, predictions_for_round(session, latest.id))


def experiment(session: Any) -> dict[str, Any]:
    published = rounds.rounds_in(session, (rounds.RESULTS,))
    start = published[-1]
    cache = experiments.ResultsCache(session)
    window = experiments.window(session, start.id)
    latest = cache(published[-2].id)
    team = next(g.team_id for g in latest.team_groups() if not g.suppressed)
    items = [latest.items[0].id, latest.items[1].id]
    found = experiments.candidates(session, team, items, window.baseline, cache)
    trial = PulseExperiment(
        team_id=team,
        item_ids=items,
        start_round_id=start.id,
        end_round_id=None,
        comparison_team_ids=experiments.suggest(found),
    )
    return experiments.analyse(session, trial, cache)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--teams", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    with database(args.database) as url:
        heard = Heard(Settings.from_env(environ={}, database_url=url))
        heard.upgrade()
        build_org(heard, args.people, args.teams, rng)
        for number in range(1, args.rounds + 1):
            run_round(heard, number, rng)
        signs_runs = timed(heard, args.repeats, org_signs)
        experiment_runs = timed(heard, args.repeats, experiment)
        with heard.transaction() as s:
            found = org_signs(s)["signs"]
            did = experiment(s)["did"]
        heard.close()
    print(f"signs: {[(s['kind'], len(s['teams'])) for s in found]}; experiment: {did}")
    for label, runs in (("org warning signs", signs_runs), ("experiment", experiment_runs)):
        print(
            f"{label}: median {statistics.median(runs):.2f} s "
            f"(runs: {', '.join(f'{x:.2f}' for x in runs)})"
        )


if __name__ == "__main__":
    main()
