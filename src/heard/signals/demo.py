"""Demo data for customer signals: the 1,025 real customer-care conversations (redacted on
the way in) plus synthetic volume, scored, reviewed in part, routed, with SLA breaches.

The real conversations date from 2018-2020; the demo moves them onto the last three weeks
(keeping each conversation's own timing) so the SLA board has something current to show.
Scoring uses the ``fast`` profile so ``heard demo`` stays quick (the default profile runs
at roughly 200 messages/s here). Without trained model files the messages are ingested
unscored and the summary says so; ``heard signals score`` scores them later.
"""

from __future__ import annotations

import dataclasses
import io
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import OPERATOR, Actor, Role
from heard.signals import pipeline, review, routing, sla
from heard.signals.formats import FORMATS, ConversationRecord, Message
from heard.signals.ingest import write_batch
from heard.store.engine import utcnow
from heard.store.tables.org import Person, Team
from heard.store.tables.signals import Case, Review

if TYPE_CHECKING:
    from heard.demo.generator import DemoContext

DATA = Path(__file__).resolve().parents[3] / "data" / "customer-care-twitter"
SYNTHETIC_CONVERSATIONS = 1500
# The profile a deployment scores with unless told otherwise (HEARD_SIGNALS_PROFILE), so the
# demo inbox shows what a new user would get; about 2 s more than the fast one.
PROFILE = "default"
REAL_SPREAD_DAYS = 21
OPEN_WINDOW = timedelta(days=2)  # older cases were resolved in the demo's story
RECENT_RESPOND_AFTER = timedelta(minutes=30)  # most younger cases have had a reply...
RECENT_RESOLVE_AFTER = timedelta(hours=6)  # ...and most of these are resolved too
LATE_SHARE = 0.12  # of first responses and resolutions done after their target

SYNTHETIC = {
    "anger": [
        "This is the third time I'm asking: where is my refund?!",
        "I've been on hold for two hours and nobody helps. Unacceptable.",
        "You charged me twice again. I am furious.",
        "Your app deleted my data and support keeps passing me around.",
    ],
    "confusion": [
        "I don't understand the new invoice, which plan am I on?",
        "How do I reset my password? The link doesn't work for me.",
        "Why does my order say delivered when nothing arrived?",
    ],
    "sadness": [
        "Really disappointed, I waited all week for this delivery.",
        "I'm sad to cancel, the service used to be great.",
    ],
    "fear": [
        "I'm worried someone got into my account, there are payments I didn't make.",
        "Scared my card details leaked after your email, what do I do?",
    ],
    "gratitude": [
        "Thank you so much, Priya sorted it in minutes!",
        "Thanks for the quick fix, works perfectly now.",
        "Great support today, really appreciate it.",
    ],
    "neutral": [
        "Can you send me a copy of my last invoice?",
        "Please update my delivery address.",
        "What are your opening hours on Sunday?",
    ],
    "distress": [
        "I can't go on anymore, after losing my job and now this I want to end it all.",
        "Honestly I feel like hurting myself, nothing is working out.",
    ],
}
MIX = [
    ("anger", 25),
    ("confusion", 20),
    ("sadness", 10),
    ("fear", 8),
    ("gratitude", 17),
    ("neutral", 19),
    ("distress", 1),
]
CHANNELS = [("email", 45), ("chat", 40), ("phone", 15)]
TIERS = [("standard", 80), ("priority", 15), ("vip", 5)]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    names = [name for name, _weight in weighted]
    weights = [weight for _name, weight in weighted]
    return rng.choices(names, weights)[0]


def _real_conversations(now: datetime) -> list[ConversationRecord]:
    records: list[ConversationRecord] = []
    for split in ("dev", "test"):
        with (DATA / f"{split}.json").open("rb") as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            records.extend(p.record for p in FORMATS["twitter"].parse(stream) if p.record)
    records.sort(key=lambda r: (r.started_at or now, r.external_id))
    step = timedelta(days=REAL_SPREAD_DAYS) / max(len(records), 1)
    start = now - timedelta(days=REAL_SPREAD_DAYS)
    return [_retime(r, start + i * step, now) for i, r in enumerate(records)]


