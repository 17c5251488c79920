"""`heard pulse report` and CSV exports: one record per (team, item) of a round.

Figures come from :func:`heard.pulse.anonymity.round_results` through
:func:`heard.pulse.gaps.team_gap`; when a team is suppressed its ``actual_mean``,
``ci_low``, ``ci_high``, ``rwg`` and ``gap`` are null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.pulse.anonymity import RoundResults
from heard.pulse.gaps import team_gap
from heard.pulse.predictions import predictions_for_round
from heard.store.tables.org import Person

FIELDS = (
    "round",
    "team_id",
    "team",
    "leader",
    "item_id",
    "item",
    "respondents",
    "suppressed",
    "actual_mean",
    "ci_low",
    "ci_high",
    "rwg",
    "predicted_mean",
    "gap",
)


def report_records(
    session: Session, results: RoundResults, team_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    wanted = set(team_ids) if team_ids is not None else None
    groups = [
        g
        for g in results.team_groups()
        if g.invited > 0 and (wanted is None or g.team_id in wanted)
    ]
    leader_ids = {g.leader_id for g in groups if g.leader_id is not None}
    names = dict(
        session.execute(select(Person.id, Person.name).where(Person.id.in_(leader_ids))).all()
    )
    predictions = predictions_for_round(session, results.round_id, [g.team_id for g in groups])
    records = []
    for group in sorted(groups, key=lambda g: (g.name, g.team_id)):
        gap = team_gap(results, group.team_id, predictions.get(group.team_id))
        for item in gap.items:
            row = item.to_dict()
            records.append(
                {
                    "round": results.round_name,
                    "team_id": group.team_id,
                    "team": group.name,
                    "leader": names.get(group.leader_id) if group.leader_id else None,
                    "item_id": item.item.id,
                    "item": item.item.text,
                    "respondents": group.respondents,
                    "suppressed": group.suppressed,
                    **{f: row[f] for f in ("actual_mean", "ci_low", "ci_high", "rwg")},
                    "predicted_mean": row["predicted_mean"],
                    "gap": row["gap"],
                }
            )
    return records


def to_csv(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return out.getvalue()
