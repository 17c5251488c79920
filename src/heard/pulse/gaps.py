"""The empathy gap: how far a leader's predictions are from what their team reported.

Everything here starts from :class:`~heard.pulse.anonymity.RoundResults`, so a suppressed
team contributes nothing: not its gap, not to organisation distributions, not to ICC.

Sign: ``gap = predicted - actual``. Positive means the leader thinks things are better
than the team says. Comparisons across items (mean absolute gap, Spearman, the three
worst items) place every item on a 1-5 range first, so 0-10 items weigh the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from heard.pulse import stats
from heard.pulse.anonymity import TEAM, TREE, GroupResult, ItemFigure, RoundResults
from heard.pulse.items import ItemView
from heard.pulse.predictions import Prediction

BLIND_SPOT_POINTS = 0.5  # on the 1-5 range
WORST_COUNT = 3


def rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass(frozen=True)
class ItemGap:
    item: ItemView
    figure: ItemFigure | None
    predicted: float | None

    @property
    def gap(self) -> float | None:
        if self.figure is None or self.predicted is None:
            return None
        return self.predicted - self.figure.mean

    @property
    def blind_spot(self) -> bool:
        """The leader predicted clearly better than the team's mean and its whole interval."""
        if self.gap is None or self.figure is None or self.predicted is None:
            return False
        points = self.gap * 4 / (self.item.scale_max - self.item.scale_min)
        return points >= BLIND_SPOT_POINTS and self.predicted > self.figure.ci_high

    def to_dict(self) -> dict[str, Any]:
        f = self.figure
        return {
            "item_id": self.item.id,
            "item": self.item.text,
            "dimension": self.item.dimension,
            "scale": [self.item.scale_min, self.item.scale_max],
            "respondents": f.n if f else None,
            "actual_mean": rounded(f.mean) if f else None,
            "ci_low": rounded(f.ci_low) if f else None,
            "ci_high": rounded(f.ci_high) if f else None,
            "rwg": rounded(f.rwg) if f else None,
            "predicted_mean": rounded(self.predicted),
            "gap": rounded(self.gap),
            "abs_gap": rounded(abs(self.gap)) if self.gap is not None else None,
            "blind_spot": self.blind_spot,
        }


