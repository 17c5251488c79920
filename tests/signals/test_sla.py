"""SLA targets adapt to emotional complexity, and breaches are computed from due times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.errors import ValidationError
from heard.signals import sla
from heard.signals.routing import Facts
from heard.store.tables.signals import Case
from tests.signals.test_routing import T0, ingest_messages, message

EMAIL = sla.Targets(
    first_response_minutes=120,
    resolution_minutes=1440,
    complex_first_response_minutes=30,
    complex_resolution_minutes=2880,
)


def test_complex_cases_get_a_faster_first_response_and_a_longer_resolution(
    heard_app: Heard,
) -> None:
    with heard_app.transaction() as s:
        sla.create_policy(s, OPERATOR, name="Email", channel="email", targets=EMAIL)
    ingest_messages(
        heard_app,
        [
            message(0, "Where is my parcel?", channel="email"),
            message(1, "Third time asking, I am angry!!", channel="email"),
        ],
    )
    with heard_app.transaction() as s:
        calm, upset = s.scalars(select(Case).order_by(Case.opened_at)).all()
    assert not calm.complex and upset.complex
    assert calm.first_response_due == T0 + timedelta(minutes=120)
    assert calm.resolution_due == T0 + timedelta(minutes=1440)
    assert upset.first_response_due == T0 + timedelta(minutes=1 + 30)
    assert upset.resolution_due == T0 + timedelta(minutes=1 + 2880)


def test_the_most_specific_policy_wins(heard_app: Heard) -> None:
    vip = sla.Targets(15, 600, 5, 900)
    with heard_app.transaction() as s:
        sla.create_policy(s, OPERATOR, name="Any", targets=EMAIL)
        sla.create_policy(s, OPERATOR, name="Email", channel="email", targets=EMAIL)
        sla.create_policy(
            s, OPERATOR, name="VIP email", channel="email", customer_tier="vip", targets=vip
        )
        assert (p := sla.policy_for(s, "email", "vip")) and p.name == "VIP email"
        assert (p := sla.policy_for(s, "email", "standard")) and p.name == "Email"
        assert (p := sla.policy_for(s, "chat", "vip")) and p.name == "Any"


def test_a_policy_must_answer_complex_cases_faster_and_resolve_them_slower(
    heard_app: Heard,
) -> None:
    backwards = sla.Targets(30, 2880, 120, 1440)
    with heard_app.transaction() as s, pytest.raises(ValidationError) as err:
        sla.create_policy(s, OPERATOR, name="Backwards", targets=backwards)
    assert len(err.value.problems) == 2


def test_breaches_count_late_answers_and_overdue_open_cases() -> None:
    due = Case(
        opened_at=T0,
        first_response_due=T0 + timedelta(hours=1),
        resolution_due=T0 + timedelta(hours=24),
    )
    assert sla.breaches(due, T0 + timedelta(minutes=59)) == {
        "first_response": False,
        "resolution": False,
    }
    assert sla.breaches(due, T0 + timedelta(hours=2))["first_response"]
    due.first_response_at = T0 + timedelta(minutes=30)  # answered in time, stays met
    assert not sla.breaches(due, T0 + timedelta(hours=30))["first_response"]
    assert sla.breaches(due, T0 + timedelta(hours=30))["resolution"]
    due.resolved_at = T0 + timedelta(hours=25)  # resolved late: the breach is kept
    assert sla.breaches(due, T0 + timedelta(days=9))["resolution"]


def test_the_board_counts_breaches_per_queue(heard_app: Heard) -> None:
    ingest_messages(heard_app, [message(n, "Where is my parcel?") for n in range(3)])
    now = T0 + timedelta(hours=5)  # fallback policy: 4 h first response
    with heard_app.transaction() as s:
        board = sla.board(s, OPERATOR, now=now)
    general = board["queues"][0]
    assert (general["open"], general["first_response_breached"]) == (3, 3)
    assert general["resolution_breached"] == 0
    assert len(board["breached"]) == 3


def test_complexity_rules() -> None:
    base = Facts(channel="chat", customer_tier="standard", brand="")
    assert not sla.is_complex(base)
    assert sla.is_complex(Facts("chat", "standard", "", distress=True))
    assert sla.is_complex(Facts("chat", "standard", "", intensity=0.8))
    assert sla.is_complex(Facts("chat", "standard", "", effort=0.5))
    assert sla.is_complex(Facts("chat", "standard", "", groups={"anger_frustration", "confusion"}))
