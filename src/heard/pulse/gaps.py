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


def _r(value: float | None, digits: int = 3) -> float | None:
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
            "actual_mean": _r(f.mean) if f else None,
            "ci_low": _r(f.ci_low) if f else None,
            "ci_high": _r(f.ci_high) if f else None,
            "rwg": _r(f.rwg) if f else None,
            "predicted_mean": _r(self.predicted),
            "gap": _r(self.gap),
            "abs_gap": _r(abs(self.gap)) if self.gap is not None else None,
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
                {"item_id": i.item.id, "item": i.item.text, "predicted_mean": _r(i.predicted)}
                for i in self.items
            ]
            if g.suppressed
            else [],
            "calibration": {
                "mean_gap": _r(self.mean_gap),
                "mean_abs_gap": _r(self.mean_abs_gap),
                "spearman": _r(self.spearman),
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
    visible = [g for g in results.team_groups() if not g.suppressed and g.figures]
    out = []
    for item in results.items:
        figures = [f for g in visible if (f := g.figure(item.id)) is not None]
        if not figures:
            continue
        n = np.array([f.n for f in figures], dtype=float)
        means = np.array([f.mean for f in figures])
        grand = float((n * means).sum() / n.sum())
        within = float(((n - 1) * np.array([f.sd**2 for f in figures])).sum())
        between = float((n * (means - grand) ** 2).sum())
        out.append(
            {
                "item_id": item.id,
                "respondents": int(n.sum()),
                "mean": _r(grand),
                "sd": _r(np.sqrt((within + between) / (n.sum() - 1))),
            }
        )
    return out


def org_gaps(results: RoundResults, predictions: dict[int, Prediction]) -> dict[str, Any]:
    """Organisation-wide: distribution of gaps across leaders, the most common blind spots,
    ICC(1) per item. Only visible teams count."""
    visible = [g for g in results.team_groups() if not g.suppressed]
    gaps = [team_gap(results, g.team_id, predictions.get(g.team_id)) for g in visible]
    complete = [t for t in gaps if t.complete]
    leader_gaps = np.array([t.mean_gap for t in complete], dtype=float)
    distribution: dict[str, Any] = {"leaders": len(complete)}
    if len(complete):
        quartiles = np.percentile(leader_gaps, [0, 25, 50, 75, 100])
        counts, edges = np.histogram(np.clip(leader_gaps, -2, 2), bins=16, range=(-2, 2))
        distribution |= {
            "min": _r(quartiles[0]),
            "p25": _r(quartiles[1]),
            "median": _r(quartiles[2]),
            "p75": _r(quartiles[3]),
            "max": _r(quartiles[4]),
            "overestimating": int((leader_gaps > 0).sum()),
            "histogram": [
                {"from": _r(edges[i], 2), "to": _r(edges[i + 1], 2), "leaders": int(c)}
                for i, c in enumerate(counts)
            ],
        }
    by_item = []
    for j, item in enumerate(results.items):
        item_gaps = [g for t in complete if (g := t.items[j].gap) is not None]
        spots = sum(1 for t in complete if t.items[j].blind_spot)
        by_item.append(
            {
                "item_id": item.id,
                "item": item.text,
                "dimension": item.dimension,
                "mean_gap": _r(float(np.mean(item_gaps))) if item_gaps else None,
                "blind_spots": spots,
                "blind_spot_share": _r(spots / len(complete)) if complete else None,
                "icc1": _r(_item_icc(visible, item.id)),
            }
        )
    root = org_root(results)
    return {
        "round": {"id": results.round_id, "name": results.round_name, "k": results.k},
        "teams": {
            "reported": len(visible),
            "suppressed": sum(1 for g in results.team_groups() if g.suppressed and g.invited),
            "with_predictions": len(complete),
        },
        "distribution": distribution,
        "items": by_item,
        "blind_spots": sorted(
            (i for i in by_item if i["blind_spots"]), key=lambda i: -int(i["blind_spots"])
        ),
        "organisation": root.to_dict(results.k) if root else None,
        "reported_teams_pooled": pooled_visible(results),
        "leaders": [_leader_row(t) for t in complete],
    }


def _leader_row(t: TeamGap) -> dict[str, Any]:
    return {
        "team_id": t.group.team_id,
        "team": t.group.name,
        "leader_id": t.group.leader_id,
        "mean_gap": _r(t.mean_gap),
        "mean_abs_gap": _r(t.mean_abs_gap),
        "spearman": _r(t.spearman),
        "knows_what_hurts_most": t.knows_worst,
        "blind_spots": len(t.blind_spots),
    }


def _item_icc(visible: list[GroupResult], item_id: int) -> float | None:
    figures = [f for g in visible if (f := g.figure(item_id)) is not None]
    if len(figures) < 2:
        return None
    n = np.array([f.n for f in figures], dtype=np.int64)
    means = np.array([f.mean for f in figures])
    variances = np.array([f.sd**2 for f in figures])
    return stats.icc1(n, means, variances)


def org_trend_point(results: RoundResults, predictions: dict[int, Prediction]) -> dict[str, Any]:
    """One round of the organisation trend."""
    visible = [g for g in results.team_groups() if not g.suppressed]
    complete = [
        t
        for g in visible
        if (t := team_gap(results, g.team_id, predictions.get(g.team_id))).complete
    ]
    abs_gaps = [t.mean_abs_gap for t in complete if t.mean_abs_gap is not None]
    signed = [t.mean_gap for t in complete if t.mean_gap is not None]
    root = org_root(results)
    invited = sum(g.invited for g in results.team_groups())
    answered = sum(g.respondents for g in results.team_groups())
    return {
        "round": {"id": results.round_id, "name": results.round_name},
        "response_rate": _r(answered / invited) if invited else None,
        "teams_reported": len(visible),
        "mean_abs_gap": _r(float(np.mean(abs_gaps))) if abs_gaps else None,
        "median_gap": _r(float(np.median(signed))) if signed else None,
        "organisation_hidden": root is None or root.suppressed,
        "pooled": pooled_visible(results),
        "items": [
            {
                "item_id": f.item_id,
                "mean": _r(f.mean),
                "ci_low": _r(f.ci_low),
                "ci_high": _r(f.ci_high),
            }
            for f in (root.figures if root else ())
        ],
    }
