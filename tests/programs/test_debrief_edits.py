"""Pat saves a debrief, then shapes it: she merges two patterns the finder kept apart,
splits off the observations that belong elsewhere, and renames the result. The edits
persist across page loads, and the counts follow the members she chose."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.sessions import add_session, create_program
from heard.store.tables.org import Person
from tests.conftest import Personas

SEEN = [
    "The caller waited on hold for forty minutes before anyone answered.",
    "He waited on hold for half an hour and hung up.",
    "She waited on hold so long she gave up.",
    "The invoice showed a fee nobody had mentioned at signup.",
    "A surprise fee appeared on the invoice after the trial ended.",
    "He found an unexplained fee on his invoice this month.",
]


def _observations(heard_app: Heard, lee: Any) -> None:
    with heard_app.transaction() as s:
        lee_id = s.scalar(select(Person.id).where(Person.email == "lee@example.com"))
        program = create_program(s, OPERATOR, name="Immersion", kind="immersion",
                                 strategic_priority="Fewer contacts")
        ids = [add_session(s, OPERATOR, program, format_="customer visit", leader_id=lee_id).id
               for _ in range(3)]
    for n, text in enumerate(SEEN):
        reply = lee.post(f"/api/programs/sessions/{ids[n % 3]}/observations",
                         json={"kind": "friction", "text": text, "segment": "consumer"})
        assert reply.status_code == 200, reply.text


def test_merge_split_and_rename_persist(heard_app: Heard, personas: Personas,
                                        api_as: Any) -> None:
    pat, lee = api_as(Role.PEOPLE_PARTNER), api_as(Role.LEADER)
    _observations(heard_app, lee)
    assert pat.get("/api/programs/debrief").json()["debrief_id"] is None

    saved = pat.post("/api/programs/debrief/save").json()
    assert saved["debrief_id"] and len(saved["patterns"]) == 2
    hold, fee = saved["patterns"]

    merged = pat.post("/api/programs/debrief/merge",
                      json={"pattern_ids": [hold["id"], fee["id"]]}).json()
    assert len(merged["patterns"]) == 1 and merged["patterns"][0]["size"] == 6

    whole = merged["patterns"][0]
    fees = [m["id"] for m in whole["member_texts"] if "fee" in m["text"]]
    split = pat.post("/api/programs/debrief/split",
                     json={"pattern_id": whole["id"], "members": fees,
                           "label": "surprise fees"}).json()
    assert sorted(p["size"] for p in split["patterns"]) == [3, 3]

    pat.post("/api/programs/debrief/rename",
             json={"pattern_id": whole["id"], "label": "long waits on hold"})
    again = pat.get("/api/programs/debrief").json()
    assert {p["label"] for p in again["patterns"]} == {"long waits on hold", "surprise fees"}
    assert "long waits on hold" in pat.get("/programs/debrief").text


def test_edits_are_checked_and_only_for_partners(heard_app: Heard, personas: Personas,
                                                 api_as: Any) -> None:
    pat, lee = api_as(Role.PEOPLE_PARTNER), api_as(Role.LEADER)
    _observations(heard_app, lee)
    first = pat.post("/api/programs/debrief/save").json()["patterns"][0]
    assert pat.post("/api/programs/debrief/merge",
                    json={"pattern_ids": [first["id"]]}).status_code == 400
    everyone = [m["id"] for m in first["member_texts"]]
    assert pat.post("/api/programs/debrief/split",
                    json={"pattern_id": first["id"], "members": everyone,
                          "label": "x"}).status_code == 400
    assert lee.post("/api/programs/debrief/rename",
                    json={"pattern_id": first["id"], "label": "mine"}).status_code == 403
