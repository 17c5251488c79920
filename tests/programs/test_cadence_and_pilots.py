"""Lee keeps a weekly customer briefing. He held the first two and skipped the third, so
his home page reminds him it is overdue until he holds one. Pat starts a pilot in one
product area, which moves from immersion to debrief as its dates pass."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.pilots import pilot_view
from heard.programs.sessions import add_session, create_program
from heard.store.tables.org import Person
from heard.store.tables.programs import Pilot
from tests.conftest import Personas


def _briefings(heard_app: Heard) -> list[int]:
    today = date.today()
    with heard_app.transaction() as s:
        lee = s.scalar(select(Person.id).where(Person.email == "lee@example.com"))
        program = create_program(s, OPERATOR, name="Briefings", kind="ritual",
                                 strategic_priority="Customer first")
        return [add_session(s, OPERATOR, program, format_="weekly customer briefing",
                            leader_id=lee, scheduled_on=today - timedelta(weeks=w)).id
                for w in (3, 2, 1)]


def test_a_skipped_briefing_is_overdue_until_one_is_held(
    heard_app: Heard, personas: Personas, api_as: Any
) -> None:
    lee = api_as(Role.LEADER)
    first, second, third = _briefings(heard_app)
    for session_id, held in ((first, True), (second, True), (third, False)):
        assert lee.post(f"/api/programs/sessions/{session_id}/held",
                        json={"held": held}).status_code == 200
    briefing = lee.get("/api/programs/cadence").json()["rituals"][0]
    assert briefing["held"] == 2 and briefing["due"] == 3 and briefing["overdue"]
    home = lee.get("/api/home").json()
    rituals = next(p for p in home["panels"] if p["key"] == "rituals")
    assert rituals["data"]["overdue"] == 1
    assert "overdue" in lee.get("/").text

    lee.post(f"/api/programs/sessions/{third}/held", json={"held": True})
    assert not lee.get("/api/programs/cadence").json()["rituals"][0]["overdue"]
    assert api_as(Role.MEMBER).post(f"/api/programs/sessions/{third}/held",
                                    json={"held": False}).status_code == 403


def test_a_pilot_moves_from_immersion_to_debrief_to_measuring(
    heard_app: Heard, personas: Personas, api_as: Any
) -> None:
    pat = api_as(Role.PEOPLE_PARTNER)
    started = pat.post("/api/programs/pilots",
                       json={"product_area": "Billing", "starts_on": date.today().isoformat()})
    assert started.status_code == 200, started.text
    assert started.json()["stage"] == "immersion" and started.json()["changes_planned"] == 3
    with heard_app.transaction() as s:
        stored = s.scalars(select(Pilot)).one()
        pilot = Pilot(starts_on=stored.starts_on, immersion_days=stored.immersion_days,
                      changes_planned=3, product_area="Billing", experiment_ids=[])
    later = date.today() + timedelta(days=20)
    assert pilot_view(pilot, later)["stage"] == "debrief"
    pilot.debrief_id = 1
    assert pilot_view(pilot, later)["stage"] == "changes"
    pilot.experiment_ids = [1, 2, 3]
    assert pilot_view(pilot, later)["stage"] == "measuring"
    assert pilot_view(pilot, later + timedelta(days=120))["stage"] == "done"
    assert api_as(Role.LEADER).post("/api/programs/pilots", json={}).status_code == 403
    assert pat.post("/api/programs/pilots", json={"product_area": "x",
                                                  "starts_on": "soon"}).status_code == 400
