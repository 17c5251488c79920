"""Experiments: the difference-in-differences estimate and its interval against an
independent calculation on the raw synthetic answers, the comparison-group rule, hidden
team-rounds left out, statuses with history, and anonymous feedback released in groups."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from sqlalchemy import inspect, select

from heard.accounts.policy import OPERATOR, Actor
from heard.app import Heard
from heard.errors import Conflict, NotFound, ValidationError
from heard.pulse import decisions, experiments
from heard.pulse.items import BUILT_IN
from heard.settings import Settings
from heard.store.tables.audit import AuditEvent
from tests.pulse.builders import Org, build_org, rating_ids, run_round

WORKLOAD = [j for j, (_k, dimension, _t) in enumerate(BUILT_IN) if dimension == "workload"]
EFFECT = 0.8  # planted: the treated team's workload answers rise this much after the change
BASE = {"Crew": 3.0, "Alpha": 3.3, "Bravo": 2.7, "Charlie": 3.6, "Delta": 3.1, "Far": 4.2}
DEPARTMENTS = {"Crew": "Support", "Alpha": "Support", "Bravo": "Support", "Charlie": "Support"}
SHIFT = [0.0, -0.2, -0.3, -0.4, -0.5]  # the whole organisation slowly worsens
ROUNDS = ["R1", "R2", "R3", "R4", "R5"]
SPEC: dict[str, tuple[str | None, int]] = {
    "Top": (None, 1),
    **{team: ("Top", 8) for team in BASE},
    "Tiny": ("Top", 3),  # never reportable (k = 5)
}


@dataclass
class World:
    org: Org
    round_ids: dict[str, int]
    means: dict[tuple[str, str], float]  # (team, round) -> raw mean of the workload answers
    team_of: dict[int, str]  # person id -> team name


def _world(heard_app: Heard) -> World:
    """Five rounds; Crew gets +EFFECT on workload from R4; Charlie is hidden in R5 (only 3
    of its people answer)."""
    org = build_org(heard_app, SPEC, departments=DEPARTMENTS)
    team_of = {a.person_id: team for team, people in org.members.items() for a in people}
    rng = random.Random(3)
    answers: dict[tuple[str, str], list[float]] = {}
    round_ids = {}
    for r, name in enumerate(ROUNDS):
        charlie_quiet = {a.person_id for a in org.members["Charlie"][3:]} if name == "R5" else set()

        def answer(actor: Actor, j: int, r: int = r, name: str = name) -> int:
            team = team_of[actor.person_id]  # type: ignore[index]
            level = BASE.get(team, 3.2) + SHIFT[r] + rng.gauss(0, 0.45)
            if team == "Crew" and r >= 3 and j in WORKLOAD:
                level += EFFECT
            value = min(5, max(1, round(level)))
            if j in WORKLOAD:
                answers.setdefault((team, name), []).append(value)
            return value

        round_ids[name] = run_round(
            heard_app,
            org,
            name,
            answer=answer,
            respond=lambda a, quiet=charlie_quiet: a.person_id not in quiet,
        )
    means = {key: float(np.mean(v)) for key, v in answers.items()}
    return World(org, round_ids, means, team_of)


def _decision(heard_app: Heard, world: World, actor: Actor | None = None) -> int:
    actor = actor or world.org.leaders["Crew"]
    with heard_app.transaction() as s:
        ids = rating_ids(s, world.round_ids["R3"])
        made = decisions.record_decision(
            s,
            actor,
            team_id=world.org.teams["Crew"],
            round_ref=world.round_ids["R3"],
            item_ids=[ids[j] for j in WORKLOAD],
            summary="Protected focus mornings",
            answers={f: "answered" for f in decisions.QUESTION_FIELDS},
        )
    return int(made["id"])


def _start(heard_app: Heard, world: World, **kw: Any) -> dict[str, Any]:
    decision = _decision(heard_app, world)
    with heard_app.transaction() as s:
        made = experiments.start_experiment(
            s, world.org.leaders["Crew"], decision, start_round=world.round_ids["R4"], **kw
        )
    with heard_app.transaction() as s:
        return experiments.experiment_view(
            s, world.org.leaders["Crew"], made["id"], heard_app.settings
        )


def _independent_did(world: World, teams: list[str]) -> tuple[float, float, float, int]:
    """OLS with team and round dummies written out in numpy; conventional errors, t(df)."""
    rows = [
        (team, r, world.means[(team, name)], team == "Crew", r >= 3)
        for team in teams
        for r, name in enumerate(ROUNDS)
        if (team, name) in world.means and not (team == "Charlie" and name == "R5")
    ]
    team_index = {t: i for i, t in enumerate(teams)}
    x = np.zeros((len(rows), 2 + (len(teams) - 1) + (len(ROUNDS) - 1)))
    y = np.zeros(len(rows))
    for n, (team, r, mean, treated, post) in enumerate(rows):
        x[n, 0], x[n, 1] = 1.0, float(treated and post)
        if team_index[team] > 0:
            x[n, 1 + team_index[team]] = 1.0
        if r > 0:
            x[n, len(teams) + r] = 1.0
        y[n] = mean
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    df = len(y) - x.shape[1]
    cov = (resid @ resid / df) * np.linalg.inv(x.T @ x)
    se = float(np.sqrt(cov[1, 1]))
    t = float(sps.t.ppf(0.975, df))
    return float(beta[1]), float(beta[1] - t * se), float(beta[1] + t * se), len(rows)


def test_the_estimate_recovers_the_planted_effect_and_matches_an_independent_fit(
    heard_app: Heard,
) -> None:
    world = _world(heard_app)
    view = _start(heard_app, world)
    names = {v: k for k, v in world.org.teams.items()}
    comparison = [names[c["team_id"]] for c in view["experiment"]["comparison"]]
    did = view["experiment"]["result"]["did"]

    estimate, low, high, observations = _independent_did(world, ["Crew", *comparison])
    assert did["estimate"] == pytest.approx(estimate, abs=1e-3)
    assert did["ci_low"] == pytest.approx(low, abs=1e-3)
    assert did["ci_high"] == pytest.approx(high, abs=1e-3)
    assert did["observations"] == observations
    assert did["teams"] == 1 + len(comparison) and did["rounds"] == 5
    assert did["standard_errors"] == "conventional"
    assert low <= EFFECT <= high and low > 0  # the planted effect, recovered
    assert view["experiment"]["result"]["reading"].startswith("Crew improved by")


def test_the_same_model_in_statsmodels_formula_gives_the_same_answer(heard_app: Heard) -> None:
    """A second independent check: the statsmodels formula interface on the raw means."""
    import statsmodels.formula.api as smf

    world = _world(heard_app)
    view = _start(heard_app, world)
    names = {v: k for k, v in world.org.teams.items()}
    teams = ["Crew"] + [names[c["team_id"]] for c in view["experiment"]["comparison"]]
    frame = pd.DataFrame(
        [
            {"team": t, "round": n, "y": world.means[(t, n)], "d": int(t == "Crew" and r >= 3)}
            for t in teams
            for r, n in enumerate(ROUNDS)
            if not (t == "Charlie" and n == "R5")
        ]
    )
    fit = smf.ols("y ~ d + C(team) + C(round)", frame).fit()
    did = view["experiment"]["result"]["did"]
    assert did["estimate"] == pytest.approx(fit.params["d"], abs=1e-3)
    assert did["ci_high"] == pytest.approx(fit.conf_int().loc["d", 1], abs=1e-3)


def test_comparison_teams_follow_the_documented_rule(heard_app: Heard) -> None:
    world = _world(heard_app)
    view = _start(heard_app, world)
    names = {v: k for k, v in world.org.teams.items()}
    chosen = [names[c["team_id"]] for c in view["experiment"]["comparison"]]

    baseline = {t: np.mean([world.means[(t, n)] for n in ROUNDS[:3]]) for t in [*BASE, "Top"]}
    size = {t: len(world.org.members[t]) for t in [*BASE, "Top"]}

    def distance(t: str) -> float:
        return abs(baseline[t] - baseline["Crew"]) + 0.5 * abs(size[t] - 8) / 8

    others = [t for t in baseline if t != "Crew"]
    expected = sorted(others, key=lambda t: (DEPARTMENTS.get(t) != "Support", distance(t)))
    assert chosen == expected[:5]
    assert chosen[:3] == sorted(["Alpha", "Bravo", "Charlie"], key=distance)  # department first
    assert "Tiny" not in {c["name"] for c in view["candidates"]}  # hidden: never comparable
    assert view["experiment"]["comparison_chosen"] == "automatic"


def test_hidden_team_rounds_are_left_out_never_recomputed(heard_app: Heard) -> None:
    world = _world(heard_app)
    teams = world.org.teams
    view = _start(
        heard_app, world, comparison_team_ids=[teams["Alpha"], teams["Charlie"], teams["Bravo"]]
    )
    series = view["experiment"]["result"]["series"]
    assert [p["comparison_teams"] for p in series] == [3, 3, 3, 3, 2]  # Charlie hidden in R5
    assert view["experiment"]["result"]["did"]["observations"] == 4 * 5 - 1
    assert view["experiment"]["comparison_chosen"] == "by hand"
    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        experiments.set_comparison(
            s, world.org.leaders["Crew"], view["experiment"]["id"], [teams["Tiny"], teams["Alpha"]]
        )
    assert err.value.problems[0].field == "comparison_team_ids"
    with heard_app.transaction() as s, pytest.raises(ValidationError):
        experiments.set_comparison(
            s, world.org.leaders["Crew"], view["experiment"]["id"], [teams["Alpha"]]
        )  # one team alone would show another team's figure


def test_a_team_hidden_after_the_change_shows_no_figure_for_that_round(heard_app: Heard) -> None:
    world = _world(heard_app)
    with heard_app.transaction() as s:
        # Charlie, hidden in R5, as the experiment's own team (by a people partner).
        pat = Actor(None, "pat", "pat@example.com", OPERATOR.role)
        made = decisions.record_decision(
            s,
            pat,
            team_id=world.org.teams["Charlie"],
            round_ref=world.round_ids["R3"],
            item_ids=rating_ids(s, world.round_ids["R3"])[:2],
            summary="x",
            answers={f: "a" for f in decisions.QUESTION_FIELDS},
        )
        started = experiments.start_experiment(
            s, pat, made["id"], start_round=world.round_ids["R4"]
        )
        view = experiments.experiment_view(s, pat, started["id"], heard_app.settings)
    assert view["experiment"]["result"]["series"][-1]["team"] is None
    assert view["experiment"]["result"]["did"]["observations"] == 6 * 5 - 1


def test_statuses_move_forward_only_and_keep_their_history(heard_app: Heard) -> None:
    world = _world(heard_app)
    view = _start(heard_app, world)
    eid, lead = view["experiment"]["id"], world.org.leaders["Crew"]
    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        experiments.set_status(s, lead, eid, experiments.CONCLUDED, " ")
    assert err.value.problems[0].field == "outcome"
    with heard_app.transaction() as s:
        experiments.set_status(s, lead, eid, experiments.CONCLUDED, "Keeping focus mornings.")
    with heard_app.transaction() as s, pytest.raises(Conflict):
        experiments.set_status(s, lead, eid, experiments.ABANDONED, "changed my mind")
    with heard_app.transaction() as s:
        after = experiments.experiment_view(s, lead, eid, heard_app.settings)
    assert after["experiment"]["status"] == "concluded"
    assert after["experiment"]["end_round"]["id"] == world.round_ids["R5"]
    assert [h["kind"] for h in after["history"]] == ["started", "concluded"]
    with heard_app.transaction() as s, pytest.raises(NotFound):
        experiments.experiment_view(s, world.org.leaders["Alpha"], eid, heard_app.settings)


def test_feedback_is_anonymous_and_released_only_in_groups(heard_app: Heard) -> None:
    world = _world(heard_app)
    view = _start(heard_app, world)
    eid = view["experiment"]["id"]
    settings = Settings.from_env(environ={}, comment_min_group_size=5)
    crew = world.org.members["Crew"]
    with heard_app.transaction() as s:
        events_before = len(list(s.scalars(select(AuditEvent))))
    for n, member in enumerate(crew[:4]):
        with heard_app.transaction() as s:
            experiments.give_feedback(s, member, eid, f"Mornings are calmer ({n}).", settings)
    with heard_app.transaction() as s:
        exp = experiments._experiment(s, OPERATOR, eid)
        summary = experiments.feedback_summary(s, exp, settings)
    assert summary["shown"] == [] and summary["needed"] == 1
    with heard_app.transaction() as s:
        experiments.give_feedback(s, crew[4], eid, "Finally time to think.", settings)
    with heard_app.transaction() as s:
        experiments.give_feedback(s, crew[5], eid, "Still too many tickets.", settings)
    with heard_app.transaction() as s:
        summary = experiments.feedback_summary(
            s, experiments._experiment(s, OPERATOR, eid), settings
        )
        columns = {
            c["name"] for c in inspect(s.get_bind()).get_columns("pulse_experiment_feedback")
        }
        events_after = len(list(s.scalars(select(AuditEvent))))
    assert len(summary["shown"]) == 5  # the first five, together
    assert "Still too many tickets." not in {c["text"] for c in summary["shown"]}  # waits alone
    assert summary["waiting"] == 1 and summary["needed"] == 4
    assert columns == {"id", "experiment_id", "week", "text", "batch"}  # no person, no time
    assert events_after == events_before  # an audit event would say who and when

    with heard_app.transaction() as s, pytest.raises(Conflict):
        experiments.give_feedback(s, crew[0], eid, "Again!", settings)
    with heard_app.transaction() as s, pytest.raises(NotFound):
        experiments.give_feedback(s, world.org.members["Alpha"][0], eid, "Not my team", settings)
    with heard_app.transaction() as s, pytest.raises(NotFound):
        experiments.give_feedback(s, world.org.leaders["Crew"], eid, "I lead it", settings)


def test_empty_feedback_is_refused_by_field(heard_app: Heard) -> None:
    world = _world(heard_app)
    view = _start(heard_app, world)
    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        experiments.give_feedback(
            s, world.org.members["Crew"][0], view["experiment"]["id"], "  ", heard_app.settings
        )
    assert err.value.problems[0].field == "text"


def test_cluster_robust_errors_when_both_arms_have_enough_teams() -> None:
    """With 12 treated and 12 comparison teams, CR1 errors by team against numpy."""
    rng = np.random.default_rng(5)
    rows = []
    for team in range(24):
        level = rng.normal(3.2, 0.3)
        for r in range(4):
            treated, post = team < 12, r >= 2
            y = level + 0.1 * r + 0.5 * (treated and post) + rng.normal(0, 0.2)
            rows.append((team, r, y, treated, post))
    panel = pd.DataFrame(rows, columns=["team", "round", "y", "treated", "post"])
    est = experiments.difference_in_differences(panel)
    assert est is not None and est.errors == "cluster-robust by team"

    x = np.column_stack(
        [
            np.ones(len(panel)),
            (panel.treated & panel.post).astype(float),
            *[(panel.team == t).astype(float) for t in range(1, 24)],
            *[(panel["round"] == r).astype(float) for r in range(1, 4)],
        ]
    )
    y = panel.y.to_numpy()
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    u = y - x @ beta
    meat = sum(
        np.outer(x[g].T @ u[g], x[g].T @ u[g])
        for g in [panel.team.to_numpy() == t for t in range(24)]
    )
    n, k, groups = len(y), x.shape[1], 24
    cov = bread @ meat @ bread * groups / (groups - 1) * (n - 1) / (n - k)
    se = np.sqrt(cov[1, 1])
    t = sps.t.ppf(0.975, groups - 1)
    assert est.estimate == pytest.approx(beta[1], abs=1e-9)
    assert est.ci_low == pytest.approx(beta[1] - t * se, abs=1e-9)
    assert est.ci_high == pytest.approx(beta[1] + t * se, abs=1e-9)


def test_no_estimate_without_rounds_on_both_sides() -> None:
    panel = pd.DataFrame(
        [(1, 1, 3.0, True, False), (2, 1, 3.1, False, False)],
        columns=["team", "round", "y", "treated", "post"],
    )
    assert experiments.difference_in_differences(panel) is None
    assert experiments.reading("Crew", None).startswith("Not enough rounds")
