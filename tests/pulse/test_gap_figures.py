"""Every gap figure, checked against an independent calculation on the raw synthetic
answers written here with numpy/scipy/statsmodels/pandas (never through heard.pulse.stats)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.formula.api import ols

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.pulse import anonymity, gaps, views
from heard.pulse.predictions import predictions_for_round
from tests.pulse.builders import Org, build_org, run_round

ITEMS = 13
TEAMS = {"Top": (None, 0), "Red": ("Top", 7), "Blue": ("Top", 9), "Green": ("Top", 6)}
PREDICTED = {
    "Red": [4.5, 4.0, 3.0, 3.5, 2.0, 4.2, 3.3, 3.9, 4.4, 2.5, 3.1, 4.8, 1.5],
    "Blue": [3.0] * 6 + [4.0] * 7,
    "Green": [2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 4.5, 4.0, 3.5, 3.0, 2.5, 2.0],
}
BARRIERS = {"Red": [4, 9, 12], "Blue": [0, 1, 2], "Green": [0, 12, 1]}


@pytest.fixture
def scenario(heard_app: Heard) -> tuple[Org, int, dict[int, list[int]]]:
    org = build_org(heard_app, TEAMS)
    rng = random.Random(11)
    raw: dict[int, list[int]] = {}

    def answer(actor: object, j: int) -> int:
        person = actor.person_id  # type: ignore[attr-defined]
        if person not in raw:
            base = rng.randint(2, 4)
            raw[person] = [min(5, max(1, base + rng.choice([-1, 0, 0, 1]))) for _ in range(ITEMS)]
        return raw[person][j]

    round_id = run_round(heard_app, org, "R1", answer, predict=PREDICTED, barriers=BARRIERS)
    return org, round_id, raw


def _team_answers(org: Org, team: str, raw: dict[int, list[int]]) -> np.ndarray:
    return np.array([raw[a.person_id] for a in org.members[team] if a.person_id in raw])


def test_item_figures_match_an_independent_calculation(heard_app: Heard, scenario) -> None:
    org, round_id, raw = scenario
    with heard_app.transaction() as s:
        results = anonymity.round_results(s, round_id)
        preds = predictions_for_round(s, round_id)
        for team in ("Red", "Blue", "Green"):
            x = _team_answers(org, team, raw)
            gap = gaps.team_gap(results, org.teams[team], preds[org.teams[team]])
            assert not gap.group.suppressed and gap.group.respondents == len(x)
            for j, item_gap in enumerate(gap.items):
                column = x[:, j].astype(float)
                f = item_gap.figure
                assert f is not None
                low, high = stats.t.interval(
                    0.95, len(column) - 1, loc=column.mean(), scale=stats.sem(column)
                )
                assert f.mean == pytest.approx(column.mean())
                assert f.sd == pytest.approx(column.std(ddof=1))
                assert (f.ci_low, f.ci_high) == pytest.approx((low, high))
                expected_rwg = max(0.0, 1 - column.var(ddof=1) / ((5**2 - 1) / 12))
                assert f.rwg == pytest.approx(expected_rwg)
                assert item_gap.gap == pytest.approx(PREDICTED[team][j] - column.mean())


def test_calibration_and_knowing_what_hurts_most(heard_app: Heard, scenario) -> None:
    org, round_id, raw = scenario
    with heard_app.transaction() as s:
        results = anonymity.round_results(s, round_id)
        preds = predictions_for_round(s, round_id)
        for team in ("Red", "Blue", "Green"):
            means = _team_answers(org, team, raw).mean(axis=0)
            predicted = np.array(PREDICTED[team])
            gap = gaps.team_gap(results, org.teams[team], preds[org.teams[team]])
            assert gap.mean_abs_gap == pytest.approx(np.abs(predicted - means).mean())
            assert gap.mean_gap == pytest.approx((predicted - means).mean())
            rho = pd.Series(predicted).corr(pd.Series(means), method="spearman")
            assert gap.spearman == pytest.approx(rho)
            worst = sorted(range(ITEMS), key=lambda j: (means[j], j))[:3]
            item_ids = [i.id for i in results.items]
            assert gap.team_worst == [item_ids[j] for j in worst]
            named = {item_ids[j] for j in BARRIERS[team]}
            assert gap.knows_worst == len(named & {item_ids[j] for j in worst})


def test_organisation_figures(heard_app: Heard, scenario) -> None:
    org, round_id, raw = scenario
    with heard_app.transaction() as s:
        data = views.org_view(s, OPERATOR, round_id)
    teams = ("Red", "Blue", "Green")
    leader_gaps = [
        (np.array(PREDICTED[t]) - _team_answers(org, t, raw).mean(axis=0)).mean() for t in teams
    ]
    distribution = data["gaps"]["distribution"]
    assert distribution["leaders"] == 3
    assert distribution["median"] == pytest.approx(np.median(leader_gaps), abs=1e-3)
    assert distribution["p25"] == pytest.approx(np.percentile(leader_gaps, 25), abs=1e-3)
    assert distribution["overestimating"] == sum(g > 0 for g in leader_gaps)
    # ICC(1) per item from a one-way ANOVA on the raw answers (statsmodels).
    for j, item in enumerate(data["gaps"]["items"]):
        frame = pd.DataFrame(
            [(t, v) for t in teams for v in _team_answers(org, t, raw)[:, j]],
            columns=["team", "y"],
        )
        table = sm.stats.anova_lm(ols("y ~ C(team)", data=frame).fit())
        msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
        sizes = frame.groupby("team").size().to_numpy(dtype=float)
        n0 = (sizes.sum() - (sizes**2).sum() / sizes.sum()) / (len(sizes) - 1)
        assert item["icc1"] == pytest.approx((msb - msw) / (msb + (n0 - 1) * msw), abs=1e-3)
        # the blind-spot count, recomputed from the raw answers
        spots = 0
        for t in teams:
            column = _team_answers(org, t, raw)[:, j].astype(float)
            high = stats.t.interval(
                0.95, len(column) - 1, loc=column.mean(), scale=stats.sem(column)
            )[1]
            p = PREDICTED[t][j]
            spots += p - column.mean() >= 0.5 and p > high
        assert item["blind_spots"] == spots
    # Top's roll-up minus the three visible teams would reveal the three leaders who sit
    # in Top, so the roll-up is hidden (differencing); the pooled figure over the visible
    # teams is what can be said, and it matches the raw answers of their members.
    organisation = data["gaps"]["organisation"]
    assert organisation["suppressed"] and organisation["items"] == []
    assert "subtracting" in organisation["notice"]
    members = np.vstack([_team_answers(org, t, raw) for t in teams])
    pooled = data["gaps"]["reported_teams_pooled"]
    assert [p["mean"] for p in pooled] == pytest.approx(members.mean(axis=0), abs=1e-3)
    assert [p["sd"] for p in pooled] == pytest.approx(members.std(axis=0, ddof=1), abs=1e-3)


def test_the_organisation_view_agrees_with_each_leaders_own_view(
    heard_app: Heard, scenario
) -> None:
    """Org-wide analytics are vectorised; they must say exactly what each team's gap says."""
    org, round_id, raw = scenario
    with heard_app.transaction() as s:
        results = anonymity.round_results(s, round_id)
        preds = predictions_for_round(s, round_id)
        rows = {r["team_id"]: r for r in gaps.org_gaps(results, preds)["leaders"]}
        for team in ("Red", "Blue", "Green"):
            own = gaps.team_gap(results, org.teams[team], preds[org.teams[team]])
            row = rows[org.teams[team]]
            assert row["mean_gap"] == pytest.approx(own.mean_gap, abs=1e-3)
            assert row["mean_abs_gap"] == pytest.approx(own.mean_abs_gap, abs=1e-3)
            assert row["spearman"] == pytest.approx(own.spearman, abs=1e-3)
            assert row["knows_what_hurts_most"] == own.knows_worst
            assert row["blind_spots"] == len(own.blind_spots)


def test_the_stored_trend_point_is_what_the_aggregation_function_says(
    heard_app: Heard, scenario
) -> None:
    _org, round_id, _raw = scenario
    with heard_app.transaction() as s:
        assert views.org_trend(s) == [views.trend_point(s, round_id)]
