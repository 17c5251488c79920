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

from heard.pulse.gaps import TeamGap

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


def warning_signs(history: list[TeamGap]) -> list[dict[str, Any]]:
    """Signs raised by the last two rounds of ``history`` (oldest first)."""
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
                "detail": f"“{item.item.text}”: you predicted clearly better than your team "
                "said, twice in a row.",
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
