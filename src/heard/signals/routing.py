"""Routing: rules send cases to queues; handlers get work by least-loaded assignment.

A *case* is a conversation that needs a human. When a conversation's customer messages are
scored, :func:`route_conversations` opens its case:

1. The conversation's **facts** are gathered: distress (any message flagged), the emotion
   groups present, sentiments, the highest intensity and effort, channel, customer tier.
2. Active **rules** are tried in ``position`` order; the first whose conditions all hold
   picks the queue. No match: the default queue (:data:`DEFAULT_QUEUE`).
3. **Distress always goes to specialists**: if the chosen queue is not a specialist queue,
   the case goes to the first specialist queue (created if there is none). A conversation
   that turns distressed later is moved there too. Nothing here ever closes such a case.
4. The case is **assigned** to the active handler of that queue with the fewest open cases,
   among those below their capacity; when all are full it waits in the queue.
5. The SLA clock starts (:mod:`heard.signals.sla`).

A queue whose waiting cases exceed its ``alert_depth`` raises an alert on the SLA board.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, NotFound, Problem, ValidationError
from heard.signals import sla
from heard.store.engine import utcnow
from heard.store.tables.org import Person
from heard.store.tables.signals import (
    Case,
    Conversation,
    Handler,
    Interaction,
    Queue,
    Rule,
    Score,
)

DEFAULT_QUEUE = "General support"
SPECIALIST_QUEUE = "Distress specialists"
GROUPS = (
    "anger_frustration",
    "sadness_disappointment",
    "fear_anxiety",
    "confusion",
    "gratitude_joy",
    "neutral",
)
# condition name -> (type, help); every rule condition must be one of these.
CONDITIONS: dict[str, tuple[type, str]] = {
    "distress": (bool, "any customer message is flagged for distress"),
    "emotion_group": (str, "this emotion group is present in a customer message"),
    "sentiment": (str, "a customer message has this sentiment"),
    "min_intensity": (float, "the highest intensity is at least this (0-1)"),
    "min_effort": (float, "the highest effort score is at least this (0-1)"),
    "channel": (str, "the conversation's channel"),
    "customer_tier": (str, "standard, priority or vip"),
    "brand": (str, "the company or brand"),
}


@dataclass
class Facts:
    """What routing rules can look at for one conversation."""

    channel: str
    customer_tier: str
    brand: str
    distress: bool = False
    groups: set[str] = field(default_factory=set)
    sentiments: set[str] = field(default_factory=set)
    intensity: float = 0.0
    effort: float = 0.0

    @property
    def negative_groups(self) -> int:
        return len(self.groups - {"gratitude_joy", "neutral"})


def validate_conditions(conditions: Any) -> dict[str, Any]:
    if not isinstance(conditions, dict):
        raise ValidationError([Problem("must be an object", "conditions")])
    problems = []
    clean: dict[str, Any] = {}
    for name, value in conditions.items():
        if name not in CONDITIONS:
            problems.append(Problem(f"unknown condition {name!r}", "conditions"))
            continue
        kind = CONDITIONS[name][0]
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            clean[name] = float(value)
        elif kind is bool and isinstance(value, bool):
            clean[name] = value
        elif kind is str and isinstance(value, str) and value.strip():
            clean[name] = value.strip().lower()
        else:
            problems.append(Problem(f"{name} must be a {kind.__name__}", "conditions"))
    if clean.get("emotion_group") not in (None, *GROUPS):
        problems.append(Problem(f"emotion_group must be one of {', '.join(GROUPS)}", "conditions"))
    if problems:
        raise ValidationError(problems)
    return clean


def matches(conditions: dict[str, Any], facts: Facts) -> bool:
    """True when every condition holds (an empty rule matches everything)."""
    return all(_holds(name, value, facts) for name, value in conditions.items())


def _holds(name: str, value: Any, facts: Facts) -> bool:
    if name == "distress":
        return facts.distress is value
    if name == "emotion_group":
        return str(value) in facts.groups
    if name == "sentiment":
        return str(value) in facts.sentiments
    if name == "min_intensity":
        return facts.intensity >= float(value)
    if name == "min_effort":
        return facts.effort >= float(value)
    attribute = {"channel": facts.channel, "customer_tier": facts.customer_tier}
    return str(attribute.get(name, facts.brand)).lower() == str(value)


def gather_facts(session: Session, conversation_ids: Iterable[int]) -> dict[int, Facts]:
    ids = list(conversation_ids)
    facts: dict[int, Facts] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for conv in session.scalars(select(Conversation).where(Conversation.id.in_(chunk))):
            facts[conv.id] = Facts(conv.channel, conv.customer_tier, conv.brand)
        scores = session.execute(
            select(Interaction.conversation_id, Score)
            .join(Score, Score.interaction_id == Interaction.id)
            .where(Interaction.conversation_id.in_(chunk))
        ).all()
        for conversation_id, score in scores:
            f = facts[conversation_id]
            f.distress = f.distress or score.distress_flag
            f.groups.add(score.top_group)
            f.sentiments.add(score.sentiment)
            f.intensity = max(f.intensity, score.intensity)
            f.effort = max(f.effort, score.effort)
    return facts


# --- queues ----------------------------------------------------------------------------


def ensure_queue(session: Session, name: str, *, specialist: bool = False) -> Queue:
    queue = session.scalar(select(Queue).where(Queue.name == name))
    if queue is None:
        description = (
            "Crisis, self-harm and safety signals. Never auto-dismissed."
            if specialist
            else "Everything no rule claims."
        )
        queue = Queue(name=name, specialist=specialist, description=description, alert_depth=50)
        session.add(queue)
        session.flush()
    return queue


def specialist_queue(session: Session) -> Queue:
    queue = session.scalar(select(Queue).where(Queue.specialist.is_(True)).order_by(Queue.id))
    return queue or ensure_queue(session, SPECIALIST_QUEUE, specialist=True)


def _choose_queue(session: Session, rules: list[Rule], facts: Facts) -> tuple[Queue, Rule | None]:
    rule = next((r for r in rules if matches(r.conditions, facts)), None)
    queue = session.get(Queue, rule.queue_id) if rule else None
    queue = queue or ensure_queue(session, DEFAULT_QUEUE)
    if facts.distress and not queue.specialist:
        return specialist_queue(session), rule
    return queue, rule


# --- assignment ------------------------------------------------------------------------


def handler_loads(session: Session, queue_id: int) -> dict[int, tuple[int, int]]:
    """handler id -> (open cases, capacity) for the active handlers of a queue."""
    open_cases = (
        select(Case.handler_id, func.count().label("n"))
        .where(Case.status == "assigned")
        .group_by(Case.handler_id)
        .subquery()
    )
    rows = session.execute(
        select(Handler.id, func.coalesce(open_cases.c.n, 0), Handler.capacity)
        .outerjoin(open_cases, open_cases.c.handler_id == Handler.id)
        .where(Handler.queue_id == queue_id, Handler.active.is_(True))
    ).all()
    return {handler_id: (load, capacity) for handler_id, load, capacity in rows}


def least_loaded(loads: dict[int, tuple[int, int]]) -> int | None:
    """The handler with the fewest open cases among those below capacity (ties: lowest id)."""
    free = [(load, handler_id) for handler_id, (load, cap) in loads.items() if load < cap]
    return min(free)[1] if free else None


def _assign(case: Case, loads: dict[int, tuple[int, int]]) -> None:
    handler_id = least_loaded(loads)
    if handler_id is None:
        case.handler_id, case.status = None, "waiting"
        return
    load, capacity = loads[handler_id]
    loads[handler_id] = (load + 1, capacity)
    case.handler_id, case.status = handler_id, "assigned"


def _customer_window(session: Session, conversation_id: int) -> tuple[datetime | None, Any]:
    """When the customer first wrote, and when an agent first answered after that."""
    first_customer = session.scalar(
        select(func.min(Interaction.at)).where(
            Interaction.conversation_id == conversation_id, Interaction.role == "customer"
        )
    )
    first_reply = None
    if first_customer is not None:
        first_reply = session.scalar(
            select(func.min(Interaction.at)).where(
                Interaction.conversation_id == conversation_id,
                Interaction.role == "agent",
                Interaction.at >= first_customer,
            )
        )
    return first_customer, first_reply


def route_conversations(
    session: Session, conversation_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Open (or escalate) the cases of these conversations; returns how many were opened."""
    now = now or utcnow()
    facts = gather_facts(session, conversation_ids)
    existing = {
        c.conversation_id: c
        for start in range(0, len(facts), 900)
        for c in session.scalars(
            select(Case).where(Case.conversation_id.in_(list(facts)[start : start + 900]))
        )
    }
    rules = list(
        session.scalars(select(Rule).where(Rule.active.is_(True)).order_by(Rule.position, Rule.id))
    )
    loads: dict[int, dict[int, tuple[int, int]]] = {}
    opened = 0
    for conversation_id, f in facts.items():
        if not (f.groups or f.distress):
            continue  # nothing scored yet
        case = existing.get(conversation_id)
        if case is not None:
            _escalate_if_distressed(session, case, f, loads)
            continue
        queue, rule = _choose_queue(session, rules, f)
        opened_at, first_reply = _customer_window(session, conversation_id)
        case = Case(
            conversation_id=conversation_id,
            queue_id=queue.id,
            rule_id=rule.id if rule else None,
            reason=_reason(rule, f, queue),
            distress=f.distress,
            opened_at=opened_at or now,
            first_response_at=first_reply,
        )
        sla.start_clock(session, case, f)
        queue_loads = loads.setdefault(queue.id, handler_loads(session, queue.id))
        _assign(case, queue_loads)
        session.add(case)
        opened += 1
    session.flush()
    return opened


