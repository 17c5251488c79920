"""Ingesting conversations: the real Twitter customer-care data, CSV, JSONL and Zendesk
exports. Redacted before stored, idempotent, and bad records reported with line and reason."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.signals import ingest as ingest_module
from heard.signals.ingest import (
    STALE_AFTER,
    IngestResult,
    heartbeat,
    ingest_file,
    mark_interrupted,
    recent_runs,
    run_status,
    start_run,
)
from heard.store.engine import utcnow
from heard.store.tables.signals import Conversation, IngestRun, Interaction

DATA = Path(__file__).resolve().parents[2] / "data" / "customer-care-twitter"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)


def ingest(heard: Heard, content: bytes | Path, fmt: str, **kw: object) -> IngestResult:
    raw = content.read_bytes() if isinstance(content, Path) else content
    return ingest_file(heard.transaction, OPERATOR, io.BytesIO(raw), fmt=fmt, **kw)  # type: ignore[arg-type]


def counts(heard: Heard) -> tuple[int, int]:
    with heard.transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(Conversation)) or 0,
            s.scalar(select(func.count()).select_from(Interaction)) or 0,
        )


def test_the_real_conversations_land_redacted_and_reingest_changes_nothing(
    heard_app: Heard,
) -> None:
    first = [ingest(heard_app, DATA / f"{split}.json", "twitter") for split in ("dev", "test")]
    assert sum(r.conversations_added for r in first) == 1025
    assert not any(r.problems for r in first)
    conversations, interactions = counts(heard_app)
    assert conversations == 1025
    assert interactions == sum(r.interactions_added for r in first) > 2000

    with heard_app.transaction() as s:
        texts = list(s.scalars(select(Interaction.text)))
        people = list(s.execute(select(Conversation.customer, Conversation.subject)))
    leaks = [t for t in texts if EMAIL.search(t)]
    assert leaks == [], leaks[:3]
    assert not any(EMAIL.search(c) or EMAIL.search(sub) for c, sub in people)
    assert any("[EMAIL]" in t for t in texts)  # the data does contain addresses

    again = [ingest(heard_app, DATA / f"{split}.json", "twitter") for split in ("dev", "test")]
    assert [r.conversations_added + r.interactions_added for r in again] == [0, 0]
    # (a few tweets appear twice in the corpus: as a turn and as the final agent reply)
    duplicates = sum(r.already_present for r in first)
    assert sum(r.already_present for r in again) == interactions + duplicates
    assert counts(heard_app) == (conversations, interactions)


CSV = b"""id,conversation_id,role,text,channel,brand,customer,customer_tier,at
m1,c1,customer,"Charged twice, mail me: jo@example.com",email,Acme,cust-1,vip,2026-01-05T09:00:00Z
m2,c1,agent,Sorry about that - refund on its way,email,Acme,cust-1,vip,2026-01-05T09:30:00Z
m3,c2,robot,Who am I?,chat,Acme,cust-2,,2026-01-05T10:00:00Z
m4,c3,customer,,chat,Acme,cust-3,,2026-01-05T11:00:00Z
m5,c4,customer,"A quoted
multi-line message",chat,Acme,cust-4,,yesterday
m6,c5,customer,Call me on +44 20 7946 0958,phone,Acme,cust-5,,2026-01-05T12:00:00
"""


def test_bad_csv_rows_are_reported_with_line_and_reason_and_the_rest_lands(
    heard_app: Heard,
) -> None:
    result = ingest(heard_app, CSV, "csv", source="helpdesk")

    assert [(p.line, p.reason) for p in result.problems] == [
        (4, "'role' must be one of customer, agent, got 'robot'"),
        (5, "'text' is required"),
        (6, "'at' is not an ISO 8601 time: 'yesterday'"),
    ]
    assert (result.records, result.conversations_added, result.interactions_added) == (6, 2, 3)
    with heard_app.transaction() as s:
        stored = {i.external_id: i for i in s.scalars(select(Interaction))}
        c1 = s.scalar(select(Conversation).where(Conversation.external_id == "c1"))
    assert stored["m1"].text == "Charged twice, mail me: [EMAIL]"
    assert stored["m6"].text == "Call me on [PHONE]"
    assert stored["m2"].role == "agent"
    assert c1 is not None and (c1.customer_tier, c1.brand, c1.channel) == ("vip", "Acme", "email")

    # fixing the bad rows and sending the whole file again adds only what was missing
    fixed = CSV.replace(b",robot,", b",customer,")
    fixed = fixed.replace(b",,chat,Acme,cust-3", b",Hello?,chat,Acme,cust-3")
    again = ingest(heard_app, fixed, "csv", source="helpdesk")
    assert again.interactions_added == 2 and again.already_present == 3


def test_a_missing_column_rejects_the_file_at_line_one(heard_app: Heard) -> None:
    result = ingest(heard_app, b"id,body\n1,hello\n", "csv")
    assert [(p.line, p.reason) for p in result.problems] == [
        (1, "missing required column(s): text")
    ]
    assert counts(heard_app) == (0, 0)


def test_jsonl_reports_broken_lines_by_number(heard_app: Heard) -> None:
    lines = [
        json.dumps({"id": "a", "text": "first"}),
        "{not json",
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "b", "text": "second", "conversation_id": "t1"}),
    ]
    result = ingest(heard_app, "\n".join(lines).encode(), "jsonl")
    assert [p.line for p in result.problems] == [2, 4]
    assert "invalid JSON" in result.problems[0].reason
    assert result.interactions_added == 2


ZENDESK = [
    {
        "id": 4711,
        "subject": "Refund for jo@example.com",
        "created_at": "2026-02-01T08:00:00Z",
        "via": {"channel": "web"},
        "brand": {"name": "Acme Cloud"},
        "requester": {"id": 501, "name": "Jo", "email": "jo@example.com"},
        "tags": ["billing", "vip"],
        "comments": [
            {
                "id": 1,
                "author_id": 501,
                "body": "Third time asking: where is my refund?",
                "public": True,
                "created_at": "2026-02-01T08:00:00Z",
            },
            {
                "id": 2,
                "author_id": 900,
                "body": "Internal: check the ledger",
                "public": False,
                "created_at": "2026-02-01T08:05:00Z",
            },
            {
                "id": 3,
                "author_id": 900,
                "plain_body": "Refund sent today.",
                "public": True,
                "created_at": "2026-02-01T09:00:00Z",
            },
        ],
    },
    {"id": 4712, "requester_id": 502, "comments": []},
]


def test_zendesk_tickets_become_threads_with_customer_and_agent_turns(heard_app: Heard) -> None:
    ndjson = "\n".join(json.dumps(t) for t in ZENDESK).encode()
    result = ingest(heard_app, ndjson, "zendesk")
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "'comments' must be a non-empty list")
    ]
    with heard_app.transaction() as s:
        conv = s.scalars(select(Conversation)).one()
        turns = list(s.scalars(select(Interaction).order_by(Interaction.at)))
    assert (conv.channel, conv.brand, conv.customer_tier, conv.customer) == (
        "web",
        "Acme Cloud",
        "vip",
        "501",
    )
    assert conv.subject == "Refund for [EMAIL]"
    assert [(t.role, t.text) for t in turns] == [
        ("customer", "Third time asking: where is my refund?"),
        ("agent", "Refund sent today."),
    ]
    # a JSON array of the same tickets is accepted too, and changes nothing
    again = ingest(heard_app, json.dumps(ZENDESK).encode(), "zendesk")
    assert again.interactions_added == 0 and again.already_present == 2


def test_a_run_records_its_progress_and_outcome(heard_app: Heard) -> None:
    path = DATA / "dev.json"
    with heard_app.transaction() as s:
        run_id = start_run(
            s,
            OPERATOR,
            filename=path.name,
            fmt="twitter",
            source="twitter",
            bytes_total=path.stat().st_size,
        )
    seen: list[int] = []
    ingest(heard_app, path, "twitter", run_id=run_id, batch_size=100, on_progress=seen.append)
    assert len(seen) == 6 and seen == sorted(seen) and seen[-1] == path.stat().st_size
    with heard_app.transaction() as s:
        run = s.get(IngestRun, run_id)
        assert run is not None
        assert (run.status, run.records, run.bytes_read) == ("done", 525, run.bytes_total)


def _run(heard: Heard, name: str) -> int:
    with heard.transaction() as s:
        return start_run(s, OPERATOR, filename=name, fmt="jsonl", source="jsonl")


def _age_heartbeat(heard: Heard, run_id: int, by: timedelta) -> None:
    with heard.transaction() as s:
        s.execute(
            update(IngestRun)
            .where(IngestRun.id == run_id)
            .values(heartbeat_at=utcnow() - by, started_at=utcnow() - by)
        )


def test_a_run_whose_worker_stopped_beating_is_shown_interrupted(heard_app: Heard) -> None:
    """A server restart mid-import leaves the row 'running'; reading runs marks it."""
    dead, alive = _run(heard_app, "dead.jsonl"), _run(heard_app, "alive.jsonl")
    _age_heartbeat(heard_app, dead, STALE_AFTER + timedelta(seconds=30))
    _age_heartbeat(heard_app, alive, STALE_AFTER - timedelta(seconds=30))
    with heard_app.transaction() as s:
        listed = {r["id"]: r for r in recent_runs(s, OPERATOR)}
    assert listed[dead]["status"] == "interrupted"
    assert "stopped" in listed[dead]["error"] and listed[dead]["finished_at"]
    assert listed[alive]["status"] == "running"  # a slow batch is not a dead worker
    with heard_app.transaction() as s:
        assert run_status(s, OPERATOR, alive)["status"] == "running"
    _age_heartbeat(heard_app, alive, STALE_AFTER * 2)
    with heard_app.transaction() as s:
        assert run_status(s, OPERATOR, alive)["status"] == "interrupted"


def test_finished_runs_are_never_marked_interrupted(heard_app: Heard) -> None:
    run_id = _run(heard_app, "done.jsonl")
    raw = b'{"id": "m1", "text": "hello"}\n'
    ingest_file(heard_app.transaction, OPERATOR, io.BytesIO(raw), fmt="jsonl", run_id=run_id)
    _age_heartbeat(heard_app, run_id, STALE_AFTER * 3)
    with heard_app.transaction() as s:
        assert run_status(s, OPERATOR, run_id)["status"] == "done"
        assert mark_interrupted(s) == 0


def test_a_running_import_keeps_its_heartbeat_fresh(
    heard_app: Heard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The beat comes from its own thread, so a long batch does not look like a dead worker."""
    monkeypatch.setattr(ingest_module, "HEARTBEAT_SECONDS", 0.05)
    run_id = _run(heard_app, "slow.jsonl")
    _age_heartbeat(heard_app, run_id, timedelta(minutes=1))
    with heartbeat(heard_app.transaction, run_id):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with heard_app.transaction() as s:
                run = s.get(IngestRun, run_id)
                assert run is not None and run.heartbeat_at is not None
                if utcnow() - run.heartbeat_at < timedelta(seconds=5):
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the heartbeat thread never wrote")