def _retime(record: ConversationRecord, new_start: datetime, now: datetime) -> ConversationRecord:
    origin = record.started_at or new_start
    # A long conversation placed near the end of the spread must still have ended by now:
    # nothing in the demo happens in the future.
    last = max((m.at for m in record.messages if m.at), default=origin)
    new_start = min(new_start, now - (last - origin))

    def moved(m: Message) -> Message:
        return dataclasses.replace(m, at=new_start + (m.at - origin) if m.at else new_start)

    return dataclasses.replace(
        record, started_at=new_start, messages=[moved(m) for m in record.messages]
    )


def _synthetic(rng: random.Random, now: datetime) -> list[ConversationRecord]:
    records = []
    for n in range(SYNTHETIC_CONVERSATIONS):
        kind = _pick(rng, MIX)
        at = now - timedelta(minutes=rng.randint(5, 5 * 24 * 60))
        text = rng.choice(SYNTHETIC[kind])
        messages = [Message(f"demo-{n}-1", "customer", text, f"customer-{n}", at)]
        if rng.random() < 0.5:  # half have had a first answer
            reply_at = at + timedelta(minutes=rng.randint(3, 300))
            if reply_at < now:
                messages.append(
                    Message(
                        f"demo-{n}-2",
                        "agent",
                        "Thanks for reaching out, looking into it.",
                        "agent",
                        reply_at,
                    )
                )
        records.append(
            ConversationRecord(
                external_id=f"demo-{n}",
                channel=_pick(rng, CHANNELS),
                brand="Heard Cloud",
                customer=f"customer-{n}",
                customer_tier=_pick(rng, TIERS),
                subject=text[:60],
                started_at=at,
                messages=messages,
            )
        )
    return records


def _team_people(session: Session, team: str, limit: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Team, Team.id == Person.team_id)
            .where(Team.name == team)
            .order_by(Person.id)
            .limit(limit)
        )
    )


def _setup_routing(ctx: DemoContext) -> None:
    s = ctx.session
    specialists = routing.create_queue(
        s,
        OPERATOR,
        name=routing.SPECIALIST_QUEUE,
        specialist=True,
        alert_depth=5,
        description="Crisis, self-harm and safety signals.",
    )
    frustrated = routing.create_queue(
        s,
        OPERATOR,
        name="Frustrated customers",
        alert_depth=20,
        description="Anger and high effort: senior agents.",
    )
    vip = routing.create_queue(
        s, OPERATOR, name="VIP care", alert_depth=10, description="VIP customers on any channel."
    )
    general = routing.ensure_queue(s, routing.DEFAULT_QUEUE)
    ari = ctx.logins[Role.AGENT].email
    staffing = [
        (specialists, [ari], "Support Tier 2", 3, 6),
        (frustrated, [ari], "Support Tier 1 EMEA", 5, 8),
        (vip, [], "Onboarding Support", 2, 6),
        (general, [], "Support Tier 1 Americas", 8, 25),
    ]
    for queue, emails, team, count, capacity in staffing:
        emails = emails + [p.email for p in _team_people(s, team, count) if p.email not in emails]
        for email in emails[:count]:
            routing.add_handler(s, OPERATOR, queue_id=queue.id, email=email, capacity=capacity)
    rules = [
        ("VIP customers", vip, {"customer_tier": "vip"}),
        (
            "Angry and intense",
            frustrated,
            {"emotion_group": "anger_frustration", "min_intensity": 0.5},
        ),
        ("High effort", frustrated, {"min_effort": 0.5}),
    ]
    for position, (name, queue, conditions) in enumerate(rules, start=1):
        routing.create_rule(
            s, OPERATOR, name=name, queue_id=queue.id, conditions=conditions, position=position * 10
        )
    sla.create_policy(
        s, OPERATOR, name="Social", channel="twitter", targets=sla.Targets(60, 24 * 60, 15, 48 * 60)
    )
    sla.create_policy(
        s,
        OPERATOR,
        name="Email",
        channel="email",
        targets=sla.Targets(8 * 60, 48 * 60, 2 * 60, 72 * 60),
    )
    sla.create_policy(
        s, OPERATOR, name="Everything else", targets=sla.Targets(2 * 60, 24 * 60, 30, 48 * 60)
    )