def _reason(rule: Rule | None, facts: Facts, queue: Queue) -> str:
    if facts.distress:
        return "distress: always routed to specialists"
    return f"rule: {rule.name}" if rule else f"no rule matched: {queue.name}"


def _escalate_if_distressed(
    session: Session, case: Case, facts: Facts, loads: dict[int, dict[int, tuple[int, int]]]
) -> None:
    if not facts.distress or case.status == "resolved":
        return
    queue = session.get(Queue, case.queue_id)
    case.distress = True
    if queue is not None and queue.specialist:
        return
    target = specialist_queue(session)
    case.queue_id = target.id
    case.reason = "distress: moved to specialists"
    sla.start_clock(session, case, facts)
    _assign(case, loads.setdefault(target.id, handler_loads(session, target.id)))


def escalate(session: Session, conversation_ids: Iterable[int]) -> None:
    """Re-check open cases after new scores or a reviewer's verdict (distress moves them)."""
    facts = gather_facts(session, conversation_ids)
    loads: dict[int, dict[int, tuple[int, int]]] = {}
    for case in session.scalars(select(Case).where(Case.conversation_id.in_(list(facts)))):
        _escalate_if_distressed(session, case, facts[case.conversation_id], loads)


# --- working cases ---------------------------------------------------------------------


