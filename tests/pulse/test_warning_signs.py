"""Warning signs on the leader's page: quiet read as coping, the same blind spot two rounds
running, and silence read as agreement."""

from __future__ import annotations

from heard.app import Heard
from heard.pulse import rounds, views
from heard.pulse.items import BUILT_IN
from tests.pulse.builders import build_org, run_round

WORKLOAD = [j for j, (_k, dimension, _t) in enumerate(BUILT_IN) if dimension == "workload"]


def test_a_quiet_team_with_falling_workload_scores_raises_all_three_signs(heard_app: Heard) -> None:
    org = build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 10)})
    crew = {a.person_id for a in org.members["Crew"]}
    optimistic = {"Crew": [4.8] * 13}
    run_round(
        heard_app,
        org,
        "Before",
        answer=lambda a, j: 3,
        predict=optimistic,
        comment=lambda a: "Release weeks are heavy.",
    )
    seven = sorted(crew)[:7]
    run_round(
        heard_app,
        org,
        "After",
        answer=lambda a, j: 1 if j in WORKLOAD else 2,
        respond=lambda a: a.person_id not in crew or a.person_id in seven,
        predict=optimistic,
    )
    with heard_app.transaction() as s:
        data = views.leader_gap_view(s, org.leaders["Crew"])
        ids = [i.id for i in rounds.round_items(s, data["round"]["id"]).ratings]
    kinds = [w["kind"] for w in data["warnings"]]
    assert "quiet_read_as_coping" in kinds  # 100% -> 70% answered, workload 3 -> 1
    assert "silence_read_as_agreement" in kinds  # no comments while scores fell
    repeated = {w["item_id"] for w in data["warnings"] if w["kind"] == "same_blind_spot"}
    assert repeated == set(ids)  # 4.8 predicted against 3, then against 1-2


def test_a_steady_team_raises_nothing(heard_app: Heard) -> None:
    org = build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 6)})
    for name in ("One", "Two"):
        run_round(
            heard_app,
            org,
            name,
            answer=lambda a, j: 4,
            predict={"Crew": [4.0] * 13},
            comment=lambda a: "Fine.",
        )
    with heard_app.transaction() as s:
        assert views.leader_gap_view(s, org.leaders["Crew"])["warnings"] == []
