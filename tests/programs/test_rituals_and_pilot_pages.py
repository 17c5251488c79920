"""Lee records his rituals from the rituals page and sees which are overdue; Pat runs a pilot
end to end: sessions, a debrief of the pilot's own observations, three changes (promoted
from its patterns or linked), and the stage follows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.sessions import add_session, create_program
from heard.store.tables.org import Person
from heard.store.tables.programs import Pilot, ProgramSession
from tests.conftest import Personas, login

TODAY = date.today()


def _lee(s: Any) -> int:
    return int(s.scalar(select(Person.id).where(Person.email == "lee@example.com")))


def _rituals(heard_app: Heard) -> list[int]:
    with heard_app.transaction() as s:
        program = create_program(s, OPERATOR, name="Briefings", kind="ritual",
                                 strategic_priority="Customer first")
        return [add_session(s, OPERATOR, program, format_="weekly customer briefing",
                            leader_id=_lee(s), scheduled_on=TODAY + timedelta(weeks=w)).id
                for w in (-2, -1, 1)]


def test_lee_records_rituals_as_held_or_skipped_from_the_page(
    client: TestClient, heard_app: Heard, personas: Personas
) -> None:
    older, last_week, next_week = _rituals(heard_app)
    token = login(client, personas.email(Role.LEADER))
    shown = client.get("/programs/rituals")
    assert "To record" in shown.text and "Coming up" in shown.text
    assert "1 ritual overdue" in shown.text  # nothing held in the last 7 days
    for session_id, outcome in ((older, "skipped"), (last_week, "held")):
        done = client.post(f"/programs/rituals/{session_id}",
                           data={"csrf_token": token, "outcome": outcome},
                           follow_redirects=False)
        assert done.status_code == 303
    data = client.get("/api/programs/rituals").json()
    assert data["rituals"][0]["held"] == 1 and data["rituals"][0]["due"] == 2
    assert data["to_record"] == [] and [r["status"] for r in data["recorded"]] == ["done",
                                                                                   "skipped"]
    early = client.post(f"/programs/rituals/{next_week}",
                        data={"csrf_token": token, "outcome": "held"})
    assert early.status_code == 400  # not before the day
    # a people partner may correct a leader's record
    pat = login(client, personas.email(Role.PEOPLE_PARTNER))
    assert client.post(f"/programs/rituals/{older}", data={"csrf_token": pat, "outcome": "held"},
                       follow_redirects=False).status_code == 303


def test_the_home_panel_points_to_the_rituals_to_record(
    api_as: Any, heard_app: Heard, personas: Personas
) -> None:
    _rituals(heard_app)
    lee = api_as(Role.LEADER)
    panel = next(p for p in lee.get("/api/home").json()["panels"] if p["key"] == "rituals")
    assert panel["data"]["to_record"] == 2 and panel["data"]["overdue"] == 1
    assert "Record 2 rituals as held or skipped" in lee.get("/").text
    first = lee.get("/api/programs/rituals").json()["to_record"][0]["id"]
    assert lee.post(f"/api/programs/sessions/{first}/skipped").json()["status"] == "skipped"
    assert api_as(Role.MEMBER).post(f"/api/programs/sessions/{first}/skipped").status_code == 403


OBSERVED = [
    "The invoice showed a charge she did not expect after the trial.",
    "He was surprised by an unexpected charge on his first invoice.",
    "An unexpected charge on the invoice made her call us angry.",
    "Our billboard outside the station has a broken light.",
]


def test_a_pilot_runs_from_immersion_to_measuring(
    api_as: Any, heard_app: Heard, personas: Personas
) -> None:
    pat = api_as(Role.PEOPLE_PARTNER)
    started = pat.post("/api/programs/pilots", json={
        "product_area": "Billing", "starts_on": (TODAY - timedelta(days=20)).isoformat()})
    pilot_id = started.json()["id"]
    assert started.json()["stage"] == "debrief"
    with heard_app.transaction() as s:
        lee = _lee(s)
    added = pat.post(f"/api/programs/pilots/{pilot_id}/sessions", json={
        "leader_ids": [lee], "scheduled_on": (TODAY - timedelta(days=18)).isoformat()})
    assert added.status_code == 200, added.text
    more = pat.post(f"/api/programs/pilots/{pilot_id}/sessions", json={
        "leader_ids": [lee], "scheduled_on": (TODAY - timedelta(days=17)).isoformat(),
        "format": "customer visit"})
    assert more.json()["sessions"] == 2
    outside = pat.post(f"/api/programs/pilots/{pilot_id}/sessions", json={
        "leader_ids": [lee], "scheduled_on": TODAY.isoformat()})
    assert outside.status_code == 400 and "scheduled_on" in outside.text
    assert "no observations" in pat.post(f"/api/programs/pilots/{pilot_id}/debrief").text

    lee_api = api_as(Role.LEADER)
    sessions = [r["id"] for r in more.json()["session_list"]]
    for i, text in enumerate(OBSERVED):
        lee_api.post(f"/api/programs/sessions/{sessions[i % 2]}/observations",
                     json={"kind": "friction", "text": text, "severity": 2})
    debriefed = pat.post(f"/api/programs/pilots/{pilot_id}/debrief").json()
    assert debriefed["stage"] == "changes" and debriefed["debrief"]["patterns"]
    pattern = debriefed["debrief"]["patterns"][0]
    # the organisation-wide debrief page is not taken over by the pilot's debrief
    assert pat.get("/api/programs/debrief").json()["debrief_id"] is None

    owner = next(o["id"] for o in pat.get("/api/programs/debrief").json()["owners"])
    for n in range(2):
        promoted = pat.post("/api/programs/experiments", json={
            "pattern_label": pattern["label"], "evidence": pattern["members"],
            "hypothesis": f"Change {n}", "owner_id": owner, "metric": "complaints",
            "baseline": 10, "target": "5", "pilot_id": pilot_id})
        assert promoted.status_code == 200, promoted.text
    other = pat.post("/api/programs/experiments", json={
        "pattern_label": "x", "evidence": [], "hypothesis": "Elsewhere", "owner_id": owner,
        "metric": "m"}).json()["id"]
    linked = pat.post(f"/api/programs/pilots/{pilot_id}/experiments",
                      json={"experiment_id": other}).json()
    assert linked["changes"] == 3 and linked["stage"] == "measuring"
    assert [e["title"] for e in linked["experiments"]][:1] == [pattern["label"][:200]]
    second = pat.post("/api/programs/pilots", json={"product_area": "Returns",
                                                    "starts_on": TODAY.isoformat()}).json()
    clash = pat.post(f"/api/programs/pilots/{second['id']}/experiments",
                     json={"experiment_id": other})
    assert clash.status_code == 409
    with heard_app.transaction() as s:
        assert len(s.get(Pilot, pilot_id).experiment_ids) == 3  # type: ignore[union-attr]
        assert s.scalar(select(ProgramSession.id).where(
            ProgramSession.program_id == s.get(Pilot, pilot_id).program_id  # type: ignore
        ).limit(1))
    # executives read pilots; leaders too; neither changes them
    assert api_as(Role.EXECUTIVE).get("/api/programs/pilots").json()["pilots"][0]["stage"]
    assert api_as(Role.LEADER).post(f"/api/programs/pilots/{pilot_id}/debrief").status_code \
        == 403


def test_the_pilots_page_starts_a_pilot_and_shows_what_is_missing(
    client: TestClient, personas: Personas
) -> None:
    token = login(client, personas.email(Role.PEOPLE_PARTNER))
    made = client.post("/programs/pilots", data={
        "csrf_token": token, "product_area": "Onboarding", "starts_on": TODAY.isoformat(),
        "immersion_days": "10", "changes_planned": "3"}, follow_redirects=False)
    assert made.status_code == 303
    shown = client.get("/programs/pilots").text
    assert "Onboarding" in shown and "No immersion sessions yet" in shown
    assert 'aria-current="step"' in shown
    bad = client.post("/programs/pilots", data={"csrf_token": token, "product_area": "",
                                                "starts_on": "soon"})
    assert bad.status_code == 400
