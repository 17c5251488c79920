"""Check-ins: templates with a not-a-status-check reminder, private notes that only their
leader ever sees and that carry over, and the leader's rhythm checked against numpy."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from heard.accounts.policy import Actor, Role
from heard.accounts.users import actor_for, get_user_by_email
from heard.app import Heard
from heard.errors import Forbidden, NotFound, ValidationError
from heard.pulse import checkins
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import PulseCheckin, PulseCheckinNote
from tests.conftest import Personas

PRIVATE = "Caring for a parent this month; keep Fridays light"
SHARED = "We agreed the release checklist is the main drag"
TODAY = date.today()


def _actor(heard_app: Heard, email: str) -> Actor:
    with heard_app.transaction() as s:
        return actor_for(get_user_by_email(s, email), "session")


def _person(heard_app: Heard, email: str) -> int:
    with heard_app.transaction() as s:
        person_id = s.scalar(select(Person.id).where(Person.email == email))
        assert person_id is not None
        return person_id


def _hold(heard_app: Heard, leader: Actor, person_id: int, **kw: object) -> int:
    with heard_app.transaction() as s:
        return checkins.record_checkin(
            s, leader, person_id=person_id, template=str(kw.pop("template", "barriers")), **kw  # type: ignore[arg-type]
        ).id


def test_templates_are_barrier_focused_or_plainly_not(heard_app: Heard, personas: Personas) -> None:
    lee = _actor(heard_app, "lee@example.com")
    by_key = {t["key"]: t for t in checkins.templates(lee)}
    assert {"barriers", "growth", "status"} <= set(by_key)
    assert by_key["barriers"]["barrier_focused"] and not by_key["status"]["barrier_focused"]
    assert not by_key["growth"]["barrier_focused"]
    assert "not a status check" in by_key["barriers"]["reminder"]
    assert by_key["status"]["reminder"] is None
    questions = " ".join(by_key["barriers"]["questions"]).lower()
    assert "in your way" in questions and "next week easier" in questions and "remove" in questions
    mo = _actor(heard_app, "mo@example.com")
    with pytest.raises(Forbidden):
        checkins.templates(mo)


def test_private_notes_carry_over_and_only_their_leader_sees_them(
    heard_app: Heard, personas: Personas
) -> None:
    lee, lou = _actor(heard_app, "lee@example.com"), _actor(heard_app, "lou@example.com")
    mo_actor = _actor(heard_app, "mo@example.com")
    pat, alice = _actor(heard_app, "pat@example.com"), _actor(heard_app, "alice@example.com")
    mo = _person(heard_app, "mo@example.com")
    first = _hold(
        heard_app,
        lee,
        mo,
        answers=["Release checklist", "Fewer handoffs"],
        shared_notes=SHARED,
        follow_ups=["Lee asks QA to own the checklist"],
        private_notes=PRIVATE,
        held_on=TODAY - timedelta(days=14),
    )
    with heard_app.transaction() as s:
        form = checkins.checkin_form(s, lee, mo, "barriers")
        assert form["private_notes"] == PRIVATE  # carried over to the next check-in
        assert form["previous"]["shared_notes"] == SHARED
        assert "private_notes" not in form["previous"]
        assert form["template"]["reminder"].startswith("Say this first")
        assert checkins.get_checkin(s, lee, first)["private_notes"] == PRIVATE

        mine = checkins.my_checkins(s, mo_actor)
        assert mine["checkins"][0]["shared_notes"] == SHARED
        assert mine["checkins"][0]["follow_ups"] == ["Lee asks QA to own the checklist"]
        assert PRIVATE not in json.dumps(mine)
        as_mo = checkins.get_checkin(s, mo_actor, first)
        assert "private_notes" not in as_mo and PRIVATE not in json.dumps(as_mo)

        for other in (lou, pat, alice):
            with pytest.raises(NotFound):
                checkins.get_checkin(s, other, first)
        assert checkins.leader_checkins(s, lou) == []
        with pytest.raises(Forbidden):
            checkins.checkin_form(s, lou, mo)
        for role_without_lead in (pat, alice, mo_actor):
            with pytest.raises(Forbidden):
                checkins.leader_checkins(s, role_without_lead)
            with pytest.raises(Forbidden):
                checkins.rhythm(s, role_without_lead)

    # A second check-in with a new private note: the newer one carries over.
    _hold(heard_app, lee, mo, private_notes="Parent is better; ask about the course",
          held_on=TODAY - timedelta(days=1))
    with heard_app.transaction() as s:
        assert checkins.checkin_form(s, lee, mo)["private_notes"].startswith("Parent is better")

    # Mo moves to Lou's team: Lou holds check-ins with Mo now, but inherits nothing private.
    with heard_app.transaction() as s:
        platform = s.scalar(select(Team.id).where(Team.name == "Platform"))
        s.get(Person, mo).team_id = platform  # type: ignore[union-attr]
    with heard_app.transaction() as s:
        form = checkins.checkin_form(s, lou, mo)
        assert form["private_notes"] == "" and form["previous"] is None
        with pytest.raises(Forbidden):
            checkins.checkin_form(s, lee, mo)  # no longer on Lee's team


def test_no_role_reaches_private_notes_through_any_endpoint(
    heard_app: Heard, personas: Personas, api_as: Callable[[Role], TestClient]
) -> None:
    lee = _actor(heard_app, "lee@example.com")
    checkin = _hold(heard_app, lee, _person(heard_app, "mo@example.com"),
                    shared_notes=SHARED, private_notes=PRIVATE)
    paths = [
        "/checkins", "/checkins/mine", f"/checkins/{checkin}", "/api/checkins",
        "/api/checkins/rhythm", "/api/checkins/mine", f"/api/checkins/{checkin}", "/",
        "/api/home", "/api/pulse/report", "/pulse/export.csv", "/api/audit", "/admin/audit",
        f"/api/checkins/form?person={_person(heard_app, 'mo@example.com')}",
    ]
    for role in Role:
        client = api_as(role)
        for path in paths:
            body = client.get(path).text
            if role is Role.LEADER and "checkins" in path and "mine" not in path:
                continue  # Lee's own pages: the one place the notes belong
            assert PRIVATE not in body, (role, path)
    mo = api_as(Role.MEMBER)
    assert SHARED in mo.get("/api/checkins/mine").text
    assert SHARED in mo.get(f"/checkins/{checkin}").text
    lee_client = api_as(Role.LEADER)
    assert PRIVATE in lee_client.get(f"/api/checkins/{checkin}").text
    assert PRIVATE in lee_client.get(f"/checkins/{checkin}").text


def test_the_rhythm_against_numpy(heard_app: Heard, personas: Personas) -> None:
    lee = _actor(heard_app, "lee@example.com")
    today = TODAY
    plan = {  # person -> [(days ago, template)]
        "mo@example.com": [(70, "status"), (50, "barriers"), (30, "workload"), (10, "barriers")],
        "ari@example.com": [(100, "status"), (40, "barriers")],
        "sam@example.com": [(5, "growth")],
        "cora@example.com": [],
    }
    for email, held in plan.items():
        for days, template in held:
            _hold(heard_app, lee, _person(heard_app, email), template=template,
                  held_on=today - timedelta(days=days))
    with heard_app.transaction() as s:
        data = checkins.rhythm(s, lee, today=today)
    rows = {r["person"]["name"]: r for r in data["people"]}
    assert set(rows) == {"Mo Member", "Ari Agent", "Cora CX", "Sam Support"}
    assert rows["Mo Member"]["days_since"] == 10 and rows["Mo Member"]["checkins_90d"] == 4
    assert rows["Mo Member"]["last_checkin"] == (today - timedelta(days=10)).isoformat()
    assert rows["Cora CX"]["last_checkin"] is None and rows["Cora CX"]["overdue"]
    assert {p["name"] for p in data["overdue"]} == {"Ari Agent", "Cora CX"}

    # Independent calculation on the raw plan.
    window = [(d, t) for held in plan.values() for d, t in held if d < 90]
    gaps = [
        earlier - later
        for held in plan.values()
        for (earlier, _), (later, _) in zip(held, held[1:], strict=False)
        if later < 90
    ]
    barrier = {"barriers", "workload"}
    assert data["checkins"] == len(window) == 6
    assert data["per_person_per_month"] == pytest.approx(
        len(window) / len(plan) / (90 / (365.25 / 12)), abs=0.005
    )
    assert data["median_days_between"] == float(np.median(gaps)) == 20.0
    assert data["barrier_share"] == pytest.approx(
        np.mean([t in barrier for _d, t in window]), abs=0.001
    )
    with heard_app.transaction() as s:
        relaxed = checkins.rhythm(s, lee, today=today, overdue_days=45)
        assert [p["name"] for p in relaxed["overdue"]] == ["Cora CX"]
        with pytest.raises(ValidationError, match="overdue_days"):
            checkins.rhythm(s, lee, today=today, overdue_days=0)
        panel = checkins.home_panel(s, lee)
        assert panel is not None and panel["checkins"] == 6 and panel["reports"] == 4
        assert checkins.home_panel(s, _actor(heard_app, "mo@example.com")) is None


def test_bad_input_names_the_field_and_writes_nothing(heard_app: Heard, personas: Personas) -> None:
    lee = _actor(heard_app, "lee@example.com")
    mo = _person(heard_app, "mo@example.com")
    cases = [
        ({"template": "pep-talk"}, "template"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
        ({"answers": ["a"] * 5}, "answers"),
        ({"private_notes": "x" * 4001}, "private_notes"),
        ({"follow_ups": ["y" * 501]}, "follow_ups.1"),
    ]
    for kwargs, field in cases:
        with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
            checkins.record_checkin(s, lee, person_id=mo, **{"template": "barriers"} | kwargs)  # type: ignore[arg-type]
        assert err.value.problems[0].field == field
    with heard_app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PulseCheckin)) == 0
        assert s.scalar(select(func.count()).select_from(PulseCheckinNote)) == 0


def test_the_api_creates_lists_and_reports_rhythm(
    heard_app: Heard, personas: Personas, api_as: Callable[[Role], TestClient]
) -> None:
    lee = api_as(Role.LEADER)
    mo = _person(heard_app, "mo@example.com")
    form = lee.get(f"/api/checkins/form?person={mo}&template=status").json()
    assert form["template"]["reminder"] is None and form["private_notes"] == ""
    created = lee.post(
        "/api/checkins",
        json={"person_id": mo, "template": "barriers", "answers": ["The build queue"],
              "shared_notes": SHARED, "follow_ups": ["Ask for a second runner"],
              "private_notes": PRIVATE},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["private_notes"] == PRIVATE and body["barrier_focused"] is True
    assert body["answers"][0] == {"question": "What is getting in your way right now?",
                                  "answer": "The build queue"}
    listed = lee.get("/api/checkins").json()["checkins"]
    assert [c["id"] for c in listed] == [body["id"]]
    rhythm = lee.get("/api/checkins/rhythm").json()
    assert rhythm["checkins"] == 1 and rhythm["barrier_share"] == 1.0
    mine = api_as(Role.MEMBER).get("/api/checkins/mine").json()["checkins"]
    assert mine[0]["shared_notes"] == SHARED and "private_notes" not in mine[0]
    bad = lee.post("/api/checkins", json={"person_id": mo, "template": "nope"})
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["field"] == "template"
    outside = lee.post("/api/checkins", json={"person_id": _person(heard_app, "pia@example.com")})
    assert outside.status_code == 403
