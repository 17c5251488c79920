"""Decisions: the five before-you-react answers are required, leaders act only for their own
teams, people partners see every decision, members none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Actor, Role
from heard.app import Heard
from heard.errors import Forbidden, ValidationError
from heard.pulse import decisions, rounds
from heard.store.tables.org import Team
from tests.pulse.builders import Org, build_org, rating_ids, run_round

ANSWERS = {
    "who_is_affected": "The six agents on the morning shift; the pulse and two 1:1s say so.",
    "evidence": "Workload fell two rounds running; I sat with the shift on Tuesday.",
    "assumptions": "That they want fewer meetings, not fewer tickets.",
    "reversible_test": "Two meeting-free mornings a week for six weeks.",
    "feedback_plan": "Ask in the next pulse and an anonymous note on the experiment.",
}


def _org(heard_app: Heard) -> tuple[Org, int]:
    org = build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 6), "Other": ("Top", 6)})
    round_id = run_round(heard_app, org, "March", answer=lambda a, j: 3)
    return org, round_id


def _record(
    heard_app: Heard, actor: Actor, team: int, round_id: int, **answers: str
) -> dict[str, Any]:
    with heard_app.transaction() as s:
        items = rating_ids(s, round_id)[:2]
        return decisions.record_decision(
            s,
            actor,
            team_id=team,
            round_ref=round_id,
            item_ids=items,
            summary="Meeting-free mornings",
            answers=answers,
        )


def test_a_decision_stores_the_five_answers(heard_app: Heard) -> None:
    org, round_id = _org(heard_app)
    made = _record(heard_app, org.leaders["Crew"], org.teams["Crew"], round_id, **ANSWERS)
    assert made["answers"] == ANSWERS
    assert [c["field"] for c in made["checklist"]] == list(decisions.QUESTION_FIELDS)
    with heard_app.transaction() as s:
        listed = decisions.list_decisions(s, org.leaders["Crew"])
        assert [d["id"] for d in listed] == [made["id"]]
        assert decisions.list_decisions(s, org.leaders["Other"]) == []


@pytest.mark.parametrize("missing", decisions.QUESTION_FIELDS)
def test_each_missing_answer_is_named_and_nothing_is_written(
    heard_app: Heard, missing: str
) -> None:
    org, round_id = _org(heard_app)
    answers = dict(ANSWERS) | {missing: "   "}
    with pytest.raises(ValidationError) as err:
        _record(heard_app, org.leaders["Crew"], org.teams["Crew"], round_id, **answers)
    assert [p.field for p in err.value.problems] == [missing]
    with heard_app.transaction() as s:
        assert decisions.list_decisions(s, org.leaders["Crew"]) == []


def test_every_problem_is_reported_at_once(heard_app: Heard) -> None:
    org, _round_id = _org(heard_app)
    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        decisions.record_decision(
            s,
            org.leaders["Crew"],
            team_id=None,
            round_ref=None,
            item_ids=[],
            summary="",
            answers={},
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"team_id", "round", "item_ids", "summary", *decisions.QUESTION_FIELDS}


def test_a_leader_cannot_decide_for_another_leaders_team(heard_app: Heard) -> None:
    org, round_id = _org(heard_app)
    with pytest.raises(Forbidden):
        _record(heard_app, org.leaders["Crew"], org.teams["Other"], round_id, **ANSWERS)


def _published_round(heard_app: Heard) -> tuple[int, list[int]]:
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name="March")
        rounds.open_round(s, OPERATOR, rnd.id)
        rounds.close_round(s, OPERATOR, rnd.id, heard_app.settings)
        rounds.publish_results(s, OPERATOR, rnd.id)
        return rnd.id, rating_ids(s, rnd.id)


def _team_ids(heard_app: Heard) -> dict[str, int]:
    with heard_app.transaction() as s:
        return {t.name: t.id for t in s.scalars(select(Team))}


def test_people_partners_decide_for_any_team_and_see_every_decision(
    heard_app: Heard, api_as: Callable[[Role], TestClient]
) -> None:
    round_id, items = _published_round(heard_app)
    teams = _team_ids(heard_app)
    body = {"round": str(round_id), "item_ids": items[:1], "summary": "x", **ANSWERS}
    lee, pat = api_as(Role.LEADER), api_as(Role.PEOPLE_PARTNER)
    assert (
        lee.post("/api/pulse/decisions", json=body | {"team_id": teams["Support"]}).status_code
        == 201
    )
    mine = lee.post("/api/pulse/decisions", json=body | {"team_id": teams["Platform"]})
    assert mine.status_code == 403  # Lou leads Platform, not Lee
    assert (
        pat.post("/api/pulse/decisions", json=body | {"team_id": teams["Platform"]}).status_code
        == 201
    )
    seen = {d["team"]["name"] for d in pat.get("/api/pulse/decisions").json()["decisions"]}
    assert seen == {"Support", "Platform"}
    assert [d["team"]["name"] for d in lee.get("/api/pulse/decisions").json()["decisions"]] == [
        "Support"
    ]
    assert api_as(Role.MEMBER).get("/api/pulse/decisions").status_code == 403


def test_the_api_names_the_missing_answer(
    heard_app: Heard, api_as: Callable[[Role], TestClient]
) -> None:
    round_id, items = _published_round(heard_app)
    body = {"team_id": _team_ids(heard_app)["Support"], "round": str(round_id)}
    body |= {"item_ids": items[:1], "summary": "x", **ANSWERS, "assumptions": ""}
    response = api_as(Role.PEOPLE_PARTNER).post("/api/pulse/decisions", json=body)
    assert response.status_code == 400
    assert "assumptions" in response.text