def respond(session: Session, actor: Actor, case_id: int) -> None:
    """Mark the first response sent (stops the first-response clock)."""
    require(actor, Permission.SIGNALS_WORK)
    case = _case(session, case_id)
    if case.first_response_at is None:
        case.first_response_at = utcnow()
        audit.record(session, actor, "signals.case.respond", f"case:{case_id}")


def resolve(session: Session, actor: Actor, case_id: int) -> None:
    """Resolve a case (a person decides; distress cases are never closed automatically) and
    give the freed capacity to the oldest waiting case of the queue."""
    require(actor, Permission.SIGNALS_WORK)
    case = _case(session, case_id)
    if case.status == "resolved":
        raise Conflict("the case is already resolved")
    now = utcnow()
    case.first_response_at = case.first_response_at or now
    case.resolved_at, case.status = now, "resolved"
    audit.record(session, actor, "signals.case.resolve", f"case:{case_id}")
    session.flush()
    fill_waiting(session, case.queue_id)


def fill_waiting(session: Session, queue_id: int) -> int:
    """Assign waiting cases (oldest first) while handlers have capacity."""
    loads = handler_loads(session, queue_id)
    waiting = session.scalars(
        select(Case)
        .where(Case.queue_id == queue_id, Case.status == "waiting")
        .order_by(Case.distress.desc(), Case.opened_at, Case.id)
    )
    assigned = 0
    for case in waiting:
        _assign(case, loads)
        if case.status != "assigned":
            break
        assigned += 1
    session.flush()
    return assigned


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


# --- managing queues, handlers and rules -----------------------------------------------


