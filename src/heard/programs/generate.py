"""Random rotation problems of a given size, for benchmarks, tests and the demo page."""

from __future__ import annotations

import random
from typing import Any

DEPARTMENTS = ("Support", "Sales", "Product", "Engineering", "Operations", "Finance")


def rotation_problem(
    leaders: int = 200, hosts: int = 40, weeks: int = 13, seed: int = 1
) -> dict[str, Any]:
    """A realistic, feasible-by-construction-ish problem: most leaders want one or two
    visits a quarter, hosts take two or three visitors a week, and everyone has some
    weeks off."""
    rng = random.Random(seed)
    host_rows = []
    mentor_rows = []
    for h in range(hosts):
        host_id = f"H{h + 1:03d}"
        host_rows.append(
            {
                "id": host_id,
                "department": DEPARTMENTS[h % len(DEPARTMENTS)],
                "capacity_per_week": rng.choice((2, 2, 3)),
                "blackout_weeks": rng.sample(range(1, weeks + 1), k=rng.choice((0, 1, 2))),
                "peak_hours": [[9, 12]] if h % 3 == 0 else [[12, 14]],
            }
        )
        for m in range(rng.choice((1, 2))):
            mentor_rows.append(
                {
                    "id": f"{host_id}-M{m + 1}",
                    "host": host_id,
                    "capacity_per_week": rng.choice((1, 2)),
                    "unavailable_weeks": rng.sample(range(1, weeks + 1), k=rng.choice((0, 1, 2))),
                }
            )
    leader_rows = [
        {
            "id": f"L{i + 1:03d}",
            "department": rng.choice(DEPARTMENTS),
            "visits": rng.choice((1, 2, 2, 3)),
            "unavailable_weeks": rng.sample(range(1, weeks + 1), k=rng.choice((0, 1, 2, 3))),
        }
        for i in range(leaders)
    ]
    return {"weeks": weeks, "leaders": leader_rows, "hosts": host_rows, "mentors": mentor_rows}
