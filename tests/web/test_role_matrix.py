"""Every role against every endpoint family: exactly the listed roles get through, every
other role gets 403. The expectations are written here by hand, independently of the
policy table in heard.accounts.policy, so a change to the policy must be made twice.

Each capability appends its endpoints to ENDPOINTS."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from heard.accounts.policy import Role

A, P, L, M, C, G, E = (
    Role.ADMIN,
    Role.PEOPLE_PARTNER,
    Role.LEADER,
    Role.MEMBER,
    Role.CX_LEAD,
    Role.AGENT,
    Role.EXECUTIVE,
)
EVERYONE = frozenset(Role)

PROBLEM = {
    "weeks": 1,
    "leaders": [{"id": "l", "department": "a", "visits": 1, "unavailable_weeks": []}],
    "hosts": [{"id": "h", "department": "b", "capacity_per_week": 1, "blackout_weeks": []}],
    "mentors": [{"id": "m", "host": "h", "capacity_per_week": 1, "unavailable_weeks": []}],
}
CSV = "employee_id,name,email,department,team\nX1,Xavi New,xavi@example.com,Support,Support\n"


class Endpoint:
    def __init__(
        self, method: str, path: str, allowed: frozenset[Role] | set[Role], **request: Any
    ) -> None:
        self.method, self.path, self.allowed, self.request = (
            method,
            path,
            frozenset(allowed),
            request,
        )

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, client: TestClient, role: Role) -> int:
        # Payloads may depend on the role so that repeated creates do not collide.
        request = {k: (v(role) if callable(v) else v) for k, v in self.request.items()}
        return client.request(self.method, self.path.format(role=role.value), **request).status_code


ENDPOINTS: list[Endpoint] = [
    # foundation: home and organisation
    Endpoint("GET", "/", EVERYONE),
    Endpoint("GET", "/api/me", EVERYONE),
    Endpoint("GET", "/api/home", EVERYONE),
    Endpoint("GET", "/org/teams", EVERYONE),
    Endpoint("GET", "/api/org/teams", EVERYONE),
    Endpoint("GET", "/org/people", {A, P, L, E}),
    Endpoint("GET", "/api/people", {A, P, L, E}),
    Endpoint("GET", "/org/import", {A, P}),
    Endpoint("POST", "/api/people/import", {A, P}, files={"file": ("people.csv", CSV, "text/csv")}),
    # foundation: administration
    Endpoint("GET", "/admin/users", {A}),
    Endpoint("GET", "/api/users", {A}),
    Endpoint(
        "POST",
        "/api/users",
        {A},
        json=lambda r: {"email": f"new-{r.value}@example.com", "name": "New", "role": "member"},
    ),
    Endpoint("PUT", "/api/users/sam@example.com/role", {A}, json={"role": "member"}),
    Endpoint("GET", "/admin/tokens", {A}),
    Endpoint("GET", "/api/tokens", {A}),
    Endpoint("POST", "/api/tokens", {A}, json={"email": "sam@example.com", "name": "matrix"}),
    Endpoint("DELETE", "/api/tokens/nosuchprefix", {A}),
    Endpoint("GET", "/admin/audit", {A}),
    Endpoint("GET", "/api/audit", {A}),
    # signals: customer text for admins, CX leads and agents; dashboards for executives too
    Endpoint("GET", "/signals", {A, C, G}),
    Endpoint("GET", "/api/signals/interactions", {A, C, G}),
    Endpoint("POST", "/api/signals/interactions", {A, C}, json=[]),
    Endpoint("POST", "/api/score", {A, C, G}, json={"items": []}),
    Endpoint("GET", "/signals/ingest", {A, C}),
    Endpoint("GET", "/api/signals/ingest/runs/999999", {A, C}),
    Endpoint("GET", "/signals/review", {A, C, G}),
    Endpoint("GET", "/api/signals/reviews", {A, C, G}),
    Endpoint("POST", "/api/signals/reviews/999999", {A, C, G},
             json={"emotion_labels": [], "sentiment": "neutral", "distress": False}),
    Endpoint("GET", "/api/signals/agreement", {A, C, G, E}),
    Endpoint("GET", "/signals/routing", {A, C, G, E}),
    Endpoint("GET", "/api/signals/routing", {A, C, G, E}),
    Endpoint("POST", "/api/signals/rules", {A, C},
             json={"name": "matrix", "queue_id": 999999, "conditions": {}}),
    Endpoint("GET", "/signals/sla", {A, C, G, E}),
    Endpoint("GET", "/api/signals/sla", {A, C, G, E}),
    Endpoint("GET", "/signals/cases", {A, C, G}),
    Endpoint("GET", "/api/signals/cases", {A, C, G}),
    Endpoint("POST", "/api/signals/cases/999999/resolve", {A, C, G}),
    # pulse: members answer; leaders predict and see their own gap; partners, executives and
    # admins see organisation aggregates; partners and admins run rounds; admins configure
    Endpoint("GET", "/pulse", EVERYONE),
    Endpoint("GET", "/api/pulse", EVERYONE),
    Endpoint("GET", "/api/pulse/items", EVERYONE),
    Endpoint("GET", "/api/pulse/rounds/999999/form", EVERYONE),
    Endpoint("POST", "/api/pulse/rounds/999999/answers", EVERYONE, json={"ratings": {}}),
    Endpoint("GET", "/pulse/gap", {L, E}),
    Endpoint("GET", "/api/pulse/gap", {L, E}),
    Endpoint("PUT", "/api/pulse/rounds/999999/predictions/1", {L, E},
             json={"values": {}, "barriers": []}),
    Endpoint("GET", "/api/pulse/report", {A, P, L, E}),
    Endpoint("GET", "/pulse/export.csv", {A, P, L, E}),
    Endpoint("GET", "/pulse/org", {A, P, E}),
    Endpoint("GET", "/api/pulse/org", {A, P, E}),
    Endpoint("GET", "/pulse/rounds", {A, P}),
    Endpoint("GET", "/api/pulse/rounds", {A, P}),
    Endpoint("POST", "/api/pulse/rounds", {A, P}, json=lambda r: {"name": f"matrix {r.value}"}),
    Endpoint("POST", "/api/pulse/rounds/999999/close", {A, P}),
    Endpoint("GET", "/pulse/settings", {A}),
    Endpoint("GET", "/api/pulse/settings", {A}),
    Endpoint("PUT", "/api/pulse/settings", {A}, json={"min_group_size": 5}),
    Endpoint("POST", "/api/pulse/items", {A}, json={"text": "Matrix item text", "dimension": "x"}),
    # pulse decisions and experiments: leaders for their teams, partners and admins for any
    # (executives lead a team too); members of an experiment's team give feedback
    Endpoint("GET", "/pulse/decisions", {A, P, L, E}),
    Endpoint("GET", "/api/pulse/decisions", {A, P, L, E}),
    Endpoint("GET", "/pulse/decisions/new", {A, P, L, E}),
    Endpoint("GET", "/api/pulse/decisions/new", {A, P, L, E}),
    Endpoint("POST", "/api/pulse/decisions", {A, P, L, E}, json={}),
    Endpoint("POST", "/pulse/decisions", {A, P, L, E}, data={"summary": "x"}),
    Endpoint("GET", "/pulse/decisions/999999", {A, P, L, E}),
    Endpoint("GET", "/api/pulse/decisions/999999", {A, P, L, E}),
    Endpoint("POST", "/api/pulse/decisions/999999/experiment", {A, P, L, E}, json={}),
    Endpoint("POST", "/pulse/decisions/999999/experiment", {A, P, L, E}, data={}),
    Endpoint("GET", "/api/pulse/experiments", {A, P, L, E}),
    Endpoint("GET", "/pulse/experiments/999999", {A, P, L, E}),
    Endpoint("GET", "/api/pulse/experiments/999999", {A, P, L, E}),
    Endpoint("POST", "/api/pulse/experiments/999999/status", {A, P, L, E},
             json={"status": "concluded", "outcome": "x"}),
    Endpoint("POST", "/pulse/experiments/999999/status", {A, P, L, E},
             data={"status": "concluded", "outcome": "x"}),
    Endpoint("PUT", "/api/pulse/experiments/999999/comparison", {A, P, L, E},
             json={"team_ids": []}),
    Endpoint("POST", "/pulse/experiments/999999/comparison", {A, P, L, E},
             data={"comparison": "automatic"}),
    Endpoint("GET", "/pulse/experiments/mine", EVERYONE),
    Endpoint("GET", "/api/pulse/experiments/mine", EVERYONE),
    Endpoint("GET", "/pulse/experiments/999999/feedback", EVERYONE),
    Endpoint("GET", "/api/pulse/experiments/999999/feedback", EVERYONE),
    Endpoint("POST", "/api/pulse/experiments/999999/feedback", EVERYONE, json={"text": "x"}),
    Endpoint("POST", "/pulse/experiments/999999/feedback", EVERYONE, data={"text": "x"}),
    # pulse: one-time answer links are issued by whoever runs rounds; the link itself needs
    # no sign-in (an unknown link is 404 for everyone)
    Endpoint("POST", "/api/pulse/rounds/999999/links", {A, P}, json={}),
    Endpoint("POST", "/pulse/rounds/999999/links", {A, P}, data={}),
    Endpoint("GET", "/pulse/a/no-such-link-secret-000000000000", EVERYONE),
    Endpoint("POST", "/pulse/a/no-such-link-secret-000000000000", EVERYONE,
             data={"csrf_token": "x"}),
    Endpoint("GET", "/pulse/thanks", EVERYONE),
    # check-ins: leaders (and executives, who lead too) hold them; everyone sees their own
    Endpoint("GET", "/checkins", {L, E}),
    Endpoint("GET", "/api/checkins/rhythm", {L, E}),
    Endpoint("GET", "/api/checkins", {L, E}),
    Endpoint("GET", "/api/checkins/templates", {L, E}),
    Endpoint("GET", "/checkins/new?person=999999", {L, E}),
    Endpoint("GET", "/api/checkins/form?person=999999", {L, E}),
    Endpoint("POST", "/checkins/new", {L, E}, data={"person_id": "999999"}),
    Endpoint("POST", "/api/checkins", {L, E}, json={"person_id": 999999}),
    Endpoint("GET", "/checkins/mine", EVERYONE),
    Endpoint("GET", "/api/checkins/mine", EVERYONE),
    Endpoint("GET", "/checkins/999999", EVERYONE),
    Endpoint("GET", "/api/checkins/999999", EVERYONE),
    # programs: leaders take part and log what they saw; partners and admins run programs,
    # debriefs and schedules; everyone reads the commitments feed
    Endpoint("GET", "/programs/sessions", {A, P, L}),
    Endpoint("GET", "/api/programs/sessions", {A, P, L}),
    Endpoint("POST", "/api/programs/sessions/999999/observations", {A, P, L},
             json={"kind": "friction", "text": "Waited on hold", "severity": 2}),
    Endpoint("POST", "/programs/sessions/999999/observations", {A, P, L},
             data={"kind": "friction", "text": "Waited on hold", "severity": "2"}),
    Endpoint("GET", "/programs/debrief", {A, P}),
    Endpoint("GET", "/api/programs/debrief", {A, P}),
    Endpoint("POST", "/programs/experiments", {A, P},
             data={"pattern_label": "hold", "hypothesis": "h", "owner_id": "999999",
                   "metric": "m"}),
    Endpoint("GET", "/programs/commitments", EVERYONE),
    Endpoint("GET", "/api/programs/commitments", EVERYONE),
    Endpoint("POST", "/api/programs/schedule", {A, P}, json=PROBLEM),
    Endpoint("POST", "/api/programs/debrief/save", {A, P}),
    Endpoint("GET", "/api/programs/cadence", {A, P, L}),
    Endpoint("POST", "/api/programs/sessions/999999/held", {A, P, L}, json={"held": True}),
    Endpoint("GET", "/api/programs/pilots", {A, P, L, E}),
    Endpoint("POST", "/api/programs/pilots", {A, P},
             json=lambda r: {"product_area": f"matrix {r.value}", "starts_on": "2026-03-02"}),
    Endpoint("POST", "/api/programs/debrief/rename", {A, P},
             json={"pattern_id": 999999, "label": "x"}),
    Endpoint("POST", "/api/programs/debrief/merge", {A, P}, json={"pattern_ids": [999998, 999999]}),
    Endpoint("POST", "/api/programs/debrief/split", {A, P},
             json={"pattern_id": 999999, "members": [1], "label": "x"}),
    Endpoint("POST", "/programs/debrief/rename", {A, P},
             data={"pattern_id": "999999", "label": "x"}),
    Endpoint("GET", "/programs/schedule", {A, P}),
    Endpoint("POST", "/programs/schedule", {A, P},
             data={"source": "json", "problem": json.dumps(PROBLEM)}),
    Endpoint("GET", "/api/programs/schedule/org", {A, P}),
    Endpoint("POST", "/programs/schedule/download", {A, P}, data={"schedule": "{}"}),
    Endpoint("POST", "/api/programs/schedule/ics", {A, P}, json={"assignments": []}),
    Endpoint("POST", "/programs/schedule/sessions", {A, P}, data={"schedule": "{}"}),
    Endpoint("POST", "/api/programs/schedule/sessions", {A, P}, json={"assignments": []}),
    Endpoint("GET", "/programs/rituals", {A, P, L}),
    Endpoint("GET", "/api/programs/rituals", {A, P, L}),
    Endpoint("POST", "/programs/rituals/999999", {A, P, L}, data={"outcome": "held"}),
    Endpoint("POST", "/api/programs/sessions/999999/skipped", {A, P, L}),
    Endpoint("GET", "/programs/pilots", {A, P, L, E}),
    Endpoint("POST", "/programs/pilots", {A, P},
             data=lambda r: {"product_area": f"form {r.value}", "starts_on": "2026-03-02"}),
    Endpoint("POST", "/api/programs/pilots/999999/sessions", {A, P},
             json={"leader_ids": [1], "scheduled_on": "2026-03-02"}),
    Endpoint("POST", "/api/programs/pilots/999999/debrief", {A, P}),
    Endpoint("POST", "/api/programs/pilots/999999/experiments", {A, P},
             json={"experiment_id": 1}),
    Endpoint("POST", "/programs/pilots/999999/debrief", {A, P}),
    Endpoint("POST", "/api/programs/experiments", {A, P},
             json={"pattern_label": "x", "hypothesis": "h", "owner_id": 999999,
                   "metric": "m"}),
]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_gets_exactly_what_it_should(
    role: Role, api_as: Callable[[Role], TestClient]
) -> None:
    client = api_as(role)
    wrong = []
    for endpoint in ENDPOINTS:
        status = endpoint.call(client, role)
        if role in endpoint.allowed:
            if status in (401, 403) or status >= 500:
                wrong.append(f"{endpoint}: expected access, got {status}")
        elif status != 403:
            wrong.append(f"{endpoint}: expected 403, got {status}")
    assert not wrong, "\n".join(wrong)


def test_unauthenticated_api_calls_get_401(client: TestClient) -> None:
    for endpoint in ENDPOINTS:
        if endpoint.path.startswith("/api/"):
            assert endpoint.call(client, Role.MEMBER) == 401, endpoint


def test_revoked_token_stops_working(api_as: Callable[[Role], TestClient]) -> None:
    admin = api_as(Role.ADMIN)
    created = admin.post("/api/tokens", json={"email": "mo@example.com", "name": "t"}).json()
    mo = TestClient(admin.app, headers={"Authorization": f"Bearer {created['token']}"})
    assert mo.get("/api/me").json()["email"] == "mo@example.com"
    assert admin.delete(f"/api/tokens/{created['prefix']}").status_code == 200
    assert mo.get("/api/me").status_code == 401