def create_queue(
    session: Session,
    actor: Actor,
    *,
    name: str,
    specialist: bool = False,
    alert_depth: int = 50,
    description: str = "",
) -> Queue:
    require(actor, Permission.SIGNALS_MANAGE)
    if not name.strip():
        raise ValidationError([Problem("is required", "name")])
    if alert_depth < 1:
        raise ValidationError([Problem("must be at least 1", "alert_depth")])
    if session.scalar(select(Queue.id).where(Queue.name == name.strip())) is not None:
        raise Conflict(f"a queue named {name!r} exists")
    queue = Queue(
        name=name.strip(),
        specialist=specialist,
        alert_depth=alert_depth,
        description=description.strip(),
    )
    session.add(queue)
    session.flush()
    audit.record(session, actor, "signals.queue.create", queue.name)
    return queue


def add_handler(
    session: Session, actor: Actor, *, queue_id: int, email: str, capacity: int = 10
) -> Handler:
    require(actor, Permission.SIGNALS_MANAGE)
    if capacity < 1:
        raise ValidationError([Problem("must be at least 1", "capacity")])
    if session.get(Queue, queue_id) is None:
        raise NotFound(f"no queue {queue_id}")
    person = session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise NotFound(f"nobody in the organisation has the email {email!r}")
    handler = session.scalar(
        select(Handler).where(Handler.queue_id == queue_id, Handler.person_id == person.id)
    )
    if handler is None:
        handler = Handler(queue_id=queue_id, person_id=person.id)
        session.add(handler)
    handler.capacity, handler.active = capacity, True
    session.flush()
    audit.record(session, actor, "signals.handler.set", email, queue_id=queue_id)
    fill_waiting(session, queue_id)
    return handler


def create_rule(
    session: Session,
    actor: Actor,
    *,
    name: str,
    queue_id: int,
    conditions: Any,
    position: int = 100,
) -> Rule:
    require(actor, Permission.SIGNALS_MANAGE)
    clean = validate_conditions(conditions)
    if not name.strip():
        raise ValidationError([Problem("is required", "name")])
    if session.get(Queue, queue_id) is None:
        raise NotFound(f"no queue {queue_id}")
    if session.scalar(select(Rule.id).where(Rule.name == name.strip())) is not None:
        raise Conflict(f"a rule named {name!r} exists")
    rule = Rule(name=name.strip(), queue_id=queue_id, conditions=clean, position=position)
    session.add(rule)
    session.flush()
    audit.record(session, actor, "signals.rule.create", rule.name, conditions=clean)
    return rule


def delete_rule(session: Session, actor: Actor, rule_id: int) -> None:
    require(actor, Permission.SIGNALS_MANAGE)
    rule = session.get(Rule, rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id}")
    audit.record(session, actor, "signals.rule.delete", rule.name)
    session.delete(rule)


def routing_data(session: Session, actor: Actor) -> dict[str, Any]:
    """Queues with their handlers and load, and the rules in order (the rules page)."""
    require(actor, Permission.SIGNALS_DASHBOARD)
    queues = list(session.scalars(select(Queue).order_by(Queue.specialist.desc(), Queue.name)))
    names = dict(session.execute(select(Person.id, Person.name)).all())
    out_queues = []
    for q in queues:
        loads = handler_loads(session, q.id)
        handlers = session.scalars(select(Handler).where(Handler.queue_id == q.id))
        out_queues.append(
            {
                "id": q.id,
                "name": q.name,
                "specialist": q.specialist,
                "alert_depth": q.alert_depth,
                "description": q.description,
                "handlers": [
                    {
                        "id": h.id,
                        "name": names.get(h.person_id, "?"),
                        "capacity": h.capacity,
                        "open": loads.get(h.id, (0, h.capacity))[0],
                        "active": h.active,
                    }
                    for h in handlers
                ],
            }
        )
    queue_names = {q.id: q.name for q in queues}
    rules = session.scalars(select(Rule).order_by(Rule.position, Rule.id))
    return {
        "queues": out_queues,
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "position": r.position,
                "queue": queue_names.get(r.queue_id, "?"),
                "queue_id": r.queue_id,
                "conditions": r.conditions,
                "active": r.active,
            }
            for r in rules
        ],
        "conditions": {name: help_text for name, (_kind, help_text) in CONDITIONS.items()},
        "groups": list(GROUPS),
        "can_manage": actor.can(Permission.SIGNALS_MANAGE),
    }
