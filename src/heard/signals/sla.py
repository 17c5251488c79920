"""SLA policies: first-response and resolution targets that adapt to emotional complexity.

A case is **emotionally complex** when a customer message is flagged for distress, or its
intensity reaches :data:`COMPLEX_INTENSITY`, or its effort score reaches
:data:`COMPLEX_EFFORT`, or two or more negative emotion groups are present. Complex cases
get the policy's *complex* targets: a faster first response (someone acknowledges the
person quickly) and a longer resolution (fixing it properly takes care, not haste).

The policy for a case is the most specific match on channel and customer tier
(both > channel > tier > neither); without any policy, :data:`FALLBACK` applies.

A target is **breached** when the response (or resolution) came after its due time, or
has not come and the due time has passed. Breaches are computed from the stored due and
done times, so they are tracked without a background job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, Problem, ValidationError
from heard.store.engine import utcnow
from heard.store.tables.signals import Case, Conversation, Queue, SlaPolicy

if TYPE_CHECKING:
    from heard.signals.routing import Facts

COMPLEX_INTENSITY = 0.7
COMPLEX_EFFORT = 0.5
AT_RISK_MINUTES = 30  # "at risk": the first response is due within this many minutes


@dataclass(frozen=True)
class Targets:
    first_response_minutes: int
    resolution_minutes: int
    complex_first_response_minutes: int
    complex_resolution_minutes: int

    def for_case(self, complex_case: bool) -> tuple[int, int]:
        if complex_case:
            return self.complex_first_response_minutes, self.complex_resolution_minutes
        return self.first_response_minutes, self.resolution_minutes


FALLBACK = Targets(240, 24 * 60, 60, 48 * 60)


def is_complex(facts: Facts) -> bool:
    return (
        facts.distress
        or facts.intensity >= COMPLEX_INTENSITY
        or facts.effort >= COMPLEX_EFFORT
        or facts.negative_groups >= 2
    )


def policy_for(session: Session, channel: str, tier: str) -> SlaPolicy | None:
    candidates = session.scalars(
        select(SlaPolicy).where(
            SlaPolicy.channel.in_(["", channel]), SlaPolicy.customer_tier.in_(["", tier])
        )
    )
    return max(
        candidates,
        key=lambda p: (bool(p.channel) and bool(p.customer_tier), bool(p.channel), p.id * -1),
        default=None,
    )


def _targets(policy: SlaPolicy | None) -> Targets:
    if policy is None:
        return FALLBACK
    return Targets(
        policy.first_response_minutes,
        policy.resolution_minutes,
        policy.complex_first_response_minutes,
        policy.complex_resolution_minutes,
    )


def start_clock(session: Session, case_row: Case, facts: Facts) -> None:
    """Set the case's policy, complexity and due times from its opening time."""
    policy = policy_for(session, facts.channel, facts.customer_tier)
    case_row.complex = is_complex(facts)
    case_row.policy_id = policy.id if policy else None
    first, resolution = _targets(policy).for_case(case_row.complex)
    case_row.first_response_due = case_row.opened_at + timedelta(minutes=first)
    case_row.resolution_due = case_row.opened_at + timedelta(minutes=resolution)


def breaches(case_row: Case, now: datetime) -> dict[str, bool]:
    """Which targets this case has missed (the Python twin of :func:`_breach_columns`)."""

    def missed(done: datetime | None, due: datetime | None) -> bool:
        return due is not None and (done or now) > due

    return {
        "first_response": missed(case_row.first_response_at, case_row.first_response_due),
        "resolution": missed(case_row.resolved_at, case_row.resolution_due),
    }