@dataclass(frozen=True)
class TeamGap:
    """One team's gap in one round, as its leader sees it."""

    round_id: int
    round_name: str
    group: GroupResult
    items: tuple[ItemGap, ...]
    prediction: Prediction | None
    k: int

    @property
    def complete(self) -> bool:
        return not self.group.suppressed and self.prediction is not None

    def _scaled(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        actual = np.array([g.item.to_1_5(g.figure.mean) for g in self.items if g.figure])
        predicted = np.array(
            [g.item.to_1_5(g.predicted) for g in self.items if g.predicted is not None]
        )
        return actual, predicted

    @property
    def mean_gap(self) -> float | None:
        if not self.complete:
            return None
        actual, predicted = self._scaled()
        return float(np.mean(predicted - actual))

    @property
    def mean_abs_gap(self) -> float | None:
        if not self.complete:
            return None
        actual, predicted = self._scaled()
        return float(np.mean(np.abs(predicted - actual)))

    @property
    def spearman(self) -> float | None:
        if not self.complete:
            return None
        actual, predicted = self._scaled()
        return stats.spearman(predicted, actual)

    @property
    def team_worst(self) -> list[int]:
        """The three items the team rated lowest (ties: earlier item first)."""
        if self.group.suppressed:
            return []
        actual, _ = self._scaled()
        order = np.argsort(actual, kind="stable")[:WORST_COUNT]
        return [self.items[i].item.id for i in order]

    @property
    def knows_worst(self) -> int | None:
        """How many of the team's three worst items the leader named as top barriers."""
        if not self.complete or self.prediction is None:
            return None
        return len(set(self.team_worst) & set(self.prediction.barriers))

    @property
    def blind_spots(self) -> list[int]:
        return [g.item.id for g in self.items if g.blind_spot]

    def to_dict(self) -> dict[str, Any]:
        g = self.group
        return {
            "round": {"id": self.round_id, "name": self.round_name},
            "team": {"id": g.team_id, "name": g.name},
            "invited": g.invited,
            "respondents": g.respondents,
            "suppressed": g.suppressed,
            "notice": g.notice(self.k),
            "predicted": self.prediction is not None,
            "items": [i.to_dict() for i in self.items] if not g.suppressed else [],
            "predicted_items": [
                {"item_id": i.item.id, "item": i.item.text, "predicted_mean": rounded(i.predicted)}
                for i in self.items
            ]
            if g.suppressed
            else [],
            "calibration": {
                "mean_gap": rounded(self.mean_gap),
                "mean_abs_gap": rounded(self.mean_abs_gap),
                "spearman": rounded(self.spearman),
            },
            "knows_what_hurts_most": {
                "team_worst": self.team_worst,
                "leader_named": list(self.prediction.barriers) if self.prediction else [],
                "overlap": self.knows_worst,
            },
            "blind_spots": self.blind_spots,
        }


def team_gap(
    results: RoundResults, team_id: int, prediction: Prediction | None, scope: str = TEAM
) -> TeamGap:
    group = results.group(team_id, scope)
    if group is None:
        raise KeyError(team_id)
    values: Sequence[float | None] = (
        prediction.values if prediction else [None] * len(results.items)
    )
    items = tuple(
        ItemGap(item, group.figure(item.id), predicted)
        for item, predicted in zip(results.items, values, strict=False)
    )
    return TeamGap(results.round_id, results.round_name, group, items, prediction, results.k)


def org_root(results: RoundResults) -> GroupResult | None:
    """The widest group of the organisation (the top team's roll-up)."""
    roots = [
        results.group(t, TREE)
        for t, parent in results.parents.items()
        if parent is None or parent not in results.parents
    ]
    candidates = [g for g in roots if g is not None]
    return max(candidates, key=lambda g: g.respondents, default=None)


def pooled_visible(results: RoundResults) -> list[dict[str, Any]]:
    """Per item, everyone in the teams whose figures are shown, pooled. Derived only from
    visible figures, so it says nothing new; useful when the whole-organisation roll-up is
    itself hidden (e.g. because the top team is small)."""
    table = results.table
    rows = [table.row[g.key] for g in results.team_groups() if g.key in table.row]
    if not rows:
        return []
    n = table.n[rows].astype(float)[:, None]
    means, variances = table.mean[rows], table.sd[rows] ** 2
    total = float(n.sum())
    grand = (n * means).sum(axis=0) / total
    spread = ((n - 1) * variances).sum(axis=0) + (n * (means - grand) ** 2).sum(axis=0)
    sd = np.sqrt(spread / (total - 1))
    return [
        {
            "item_id": item.id,
            "respondents": int(total),
            "mean": rounded(grand[j]),
            "sd": rounded(sd[j]),
        }
        for j, item in enumerate(results.items)
    ]


@dataclass(frozen=True)
class GapMatrix:
    """Every visible team of a round at once (rows) by rating item (columns), for
    organisation-wide analytics. Same definitions as :class:`TeamGap`, vectorised."""

    groups: list[GroupResult]
    item_ids: list[int]
    n: np.ndarray[Any, Any]
    actual: np.ndarray[Any, Any]  # on the 1-5 range
    predicted: np.ndarray[Any, Any]  # on the 1-5 range; NaN rows without a prediction
    above_interval: np.ndarray[Any, Any]  # predicted above the team's CI
    barriers: list[tuple[int, ...]]

    @property
    def complete(self) -> np.ndarray[Any, Any]:
        return ~np.isnan(self.predicted).any(axis=1) if len(self.groups) else np.zeros(0, bool)

    @property
    def gap(self) -> np.ndarray[Any, Any]:
        return np.asarray(self.predicted - self.actual, dtype=np.float64)

    @property
    def blind_spots(self) -> np.ndarray[Any, Any]:
        with np.errstate(invalid="ignore"):
            return np.asarray((self.gap >= BLIND_SPOT_POINTS) & self.above_interval, dtype=bool)

    def knows_worst(self) -> np.ndarray[Any, Any]:
        worst = np.argsort(self.actual, axis=1, kind="stable")[:, :WORST_COUNT]
        ids = np.array(self.item_ids)
        return np.array(
            [len(set(ids[w].tolist()) & set(b)) for w, b in zip(worst, self.barriers, strict=True)]
        )


def gap_matrix(results: RoundResults, predictions: dict[int, Prediction]) -> GapMatrix:
    table = results.table
    groups = [g for g in results.team_groups() if not g.suppressed and g.key in table.row]
    rows = [table.row[g.key] for g in groups]
    low = np.array([i.scale_min for i in results.items], dtype=float)
    span = np.array([i.scale_max - i.scale_min for i in results.items], dtype=float)
    width = len(results.items)
    raw = np.full((len(groups), width), np.nan)
    barriers: list[tuple[int, ...]] = []
    for r, g in enumerate(groups):
        p = predictions.get(g.team_id)
        if p is not None and len(p.values) == width:
            raw[r] = p.values
        barriers.append(p.barriers if p else ())
    actual = table.mean[rows] if rows else np.zeros((0, width))
    ci_high = table.ci_high[rows] if rows else np.zeros((0, width))
    with np.errstate(invalid="ignore"):
        above = raw > ci_high
    return GapMatrix(
        groups=groups,
        item_ids=[i.id for i in results.items],
        n=table.n[rows] if rows else np.zeros(0, dtype=np.int64),
        actual=1 + 4 * (actual - low) / span,
        predicted=1 + 4 * (raw - low) / span,
        above_interval=above,
        barriers=barriers,
    )


def org_gaps(results: RoundResults, predictions: dict[int, Prediction]) -> dict[str, Any]:
    """Organisation-wide: distribution of gaps across leaders, the most common blind spots,
    ICC(1) per item. Only visible teams count."""
    m = gap_matrix(results, predictions)
    done = m.complete
    gap = m.gap[done]
    leader_gaps = gap.mean(axis=1) if len(gap) else np.zeros(0)
    spots = m.blind_spots[done]
    distribution: dict[str, Any] = {"leaders": int(done.sum())}
    if len(leader_gaps):
        quartiles = np.percentile(leader_gaps, [0, 25, 50, 75, 100])
        counts, edges = np.histogram(np.clip(leader_gaps, -2, 2), bins=16, range=(-2, 2))
        distribution |= {
            "min": rounded(quartiles[0]),
            "p25": rounded(quartiles[1]),
            "median": rounded(quartiles[2]),
            "p75": rounded(quartiles[3]),
            "max": rounded(quartiles[4]),
            "overestimating": int((leader_gaps > 0).sum()),
            "histogram": [
                {"from": rounded(edges[i], 2), "to": rounded(edges[i + 1], 2), "leaders": int(c)}
                for i, c in enumerate(counts)
            ],
        }
    span = np.array([(i.scale_max - i.scale_min) / 4 for i in results.items])
    by_item = []
    for j, item in enumerate(results.items):
        count = int(spots[:, j].sum()) if len(spots) else 0
        by_item.append(
            {
                "item_id": item.id,
                "item": item.text,
                "dimension": item.dimension,
                "mean_gap": rounded(float(gap[:, j].mean() * span[j])) if len(gap) else None,
                "blind_spots": count,
                "blind_spot_share": rounded(count / len(gap)) if len(gap) else None,
                "icc1": rounded(_item_icc(results, m, j)),
            }
        )
    root = org_root(results)
    return {
        "round": {"id": results.round_id, "name": results.round_name, "k": results.k},
        "teams": {
            "reported": len(m.groups),
            "suppressed": sum(1 for g in results.team_groups() if g.suppressed and g.invited),
            "with_predictions": int(done.sum()),
        },
        "distribution": distribution,
        "items": by_item,
        "blind_spots": sorted(
            (i for i in by_item if i["blind_spots"]), key=lambda i: -int(i["blind_spots"])
        ),
        "organisation": root.to_dict(results.k) if root else None,
        "reported_teams_pooled": pooled_visible(results),
        "leaders": _leader_rows(m),
    }


def _leader_rows(m: GapMatrix) -> list[dict[str, Any]]:
    done = m.complete
    gap = m.gap
    rho = stats.spearman_rows(m.predicted, m.actual) if len(m.groups) else np.zeros(0)
    knows = m.knows_worst() if len(m.groups) else np.zeros(0)
    spots = m.blind_spots.sum(axis=1) if len(m.groups) else np.zeros(0)
    return [
        {
            "team_id": g.team_id,
            "team": g.name,
            "leader_id": g.leader_id,
            "mean_gap": rounded(float(gap[r].mean())),
            "mean_abs_gap": rounded(float(np.abs(gap[r]).mean())),
            "spearman": None if np.isnan(rho[r]) else rounded(float(rho[r])),
            "knows_what_hurts_most": int(knows[r]),
            "blind_spots": int(spots[r]),
        }
        for r, g in enumerate(m.groups)
        if done[r]
    ]


def _item_icc(results: RoundResults, m: GapMatrix, j: int) -> float | None:
    """ICC(1) of item ``j`` across the visible teams."""
    if len(m.groups) < 2:
        return None
    rows = [results.table.row[g.key] for g in m.groups]
    means = results.table.mean[rows, j]
    variances = results.table.sd[rows, j] ** 2
    return stats.icc1(m.n, means, variances)


def org_trend_point(results: RoundResults, predictions: dict[int, Prediction]) -> dict[str, Any]:
    """One round of the organisation trend."""
    m = gap_matrix(results, predictions)
    gap = m.gap[m.complete]
    root = org_root(results)
    invited = sum(g.invited for g in results.team_groups())
    answered = sum(g.respondents for g in results.team_groups())
    return {
        "round": {"id": results.round_id, "name": results.round_name},
        "response_rate": rounded(answered / invited) if invited else None,
        "teams_reported": len(m.groups),
        "mean_abs_gap": rounded(float(np.abs(gap).mean(axis=1).mean())) if len(gap) else None,
        "median_gap": rounded(float(np.median(gap.mean(axis=1)))) if len(gap) else None,
        "organisation_hidden": root is None or root.suppressed,
        "pooled": pooled_visible(results),
        "items": [
            {
                "item_id": f.item_id,
                "mean": rounded(f.mean),
                "ci_low": rounded(f.ci_low),
                "ci_high": rounded(f.ci_high),
            }
            for f in (root.figures if root else ())
        ],
    }
