"""Warning signs for a team, read from its last two consecutive rounds with results.
Built only on figures the aggregation function shows, so a hidden round raises nothing.

* **quiet read as coping**: fewer people answered (response rate down by at least
  ``RATE_DROP``) while workload scores worsened (by at least ``SCORE_DROP``).
* **same blind spot twice**: an item was a blind spot (see :mod:`heard.pulse.gaps`) in
  both rounds.
* **silence read as agreement**: few comments (at most ``QUIET_COMMENTS`` of respondents)
  while the team's scores fell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from heard.pulse import anonymity, rounds
from heard.pulse.anonymity import TEAM, RoundResults
from heard.pulse.gaps import TeamGap, team_gap
from heard.pulse.predictions import Prediction, predictions_for_round

RATE_DROP = 0.10
SCORE_DROP = 0.20  # points on the 1-5 range
QUIET_COMMENTS = 0.15
WORKLOAD = "workload"


def _mean(gap: TeamGap, dimension: str | None = None) -> float | None:
    values = [
        i.item.to_1_5(i.figure.mean)
        for i in gap.items
        if i.figure is not None and (dimension is None or i.item.dimension == dimension)
    ]
    return float(np.mean(values)) if values else None


def _rate(gap: TeamGap) -> float:
    return gap.group.respondents / gap.group.invited if gap.group.invited else 0.0


def warning_signs(history: list[TeamGap], *, for_org: bool = False) -> list[dict[str, Any]]:
    """Signs raised by the last two rounds of ``history`` (oldest first). ``for_org``
    words them for a people partner rather than for the leader."""
    if len(history) < 2:
        return []
    before, now = history[-2], history[-1]
    if before.group.suppressed or now.group.suppressed:
        return []
    signs: list[dict[str, Any]] = []
    workload_before, workload_now = _mean(before, WORKLOAD), _mean(now, WORKLOAD)
    if (
        workload_before is not None
        and workload_now is not None
        and _rate(before) - _rate(now) >= RATE_DROP
        and workload_before - workload_now >= SCORE_DROP
    ):
        signs.append(
            {
                "kind": "quiet_read_as_coping",
                "title": "Quiet is not coping",
                "detail": f"Fewer people answered ({_rate(before):.0%} → {_rate(now):.0%}) "
                f"while workload scores fell ({workload_before:.2f} → {workload_now:.2f}).",
            }
        )
    repeated = [i for i in now.items if i.blind_spot and i.item.id in before.blind_spots]
    for item in repeated:
        signs.append(
            {
                "kind": "same_blind_spot",
                "title": "The same blind spot two rounds running",
                "detail": f"“{item.item.text}”: "
                + ("the leader" if for_org else "you")
                + " predicted clearly better than "
                + ("the" if for_org else "your")
                + " team said, twice in a row.",
                "item_id": item.item.id,
            }
        )
    overall_before, overall_now = _mean(before), _mean(now)
    comments = now.group.comment_count or 0
    if (
        overall_before is not None
        and overall_now is not None
        and overall_before - overall_now >= SCORE_DROP
        and comments <= QUIET_COMMENTS * now.group.respondents
    ):
        signs.append(
            {
                "kind": "silence_read_as_agreement",
                "title": "Silence is not agreement",
                "detail": f"Scores fell ({overall_before:.2f} → {overall_now:.2f}) and only "
                f"{comments} of {now.group.respondents} people wrote anything.",
            }
        )
    return signs


KINDS = ("quiet_read_as_coping", "same_blind_spot", "silence_read_as_agreement")


def org_warning_signs(
    before: RoundResults,
    now: RoundResults,
    predictions_before: dict[int, Prediction],
    predictions_now: dict[int, Prediction],
) -> list[dict[str, Any]]:
    """Signs for every team whose figures are shown in both rounds, grouped by sign (for
    the people partner's organisation view). A team hidden in either round raises nothing,
    so no sign carries a figure of a suppressed group."""
    grouped: dict[str, dict[str, Any]] = {}
    for group in sorted(now.team_groups(), key=lambda g: g.name):
        earlier = before.groups.get((group.team_id, TEAM))
        if group.suppressed or earlier is None or earlier.suppressed:
            continue
        history = [
            team_gap(before, group.team_id, predictions_before.get(group.team_id)),
            team_gap(now, group.team_id, predictions_now.get(group.team_id)),
        ]
        for sign in warning_signs(history, for_org=True):
            entry = grouped.setdefault(
                sign["kind"], {"kind": sign["kind"], "title": sign["title"], "teams": []}
            )
            teams = entry["teams"]
            if not teams or teams[-1]["team_id"] != group.team_id:
                teams.append({"team_id": group.team_id, "name": group.name, "details": []})
            teams[-1]["details"].append(sign["detail"])
            if "item_id" in sign:
                teams[-1].setdefault("item_ids", []).append(sign["item_id"])
    if "same_blind_spot" in grouped:  # one line per team, not one per question
        texts = {i.id: i.text for i in now.items}
        for team in grouped["same_blind_spot"]["teams"]:
            quoted = "; ".join(f"“{texts[i]}”" for i in team["item_ids"])
            team["details"] = [
                "The leader predicted clearly better than the team said, twice in a row, on "
                f"{len(team['item_ids'])} question{'s' if len(team['item_ids']) > 1 else ''}: "
                f"{quoted}."
            ]
    return [grouped[kind] for kind in KINDS if kind in grouped]


def org_signs_for_round(
    session: Session, now: RoundResults, predictions_now: dict[int, Prediction]
) -> dict[str, Any]:
    """The organisation's warning signs for a closed round, against the round closed just
    before it. Both rounds' figures come from the aggregation function."""
    closed = [r.id for r in rounds.rounds_in(session, (rounds.CLOSED, rounds.RESULTS))]
    position = closed.index(now.round_id) if now.round_id in closed else 0
    if position == 0:
        return {"compared_with": None, "signs": []}
    before = anonymity.round_results(session, closed[position - 1])
    signs = org_warning_signs(
        before, now, predictions_for_round(session, before.round_id), predictions_now
    )
    return {"compared_with": before.round_name, "signs": signs}
