"""The signals pages and API: ingest through the API with a token, score texts, filter the
inbox, review, and who may see customer text."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from heard.accounts.policy import Role
from tests.conftest import Personas, login
from tests.signals.scorer_double import keyword_scorer

ApiAs = Callable[[Role], TestClient]


@pytest.fixture(autouse=True)
def _double(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with keyword_scorer(monkeypatch):
        yield


MESSAGES = [
    {"id": "w1", "text": "I am furious, call me at +1 415 555 0134", "channel": "chat"},
    {"id": "w2", "text": "Thanks, that fixed it", "channel": "chat"},
    {"id": "w3", "text": "unsure, I am sad", "channel": "email"},
    {"id": "w4", "channel": "email"},
]


def test_a_cx_lead_ingests_through_the_api_and_filters_the_inbox(api_as: ApiAs) -> None:
    cora = api_as(Role.CX_LEAD)
    result = cora.post("/api/signals/interactions", json=MESSAGES).json()
    assert result["interactions_added"] == 3
    assert result["problems"] == [{"line": 4, "field": None, "reason": "'text' is required"}]

    again = cora.post("/api/signals/interactions", json=MESSAGES).json()
    assert again["interactions_added"] == 0 and again["already_present"] == 3

    angry = cora.get("/api/signals/interactions", params={"group": "anger_frustration"}).json()
    assert [m["text"] for m in angry["items"]] == ["I am furious, call me at [PHONE]"]
    assert angry["items"][0]["score"]["emotion_labels"] == ["anger"]
    bad = cora.get("/api/signals/interactions", params={"group": "rage"})
    assert bad.status_code == 400


def test_a_flag_says_why_in_the_inbox_and_the_review_queue(
    api_as: ApiAs, client: TestClient, personas: Personas
) -> None:
    cora = api_as(Role.CX_LEAD)
    message = {"id": "d1", "text": "refund please, I want to hurt myself", "channel": "chat"}
    cora.post("/api/signals/interactions", json=[message])
    (item,) = cora.get("/api/signals/interactions", params={"distress": "yes"}).json()["items"]
    assert item["score"]["distress_why"] == "self-harm"

    login(client, personas.email(Role.CX_LEAD))
    assert "why: self-harm" in client.get("/signals", params={"distress": "yes"}).text
    assert "why: self-harm" in client.get("/signals/review").text


def test_score_api_redacts_then_scores(api_as: ApiAs) -> None:
    ari = api_as(Role.AGENT)
    response = ari.post(
        "/api/score", json={"items": [{"id": 1, "text": "I am angry, mail me at jo@example.com"}]}
    )
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["id"] == 1 and item["emotion_labels"] == ["anger"]
    assert set(item) >= {"emotions", "sentiment", "intensity", "distress", "effort", "confidence"}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER, Role.PEOPLE_PARTNER, Role.EXECUTIVE])
def test_roles_without_customer_access_cannot_read_customer_text(api_as: ApiAs, role: Role) -> None:
    client = api_as(role)
    assert client.get("/api/signals/interactions").status_code == 403
    assert client.post("/api/signals/interactions", json=MESSAGES).status_code == 403
    assert client.get("/api/signals/reviews").status_code == 403


def test_executives_see_the_sla_board_but_agents_cannot_change_rules(api_as: ApiAs) -> None:
    assert api_as(Role.EXECUTIVE).get("/api/signals/sla").status_code == 200
    rule = {"name": "x", "queue_id": 1, "conditions": {}}
    assert api_as(Role.AGENT).post("/api/signals/rules", json=rule).status_code == 403


def test_upload_page_shows_progress_then_the_outcome(
    client: TestClient, personas: Personas
) -> None:
    csrf = login(client, personas.email(Role.CX_LEAD))
    body = b"id,text\nu1,I am angry!!\nu2,\n"
    response = client.post(
        "/signals/ingest",
        data={"csrf_token": csrf, "format": "csv", "score": "yes"},
        files={"file": ("messages.csv", body, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    run_url = response.headers["location"]
    for _ in range(100):
        status = client.get(run_url.replace("/signals/", "/api/signals/")).json()
        if status["status"] != "running":
            break
        time.sleep(0.05)
    assert status["status"] == "done" and status["interactions_added"] == 1
    assert status["problems"] == [{"line": 3, "field": None, "reason": "'text' is required"}]
    page = client.get(run_url)
    assert "Done" in page.text and "&#39;text&#39; is required" in page.text
    inbox = client.get("/signals?group=anger_frustration")
    assert "I am angry!!" in inbox.text


def test_every_signals_page_renders_for_a_cx_lead(client: TestClient, personas: Personas) -> None:
    login(client, personas.email(Role.CX_LEAD))
    for path in (
        "/",
        "/signals",
        "/signals/review",
        "/signals/routing",
        "/signals/sla",
        "/signals/ingest",
        "/signals/cases",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])


def test_an_agent_works_the_cases_routed_to_her(
    api_as: ApiAs, client: TestClient, personas: Personas
) -> None:
    cora, ari = api_as(Role.CX_LEAD), api_as(Role.AGENT)
    from heard.accounts.policy import OPERATOR
    from heard.app import Heard
    from heard.signals import routing

    heard: Heard = client.app.state.heard  # type: ignore[attr-defined]
    with heard.transaction() as s:
        queue = routing.create_queue(s, OPERATOR, name="Frustrated")
        routing.add_handler(s, OPERATOR, queue_id=queue.id, email="ari@example.com", capacity=3)
        routing.create_rule(
            s,
            OPERATOR,
            name="Anger",
            queue_id=queue.id,
            conditions={"emotion_group": "anger_frustration"},
        )
    cora.post("/api/signals/interactions", json=MESSAGES[:1])
    cases = ari.get("/api/signals/cases").json()
    assert cases["queues"] == ["Frustrated"]
    (case,) = cases["cases"]
    assert case["text"] == "I am furious, call me at [PHONE]" and not case["responded"]

    login(client, personas.email(Role.AGENT))
    home = client.get("/")
    assert "Your queue" in home.text and "1 open case assigned to you" in home.text

    assert ari.post(f"/api/signals/cases/{case['id']}/resolve").status_code == 200
    assert ari.get("/api/signals/cases").json()["cases"] == []
    assert ari.post(f"/api/signals/cases/{case['id']}/resolve").status_code == 409