def _work_cases(ctx: DemoContext, now: datetime) -> int:
    """The support team has been working: cases older than two days are resolved, and most
    recent ones have had a first response and many are resolved, mostly within their
    targets. That leaves a believable backlog rather than every recent case past its
    targets. Distress cases are the specialists' (people, in this simulated history): they
    answered almost all of them and closed those older than two days, but no recent one is
    closed, so the specialist queue shows live work. Returns how many were resolved."""
    resolved = 0
    open_cases = select(Case).where(Case.status != "resolved").order_by(Case.id)
    for case in ctx.session.scalars(open_cases):
        age = now - case.opened_at
        resolve_recent = not case.distress and age > RECENT_RESOLVE_AFTER
        if age > OPEN_WINDOW or (resolve_recent and ctx.rng.random() < 0.8):
            case.first_response_at = _done_at(ctx, case, case.first_response_due, now)
            case.resolved_at = max(_done_at(ctx, case, case.resolution_due, now),
                                   case.first_response_at)
            case.status = "resolved"
            resolved += 1
        elif age > RECENT_RESPOND_AFTER and ctx.rng.random() < 0.9:
            case.first_response_at = _done_at(ctx, case, case.first_response_due, now)
    ctx.session.flush()
    for queue_id in {c.queue_id for c in ctx.session.scalars(select(Case))}:
        routing.fill_waiting(ctx.session, queue_id)
    return resolved


def _done_at(ctx: DemoContext, case: Case, due: datetime | None, now: datetime) -> datetime:
    """When a step was done: mostly well within its target, about one in eight late, and
    never in the future."""
    target = (due or case.opened_at + timedelta(hours=4)) - case.opened_at
    late = ctx.rng.random() < LATE_SHARE
    share = ctx.rng.uniform(1.1, 2.5) if late else ctx.rng.uniform(0.2, 0.9)
    return min(case.opened_at + target * share, now)


def _review_some(ctx: DemoContext) -> int:
    """The CX lead has reviewed a few pending scores: most confirmed, some corrected."""
    lead = ctx.logins[Role.CX_LEAD]
    actor = Actor(
        user_id=lead.id,
        name=lead.name,
        email=lead.email,
        role=Role.CX_LEAD,
        person_id=lead.person_id,
    )
    pending = ctx.session.scalars(
        select(Review)
        .where(Review.status == "pending", Review.reason == "low_confidence")
        .order_by(Review.id)
        .limit(40)
    ).all()
    items = {i["id"]: i for i in review.review_queue(ctx.session, actor, limit=500)["items"]}
    done = 0
    for r in pending:
        item = items.get(r.id)
        if item is None:
            continue
        labels = list(item["emotion_labels"]) or ["neutral"]
        sentiment = item["sentiment"]
        if ctx.rng.random() < 0.3:  # a correction: the reviewer reads it as annoyance
            labels, sentiment = ["annoyance"], "negative"
        review.submit_review(
            ctx.session,
            actor,
            r.id,
            emotion_labels=labels,
            sentiment=sentiment,
            distress=bool(item["distress"]),
        )
        done += 1
    return done


def build(ctx: DemoContext) -> None:
    now = utcnow()
    _setup_routing(ctx)
    records = _real_conversations(now) + _synthetic(ctx.rng, now)
    new_ids: list[int] = []
    for start in range(0, len(records), 1000):
        outcome = write_batch(ctx.session, "demo", records[start : start + 1000])
        new_ids.extend(outcome.new_interaction_ids)
    summary: dict[str, object] = {"conversations": len(records), "messages": len(new_ids)}
    try:
        scorer = pipeline.scorer_for(PROFILE)
        scorer.score(["warm-up"])
    except Exception as exc:  # noqa: BLE001  (model files not trained yet: demo still loads)
        summary["scored"] = f"0 (scoring unavailable: {type(exc).__name__}; see docs/signals.md)"
        ctx.summary["customer signals"] = ", ".join(f"{k}: {v}" for k, v in summary.items())
        return
    total = pipeline.ScoreOutcome()
    for start in range(0, len(new_ids), 2000):
        total.add(pipeline.score_stored(ctx.session, scorer, new_ids[start : start + 2000]))
    summary.update(scored=total.scored, distress=total.distress, cases=total.cases_opened)
    summary["resolved by the team"] = _work_cases(ctx, now)
    summary["reviews done"] = _review_some(ctx)
    board = sla.board(ctx.session, OPERATOR, now)
    summary["open cases past SLA"] = board["totals"]["open_breached"]
    summary["late first responses (all)"] = board["totals"]["first_response_breached"]
    ctx.summary["customer signals"] = ", ".join(f"{k}: {v}" for k, v in summary.items())
