"""Routing: rules pick queues, distress always reaches specialists, least-loaded
assignment respects capacity, and a deep queue raises an alert."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.signals import pipeline, routing, sla
from heard.signals.ingest import ingest_file
from heard.store.tables.signals import Case, Conversation, Queue
from tests.conftest import Personas
from tests.signals.scorer_double import KeywordScorer

T0 = datetime(2026, 3, 2, 9, 0)


def ingest_messages(heard: Heard, messages: list[dict[str, object]]) -> None:
    scorer = KeywordScorer()
    lines = "\n".join(json.dumps(m) for m in messages).encode()
    ingest_file(
        heard.transaction,
        OPERATOR,
        io.BytesIO(lines),
        fmt="jsonl",
        after_batch=lambda s, ids: pipeline.score_stored(s, scorer, ids) and None,
    )


def message(n: int, text: str, **extra: object) -> dict[str, object]:
    return {
        "id": f"m{n}",
        "conversation_id": f"c{n}",
        "text": text,
        "at": (T0 + timedelta(minutes=n)).isoformat(),
        **extra,
    }


def cases_by_conversation(heard: Heard) -> dict[str, tuple[str, str | None, str]]:
    """conversation external id -> (queue name, handler email or None, status)."""
    from heard.store.tables.org import Person
    from heard.store.tables.signals import Handler

    with heard.transaction() as s:
        rows = s.execute(
            select(Conversation.external_id, Queue.name, Person.email, Case.status)
            .join(Case, Case.conversation_id == Conversation.id)
            .join(Queue, Queue.id == Case.queue_id)
            .outerjoin(Handler, Handler.id == Case.handler_id)
            .outerjoin(Person, Person.id == Handler.person_id)
        ).all()
    return {ext: (queue, email, status) for ext, queue, email, status in rows}


@pytest.fixture
def queues(heard_app: Heard, personas: Personas) -> dict[str, int]:
    """An anger queue worked by ari (capacity 1) and sam (capacity 2); VIP email queue."""
    with heard_app.transaction() as s:
        anger = routing.create_queue(s, OPERATOR, name="Frustrated customers", alert_depth=1)
        vip = routing.create_queue(s, OPERATOR, name="VIP email")
        routing.add_handler(s, OPERATOR, queue_id=anger.id, email="ari@example.com", capacity=1)
        routing.add_handler(s, OPERATOR, queue_id=anger.id, email="sam@example.com", capacity=2)
        routing.create_rule(
            s,
            OPERATOR,
            name="VIP on email",
            queue_id=vip.id,
            position=1,
            conditions={"customer_tier": "vip", "channel": "email"},
        )
        routing.create_rule(
            s,
            OPERATOR,
            name="Anger",
            queue_id=anger.id,
            position=2,
            conditions={"emotion_group": "anger_frustration"},
        )
        return {"anger": anger.id, "vip": vip.id}


def test_rules_route_in_order_and_unmatched_cases_go_to_general(
    heard_app: Heard, queues: dict[str, int]
) -> None:
    ingest_messages(
        heard_app,
        [
            message(1, "I am furious", channel="email", customer_tier="vip"),
            message(2, "I am angry"),
            message(3, "Where is my parcel?"),
        ],
    )
    cases = cases_by_conversation(heard_app)
    assert cases["c1"][0] == "VIP email"  # first matching rule wins
    assert cases["c2"][0] == "Frustrated customers"
    assert cases["c3"][0] == routing.DEFAULT_QUEUE


def test_distress_always_goes_to_specialists_even_when_a_rule_matches(
    heard_app: Heard, queues: dict[str, int]
) -> None:
    ingest_messages(heard_app, [message(1, "I am angry and I want to hurt myself")])
    queue, _handler, status = cases_by_conversation(heard_app)["c1"]
    assert queue == routing.SPECIALIST_QUEUE and status == "waiting"

    # a calm conversation that turns distressed later is moved to specialists
    ingest_messages(heard_app, [message(2, "I am angry")])
    ingest_messages(
        heard_app, [{"id": "m2b", "conversation_id": "c2", "text": "honestly I might hurt myself"}]
    )
    assert cases_by_conversation(heard_app)["c2"][0] == routing.SPECIALIST_QUEUE


def test_least_loaded_assignment_respects_capacity_and_refills_on_resolve(
    heard_app: Heard, queues: dict[str, int]
) -> None:
    ingest_messages(heard_app, [message(n, "I am angry") for n in range(1, 6)])
    cases = cases_by_conversation(heard_app)
    handlers = [cases[f"c{n}"][1] for n in range(1, 6)]
    # ari (cap 1) and sam (cap 2) alternate by load until full; the rest wait
    assert handlers == ["ari@example.com", "sam@example.com", "sam@example.com", None, None]
    assert [cases[f"c{n}"][2] for n in (4, 5)] == ["waiting", "waiting"]

    with heard_app.transaction() as s:
        board = sla.board(s, OPERATOR, now=T0 + timedelta(minutes=10))
    anger = next(q for q in board["queues"] if q["name"] == "Frustrated customers")
    assert (anger["waiting"], anger["assigned"], anger["alert"]) == (2, 3, True)
    assert board["alerts"] == ["Frustrated customers: 2 cases waiting (alert above 1)"]

    with heard_app.transaction() as s:
        first = s.scalar(select(Case.id).join(Conversation).where(Conversation.external_id == "c1"))
        assert first is not None
        routing.resolve(s, OPERATOR, first)
    cases = cases_by_conversation(heard_app)
    assert cases["c1"][2] == "resolved"
    assert cases["c4"][1:] == ("ari@example.com", "assigned")  # oldest waiting case moves up
    assert cases["c5"][2] == "waiting"


def test_rule_conditions_are_validated(heard_app: Heard, queues: dict[str, int]) -> None:
    from heard.errors import ValidationError

    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        routing.create_rule(
            s,
            OPERATOR,
            name="bad",
            queue_id=queues["vip"],
            conditions={"emotion_group": "rage", "mood": 1},
        )
    reasons = {p.reason for p in err.value.problems}
    assert "unknown condition 'mood'" in reasons
    assert any(r.startswith("emotion_group must be one of") for r in reasons)