def _breach_columns(now: datetime) -> tuple[Any, Any]:
    first = func.coalesce(Case.first_response_at, now) > Case.first_response_due
    resolution = func.coalesce(Case.resolved_at, now) > Case.resolution_due
    return first, resolution


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def board(session: Session, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """Per queue: open, waiting and assigned cases, breaches, at-risk cases and depth alerts.

    ``first_response_breached`` and ``resolution_breached`` count every case ever routed
    (the tracked record); ``open_breached`` counts the open cases past a target now.
    """
    require(actor, Permission.SIGNALS_DASHBOARD)
    now = now or utcnow()
    first_breached, resolution_breached = _breach_columns(now)
    open_case = Case.status != "resolved"
    at_risk = and_(
        open_case,
        Case.first_response_at.is_(None),
        Case.first_response_due > now,
        Case.first_response_due <= now + timedelta(minutes=AT_RISK_MINUTES),
    )
    rows = session.execute(
        select(
            Queue.id,
            Queue.name,
            Queue.specialist,
            Queue.alert_depth,
            _count(open_case),
            _count(Case.status == "waiting"),
            _count(Case.status == "assigned"),
            _count(Case.complex & open_case),
            _count(first_breached),
            _count(resolution_breached),
            _count(open_case & or_(first_breached, resolution_breached)),
            _count(at_risk),
        )
        .outerjoin(Case, Case.queue_id == Queue.id)
        .group_by(Queue.id, Queue.name, Queue.specialist, Queue.alert_depth)
        .order_by(Queue.specialist.desc(), Queue.name)
    ).all()
    queues = []
    for (
        qid,
        name,
        specialist,
        depth,
        open_n,
        waiting,
        assigned,
        complex_n,
        fb,
        rb,
        ob,
        risk,
    ) in rows:
        queues.append(
            {
                "id": qid,
                "name": name,
                "specialist": specialist,
                "alert_depth": depth,
                "open": int(open_n or 0),
                "waiting": int(waiting or 0),
                "assigned": int(assigned or 0),
                "complex": int(complex_n or 0),
                "first_response_breached": int(fb or 0),
                "resolution_breached": int(rb or 0),
                "open_breached": int(ob or 0),
                "at_risk": int(risk or 0),
                "alert": int(waiting or 0) > depth,
            }
        )
    return {
        "now": now.isoformat(timespec="minutes"),
        "queues": queues,
        "alerts": [
            f"{q['name']}: {q['waiting']} cases waiting (alert above {q['alert_depth']})"
            for q in queues
            if q["alert"]
        ],
        "totals": {
            key: sum(q[key] for q in queues)
            for key in (
                "open",
                "waiting",
                "open_breached",
                "first_response_breached",
                "resolution_breached",
            )
        },
        "breached": breached_cases(session, now),
        "policies": list_policies(session),
    }


def breached_cases(session: Session, now: datetime, limit: int = 25) -> list[dict[str, Any]]:
    """The open cases past a due time, most overdue first (no customer text)."""
    first_breached, resolution_breached = _breach_columns(now)
    rows = session.execute(
        select(Case, Queue.name, Conversation.channel, Conversation.brand)
        .join(Queue, Queue.id == Case.queue_id)
        .join(Conversation, Conversation.id == Case.conversation_id)
        .where(Case.status != "resolved", or_(first_breached, resolution_breached))
        .order_by(Case.first_response_due)
        .limit(limit)
    ).all()
    return [
        {
            "case_id": c.id,
            "queue": queue,
            "channel": channel,
            "brand": brand,
            "complex": c.complex,
            "distress": c.distress,
            "opened_at": c.opened_at.isoformat(timespec="minutes"),
            "breaches": [k for k, v in breaches(c, now).items() if v],
        }
        for c, queue, channel, brand in rows
    ]


def list_policies(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "name": p.name,
            "channel": p.channel or "any",
            "customer_tier": p.customer_tier or "any",
            "first_response_minutes": p.first_response_minutes,
            "resolution_minutes": p.resolution_minutes,
            "complex_first_response_minutes": p.complex_first_response_minutes,
            "complex_resolution_minutes": p.complex_resolution_minutes,
        }
        for p in session.scalars(select(SlaPolicy).order_by(SlaPolicy.name))
    ]


def create_policy(
    session: Session,
    actor: Actor,
    *,
    name: str,
    targets: Targets,
    channel: str = "",
    customer_tier: str = "",
) -> SlaPolicy:
    """Complex cases must get a first response no slower, and a resolution no faster."""
    require(actor, Permission.SIGNALS_MANAGE)
    problems = []
    if not name.strip():
        problems.append(Problem("is required", "name"))
    minutes = (
        targets.first_response_minutes,
        targets.resolution_minutes,
        targets.complex_first_response_minutes,
        targets.complex_resolution_minutes,
    )
    if min(minutes) < 1:
        problems.append(Problem("every target must be at least 1 minute", "targets"))
    if targets.complex_first_response_minutes > targets.first_response_minutes:
        problems.append(Problem("complex cases need a faster (or equal) first response", "targets"))
    if targets.complex_resolution_minutes < targets.resolution_minutes:
        problems.append(Problem("complex cases need a longer (or equal) resolution", "targets"))
    if problems:
        raise ValidationError(problems)
    if session.scalar(select(SlaPolicy.id).where(SlaPolicy.name == name.strip())) is not None:
        raise Conflict(f"a policy named {name!r} exists")
    policy = SlaPolicy(
        name=name.strip(),
        channel=channel.strip().lower(),
        customer_tier=customer_tier.strip().lower(),
        first_response_minutes=targets.first_response_minutes,
        resolution_minutes=targets.resolution_minutes,
        complex_first_response_minutes=targets.complex_first_response_minutes,
        complex_resolution_minutes=targets.complex_resolution_minutes,
    )
    session.add(policy)
    session.flush()
    audit.record(session, actor, "signals.sla.create", policy.name)
    return policy
