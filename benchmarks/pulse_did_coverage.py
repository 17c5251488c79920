"""How often does an experiment's 95% interval cover the true effect? A simulation behind
the choice of standard errors in heard.pulse.experiments (see docs/pulse.md).

One treated team among G teams, T rounds (the change after round T/2), team levels,
a common trend, and team-level noise that is independent (rho = 0) or carries over from
round to round (rho = 0.5). The true effect is 0. Each scenario is simulated REPS times;
the table shows the share of 95% intervals that contain 0 for heard's estimator
(conventional errors for one treated team) and for the same OLS with errors clustered by
team.

    .venv/bin/python benchmarks/pulse_did_coverage.py [REPS]
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from heard.pulse.experiments import difference_in_differences

SCENARIOS = [(6, 6, 0.0), (6, 6, 0.5), (15, 6, 0.0), (15, 6, 0.5), (30, 6, 0.5)]


def panel(rng: np.random.Generator, teams: int, rounds: int, rho: float) -> pd.DataFrame:
    rows = []
    for team in range(teams):
        level, noise = rng.normal(3.3, 0.3), 0.0
        for r in range(rounds):
            noise = rho * noise + rng.normal(0, 0.15)
            rows.append((team, r, level + 0.05 * r + noise, team == 0, r >= rounds // 2))
    return pd.DataFrame(rows, columns=["team", "round", "y", "treated", "post"])


def covers(frame: pd.DataFrame) -> tuple[bool, bool]:
    est = difference_in_differences(frame)
    assert est is not None and est.ci_low is not None and est.ci_high is not None
    frame = frame.assign(d=(frame.treated & frame.post).astype(float))
    clustered = smf.ols("y ~ d + C(team) + C(round)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame.team}, use_t=True
    )
    low, high = clustered.conf_int().loc["d"]
    return est.ci_low <= 0 <= est.ci_high, low <= 0 <= high


def main(reps: int) -> None:
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(2026)
    print(f"{'teams':>5} {'rounds':>6} {'rho':>4} {'heard':>7} {'clustered':>9}  ({reps} runs)")
    for teams, rounds, rho in SCENARIOS:
        hits = np.array([covers(panel(rng, teams, rounds, rho)) for _ in range(reps)])
        heard, clustered = hits.mean(axis=0)
        print(f"{teams:>5} {rounds:>6} {rho:>4} {heard:>7.2f} {clustered:>9.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
