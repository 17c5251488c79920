"""Lee logs what he saw in two sessions (customer data is redacted), Pat runs the debrief and
promotes the pattern to an experiment Lee owns, and everyone can read it in the feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.sessions import add_session, create_program
from heard.store.tables.org import Person
from heard.store.tables.programs import Observation
from tests.conftest import Personas

WAITS = [
    "The caller waited on hold for forty minutes before anyone answered.",
    "She waited on hold so long she gave up; email me at jo@example.com, she said.",
    "He waited on hold for half an hour and hung up.",
]


def _two_sessions_for_lee(heard_app: Heard) -> tuple[list[int], int]:
    with heard_app.transaction() as s:
        lee = s.scalar(select(Person.id).where(Person.email == "lee@example.com"))
        program = create_program(s, OPERATOR, name="Q3 immersion", kind="immersion",
                                 strategic_priority="Cut time to resolution")
        rows = [add_session(s, OPERATOR, program, format_="support at peak hours",
                            leader_id=lee) for _ in range(2)]
        ids = [row.id for row in rows]
    return ids, int(lee or 0)


def test_from_observation_to_commitment(heard_app: Heard, personas: Personas, api_as: Any) -> None:
    lee, pat = api_as(Role.LEADER), api_as(Role.PEOPLE_PARTNER)
    sessions, lee_id = _two_sessions_for_lee(heard_app)
    for i, text in enumerate(WAITS):
        reply = lee.post(f"/api/programs/sessions/{sessions[i % 2]}/observations",
                         json={"kind": "friction", "text": text, "segment": "consumer",
                               "touchpoint": "support", "severity": 3})
        assert reply.status_code == 200, reply.text
    with heard_app.transaction() as s:
        stored = [o.text for o in s.scalars(select(Observation))]
    assert not any("jo@example.com" in t for t in stored) and any("[EMAIL]" in t for t in stored)

    assert lee.get("/api/programs/debrief").status_code == 403
    debrief = pat.get("/api/programs/debrief").json()
    pattern = debrief["patterns"][0]
    assert pattern["sessions"] == 2 and len(pattern["members"]) == 3

    experiment = {
        "pattern_label": pattern["label"], "evidence": ",".join(pattern["members"]),
        "hypothesis": "A callback option halves abandoned calls", "owner_id": str(lee_id),
        "metric": "abandoned calls %", "baseline": "18", "target": "9", "due_on": "2025-12-01",
    }
    assert pat.post("/programs/experiments", data=experiment,
                    follow_redirects=False).status_code == 303
    feed = lee.get("/api/programs/commitments").json()["commitments"]
    assert feed[0]["mine"] and feed[0]["status"] == "proposed"
    assert api_as(Role.MEMBER).get("/api/programs/commitments").status_code == 200


def test_a_member_cannot_log_observations(heard_app: Heard, personas: Personas,
                                          api_as: Any) -> None:
    sessions, _ = _two_sessions_for_lee(heard_app)
    reply = api_as(Role.MEMBER).post(f"/api/programs/sessions/{sessions[0]}/observations",
                                     json={"kind": "friction", "text": "x"})
    assert reply.status_code == 403
