"""A round's life: draft, open, answered once per person, closed, results. Answers never
carry a person; predictions lock at close and count only before results."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.errors import Conflict, ValidationError
from heard.pulse import config, items, predictions, rounds
from heard.store.tables.pulse import PulseBallot, PulseInvitation, PulseResponse
from tests.conftest import Personas
from tests.pulse.builders import build_org


def test_the_item_bank_covers_the_practices_and_admins_can_add_items(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        bank = items.list_items(s, OPERATOR)
        ratings = [i for i in bank if i["kind"] == "rating"]
        assert len(ratings) >= 12
        dimensions = {i["dimension"] for i in ratings}
        assert {
            "workload",
            "meeting load",
            "handoff friction",
            "tool friction",
            "clarity of priorities",
            "recognition",
            "energy",
            "psychological safety",
        } <= dimensions
        assert any(i["text"] == "What gets in your way?" for i in bank if i["kind"] == "open")
        added = items.add_item(
            s, OPERATOR, text="I trust the on-call rota.", dimension="workload", scale_max=10
        )
        assert (added.scale_min, added.scale_max) == (0, 10)


def test_response_tables_have_no_person_and_no_time(heard_app: Heard) -> None:
    for table in (PulseBallot.__table__, PulseResponse.__table__):
        columns = {c.name for c in table.columns}
        assert not {"person_id", "user_id", "created_at", "answered_at"} & columns
        assert table.c.id.type.length == 32  # random UUIDs, not a sequence
    assert "answered_at" not in {c.name for c in PulseInvitation.__table__.columns}


def test_each_person_answers_once_and_answers_are_shuffled_at_close(heard_app: Heard) -> None:
    org = build_org(heard_app, {"Top": (None, 1), "Team": ("Top", 6)})
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name="Once")
        rounds.open_round(s, OPERATOR, rnd.id)
        ids = [i.id for i in rounds.round_items(s, rnd.id).ratings]
    member = org.members["Team"][0]
    with heard_app.transaction() as s, pytest.raises(ValidationError, match="please answer"):
        rounds.submit_answers(s, member, rnd.id, {ids[0]: 3})
    with heard_app.transaction() as s:
        rounds.submit_answers(s, member, rnd.id, {i: 4 for i in ids})
    with heard_app.transaction() as s, pytest.raises(Conflict, match="already answered"):
        rounds.submit_answers(s, member, rnd.id, {i: 2 for i in ids})
    for other in org.members["Team"][1:]:
        with heard_app.transaction() as s:
            rounds.submit_answers(s, other, rnd.id, {i: 3 for i in ids})
    with heard_app.transaction() as s:
        assert s.scalar(select(PulseBallot.id).limit(1)) is not None
        rounds.close_round(s, OPERATOR, rnd.id, heard_app.settings)
    with heard_app.transaction() as s:
        assert s.scalar(select(PulseBallot.id).limit(1)) is None  # the sealed box is emptied
        assert len(s.scalars(select(PulseResponse.id)).all()) == 6
        assert rnd.id and s.get(type(rnd), rnd.id).k == 5


def test_predictions_lock_at_close_and_never_count_after_results(heard_app: Heard) -> None:
    org = build_org(heard_app, {"Top": (None, 1), "Team": ("Top", 5)})
    leader = org.leaders["Team"]
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name="Lock")
        ids = [i.id for i in rounds.round_items(s, rnd.id).ratings]
        with pytest.raises(Conflict, match="draft"):
            predictions.submit_prediction(
                s, leader, rnd.id, org.teams["Team"], {i: 3.0 for i in ids}, ids[:3]
            )
        rounds.open_round(s, OPERATOR, rnd.id)
        predictions.submit_prediction(
            s, leader, rnd.id, org.teams["Team"], {i: 3.0 for i in ids}, ids[:3]
        )
        with pytest.raises(ValidationError, match="three"):
            predictions.submit_prediction(
                s, leader, rnd.id, org.teams["Team"], {i: 3.0 for i in ids}, ids[:2]
            )
        rounds.close_round(s, OPERATOR, rnd.id, heard_app.settings)
        with pytest.raises(Conflict, match="lock"):
            predictions.submit_prediction(
                s, leader, rnd.id, org.teams["Team"], {i: 4.0 for i in ids}, ids[:3]
            )
        rounds.publish_results(s, OPERATOR, rnd.id)
        with pytest.raises(Conflict, match="already visible"):
            predictions.submit_prediction(
                s, leader, rnd.id, org.teams["Team"], {i: 4.0 for i in ids}, ids[:3]
            )
        # a leader cannot predict for someone else's team
        with pytest.raises(Exception, match="team you lead"):
            predictions.submit_prediction(
                s, leader, rnd.id, org.teams["Top"], {i: 4.0 for i in ids}, ids[:3]
            )


def test_k_is_settable_between_3_and_10_and_frozen_into_a_round_at_close(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        with pytest.raises(ValidationError):
            config.set_min_group_size(s, OPERATOR, 2)
        config.set_min_group_size(s, OPERATOR, 7)
        assert config.min_group_size(s, heard_app.settings) == 7
        assert config.comment_group_size(s, heard_app.settings) == 10


def test_members_answer_through_the_api_and_see_no_results(
    api_as: object, personas: Personas
) -> None:
    admin: TestClient = api_as(Role.ADMIN)  # type: ignore[operator]
    member: TestClient = api_as(Role.MEMBER)  # type: ignore[operator]
    created = admin.post("/api/pulse/rounds", json={"name": "API round"}).json()
    assert admin.post(f"/api/pulse/rounds/{created['id']}/open").status_code == 200
    form = member.get(f"/api/pulse/rounds/{created['id']}/form").json()
    ratings = {str(i["id"]): 4 for i in form["ratings"]}
    answered = member.post(
        f"/api/pulse/rounds/{created['id']}/answers", json={"ratings": ratings, "comments": {}}
    )
    assert answered.status_code == 201
    again = member.post(f"/api/pulse/rounds/{created['id']}/answers", json={"ratings": ratings})
    assert again.status_code == 409
    rates = admin.get("/api/pulse/rounds").json()["rounds"][0]
    assert rates["answered"] == 1 and rates["invited"] >= 9
    assert member.get("/api/pulse/org").status_code == 403
    assert member.get("/api/pulse/gap").status_code == 403
    assert member.get("/api/pulse/report").status_code == 403


def test_the_home_page_invites_members_to_answer_and_leaders_to_predict(
    api_as: object, personas: Personas
) -> None:
    partner: TestClient = api_as(Role.PEOPLE_PARTNER)  # type: ignore[operator]
    created = partner.post("/api/pulse/rounds", json={"name": "Home round"}).json()
    partner.post(f"/api/pulse/rounds/{created['id']}/open")
    member: TestClient = api_as(Role.MEMBER)  # type: ignore[operator]
    panel = next(p for p in member.get("/api/home").json()["panels"] if p["key"] == "pulse")
    assert [r["name"] for r in panel["data"]["waiting"]] == ["Home round"]
    leader: TestClient = api_as(Role.LEADER)  # type: ignore[operator]
    panel = next(p for p in leader.get("/api/home").json()["panels"] if p["key"] == "pulse")
    assert panel["data"]["predict"] == [{"id": created["id"], "name": "Home round"}]
    assert [t["name"] for t in panel["data"]["teams"]] == ["Support"]
    assert "Predict Home round for Support" in leader.get("/").text
